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

export { brennanPrediger, gwetAC, scottPi };
