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
  /** Pattern of each unit (for resampling units). */
  patternOf: Int32Array;
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
  return {
    coders,
    q,
    tuples: Int32Array.from(tuples),
    counts: Float64Array.from(counts),
    patternOf,
    numeric: r.numeric ?? Float64Array.from(r.categories.map((_, i) => i)),
    categories: r.categories,
  };
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
