import { describe, expect, it } from 'vitest';
import { brennanPrediger, cohenKappa, fleissKappa, gwetAC, krippendorffAlpha, prepare, scottPi } from '../../src/core/agreement/coefficients.js';
import { ratingsFromRows, toPatterns, type Level } from '../../src/core/agreement/table.js';

/**
 * Coefficients against published worked examples and the values their sources print. Each value
 * is compared at the precision the source gives.
 */
function prep(rows: string[][], coders: number, categories?: string[]) {
  const t = toPatterns(ratingsFromRows(rows, coders, categories ? { categories } : {}).ratings);
  return { p: prepare(t), w: t.counts };
}

/** Rows of a two-coder contingency table given as counts: table[i][j] units rated i by A and j by B. */
function fromTable(table: number[][], labels: string[]): string[][] {
  const rows: string[][] = [];
  table.forEach((r, i) => r.forEach((n, j) => {
    for (let k = 0; k < n; k++) rows.push([labels[i]!, labels[j]!]);
  }));
  return rows;
}

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
    expect(krippendorffAlpha(p, w, level)).toBeCloseTo(published, 3);
  });
});

describe("Cohen's kappa: the two-reader example of Wikipedia's 'Cohen's kappa' article (50 grant proposals)", () => {
  // A yes & B yes 20, A yes & B no 5, A no & B yes 10, A no & B no 15: po = 0.7, pe = 0.5, kappa = 0.4.
  const { p, w } = prep(fromTable([[20, 5], [10, 15]], ['yes', 'no']), 2);
  it('kappa = 0.4', () => {
    expect(cohenKappa(p, w).value).toBeCloseTo(0.4, 10);
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
  const rows = counts.map((c) => c.flatMap((n, k) => Array<string>(n).fill(String(k + 1))));
  it('kappa = 0.210 (P-bar = 0.378, Pe = 0.213)', () => {
    const { p, w } = prep(rows, 14, ['1', '2', '3', '4', '5']);
    expect(fleissKappa(p, w).value).toBeCloseTo(0.21, 3);
  });
});

describe('Krippendorff (2011), sections A and B: two coders', () => {
  it('binary data: alpha = 0.095', () => {
    const a = '0 1 0 0 0 0 0 0 1 0'.split(' ');
    const b = '1 1 1 0 0 1 0 0 0 0'.split(' ');
    const { p, w } = prep(a.map((x, i) => [x, b[i]!]), 2);
    expect(krippendorffAlpha(p, w)).toBeCloseTo(0.095, 3);
  });
  it('nominal data: alpha = 0.692', () => {
    const a = 'a a b b d c c c e d d a'.split(' ');
    const b = 'b a b b b c c c e d d d'.split(' ');
    const { p, w } = prep(a.map((x, i) => [x, b[i]!]), 2);
    expect(krippendorffAlpha(p, w)).toBeCloseTo(0.692, 3);
  });
});

describe("Wikipedia, 'Krippendorff's alpha', computational example: 3 coders x 15 units", () => {
  const A = '* * * * * 3 4 1 2 1 1 3 3 * 3'.split(' ');
  const B = '1 * 2 1 3 3 4 3 * * * * * * *'.split(' ');
  const C = '* * 2 1 3 4 4 * 2 1 1 3 3 * 4'.split(' ');
  const rows = A.map((_, u) => [A[u]!, B[u]!, C[u]!].map((v) => (v === '*' ? '' : v)));
  it('nominal 0.691, interval 0.811', () => {
    const { p, w } = prep(rows, 3);
    expect(krippendorffAlpha(p, w, 'nominal')).toBeCloseTo(0.691, 3);
    expect(krippendorffAlpha(p, w, 'interval')).toBeCloseTo(0.811, 3);
  });
});

describe("Gwet (2014), Handbook, p. 120 (irrCAC's cac.raw4raters): 4 raters x 12 units with missing values", () => {
  // As irrCAC prints it (its vignette and README): unit 12's single rating is under rater 3.
  const rows = [
    ['1', '1', '', '1'], ['2', '2', '3', '2'], ['3', '3', '3', '3'], ['3', '3', '3', '3'], ['2', '2', '2', '2'], ['1', '2', '3', '4'],
    ['4', '4', '4', '4'], ['1', '1', '2', '1'], ['2', '2', '2', '2'], ['', '5', '5', '5'], ['', '', '1', '1'], ['', '', '3', ''],
  ];
  const { p, w } = prep(rows, 4);
  it('unweighted: AC1 0.77544, Fleiss 0.76117, alpha 0.74342, Brennan-Prediger 0.77273', () => {
    expect(gwetAC(p, w)).toBeCloseTo(0.77544, 5);
    expect(fleissKappa(p, w).value).toBeCloseTo(0.76117, 5);
    expect(krippendorffAlpha(p, w)).toBeCloseTo(0.74342, 5);
    expect(brennanPrediger(p, w)).toBeCloseTo(0.77273, 5);
  });
  it('quadratic weights: AC2 0.914, Brennan-Prediger 0.90152, alpha (interval) 0.84911', () => {
    expect(gwetAC(p, w, 'quadratic')).toBeCloseTo(0.914, 3);
    expect(brennanPrediger(p, w, 'quadratic')).toBeCloseTo(0.90152, 5);
    expect(krippendorffAlpha(p, w, 'interval')).toBeCloseTo(0.84911, 5);
  });
});

describe("irrCAC's cont3x3abstractors (Gwet 2014): two abstractors, 100 units, 3 categories", () => {
  const { p, w } = prep(fromTable([[13, 0, 0], [0, 20, 7], [0, 4, 56]], ['Ectopic', 'AIU', 'NIU']), 2, ['Ectopic', 'AIU', 'NIU']);
  it("unweighted: Cohen 0.7964094 (SE 0.05891072), Scott 0.7962397, AC1 0.8493305, BP 0.835, alpha 0.7972585", () => {
    const k = cohenKappa(p, w);
    expect(k.value).toBeCloseTo(0.7964094, 7);
    expect(k.se).toBeCloseTo(0.05891072, 7);
    expect(scottPi(p, w)).toBeCloseTo(0.7962397, 7);
    expect(gwetAC(p, w)).toBeCloseTo(0.8493305, 7);
    expect(brennanPrediger(p, w)).toBeCloseTo(0.835, 7);
    expect(krippendorffAlpha(p, w)).toBeCloseTo(0.7972585, 7);
  });
  it('quadratic weights: Cohen 0.8921569, AC2 0.9402369, BP 0.9175', () => {
    expect(cohenKappa(p, w, 'quadratic').value).toBeCloseTo(0.8921569, 7);
    expect(gwetAC(p, w, 'quadratic')).toBeCloseTo(0.9402369, 7);
    expect(brennanPrediger(p, w, 'quadratic')).toBeCloseTo(0.9175, 7);
  });
});

describe('vcd SexualFun (Hout et al. 1987; Friendly 2000, p. 91): husband x wife, 4 ordered categories', () => {
  const { p, w } = prep(fromTable([[7, 7, 2, 3], [2, 8, 3, 7], [1, 5, 4, 9], [2, 8, 9, 14]], ['never', 'fairly', 'very', 'always']), 2, ['never', 'fairly', 'very', 'always']);
  it('unweighted kappa 0.1293 (ASE 0.06860); linear ("equal spacing") weighted 0.2374', () => {
    const k = cohenKappa(p, w);
    expect(k.value).toBeCloseTo(0.1293, 4);
    expect(k.se).toBeCloseTo(0.0686, 4);
    expect(cohenKappa(p, w, 'linear').value).toBeCloseTo(0.2374, 4);
  });
});

describe('Fleiss (1971): 30 patients x 6 psychiatrists x 5 diagnoses', () => {
  // Counts of psychiatrists per diagnosis (depression, personality disorder, schizophrenia, neurosis, other).
  const counts = [
    [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0], [2, 0, 4, 0, 0],
    [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6], [1, 0, 0, 5, 0], [1, 1, 0, 4, 0],
    [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1], [0, 0, 5, 0, 1], [3, 0, 0, 1, 2], [5, 1, 0, 0, 0],
    [0, 2, 0, 4, 0], [1, 0, 2, 0, 3], [0, 0, 0, 0, 6], [0, 1, 0, 5, 0], [0, 2, 0, 1, 3], [2, 0, 0, 4, 0],
    [1, 0, 0, 4, 1], [0, 5, 0, 1, 0], [4, 0, 0, 0, 2], [0, 2, 0, 4, 0], [1, 0, 5, 0, 0], [0, 0, 0, 0, 6],
  ];
  const rows = counts.map((c) => c.flatMap((n, k) => Array<string>(n).fill(String(k + 1))));
  it('kappa 0.4302445, z 17.65183 under the null (Fleiss, Nee & Landis 1979 SE)', () => {
    const { p, w } = prep(rows, 6, ['1', '2', '3', '4', '5']);
    const k = fleissKappa(p, w);
    expect(k.value).toBeCloseTo(0.4302445, 7);
    expect(k.value / k.se).toBeCloseTo(17.65183, 4);
  });
  it("irrCAC's distrib.6raters (the first 15 patients): Fleiss 0.4139265, AC1 0.4448007, alpha 0.4204384, BP 0.4388889", () => {
    const { p, w } = prep(rows.slice(0, 15), 6, ['1', '2', '3', '4', '5']);
    expect(fleissKappa(p, w).value).toBeCloseTo(0.4139265, 7);
    expect(gwetAC(p, w)).toBeCloseTo(0.4448007, 7);
    expect(krippendorffAlpha(p, w)).toBeCloseTo(0.4204384, 7);
    expect(brennanPrediger(p, w)).toBeCloseTo(0.4388889, 7);
  });
});
