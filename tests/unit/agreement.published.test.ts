import { describe, expect, it } from 'vitest';
import { brennanPrediger, cohenKappa, congerKappa, fleissKappa, gwetAC, krippendorffAlpha, percentAgreement, prepare, scottPi, unanimousAgreement, weightMatrix, type Stat } from '../../src/core/agreement/coefficients.js';
import { normalCdf, normalQuantile, tCdf, tQuantile } from '../../src/core/agreement/distributions.js';
import { contingencyTable, countsTable, weightsTable } from '../../src/core/agreement/input.js';
import { toPatterns, type Level, type PatternTable } from '../../src/core/agreement/table.js';
import { ratingsFromRows } from '../../src/core/agreement/values.js';
import { analytic, zTest } from '../../src/core/agreement/variance.js';
import { DISTRIB_6RATERS, FLEISS_1971, KRIPPENDORFF_2011 } from '../helpers/published-data.js';

/**
 * Coefficients, standard errors and tests against published worked examples and the values their
 * sources print, each compared at the precision the source gives.
 */
function table(rows: string[][], coders: number, categories?: string[], level: Level = 'nominal'): PatternTable {
  const parsed = ratingsFromRows(rows, coders, { level, ...(categories ? { categories } : {}) });
  expect(parsed.problems).toEqual([]);
  return toPatterns(parsed.ratings!);
}

function prep(rows: string[][], coders: number, categories?: string[]) {
  const t = table(rows, coders, categories);
  return { t, p: prepare(t), w: t.counts };
}

const se = (t: PatternTable, s: Stat): number => analytic(t, s, 0.95)!.se;
const I = { withInfluence: true };

/** Rows of a two-coder contingency table given as counts: table[i][j] units rated i by A and j by B. */
function fromTable(counts: number[][], labels: string[]): string[][] {
  const rows: string[][] = [];
  counts.forEach((r, i) =>
    r.forEach((n, j) => {
      for (let k = 0; k < n; k++) rows.push([labels[i]!, labels[j]!]);
    }),
  );
  return rows;
}

describe('the normal and t distributions (textbook table values)', () => {
  it('normal: Φ(1.96) = 0.9750, z(0.975) = 1.960, z(0.995) = 2.576', () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 4);
    expect(normalCdf(-1.96)).toBeCloseTo(0.025, 4);
    expect(normalQuantile(0.975)).toBeCloseTo(1.96, 3);
    expect(normalQuantile(0.995)).toBeCloseTo(2.576, 3);
    expect(normalQuantile(0.5)).toBe(0);
  });
  it('Student t: t(0.975; 1) = 12.706, t(0.975; 10) = 2.228, t(0.995; 5) = 4.032, t(0.975; 120) = 1.980', () => {
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.706, 3);
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.228, 3);
    expect(tQuantile(0.995, 5)).toBeCloseTo(4.032, 3);
    expect(tQuantile(0.975, 120)).toBeCloseTo(1.98, 3);
    expect(tQuantile(0.025, 10)).toBeCloseTo(-2.228, 3);
    expect(tCdf(2.228, 10)).toBeCloseTo(0.975, 4);
  });
});

describe("Krippendorff (2011), Computing Krippendorff's Alpha-Reliability: 4 observers, 12 units, missing values", () => {
  // Observers A-D by units 1-12; '' = no value. The paper's reliability data matrix.
  const A = ['1', '2', '3', '3', '2', '1', '4', '1', '2', '', '', ''];
  const B = ['1', '2', '3', '3', '2', '2', '4', '1', '2', '5', '', '3'];
  const C = ['', '3', '3', '3', '2', '3', '4', '2', '2', '5', '1', ''];
  const D = ['1', '2', '3', '3', '2', '4', '4', '1', '2', '5', '1', ''];
  const rows = A.map((_, u) => [A[u]!, B[u]!, C[u]!, D[u]!]);
  it.each<[Level, number]>([
    ['nominal', 0.743],
    ['ordinal', 0.815],
    ['interval', 0.849],
    ['ratio', 0.797],
  ])('%s alpha = %s', (level, published) => {
    const { p, w } = prep(rows, 4);
    expect(krippendorffAlpha(p, w, level).value).toBeCloseTo(published, 3);
  });
  it('n.. = 40 pairable values (the paper: "n.. = 40")', () => {
    const { p, w } = prep(rows, 4);
    expect(krippendorffAlpha(p, w).pairable).toBe(40);
  });
});

describe("Cohen's kappa: the two-reader example of Wikipedia's 'Cohen's kappa' article (50 grant proposals)", () => {
  // A yes & B yes 20, A yes & B no 5, A no & B yes 10, A no & B no 15: po = 0.7, pe = 0.5, kappa = 0.4.
  const { p, w } = prep(
    fromTable(
      [
        [20, 5],
        [10, 15],
      ],
      ['yes', 'no'],
    ),
    2,
  );
  it('kappa = 0.4 (po 0.7, pe 0.5)', () => {
    const k = cohenKappa(p, w);
    expect(k.value).toBeCloseTo(0.4, 10);
    expect(k.observed).toBeCloseTo(0.7, 10);
    expect(k.chance).toBeCloseTo(0.5, 10);
  });
});

describe('SAS PROC FREQ, AGREE and TEST KAPPA on the 3 x 3 table [[0,4,1],[0,8,0],[0,1,5]] (the SAS printout statsmodels tests against)', () => {
  const t = contingencyTable(
    ['', '1', '2', '3'],
    [
      ['1', '0', '4', '1'],
      ['2', '0', '8', '0'],
      ['3', '0', '1', '5'],
    ],
    {},
  ).table!;
  const p = prepare(t);
  it('simple kappa 0.4842, ASE 0.1380, 95% limits 0.2137 0.7547; ASE under H0 0.1484, Z 3.2626, two-sided Pr > |Z| 0.0011', () => {
    const k = cohenKappa(p, t.counts, undefined, I);
    const a = analytic(t, k, 0.95)!;
    expect(k.value).toBeCloseTo(0.4842, 4);
    expect(a.se).toBeCloseTo(0.138, 4);
    expect(a.low).toBeCloseTo(0.2137, 4);
    expect(a.high).toBeCloseTo(0.7547, 4);
    expect(k.seNull).toBeCloseTo(0.1484, 4);
    const z = zTest(k.value, k.seNull)!;
    expect(z.z).toBeCloseTo(3.2626, 4);
    expect(z.p).toBeCloseTo(0.0011, 4);
  });
  it('weighted kappa (Cicchetti–Allison, i.e. linear, scores 1 2 3) 0.4701, ASE 0.1457, limits 0.1845 0.7558; ASE under H0 0.1426, Z 3.2971, two-sided 0.0010', () => {
    const k = cohenKappa(p, t.counts, weightMatrix(3, 'linear', t.numeric), I);
    const a = analytic(t, k, 0.95)!;
    expect(k.value).toBeCloseTo(0.4701, 4);
    expect(a.se).toBeCloseTo(0.1457, 4);
    expect(a.low).toBeCloseTo(0.1845, 4);
    expect(a.high).toBeCloseTo(0.7558, 4);
    expect(k.seNull).toBeCloseTo(0.1426, 4);
    const z = zTest(k.value, k.seNull)!;
    expect(z.z).toBeCloseTo(3.2971, 4);
    expect(z.p).toBeCloseTo(0.001, 4);
  });
});

describe("Fleiss (1971) kappa: the 10 subjects x 14 raters x 5 categories example of Wikipedia's 'Fleiss' kappa' article", () => {
  const counts = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
  ];
  it('kappa = 0.210 (P-bar = 0.378, Pe = 0.213), from the counts table', () => {
    const t = countsTable(
      ['1', '2', '3', '4', '5'],
      counts.map((r) => r.map(String)),
      { unitIds: false },
    ).table!;
    const k = fleissKappa(prepare(t), t.counts);
    expect(k.value).toBeCloseTo(0.21, 3);
    expect(k.observed).toBeCloseTo(0.378, 3);
    expect(k.chance).toBeCloseTo(0.213, 3);
  });
});

describe('Krippendorff (2011), sections A and B: two coders', () => {
  it('binary data: alpha = 0.095', () => {
    const a = '0 1 0 0 0 0 0 0 1 0'.split(' ');
    const b = '1 1 1 0 0 1 0 0 0 0'.split(' ');
    const { p, w } = prep(
      a.map((x, i) => [x, b[i]!]),
      2,
    );
    expect(krippendorffAlpha(p, w).value).toBeCloseTo(0.095, 3);
  });
  it('nominal data: alpha = 0.692', () => {
    const a = 'a a b b d c c c e d d a'.split(' ');
    const b = 'b a b b b c c c e d d d'.split(' ');
    const { p, w } = prep(
      a.map((x, i) => [x, b[i]!]),
      2,
    );
    expect(krippendorffAlpha(p, w).value).toBeCloseTo(0.692, 3);
  });
});

describe("Wikipedia, 'Krippendorff's alpha', computational example: 3 coders x 15 units", () => {
  const A = '* * * * * 3 4 1 2 1 1 3 3 * 3'.split(' ');
  const B = '1 * 2 1 3 3 4 3 * * * * * * *'.split(' ');
  const C = '* * 2 1 3 4 4 * 2 1 1 3 3 * 4'.split(' ');
  const rows = A.map((_, u) => [A[u]!, B[u]!, C[u]!].map((v) => (v === '*' ? '' : v)));
  it('nominal 0.691, interval 0.811', () => {
    const { p, w } = prep(rows, 3);
    expect(krippendorffAlpha(p, w, 'nominal').value).toBeCloseTo(0.691, 3);
    expect(krippendorffAlpha(p, w, 'interval').value).toBeCloseTo(0.811, 3);
  });
});

describe("Gwet (2014), Handbook, p. 120, as irrCAC's README prints it (cac.raw4raters): 4 raters x 12 units with missing values", () => {
  // Unit 12 has a single rating (rater 3). irrCAC counts it in chance agreement and in n: --chance rated.
  const rows = KRIPPENDORFF_2011.map((r) => [...r]);
  const { t, p, w } = prep(rows, 4);
  const rated = { units: 'rated' as const, withInfluence: true };
  it('percent agreement 0.8181818 (SE 0.12561), AC1 0.77544 (pe 0.1903212, SE 0.14295), as irrCAC', () => {
    const pa = percentAgreement(p, w, rated);
    expect(pa.value).toBeCloseTo(0.8181818, 7);
    expect(se(t, pa)).toBeCloseTo(0.12561, 5);
    const ac1 = gwetAC(p, w, undefined, rated);
    expect(ac1.value).toBeCloseTo(0.77544, 5);
    expect(ac1.chance).toBeCloseTo(0.1903212, 7);
    expect(se(t, ac1)).toBeCloseTo(0.14295, 5);
  });
  it("Fleiss' kappa 0.76117 (pe 0.2387153, SE 0.15302), Conger's kappa 0.76282 (pe 0.2334252, SE 0.14917), Brennan–Prediger 0.77273 (SE 0.14472)", () => {
    const f = fleissKappa(p, w, rated);
    expect(f.value).toBeCloseTo(0.76117, 5);
    expect(f.chance).toBeCloseTo(0.2387153, 7);
    expect(se(t, f)).toBeCloseTo(0.15302, 5);
    const c = congerKappa(p, w, undefined, rated);
    expect(c.value).toBeCloseTo(0.76282, 5);
    expect(c.chance).toBeCloseTo(0.2334252, 7);
    expect(se(t, c)).toBeCloseTo(0.14917, 5);
    const bp = brennanPrediger(p, w, undefined, rated);
    expect(bp.value).toBeCloseTo(0.77273, 5);
    expect(se(t, bp)).toBeCloseTo(0.14472, 5);
  });
  it("Krippendorff's alpha 0.74342 (SE 0.14548): alpha never uses units with one value, so irrCAC and qualwave agree on it", () => {
    const a = krippendorffAlpha(p, w, 'nominal', undefined, I);
    expect(a.value).toBeCloseTo(0.74342, 5);
    expect(se(t, a)).toBeCloseTo(0.14548, 5);
  });
  it('quadratic weights: AC2 0.914, Brennan-Prediger 0.90152, alpha (interval) 0.84911', () => {
    const Wq = weightMatrix(5, 'quadratic', t.numeric);
    expect(gwetAC(p, w, Wq, { units: 'rated' }).value).toBeCloseTo(0.914, 3);
    expect(brennanPrediger(p, w, Wq, { units: 'rated' }).value).toBeCloseTo(0.90152, 5);
    expect(krippendorffAlpha(p, w, 'interval').value).toBeCloseTo(0.84911, 5);
  });
  it('a weights file holding the quadratic weights gives the same AC2, 0.914', () => {
    const cats = ['1', '2', '3', '4', '5'];
    const matrix = cats.map((a) => [a, ...cats.map((b) => String(1 - Math.pow(Number(a) - Number(b), 2) / 16))]);
    const read = weightsTable(
      ['', ...[...cats].reverse()],
      matrix.map((r) => [r[0]!, ...r.slice(1).reverse()]),
      t.categories,
    );
    expect(read.problems).toEqual([]);
    expect(gwetAC(p, w, read.weights, { units: 'rated' }).value).toBeCloseTo(0.914, 3);
  });
  it("compared units (qualwave's default): unit 12 takes no part; AC1 by hand from the 11 compared units", () => {
    // Category propensities over units 1-11, each unit's shares n_uk / m_u (hand counts):
    // 1: 1(3/3)  2: 2(3/4) 3(1/4)  3,4: 3(1)  5: 2(1)  6: 1,2,3,4 (1/4 each)  7: 4(1)  8: 1(3/4) 2(1/4)  9: 2(1)  10: 5(1)  11: 1(1)
    const pi = [
      (1 + 0.25 + 0.75 + 1) / 11, // category 1: units 1, 6, 8, 11
      (0.75 + 1 + 0.25 + 0.25 + 1) / 11, // 2: units 2, 5, 6, 8, 9
      (0.25 + 1 + 1 + 0.25) / 11, // 3: units 2, 3, 4, 6
      (0.25 + 1) / 11, // 4: units 6, 7
      1 / 11, // 5: unit 10
    ];
    const pe = pi.reduce((s, x) => s + x * (1 - x), 0) / 4; // T_w / (q (q − 1)) = 5 / 20
    const pa = 0.8181818181818182; // 9 / 11, the same as irrCAC's: pa never used unit 12
    const ac1 = gwetAC(p, w);
    expect(ac1.chance).toBeCloseTo(pe, 12);
    expect(ac1.value).toBeCloseTo((pa - pe) / (1 - pe), 12);
    // The same as irrCAC on the data without unit 12.
    const { p: p11, w: w11 } = prep(rows.slice(0, 11), 4);
    expect(gwetAC(p11, w11, undefined, { units: 'rated' }).value).toBeCloseTo(ac1.value, 12);
  });
  it('percent agreement for four coders is the mean share of agreeing pairs (0.818, irrCAC, Fleiss P̄, Gwet pa), not the share of unanimous units (8/11 = 0.727)', () => {
    expect(percentAgreement(p, w).value).toBeCloseTo(0.818, 3);
    // Unanimous: units 1, 3, 4, 5, 7, 9, 10, 11 of the 11 with two or more values.
    expect(unanimousAgreement(p, w)).toBeCloseTo(8 / 11, 12);
  });
});

describe("irrCAC's cont3x3abstractors (Gwet 2014): two abstractors, 100 units, 3 categories, as irrCAC's README prints it", () => {
  const read = contingencyTable(
    ['Type', 'Ectopic', 'AIU', 'NIU'],
    [
      ['Ectopic', '13', '0', '0'],
      ['AIU', '0', '20', '7'],
      ['NIU', '0', '4', '56'],
    ],
    {},
  );
  const t = read.table!;
  const p = prepare(t);
  const w = t.counts;
  it('Cohen 0.7964094 (SE 0.05891072: Fleiss, Cohen & Everitt divide by n), Scott 0.7962397, AC1 0.8493305, BP 0.835, alpha 0.7972585', () => {
    const k = cohenKappa(p, w, undefined, I);
    expect(k.value).toBeCloseTo(0.7964094, 7);
    expect(se(t, k)).toBeCloseTo(0.05891072, 7);
    expect(scottPi(p, w).value).toBeCloseTo(0.7962397, 7);
    expect(gwetAC(p, w).value).toBeCloseTo(0.8493305, 7);
    expect(brennanPrediger(p, w).value).toBeCloseTo(0.835, 7);
    expect(krippendorffAlpha(p, w).value).toBeCloseTo(0.7972585, 7);
    expect(percentAgreement(p, w).value).toBeCloseTo(0.89, 7);
  });
  it("Gwet's SEs: irrCAC's table functions divide by n (Scott 0.05905473, AC1 0.04321747, BP 0.04693346, pa 0.03128898), its raw-data functions and qualwave by n − 1: each times √(100/99)", () => {
    const f = Math.sqrt(100 / 99);
    expect(se(t, scottPi(p, w, I))).toBeCloseTo(0.05905473 * f, 7);
    expect(se(t, gwetAC(p, w, undefined, I))).toBeCloseTo(0.04321747 * f, 7);
    expect(se(t, brennanPrediger(p, w, undefined, I))).toBeCloseTo(0.04693346 * f, 7);
    expect(se(t, percentAgreement(p, w, I))).toBeCloseTo(0.03128898 * f, 7);
  });
  it("with two coders Conger's kappa is Cohen's (Conger 1980): 0.7964094", () => {
    expect(congerKappa(p, w).value).toBeCloseTo(0.7964094, 7);
  });
  it('quadratic weights: Cohen 0.8921569, AC2 0.9402369, BP 0.9175', () => {
    const Wq = weightMatrix(3, 'quadratic');
    expect(cohenKappa(p, w, Wq).value).toBeCloseTo(0.8921569, 7);
    expect(gwetAC(p, w, Wq).value).toBeCloseTo(0.9402369, 7);
    expect(brennanPrediger(p, w, Wq).value).toBeCloseTo(0.9175, 7);
  });
  it('the same table as proportions with --n 100 gives the same coefficients and SEs', () => {
    const props = contingencyTable(
      ['Type', 'Ectopic', 'AIU', 'NIU'],
      [
        ['Ectopic', '0.13', '0', '0'],
        ['AIU', '0', '0.20', '0.07'],
        ['NIU', '0', '0.04', '0.56'],
      ],
      { n: 100 },
    ).table!;
    const q = prepare(props);
    expect(cohenKappa(q, props.counts).value).toBeCloseTo(0.7964094, 7);
    expect(se(props, cohenKappa(q, props.counts, undefined, I))).toBeCloseTo(0.05891072, 7);
    expect(se(props, gwetAC(q, props.counts, undefined, I))).toBeCloseTo(0.04321747 * Math.sqrt(100 / 99), 7);
  });
});

describe("irrCAC's distrib.6raters (the first 15 of Fleiss' 1971 patients, 6 psychiatrists), read as a counts table", () => {
  const counts = DISTRIB_6RATERS.map((r) => [...r]);
  const read = countsTable(
    ['Subject', 'Depression', 'Personality Disorder', 'Schizophrenia', 'Neurosis', 'Other'],
    counts.map((r, i) => [String(i + 1), ...r.map(String)]),
    { unitIds: true },
  );
  const t = read.table!;
  const p = prepare(t);
  it('AC1 0.4448007 (SE 0.08418757; pa 0.5511111, pe 0.1914815), Fleiss 0.4139265 (SE 0.08119291, pe 0.2340741), BP 0.4388889 (SE 0.08312142), alpha 0.4204384', () => {
    const ac1 = gwetAC(p, t.counts, undefined, I);
    expect(ac1.value).toBeCloseTo(0.4448007, 7);
    expect(se(t, ac1)).toBeCloseTo(0.08418757, 8);
    expect(ac1.observed).toBeCloseTo(0.5511111, 7);
    expect(ac1.chance).toBeCloseTo(0.1914815, 7);
    const f = fleissKappa(p, t.counts, I);
    expect(f.value).toBeCloseTo(0.4139265, 7);
    expect(se(t, f)).toBeCloseTo(0.08119291, 8);
    expect(f.chance).toBeCloseTo(0.2340741, 7);
    const bp = brennanPrediger(p, t.counts, undefined, I);
    expect(bp.value).toBeCloseTo(0.4388889, 7);
    expect(se(t, bp)).toBeCloseTo(0.08312142, 8);
    expect(krippendorffAlpha(p, t.counts).value).toBeCloseTo(0.4204384, 7);
  });
  it("alpha's SE (irrCAC's krippen.alpha.raw): with complete data its linearisation is Fleiss' term by term (same π, pe, P_u), so the SE is Fleiss' 0.08119291", () => {
    // irrCAC's krippen.alpha.dist prints 0.08243228 here: it weights the chance term by (1 − α) where the raw-data function
    // (and the delta method for pe = Σ w π_k π_l) has 2 (1 − α'); qualwave follows the raw-data function.
    expect(se(t, krippendorffAlpha(p, t.counts, 'nominal', undefined, I))).toBeCloseTo(0.08119291, 8);
  });
});

describe('vcd SexualFun (Hout et al. 1987; Friendly 2000, p. 91): husband x wife, 4 ordered categories', () => {
  const { t, p, w } = prep(
    fromTable(
      [
        [7, 7, 2, 3],
        [2, 8, 3, 7],
        [1, 5, 4, 9],
        [2, 8, 9, 14],
      ],
      ['never', 'fairly', 'very', 'always'],
    ),
    2,
    ['never', 'fairly', 'very', 'always'],
  );
  it('unweighted kappa 0.1293 (ASE 0.06860); linear ("equal spacing") weighted 0.2374', () => {
    const k = cohenKappa(p, w, undefined, I);
    expect(k.value).toBeCloseTo(0.1293, 4);
    expect(se(t, k)).toBeCloseTo(0.0686, 4);
    expect(cohenKappa(p, w, weightMatrix(4, 'linear')).value).toBeCloseTo(0.2374, 4);
  });
});

describe('Fleiss (1971): 30 patients x 6 psychiatrists x 5 diagnoses', () => {
  // Counts of psychiatrists per diagnosis (depression, personality disorder, schizophrenia, neurosis, other).
  const counts = FLEISS_1971.map((r) => [...r]);
  const rows = counts.map((c) => c.flatMap((n, k) => Array<string>(n).fill(String(k + 1))));
  it('kappa 0.4302445, z 17.65183 under the null (Fleiss, Nee & Landis 1979 SE), as separate fields from the non-null SE', () => {
    const { p, w } = prep(rows, 6, ['1', '2', '3', '4', '5']);
    const k = fleissKappa(p, w, I);
    expect(k.value).toBeCloseTo(0.4302445, 7);
    expect(zTest(k.value, k.seNull)!.z).toBeCloseTo(17.65183, 4);
  });
});

describe('MASI distance and set-valued cells (a;b): alpha by hand', () => {
  it('Passonneau (2006) MASI: same set 0, subset 1 − (2/3)(J), overlap 1 − (1/3)(J), disjoint 1', async () => {
    const { masiDistance } = await import('../../src/core/agreement/coefficients.js');
    const S = (...x: string[]) => new Set(x);
    expect(masiDistance(S('a', 'b'), S('a', 'b'))).toBe(0);
    expect(masiDistance(S('a', 'b'), S('a', 'b', 'c'))).toBeCloseTo(1 - (2 / 3) * (2 / 3), 12);
    expect(masiDistance(S('a', 'b'), S('a', 'c'))).toBeCloseTo(1 - (1 / 3) * (1 / 3), 12);
    expect(masiDistance(S('a'), S('b'))).toBe(1);
    expect(masiDistance(S(), S())).toBe(0);
    expect(masiDistance(S(), S('a'))).toBe(1);
  });
  it('two coders, four units: {a} {a}; {a;b} {a}; {b} {b;c}; {c} {a}', () => {
    const rows = [
      ['a', 'a'],
      ['a;b', 'a'],
      ['b', 'c;b'],
      ['c', 'a'],
    ];
    const parsed = ratingsFromRows(rows, 2, { level: 'nominal' });
    expect(parsed.sets).toBe(true);
    const t = toPatterns(parsed.ratings!);
    // Coincidences (each unit gives both ordered pairs, weight 1/(m−1) = 1): pairs ({a},{a}) x2, ({a,b},{a}) + rev,
    // ({b},{b,c}) + rev, ({c},{a}) + rev. n.. = 8. Distances: {a,b}-{a}: J = 1/2, M = 2/3 → 1 − 1/3 = 2/3;
    // {b}-{b,c}: 2/3; {c}-{a}: 1. D_o = Σ o δ / n.. = (2·2/3 + 2·2/3 + 2·1) / 8 = (14/3)/8.
    // Marginals n_c: {a}: 4, {a,b}: 1, {b}: 1, {b,c}: 1, {c}: 1.
    const n: Record<string, number> = { a: 4, ab: 1, b: 1, bc: 1, c: 1 };
    const sets: Record<string, string[]> = { a: ['a'], ab: ['a', 'b'], b: ['b'], bc: ['b', 'c'], c: ['c'] };
    const masi = (x: string[], y: string[]): number => {
      const inter = x.filter((v) => y.includes(v)).length;
      const union = new Set([...x, ...y]).size;
      const m = inter === x.length && inter === y.length ? 1 : inter === x.length || inter === y.length ? 2 / 3 : inter > 0 ? 1 / 3 : 0;
      return 1 - (inter / union) * m;
    };
    let De = 0;
    for (const x of Object.keys(n)) for (const y of Object.keys(n)) De += n[x]! * n[y]! * masi(sets[x]!, sets[y]!);
    De /= 8 * 7;
    const Do = 14 / 3 / 8;
    const a = krippendorffAlpha(prepare(t), t.counts, 'nominal', parsed.differences);
    expect(a.observedDisagreement).toBeCloseTo(Do, 12);
    expect(a.expectedDisagreement).toBeCloseTo(De, 12);
    expect(a.value).toBeCloseTo(1 - Do / De, 12);
  });
});
