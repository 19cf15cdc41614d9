import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { poisson, rng } from '../../src/core/agreement/bootstrap.js';
import { brennanPrediger, cohenKappa, congerKappa, fleissKappa, gwetAC, krippendorffAlpha, percentAgreement, prepare, scottPi } from '../../src/core/agreement/coefficients.js';
import { agreement } from '../../src/core/agreement/report.js';
import { MISSING, toPatterns, type Ratings } from '../../src/core/agreement/table.js';
import { analytic } from '../../src/core/agreement/variance.js';

/** Random reliability data: units x coders with categories 0..q-1 and some missing cells. */
const data = fc.record({ coders: fc.integer({ min: 2, max: 4 }), units: fc.integer({ min: 2, max: 30 }), q: fc.integer({ min: 2, max: 4 }) }).chain(({ coders, units, q }) =>
  fc.record({
    coders: fc.constant(coders),
    q: fc.constant(q),
    cells: fc.array(fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: q - 1 }) }, { weight: 1, arbitrary: fc.constant(MISSING) }), { minLength: units * coders, maxLength: units * coders }),
  }),
);

function ratings(coders: number, q: number, cells: number[]): Ratings {
  return { coders, units: cells.length / coders, values: Int32Array.from(cells), categories: Array.from({ length: q }, (_, i) => String(i)) };
}

function all(r: Ratings): Record<string, number> {
  const t = toPatterns(r);
  const p = prepare(t);
  const w = t.counts;
  const out: Record<string, number> = {
    percent: percentAgreement(p, w).value,
    fleiss: fleissKappa(p, w).value,
    alpha: krippendorffAlpha(p, w, 'nominal').value,
    ac1: gwetAC(p, w).value,
    bp: brennanPrediger(p, w).value,
    conger: congerKappa(p, w).value,
  };
  if (r.coders === 2) {
    out['cohen'] = cohenKappa(p, w).value;
    out['scott'] = scottPi(p, w).value;
  }
  return out;
}

const close = (a: Record<string, number>, b: Record<string, number>): void => {
  for (const k of Object.keys(a)) {
    if (Number.isNaN(a[k]!)) expect(b[k]).toBeNaN();
    else expect(b[k]).toBeCloseTo(a[k]!, 9);
  }
};

describe('agreement properties', () => {
  it('perfect agreement gives 1 whenever more than one category is used', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 40 }), (coders, unitValues) => {
        fc.pre(new Set(unitValues).size > 1);
        const cells = unitValues.flatMap((v) => Array<number>(coders).fill(v));
        for (const v of Object.values(all(ratings(coders, 3, cells)))) expect(v).toBeCloseTo(1, 12);
      }),
    );
  });

  it('the order of coders does not change any coefficient', () => {
    fc.assert(
      fc.property(data, ({ coders, q, cells }) => {
        const reversed: number[] = [];
        for (let u = 0; u < cells.length / coders; u++) for (let c = coders - 1; c >= 0; c--) reversed.push(cells[u * coders + c]!);
        close(all(ratings(coders, q, cells)), all(ratings(coders, q, reversed)));
      }),
    );
  });

  it('relabelling nominal categories does not change any coefficient', () => {
    fc.assert(
      fc.property(data, ({ coders, q, cells }) => {
        const relabel = (v: number) => (v === MISSING ? v : q - 1 - v);
        close(all(ratings(coders, q, cells)), all(ratings(coders, q, cells.map(relabel))));
      }),
    );
  });

  it('units with fewer than two values take no part in any coefficient (every coefficient is on the units compared)', () => {
    fc.assert(
      fc.property(data, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), ({ coders, q, cells }, lone, who) => {
        const extra = Array<number>(coders).fill(MISSING);
        extra[who % coders] = lone % q;
        close(all(ratings(coders, q, cells)), all(ratings(coders, q, [...cells, ...extra])));
      }),
    );
  });

  it('standard errors: a sampling unit split into pieces of the same pattern (characters of one segment) has the same SE', () => {
    fc.assert(
      fc.property(data, fc.integer({ min: 2, max: 5 }), ({ coders, q, cells }, k) => {
        const r = ratings(coders, q, cells);
        const units = r.units;
        // Each unit becomes k pieces of weight 1/k in its own cluster: the same data, sampled by cluster.
        const values = new Int32Array(units * k * coders);
        for (let u = 0; u < units; u++) for (let j = 0; j < k; j++) values.set(r.values.subarray(u * coders, (u + 1) * coders), (u * k + j) * coders);
        const split: Ratings = { ...r, units: units * k, values, weights: new Float64Array(units * k).fill(1 / k), clusters: Int32Array.from({ length: units * k }, (_, i) => Math.floor(i / k)) };
        const t1 = toPatterns(r);
        const t2 = toPatterns(split);
        const p1 = prepare(t1);
        const p2 = prepare(t2);
        for (const [s1, s2] of [
          [gwetAC(p1, t1.counts, undefined, { withInfluence: true }), gwetAC(p2, t2.counts, undefined, { withInfluence: true })],
          [fleissKappa(p1, t1.counts, { withInfluence: true }), fleissKappa(p2, t2.counts, { withInfluence: true })],
          [krippendorffAlpha(p1, t1.counts, 'nominal', undefined, { withInfluence: true }), krippendorffAlpha(p2, t2.counts, 'nominal', undefined, { withInfluence: true })],
        ] as const) {
          const a1 = analytic(t1, s1, 0.95);
          const a2 = analytic(t2, s2, 0.95);
          if (!a1) expect(a2).toBeUndefined();
          else {
            expect(a2!.se).toBeCloseTo(a1.se, 9);
            expect(a2!.df).toBe(a1.df);
          }
        }
      }),
    );
  });

  it('coefficients stay within their bounds', () => {
    fc.assert(
      fc.property(data, ({ coders, q, cells }) => {
        const r = all(ratings(coders, q, cells));
        for (const [k, v] of Object.entries(r)) {
          if (Number.isNaN(v)) continue;
          expect(v, k).toBeLessThanOrEqual(1 + 1e-12);
          if (k === 'percent') expect(v).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});

describe('bootstrap', () => {
  it('gives the same interval for the same seed, and another for another seed (BCa and percentile)', () => {
    const cells = [0, 0, 1, 1, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 1, 1];
    const r = ratings(2, 2, cells);
    const a = agreement(r, { level: 'nominal', resamples: 300, seed: 7 });
    const b = agreement(r, { level: 'nominal', resamples: 300, seed: 7 });
    const c = agreement(r, { level: 'nominal', resamples: 300, seed: 8 });
    expect(b).toEqual(a);
    expect(c.coefficients.krippendorffAlpha?.ciLow).not.toBe(a.coefficients.krippendorffAlpha?.ciLow);
    const alpha = a.coefficients.krippendorffAlpha!;
    expect(alpha.ciLow!).toBeLessThanOrEqual(alpha.value!);
    expect(alpha.ciHigh!).toBeGreaterThanOrEqual(alpha.value!);
    const pct = agreement(r, { level: 'nominal', resamples: 300, seed: 7, interval: 'percentile' });
    expect(pct.coefficients.krippendorffAlpha!.ciLow).not.toBe(alpha.ciLow);
  });

  it('reports the share of undefined resamples and marks intervals from almost no information (one agreed positive among 50 units)', () => {
    const cells = [1, 1, ...Array<number>(98).fill(0)];
    const res = agreement(ratings(2, 2, cells), { level: 'nominal', resamples: 1000, seed: 1 });
    const k = res.coefficients.cohenKappa!;
    expect(k.value).toBe(1);
    // A resample leaves kappa undefined when it draws unit 1 zero times: P(Poisson(1) = 0) = e^-1 = 0.368.
    expect(k.undefinedResamples!).toBeGreaterThan(0.32);
    expect(k.undefinedResamples!).toBeLessThan(0.42);
    expect(k.warnings!.join()).toMatch(/(3[3-9]|4[01])% of the bootstrap resamples left it undefined/);
    expect(k.warnings!.join()).toMatch(/only 1 units hold a value other than '0'/);
  });

  it('draws Poisson variates with the right mean and variance, small and large', () => {
    const random = rng(3);
    for (const lambda of [0.7, 4, 25, 5000]) {
      let s = 0;
      let s2 = 0;
      const n = 50_000;
      for (let i = 0; i < n; i++) {
        const k = poisson(lambda, random);
        s += k;
        s2 += k * k;
      }
      const mean = s / n;
      expect(Math.abs(mean - lambda)).toBeLessThan(4 * Math.sqrt(lambda / n));
      expect(Math.abs(s2 / n - mean * mean - lambda) / lambda).toBeLessThan(0.05);
    }
  });
});

describe('MASI distance (Passonneau 2006) for sets of codes', () => {
  it('weights the Jaccard index by how the sets relate', async () => {
    const { masiDistance } = await import('../../src/core/agreement/coefficients.js');
    const S = (...x: string[]) => new Set(x);
    expect(masiDistance(S('a', 'b'), S('a', 'b'))).toBe(0);
    expect(masiDistance(S('a', 'b'), S('a', 'b', 'c'))).toBeCloseTo(1 - (2 / 3) * (2 / 3), 12); // subset
    expect(masiDistance(S('a', 'b'), S('a', 'c'))).toBeCloseTo(1 - (1 / 3) * (1 / 3), 12); // overlap
    expect(masiDistance(S('a'), S('b'))).toBe(1); // disjoint
    expect(masiDistance(S(), S())).toBe(0);
    expect(masiDistance(S(), S('a'))).toBe(1);
  });
});
