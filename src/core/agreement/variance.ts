import type { Stat } from './coefficients.js';
import { normalCdf, normalQuantile, tQuantile } from './distributions.js';
import type { PatternTable } from './table.js';

/**
 * Analytic standard errors from a coefficient's linearised values (coefficients.ts), with the
 * sampling unit as the unit of the variance: the unit itself, or its cluster (the segment of a
 * character, the segment of a pooled decision). For a cluster g with total linearised value T_g
 * over n units in G clusters:
 *
 *     Gwet (2008, 2014):                var = G/(G − 1) · Σ T_g² / n²   (= Σ L_u² / (n (n − 1)) for single units)
 *     Fleiss, Cohen & Everitt (1969):   var = Σ T_g² / n²               (= Σ L_u² / n²)
 */
export interface Analytic {
  se: number;
  /** Degrees of freedom of the t interval (sampling units − 1); Infinity for the normal interval. */
  df: number;
  low: number;
  high: number;
  samplingUnits: number;
}

export function analytic(t: PatternTable, s: Stat, confidence: number, bounds: { low?: number; high?: number } = {}): Analytic | undefined {
  const L = s.influence;
  if (!L || !Number.isFinite(s.value) || !(s.n > 0)) return undefined;
  const used = s.used;
  let sum2 = 0;
  let G = 0;
  if (!t.clusters) {
    for (let p = 0; p < L.length; p++) {
      if (used && !used[p]) continue;
      sum2 += t.counts[p]! * L[p]! * L[p]!;
      G += t.counts[p]!;
    }
  } else {
    const { start, pattern, weight, count } = t.clusters;
    for (let g = 0; g + 1 < start.length; g++) {
      let T = 0;
      let any = false;
      for (let i = start[g]!; i < start[g + 1]!; i++) {
        const p = pattern[i]!;
        if ((used && !used[p]) || !(weight[i]! > 0)) continue;
        any = true;
        T += weight[i]! * L[p]!;
      }
      if (any) {
        G += count[g]!;
        sum2 += count[g]! * T * T;
      }
    }
  }
  // Fractional counts (proportions times n, characters) sum to whole numbers up to rounding.
  if (Math.abs(G - Math.round(G)) < 1e-9) G = Math.round(G);
  if (!(G > 1)) return undefined;
  const n = s.n;
  const variance = s.form === 'fce' ? sum2 / (n * n) : (G / (G - 1)) * (sum2 / (n * n));
  const se = Math.sqrt(Math.max(0, variance));
  const df = s.form === 'fce' ? Infinity : G - 1;
  const z = df === Infinity ? normalQuantile(1 - (1 - confidence) / 2) : tQuantile(1 - (1 - confidence) / 2, df);
  const low = Math.max(bounds.low ?? -Infinity, s.value - z * se);
  const high = Math.min(bounds.high ?? 1, s.value + z * se);
  return { se, df, low, high, samplingUnits: G };
}

/** The z test of "no agreement beyond chance" from a null-hypothesis standard error: z and its two-sided p-value. */
export function zTest(value: number, seNull: number | undefined): { z: number; p: number } | undefined {
  if (seNull === undefined || !(seNull > 0) || !Number.isFinite(value)) return undefined;
  const z = value / seNull;
  return { z, p: 2 * (1 - normalCdf(Math.abs(z))) };
}

/**
 * Efron's acceleration for BCa intervals from the linearised values, per sampling unit:
 * a = Σ T_g³ / (6 (Σ T_g²)^(3/2)).
 */
export function acceleration(t: PatternTable, s: Stat): number {
  const L = s.influence;
  if (!L) return 0;
  let s2 = 0;
  let s3 = 0;
  if (!t.clusters) {
    for (let p = 0; p < L.length; p++) {
      if (s.used && !s.used[p]) continue;
      const x = L[p]!;
      s2 += t.counts[p]! * x * x;
      s3 += t.counts[p]! * x * x * x;
    }
  } else {
    const { start, pattern, weight, count } = t.clusters;
    for (let g = 0; g + 1 < start.length; g++) {
      let T = 0;
      for (let i = start[g]!; i < start[g + 1]!; i++) if (!s.used || s.used[pattern[i]!]) T += weight[i]! * L[pattern[i]!]!;
      s2 += count[g]! * T * T;
      s3 += count[g]! * T * T * T;
    }
  }
  return s2 > 0 ? s3 / (6 * Math.pow(s2, 1.5)) : 0;
}
