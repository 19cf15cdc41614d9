import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepareUnitizing, sectionDistance, unitizingAlpha, unitizingIntervals, type Continuum } from '../../src/core/agreement/unitizing.js';
import { categoryBefore } from '../helpers/unitizing-before.js';

/**
 * Krippendorff's alpha for unitizing against the published worked examples: Krippendorff (1995,
 * p. 57: four pairs of observers on a continuum of 24) and Krippendorff (2004, p. 254), with the
 * values DKPro Statistics reproduces in its tests (and its tolerances where the paper's own D_E is off).
 */
type U = { begin: number; length: number; category: string };

/** Krippendorff (1995): continuum of 24 units, observers i (0) and j (1), categories A-D, stretched. */
function krippendorff1995(stretch: number): Continuum[] {
  const units: U[][] = [[], []];
  const add = (b: number, l: number, r: number, c: string) => units[r]!.push({ begin: Math.trunc(b * stretch), length: Math.trunc(l * stretch), category: c });
  // A  Bertha: 0 0|1 1 1 1 1 1 1 1|0 0 0 0|1 1 1 1 1 1|0 0 0 0   Bill: 0 0 0 0|1 1 1 1|0 0 0 0 0 0 0|1 1|0 0 0 0 0 0 0
  add(2, 8, 0, 'A');
  add(14, 6, 0, 'A');
  add(4, 4, 1, 'A');
  add(15, 2, 1, 'A');
  // B  John: eighteen 1s then six 0s.   Jill: 1 1|1|1|1|1|1 1 1|1| then fourteen 0s.
  add(0, 18, 0, 'B');
  add(0, 2, 1, 'B');
  add(2, 1, 1, 'B');
  add(3, 1, 1, 'B');
  add(4, 1, 1, 'B');
  add(5, 1, 1, 'B');
  add(6, 3, 1, 'B');
  add(9, 1, 1, 'B');
  // C  Gerret: 0 0|1 1 1 1 1 1|0 0|1 1|0 0|1 1 1 1|0 0|1 1|0 0   Gill: 1 1|0 0|1 1 1 1|0 0|1 1 1 1|0 0|1 1|0 0|1 1|0 0
  add(2, 6, 0, 'C');
  add(10, 2, 0, 'C');
  add(14, 4, 0, 'C');
  add(20, 2, 0, 'C');
  add(0, 2, 1, 'C');
  add(4, 4, 1, 'C');
  add(10, 4, 1, 'C');
  add(16, 2, 1, 'C');
  add(20, 2, 1, 'C');
  // D  Heather and Hill: everything coded, in different stretches.
  add(0, 2, 0, 'D');
  add(2, 8, 0, 'D');
  add(10, 4, 0, 'D');
  add(14, 6, 0, 'D');
  add(20, 4, 0, 'D');
  add(0, 4, 1, 'D');
  add(4, 4, 1, 'D');
  add(8, 7, 1, 'D');
  add(15, 2, 1, 'D');
  add(17, 7, 1, 'D');
  return [{ length: Math.trunc(24 * stretch), units }];
}

describe('Krippendorff (1995), p. 57: _u alpha per category', () => {
  it('observed disagreement (exact): A 0.03125, B 2.26736, C 0.02777, D 0.38715', () => {
    const r = unitizingAlpha(prepareUnitizing(krippendorff1995(1), 2, ['A', 'B', 'C', 'D']));
    expect(r.perCategory.map((v) => v.observedDisagreement)).toEqual([expect.closeTo(0.03125, 5), expect.closeTo(2.26736, 5), expect.closeTo(0.02777, 4), expect.closeTo(0.38715, 5)]);
  });
  it('C on a continuum of 12: D_o 0.02777, D_e 0.05494, alpha 0.494', () => {
    const r = unitizingAlpha(prepareUnitizing(krippendorff1995(12 / 24), 2, ['A', 'B', 'C', 'D']));
    const c = r.perCategory[2]!;
    expect(c.observedDisagreement).toBeCloseTo(0.02777, 4);
    expect(c.expectedDisagreement).toBeCloseTo(0.05494, 5);
    expect(c.value).toBeCloseTo(0.494, 2);
  });
  it("towards the continuous limit (stretched 50,000 times): D_e A 0.06990, B 1.17731, C 0.08642, D 0.41445 (±0.005, as DKPro: the paper's own D_E is slightly off); alpha A .553, B −.926, C .679, D .066 (±0.02)", () => {
    const r = unitizingAlpha(prepareUnitizing(krippendorff1995(50_000), 2, ['A', 'B', 'C', 'D']));
    const De = [0.0699, 1.17731, 0.08642, 0.41445];
    const alpha = [0.553, -0.926, 0.679, 0.066];
    r.perCategory.forEach((v, i) => {
      expect(Math.abs(v.expectedDisagreement - De[i]!)).toBeLessThan(0.005);
      expect(Math.abs(v.value - alpha[i]!)).toBeLessThan(0.02);
    });
    // By hand at the limit for C (all ten gaps have length 2 and can hold no unit longer than 2):
    // D_e → (2/L)·(N − 1)·(2/3)Σl³ / ((mL)² − Σl²) = (2/24)·8·(2/3)·448 / (48² − 104) = 0.090505.
    expect(r.perCategory[2]!.expectedDisagreement).toBeCloseTo(((2 / 24) * 8 * (2 / 3) * 448) / (48 * 48 - 104), 4);
  });
});

describe('Krippendorff (2004), p. 254: two observers, categories c and k on a continuum of 300', () => {
  const shift = (list: U[]): U[] => list.map((u) => ({ ...u, begin: u.begin - 150 }));
  const continua: Continuum[] = [
    {
      length: 300,
      units: [
        shift([
          { begin: 225, length: 70, category: 'c' },
          { begin: 370, length: 30, category: 'c' },
          { begin: 180, length: 60, category: 'k' },
          { begin: 300, length: 50, category: 'k' },
        ]),
        shift([
          { begin: 220, length: 80, category: 'c' },
          { begin: 355, length: 20, category: 'c' },
          { begin: 400, length: 20, category: 'c' },
          { begin: 180, length: 60, category: 'k' },
          { begin: 300, length: 50, category: 'k' },
        ]),
      ],
    },
  ];
  it('c: D_o 0.0144, D_e 0.0532, alpha 0.7286; k: D_o 0.0000, D_e 0.0490, alpha 1.0000; all: 0.8591 (±0.0005)', () => {
    const r = unitizingAlpha(prepareUnitizing(continua, 2, ['c', 'k']));
    const [c, k] = r.perCategory;
    expect(c!.observedDisagreement).toBeCloseTo(0.0144, 4);
    expect(c!.expectedDisagreement).toBeCloseTo(0.0532, 4);
    expect(c!.value).toBeCloseTo(0.7286, 4);
    expect(k!.observedDisagreement).toBeCloseTo(0, 4);
    expect(k!.expectedDisagreement).toBeCloseTo(0.049, 4);
    expect(k!.value).toBeCloseTo(1, 4);
    expect(Math.abs(r.pooled.value - 0.8591)).toBeLessThan(0.0005);
  });
  it('its distance examples: 225+70 vs 220+80 → 50; 370+30 vs 355+20 → 850; a gap 400+50 vs a unit 400+20 → 400', () => {
    expect(sectionDistance(225, 70, true, 220, 80, true)).toBe(50);
    expect(sectionDistance(370, 30, true, 355, 20, true)).toBe(850);
    expect(sectionDistance(400, 50, false, 400, 20, true)).toBe(400);
  });
});

describe("DKPro Statistics' own examples", () => {
  it('r0: -11111111-, r1: --1-1-1--- → D_o 0.9100, D_e 0.5351, alpha −0.7003', () => {
    const data = prepareUnitizing([{ length: 10, units: [[{ begin: 1, length: 8, category: 'A' }], [2, 4, 6].map((begin) => ({ begin, length: 1, category: 'A' }))] }], 2, ['A']);
    const a = unitizingAlpha(data).perCategory[0]!;
    expect(a.observedDisagreement).toBeCloseTo(0.91, 4);
    expect(Math.abs(a.expectedDisagreement - 0.5351)).toBeLessThan(0.0001);
    expect(a.value).toBeCloseTo(-0.7003, 4);
  });
  it('distances: 1+8 vs 2+1 → 37; 1+8 vs 4+1 → 25; 1+8 vs 6+1 → 29; a unit vs a gap that does not hold it → 0', () => {
    expect(sectionDistance(1, 8, true, 2, 1, true)).toBe(37);
    expect(sectionDistance(1, 8, true, 4, 1, true)).toBe(25);
    expect(sectionDistance(1, 8, true, 6, 1, true)).toBe(29);
    expect(sectionDistance(1, 8, true, 0, 2, false)).toBe(0);
    expect(sectionDistance(0, 1, false, 0, 2, false)).toBe(0);
  });
  it('no units at all, or only units of no length: undefined, not 1', () => {
    expect(unitizingAlpha(prepareUnitizing([{ length: 20, units: [[], [], []] }], 3, ['X'])).perCategory[0]!.value).toBeNaN();
    expect(unitizingAlpha(prepareUnitizing([{ length: 15, units: [[{ begin: 0, length: 0, category: 'A' }], [{ begin: 0, length: 0, category: 'A' }]] }], 2, ['A'])).perCategory[0]!.value).toBeNaN();
  });
  it('a zero-length unit beside full agreement on a longer one: alpha 1', () => {
    const r = unitizingAlpha(
      prepareUnitizing(
        [
          {
            length: 15,
            units: [
              [
                { begin: 0, length: 0, category: 'A' },
                { begin: 2, length: 5, category: 'A' },
              ],
              [{ begin: 2, length: 5, category: 'A' }],
            ],
          },
        ],
        2,
        ['A'],
      ),
    );
    expect(r.perCategory[0]!.value).toBeCloseTo(1, 12);
  });
});

describe('several continua (transcripts) and the bootstrap over them', () => {
  const one: Continuum = {
    length: 100,
    units: [
      [
        { begin: 10, length: 20, category: 'x' },
        { begin: 60, length: 10, category: 'x' },
      ],
      [
        { begin: 12, length: 20, category: 'x' },
        { begin: 50, length: 25, category: 'x' },
      ],
    ],
  };
  it('transcripts are laid end to end, each keeping its own boundary; a transcript weighted 2 counts twice', () => {
    const twice = prepareUnitizing([one, one], 2, ['x']);
    const joined: Continuum = { length: 200, units: one.units.map((list) => [...list, ...list.map((u) => ({ ...u, begin: u.begin + 100 }))]) };
    // Laid end to end, the two copies observe exactly what the joined continuum observes; only the gap that would
    // run across the boundary (75-110 joined, 75-100 and 100-110 apart) is split, which changes D_e alone.
    const a = unitizingAlpha(twice).perCategory[0]!;
    const b = unitizingAlpha(prepareUnitizing([joined], 2, ['x'])).perCategory[0]!;
    expect(a.observedDisagreement).toBeCloseTo(b.observedDisagreement, 12);
    expect(a.expectedDisagreement).not.toBeCloseTo(b.expectedDisagreement, 6);
    const w = unitizingAlpha(prepareUnitizing([one], 2, ['x']), Float64Array.from([2]));
    expect(w.perCategory[0]!.value).toBeCloseTo(a.value, 12);
  });
  it('resamples transcripts with a seed: the same seed gives the same interval around the estimate', () => {
    const data = prepareUnitizing([one, { ...one, units: [one.units[1]!, one.units[0]!] }, one, one, one], 2, ['x']);
    const est = unitizingAlpha(data);
    const i1 = unitizingIntervals(data, est, { resamples: 200, seed: 3, confidence: 0.95, method: 'bca' });
    const i2 = unitizingIntervals(data, est, { resamples: 200, seed: 3, confidence: 0.95, method: 'bca' });
    expect(i1).toEqual(i2);
    expect(i1.pooled.low).toBeLessThanOrEqual(est.pooled.value);
    expect(i1.pooled.high).toBeGreaterThanOrEqual(est.pooled.value);
  });
  it('the gaps sorted once give every category the values of the gaps collected and sorted for each weighting, to the last bit', () => {
    // Continua of 1-3 coders' units over 4 categories (overlapping, touching, nested, at the ends),
    // weighted as the data (1), a jackknife (one continuum 0) and Poisson resamples (whole numbers, 0 included).
    const continuum = fc.integer({ min: 1, max: 400 }).chain((length) =>
      fc.record({
        length: fc.constant(length),
        units: fc.array(
          fc.array(
            fc.record({ begin: fc.integer({ min: 0, max: length - 1 }), length: fc.integer({ min: 1, max: 60 }), category: fc.constantFrom('a', 'b', 'c', 'd') }).map((u) => ({ ...u, length: Math.min(u.length, length - u.begin) })),
            { maxLength: 12 },
          ),
          { minLength: 3, maxLength: 3 },
        ),
      }),
    );
    fc.assert(
      fc.property(fc.array(continuum, { minLength: 1, maxLength: 8 }), fc.integer({ min: 2, max: 3 }), fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 8, maxLength: 8 }), (continua, coders, draws) => {
        const data = prepareUnitizing(continua, coders, ['a', 'b', 'c', 'd']);
        const D = continua.length;
        const weightings = [new Float64Array(D).fill(1), Float64Array.from({ length: D }, (_, d) => (d === 0 ? 0 : 1)), Float64Array.from({ length: D }, (_, d) => draws[d]!)];
        for (const w of weightings) {
          const now = unitizingAlpha(data, w).perCategory;
          data.categories.forEach((_, c) => {
            const before = categoryBefore(data, c, w);
            for (const k of ['value', 'observedDisagreement', 'expectedDisagreement', 'units'] as const) expect(Object.is(now[c]![k], before[k]), `${k} of category ${c}`).toBe(true);
          });
        }
      }),
      { numRuns: 500 },
    );
  });
});
