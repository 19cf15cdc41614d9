import type { UnitizingData, UnitizingValue } from '../../src/core/agreement/unitizing.js';

/**
 * Unitizing alpha of one category under continuum weights as src/core/agreement/unitizing.ts
 * computed it before its gaps were sorted once per category (kept verbatim but for its name and
 * the types it reads): the oracle of tests/unit/unitizing.test.ts's property test.
 */
export function categoryBefore(data: UnitizingData, c: number, w: Float64Array): UnitizingValue {
  const m = data.coders;
  let L = 0;
  for (let d = 0; d < w.length; d++) L += w[d]! * data.lengths[d]!;
  let observed = 0;
  let N = 0;
  let squared = 0;
  let cubic = 0;
  const gaps: Array<[number, number]> = [];
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
    for (const g of p.gapLengths) gaps.push([g, wd]);
  }
  const Do = L > 0 && m > 1 ? (2 * observed) / (m * (m - 1) * L * L) : NaN;
  // Gap sums: for a unit of length l, Σ over gaps h ≥ l of w_h (l_h − l + 1) = S1(l) − (l − 1) S0(l).
  gaps.sort((a, b) => a[0] - b[0]);
  const G = gaps.length;
  const s0 = new Float64Array(G + 1);
  const s1 = new Float64Array(G + 1);
  for (let i = G - 1; i >= 0; i--) {
    s0[i] = s0[i + 1]! + gaps[i]![1];
    s1[i] = s1[i + 1]! + gaps[i]![1] * gaps[i]![0];
  }
  const firstAtLeast = (l: number): number => {
    let lo = 0;
    let hi = G;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (gaps[mid]![0] < l) lo = mid + 1;
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
