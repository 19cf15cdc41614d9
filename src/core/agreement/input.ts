import { declaredCategories, isMissingValue, numberOf, type ValueProblem } from './values.js';
import { MISSING, type PatternTable } from './table.js';
import { append } from '../arrays.js';

/**
 * The other shapes reliability data come in, read from rows of cells (the CLI reads the files):
 * counts tables (units x categories: how many coders chose each category), two-coder contingency
 * tables (counts or proportions), and custom agreement-weight matrices. Also: whether a first
 * column holds unit ids rather than a coder's values.
 */

const ID_HEADER = /^(ids?|units?|items?|subjects?|cases?|rows?|#|no\.?|n°)$/i;

/**
 * Whether the first column of a units x coders matrix looks like unit ids: an id-like header
 * (id, unit, item, subject, case), or values that are all distinct, present, and mostly never used
 * by the other columns (row numbers, codes like u1, u2).
 */
export function looksLikeUnitIds(header: readonly string[], body: ReadonlyArray<ReadonlyArray<string>>): string | undefined {
  return looksLikeUnitIdsIn(header, { rows: body.length, width: (u) => body[u]!.length, cell: (u, c) => body[u]![c] ?? '' });
}

/** Rows of cells, read through accessors (interned rows: text/delimited.ts). */
export interface CellRows {
  rows: number;
  width: (u: number) => number;
  cell: (u: number, c: number) => string;
}

/**
 * Why the first column looks like unit ids by its header alone, or undefined: all `looksLikeUnitIds`
 * can say of rows whose first column repeats a value (a column of ids repeats none).
 */
export function idHeader(header: readonly string[]): string | undefined {
  const name = (header[0] ?? '').trim();
  return ID_HEADER.test(name) ? `its header is '${name}'` : undefined;
}

/** `looksLikeUnitIds` on rows given by accessors. */
export function looksLikeUnitIdsIn(header: readonly string[], body: CellRows): string | undefined {
  const named = idHeader(header);
  if (named) return named;
  if (body.rows < 3 || header.length < 3) return undefined;
  const first = new Set<string>();
  for (let u = 0; u < body.rows; u++) {
    const v = body.cell(u, 0).trim();
    // A missing value or a repeated one: not ids.
    if (isMissingValue(v) || first.has(v)) return undefined;
    first.add(v);
  }
  const others = new Set<string>();
  const keys = new Map<string, string>();
  const keyOf = (v: string): string => {
    let k = keys.get(v);
    if (k === undefined) keys.set(v, (k = key(v)));
    return k;
  };
  for (let u = 0; u < body.rows; u++) {
    for (let c = 1; c < body.width(u); c++) {
      const v = body.cell(u, c).trim();
      if (!isMissingValue(v)) others.add(keyOf(v));
    }
  }
  let foreign = 0;
  for (const v of first) if (!others.has(key(v))) foreign++;
  return foreign * 2 > first.size ? `its ${first.size} values are all different and ${foreign} of them appear in no other column` : undefined;
}

const key = (v: string): string => {
  const n = numberOf(v);
  return n === undefined ? `t:${v}` : `n:${n}`;
};

export interface ReadTable {
  table?: PatternTable;
  problems: ValueProblem[];
  notes: string[];
  /** Coder names (contingency tables: from the corner cell `A\B`, else rows and columns). */
  coders?: string[];
}

function categoryHeader(names: readonly string[], problems: ValueProblem[]): { labels: string[]; numeric?: Float64Array } {
  const labels = names.map((h) => h.trim());
  labels.forEach((l, i) => {
    if (l === '') problems.push({ row: -1, column: i, message: `column ${i + 1} of the header has no name`, hint: 'name every category column (a trailing comma adds an empty one)' });
  });
  const { categories, problems: p } = declaredCategories(labels.filter((l) => l !== ''));
  append(
    problems,
    p.map((x) => ({ ...x, row: -1, message: x.message.replace('--categories', 'header') })),
  );
  const numeric = categories.length === labels.length && categories.every((c) => c.value !== undefined) ? Float64Array.from(categories.map((c) => c.value!)) : undefined;
  return { labels: categories.map((c) => c.label), ...(numeric ? { numeric } : {}) };
}

/**
 * A counts table: header row of categories; each row a unit, each cell how many coders put it in
 * that category (irrCAC's "distribution of raters by subject and category"). Coders are not
 * identified, so only coefficients that treat them as interchangeable apply.
 */
export function countsTable(header: readonly string[], body: ReadonlyArray<ReadonlyArray<string>>, opts: { unitIds: boolean }): ReadTable {
  const problems: ValueProblem[] = [];
  const notes: string[] = [];
  const skip = opts.unitIds ? 1 : 0;
  const { labels, numeric } = categoryHeader(header.slice(skip), problems);
  const q = labels.length;
  if (q < 2) problems.push({ row: -1, message: 'a counts table needs two or more category columns' });
  if (problems.length) return { problems, notes };
  const rows: number[][] = [];
  let empty = 0;
  body.forEach((r, u) => {
    const cells = r.slice(skip);
    if (cells.length > q && cells.slice(q).some((c) => c.trim() !== '')) {
      problems.push({ row: u, message: `${cells.length} cells but ${q} categories in the header` });
      return;
    }
    const counts: number[] = [];
    for (let k = 0; k < q; k++) {
      const raw = (cells[k] ?? '').trim();
      const n = raw === '' ? 0 : numberOf(raw);
      if (n === undefined || !Number.isInteger(n) || n < 0) {
        problems.push({ row: u, column: k + skip, message: `'${raw}' is not a count (a whole number of coders, 0 or more)` });
        return;
      }
      counts.push(n);
    }
    const total = counts.reduce((a, b) => a + b, 0);
    if (total === 0) empty++;
    else rows.push(counts);
  });
  if (empty > 0) notes.push(`${empty} unit${empty === 1 ? '' : 's'} with no rating left out`);
  if (problems.length) return { problems, notes };
  const coders = Math.max(2, ...rows.map((c) => c.reduce((a, b) => a + b, 0)));
  const index = new Map<string, number>();
  const tuples: number[] = [];
  const counts: number[] = [];
  for (const c of rows) {
    const k = c.join(',');
    let p = index.get(k);
    if (p === undefined) {
      p = counts.length;
      index.set(k, p);
      const tuple: number[] = [];
      c.forEach((n, cat) => {
        for (let i = 0; i < n; i++) tuple.push(cat);
      });
      while (tuple.length < coders) tuple.push(MISSING);
      append(tuples, tuple);
      counts.push(0);
    }
    counts[p]!++;
  }
  return {
    table: { coders, q, tuples: Int32Array.from(tuples), counts: Float64Array.from(counts), numeric: numeric ?? Float64Array.from(labels.map((_, i) => i)), hasNumbers: numeric !== undefined, ordered: true, categories: labels },
    problems,
    notes,
  };
}

/**
 * A two-coder contingency table: the corner cell (optionally `A\B` naming the coders), the
 * categories across, the same categories down; cells are unit counts, or proportions with n.
 */
export function contingencyTable(header: readonly string[], body: ReadonlyArray<ReadonlyArray<string>>, opts: { n?: number }): ReadTable {
  const problems: ValueProblem[] = [];
  const notes: string[] = [];
  const corner = (header[0] ?? '').trim();
  const { labels, numeric } = categoryHeader(header.slice(1), problems);
  const q = labels.length;
  if (problems.length) return { problems, notes };
  if (body.length !== q) problems.push({ row: -1, message: `${q} categories across but ${body.length} rows down: a contingency table is square`, hint: "rows: the first coder's categories; columns: the second coder's, in the same order" });
  const cells: number[] = [];
  body.forEach((r, i) => {
    const label = (r[0] ?? '').trim();
    if (i < q && key(label) !== key(labels[i]!)) {
      problems.push({ row: i, column: 0, message: `row ${i + 1} is '${label}' but column ${i + 1} is '${labels[i]}'`, hint: 'list the categories in the same order down and across' });
    }
    for (let k = 0; k < q; k++) {
      const raw = (r[k + 1] ?? '').trim();
      const x = raw === '' ? 0 : numberOf(raw);
      if (x === undefined || x < 0) problems.push({ row: i, column: k + 1, message: `'${raw}' is not a count or a proportion` });
      cells.push(x ?? 0);
    }
  });
  if (problems.length) return { problems, notes };
  const sum = cells.reduce((a, b) => a + b, 0);
  const integers = cells.every((x) => Number.isInteger(x));
  let counts = cells;
  if (opts.n !== undefined) {
    if (integers && sum > 1.5) problems.push({ row: -1, message: `--n ${opts.n} is for a table of proportions; these cells are counts (they sum to ${sum})`, hint: 'drop --n' });
    else if (Math.abs(sum - 1) > 0.02) problems.push({ row: -1, message: `the proportions sum to ${sum}, not 1`, hint: 'give proportions of all units (they sum to 1), or counts without --n' });
    else {
      if (Math.abs(sum - 1) > 1e-9) notes.push(`the proportions sum to ${sum}; each was divided by that sum so that they sum to 1`);
      counts = cells.map((x) => (x / sum) * opts.n!);
    }
  } else if (!integers) {
    problems.push({ row: -1, message: sum > 0.98 && sum < 1.02 ? 'these look like proportions (they sum to 1): give the number of units with --n' : 'cells must be whole numbers of units (or proportions with --n)', hint: 'e.g. --n 100' });
  }
  if (problems.length) return { problems, notes };
  const tuples: number[] = [];
  const out: number[] = [];
  for (let a = 0; a < q; a++)
    for (let b = 0; b < q; b++) {
      const c = counts[a * q + b]!;
      if (c === 0) continue;
      tuples.push(a, b);
      out.push(c);
    }
  const names = /^(.+?)\s*[\\/]\s*(.+)$/.exec(corner);
  return {
    table: { coders: 2, q, tuples: Int32Array.from(tuples), counts: Float64Array.from(out), numeric: numeric ?? Float64Array.from(labels.map((_, i) => i)), hasNumbers: numeric !== undefined, ordered: true, categories: labels },
    problems,
    notes,
    coders: names ? [names[1]!, names[2]!] : ['rows', 'columns'],
  };
}

/**
 * A custom agreement-weight matrix: the corner cell, categories across and down (the data's
 * categories, any order), weights from 0 to 1 with 1 on the diagonal. Returned in the data's order.
 */
export function weightsTable(header: readonly string[], body: ReadonlyArray<ReadonlyArray<string>>, categories: readonly string[]): { weights?: Float64Array; problems: ValueProblem[] } {
  const problems: ValueProblem[] = [];
  const across = header.slice(1).map((h) => h.trim());
  const q = categories.length;
  const keyOf = (v: string): string => key(v.trim());
  const at = new Map(categories.map((c, i) => [keyOf(c), i]));
  const colAt = across.map((h) => at.get(keyOf(h)));
  across.forEach((h, i) => {
    if (colAt[i] === undefined) problems.push({ row: -1, column: i + 1, message: `'${h}' is not a category of the data (${categories.join(', ')})` });
  });
  if (new Set(colAt).size !== colAt.length) problems.push({ row: -1, message: 'a category appears twice across the header' });
  if (across.length !== q) problems.push({ row: -1, message: `${across.length} categories across, but the data have ${q}`, hint: `list every category: ${categories.join(', ')}` });
  if (problems.length) return { problems };
  const W = new Float64Array(q * q).fill(NaN);
  body.forEach((r, i) => {
    const label = (r[0] ?? '').trim();
    const k = at.get(keyOf(label));
    if (k === undefined) {
      problems.push({ row: i, column: 0, message: `'${label}' is not a category of the data` });
      return;
    }
    across.forEach((_, j) => {
      const raw = (r[j + 1] ?? '').trim();
      const x = numberOf(raw);
      if (x === undefined || x < 0 || x > 1) problems.push({ row: i, column: j + 1, message: `weight '${raw}' is not a number from 0 to 1` });
      else W[k * q + colAt[j]!] = x;
    });
  });
  if (problems.length) return { problems };
  for (let k = 0; k < q; k++) {
    for (let l = 0; l < q; l++) if (Number.isNaN(W[k * q + l]!)) problems.push({ row: -1, message: `no weight for ${categories[k]} x ${categories[l]}`, hint: 'give a full square matrix' });
    if (W[k * q + k] !== 1) problems.push({ row: -1, message: `the weight of ${categories[k]} with itself is ${W[k * q + k]}, not 1`, hint: 'agreement weights are 1 on the diagonal (full agreement)' });
  }
  return problems.length ? { problems } : { weights: W, problems };
}
