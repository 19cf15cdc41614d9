/**
 * Reliability data: units x coders, each cell a category index (0..q-1) or missing (-1), as one
 * typed array. Units with the same values for every coder are interchangeable for every agreement
 * coefficient, so the data are compressed into distinct *patterns* with counts; coefficients and
 * bootstrap resamples then work on at most a few thousand patterns, not on a million units.
 */
export const MISSING = -1;

export type Level = 'nominal' | 'ordinal' | 'interval' | 'ratio';

export interface Ratings {
  /** Number of coders (columns). */
  coders: number;
  /** Number of units (rows). */
  units: number;
  /** Row-major: cell (u, c) is values[u * coders + c]: a category index, or MISSING. */
  values: Int32Array;
  /** Category labels, in scale order (for ordinal data, their order matters). */
  categories: string[];
  /** Numeric value of each category (interval and ratio data); defaults to its index. */
  numeric?: Float64Array;
  /** Optional weight per unit (default 1), e.g. characters for character-level agreement. */
  weights?: Float64Array;
}

export interface PatternTable {
  coders: number;
  q: number;
  /** Distinct rows: pattern p's values are tuples[p * coders + c]. */
  tuples: Int32Array;
  /** Total weight (units) with each pattern. */
  counts: Float64Array;
  /** Pattern of each unit, kept only when units carry their own weights (for resampling them). */
  patternOf: Int32Array;
  /** Each unit's weight (characters), when units are weighted; their bootstrap draws units one by one. */
  unitWeights?: Float64Array;
  numeric: Float64Array;
  categories: string[];
}

/** Compress units into distinct value patterns (insertion order: deterministic). */
export function toPatterns(r: Ratings): PatternTable {
  const { coders, units, values } = r;
  const q = r.categories.length;
  const base = q + 1;
  const index = new Map<number, number>();
  const tuples: number[] = [];
  const counts: number[] = [];
  const patternOf = new Int32Array(units);
  // Keys fit in a double exactly while base^coders < 2^53; otherwise fall back to string keys.
  const numericKeys = Math.pow(base, coders) < Number.MAX_SAFE_INTEGER;
  const stringIndex = new Map<string, number>();
  for (let u = 0; u < units; u++) {
    const o = u * coders;
    let p: number | undefined;
    if (numericKeys) {
      let key = 0;
      for (let c = 0; c < coders; c++) key = key * base + (values[o + c]! + 1);
      p = index.get(key);
      if (p === undefined) {
        p = counts.length;
        index.set(key, p);
      }
    } else {
      const key = Array.from(values.subarray(o, o + coders)).join(',');
      p = stringIndex.get(key);
      if (p === undefined) {
        p = counts.length;
        stringIndex.set(key, p);
      }
    }
    if (p === counts.length) {
      for (let c = 0; c < coders; c++) tuples.push(values[o + c]!);
      counts.push(0);
    }
    counts[p] = counts[p]! + (r.weights ? r.weights[u]! : 1);
    patternOf[u] = p;
  }
  const table: PatternTable = {
    coders,
    q,
    tuples: Int32Array.from(tuples),
    counts: Float64Array.from(counts),
    patternOf: r.weights ? patternOf : new Int32Array(0),
    numeric: r.numeric ?? Float64Array.from(r.categories.map((_, i) => i)),
    categories: r.categories,
  };
  if (r.weights) table.unitWeights = r.weights;
  return table;
}

/**
 * Several tables with the same coders and categories as one (e.g. every code's, pooled): the same
 * pattern in two tables is one pattern with the summed count. Units stay distinct.
 */
export function mergePatterns(tables: readonly PatternTable[]): PatternTable {
  const first = tables[0];
  if (!first) throw new Error('nothing to merge');
  const index = new Map<string, number>();
  const tuples: number[] = [];
  const counts: number[] = [];
  const weighted = tables.some((t) => t.unitWeights);
  const patternOf: number[] = [];
  const unitWeights: number[] = [];
  for (const t of tables) {
    const map = new Int32Array(t.counts.length);
    for (let p = 0; p < t.counts.length; p++) {
      const tuple = t.tuples.subarray(p * t.coders, (p + 1) * t.coders);
      const key = tuple.join(',');
      let i = index.get(key);
      if (i === undefined) {
        i = counts.length;
        index.set(key, i);
        tuples.push(...tuple);
        counts.push(0);
      }
      counts[i] = counts[i]! + t.counts[p]!;
      map[p] = i;
    }
    if (weighted) {
      t.patternOf.forEach((p) => patternOf.push(map[p]!));
      unitWeights.push(...(t.unitWeights ?? new Float64Array(t.patternOf.length).fill(1)));
    }
  }
  const merged: PatternTable = { ...first, tuples: Int32Array.from(tuples), counts: Float64Array.from(counts), patternOf: Int32Array.from(patternOf) };
  delete merged.unitWeights;
  if (weighted) merged.unitWeights = Float64Array.from(unitWeights);
  return merged;
}

/**
 * Reliability data from rows of strings (units x coders): empty, "NA", "NaN", "." and "-" are
 * missing. Categories are the distinct values, in the declared order when given, else numeric
 * order when every value is a number, else first-seen order.
 */
export function ratingsFromRows(rows: ReadonlyArray<ReadonlyArray<string>>, coders: number, opts: { categories?: readonly string[] } = {}): { ratings: Ratings; unknown: Array<{ row: number; value: string }> } {
  const isMissing = (v: string): boolean => v === '' || /^(na|nan|n\/a|null|\.|-)$/i.test(v);
  const unknown: Array<{ row: number; value: string }> = [];
  let categories: string[];
  if (opts.categories) categories = [...opts.categories];
  else {
    const seen = new Set<string>();
    for (const row of rows) for (let c = 0; c < coders; c++) {
      const v = (row[c] ?? '').trim();
      if (!isMissing(v)) seen.add(v);
    }
    categories = [...seen];
    if (categories.every((v) => Number.isFinite(Number(v)))) categories.sort((a, b) => Number(a) - Number(b));
  }
  const at = new Map(categories.map((c, i) => [c, i]));
  const values = new Int32Array(rows.length * coders).fill(MISSING);
  rows.forEach((row, u) => {
    for (let c = 0; c < coders; c++) {
      const v = (row[c] ?? '').trim();
      if (isMissing(v)) continue;
      const i = at.get(v);
      if (i === undefined) unknown.push({ row: u, value: v });
      else values[u * coders + c] = i;
    }
  });
  const numeric = categories.every((v) => Number.isFinite(Number(v))) ? Float64Array.from(categories.map(Number)) : undefined;
  const ratings: Ratings = { coders, units: rows.length, values, categories };
  if (numeric) ratings.numeric = numeric;
  return { ratings, unknown };
}
