import { bootstrapInterval, rng, poisson, type IntervalMethod } from './bootstrap.js';

/**
 * Krippendorff's alpha for unitizing (_u alpha; Krippendorff 1995, 2004): agreement on where coded
 * stretches begin and end along a continuum of characters, one category (code) at a time, and
 * pooled over categories. Works on character offsets (begin, length), so codings by whole lines
 * and codings by exact spans are the same to it.
 *
 * For category c, each coder's continuum is a sequence of sections: units of c and the gaps between
 * them. With m coders and a continuum of length L:
 *
 *   D_o(c) = 2 / (m (m − 1) L²) · Σ over coder pairs, Σ over overlapping sections g, h of δ²(g, h), where
 *     δ² = (b_g − b_h)² + (e_g − e_h)²   two overlapping units (b begin, e end),
 *     δ² = l_g²                           a unit g inside a gap h (and the other way round),
 *     δ² = 0                              otherwise;
 *   D_e(c) = 2/L · Σ_units g [ (N_c − 1)(2 l_g³ − 3 l_g² + l_g)/3 + l_g² Σ_gaps h, l_h ≥ l_g (l_h − l_g + 1) ]
 *            / [ m L (m L − 1) − Σ_units l_g (l_g − 1) ],
 *
 * N_c the number of units of c (all coders), and alpha(c) = 1 − D_o(c)/D_e(c); pooled over
 * categories, 1 − Σ_c D_o(c) / Σ_c D_e(c) (Krippendorff 2004; as DKPro Statistics computes it).
 *
 * A study is several continua (documents): they are laid end to end, each document's first and
 * last gap ending at its own boundaries.
 */
export interface Section {
  begin: number;
  length: number;
}

export interface Continuum {
  length: number;
  /** units[coder] = that coder's units, in any order; a coder's units of one category must not overlap. */
  units: Array<Array<Section & { category: string }>>;
}

export interface UnitizingValue {
  value: number;
  observedDisagreement: number;
  expectedDisagreement: number;
  /** Units of the category, over all coders. */
  units: number;
}

/** δ² between two overlapping sections of two coders (null: a gap). */
export function sectionDistance(b1: number, l1: number, unit1: boolean, b2: number, l2: number, unit2: boolean): number {
  const db = b1 - b2;
  if (unit1 && unit2) {
    if (-l1 < db && db < l2) {
      const de = b1 + l1 - (b2 + l2);
      return db * db + de * de;
    }
    return 0;
  }
  if (unit1 && !unit2 && db >= 0 && b1 + l1 <= b2 + l2) return l1 * l1;
  if (!unit1 && unit2 && db <= 0 && b2 + l2 <= b1 + l1) return l2 * l2;
  return 0;
}

/** Sections (units and gaps, alternating as they fall) of one coder's units on [0, length). */
function sections(units: readonly Section[], length: number): Array<Section & { unit: boolean }> {
  const sorted = [...units].sort((a, b) => a.begin - b.begin);
  const out: Array<Section & { unit: boolean }> = [];
  let pos = 0;
  for (const u of sorted) {
    if (u.begin > pos) out.push({ begin: pos, length: u.begin - pos, unit: false });
    out.push({ begin: u.begin, length: u.length, unit: true });
    pos = u.begin + u.length;
  }
  if (pos < length) out.push({ begin: pos, length: length - pos, unit: false });
  return out;
}

/** Per category and continuum, the sums the coefficient needs; weights per continuum combine them (bootstrap). */
interface Parts {
  /** Σ over coder pairs and overlapping sections of δ². */
  observed: number;
  /** Unit lengths and gap lengths (all coders). */
  unitLengths: number[];
  gapLengths: number[];
}

export interface UnitizingData {
  coders: number;
  categories: string[];
  lengths: Float64Array;
  /** parts[category][continuum] */
  parts: Parts[][];
  /**
   * Per category, every gap of every continuum sorted by length once (ties in continuum order), with
   * its continuum: a resample weighs them instead of collecting and sorting them again. Their sums
   * are of whole numbers (lengths times whole weights), so exact in any order.
   */
  gaps: Array<{ lengths: Float64Array; continua: Int32Array }>;
}

export function prepareUnitizing(continua: readonly Continuum[], coders: number, categories: readonly string[]): UnitizingData {
  const parts: Parts[][] = categories.map(() => []);
  continua.forEach((d) => {
    categories.forEach((cat, c) => {
      const secs = Array.from({ length: coders }, (_, r) =>
        sections(
          (d.units[r] ?? []).filter((u) => u.category === cat),
          d.length,
        ),
      );
      let observed = 0;
      for (let r1 = 0; r1 < coders; r1++) {
        for (let r2 = r1 + 1; r2 < coders; r2++) {
          const a = secs[r1]!;
          const b = secs[r2]!;
          let i = 0;
          let j = 0;
          while (i < a.length && j < b.length) {
            const s = a[i]!;
            const t = b[j]!;
            observed += sectionDistance(s.begin, s.length, s.unit, t.begin, t.length, t.unit);
            const es = s.begin + s.length;
            const et = t.begin + t.length;
            if (es <= et) i++;
            if (et <= es) j++;
          }
        }
      }
      const unitLengths: number[] = [];
      const gapLengths: number[] = [];
      for (const list of secs) for (const s of list) (s.unit ? unitLengths : gapLengths).push(s.length);
      parts[c]!.push({ observed, unitLengths, gapLengths });
    });
  });
  const gaps = parts.map((perContinuum) => {
    const all: Array<[number, number]> = [];
    perContinuum.forEach((p, d) => {
      for (const g of p.gapLengths) all.push([g, d]);
    });
    // A stable sort: the order the per-resample sort gave the gaps of the continua it kept.
    all.sort((a, b) => a[0] - b[0]);
    return { lengths: Float64Array.from(all, (g) => g[0]), continua: Int32Array.from(all, (g) => g[1]) };
  });
  return { coders, categories: [...categories], lengths: Float64Array.from(continua.map((d) => d.length)), parts, gaps };
}

/** D_o and D_e of one category under continuum weights (1 each: the data; Poisson draws: a resample). */
function category(data: UnitizingData, c: number, w: Float64Array): UnitizingValue {
  const m = data.coders;
  let L = 0;
  for (let d = 0; d < w.length; d++) L += w[d]! * data.lengths[d]!;
  let observed = 0;
  let N = 0;
  let squared = 0;
  let cubic = 0;
  const parts = data.parts[c]!;
  for (let d = 0; d < w.length; d++) {
    const wd = w[d]!;
    if (!(wd > 0)) continue;
    const p = parts[d]!;
    observed += wd * p.observed;
    N += wd * p.unitLengths.length;
    for (const l of p.unitLengths) {
      squared += wd * l * (l - 1);
      cubic += (wd * (2 * l * l * l - 3 * l * l + l)) / 3;
    }
  }
  const Do = L > 0 && m > 1 ? (2 * observed) / (m * (m - 1) * L * L) : NaN;
  // Gap sums: for a unit of length l, Σ over gaps h ≥ l of w_h (l_h − l + 1) = S1(l) − (l − 1) S0(l).
  // The gaps sorted once (prepareUnitizing); a gap of a continuum left out weighs 0. Whole weights
  // (1, 0 in the jackknife, Poisson counts) times whole lengths: every partial sum is exact, so
  // these are the sums of the gaps kept, sorted anew, to the last bit.
  const { lengths: gapLength, continua: gapContinuum } = data.gaps[c]!;
  const G = gapLength.length;
  const s0 = new Float64Array(G + 1);
  const s1 = new Float64Array(G + 1);
  for (let i = G - 1; i >= 0; i--) {
    const wg = w[gapContinuum[i]!]!;
    const wk = wg > 0 ? wg : 0;
    s0[i] = s0[i + 1]! + wk;
    s1[i] = s1[i + 1]! + wk * gapLength[i]!;
  }
  const firstAtLeast = (l: number): number => {
    let lo = 0;
    let hi = G;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (gapLength[mid]! < l) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let inGaps = 0;
  for (let d = 0; d < w.length; d++) {
    const wd = w[d]!;
    if (!(wd > 0)) continue;
    for (const l of parts[d]!.unitLengths) {
      const i = firstAtLeast(l);
      inGaps += wd * l * l * (s1[i]! - (l - 1) * s0[i]!);
    }
  }
  const denominator = m * L * (m * L - 1) - squared;
  const De = L > 0 && denominator > 0 ? ((2 / L) * ((N - 1) * cubic + inGaps)) / denominator : NaN;
  return { value: De > 0 ? 1 - Do / De : NaN, observedDisagreement: Do, expectedDisagreement: De, units: N };
}

export interface UnitizingResult {
  perCategory: UnitizingValue[];
  pooled: UnitizingValue;
}

export function unitizingAlpha(data: UnitizingData, w: Float64Array = new Float64Array(data.lengths.length).fill(1)): UnitizingResult {
  const perCategory = data.categories.map((_, c) => category(data, c, w));
  let Do = 0;
  let De = 0;
  let units = 0;
  for (const v of perCategory) {
    if (Number.isFinite(v.observedDisagreement)) Do += v.observedDisagreement;
    if (Number.isFinite(v.expectedDisagreement)) De += v.expectedDisagreement;
    units += v.units;
  }
  return { perCategory, pooled: { value: De > 0 ? 1 - Do / De : NaN, observedDisagreement: Do, expectedDisagreement: De, units } };
}

export interface UnitizingInterval {
  low: number;
  high: number;
  undefinedShare: number;
}

/**
 * Bootstrap intervals over continua (documents: the sampling units), per category and pooled. BCa
 * takes its acceleration from the jackknife (each document left out once).
 */
export function unitizingIntervals(data: UnitizingData, est: UnitizingResult, opts: { resamples: number; seed: number; confidence: number; method: IntervalMethod }): { perCategory: UnitizingInterval[]; pooled: UnitizingInterval } {
  const D = data.lengths.length;
  const C = data.categories.length;
  const samples = Array.from({ length: C + 1 }, () => new Float64Array(opts.resamples));
  const random = rng(opts.seed);
  const w = new Float64Array(D);
  for (let r = 0; r < opts.resamples; r++) {
    for (let d = 0; d < D; d++) w[d] = poisson(1, random);
    const res = unitizingAlpha(data, w);
    res.perCategory.forEach((v, c) => (samples[c]![r] = v.value));
    samples[C]![r] = res.pooled.value;
  }
  const accel = new Float64Array(C + 1);
  if (opts.method === 'bca' && D > 2) {
    const jack = Array.from({ length: C + 1 }, () => new Float64Array(D));
    const ones = new Float64Array(D).fill(1);
    for (let d = 0; d < D; d++) {
      ones[d] = 0;
      const res = unitizingAlpha(data, ones);
      res.perCategory.forEach((v, c) => (jack[c]![d] = v.value));
      jack[C]![d] = res.pooled.value;
      ones[d] = 1;
    }
    for (let c = 0; c <= C; c++) {
      const vals = Array.from(jack[c]!).filter(Number.isFinite);
      if (vals.length < 3) continue;
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      let s2 = 0;
      let s3 = 0;
      for (const v of vals) {
        const u = mean - v;
        s2 += u * u;
        s3 += u * u * u;
      }
      accel[c] = s2 > 0 ? s3 / (6 * Math.pow(s2, 1.5)) : 0;
    }
  }
  const interval = (c: number, value: number): UnitizingInterval => bootstrapInterval(samples[c]!, value, opts.confidence, opts.method, accel[c]!);
  return { perCategory: est.perCategory.map((v, c) => interval(c, v.value)), pooled: interval(C, est.pooled.value) };
}
