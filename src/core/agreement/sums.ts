import { Int32List } from '../arrays.js';
import type { PatternTable } from './table.js';

/**
 * Every coefficient (coefficients.ts) is a function of a few weighted sums over the value
 * patterns: Σ w_p, Σ w_p n_pk / m_p, Σ w_p pa_p, the coincidences Σ w_p n_pc n_pk / (m_p − 1), each
 * coder's Σ w_p [value = k], each pair's agreeing weight. The per-pattern terms are computed once
 * per table (`patternTerms`); `collect` then makes one pass over the patterns for a weight vector
 * (the table's counts, or a bootstrap resample's) and fills every sum a `Plan` asks for, so a
 * resample costs one pass for all coefficients, not one per coefficient.
 *
 * The sums are accumulated in pattern order with the same arithmetic as a coefficient computed on
 * its own, so the values are identical to the last bit (tests/unit/agreement.fast.test.ts).
 */

/** Which sums to collect. */
export interface Plan {
  /** Σ w and Σ w n_k/m over patterns with one or more values (chance terms from every rated unit). */
  rated?: boolean;
  /** The same over patterns with two or more values (the units compared). */
  compared?: boolean;
  /** Agreement weight matrices W for Σ w pa_p (pa_p: the share of agreeing pairs of values under W). */
  weights?: readonly Float64Array[];
  /** Σ w over unanimous patterns. */
  unanimous?: boolean;
  /** Per coder pair: Σ w over units both coded, and over those they agree on. */
  pairwise?: boolean;
  /** Per coder: Σ w over the units used (rated or compared), and Σ w per category. */
  conger?: 'rated' | 'compared';
  /** The coincidence matrix of Krippendorff's alpha. */
  alpha?: boolean;
  /** Two coders: the contingency table Σ w [a, b]. */
  cohen?: boolean;
}

/** Per-pattern terms of a table, computed once (they do not depend on the weights). */
export interface PatternTerms {
  /** Categories with a value in pattern p: cat[start[p]..start[p+1]), with how many values (count). */
  nzStart: Int32Array;
  nzCat: Int32Array;
  nzCount: Float64Array;
  /** 1 where every value of the pattern (two or more) is the same. */
  unanimous: Uint8Array;
  /** Coincidence entries of pattern p: o[index] += (w / (m − 1)) · nc · x, in (c, k) order. */
  aStart: Int32Array;
  aIndex: Int32Array;
  aNc: Float64Array;
  aX: Float64Array;
  /** Coder pairs that both coded pattern p: pair[pStart[p]..pStart[p+1]); of them, those agreeing: agreePair[eStart[p]..eStart[p+1]). */
  pStart: Int32Array;
  pair: Int32Array;
  eStart: Int32Array;
  agreePair: Int32Array;
  pairCount: number;
  /** Coders with a value in pattern p: coder[cStart[p]..cStart[p+1]), and coder · q + value (coderValue). */
  cStart: Int32Array;
  coder: Int32Array;
  coderValue: Int32Array;
  /** Two coders: the contingency cell a·q + b of the pattern, or −1. */
  cell: Int32Array;
  /** pa_p per weight matrix (0 for patterns with fewer than two values). */
  agreement: Map<Float64Array, Float64Array>;
  identity: Float64Array;
}

const terms = new WeakMap<PatternTable, PatternTerms>();

/**
 * Terms that `patternTerms` gave for the same table on another thread (a structured clone, which
 * keeps `identity` the key of its agreement terms), used for t from now on instead of computing
 * them again (io/bootstrap-workers.ts): the same numbers.
 */
export function adoptPatternTerms(t: PatternTable, pt: PatternTerms): void {
  if (!terms.has(t)) terms.set(t, pt);
}

export function patternTerms(t: PatternTable, n: Float64Array, m: Int32Array): PatternTerms {
  const known = terms.get(t);
  if (known) return known;
  const P = t.counts.length;
  const q = t.q;
  const r = t.coders;
  // Typed arrays of the exact sizes, counted from the categories present in each pattern first.
  const perPattern = Math.min(q, r);
  const nzStart = new Int32Array(P + 1);
  let nzCat = new Int32Array(P * perPattern);
  let nzCount = new Float64Array(P * perPattern);
  let nz = 0;
  const unanimous = new Uint8Array(P);
  let sizeA = 0;
  let sizePairs = 0;
  let sizeAgree = 0;
  let sizeCoders = 0;
  for (let p = 0; p < P; p++) {
    const mp = m[p]!;
    const from = nz;
    let singles = 0;
    for (let k = 0; k < q; k++) {
      const nk = n[p * q + k]!;
      if (nk === 0) continue;
      nzCat[nz] = k;
      nzCount[nz++] = nk;
      if (nk === mp && mp >= 2) unanimous[p] = 1;
      if (nk === 1) singles++;
      sizeAgree += (nk * (nk - 1)) / 2;
    }
    nzStart[p + 1] = nz;
    if (mp >= 2) sizeA += (nz - from) * (nz - from) - singles;
    sizePairs += (mp * (mp - 1)) / 2;
    sizeCoders += mp;
  }
  nzCat = nzCat.slice(0, nz);
  nzCount = nzCount.slice(0, nz);
  const aStart = new Int32Array(P + 1);
  const aIndex = new Int32Array(sizeA);
  const aNc = new Float64Array(sizeA);
  const aX = new Float64Array(sizeA);
  let na = 0;
  const pairCount = (r * (r - 1)) / 2;
  const pStart = new Int32Array(P + 1);
  const pair = new Int32Array(sizePairs);
  let np = 0;
  const eStart = new Int32Array(P + 1);
  const agreePair = new Int32Array(sizeAgree);
  let ne = 0;
  const cStart = new Int32Array(P + 1);
  const coder = new Int32Array(sizeCoders);
  const coderValue = new Int32Array(sizeCoders);
  let nc = 0;
  const cell = new Int32Array(P).fill(-1);
  for (let p = 0; p < P; p++) {
    if (m[p]! >= 2) {
      for (let i = nzStart[p]!; i < nzStart[p + 1]!; i++) {
        for (let j = nzStart[p]!; j < nzStart[p + 1]!; j++) {
          const c = nzCat[i]!;
          const k = nzCat[j]!;
          // A term with x = 0 (a category's only value paired with itself) would add 0: none is kept.
          if (c === k && nzCount[j] === 1) continue;
          aIndex[na] = c * q + k;
          aNc[na] = nzCount[i]!;
          aX[na++] = c === k ? nzCount[j]! - 1 : nzCount[j]!;
        }
      }
    }
    aStart[p + 1] = na;
    let j = 0;
    for (let a = 0; a < r; a++) {
      for (let b = a + 1; b < r; b++, j++) {
        const va = t.tuples[p * r + a]!;
        const vb = t.tuples[p * r + b]!;
        if (va < 0 || vb < 0) continue;
        pair[np++] = j;
        if (va === vb) agreePair[ne++] = j;
      }
    }
    pStart[p + 1] = np;
    eStart[p + 1] = ne;
    for (let g = 0; g < r; g++) {
      const v = t.tuples[p * r + g]!;
      if (v < 0) continue;
      coder[nc] = g;
      coderValue[nc++] = g * q + v;
    }
    cStart[p + 1] = nc;
    if (r === 2) {
      const a = t.tuples[p * 2]!;
      const b = t.tuples[p * 2 + 1]!;
      if (a >= 0 && b >= 0) cell[p] = a * q + b;
    }
  }
  if (na !== sizeA || np !== sizePairs || ne !== sizeAgree || nc !== sizeCoders) throw new Error('pattern terms: the lists do not have the sizes counted');
  const identity = new Float64Array(q * q);
  for (let k = 0; k < q; k++) identity[k * q + k] = 1;
  const out: PatternTerms = {
    nzStart,
    nzCat,
    nzCount,
    unanimous,
    aStart,
    aIndex,
    aNc,
    aX,
    pStart,
    pair,
    eStart,
    agreePair,
    pairCount,
    cStart,
    coder,
    coderValue,
    cell,
    agreement: new Map(),
    identity,
  };
  terms.set(t, out);
  return out;
}

/**
 * pa_p under agreement weights W: Σ_k n_pk (Σ_l W_kl n_pl − 1) / (m_p (m_p − 1)), for patterns
 * with two or more values (0 for the others). Cached per weight matrix.
 */
export function agreementPerPattern(pt: PatternTerms, t: PatternTable, n: Float64Array, m: Int32Array, W: Float64Array): Float64Array {
  const known = pt.agreement.get(W);
  if (known) return known;
  const P = t.counts.length;
  const q = t.q;
  const a = new Float64Array(P);
  for (let p = 0; p < P; p++) {
    const mp = m[p]!;
    if (mp < 2) continue;
    let s = 0;
    for (let k = 0; k < q; k++) {
      const nk = n[p * q + k]!;
      if (nk === 0) continue;
      let star = 0;
      for (let l = 0; l < q; l++) star += W[k * q + l]! * n[p * q + l]!;
      s += nk * (star - 1);
    }
    a[p] = s / (mp * (mp - 1));
  }
  pt.agreement.set(W, a);
  return a;
}

/** The sums of one weight vector (see the module comment). Arrays are reused by `collect`. */
export class Sums {
  /** Σ w over patterns with ≥ 1 value, and Σ w n_k / m (unnormalised propensities). */
  totalRated = 0;
  piRated: Float64Array;
  /** The same over patterns with ≥ 2 values. */
  totalCompared = 0;
  piCompared: Float64Array;
  /** Σ w over patterns with ≥ 2 values. */
  total2 = 0;
  /** Σ w pa_p, one per weight matrix of the plan (in its order). */
  paSum: Float64Array;
  unanimous = 0;
  pairTotal: Float64Array;
  pairAgree: Float64Array;
  /** Conger: per coder Σ w over used units (ng) and per coder and category (pgk, r x q). */
  ng: Float64Array;
  pgk: Float64Array;
  /** Krippendorff's coincidence matrix o (q x q). */
  o: Float64Array;
  /** Cohen's contingency table (q x q, unnormalised) and its total. */
  cohen: Float64Array;
  cohenTotal = 0;

  private readonly agreementTerms: Float64Array[];
  /** The lists of `collectWhole`, found at its first call. */
  private whole: WholeLists | undefined;
  /** How many times `collect` ran. */
  private collected = 0;

  constructor(
    readonly t: PatternTable,
    readonly n: Float64Array,
    readonly m: Int32Array,
    readonly plan: Plan,
  ) {
    const q = t.q;
    const pt = patternTerms(t, n, m);
    this.piRated = new Float64Array(plan.rated ? q : 0);
    this.piCompared = new Float64Array(plan.compared ? q : 0);
    this.agreementTerms = (plan.weights ?? []).map((W) => agreementPerPattern(pt, t, n, m, W));
    this.paSum = new Float64Array(this.agreementTerms.length);
    this.pairTotal = new Float64Array(plan.pairwise ? pt.pairCount : 0);
    this.pairAgree = new Float64Array(plan.pairwise ? pt.pairCount : 0);
    this.ng = new Float64Array(plan.conger ? t.coders : 0);
    this.pgk = new Float64Array(plan.conger ? t.coders * q : 0);
    this.o = new Float64Array(plan.alpha ? q * q : 0);
    this.cohen = new Float64Array(plan.cohen ? q * q : 0);
  }

  /**
   * The flat lists `collectWhole` takes its terms from, built now for this plan (they depend on the
   * table alone): plain objects of typed arrays, which another thread's `Sums` of the same table
   * and plan may adopt (`adoptFlatLists`) instead of building them again (io/bootstrap-workers.ts).
   */
  flatLists(): Map<string, unknown> {
    const { t, m } = this;
    // Every list of the plan, kept for this Sums' own passes too: its first is then one over them (collect).
    this.whole ??= this.wholeLists();
    return flat(patternTerms(t, this.n, m), t, m).memo;
  }

  /**
   * Lists that `flatLists` gave for the same table and plan (on another thread: a structured clone),
   * used from now on by `collectWhole` of this table: the same entries in the same order as the
   * lists it would build, so the same sums to the last bit (tests/e2e/bootstrap-workers.test.ts).
   */
  adoptFlatLists(lists: Map<string, unknown>): void {
    this.whole = undefined;
    const pt = patternTerms(this.t, this.n, this.m);
    const known = flats.get(pt);
    if (!known) {
      flats.set(pt, new Flat(pt, this.t, this.m, new Map(lists)));
      return;
    }
    for (const [k, v] of lists) if (!known.memo.has(k)) known.memo.set(k, v);
  }

  /** Index of weight matrix W in the plan's `weights`. */
  weightIndex(W: Float64Array): number {
    const i = (this.plan.weights ?? []).indexOf(W);
    if (i < 0) throw new Error('weight matrix not in the plan');
    return i;
  }

  /**
   * Every sum of the plan for weights w: from the second call on (a bootstrap), `collectWhole` for
   * whole-number weights (every resample of units: Poisson draws), else one pass over the
   * patterns (`collectAny`). `whole`: the caller vouches that the weights are whole numbers
   * summing to less than 2^53 (the bootstrap's draws of units), so they are not checked. Both give
   * the same numbers to the last bit (tests/unit/agreement.fast.test.ts).
   */
  collect(w: Float64Array, whole = false): this {
    // A single pass (a coefficient computed once) costs less than building the flat lists, unless they are built (flatLists).
    if (this.collected++ === 0 && this.whole === undefined) return this.collectAny(w);
    // The bootstrap knows its weights are whole numbers with a sum below 2^53.
    if (whole) return this.collectWhole(w);
    let total = 0;
    for (let p = 0; p < w.length; p++) {
      const x = w[p]!;
      if (!(x >= 0 && x === Math.floor(x))) return this.collectAny(w);
      total += x;
    }
    // Below 2^53 every sum of whole weights is exact, in any order.
    return total < 2 ** 53 ? this.collectWhole(w) : this.collectAny(w);
  }

  /**
   * The sums for whole-number weights. A sum that takes fractions (propensities n_k/m, the
   * coincidences, the agreement terms pa_p) receives its terms in pattern order with the same
   * arithmetic as `collectAny`, so it is the same double; the terms are taken from flat lists of
   * entries in pattern order (`Flat`). Sums of weights alone (units, coders' units and category
   * counts, coder pairs' common and agreeing units, unanimous units, contingency cells) are whole
   * numbers below 2^53, exact in any order: those of coders and pairs are taken as the units
   * compared minus the units a coder (or one of the pair) left missing, which are few.
   * Coincidences: o[k, c] gets the same terms as o[c, k] when each product f · n_c · n_k gives
   * the same double in either order (the counts equal, or one of them a power of two, whose
   * product is exact: checked per table), and is then copied. A pattern without weight adds +0, which leaves a sum as it is.
   */
  collectWhole(w: Float64Array): this {
    const { plan } = this;
    const L = (this.whole ??= this.wholeLists());
    // One weight matrix and the coincidences (the usual plan): their pass over the compared patterns made with the total's.
    const fused = this.agreementTerms.length === 1 && L.alpha !== undefined;
    const total2 = fused ? comparedSums(w, this.m, L.compared, this.agreementTerms[0]!, L.alpha!.scratch, this.paSum) : sumAt(w, L.compared);
    this.total2 = total2;
    this.totalCompared = plan.compared === true ? total2 : 0;
    const totalR = L.rated ? sumAt(w, L.rated) : 0;
    this.totalRated = plan.rated === true ? totalR : 0;
    this.piRated.fill(0);
    if (L.piRated) propensities(w, L.piRated, this.piRated);
    this.piCompared.fill(0);
    if (L.piCompared) propensities(w, L.piCompared, this.piCompared);
    this.pgk.fill(0);
    if (L.conger) {
      addRuns(w, L.conger.coders, this.pgk, 1);
      this.ng.fill(L.conger.rated ? totalR : total2);
      addRuns(w, L.conger.missing, this.ng, -1);
    } else this.ng.fill(0);
    if (!fused) for (let k = 0; k < this.agreementTerms.length; k++) this.paSum[k] = dotAt(w, this.agreementTerms[k]!, L.compared);
    this.unanimous = L.unanimous ? sumAt(w, L.unanimous) : 0;
    this.o.fill(0);
    if (L.alpha) {
      if (!fused) perCompared(w, this.m, L.compared, L.alpha.scratch);
      coincidences(L.alpha.scratch, L.alpha.runs, this.o);
      if (L.alpha.mirrored) mirror(this.o, this.t.q);
    }
    this.pairAgree.fill(0);
    if (L.pairwise) {
      this.pairTotal.fill(total2);
      addRuns(w, L.pairwise.missing, this.pairTotal, -1);
      addRuns(w, L.pairwise.agreeing, this.pairAgree, 1);
    } else this.pairTotal.fill(0);
    this.cohen.fill(0);
    if (L.cohen) {
      addRuns(w, L.cohen.cells, this.cohen, 1);
      this.cohenTotal = sumAt(w, L.cohen.pat);
    } else this.cohenTotal = 0;
    return this;
  }

  /** The lists `collectWhole` takes for this plan, found once (the same lists of the table's `Flat`, by name, as a pass asks for them). */
  private wholeLists(): WholeLists {
    const { t, m, plan } = this;
    const f = flat(patternTerms(t, this.n, m), t, m);
    const out: WholeLists = { compared: f.patterns(2) };
    if (plan.rated === true || plan.conger === 'rated') out.rated = f.patterns(1);
    if (plan.rated === true) out.piRated = f.categoryRuns(1, this.piRated.length);
    if (plan.compared === true) out.piCompared = f.categoryRuns(2, this.piCompared.length);
    if (plan.conger !== undefined) {
      const rated = plan.conger === 'rated';
      const coders = f.coders(rated ? 1 : 2);
      const codersRuns = f.grouped(`coders${rated}`, coders.pat, coders.coderValue, this.pgk.length);
      const miss = f.missing(rated ? 1 : 2);
      out.conger = { rated, coders: codersRuns, missing: f.grouped(`missing${rated}`, miss.pat, miss.coder, this.ng.length) };
    }
    if (plan.unanimous === true) out.unanimous = f.unanimous;
    if (plan.alpha === true) out.alpha = { scratch: f.scratch, runs: f.coincidenceRuns(this.o.length), mirrored: f.coincidences.mirrored };
    if (plan.pairwise === true) out.pairwise = { missing: f.grouped('pairMissing', f.pairMissing.pat, f.pairMissing.pair, this.pairTotal.length), agreeing: f.grouped('agreeing', f.agreeing.pat, f.agreeing.pair, this.pairAgree.length) };
    if (plan.cohen === true) out.cohen = { cells: f.grouped('cohen', f.cohen.pat, f.cohen.cell, this.cohen.length), pat: f.cohen.pat };
    return out;
  }

  /** One pass over the patterns: every sum of the plan for any weights w. */
  collectAny(w: Float64Array): this {
    const { t, m, plan } = this;
    const pt = patternTerms(t, this.n, m);
    const P = w.length;
    const rated = plan.rated === true;
    const compared = plan.compared === true;
    const unan = plan.unanimous === true;
    const pairwise = plan.pairwise === true;
    const alpha = plan.alpha === true;
    const cohen = plan.cohen === true;
    const congerMin = plan.conger === undefined ? Infinity : plan.conger === 'rated' ? 1 : 2;
    const nW = this.agreementTerms.length;
    const aTerms = this.agreementTerms;
    const { nzStart, nzCat, nzCount, aStart, aIndex, aNc, aX, pStart, pair, eStart, agreePair, cStart, coder, coderValue, cell } = pt;
    const unanimousP = pt.unanimous;
    const piR = this.piRated;
    const piC = this.piCompared;
    const paSum = this.paSum;
    const pairTotal = this.pairTotal;
    const pairAgree = this.pairAgree;
    const ng = this.ng;
    const pgk = this.pgk;
    const o = this.o;
    const ct = this.cohen;
    piR.fill(0);
    piC.fill(0);
    paSum.fill(0);
    pairTotal.fill(0);
    pairAgree.fill(0);
    ng.fill(0);
    pgk.fill(0);
    o.fill(0);
    ct.fill(0);
    let totalR = 0;
    let totalC = 0;
    let total2 = 0;
    let unanimous = 0;
    let cohenTotal = 0;
    for (let p = 0; p < P; p++) {
      const wp = w[p]!;
      if (!(wp > 0)) continue;
      const mp = m[p]!;
      if (mp < 1) continue;
      const s0 = nzStart[p]!;
      const s1 = nzStart[p + 1]!;
      if (rated) {
        totalR += wp;
        for (let i = s0; i < s1; i++) piR[nzCat[i]!]! += (wp * nzCount[i]!) / mp;
      }
      if (mp >= congerMin) {
        for (let i = cStart[p]!, e = cStart[p + 1]!; i < e; i++) {
          ng[coder[i]!]! += wp;
          pgk[coderValue[i]!]! += wp;
        }
      }
      if (mp < 2) continue;
      if (compared) {
        totalC += wp;
        for (let i = s0; i < s1; i++) piC[nzCat[i]!]! += (wp * nzCount[i]!) / mp;
      }
      total2 += wp;
      for (let j = 0; j < nW; j++) paSum[j]! += wp * aTerms[j]![p]!;
      if (unan && unanimousP[p]) unanimous += wp;
      if (alpha) {
        const f = wp / (mp - 1);
        for (let i = aStart[p]!, e = aStart[p + 1]!; i < e; i++) o[aIndex[i]!]! += f * aNc[i]! * aX[i]!;
      }
      if (pairwise) {
        for (let i = pStart[p]!, e = pStart[p + 1]!; i < e; i++) pairTotal[pair[i]!]! += wp;
        for (let i = eStart[p]!, e = eStart[p + 1]!; i < e; i++) pairAgree[agreePair[i]!]! += wp;
      }
      if (cohen) {
        const c = cell[p]!;
        if (c >= 0) {
          ct[c]! += wp;
          cohenTotal += wp;
        }
      }
    }
    this.totalRated = totalR;
    this.totalCompared = totalC;
    this.total2 = total2;
    this.unanimous = unanimous;
    this.cohenTotal = cohenTotal;
    return this;
  }
}

/** The lists of `collectWhole` for a plan (each present when the plan asks for its sum). */
interface WholeLists {
  compared: Ints;
  rated?: Ints;
  piRated?: { start: Int32Array; pat: Ints; count: Ints; mp: Ints };
  piCompared?: { start: Int32Array; pat: Ints; count: Ints; mp: Ints };
  conger?: { rated: boolean; coders: { pat: Ints; start: Int32Array }; missing: { pat: Ints; start: Int32Array } };
  unanimous?: Ints;
  alpha?: { scratch: Float64Array; runs: { start: Int32Array; pat: Ints; nc: Ints; x: Ints }; mirrored: boolean };
  pairwise?: { missing: { pat: Ints; start: Int32Array }; agreeing: { pat: Ints; start: Int32Array } };
  cohen?: { cells: { pat: Ints; start: Int32Array }; pat: Ints };
}

// The loops of `collectWhole`, each small so that it is compiled on its own. Their entry lists
// are held in the smallest typed arrays that hold them (`compact`): a resample streams through
// every list once, and a third of the bytes is a third of the memory traffic. Small whole numbers
// read from a Uint8Array are the same doubles as from a Float64Array.

/** Non-negative whole numbers (pattern, category, cell, pair and coder indices; value counts). */
type Ints = Uint8Array | Uint16Array | Int32Array | Float64Array;

/** The list in the smallest of Uint8Array, Uint16Array, Int32Array (whole numbers from 0) or Float64Array. */
function compact(xs: ArrayLike<number>): Ints {
  let max = 0;
  let whole = true;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (!(x >= 0 && Number.isInteger(x))) whole = false;
    else if (x > max) max = x;
  }
  if (!whole || max > 2 ** 31 - 1) return Float64Array.from(xs);
  return max <= 0xff ? Uint8Array.from(xs) : max <= 0xffff ? Uint16Array.from(xs) : Int32Array.from(xs);
}

/** Σ w[p] over the patterns of the list, in its order. */
function sumAt(w: Float64Array, list: Ints): number {
  let s = 0;
  for (let j = 0; j < list.length; j++) s += w[list[j]!]!;
  return s;
}

/** Σ w[p] a[p] over the patterns of the list, in its order. */
function dotAt(w: Float64Array, a: Float64Array, list: Ints): number {
  let s = 0;
  for (let j = 0; j < list.length; j++) {
    const p = list[j]!;
    s += w[p]! * a[p]!;
  }
  return s;
}

/**
 * out[cat] = Σ (w n) / m over the category's entries, in pattern order (`Flat.categoryRuns`): the
 * terms of `collectAny` in its order for each category, summed in a register rather than in memory
 * (a sum in memory waits for the previous store of the same category: most of the time of a pass).
 * out holds zeros before; each sum starts at 0 as there.
 */
function propensities(w: Float64Array, e: { start: Int32Array; pat: Ints; count: Ints; mp: Ints }, out: Float64Array): void {
  const { start, pat, count, mp } = e;
  for (let a = 0; a + 1 < start.length; a++) {
    let s = 0;
    for (let i = start[a]!, end = start[a + 1]!; i < end; i++) s += (w[pat[i]!]! * count[i]!) / mp[i]!;
    out[a] = s;
  }
}

/**
 * out[a] += sign · Σ w[p] over the patterns of run a (`Flat.grouped`), for sums of whole weights
 * only: below 2^53 they are exact in any order, so each run is summed in two halves at once.
 */
function addRuns(w: Float64Array, runs: { pat: Ints; start: Int32Array }, out: Float64Array, sign: 1 | -1): void {
  const { pat, start } = runs;
  for (let a = 0; a + 1 < start.length; a++) {
    let s0 = 0;
    let s1 = 0;
    let i = start[a]!;
    const e = start[a + 1]!;
    for (; i + 1 < e; i += 2) {
      s0 += w[pat[i]!]!;
      s1 += w[pat[i + 1]!]!;
    }
    if (i < e) s0 += w[pat[i]!]!;
    out[a]! += sign * (s0 + s1);
  }
}

/**
 * `sumAt(w, list)` (returned), `dotAt(w, a, list)` (into pa[0]) and `perCompared(w, m, list, f)`
 * in one pass over the list: each sum takes the same terms in the same order.
 */
function comparedSums(w: Float64Array, m: Int32Array, list: Ints, a: Float64Array, f: Float64Array, pa: Float64Array): number {
  let total = 0;
  let dot = 0;
  for (let j = 0; j < list.length; j++) {
    const p = list[j]!;
    const x = w[p]!;
    total += x;
    dot += x * a[p]!;
    f[p] = x / (m[p]! - 1);
  }
  pa[0] = dot;
  return total;
}

/** f[p] = w[p] / (m[p] − 1) for the compared patterns. */
function perCompared(w: Float64Array, m: Int32Array, list: Ints, f: Float64Array): void {
  for (let j = 0; j < list.length; j++) {
    const p = list[j]!;
    f[p] = w[p]! / (m[p]! - 1);
  }
}

/** o[c, k] = Σ f_p · n_pc · x over the cell's entries, in pattern order (`Flat.coincidenceRuns`; as `propensities`). */
function coincidences(f: Float64Array, e: { start: Int32Array; pat: Ints; nc: Ints; x: Ints }, o: Float64Array): void {
  const { start, pat, nc, x } = e;
  for (let a = 0; a + 1 < start.length; a++) {
    const end = start[a + 1]!;
    let i = start[a]!;
    if (i === end) continue;
    let s = 0;
    for (; i < end; i++) s += f[pat[i]!]! * nc[i]! * x[i]!;
    o[a] = s;
  }
}

/** o[k, c] = o[c, k] for c < k. */
function mirror(o: Float64Array, q: number): void {
  for (let c = 0; c < q; c++) for (let k = c + 1; k < q; k++) o[k * q + c] = o[c * q + k]!;
}

/**
 * Entries of the sums of `collectWhole`, flat and in pattern order: the pattern of each, and its
 * terms. Each list is built when a sum first asks for it (a plan needs only some), once per table.
 */
class Flat {
  /** Per pattern, for the coincidence loop. */
  readonly scratch: Float64Array;

  constructor(
    private readonly pt: PatternTerms,
    private readonly t: PatternTable,
    private readonly m: Int32Array,
    /** The lists built so far, by name (plain objects of typed arrays: `Sums.flatLists`). */
    readonly memo = new Map<string, unknown>(),
  ) {
    this.scratch = new Float64Array(t.counts.length);
  }

  private once<T>(key: string, make: () => T): T {
    let v = this.memo.get(key) as T | undefined;
    if (v === undefined) this.memo.set(key, (v = make()));
    return v;
  }

  /** Entries (pattern, target) as runs of patterns per target 0..size-1: for sums of whole weights, whose order does not matter. */
  grouped(key: string, pat: Ints, at: Ints, size: number): { pat: Ints; start: Int32Array } {
    return this.once(`grouped:${key}`, () => {
      const start = new Int32Array(size + 1);
      for (let i = 0; i < at.length; i++) start[at[i]! + 1]!++;
      for (let a = 0; a < size; a++) start[a + 1]! += start[a]!;
      const next = start.slice(0, size);
      const out = new Int32Array(pat.length);
      for (let i = 0; i < at.length; i++) out[next[at[i]!]!++] = pat[i]!;
      return { pat: compact(out), start };
    });
  }

  /**
   * Entries (each at a target 0..size-1, with columns of terms) regrouped into runs per target, each
   * run in the entries' own order (a stable counting sort): the same terms in the same order per target.
   */
  private runs<K extends string>(at: Ints, size: number, cols: Record<K, Ints>): { start: Int32Array } & Record<K, Ints> {
    const start = new Int32Array(size + 1);
    for (let i = 0; i < at.length; i++) start[at[i]! + 1]!++;
    for (let a = 0; a < size; a++) start[a + 1]! += start[a]!;
    const next = start.slice(0, size);
    const order = new Int32Array(at.length);
    for (let i = 0; i < at.length; i++) order[next[at[i]!]!++] = i;
    const out = { start } as { start: Int32Array } & Record<K, Ints>;
    for (const k of Object.keys(cols) as K[]) {
      const col = cols[k];
      const moved = new Float64Array(order.length);
      for (let j = 0; j < order.length; j++) moved[j] = col[order[j]!]!;
      (out as Record<K, Ints>)[k] = compact(moved);
    }
    return out;
  }

  /** `categories(min)` as runs per category (q of them). */
  categoryRuns(min: number, q: number): { start: Int32Array; pat: Ints; count: Ints; mp: Ints } {
    return this.once(`categoryRuns${min}`, () => {
      const { pat, cat, count, mp } = this.categories(min);
      return this.runs(cat, q, { pat, count, mp });
    });
  }

  /** `coincidences` as runs per cell c · q + k (q x q of them; none below the diagonal when mirrored). */
  coincidenceRuns(cells: number): { start: Int32Array; pat: Ints; nc: Ints; x: Ints } {
    return this.once('coincidenceRuns', () => {
      const { pat, index, nc, x } = this.coincidences;
      return this.runs(index, cells, { pat, nc, x });
    });
  }

  /** The patterns with at least `min` values (1: rated, 2: compared). */
  patterns(min: number): Ints {
    return this.once(`patterns${min}`, () => {
      const out = new Int32List(this.m.length);
      for (let p = 0; p < this.m.length; p++) if (this.m[p]! >= min) out.push(p);
      return compact(out.done());
    });
  }

  /** The unanimous patterns (two or more values, all the same). */
  get unanimous(): Ints {
    return this.once('unanimous', () => {
      const out = new Int32List(this.m.length);
      for (let p = 0; p < this.m.length; p++) if (this.m[p]! >= 2 && this.pt.unanimous[p]) out.push(p);
      return compact(out.done());
    });
  }

  /** Two coders: the patterns with a contingency cell, and the cell. */
  get cohen(): { pat: Ints; cell: Ints } {
    return this.once('cohen', () => {
      const pat = new Int32List(this.m.length);
      const cell = new Int32List(this.m.length);
      for (let p = 0; p < this.m.length; p++) {
        if (this.m[p]! < 2 || this.pt.cell[p]! < 0) continue;
        pat.push(p);
        cell.push(this.pt.cell[p]!);
      }
      return { pat: compact(pat.done()), cell: compact(cell.done()) };
    });
  }

  /** Category entries (pattern, category, count, values in the pattern) of the patterns with at least `min` values. */
  categories(min: number): { pat: Ints; cat: Ints; count: Ints; mp: Ints } {
    return this.once(`categories${min}`, () => {
      const { pt, m } = this;
      const L = pt.nzCat.length;
      const pat = new Int32List(L);
      const cat = new Int32List(L);
      const count = new Int32List(L);
      const mp = new Int32List(L);
      for (let p = 0; p < m.length; p++) {
        if (m[p]! < min) continue;
        for (let i = pt.nzStart[p]!; i < pt.nzStart[p + 1]!; i++) {
          pat.push(p);
          cat.push(pt.nzCat[i]!);
          count.push(pt.nzCount[i]!);
          mp.push(m[p]!);
        }
      }
      return { pat: compact(pat.done()), cat: compact(cat.done()), count: compact(count.done()), mp: compact(mp.done()) };
    });
  }

  /** Coder entries (pattern, coder · q + value) of the patterns with at least `min` values. */
  coders(min: number): { pat: Ints; coderValue: Ints } {
    return this.once(`coders${min}`, () => {
      const { pt, m } = this;
      const L = pt.coder.length;
      const pat = new Int32List(L);
      const coderValue = new Int32List(L);
      for (let p = 0; p < m.length; p++) {
        if (m[p]! < min) continue;
        for (let i = pt.cStart[p]!; i < pt.cStart[p + 1]!; i++) {
          pat.push(p);
          coderValue.push(pt.coderValue[i]!);
        }
      }
      return { pat: compact(pat.done()), coderValue: compact(coderValue.done()) };
    });
  }

  /** The coders missing from the patterns with at least `min` values (pattern, coder). */
  missing(min: number): { pat: Ints; coder: Ints } {
    return this.once(`missing${min}`, () => {
      const { t, m } = this;
      const r = t.coders;
      const pat = new Int32List();
      const coder = new Int32List();
      for (let p = 0; p < m.length; p++) {
        if (m[p]! < min) continue;
        for (let g = 0; g < r; g++) {
          if (t.tuples[p * r + g]! >= 0) continue;
          pat.push(p);
          coder.push(g);
        }
      }
      return { pat: compact(pat.done()), coder: compact(coder.done()) };
    });
  }

  /**
   * Coincidence entries: all of them, or those with c <= k only when `mirrored` (every
   * off-diagonal product the same double in either order: the two counts equal, or one a power of two).
   */
  get coincidences(): { pat: Ints; index: Ints; nc: Ints; x: Ints; mirrored: boolean } {
    return this.once('coincidences', () => {
      const { pt, t } = this;
      const q = t.q;
      let mirrored = true;
      for (let i = 0; i < pt.aIndex.length && mirrored; i++) {
        const c = Math.floor(pt.aIndex[i]! / q);
        const k = pt.aIndex[i]! % q;
        if (c !== k && pt.aNc[i] !== pt.aX[i] && !powerOfTwo(pt.aNc[i]!) && !powerOfTwo(pt.aX[i]!)) mirrored = false;
      }
      const L = pt.aIndex.length;
      const pat = new Int32List(L);
      const index = new Int32List(L);
      const nc = new Int32List(L);
      const x = new Int32List(L);
      for (let p = 0; p < t.counts.length; p++) {
        for (let i = pt.aStart[p]!; i < pt.aStart[p + 1]!; i++) {
          if (mirrored && Math.floor(pt.aIndex[i]! / q) > pt.aIndex[i]! % q) continue;
          pat.push(p);
          index.push(pt.aIndex[i]!);
          nc.push(pt.aNc[i]!);
          x.push(pt.aX[i]!);
        }
      }
      return { pat: compact(pat.done()), index: compact(index.done()), nc: compact(nc.done()), x: compact(x.done()), mirrored };
    });
  }

  /** Coder pairs (j = (a, b), a < b, in the order of patternTerms) of compared patterns with one or both values missing. */
  get pairMissing(): { pat: Ints; pair: Ints } {
    return this.once('pairMissing', () => {
      const { t, m } = this;
      const r = t.coders;
      const pat = new Int32List();
      const pair = new Int32List();
      for (let p = 0; p < m.length; p++) {
        if (m[p]! < 2) continue;
        let j = 0;
        for (let a = 0; a < r; a++) {
          for (let b = a + 1; b < r; b++, j++) {
            if (t.tuples[p * r + a]! >= 0 && t.tuples[p * r + b]! >= 0) continue;
            pat.push(p);
            pair.push(j);
          }
        }
      }
      return { pat: compact(pat.done()), pair: compact(pair.done()) };
    });
  }

  /** Agreeing pair entries: the pattern of each, and the pair. */
  get agreeing(): { pat: Ints; pair: Ints } {
    return this.once('agreeing', () => {
      const { pt, m } = this;
      const pat = new Int32Array(pt.agreePair.length);
      for (let p = 0; p < m.length; p++) for (let i = pt.eStart[p]!; i < pt.eStart[p + 1]!; i++) pat[i] = p;
      return { pat: compact(pat), pair: compact(pt.agreePair) };
    });
  }
}

const flats = new WeakMap<PatternTerms, Flat>();

const powerOfTwo = (x: number): boolean => x >= 1 && Number.isInteger(Math.log2(x));

function flat(pt: PatternTerms, t: PatternTable, m: Int32Array): Flat {
  let f = flats.get(pt);
  if (!f) flats.set(pt, (f = new Flat(pt, t, m)));
  return f;
}

/** The union of several plans (weight matrices by identity). */
export function mergePlans(plans: readonly Plan[]): Plan {
  const out: Plan = {};
  const weights: Float64Array[] = [];
  for (const p of plans) {
    if (p.rated) out.rated = true;
    if (p.compared) out.compared = true;
    if (p.unanimous) out.unanimous = true;
    if (p.pairwise) out.pairwise = true;
    if (p.alpha) out.alpha = true;
    if (p.cohen) out.cohen = true;
    if (p.conger) {
      if (out.conger && out.conger !== p.conger) throw new Error("Conger's kappa on two kinds of units in one plan");
      out.conger = p.conger;
    }
    for (const W of p.weights ?? []) if (!weights.includes(W)) weights.push(W);
  }
  if (weights.length) out.weights = weights;
  return out;
}
