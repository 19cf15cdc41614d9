import { describe, expect, it } from 'vitest';
import { cohenKappa, krippendorffAlpha, prepare } from '../../src/core/agreement/coefficients.js';
import { contingencyTable, countsTable, looksLikeUnitIds, weightsTable } from '../../src/core/agreement/input.js';
import { toPatterns, type Level } from '../../src/core/agreement/table.js';
import { MISSING_TOKENS, ratingsFromRows } from '../../src/core/agreement/values.js';
import { KRIPPENDORFF_2011 } from '../helpers/published-data.js';

/**
 * Values as a statistician reads them, and a regression test for each way a wrong number used to
 * come out silently (issue 12).
 */

// Krippendorff (2011): observers A-D by units 1-12 (the published alphas: nominal .743, ordinal .815, interval .849, ratio .797).
const K = KRIPPENDORFF_2011.map((r) => [...r]);

function alpha(rows: string[][], level: Level, categories?: string[]): number {
  const parsed = ratingsFromRows(rows, rows[0]!.length, { level, ...(categories ? { categories } : {}) });
  expect(parsed.problems).toEqual([]);
  const t = toPatterns(parsed.ratings!);
  return krippendorffAlpha(prepare(t), t.counts, level).value;
}

function problems(rows: string[][], level: Level, categories?: string[]): string[] {
  return ratingsFromRows(rows, rows[0]!.length, { level, ...(categories ? { categories } : {}) }).problems.map((p) => p.message);
}

describe('numbers compare as numbers', () => {
  it("one coder's column written by pandas (3.0, 1.0e0) gives Krippendorff's published nominal alpha 0.743, not a split category", () => {
    const pandas = K.map((r) => r.map((v, c) => (c === 2 && v !== '' ? `${v}.0` : c === 3 && v === '1' ? '1e0' : v)));
    expect(alpha(pandas, 'nominal')).toBeCloseTo(0.743, 3);
    expect(alpha(pandas, 'interval')).toBeCloseTo(0.849, 3);
    const notes = ratingsFromRows(pandas, 4, { level: 'nominal' }).notes;
    expect(notes.some((n) => n.includes("'3', '3.0'") || n.includes("'3.0', '3'"))).toBe(true);
  });

  it('declared --categories 1,2,3,4,5 accept 1.0 and +2', () => {
    const rows = K.map((r) => r.map((v) => (v === '1' ? '1.0' : v === '2' ? '+2' : v)));
    expect(alpha(rows, 'ordinal', ['1', '2', '3', '4', '5'])).toBeCloseTo(0.815, 3);
  });
});

describe('missing values', () => {
  it.each(MISSING_TOKENS.filter((t) => t !== ''))("'%s' is missing, in any case", (token) => {
    for (const spelling of [token, token.toLowerCase(), token.toUpperCase()]) {
      const rows = K.map((r) => r.map((v) => (v === '' ? spelling : v)));
      expect(alpha(rows, 'nominal')).toBeCloseTo(0.743, 3);
    }
  });

  it('values that only look like missing tokens are values: "none of these", "-1", "0"', () => {
    const parsed = ratingsFromRows(
      [
        ['none of these', '-1'],
        ['0', 'n.a. (asked)'],
      ],
      2,
      { level: 'nominal' },
    );
    expect(parsed.ratings!.categories).toEqual(['-1', '0', 'n.a. (asked)', 'none of these']);
  });
});

describe('ordered levels need an order and numbers', () => {
  const labels = ['very low', 'low', 'medium', 'high', 'very high'];
  // Krippendorff's data with labels whose first-seen and alphabetical orders are not the scale's.
  const text = K.map((r) => r.map((v) => (v === '' ? '' : labels[Number(v) - 1]!)));

  it('ordinal alpha on text labels without --categories is an error (not first-seen or alphabetical order)', () => {
    expect(problems(text, 'ordinal').join()).toMatch(/ordinal data with text labels .* need their order/);
  });

  it('with the declared order, the published ordinal alpha 0.815', () => {
    expect(alpha(text, 'ordinal', labels)).toBeCloseTo(0.815, 3);
  });

  it('interval and ratio need numbers: text labels are an error, a declared mapping gives the published 0.849 and 0.797', () => {
    expect(problems(text, 'interval').join()).toMatch(/interval data need numbers/);
    expect(problems(text, 'interval', labels).join()).toMatch(/interval data need numbers/);
    const mapped = labels.map((l, i) => `${l}=${i + 1}`);
    expect(alpha(text, 'interval', mapped)).toBeCloseTo(0.849, 3);
    expect(alpha(text, 'ratio', mapped)).toBeCloseTo(0.797, 3);
  });

  it('interval alpha uses the values, not the positions, of declared numeric categories', () => {
    // Scale 1, 2, 10 declared in order: positions 0,1,2 would make 10 look like 3.
    const rows = [
      ['1', '2'],
      ['2', '2'],
      ['10', '10'],
      ['1', '1'],
      ['10', '2'],
    ];
    const parsed = ratingsFromRows(rows, 2, { level: 'interval', categories: ['1', '2', '10'] });
    const t = toPatterns(parsed.ratings!);
    // By hand: pairable values 10; coincidences from units (1,2), (2,2), (10,10), (1,1), (10,2), each unit both orders.
    // D_o = Σ o_ck δ / n.. with δ = (c − k)²: units (1,2): 2·1, (10,2): 2·64 → 130 / 10 = 13.
    // Marginals: 1: 3, 2: 4, 10: 3. D_e = Σ n_c n_k δ / (n (n − 1)) = 2 (3·4·1 + 3·3·81 + 4·3·64) / 90.
    const Do = 130 / 10;
    const De = (2 * (3 * 4 * 1 + 3 * 3 * 81 + 4 * 3 * 64)) / 90;
    expect(krippendorffAlpha(prepare(t), t.counts, 'interval').value).toBeCloseTo(1 - Do / De, 12);
  });

  it('ratio data cannot be negative: -1 and +1 are an error, not "identical" (alpha 1.00)', () => {
    expect(
      problems(
        [
          ['-1', '1'],
          ['1', '-1'],
          ['2', '2'],
        ],
        'ratio',
      ).join(),
    ).toMatch(/ratio data cannot be negative: -1/);
  });

  it('ratio alpha with zeros, by hand: δ(0, k) = ((0 − k)/(0 + k))² = 1', () => {
    const rows = [
      ['0', '0'],
      ['0', '2'],
      ['2', '2'],
      ['4', '2'],
    ];
    const parsed = ratingsFromRows(rows, 2, { level: 'ratio' });
    const t = toPatterns(parsed.ratings!);
    // Pairs: (0,2) both orders: δ = 1; (4,2) both orders: δ = (2/6)² = 1/9. D_o = (2 + 2/9) / 8.
    // Marginals: 0: 3, 2: 4, 4: 1. D_e = 2 (3·4·1 + 3·1·1 + 4·1·(1/9)) / (8·7).
    const Do = (2 + 2 / 9) / 8;
    const De = (2 * (12 + 3 + 4 / 9)) / 56;
    expect(krippendorffAlpha(prepare(t), t.counts, 'ratio').value).toBeCloseTo(1 - Do / De, 12);
  });

  it('duplicate --categories are an error, also when they spell one number twice', () => {
    expect(problems(K, 'ordinal', ['1', '2', '2', '3', '4', '5']).join()).toMatch(/'2' is declared twice/);
    expect(problems(K, 'ordinal', ['1', '1.0', '2', '3', '4', '5']).join()).toMatch(/'1' is declared twice \('1' and '1.0' are the same value\)/);
    expect(problems(K, 'interval', ['low=1', 'mid=x']).join()).toMatch(/'x' is not a number/);
  });

  it('values outside the declared scale are named with their row', () => {
    const r = ratingsFromRows(
      [
        ['1', '2'],
        ['3', '9'],
      ],
      2,
      { level: 'nominal', categories: ['1', '2', '3'] },
    );
    expect(r.problems[0]).toMatchObject({ row: 1, column: 1, message: "value '9' is not one of the declared --categories (1, 2, 3)" });
  });

  it('the first five values outside the declared scale are named, in the order of the cells (row by row), the rest counted out', () => {
    // Cells (row, column) holding an undeclared value: (0,1) x, (1,0) y, (1,1) x, (2,1) z, (3,0) w, (3,1) v, (4,0) u.
    const rows = [
      ['1', 'x'],
      ['y', 'x'],
      ['2', 'z'],
      ['w', 'v'],
      ['u', ''],
    ];
    const r = ratingsFromRows(rows, 2, { level: 'nominal', categories: ['1', '2'] });
    const named = r.problems.filter((p) => p.message.includes('is not one of the declared'));
    expect(named.map((p) => [p.row, p.column, p.message.match(/value '(.)'/)![1]])).toEqual([
      [0, 1, 'x'],
      [1, 0, 'y'],
      [1, 1, 'x'],
      [2, 1, 'z'],
      [3, 0, 'w'],
    ]);
  });

  it('labels that differ only in case are noted', () => {
    expect(
      ratingsFromRows(
        [
          ['Yes', 'yes'],
          ['no', 'no'],
        ],
        2,
        { level: 'nominal' },
      ).notes.join(),
    ).toMatch(/'Yes' and 'yes' differ only in case/);
  });
});

describe('set-valued cells', () => {
  it('are nominal: a set at an ordered level is an error', () => {
    expect(problems([['a;b', 'a']], 'ordinal').join()).toMatch(/set-valued cells .* are nominal data/);
  });
  it('{} is the empty set; members are compared as sets (order and spaces do not matter)', () => {
    const parsed = ratingsFromRows(
      [
        ['a; b', 'b;a'],
        ['{}', '{}'],
        ['a', '{}'],
      ],
      2,
      { level: 'nominal' },
    );
    expect(parsed.sets).toBe(true);
    expect(parsed.ratings!.categories).toEqual(['a', 'a;b', '{}']);
    expect(parsed.ratings!.values[0]).toBe(parsed.ratings!.values[1]);
  });
});

describe('unit ids in the first column', () => {
  it('an id-like header, or all-distinct values the other columns never use, looks like ids', () => {
    expect(looksLikeUnitIds(['Units', 'Rater1', 'Rater2'], [['1', '1', '1']])).toMatch(/header is 'Units'/);
    expect(looksLikeUnitIds(['id', 'a', 'b'], [])).toBeDefined();
    const rows = Array.from({ length: 12 }, (_, i) => [String(i + 1), String((i % 5) + 1), String((i % 4) + 1)]);
    expect(looksLikeUnitIds(['n', 'a', 'b'], rows)).toMatch(/12 values are all different and 7 of them appear in no other column/);
  });
  it("a coder's column does not", () => {
    expect(looksLikeUnitIds(['A', 'B', 'C', 'D'], K)).toBeUndefined();
  });
});

describe('counts, contingency and weights tables', () => {
  it('counts must be whole numbers of coders; a unit nobody rated is left out and noted', () => {
    expect(countsTable(['a', 'b'], [['1', '1.5']], { unitIds: false }).problems[0]!.message).toMatch(/'1.5' is not a count/);
    const r = countsTable(
      ['a', 'b'],
      [
        ['2', '0'],
        ['0', '0'],
        ['1', '1'],
      ],
      { unitIds: false },
    );
    expect(r.notes).toEqual(['1 unit with no rating left out']);
    expect(r.table!.counts.reduce((a, b) => a + b, 0)).toBe(2);
  });
  it('a contingency table is square with the same categories down and across', () => {
    expect(contingencyTable(['', 'a', 'b'], [['a', '1', '2']], {}).problems[0]!.message).toMatch(/2 categories across but 1 rows down/);
    expect(
      contingencyTable(
        ['', 'a', 'b'],
        [
          ['b', '1', '2'],
          ['a', '3', '4'],
        ],
        {},
      ).problems[0]!.message,
    ).toMatch(/row 1 is 'b' but column 1 is 'a'/);
  });
  it('proportions need --n; counts refuse --n; proportions that do not sum to 1 are an error', () => {
    expect(
      contingencyTable(
        ['', 'a', 'b'],
        [
          ['a', '0.4', '0.1'],
          ['b', '0.1', '0.4'],
        ],
        {},
      ).problems[0]!.message,
    ).toMatch(/look like proportions .* --n/);
    expect(
      contingencyTable(
        ['', 'a', 'b'],
        [
          ['a', '4', '1'],
          ['b', '1', '4'],
        ],
        { n: 10 },
      ).problems[0]!.message,
    ).toMatch(/--n 10 is for a table of proportions/);
    expect(
      contingencyTable(
        ['', 'a', 'b'],
        [
          ['a', '0.4', '0.1'],
          ['b', '0.1', '0.2'],
        ],
        { n: 10 },
      ).problems[0]!.message,
    ).toMatch(/sum to 0.8/);
    const rounded = contingencyTable(
      ['', 'a', 'b'],
      [
        ['a', '0.40', '0.10'],
        ['b', '0.10', '0.39'],
      ],
      { n: 100 },
    );
    expect(rounded.notes[0]).toMatch(/sum to 0.99; each was divided by that sum/);
  });
  it('the corner cell A\\B names the two coders', () => {
    expect(
      contingencyTable(
        ['alice\\ben', 'a', 'b'],
        [
          ['a', '4', '1'],
          ['b', '1', '4'],
        ],
        {},
      ).coders,
    ).toEqual(['alice', 'ben']);
  });
  it("custom weights: 1 on the diagonal, from 0 to 1, the data's categories; a custom matrix gives weighted kappa by hand", () => {
    expect(
      weightsTable(
        ['', 'a', 'b'],
        [
          ['a', '1', '0.5'],
          ['b', '0.5', '0.9'],
        ],
        ['a', 'b'],
      ).problems[0]!.message,
    ).toMatch(/weight of b with itself is 0.9/);
    expect(
      weightsTable(
        ['', 'a', 'c'],
        [
          ['a', '1', '0'],
          ['c', '0', '1'],
        ],
        ['a', 'b'],
      ).problems[0]!.message,
    ).toMatch(/'c' is not a category/);
    expect(
      weightsTable(
        ['', 'a', 'b'],
        [
          ['a', '1', '2'],
          ['b', '0', '1'],
        ],
        ['a', 'b'],
      ).problems[0]!.message,
    ).toMatch(/weight '2' is not a number from 0 to 1/);
    // Asymmetric weights on the Wikipedia 2 x 2 table (A yes/B yes 20, yes/no 5, no/yes 10, no/no 15):
    // w(yes, no) = 0.5, w(no, yes) = 0. po = (20 + 15)/50 + 0.5 · 5/50 = 0.75; pe = Σ w p_A p_B with
    // p_A = (0.5, 0.5), p_B = (0.6, 0.4): 0.5·0.6 + 0.5·0.4 + 0.5·0.5·0.4 = 0.6; kappa_w = (0.75 − 0.6)/0.4 = 0.375.
    const t = contingencyTable(
      ['', 'yes', 'no'],
      [
        ['yes', '20', '5'],
        ['no', '10', '15'],
      ],
      {},
    ).table!;
    const W = weightsTable(
      ['', 'yes', 'no'],
      [
        ['yes', '1', '0.5'],
        ['no', '0', '1'],
      ],
      t.categories,
    ).weights!;
    expect(cohenKappa(prepare(t), t.counts, W).value).toBeCloseTo(0.375, 12);
  });
});
