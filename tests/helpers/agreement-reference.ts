import { distance, type Prepared } from '../../src/core/agreement/coefficients.js';
import type { Level } from '../../src/core/agreement/table.js';

/**
 * The straightforward computation of each coefficient's value: one loop over the patterns per
 * coefficient, as qualwave computed them before the one-pass sums (src/core/agreement/sums.ts).
 * tests/unit/agreement.fast.test.ts checks that the fast path gives these numbers to the last bit.
 */
type Units = 'compared' | 'rated';

function base({ t, n, m }: Prepared, w: Float64Array, W: Float64Array, units: Units): { n: number; n2: number; pa: number; pi: Float64Array } {
  const q = t.q;
  const pi = new Float64Array(q);
  let total = 0;
  let total2 = 0;
  let paSum = 0;
  const min = units === 'rated' ? 1 : 2;
  for (let p = 0; p < w.length; p++) {
    const mp = m[p]!;
    if (mp < min || !(w[p]! > 0)) continue;
    total += w[p]!;
    for (let k = 0; k < q; k++) pi[k]! += (w[p]! * n[p * q + k]!) / mp;
    if (mp < 2) continue;
    let s = 0;
    for (let k = 0; k < q; k++) {
      const nk = n[p * q + k]!;
      if (nk === 0) continue;
      let star = 0;
      for (let l = 0; l < q; l++) star += W[k * q + l]! * n[p * q + l]!;
      s += nk * (star - 1);
    }
    paSum += w[p]! * (s / (mp * (mp - 1)));
    total2 += w[p]!;
  }
  if (total > 0) for (let k = 0; k < q; k++) pi[k]! /= total;
  return { n: total, n2: total2, pa: total2 > 0 ? paSum / total2 : NaN, pi };
}

export function identity(q: number): Float64Array {
  const W = new Float64Array(q * q);
  for (let k = 0; k < q; k++) W[k * q + k] = 1;
  return W;
}

const gwet = (b: { n2: number; pa: number }, pe: number): number => (!(b.n2 > 0) || !(pe < 1) ? NaN : (b.pa - pe) / (1 - pe));
const sum = (W: Float64Array): number => W.reduce((a, b) => a + b, 0);

export const reference = {
  percentAgreement(prep: Prepared, w: Float64Array, units: Units): number {
    const b = base(prep, w, identity(prep.t.q), units);
    return b.n2 > 0 ? b.pa : NaN;
  },
  unanimousAgreement({ t, n, m }: Prepared, w: Float64Array): number {
    let agree = 0;
    let total = 0;
    for (let p = 0; p < w.length; p++) {
      if (m[p]! < 2 || !(w[p]! > 0)) continue;
      total += w[p]!;
      for (let k = 0; k < t.q; k++) if (n[p * t.q + k] === m[p]) agree += w[p]!;
    }
    return total > 0 ? agree / total : NaN;
  },
  pairwiseAgreement({ t }: Prepared, w: Float64Array): number {
    let s = 0;
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
          s += agree / total;
          pairs++;
        }
      }
    }
    return pairs > 0 ? s / pairs : NaN;
  },
  cohenKappa({ t }: Prepared, w: Float64Array, W?: Float64Array): number {
    const q = t.q;
    const Wt = W ?? identity(q);
    const p = new Float64Array(q * q);
    let total = 0;
    for (let i = 0; i < w.length; i++) {
      const a = t.tuples[i * 2]!;
      const b = t.tuples[i * 2 + 1]!;
      if (a < 0 || b < 0 || !(w[i]! > 0)) continue;
      p[a * q + b]! += w[i]!;
      total += w[i]!;
    }
    if (!(total > 0)) return NaN;
    for (let i = 0; i < p.length; i++) p[i]! /= total;
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
    return pe < 1 ? (po - pe) / (1 - pe) : NaN;
  },
  fleissKappa(prep: Prepared, w: Float64Array, units: Units): number {
    const b = base(prep, w, identity(prep.t.q), units);
    let pe = 0;
    for (let k = 0; k < prep.t.q; k++) pe += b.pi[k]! * b.pi[k]!;
    return gwet(b, pe);
  },
  congerKappa(prep: Prepared, w: Float64Array, units: Units): number {
    const { t, m } = prep;
    const q = t.q;
    const r = t.coders;
    const Wt = identity(q);
    const b = base(prep, w, Wt, units);
    if (!(b.n2 > 0)) return NaN;
    const min = units === 'rated' ? 1 : 2;
    const ng = new Float64Array(r);
    const pgk = new Float64Array(r * q);
    for (let p = 0; p < w.length; p++) {
      if (m[p]! < min || !(w[p]! > 0)) continue;
      for (let g = 0; g < r; g++) {
        const v = t.tuples[p * r + g]!;
        if (v < 0) continue;
        ng[g]! += w[p]!;
        pgk[g * q + v]! += w[p]!;
      }
    }
    for (let g = 0; g < r; g++) {
      if (!(ng[g]! > 0)) return NaN;
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
    return gwet(b, pe);
  },
  gwetAC(prep: Prepared, w: Float64Array, W: Float64Array | undefined, units: Units): number {
    const q = prep.t.q;
    const Wt = W ?? identity(q);
    if (q < 2) return NaN;
    const b = base(prep, w, Wt, units);
    let s = 0;
    for (let k = 0; k < q; k++) s += b.pi[k]! * (1 - b.pi[k]!);
    return gwet(b, (sum(Wt) / (q * (q - 1))) * s);
  },
  brennanPrediger(prep: Prepared, w: Float64Array, W: Float64Array | undefined, units: Units): number {
    const q = prep.t.q;
    if (q < 2) return NaN;
    const Wt = W ?? identity(q);
    return gwet(base(prep, w, Wt, units), sum(Wt) / (q * q));
  },
  krippendorffAlpha({ t, n, m }: Prepared, w: Float64Array, level: Level, differences?: Float64Array): number {
    const q = t.q;
    const o = new Float64Array(q * q);
    for (let p = 0; p < w.length; p++) {
      const mp = m[p]!;
      if (mp < 2 || !(w[p]! > 0)) continue;
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
    for (let c = 0; c < q; c++)
      for (let k = 0; k < q; k++) {
        const d = delta[c * q + k]!;
        if (d === 0) continue;
        observed += o[c * q + k]! * d;
        expected += nc[c]! * nc[k]! * d;
      }
    return expected > 0 ? 1 - ((total - 1) * observed) / expected : NaN;
  },
};
