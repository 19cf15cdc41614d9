import type { Level, PatternTable } from './table.js';

/**
 * Agreement coefficients on a pattern table (see table.ts) with a weight per pattern: the table's
 * own counts, or a bootstrap resample's. Each returns NaN when it is undefined for the data (for
 * example kappa when both coders used a single category: chance agreement is 1).
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

/** Agreement weights between categories (1 on the diagonal). Linear and quadratic need ordered categories. */
export function weightMatrix(q: number, scheme: WeightScheme): Float64Array {
  const W = new Float64Array(q * q);
  for (let k = 0; k < q; k++) {
    for (let l = 0; l < q; l++) {
      const d = q > 1 ? Math.abs(k - l) / (q - 1) : 0;
      W[k * q + l] = scheme === 'identity' ? (k === l ? 1 : 0) : scheme === 'linear' ? 1 - d : 1 - d * d;
    }
  }
  return W;
}

/** Share of units (with two or more values) on which every coder gave the same value. */
export function percentAgreement({ t, n, m }: Prepared, w: Float64Array): number {
  let agree = 0;
  let total = 0;
  for (let p = 0; p < w.length; p++) {
    if (m[p]! < 2 || w[p] === 0) continue;
    total += w[p]!;
    for (let k = 0; k < t.q; k++) if (n[p * t.q + k] === m[p]) agree += w[p]!;
  }
  return total > 0 ? agree / total : NaN;
}

/** Mean over coder pairs of the share of their common units on which they agree (Holsti). */
export function pairwiseAgreement({ t }: Prepared, w: Float64Array): number {
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < t.coders; a++) {
    for (let b = a + 1; b < t.coders; b++) {
      let agree = 0;
      let total = 0;
      for (let p = 0; p < w.length; p++) {
        const va = t.tuples[p * t.coders + a]!;
        const vb = t.tuples[p * t.coders + b]!;
        if (va < 0 || vb < 0) continue;
        total += w[p]!;
        if (va === vb) agree += w[p]!;
      }
      if (total > 0) {
        sum += agree / total;
        pairs++;
      }
    }
  }
  return pairs > 0 ? sum / pairs : NaN;
}

/** The two coders' joint distribution over units both coded: p[k * q + l], and the unit count. */
function joint({ t }: Prepared, w: Float64Array): { p: Float64Array; total: number } {
  const q = t.q;
  const p = new Float64Array(q * q);
  let total = 0;
  for (let i = 0; i < w.length; i++) {
    const a = t.tuples[i * 2]!;
    const b = t.tuples[i * 2 + 1]!;
    if (a < 0 || b < 0 || w[i] === 0) continue;
    p[a * q + b]! += w[i]!;
    total += w[i]!;
  }
  if (total > 0) for (let i = 0; i < p.length; i++) p[i]! /= total;
  return { p, total };
}

export interface KappaResult {
  value: number;
  /** Large-sample standard error (Fleiss, Cohen & Everitt 1969), for unweighted kappa. */
  se: number;
  units: number;
}

/**
 * Cohen's kappa for two coders (fixed persons), on the units both coded; optionally weighted
 * (Cohen 1968) with linear or quadratic agreement weights over the declared category scale.
 */
export function cohenKappa(prep: Prepared, w: Float64Array, scheme: WeightScheme = 'identity'): KappaResult {
  const q = prep.t.q;
  if (prep.t.coders !== 2) throw new Error("Cohen's kappa is for two coders");
  const { p, total } = joint(prep, w);
  const W = weightMatrix(q, scheme);
  const rows = new Float64Array(q);
  const cols = new Float64Array(q);
  for (let k = 0; k < q; k++) for (let l = 0; l < q; l++) {
    rows[k]! += p[k * q + l]!;
    cols[l]! += p[k * q + l]!;
  }
  let po = 0;
  let pe = 0;
  for (let k = 0; k < q; k++) for (let l = 0; l < q; l++) {
    po += W[k * q + l]! * p[k * q + l]!;
    pe += W[k * q + l]! * rows[k]! * cols[l]!;
  }
  const value = total > 0 && pe < 1 ? (po - pe) / (1 - pe) : NaN;
  let se = NaN;
  if (scheme === 'identity' && total > 0 && pe < 1) {
    // Fleiss, Cohen & Everitt (1969), large-sample variance of kappa.
    let a = 0;
    for (let k = 0; k < q; k++) a += p[k * q + k]! * Math.pow(1 - pe - (rows[k]! + cols[k]!) * (1 - po), 2);
    let b = 0;
    for (let k = 0; k < q; k++) for (let l = 0; l < q; l++) if (k !== l) b += p[k * q + l]! * Math.pow(cols[k]! + rows[l]!, 2);
    b *= Math.pow(1 - po, 2);
    const c = Math.pow(po * pe - 2 * pe + po, 2);
    const variance = (a + b - c) / (total * Math.pow(1 - pe, 4));
    se = variance >= 0 ? Math.sqrt(variance) : NaN;
  }
  return { value, se, units: total };
}

/** Scott's pi for two coders: chance agreement from the pooled distribution of both coders' values. */
export function scottPi(prep: Prepared, w: Float64Array): number {
  const q = prep.t.q;
  if (prep.t.coders !== 2) throw new Error("Scott's pi is for two coders");
  const { p, total } = joint(prep, w);
  let po = 0;
  let pe = 0;
  for (let k = 0; k < q; k++) {
    po += p[k * q + k]!;
    let pooled = 0;
    for (let l = 0; l < q; l++) pooled += (p[k * q + l]! + p[l * q + k]!) / 2;
    pe += pooled * pooled;
  }
  return total > 0 && pe < 1 ? (po - pe) / (1 - pe) : NaN;
}

/**
 * Fleiss' kappa for any number of coders, treated as interchangeable (not fixed persons). With
 * missing values it follows Gwet's generalisation (Handbook of Inter-Rater Reliability, 2014):
 * observed agreement over units with two or more values, category proportions averaged over every
 * unit with a value; with complete data this is Fleiss (1971). The standard error is Fleiss, Nee &
 * Landis (1979), under the null hypothesis of no agreement, given only when every unit has the same
 * number of values.
 */
export function fleissKappa({ t, n, m }: Prepared, w: Float64Array): KappaResult {
  const q = t.q;
  let units = 0;
  let pBar = 0;
  let rated = 0;
  const pk = new Float64Array(q);
  let constantM = -1;
  for (let p = 0; p < w.length; p++) {
    const mp = m[p]!;
    if (mp < 1 || w[p] === 0) continue;
    rated += w[p]!;
    for (let k = 0; k < q; k++) pk[k]! += (w[p]! * n[p * q + k]!) / mp;
    constantM = constantM === -1 ? mp : constantM === mp ? mp : -2;
    if (mp < 2) continue;
    let s = 0;
    for (let k = 0; k < q; k++) {
      const x = n[p * q + k]!;
      s += x * (x - 1);
    }
    pBar += (w[p]! * s) / (mp * (mp - 1));
    units += w[p]!;
  }
  if (units === 0) return { value: NaN, se: NaN, units: 0 };
  pBar /= units;
  let pe = 0;
  let pq = 0;
  let pqqp = 0;
  for (let k = 0; k < q; k++) {
    const x = pk[k]! / rated;
    pe += x * x;
    pq += x * (1 - x);
    pqqp += x * (1 - x) * (1 - 2 * x);
  }
  const value = pe < 1 ? (pBar - pe) / (1 - pe) : NaN;
  let se = NaN;
  if (constantM > 1 && pq > 0) se = (Math.sqrt(2) / (pq * Math.sqrt(units * constantM * (constantM - 1)))) * Math.sqrt(Math.max(0, pq * pq - pqqp));
  return { value, se, units };
}

/**
 * Krippendorff's alpha for any number of coders and missing values, at the given level of
 * measurement: 1 - (n - 1) * sum(o_ck * d_ck) / sum(n_c * n_k * d_ck) over the coincidence
 * matrix of pairable values (Krippendorff 2011).
 */
export function krippendorffAlpha({ t, n, m }: Prepared, w: Float64Array, level: Level = 'nominal', differences?: Float64Array): number {
  const q = t.q;
  const o = new Float64Array(q * q);
  for (let p = 0; p < w.length; p++) {
    const mp = m[p]!;
    if (mp < 2 || w[p] === 0) continue;
    const f = w[p]! / (mp - 1);
    for (let c = 0; c < q; c++) {
      const nc = n[p * q + c]!;
      if (nc === 0) continue;
      for (let k = 0; k < q; k++) {
        const nk = n[p * q + k]!;
        if (nk === 0) continue;
        o[c * q + k]! += f * nc * (c === k ? nk - 1 : nk);
      }
    }
  }
  const nc = new Float64Array(q);
  let total = 0;
  for (let c = 0; c < q; c++) {
    for (let k = 0; k < q; k++) nc[c]! += o[c * q + k]!;
    total += nc[c]!;
  }
  if (total <= 1) return NaN;
  const delta = differences ?? distance(level, q, t.numeric, nc);
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < q; c++) for (let k = 0; k < q; k++) {
    const d = delta[c * q + k]!;
    if (d === 0) continue;
    observed += o[c * q + k]! * d;
    expected += nc[c]! * nc[k]! * d;
  }
  return expected > 0 ? 1 - ((total - 1) * observed) / expected : NaN;
}

/** Squared difference functions of Krippendorff's alpha for each level of measurement. */
export function distance(level: Level, q: number, values: Float64Array, nc: Float64Array): Float64Array {
  const d = new Float64Array(q * q);
  for (let c = 0; c < q; c++) for (let k = 0; k < q; k++) {
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

/** Gwet's multi-coder observed agreement (weighted), over units with two or more values. */
function gwetObserved({ t, n, m }: Prepared, w: Float64Array, W: Float64Array): number {
  const q = t.q;
  let units = 0;
  let sum = 0;
  for (let p = 0; p < w.length; p++) {
    const mp = m[p]!;
    if (mp < 2 || w[p] === 0) continue;
    let s = 0;
    for (let k = 0; k < q; k++) {
      const nk = n[p * q + k]!;
      if (nk === 0) continue;
      let star = 0;
      for (let l = 0; l < q; l++) star += W[k * q + l]! * n[p * q + l]!;
      s += nk * (star - 1);
    }
    sum += (w[p]! * s) / (mp * (mp - 1));
    units += w[p]!;
  }
  return units > 0 ? sum / units : NaN;
}

/**
 * Gwet's AC1 (identity weights) or AC2 (linear or quadratic weights) for any number of coders with
 * missing values (Gwet 2014): chance agreement from the average category propensities.
 */
export function gwetAC({ t, n, m, ...rest }: Prepared, w: Float64Array, scheme: WeightScheme = 'identity'): number {
  const prep = { t, n, m, ...rest };
  const q = t.q;
  const W = weightMatrix(q, scheme);
  const pa = gwetObserved(prep, w, W);
  if (q < 2 || Number.isNaN(pa)) return NaN;
  const pi = new Float64Array(q);
  let units = 0;
  for (let p = 0; p < w.length; p++) {
    const mp = m[p]!;
    if (mp < 1 || w[p] === 0) continue;
    for (let k = 0; k < q; k++) pi[k]! += (w[p]! * n[p * q + k]!) / mp;
    units += w[p]!;
  }
  let tw = 0;
  for (let i = 0; i < W.length; i++) tw += W[i]!;
  let s = 0;
  for (let k = 0; k < q; k++) {
    const x = pi[k]! / units;
    s += x * (1 - x);
  }
  const pe = (tw / (q * (q - 1))) * s;
  return pe < 1 ? (pa - pe) / (1 - pe) : NaN;
}

/** Brennan & Prediger's coefficient: chance agreement 1/q (weighted: sum of weights / q²). */
export function brennanPrediger(prep: Prepared, w: Float64Array, scheme: WeightScheme = 'identity'): number {
  const q = prep.t.q;
  const W = weightMatrix(q, scheme);
  const pa = gwetObserved(prep, w, W);
  let tw = 0;
  for (let i = 0; i < W.length; i++) tw += W[i]!;
  const pe = tw / (q * q);
  return q >= 2 && pe < 1 ? (pa - pe) / (1 - pe) : NaN;
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
