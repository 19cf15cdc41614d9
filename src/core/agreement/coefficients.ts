import { agreementPerPattern, patternTerms, Sums, type Plan } from './sums.js';
import type { Level, PatternTable } from './table.js';

/**
 * Agreement coefficients on a pattern table (see table.ts) with a weight per pattern: the table's
 * own counts, or a bootstrap resample's. Each returns NaN when it is undefined for the data (for
 * example kappa when both coders used a single category: chance agreement is 1).
 *
 * With `withInfluence`, a coefficient also returns its linearised value per pattern (the
 * influence of one unit with that pattern, centred so that the weighted mean is 0), from which
 * the standard error follows (variance.ts): Gwet (2008, 2014) for percent agreement, AC1/AC2,
 * Brennan–Prediger, Fleiss', Conger's kappa and Krippendorff's alpha, as the R package irrCAC
 * computes them; Fleiss, Cohen & Everitt (1969) for Cohen's (weighted) kappa.
 *
 * Units: every coefficient is computed on the units with two or more values (the units compared),
 * chance terms included. `units: 'rated'` instead takes the chance terms of Gwet's coefficients
 * (and their sample size) from every unit with a value, as Gwet (2014) and irrCAC do.
 *
 * Notation: units u, coders, categories k = 0..q-1; n_uk = how many coders put unit u in k;
 * m_u = values in unit u. Formulas and sources are in the README ("Agreement coefficients").
 */

/** Per-pattern category counts n_pk (P x q) and values per pattern m_p, computed once per table. */
export interface Prepared {
  t: PatternTable;
  n: Float64Array;
  m: Int32Array;
}

export function prepare(t: PatternTable): Prepared {
  const P = t.counts.length;
  const n = new Float64Array(P * t.q);
  const m = new Int32Array(P);
  for (let p = 0; p < P; p++) {
    for (let c = 0; c < t.coders; c++) {
      const v = t.tuples[p * t.coders + c]!;
      if (v >= 0) {
        n[p * t.q + v]!++;
        m[p]!++;
      }
    }
  }
  return { t, n, m };
}

export type WeightScheme = 'identity' | 'linear' | 'quadratic';
export type ChanceUnits = 'compared' | 'rated';

/**
 * Agreement weights between categories (1 on the diagonal). Linear and quadratic weights use the
 * categories' numbers when they have them (irrCAC, SAS), else their ranks (Cohen 1968's equal spacing).
 */
export function weightMatrix(q: number, scheme: WeightScheme, values?: Float64Array): Float64Array {
  const W = new Float64Array(q * q);
  const x = values ?? Float64Array.from({ length: q }, (_, i) => i);
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < q; k++) {
    lo = Math.min(lo, x[k]!);
    hi = Math.max(hi, x[k]!);
  }
  const range = hi - lo;
  for (let k = 0; k < q; k++) {
    for (let l = 0; l < q; l++) {
      const d = range > 0 ? Math.abs(x[k]! - x[l]!) / range : 0;
      W[k * q + l] = scheme === 'identity' ? (k === l ? 1 : 0) : scheme === 'linear' ? 1 - d : 1 - d * d;
    }
  }
  return W;
}

export function identityWeights(q: number): Float64Array {
  return weightMatrix(q, 'identity');
}

/** A coefficient's value, with what its standard error needs when asked for. */
export interface Stat {
  value: number;
  /** Per pattern, centred linearised values (0 for patterns not used). */
  influence?: Float64Array;
  /** Patterns the coefficient used (its units). */
  used?: Uint8Array;
  /** Units used (total weight). */
  n: number;
  /** Variance form: 'gwet' = sum L² / (n (n − 1)); 'fce' = sum L² / n². */
  form?: 'gwet' | 'fce';
  observed?: number;
  chance?: number;
  /** Standard error under the null hypothesis of chance agreement (kappa-type coefficients), for z and p. */
  seNull?: number;
}

const undefinedStat = (n = 0): Stat => ({ value: NaN, n });

interface Base {
  /** Patterns in the units: m >= 2 (compared) or m >= 1 (rated), with weight. */
  used: Uint8Array;
  /** Sum of weights of the used patterns, and of those with two or more values. */
  n: number;
  n2: number;
  /** Per pattern weighted agreement: sum_k n_pk (n*_pk − 1) / (m (m − 1)); 0 when m < 2. */
  paP: Float64Array;
  pa: number;
  /** Category propensities pi_k = mean over used units of n_uk / m_u. */
  pi: Float64Array;
}

const NONE_U8 = new Uint8Array(0);
const NONE_F64 = new Float64Array(0);

/** The identity agreement weights of a table (one matrix per table, so that its per-pattern terms are cached). */
export function identityOf(prep: Prepared): Float64Array {
  return patternTerms(prep.t, prep.n, prep.m).identity;
}

/** The sums of one coefficient's plan for weights w (sums.ts). */
export function sumsOf(prep: Prepared, plan: Plan, w: Float64Array): Sums {
  return new Sums(prep.t, prep.n, prep.m, plan).collect(w);
}

/** What `base` needs from the sums: the units' propensities and the agreement under W. */
export function basePlan(units: ChanceUnits, W: Float64Array): Plan {
  return { [units]: true, weights: [W] };
}

/**
 * The units' agreement and the category propensities from collected sums (sums.ts); per-pattern
 * arrays only when `keep` (for influence values), for weights w.
 */
function baseOf(prep: Prepared, s: Sums, W: Float64Array, units: ChanceUnits, w: Float64Array | undefined): Base {
  const q = prep.t.q;
  const total = units === 'rated' ? s.totalRated : s.totalCompared;
  const raw = units === 'rated' ? s.piRated : s.piCompared;
  const pi = new Float64Array(q);
  if (total > 0) for (let k = 0; k < q; k++) pi[k] = raw[k]! / total;
  const j = s.weightIndex(W);
  const total2 = s.total2;
  let used: Uint8Array = NONE_U8;
  let paP: Float64Array = NONE_F64;
  if (w) {
    const min = units === 'rated' ? 1 : 2;
    used = new Uint8Array(w.length);
    for (let p = 0; p < w.length; p++) if (prep.m[p]! >= min && w[p]! > 0) used[p] = 1;
    paP = agreementPerPattern(patternTerms(prep.t, prep.n, prep.m), prep.t, prep.n, prep.m, W);
  }
  return { used, n: total, n2: total2, paP, pa: total2 > 0 ? s.paSum[j]! / total2 : NaN, pi };
}

/** The units' agreement and the category propensities for weights w; per-pattern arrays only when `keep`. */
function base(prep: Prepared, w: Float64Array, W: Float64Array, units: ChanceUnits, keep = true): Base {
  return baseOf(prep, sumsOf(prep, basePlan(units, W), w), W, units, keep ? w : undefined);
}

function sumOf(W: Float64Array): number {
  let s = 0;
  for (let i = 0; i < W.length; i++) s += W[i]!;
  return s;
}

/** (pa − pe)/(1 − pe), NaN when undefined: the value of every coefficient of Gwet's family. */
function gwetValue(b: Base, pe: number): number {
  return !(b.n2 > 0) || !(pe < 1) ? NaN : (b.pa - pe) / (1 - pe);
}

/**
 * Gwet's family: a coefficient (pa − pe)/(1 − pe) whose chance agreement pe has per-unit terms
 * peU (mean pe): the linearised value of a unit is (n/n2)(pa_u − pe)/(1 − pe) − 2(1 − κ)(pe_u − pe)/(1 − pe)
 * (Gwet 2008, eq. 26; irrCAC), with the factor 2 only when pe depends on the data.
 */
function gwetStat(b: Base, prep: Prepared, w: Float64Array, pe: number, peU: ((p: number) => number) | undefined, withInfluence: boolean): Stat {
  const value = gwetValue(b, pe);
  if (Number.isNaN(value)) return undefinedStat(b.n2);
  const s: Stat = { value, n: b.n, observed: b.pa, chance: pe, form: 'gwet' };
  if (!withInfluence) return s;
  s.used = b.used;
  const L = new Float64Array(w.length);
  for (let p = 0; p < w.length; p++) {
    if (!b.used[p]) continue;
    const two = prep.m[p]! >= 2 ? 1 : 0;
    let x = ((b.n / b.n2) * (b.paP[p]! - pe * two)) / (1 - pe);
    if (peU) x -= (2 * (1 - value) * (peU(p) - pe)) / (1 - pe);
    L[p] = x - value;
  }
  s.influence = L;
  return s;
}

/**
 * A coefficient as the bootstrap uses it: the sums it needs (one pass over the patterns serves
 * every coefficient of a table: sums.ts) and its value from them, the same number the coefficient's
 * own function gives for the same weights.
 */
export interface Resampled {
  plan: Plan;
  value: (s: Sums) => number;
}

/** Percent agreement as irrCAC, Fleiss' P̄ and Gwet's pa define it: the mean over units of the share of agreeing pairs of values. */
export function percentAgreement(prep: Prepared, w: Float64Array, opts: { units?: ChanceUnits; withInfluence?: boolean } = {}): Stat {
  const b = base(prep, w, identityOf(prep), opts.units ?? 'compared', opts.withInfluence === true);
  if (!(b.n2 > 0)) return undefinedStat();
  const s: Stat = { value: b.pa, n: b.n, observed: b.pa, chance: 0, form: 'gwet' };
  if (opts.withInfluence) {
    s.used = b.used;
    const L = new Float64Array(w.length);
    for (let p = 0; p < w.length; p++) if (b.used[p]) L[p] = (b.n / b.n2) * b.paP[p]! - b.pa;
    s.influence = L;
  }
  return s;
}

export function percentAgreementResampled(prep: Prepared, units: ChanceUnits = 'compared'): Resampled {
  const I = identityOf(prep);
  return {
    plan: basePlan(units, I),
    value: (s) => {
      const b = baseOf(prep, s, I, units, undefined);
      return b.n2 > 0 ? b.pa : NaN;
    },
  };
}

const unanimousValue = (s: Sums): number => (s.total2 > 0 ? s.unanimous / s.total2 : NaN);

/** Share of units (with two or more values) on which every coder gave the same value. */
export function unanimousAgreement(prep: Prepared, w: Float64Array): number {
  return unanimousValue(sumsOf(prep, { unanimous: true }, w));
}

export function unanimousAgreementResampled(): Resampled {
  return { plan: { unanimous: true }, value: unanimousValue };
}

function pairwiseValue(s: Sums): number {
  let sum = 0;
  let pairs = 0;
  for (let j = 0; j < s.pairTotal.length; j++) {
    if (s.pairTotal[j]! > 0) {
      sum += s.pairAgree[j]! / s.pairTotal[j]!;
      pairs++;
    }
  }
  return pairs > 0 ? sum / pairs : NaN;
}

/** Mean over coder pairs of the share of their common units on which they agree (Holsti). */
export function pairwiseAgreement(prep: Prepared, w: Float64Array): number {
  return pairwiseValue(sumsOf(prep, { pairwise: true }, w));
}

export function pairwiseAgreementResampled(): Resampled {
  return { plan: { pairwise: true }, value: pairwiseValue };
}

interface CohenParts {
  value: number;
  total: number;
  /** Cell proportions, row and column margins, observed and chance agreement (when defined). */
  p?: Float64Array;
  rows?: Float64Array;
  cols?: Float64Array;
  po?: number;
  pe?: number;
}

function cohenParts(q: number, s: Sums, Wt: Float64Array): CohenParts {
  const total = s.cohenTotal;
  if (!(total > 0)) return { value: NaN, total: 0 };
  const p = new Float64Array(q * q);
  for (let i = 0; i < p.length; i++) p[i] = s.cohen[i]! / total;
  const rows = new Float64Array(q);
  const cols = new Float64Array(q);
  for (let k = 0; k < q; k++)
    for (let l = 0; l < q; l++) {
      rows[k]! += p[k * q + l]!;
      cols[l]! += p[k * q + l]!;
    }
  let po = 0;
  let pe = 0;
  for (let k = 0; k < q; k++)
    for (let l = 0; l < q; l++) {
      po += Wt[k * q + l]! * p[k * q + l]!;
      pe += Wt[k * q + l]! * rows[k]! * cols[l]!;
    }
  if (!(pe < 1)) return { value: NaN, total };
  return { value: (po - pe) / (1 - pe), total, p, rows, cols, po, pe };
}

/**
 * Cohen's kappa for two coders (fixed persons), on the units both coded; weighted (Cohen 1968) with
 * agreement weights W. Standard error: Fleiss, Cohen & Everitt (1969), non-null (influence, form
 * 'fce') and under the null hypothesis of independent coders (seNull).
 */
export function cohenKappa(prep: Prepared, w: Float64Array, W?: Float64Array, opts: { withInfluence?: boolean } = {}): Stat {
  const { t } = prep;
  const q = t.q;
  if (t.coders !== 2) throw new Error("Cohen's kappa is for two coders");
  const Wt = W ?? identityOf(prep);
  const c = cohenParts(q, sumsOf(prep, { cohen: true }, w), Wt);
  if (c.total === 0) return undefinedStat();
  if (!c.p) return { value: NaN, n: c.total };
  const { value, total, rows, cols, po, pe } = c as Required<CohenParts>;
  const s: Stat = { value, n: total, observed: po, chance: pe, form: 'fce' };
  if (!opts.withInfluence) return s;
  // w̄_k. = sum_l W_kl p_.l, w̄_.l = sum_k W_kl p_k. (Fleiss, Cohen & Everitt 1969).
  const wRow = new Float64Array(q);
  const wCol = new Float64Array(q);
  for (let k = 0; k < q; k++)
    for (let l = 0; l < q; l++) {
      wRow[k]! += Wt[k * q + l]! * cols[l]!;
      wCol[l]! += Wt[k * q + l]! * rows[k]!;
    }
  const mean = value - pe * (1 - value);
  const L = new Float64Array(w.length);
  const used = new Uint8Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const a = t.tuples[i * 2]!;
    const b = t.tuples[i * 2 + 1]!;
    if (a < 0 || b < 0 || !(w[i]! > 0)) continue;
    used[i] = 1;
    L[i] = (Wt[a * q + b]! - (wRow[a]! + wCol[b]!) * (1 - value) - mean) / (1 - pe);
  }
  let v0 = 0;
  for (let k = 0; k < q; k++) for (let l = 0; l < q; l++) v0 += rows[k]! * cols[l]! * Math.pow(Wt[k * q + l]! - (wRow[k]! + wCol[l]!), 2);
  v0 = (v0 - pe * pe) / (total * (1 - pe) * (1 - pe));
  s.influence = L;
  s.used = used;
  s.seNull = v0 >= 0 ? Math.sqrt(v0) : NaN;
  return s;
}

export function cohenKappaResampled(prep: Prepared, W?: Float64Array): Resampled {
  const Wt = W ?? identityOf(prep);
  return { plan: { cohen: true }, value: (s) => cohenParts(prep.t.q, s, Wt).value };
}

function fleissPe(q: number, b: Base): number {
  let pe = 0;
  for (let k = 0; k < q; k++) pe += b.pi[k]! * b.pi[k]!;
  return pe;
}

/**
 * Fleiss' kappa for any number of coders, treated as interchangeable (not fixed persons); with
 * missing values Gwet's generalisation (2014). Standard error: Gwet's non-null variance (irrCAC);
 * seNull: Fleiss, Nee & Landis (1979), under the null hypothesis, when every unit has the same
 * number of values. With two coders on the units both coded, this is Scott's pi.
 */
export function fleissKappa(prep: Prepared, w: Float64Array, opts: { units?: ChanceUnits; withInfluence?: boolean } = {}): Stat {
  const { t, n, m } = prep;
  const q = t.q;
  const b = base(prep, w, identityOf(prep), opts.units ?? 'compared', opts.withInfluence === true);
  const pe = fleissPe(q, b);
  const peU = (p: number): number => {
    let s = 0;
    for (let k = 0; k < q; k++) s += n[p * q + k]! * b.pi[k]!;
    return s / m[p]!;
  };
  const s = gwetStat(b, prep, w, pe, peU, opts.withInfluence === true);
  if (!Number.isFinite(s.value)) return s;
  if (!opts.withInfluence) return s;
  // Fleiss, Nee & Landis (1979): with m values per unit, on N units.
  let constantM = -1;
  for (let p = 0; p < w.length; p++) {
    if (!b.used[p] || m[p]! < 2) continue;
    constantM = constantM === -1 ? m[p]! : constantM === m[p]! ? m[p]! : -2;
  }
  let pq = 0;
  let pqqp = 0;
  for (let k = 0; k < q; k++) {
    const x = b.pi[k]!;
    pq += x * (1 - x);
    pqqp += x * (1 - x) * (1 - 2 * x);
  }
  if (constantM > 1 && pq > 0) s.seNull = (Math.sqrt(2) / (pq * Math.sqrt(b.n2 * constantM * (constantM - 1)))) * Math.sqrt(Math.max(0, pq * pq - pqqp));
  return s;
}

export function fleissKappaResampled(prep: Prepared, units: ChanceUnits = 'compared'): Resampled {
  const I = identityOf(prep);
  return {
    plan: basePlan(units, I),
    value: (s) => {
      const b = baseOf(prep, s, I, units, undefined);
      return gwetValue(b, fleissPe(prep.t.q, b));
    },
  };
}

/** Scott's pi for two coders: chance agreement from the pooled distribution of both coders' values (= Fleiss' kappa on the units both coded). */
export function scottPi(prep: Prepared, w: Float64Array, opts: { withInfluence?: boolean } = {}): Stat {
  if (prep.t.coders !== 2) throw new Error("Scott's pi is for two coders");
  return fleissKappa(prep, w, { units: 'compared', ...opts });
}

export function scottPiResampled(prep: Prepared): Resampled {
  return fleissKappaResampled(prep, 'compared');
}

interface CongerParts {
  b: Base;
  value: number;
  pe: number;
  ng: Float64Array;
  pgk: Float64Array;
  pbar: Float64Array;
}

function congerParts(prep: Prepared, s: Sums, Wt: Float64Array, units: ChanceUnits, w: Float64Array | undefined): CongerParts | undefined {
  const { t } = prep;
  const q = t.q;
  const r = t.coders;
  const b = baseOf(prep, s, Wt, units, w);
  if (!(b.n2 > 0)) return undefined;
  // Per coder: units rated (n_g) and category shares p_gk, over the used units.
  const ng = Float64Array.from(s.ng);
  const pgk = Float64Array.from(s.pgk);
  for (let g = 0; g < r; g++) {
    if (!(ng[g]! > 0)) return { b, value: NaN, pe: NaN, ng, pgk, pbar: new Float64Array(q) };
    for (let k = 0; k < q; k++) pgk[g * q + k]! /= ng[g]!;
  }
  const pbar = new Float64Array(q);
  for (let k = 0; k < q; k++) {
    for (let g = 0; g < r; g++) pbar[k]! += pgk[g * q + k]!;
    pbar[k]! /= r;
  }
  let pe = 0;
  for (let k = 0; k < q; k++)
    for (let l = 0; l < q; l++) {
      let cross = 0;
      for (let g = 0; g < r; g++) cross += pgk[g * q + k]! * pgk[g * q + l]!;
      const s2 = (cross - r * pbar[k]! * pbar[l]!) / (r - 1);
      pe += Wt[k * q + l]! * (pbar[k]! * pbar[l]! - s2 / r);
    }
  return { b, value: gwetValue(b, pe), pe, ng, pgk, pbar };
}

/** Most entries (coders x (categories + 1) x categories) of the table of Conger's per-unit chance terms. */
const CONGER_TERMS = 1 << 20;

const congerPlan = (units: ChanceUnits, Wt: Float64Array): Plan => ({ ...basePlan(units, Wt), conger: units });

/**
 * Conger's kappa (1980) for any number of coders as fixed persons: chance agreement from each
 * coder's own distribution; with two coders it is Cohen's kappa. Standard error: Gwet (2014), irrCAC.
 */
export function congerKappa(prep: Prepared, w: Float64Array, W?: Float64Array, opts: { units?: ChanceUnits; withInfluence?: boolean; direct?: boolean } = {}): Stat {
  const { t } = prep;
  const q = t.q;
  const r = t.coders;
  const Wt = W ?? identityOf(prep);
  const units = opts.units ?? 'compared';
  const c = congerParts(prep, sumsOf(prep, congerPlan(units, Wt), w), Wt, units, w);
  if (!c) return undefinedStat();
  const { b, pe, ng, pgk, pbar } = c;
  if (Number.isNaN(pe)) return undefinedStat(b.n2);
  // Gwet (2014): lambda_ug = sum_k [sum_l W_kl (d_ugl − (e_ug − n_g/n) p_gl)] (n/n_g) (r p̄_k − p_gk).
  // Coder g's term for category k depends on g and the coder's value v alone.
  const term = (g: number, v: number, k: number): number => {
    const e = v >= 0 ? 1 : 0;
    const f = b.n / ng[g]!;
    let inner = 0;
    for (let l = 0; l < q; l++) inner += Wt[k * q + l]! * ((v === l ? 1 : 0) - (e - ng[g]! / b.n) * pgk[g * q + l]!);
    return inner * f * (r * pbar[k]! - pgk[g * q + k]!);
  };
  // The terms of each (coder, value) computed once, when it first occurs (the same doubles, added in
  // the same order), unless that table would be big (many categories) or `direct` asks for every term
  // computed in place (the straightforward way: tests/unit/agreement.fast.test.ts compares the two).
  const memo = r * (q + 1) * q <= CONGER_TERMS && opts.direct !== true ? new Float64Array(r * (q + 1) * q) : undefined;
  const known = memo ? new Uint8Array(r * (q + 1)) : undefined;
  const peU = (p: number): number => {
    let sum = 0;
    for (let g = 0; g < r; g++) {
      const v = t.tuples[p * r + g]!;
      if (!memo) {
        for (let k = 0; k < q; k++) sum += term(g, v, k);
        continue;
      }
      const at = g * (q + 1) + v + 1;
      const o = at * q;
      if (known![at] === 0) {
        known![at] = 1;
        for (let k = 0; k < q; k++) memo[o + k] = term(g, v, k);
      }
      for (let k = 0; k < q; k++) sum += memo[o + k]!;
    }
    return sum / (r * (r - 1));
  };
  return gwetStat(b, prep, w, pe, peU, opts.withInfluence === true);
}

export function congerKappaResampled(prep: Prepared, W?: Float64Array, units: ChanceUnits = 'compared'): Resampled {
  const Wt = W ?? identityOf(prep);
  return { plan: congerPlan(units, Wt), value: (s) => congerParts(prep, s, Wt, units, undefined)?.value ?? NaN };
}

function gwetACPe(q: number, b: Base, Wt: Float64Array): number {
  const tw = sumOf(Wt);
  let s = 0;
  for (let k = 0; k < q; k++) s += b.pi[k]! * (1 - b.pi[k]!);
  return (tw / (q * (q - 1))) * s;
}

/**
 * Gwet's AC1 (identity weights) or AC2 (other weights) for any number of coders with missing
 * values (Gwet 2008, 2014): chance agreement from the average category propensities.
 */
export function gwetAC(prep: Prepared, w: Float64Array, W?: Float64Array, opts: { units?: ChanceUnits; withInfluence?: boolean } = {}): Stat {
  const { n, m, t } = prep;
  const q = t.q;
  const Wt = W ?? identityOf(prep);
  if (q < 2) return undefinedStat();
  const b = base(prep, w, Wt, opts.units ?? 'compared', opts.withInfluence === true);
  const tw = sumOf(Wt);
  const pe = gwetACPe(q, b, Wt);
  const peU = (p: number): number => {
    let x = 0;
    for (let k = 0; k < q; k++) x += n[p * q + k]! * (1 - b.pi[k]!);
    return ((tw / (q * (q - 1))) * x) / m[p]!;
  };
  return gwetStat(b, prep, w, pe, peU, opts.withInfluence === true);
}

export function gwetACResampled(prep: Prepared, W?: Float64Array, units: ChanceUnits = 'compared'): Resampled {
  const q = prep.t.q;
  const Wt = W ?? identityOf(prep);
  return {
    plan: basePlan(units, Wt),
    value: (s) => {
      if (q < 2) return NaN;
      const b = baseOf(prep, s, Wt, units, undefined);
      return gwetValue(b, gwetACPe(q, b, Wt));
    },
  };
}

/** Brennan & Prediger's coefficient: chance agreement 1/q (weighted: sum of weights / q²). */
export function brennanPrediger(prep: Prepared, w: Float64Array, W?: Float64Array, opts: { units?: ChanceUnits; withInfluence?: boolean } = {}): Stat {
  const q = prep.t.q;
  if (q < 2) return undefinedStat();
  const Wt = W ?? identityOf(prep);
  const b = base(prep, w, Wt, opts.units ?? 'compared', opts.withInfluence === true);
  return gwetStat(b, prep, w, sumOf(Wt) / (q * q), undefined, opts.withInfluence === true);
}

export function brennanPredigerResampled(prep: Prepared, W?: Float64Array, units: ChanceUnits = 'compared'): Resampled {
  const q = prep.t.q;
  const Wt = W ?? identityOf(prep);
  return {
    plan: basePlan(units, Wt),
    value: (s) => (q < 2 ? NaN : gwetValue(baseOf(prep, s, Wt, units, undefined), sumOf(Wt) / (q * q))),
  };
}

/** Krippendorff's alpha with its coincidence-matrix parts. */
export interface AlphaStat extends Stat {
  /** Pairable values: values in units with two or more values (n.. of the coincidence matrix). */
  pairable: number;
  observedDisagreement: number;
  expectedDisagreement: number;
}

/** Alpha from the coincidence matrix o (sums.ts) and the units compared; the differences δ used. */
function alphaOf(prep: Prepared, s: Sums, level: Level, differences: Float64Array | undefined): { stat: AlphaStat; delta?: Float64Array } {
  const { t } = prep;
  const q = t.q;
  const o = s.o;
  const nc = new Float64Array(q);
  let total = 0;
  for (let c = 0; c < q; c++) {
    for (let k = 0; k < q; k++) nc[c]! += o[c * q + k]!;
    total += nc[c]!;
  }
  const none: AlphaStat = { value: NaN, n: 0, pairable: total, observedDisagreement: NaN, expectedDisagreement: NaN };
  if (total <= 1) return { stat: none };
  const delta = differences ?? distance(level, q, t.numeric, nc);
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < q; c++)
    for (let k = 0; k < q; k++) {
      const d = delta[c * q + k]!;
      if (d === 0) continue;
      observed += o[c * q + k]! * d;
      expected += nc[c]! * nc[k]! * d;
    }
  const Do = observed / total;
  const De = expected / (total * (total - 1));
  const stat: AlphaStat = { value: expected > 0 ? 1 - ((total - 1) * observed) / expected : NaN, n: s.total2, pairable: total, observedDisagreement: Do, expectedDisagreement: De, form: 'gwet' };
  return { stat, delta };
}

export function krippendorffAlphaResampled(prep: Prepared, level: Level = 'nominal', differences?: Float64Array): Resampled {
  return { plan: { alpha: true }, value: (s) => alphaOf(prep, s, level, differences).stat.value };
}

/**
 * Krippendorff's alpha for any number of coders and missing values, at the given level of
 * measurement: 1 − (n − 1) Σ o_ck δ_ck / Σ n_c n_k δ_ck over the coincidence matrix of pairable
 * values (Krippendorff 2011). The standard error is Gwet's (2014, irrCAC's krippen.alpha.raw) with
 * agreement weights 1 − δ/max δ, which give the same alpha.
 */
export function krippendorffAlpha(prep: Prepared, w: Float64Array, level: Level = 'nominal', differences?: Float64Array, opts: { withInfluence?: boolean } = {}): AlphaStat {
  const { t, n, m } = prep;
  const q = t.q;
  const { stat: s, delta } = alphaOf(prep, sumsOf(prep, { alpha: true }, w), level, differences);
  if (!opts.withInfluence || !Number.isFinite(s.value) || !delta) return s;
  // Gwet's linearisation  // Gwet's linearisation with weights W = 1 − δ/max δ (irrCAC krippen.alpha.raw).
  let dmax = 0;
  for (let i = 0; i < delta.length; i++) dmax = Math.max(dmax, delta[i]!);
  const W = new Float64Array(q * q);
  for (let i = 0; i < W.length; i++) W[i] = 1 - delta[i]! / dmax;
  const used = new Uint8Array(w.length);
  let N = 0;
  let sumR = 0;
  for (let p = 0; p < w.length; p++) {
    if (m[p]! < 2 || !(w[p]! > 0)) continue;
    used[p] = 1;
    N += w[p]!;
    sumR += w[p]! * m[p]!;
  }
  const rbar = sumR / N;
  const sumQ = new Float64Array(w.length);
  const pi = new Float64Array(q);
  let paPrime = 0;
  for (let p = 0; p < w.length; p++) {
    if (!used[p]) continue;
    let sq = 0;
    for (let k = 0; k < q; k++) {
      const nk = n[p * q + k]!;
      if (nk === 0) continue;
      let star = 0;
      for (let l = 0; l < q; l++) star += W[k * q + l]! * n[p * q + l]!;
      sq += nk * (star - 1);
      pi[k]! += (w[p]! * nk) / rbar;
    }
    sumQ[p] = sq;
    paPrime += (w[p]! * sq) / (rbar * (m[p]! - 1));
  }
  paPrime /= N;
  for (let k = 0; k < q; k++) pi[k]! /= N;
  let pe = 0;
  for (let k = 0; k < q; k++) for (let l = 0; l < q; l++) pe += W[k * q + l]! * pi[k]! * pi[l]!;
  const alphaPrime = (paPrime - pe) / (1 - pe);
  // π_w = (W π + Wᵀ π) / 2
  const piW = new Float64Array(q);
  for (let k = 0; k < q; k++) {
    let a = 0;
    let c = 0;
    for (let l = 0; l < q; l++) {
      a += W[k * q + l]! * pi[l]!;
      c += W[l * q + k]! * pi[l]!;
    }
    piW[k] = (a + c) / 2;
  }
  const L = new Float64Array(w.length);
  for (let p = 0; p < w.length; p++) {
    if (!used[p]) continue;
    const r = m[p]!;
    const paU = sumQ[p]! / (rbar * (r - 1)) - (paPrime * (r - rbar)) / rbar;
    let peU = 0;
    for (let k = 0; k < q; k++) peU += n[p * q + k]! * piW[k]!;
    peU = peU / rbar - (pe * (r - rbar)) / rbar;
    const x = (paU - pe) / (1 - pe) - (2 * (1 - alphaPrime) * (peU - pe)) / (1 - pe);
    L[p] = x - alphaPrime;
  }
  s.influence = L;
  s.used = used;
  return s;
}

/** Squared difference functions of Krippendorff's alpha for each level of measurement. */
export function distance(level: Level, q: number, values: Float64Array, nc: Float64Array): Float64Array {
  const d = new Float64Array(q * q);
  for (let c = 0; c < q; c++)
    for (let k = 0; k < q; k++) {
      if (c === k) continue;
      const a = values[c]!;
      const b = values[k]!;
      switch (level) {
        case 'nominal':
          d[c * q + k] = 1;
          break;
        case 'interval':
          d[c * q + k] = (a - b) * (a - b);
          break;
        case 'ratio':
          // Ratio values are non-negative (negatives are rejected when read): a + b = 0 only for a = b = 0.
          d[c * q + k] = a + b === 0 ? 0 : Math.pow((a - b) / (a + b), 2);
          break;
        case 'ordinal': {
          const lo = Math.min(c, k);
          const hi = Math.max(c, k);
          let s = 0;
          for (let g = lo; g <= hi; g++) s += nc[g]!;
          s -= (nc[c]! + nc[k]!) / 2;
          d[c * q + k] = s * s;
          break;
        }
      }
    }
  return d;
}

/**
 * MASI distance between two sets of codes (Passonneau 2006): 1 − J·M, with J the Jaccard index and
 * M = 1 (same set), 2/3 (one contains the other), 1/3 (they overlap), 0 (disjoint).
 */
export function masiDistance(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  const union = a.size + b.size - inter;
  if (union === 0) return 0;
  const m = inter === a.size && inter === b.size ? 1 : inter === a.size || inter === b.size ? 2 / 3 : inter > 0 ? 1 / 3 : 0;
  return 1 - (inter / union) * m;
}
