import { normalCdf, normalQuantile } from './distributions.js';
import type { PatternTable } from './table.js';

/**
 * Seeded bootstrap over units, deterministic for a given seed (see `bootstrap`).
 */

/** xoshiro128** (Blackman & Vigna): fast, good 32-bit generator, seeded through splitmix32. */
export class Xoshiro128 {
  /** The state (read and written back by loops that inline `next`: PoissonDraws.fill). */
  a: number;
  b: number;
  c: number;
  d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const split = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
  }

  /** A uniform number in [0, 1) with 32 random bits. */
  next(): number {
    const b = this.b;
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    this.c ^= this.a;
    this.d ^= b;
    this.b = b ^ this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    // × 2^−32: the same number as dividing by 4294967296.
    return result * 2.3283064365386963e-10;
  }
}

/** The generator as a function. */
export function rng(seed: number): () => number {
  const g = new Xoshiro128(seed);
  return () => g.next();
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
const rot7 = (x: number): number => (x << 7) | (x >>> 25);
const rot11 = (x: number): number => (x << 11) | (x >>> 21);

/** log(k!) for k < 16: the sums log 2 + ... + log k, added in that order (as `logFactorial` adds them). */
const SMALL_LOG_FACTORIALS = ((): Float64Array => {
  const t = new Float64Array(16);
  let s = 0;
  for (let k = 2; k < 16; k++) t[k] = s += Math.log(k);
  return t;
})();

/** Below this k, log(k!) is kept once computed (`cachedLogFactorial`): 512 KB, shared by every draw. */
const LOG_FACTORIAL_TABLE = 1 << 16;
let logFactorials: Float64Array | undefined;

/**
 * `logFactorial(k)`, from a table of those computed so far for k below LOG_FACTORIAL_TABLE (the
 * draws of a lambda fall near it, again and again), computed each time above (rarely asked for).
 * The same doubles either way.
 */
function cachedLogFactorial(k: number): number {
  if (k >= LOG_FACTORIAL_TABLE) return logFactorial(k);
  const table = (logFactorials ??= new Float64Array(LOG_FACTORIAL_TABLE).fill(NaN));
  let x = table[k]!;
  if (Number.isNaN(x)) table[k] = x = logFactorial(k);
  return x;
}

/** Bits of a mantissa that index LOG_TABLE (log j for j = 2^LOG_BITS .. 2^(LOG_BITS + 1)). */
const LOG_BITS = 11;
const LOG_TABLE = ((): Float64Array => {
  const t = new Float64Array((1 << LOG_BITS) + 2);
  for (let i = 0; i < t.length; i++) t[i] = Math.log((1 << LOG_BITS) + i);
  return t;
})();
/** A margin far above every rounding error of the bounds below (values under 200, errors near 1e-13). */
const LOG_MARGIN = 1e-9;
/** The bits of a double (the high word holds the sign, exponent and top of the mantissa). */
const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);
const HIGH = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f ? 1 : 0;

/**
 * PTRS's last test, `log(v) + log(invalpha) − log(a / us² + b) <= rhs` for v = r · 2^−32 (r the
 * generator's 32-bit number), answered as that expression answers it. Each logarithm is first
 * bounded from a table by the leading bits of its argument (within 2^−11 relatively): when the
 * bounds, widened by LOG_MARGIN, lie wholly on one side of rhs, that is the expression's answer
 * (every log within one ulp of the true value); otherwise (about one in a few hundred) the
 * expression itself is computed. Two Math.log calls saved on nearly every draw that gets this far
 * (tests/unit/agreement.fast.test.ts against the expression).
 */
export function ptrsAccepts(r: number, us: number, a: number, b: number, logInvalpha: number, rhs: number): boolean {
  const d = a / (us * us) + b;
  if (r > 0) {
    BITS[0] = d;
    const hi = WORDS[HIGH]!;
    const exponent = hi >>> 20;
    // d is positive; a normal, finite double (else the expression decides).
    if (exponent > 0 && exponent < 0x7ff) {
      const z = Math.clz32(r);
      // r in [j, j + 1) · 2^s, j = its leading LOG_BITS + 1 bits; d in [jd, jd + 1) · 2^(exponent − 1023 − LOG_BITS).
      const j = ((r << z) >>> (31 - LOG_BITS)) - (1 << LOG_BITS);
      const jd = (hi & 0xfffff) >>> (20 - LOG_BITS);
      const common = (31 - z - LOG_BITS - 32 - (exponent - 1023 - LOG_BITS)) * Math.LN2 + logInvalpha;
      if (LOG_TABLE[j + 1]! - LOG_TABLE[jd]! + common + LOG_MARGIN < rhs) return true;
      if (LOG_TABLE[j]! - LOG_TABLE[jd + 1]! + common - LOG_MARGIN > rhs) return false;
    }
  }
  return Math.log(r * 2.3283064365386963e-10) + logInvalpha - Math.log(d) <= rhs;
}

/** log(k!) : exact sums for small k, Stirling's series beyond. */
function logFactorial(k: number): number {
  if (k < 16) return SMALL_LOG_FACTORIALS[k]!;
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x * x) + 1 / (1260 * Math.pow(x, 5));
}

/**
 * A Poisson(lambda) variate: Knuth's product method for small lambda, Hörmann's PTRS
 * (transformed rejection with squeeze, 1993) for lambda >= 10. Exact in both ranges.
 */
export function poisson(lambda: number, random: () => number): number {
  if (lambda <= 0) return 0;
  if (lambda < 10) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let prod = random();
    while (prod > limit) {
      k++;
      prod *= random();
    }
    return k;
  }
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = random() - 0.5;
    const v = random();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logFactorial(k)) return k;
  }
}

/**
 * Poisson(lambda_i) draws for a fixed list of lambdas, many times over (a bootstrap draws each
 * pattern's weight once per resample): `poisson` with everything that depends on lambda alone
 * computed once. The same arithmetic on the same random numbers, so the
 * draws are those of `poisson` (tests/unit/agreement.fast.test.ts).
 */
export class PoissonDraws {
  /** Per lambda: 0 none (lambda <= 0), 1 Knuth, 2 PTRS. */
  private readonly kind: Uint8Array;
  /** Knuth: exp(−lambda). PTRS: b, a, 2a, vr, log(invalpha), log(lambda), per lambda. */
  private readonly limit: Float64Array;
  private readonly ptrs: Float64Array;

  constructor(private readonly lambdas: Float64Array) {
    const L = lambdas.length;
    this.kind = new Uint8Array(L);
    this.limit = new Float64Array(L);
    this.ptrs = new Float64Array(L * 6);
    for (let i = 0; i < L; i++) {
      const lambda = lambdas[i]!;
      if (lambda <= 0) continue;
      if (lambda < 10) {
        this.kind[i] = 1;
        this.limit[i] = Math.exp(-lambda);
        continue;
      }
      this.kind[i] = 2;
      const slam = Math.sqrt(lambda);
      const b = 0.931 + 2.53 * slam;
      const a = -0.059 + 0.02483 * b;
      const invalpha = 1.1239 + 1.1328 / (b - 3.4);
      const vr = 0.9277 - 3.6224 / (b - 2);
      const o = i * 6;
      this.ptrs[o] = b;
      this.ptrs[o + 1] = a;
      this.ptrs[o + 2] = 2 * a;
      this.ptrs[o + 3] = vr;
      this.ptrs[o + 4] = Math.log(invalpha);
      this.ptrs[o + 5] = Math.log(lambda);
    }
  }

  /**
   * w[i] = a Poisson(lambdas[i]) variate for every i in turn: `draw` for i = 0, 1, ... with the
   * generator's steps written out over its state in local variables (the same numbers, the same
   * arithmetic; tests/unit/agreement.fast.test.ts), which is several times faster than a call per
   * random number. Returns the sum of the draws.
   */
  fill(w: Float64Array, random: Xoshiro128): number {
    const { kind, limit: limits, ptrs, lambdas } = this;
    const L = lambdas.length;
    let sa = random.a | 0;
    let sb = random.b | 0;
    let sc = random.c | 0;
    let sd = random.d | 0;
    let total = 0;
    for (let i = 0; i < L; i++) {
      const kd = kind[i]!;
      if (kd === 0) {
        w[i] = 0;
        continue;
      }
      if (kd === 1) {
        const limit = limits[i]!;
        // Knuth's product: k + 1 uniforms until their product falls to e^-lambda (1 * u is u exactly).
        let k = -1;
        let prod = 1;
        do {
          k++;
          const r = Math.imul(rot7(Math.imul(sb, 5)), 9) >>> 0;
          const t = sb << 9;
          sc ^= sa;
          sd ^= sb;
          sb ^= sc;
          sa ^= sd;
          sc ^= t;
          sd = rot11(sd);
          prod *= r * 2.3283064365386963e-10;
        } while (prod > limit);
        w[i] = k;
        total += k;
        continue;
      }
      const lambda = lambdas[i]!;
      const o = i * 6;
      const b = ptrs[o]!;
      const a = ptrs[o + 1]!;
      const a2 = ptrs[o + 2]!;
      const vr = ptrs[o + 3]!;
      const logInvalpha = ptrs[o + 4]!;
      const loglam = ptrs[o + 5]!;
      for (;;) {
        let r = Math.imul(rot7(Math.imul(sb, 5)), 9) >>> 0;
        let t = sb << 9;
        sc ^= sa;
        sd ^= sb;
        sb ^= sc;
        sa ^= sd;
        sc ^= t;
        sd = rot11(sd);
        const u = r * 2.3283064365386963e-10 - 0.5;
        r = Math.imul(rot7(Math.imul(sb, 5)), 9) >>> 0;
        t = sb << 9;
        sc ^= sa;
        sd ^= sb;
        sb ^= sc;
        sa ^= sd;
        sc ^= t;
        sd = rot11(sd);
        const v = r * 2.3283064365386963e-10;
        const us = 0.5 - Math.abs(u);
        const k = Math.floor((a2 / us + b) * u + lambda + 0.43);
        if (us >= 0.07 && v <= vr) {
          w[i] = k;
          total += k;
          break;
        }
        if (k < 0 || (us < 0.013 && v > us)) continue;
        if (ptrsAccepts(r, us, a, b, logInvalpha, -lambda + k * loglam - cachedLogFactorial(k))) {
          w[i] = k;
          total += k;
          break;
        }
      }
    }
    random.a = sa;
    random.b = sb;
    random.c = sc;
    random.d = sd;
    return total;
  }

  /** A Poisson(lambdas[i]) variate. */
  draw(i: number, random: Xoshiro128): number {
    const kind = this.kind[i]!;
    if (kind === 0) return 0;
    const lambda = this.lambdas[i]!;
    if (kind === 1) {
      const limit = this.limit[i]!;
      let k = 0;
      let prod = random.next();
      while (prod > limit) {
        k++;
        prod *= random.next();
      }
      return k;
    }
    const o = i * 6;
    const b = this.ptrs[o]!;
    const a = this.ptrs[o + 1]!;
    const a2 = this.ptrs[o + 2]!;
    const vr = this.ptrs[o + 3]!;
    const logInvalpha = this.ptrs[o + 4]!;
    const loglam = this.ptrs[o + 5]!;
    for (;;) {
      const u = random.next() - 0.5;
      const v = random.next();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor((a2 / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (ptrsAccepts(v * 4294967296, us, a, b, logInvalpha, -lambda + k * loglam - cachedLogFactorial(k))) return k;
    }
  }
}

/**
 * Resampled pattern weights, one vector per resample, handed to `each` (the vector is reused:
 * read it before returning). This is the Poisson bootstrap (each sampling unit is drawn a
 * Poisson(1) number of times; Hanley & MacGibbon 2006), which for interchangeable units means a
 * pattern of count c gets a Poisson(c) weight: one draw per pattern, so a million units cost no
 * more than a thousand. Clustered units (characters of a segment, a segment's codes) are drawn a
 * cluster at a time. `whole` says the weights are whole numbers summing to less than 2^53 (units
 * drawn one by one), which `Sums.collect` may take without checking them.
 */
export function bootstrap(t: PatternTable, opts: { resamples: number; seed: number }, each: (weights: Float64Array, i: number, whole: boolean) => void): void {
  const draws = new Resampler(t, opts.seed);
  const w = new Float64Array(t.counts.length);
  for (let r = 0; r < opts.resamples; r++) each(w, r, draws.next(w));
}

/**
 * The resamples of `bootstrap` one at a time, into a weight vector the caller gives (so that
 * another thread may collect the sums of one resample while the next is drawn: io/bootstrap-workers.ts).
 * The same stream of random numbers in the same order, so the same weights for a seed.
 */
export class Resampler {
  private readonly random: Xoshiro128;
  private readonly draws: PoissonDraws;

  constructor(
    private readonly t: PatternTable,
    seed: number,
  ) {
    this.random = new Xoshiro128(seed);
    // Sampling units of one kind are interchangeable: c of them drawn Poisson(1) times each is Poisson(c).
    this.draws = new PoissonDraws(t.clusters ? t.clusters.count : t.counts);
  }

  /**
   * The next resample's pattern weights into w (one per pattern; every entry is written). Returns
   * `whole`: the weights are whole numbers summing to less than 2^53 (the draws of units).
   */
  next(w: Float64Array): boolean {
    const clusters = this.t.clusters;
    if (!clusters) return this.draws.fill(w, this.random) < 2 ** 53;
    w.fill(0);
    const { start, pattern, weight } = clusters;
    for (let g = 0; g + 1 < start.length; g++) {
      const k = this.draws.draw(g, this.random);
      if (k > 0) for (let i = start[g]!; i < start[g + 1]!; i++) w[pattern[i]!]! += k * weight[i]!;
    }
    return false;
  }
}

export type IntervalMethod = 'bca' | 'percentile';

export interface BootstrapInterval {
  low: number;
  high: number;
  /** Share of resamples in which the coefficient was undefined (they take no part in the interval). */
  undefinedShare: number;
}

/**
 * A bootstrap interval from the resampled values: percentile, or BCa (Efron 1987: bias correction
 * from the share of resamples below the estimate, acceleration from the linearised values).
 * NaN bounds when fewer than half the resamples are defined.
 */
export function bootstrapInterval(values: Float64Array, estimate: number, level: number, method: IntervalMethod, accel = 0): BootstrapInterval {
  const finite = new FiniteOrder(values);
  const undefinedShare = values.length > 0 ? 1 - finite.length / values.length : 0;
  const none = { low: NaN, high: NaN, undefinedShare };
  if (finite.length === 0 || finite.length < values.length / 2) return none;
  const at = (p: number): number => {
    const x = Math.min(1, Math.max(0, p)) * (finite.length - 1);
    const lo = Math.floor(x);
    const hi = Math.ceil(x);
    const low = finite.at(lo);
    return low + (finite.at(hi) - low) * (x - lo);
  };
  const a1 = (1 - level) / 2;
  const a2 = 1 - a1;
  if (method === 'percentile' || !Number.isFinite(estimate)) return { low: at(a1), high: at(a2), undefinedShare };
  let below = 0;
  let equal = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < estimate && v !== -Infinity) below++;
    else if (v === estimate) equal++;
  }
  const share = (below + equal / 2) / finite.length;
  // Every resample on one side: no bias correction is possible; fall back to the percentile interval.
  if (share <= 0 || share >= 1) return { low: at(a1), high: at(a2), undefinedShare };
  const z0 = normalQuantile(share);
  const adjust = (alpha: number): number => {
    const z = normalQuantile(alpha);
    const d = 1 - accel * (z0 + z);
    return d > 0 ? normalCdf(z0 + (z0 + z) / d) : alpha < 0.5 ? 0 : 1;
  };
  return { low: at(adjust(a1)), high: at(adjust(a2)), undefinedShare };
}

/**
 * The finite values of a list in ascending order, as a stable sort puts them (equal values in
 * their order: only −0 and +0 are equal and told apart), without sorting: `at(i)` selects the i-th
 * (a quickselect with three-way partitions, each selection narrowing the next), a few passes over
 * the values for the few order statistics an interval reads rather than a sort of them all. The
 * same numbers as `Array.from(values).filter(Number.isFinite).sort((a, b) => a - b)[i]`
 * (tests/unit/agreement.fast.test.ts).
 */
export class FiniteOrder {
  readonly length: number;
  private readonly a: Float64Array;
  /** Positions already selected (ascending): the values before each are no greater, those after no smaller. */
  private readonly fixed: number[] = [];
  private readonly values: Float64Array;

  constructor(values: Float64Array) {
    this.values = values;
    const a = new Float64Array(values.length);
    let n = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v - v === 0) a[n++] = v;
    }
    this.a = a;
    this.length = n;
  }

  /** The i-th smallest finite value (0 <= i < length). */
  at(i: number): number {
    const { a, fixed } = this;
    let left = 0;
    let right = this.length;
    let j = 0;
    for (; j < fixed.length && fixed[j]! <= i; j++) {
      if (fixed[j] === i) return this.signed(a[i]!, i);
      left = fixed[j]! + 1;
    }
    if (j < fixed.length) right = fixed[j]!;
    while (right - left > 1) {
      const mid = (left + right) >>> 1;
      // Median of three as the pivot.
      const x = a[left]!;
      const y = a[mid]!;
      const z = a[right - 1]!;
      const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
      // Three ways: [left, lt) below the pivot, [lt, gt] equal to it, (gt, right) above.
      let lt = left;
      let k = left;
      let gt = right - 1;
      while (k <= gt) {
        const v = a[k]!;
        if (v < pivot) {
          a[k++] = a[lt]!;
          a[lt++] = v;
        } else if (v > pivot) {
          a[k] = a[gt]!;
          a[gt--] = v;
        } else k++;
      }
      if (i < lt) right = lt;
      else if (i > gt) left = gt + 1;
      else break;
    }
    fixed.splice(j, 0, i);
    return this.signed(a[i]!, i);
  }

  /** The value at position i, a zero given the sign of the zero a stable sort puts there. */
  private signed(v: number, i: number): number {
    if (v !== 0) return v;
    // The zeros follow the negative values, in the order they come in.
    let negative = 0;
    for (let k = 0; k < this.length; k++) if (this.a[k]! < 0) negative++;
    let z = i - negative;
    for (let k = 0; k < this.values.length; k++) {
      const x = this.values[k]!;
      if (x === 0 && z-- === 0) return x;
    }
    return v;
  }
}
