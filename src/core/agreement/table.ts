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

/** Units grouped by sampling unit: cluster g holds the (pattern, weight) entries start[g]..start[g+1]. */
export interface Clusters {
  start: Int32Array;
  pattern: Int32Array;
  weight: Float64Array;
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
 * Several reliability data sets with the same coders and categories as one (e.g. every code's,
 * pooled over codes): units stay distinct, and units with the same cluster id in different sets
 * belong to the same sampling unit (the same segment seen for every code).
 */
export function toPatternsMany(list: readonly Ratings[]): PatternTable {
  const first = list[0];
  if (!first) throw new Error('no reliability data');
  const coders = first.coders;
  const q = first.categories.length;
  const base = q + 1;
  // Keys fit in a double exactly while base^coders < 2^53; otherwise fall back to string keys.
  const numericKeys = Math.pow(base, coders) < Number.MAX_SAFE_INTEGER;
  const index = new Map<number | string, number>();
  const tuples: number[] = [];
  const counts: number[] = [];
  const clustered = list.length > 1 || list.some((r) => r.weights || r.clusters);
  // (cluster, pattern) -> weight, in order of first appearance.
  const entries = new Map<number | string, number>();
  const entryKey = (cluster: number, p: number): number | string => (p < 65536 && cluster < 2 ** 36 ? cluster * 65536 + p : `${cluster},${p}`);
  const entryOrder: Array<[number, number]> = [];
  let nextAnonymous = 0;
  for (const r of list) {
    if (r.coders !== coders || r.categories.length !== q) throw new Error('reliability data sets differ in coders or categories');
    const offset = nextAnonymous;
    for (let u = 0; u < r.units; u++) {
      const o = u * coders;
      let key: number | string;
      if (numericKeys) {
        let k = 0;
        for (let c = 0; c < coders; c++) k = k * base + (r.values[o + c]! + 1);
        key = k;
      } else key = Array.from(r.values.subarray(o, o + coders)).join(',');
      let p = index.get(key);
      if (p === undefined) {
        p = counts.length;
        index.set(key, p);
        for (let c = 0; c < coders; c++) tuples.push(r.values[o + c]!);
        counts.push(0);
      }
      const w = r.weights ? r.weights[u]! : 1;
      counts[p] = counts[p]! + w;
      if (clustered) {
        const cluster = r.clusters ? r.clusters[u]! : offset + u;
        const ek = entryKey(cluster, p);
        const had = entries.get(ek);
        if (had === undefined) entryOrder.push([cluster, p]);
        entries.set(ek, (had ?? 0) + w);
      }
    }
    if (!r.clusters) nextAnonymous += r.units;
  }
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
    const clusters = buildClusters(entryOrder, (c, p) => entries.get(entryKey(c, p))!);
    if (!trivial(clusters)) table.clusters = clusters;
  }
  return table;
}

function buildClusters(order: ReadonlyArray<[number, number]>, weightOf: (cluster: number, p: number) => number): Clusters {
  // Clusters in order of id, entries in order of first appearance within each.
  const byCluster = new Map<number, Array<[number, number]>>();
  for (const [cluster, p] of order) {
    let list = byCluster.get(cluster);
    if (!list) byCluster.set(cluster, (list = []));
    list.push([p, weightOf(cluster, p)]);
  }
  const ids = [...byCluster.keys()].sort((a, b) => a - b);
  const start = new Int32Array(ids.length + 1);
  const n = order.length;
  const pattern = new Int32Array(n);
  const weight = new Float64Array(n);
  let k = 0;
  ids.forEach((id, g) => {
    start[g] = k;
    for (const [p, w] of byCluster.get(id)!) {
      pattern[k] = p;
      weight[k] = w;
      k++;
    }
  });
  start[ids.length] = k;
  return { start, pattern, weight };
}

/** Every cluster one unit of weight 1: the same as no clusters. */
function trivial(c: Clusters): boolean {
  const G = c.start.length - 1;
  if (c.pattern.length !== G) return false;
  for (let i = 0; i < c.weight.length; i++) if (c.weight[i] !== 1) return false;
  return true;
}

/** Number of sampling units (clusters, or units when there are none) with weight among the given patterns. */
export function samplingUnits(t: PatternTable, include: (p: number) => boolean): number {
  if (!t.clusters) {
    let n = 0;
    for (let p = 0; p < t.counts.length; p++) if (include(p)) n += t.counts[p]!;
    return n;
  }
  const { start, pattern, weight } = t.clusters;
  let g = 0;
  for (let c = 0; c + 1 < start.length; c++) {
    for (let i = start[c]!; i < start[c + 1]!; i++) {
      if (weight[i]! > 0 && include(pattern[i]!)) {
        g++;
        break;
      }
    }
  }
  return g;
}
