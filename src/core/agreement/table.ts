/**
 * Reliability data: units x coders, each cell a category index (0..q-1) or missing (-1), as one
 * typed array. Units with the same values for every coder are interchangeable for every agreement
 * coefficient, so the data are compressed into distinct *patterns* with counts; coefficients and
 * bootstrap resamples then work on at most a few thousand patterns, not on a million units.
 *
 * When units are not sampled independently (the characters of one segment, the codes of one
 * segment pooled over codes), they belong to *sampling units* (clusters): the bootstrap draws
 * clusters and the standard errors take one term per cluster.
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
  /** Numeric value of each category (numbers, or a declared mapping); absent for text labels. */
  numeric?: Float64Array;
  /** The categories have a meaningful order (numbers, or declared with --categories). */
  ordered?: boolean;
  /** Optional weight per unit (default 1), e.g. characters for character-level agreement. */
  weights?: Float64Array;
  /** Optional sampling unit of each unit (ids from 0); default: every unit is its own. */
  clusters?: Int32Array;
}

/**
 * Units grouped by sampling unit. Sampling units with the same (pattern, weight) entries are
 * interchangeable, like units with the same values: each distinct kind g is stored once, with the
 * entries start[g]..start[g+1] and the number of sampling units of that kind, count[g].
 */
export interface Clusters {
  start: Int32Array;
  pattern: Int32Array;
  weight: Float64Array;
  count: Float64Array;
}

export interface PatternTable {
  coders: number;
  q: number;
  /** Distinct rows: pattern p's values are tuples[p * coders + c]. */
  tuples: Int32Array;
  /** Total weight (units) with each pattern. */
  counts: Float64Array;
  /** Present when units are not their own sampling units (weighted units, or clustered units). */
  clusters?: Clusters;
  /** Numeric value of each category: the declared or read numbers, else the category's index. */
  numeric: Float64Array;
  /** Whether `numeric` holds real numbers (not just indices). */
  hasNumbers: boolean;
  ordered: boolean;
  categories: string[];
}

/** Compress units into distinct value patterns (insertion order: deterministic). */
export function toPatterns(r: Ratings): PatternTable {
  return toPatternsMany([r]);
}

/**
 * `toPatterns` of the units `r` stands for when its unit u stands for count[u] identical units, each
 * its own sampling unit (a reading of distinct rows: text/delimited.ts, internDistinctRows), with
 * units standing for the same values in order of first appearance: the same table (patterns in the
 * same order, the same counts) as `toPatterns` of every unit written out.
 */
export function toPatternsCounted(r: Ratings, count: Float64Array): PatternTable {
  if (r.weights || r.clusters || count.length !== r.units) throw new Error('toPatternsCounted: unweighted units, one count each');
  return toPatternsMany([r], count);
}

/**
 * Several reliability data sets over the same units (e.g. every code's, pooled over codes) as one:
 * every (unit, data set) is a unit of its own, and a unit's values in every data set belong to the
 * same sampling unit (its cluster, or the unit itself): the same segment seen for every code.
 * `repeats` (one data set of unweighted units only): unit u stands for repeats[u] units (toPatternsCounted).
 */
export function toPatternsMany(list: readonly Ratings[], repeats?: Float64Array): PatternTable {
  const first = list[0];
  if (!first) throw new Error('no reliability data');
  if (repeats && (list.length > 1 || first.weights || first.clusters)) throw new Error('repeated units: one data set of unweighted units (toPatternsCounted)');
  const coders = first.coders;
  const q = first.categories.length;
  const N = first.units;
  for (const r of list) if (r.coders !== coders || r.categories.length !== q || r.units !== N) throw new Error('reliability data sets differ in coders, categories or units');
  const base = q + 1;
  // Pattern keys: a direct table for small key spaces, a map of numbers (exact while base^coders < 2^53), else strings.
  const space = Math.pow(base, coders);
  const direct = space <= 1 << 16 ? new Int32Array(space).fill(-1) : undefined;
  const numericKeys = space < Number.MAX_SAFE_INTEGER;
  const index = new Map<number | string, number>();
  const tuples: number[] = [];
  const counts: number[] = [];
  const patternAt = (values: Int32Array, u: number): number => {
    const o = u * coders;
    let p: number | undefined;
    if (numericKeys) {
      let k = 0;
      for (let c = 0; c < coders; c++) k = k * base + (values[o + c]! + 1);
      p = direct ? direct[k]! : index.get(k);
      if (p === undefined || p < 0) {
        p = counts.length;
        if (direct) direct[k] = p;
        else index.set(k, p);
      }
    } else {
      const key = Array.from(values.subarray(o, o + coders)).join(',');
      p = index.get(key);
      if (p === undefined) {
        p = counts.length;
        index.set(key, p);
      }
    }
    if (p === counts.length) {
      for (let c = 0; c < coders; c++) tuples.push(values[o + c]!);
      counts.push(0);
    }
    return p;
  };
  const clustered = list.length > 1 || list.some((r) => r.weights || r.clusters);
  const clusterIds = first.clusters;
  // Units in sampling-unit order (stable): clusters are runs of this order.
  let order: Int32Array | undefined;
  if (clusterIds) {
    order = Int32Array.from({ length: N }, (_, i) => i);
    let sorted = true;
    for (let i = 1; i < N; i++) if (clusterIds[i]! < clusterIds[i - 1]!) sorted = false;
    if (!sorted) order.sort((a, b) => clusterIds[a]! - clusterIds[b]! || a - b);
  }
  const kinds = new Map<string, number>();
  const kindStart: number[] = [0];
  const kindPattern: number[] = [];
  const kindWeight: number[] = [];
  const kindCount: number[] = [];
  // The current sampling unit's weight per pattern (dense, reset through the touched list).
  // Pattern ids are below the key space for small spaces; otherwise the array grows.
  let localW = new Float64Array(direct ? space : 1024);
  const touched: number[] = [];
  const flush = (): void => {
    if (touched.length === 0) return;
    touched.sort((a, b) => a - b);
    let key = '';
    for (const p of touched) key += `${p}:${localW[p]} `;
    const g = kinds.get(key);
    if (g !== undefined) kindCount[g]!++;
    else {
      kinds.set(key, kindCount.length);
      for (const p of touched) {
        kindPattern.push(p);
        kindWeight.push(localW[p]!);
      }
      kindStart.push(kindPattern.length);
      kindCount.push(1);
    }
    for (const p of touched) localW[p] = 0;
    touched.length = 0;
  };
  let previous: number | undefined;
  const L = list.length;
  for (let i = 0; i < N; i++) {
    const u = order ? order[i]! : i;
    if (clustered) {
      const cluster = clusterIds ? clusterIds[u]! : u;
      if (cluster !== previous) flush();
      previous = cluster;
    }
    // The hot loop (a million units x hundreds of codes when pooling): keys inlined for small key spaces.
    for (let j = 0; j < L; j++) {
      const r = list[j]!;
      let p: number;
      if (direct) {
        const values = r.values;
        const o = u * coders;
        let k = 0;
        for (let c = 0; c < coders; c++) k = k * base + (values[o + c]! + 1);
        p = direct[k]!;
        if (p < 0) p = patternAt(values, u);
      } else p = patternAt(r.values, u);
      // Whole numbers of units (repeats: toPatternsCounted) add up exactly, as many ones do.
      const w = r.weights ? r.weights[u]! : repeats ? repeats[u]! : 1;
      counts[p] = counts[p]! + w;
      if (clustered && w !== 0) {
        if (p >= localW.length) {
          const grown = new Float64Array(Math.max(p + 1, localW.length * 2));
          grown.set(localW);
          localW = grown;
        }
        if (localW[p] === 0) touched.push(p);
        localW[p]! += w;
      }
    }
  }
  if (clustered) flush();
  const numericGiven = first.numeric;
  const table: PatternTable = {
    coders,
    q,
    tuples: Int32Array.from(tuples),
    counts: Float64Array.from(counts),
    numeric: numericGiven ?? Float64Array.from(first.categories.map((_, i) => i)),
    hasNumbers: numericGiven !== undefined,
    ordered: first.ordered ?? numericGiven !== undefined,
    categories: first.categories,
  };
  if (clustered) {
    const clusters: Clusters = { start: Int32Array.from(kindStart), pattern: Int32Array.from(kindPattern), weight: Float64Array.from(kindWeight), count: Float64Array.from(kindCount) };
    if (!trivialClusters(clusters)) table.clusters = clusters;
  }
  return table;
}

/** Every sampling unit one unit of weight 1: the same as no clusters. */
export function trivialClusters(c: Clusters): boolean {
  for (let g = 0; g + 1 < c.start.length; g++) if (c.start[g + 1]! - c.start[g]! !== 1 || c.weight[c.start[g]!] !== 1) return false;
  return true;
}

/** Number of sampling units (clusters, or units when there are none) with weight among the given patterns. */
export function samplingUnits(t: PatternTable, include: (p: number) => boolean): number {
  if (!t.clusters) {
    let n = 0;
    for (let p = 0; p < t.counts.length; p++) if (include(p)) n += t.counts[p]!;
    return n;
  }
  const { start, pattern, weight, count } = t.clusters;
  let g = 0;
  for (let c = 0; c + 1 < start.length; c++) {
    for (let i = start[c]!; i < start[c + 1]!; i++) {
      if (weight[i]! > 0 && include(pattern[i]!)) {
        g += count[c]!;
        break;
      }
    }
  }
  return g;
}
