import { masiDistance } from './coefficients.js';
import { MISSING, type Level, type Ratings } from './table.js';
import { append } from '../arrays.js';

/**
 * Reliability values as a statistician reads them: numbers compare as numbers (`1` = `1.0` =
 * `1e0`), the usual missing-value tokens are missing, ordered levels need a declared order for
 * text labels, interval and ratio levels need numbers, and set-valued cells (`a;b`) are sets.
 */

/** Cells that mean "no value" (compared case-insensitively, after trimming). */
export const MISSING_TOKENS = ['', 'NA', 'N/A', 'n.a.', 'None', 'null', '#N/A', 'NaN', '.', '-', '?'] as const;
const MISSING_SET = new Set(MISSING_TOKENS.map((t) => t.toLowerCase()));

/** The empty set in set-valued data. */
export const EMPTY_SET = '{}';

export function isMissingValue(v: string): boolean {
  return MISSING_SET.has(v.trim().toLowerCase());
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number a cell spells (decimal point, optional exponent), or undefined for text. */
export function numberOf(v: string): number | undefined {
  const s = v.trim();
  if (!NUMBER.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** One category: how it is shown, its identity (numbers by value), and its number if it has one. */
export interface Category {
  label: string;
  key: string;
  value?: number;
}

function categoryOf(raw: string): Category {
  const s = raw.trim();
  const n = numberOf(s);
  // -0 and 0 are one number; String(-0) is "0".
  return n === undefined ? { label: s, key: `t:${s}` } : { label: String(n === 0 ? 0 : n), key: `n:${n === 0 ? 0 : n}`, value: n };
}

export interface ValueProblem {
  /** 0-based data row, when the problem is in one cell. */
  row?: number;
  column?: number;
  message: string;
  hint?: string;
}

export interface ValueOptions {
  level: Level;
  /** --categories: the declared scale in order; `label=number` gives a text label its value. */
  categories?: readonly string[];
}

export interface ParsedValues {
  ratings?: Ratings;
  /** Krippendorff's differences between categories (set-valued data: MASI distances). */
  differences?: Float64Array;
  /** Set-valued cells were read (categories are sets). */
  sets: boolean;
  problems: ValueProblem[];
  /** Things the user should know that change no value (printed on stderr). */
  notes: string[];
}

/** --categories into categories, checked: no duplicates, mappings are numbers. */
export function declaredCategories(tokens: readonly string[]): { categories: Category[]; problems: ValueProblem[] } {
  const problems: ValueProblem[] = [];
  const categories: Category[] = [];
  const seen = new Map<string, string>();
  for (const token of tokens) {
    const eq = token.lastIndexOf('=');
    let c: Category;
    if (eq > 0) {
      const label = token.slice(0, eq).trim();
      const value = numberOf(token.slice(eq + 1));
      if (value === undefined) {
        problems.push({ message: `--categories ${token}: '${token.slice(eq + 1)}' is not a number`, hint: 'give a text label its value as label=number, e.g. low=1,medium=2,high=3' });
        continue;
      }
      c = { ...categoryOf(label), value };
      if (numberOf(label) !== undefined && numberOf(label) !== value) problems.push({ message: `--categories ${token}: the number ${label} cannot stand for ${value}` });
    } else c = categoryOf(token);
    if (c.label === '') {
      problems.push({ message: '--categories: an empty category', hint: 'separate categories with single commas' });
      continue;
    }
    const before = seen.get(c.key);
    if (before !== undefined) {
      problems.push({ message: `--categories: '${c.label}' is declared twice${before !== token.trim() ? ` ('${before}' and '${token.trim()}' are the same value)` : ''}`, hint: 'declare each category once, in scale order' });
      continue;
    }
    seen.set(c.key, token.trim());
    categories.push(c);
  }
  const values = categories.filter((c) => c.value !== undefined).map((c) => c.value!);
  if (new Set(values).size !== values.length) problems.push({ message: '--categories: two categories have the same number', hint: 'each category needs its own value' });
  return { categories, problems };
}

/**
 * Reliability cells as ids into their distinct texts (text/delimited.ts): cell (u, c) is
 * values[ids[u * coders + c]] as written (it is trimmed here), or empty for −1. Deciding what a
 * text means (missing, a number, a label) is done once per distinct text, not once per cell.
 */
export interface CellIds {
  ids: Int32Array;
  values: readonly string[];
  units: number;
  coders: number;
}

/**
 * Reliability data from rows of strings (units x coders). Categories are the declared ones (in
 * their order) or the values seen: numbers in numeric order, then text labels in code-point order
 * (for nominal data order does not matter; ordered levels need numbers or --categories).
 */
export function ratingsFromRows(rows: ReadonlyArray<ReadonlyArray<string>>, coders: number, opts: ValueOptions): ParsedValues {
  const index = new Map<string, number>();
  const values: string[] = [];
  const ids = new Int32Array(rows.length * coders);
  for (let u = 0; u < rows.length; u++) {
    for (let c = 0; c < coders; c++) {
      const v = rows[u]![c] ?? '';
      let id = index.get(v);
      if (id === undefined) {
        id = values.length;
        index.set(v, id);
        values.push(v);
      }
      ids[u * coders + c] = id;
    }
  }
  return ratingsFromCells({ ids, values, units: rows.length, coders }, opts);
}

/** `ratingsFromRows` on cells given as ids (the same result, cell for cell). */
export function ratingsFromCells(cells: CellIds, opts: ValueOptions): ParsedValues {
  const problems: ValueProblem[] = [];
  const notes: string[] = [];
  const { ids, units, coders } = cells;
  const trimmed = cells.values.map((v) => v.trim());
  const text = (id: number): string => (id < 0 ? '' : trimmed[id]!);
  const missingOf = new Int8Array(cells.values.length).fill(-1);
  const isMissing = (id: number): boolean => {
    if (id < 0) return true;
    let x = missingOf[id]!;
    if (x < 0) missingOf[id] = x = isMissingValue(trimmed[id]!) ? 1 : 0;
    return x === 1;
  };
  // Each distinct text is looked at the first time it appears, in the order of the cells (row by row).
  const order = firstAppearances(ids, cells.values.length);
  const sets = order.some((id) => !isMissing(id) && (trimmed[id]!.includes(';') || trimmed[id] === EMPTY_SET));
  if (sets) {
    const rows = Array.from({ length: units }, (_, u) => Array.from({ length: coders }, (_, c) => text(ids[u * coders + c]!)));
    return setRatings(rows, coders, opts, problems, notes);
  }

  const declared = opts.categories ? declaredCategories(opts.categories) : undefined;
  if (declared) append(problems, declared.problems);
  const seen = new Map<string, Category>();
  const spellings = new Map<string, Set<string>>();
  for (const id of order) {
    if (isMissing(id)) continue;
    const v = trimmed[id]!;
    const cat = categoryOf(v);
    if (!seen.has(cat.key)) seen.set(cat.key, cat);
    if (cat.value !== undefined) {
      let s = spellings.get(cat.key);
      if (!s) spellings.set(cat.key, (s = new Set()));
      if (s.size < 4) s.add(v);
    }
  }
  for (const s of spellings.values()) if (s.size > 1) notes.push(`${[...s].map((x) => `'${x}'`).join(', ')} are the same number and count as one value`);
  let categories: Category[];
  if (declared) {
    categories = declared.categories;
  } else {
    const all = [...seen.values()];
    const numbers = all.filter((c) => c.value !== undefined).sort((a, b) => a.value! - b.value!);
    const labels = all.filter((c) => c.value === undefined).sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    categories = [...numbers, ...labels];
    const lower = new Map<string, string>();
    for (const c of labels) {
      const k = c.label.toLowerCase();
      if (lower.has(k)) notes.push(`'${lower.get(k)}' and '${c.label}' differ only in case: they count as different categories`);
      else lower.set(k, c.label);
    }
  }
  const ordered = declared !== undefined || categories.every((c) => c.value !== undefined);
  const textLabels = categories.filter((c) => c.value === undefined).map((c) => c.label);
  if (opts.level === 'ordinal' && !ordered) {
    problems.push({ message: `ordinal data with text labels (${textLabels.slice(0, 4).join(', ')}${textLabels.length > 4 ? ', …' : ''}) need their order`, hint: `declare it: --categories ${textLabels.slice(0, 3).join(',')}${textLabels.length > 3 ? ',…' : ''} (lowest first)` });
  }
  if ((opts.level === 'interval' || opts.level === 'ratio') && textLabels.length > 0) {
    problems.push({
      message: `${opts.level} data need numbers; ${textLabels
        .slice(0, 4)
        .map((l) => `'${l}'`)
        .join(', ')}${textLabels.length > 4 ? ', …' : ''} ${textLabels.length === 1 ? 'is' : 'are'} not`,
      hint: `give each label its value: --categories ${textLabels
        .slice(0, 3)
        .map((l, i) => `${l}=${i + 1}`)
        .join(',')}${textLabels.length > 3 ? ',…' : ''}`,
    });
  }
  const at = new Map(categories.map((c, i) => [c.key, i]));
  // Per distinct text: its category, MISSING, or UNKNOWN (not among the declared categories).
  const categoryIndex = new Int32Array(cells.values.length).fill(MISSING);
  for (const id of order) categoryIndex[id] = isMissing(id) ? MISSING : (at.get(categoryOf(trimmed[id]!).key) ?? UNKNOWN);
  const values = new Int32Array(units * coders);
  const unknownAt = cellCategories(ids, categoryIndex, values);
  for (const i of unknownAt.slice(0, 5)) {
    const u = Math.floor(i / coders);
    problems.push({ row: u, column: i - u * coders, message: `value '${trimmed[ids[i]!]!}' is not one of the declared --categories (${categories.map((x) => x.label).join(', ')})`, hint: 'declare every category the data use, or correct the value' });
  }
  const numeric = categories.every((c) => c.value !== undefined) ? Float64Array.from(categories.map((c) => c.value!)) : undefined;
  if (opts.level === 'ratio' && numeric) {
    const negative = categories.filter((c) => c.value! < 0);
    if (negative.length > 0) {
      const k = at.get(negative[0]!.key)!;
      const u = findRow(values, coders, k);
      problems.push({
        ...(u >= 0 ? { row: u } : {}),
        message: `ratio data cannot be negative: ${negative
          .slice(0, 4)
          .map((c) => c.label)
          .join(', ')}`,
        hint: 'ratio values have a true zero and no sign (counts, durations); use --level interval for signed values',
      });
    }
  }
  const ratings: Ratings = { coders, units, values, categories: categories.map((c) => c.label), ordered };
  if (numeric) ratings.numeric = numeric;
  return { ratings, sets: false, problems, notes };
}

function findRow(values: Int32Array, coders: number, k: number): number {
  for (let i = 0; i < values.length; i++) if (values[i] === k) return Math.floor(i / coders);
  return -1;
}

/** Cells are sets of labels (`a;b`, `{}` for the empty set): each distinct set is a category, MASI distances between them. */
function setRatings(rows: ReadonlyArray<ReadonlyArray<string>>, coders: number, opts: ValueOptions, problems: ValueProblem[], notes: string[]): ParsedValues {
  if (opts.level !== 'nominal') problems.push({ message: `set-valued cells (a;b) are nominal data, not ${opts.level}`, hint: 'drop --level, or give one value per cell' });
  const declared = opts.categories ? declaredCategories(opts.categories) : undefined;
  if (declared) append(problems, declared.problems);
  const allowed = declared ? new Map(declared.categories.map((c) => [c.key, c])) : undefined;
  const keys = new Map<string, number>();
  const members: Array<Set<string>> = [];
  const labels: string[] = [];
  const values = new Int32Array(rows.length * coders).fill(MISSING);
  let unknown = 0;
  for (let u = 0; u < rows.length; u++) {
    for (let c = 0; c < coders; c++) {
      const v = (rows[u]![c] ?? '').trim();
      if (isMissingValue(v)) continue;
      const parts = v === EMPTY_SET ? [] : v.split(';').map((x) => x.trim());
      if (parts.some((x) => x === '' || isMissingValue(x))) {
        problems.push({ row: u, column: c, message: `set '${v}' has an empty or missing member`, hint: `separate members with single semicolons; write ${EMPTY_SET} for the empty set` });
        continue;
      }
      const cats = new Map<string, Category>();
      for (const x of parts) {
        const cat = categoryOf(x);
        if (allowed && !allowed.has(cat.key)) {
          if (unknown++ < 5) problems.push({ row: u, column: c, message: `'${x}' in '${v}' is not one of the declared --categories` });
        }
        cats.set(cat.key, cat);
      }
      const sorted = [...cats.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const key = sorted.map((x) => x.key).join('\u0000');
      let k = keys.get(key);
      if (k === undefined) {
        k = members.length;
        keys.set(key, k);
        members.push(new Set(sorted.map((x) => x.key)));
        labels.push(sorted.length ? sorted.map((x) => x.label).join(';') : EMPTY_SET);
      }
      values[u * coders + c] = k;
    }
  }
  // Categories (sets) in a deterministic order: by label.
  const order = labels.map((_, i) => i).sort((a, b) => (labels[a]! < labels[b]! ? -1 : labels[a]! > labels[b]! ? 1 : 0));
  const rank = new Int32Array(order.length);
  order.forEach((old, i) => (rank[old] = i));
  for (let i = 0; i < values.length; i++) if (values[i]! >= 0) values[i] = rank[values[i]!]!;
  const q = order.length;
  const differences = new Float64Array(q * q);
  for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) differences[a * q + b] = masiDistance(members[order[a]!]!, members[order[b]!]!);
  notes.push(`set-valued cells: ${q} distinct sets; Krippendorff's alpha uses the MASI distance between sets, the other coefficients treat each distinct set as one category`);
  const ratings: Ratings = { coders, units: rows.length, values, categories: order.map((i) => labels[i]!), ordered: false };
  return { ratings, differences, sets: true, problems, notes };
}

/** The distinct ids of the cells (missing cells, −1, left out) in the order they first appear. */
function firstAppearances(ids: Int32Array, distinct: number): number[] {
  const seen = new Uint8Array(distinct);
  const order: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id >= 0 && seen[id] === 0) {
      seen[id] = 1;
      order.push(id);
    }
  }
  return order;
}

const UNKNOWN = -2;

/**
 * values[i] = the category of cell i (MISSING for a missing cell or text, and for a text not among
 * the declared categories); returns the cells of those (UNKNOWN), in cell order.
 */
function cellCategories(ids: Int32Array, categoryIndex: Int32Array, values: Int32Array): number[] {
  const unknown: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const k = id < 0 ? MISSING : categoryIndex[id]!;
    if (k === UNKNOWN) {
      unknown.push(i);
      values[i] = MISSING;
    } else values[i] = k;
  }
  return unknown;
}
