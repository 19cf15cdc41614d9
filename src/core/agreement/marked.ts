import { MISSING, trivialClusters, type Clusters, type PatternTable } from './table.js';

/**
 * Binary reliability data of codes on units (units.ts), kept by the units some coder marked.
 * Every other unit of a code has one of two patterns: every coder "not applied" (0), or, at waves
 * before the code's `since:`, every coder missing. Pattern tables are then counted by subtraction:
 * the same patterns, in the same order, with the same counts as `toPatterns` / `toPatternsMany`
 * (table.ts) on the full units x coders table, so every statistic is the same to the last bit;
 * without a table of every unit for every code (codes x units x coders cells).
 *
 * Only for units that are their own sampling units with weight 1 (segments, transcripts);
 * weighted units (characters) go through the full table (`materialise`).
 */
export interface MarkedSpace {
  coders: number;
  units: number;
  /** Wave index of each unit. */
  unitWave: Int32Array;
}

export interface MarkedCode {
  /** Units (ascending) where some coder applied the code, and who: marks[j * coders + r] is 1 when coder r applied it to units[j]. */
  units: Int32Array;
  marks: Uint8Array;
  /** Index of the code's first wave (`since:`): at earlier waves its units are missing for every coder. */
  from: number;
}

/** The marks unit by unit: for unit i, entries start[i]..start[i+1] give the code index (ascending) and the offset of its tuple in that code's marks. */
export interface MarkedByUnit {
  start: Int32Array;
  code: Int32Array;
  at: Int32Array;
}

/** The full table: values[u * coders + r] is 1 (applied), 0 (not) or MISSING (before `since:`). */
export function materialise(space: MarkedSpace, code: MarkedCode): Int32Array {
  const { coders: R, units: N, unitWave } = space;
  const values = new Int32Array(N * R);
  for (let i = 0; i < N; i++) if (unitWave[i]! < code.from) values.fill(MISSING, i * R, (i + 1) * R);
  for (let j = 0; j < code.units.length; j++) {
    const i = code.units[j]!;
    if (unitWave[i]! < code.from) continue;
    for (let r = 0; r < R; r++) values[i * R + r] = code.marks[j * R + r]!;
  }
  return values;
}

/** Per space and first wave: how many units lie at earlier waves, and the first of them (-1: none); counted once for all codes. */
const beforeOf = new WeakMap<MarkedSpace, Map<number, { before: number; firstBefore: number }>>();

/** Units before the code's `since:`, the first of them (-1: none), and the first unit at or after it that nobody marked (-1: none). */
function defaults(space: MarkedSpace, code: MarkedCode): { before: number; firstBefore: number; firstZero: number } {
  const { units: N, unitWave } = space;
  let known = beforeOf.get(space);
  if (!known) beforeOf.set(space, (known = new Map()));
  let counted = known.get(code.from);
  if (!counted) {
    counted = { before: 0, firstBefore: -1 };
    for (let i = 0; i < N; i++) {
      if (unitWave[i]! >= code.from) continue;
      counted.before++;
      if (counted.firstBefore < 0) counted.firstBefore = i;
    }
    known.set(code.from, counted);
  }
  let firstZero = -1;
  for (let i = 0, j = 0; i < N; i++) {
    if (unitWave[i]! < code.from) continue;
    while (j < code.units.length && code.units[j]! < i) j++;
    if (j < code.units.length && code.units[j] === i) continue;
    firstZero = i;
    break;
  }
  return { before: counted.before, firstBefore: counted.firstBefore, firstZero };
}

function tupleKey(marks: Uint8Array, o: number, R: number): string {
  let k = '';
  for (let r = 0; r < R; r++) k += marks[o + r] ? '1' : '0';
  return k;
}

function table(R: number, tuples: number[], counts: number[], clusters?: Clusters): PatternTable {
  const t: PatternTable = { coders: R, q: 2, tuples: Int32Array.from(tuples), counts: Float64Array.from(counts), numeric: Float64Array.from([0, 1]), hasNumbers: true, ordered: true, categories: ['0', '1'] };
  if (clusters && !trivialClusters(clusters)) t.clusters = clusters;
  return t;
}

/** One code's pattern table: `toPatterns` of its full table, counted by subtraction. */
export function codePatterns(space: MarkedSpace, code: MarkedCode): PatternTable {
  const R = space.coders;
  const { before, firstBefore, firstZero } = defaults(space, code);
  // Each pattern with the unit it first appears at, and its count.
  const seen = new Map<string, { first: number; tuple: number[]; count: number }>();
  let marked = 0;
  for (let j = 0; j < code.units.length; j++) {
    const i = code.units[j]!;
    if (space.unitWave[i]! < code.from) continue;
    marked++;
    const key = tupleKey(code.marks, j * R, R);
    const s = seen.get(key);
    if (s) s.count++;
    else seen.set(key, { first: i, tuple: Array.from(code.marks.subarray(j * R, (j + 1) * R)), count: 1 });
  }
  const all = [...seen.values()];
  if (firstZero >= 0) all.push({ first: firstZero, tuple: new Array<number>(R).fill(0), count: space.units - before - marked });
  if (firstBefore >= 0) all.push({ first: firstBefore, tuple: new Array<number>(R).fill(MISSING), count: before });
  all.sort((a, b) => a.first - b.first);
  const tuples: number[] = [];
  for (const p of all) for (const v of p.tuple) tuples.push(v);
  return table(
    R,
    tuples,
    all.map((p) => p.count),
  );
}

/**
 * Several codes' data pooled (every (unit, code) a unit, a unit's decisions on every code one
 * sampling unit): `toPatternsMany` of their full tables, counted by subtraction. `byUnit` lists the
 * marks unit by unit: for unit i, entries byUnit.start[i]..byUnit.start[i+1] give the code index
 * (ascending) and the offset of its tuple in codes[code].marks.
 */
export function pooledPatterns(space: MarkedSpace, codes: readonly MarkedCode[], byUnit: MarkedByUnit): PatternTable {
  const R = space.coders;
  const K = codes.length;
  if (K === 1) return codePatterns(space, codes[0]!);
  const N = space.units;
  // Codes in use (at or after `since:`) and not, per wave index.
  const waves = new Set(space.unitWave);
  const activeByWave = new Map<number, { active: Int32Array; inactive: Int32Array }>();
  for (const w of waves) {
    const active: number[] = [];
    const inactive: number[] = [];
    for (let k = 0; k < K; k++) (w < codes[k]!.from ? inactive : active).push(k);
    activeByWave.set(w, { active: Int32Array.from(active), inactive: Int32Array.from(inactive) });
  }
  const ZERO = new Array<number>(R).fill(0).join(',');
  const MISS = new Array<number>(R).fill(MISSING).join(',');
  const ids = new Map<string, number>();
  const tuples: number[] = [];
  const counts: number[] = [];
  const idOf = (key: string, tuple: () => number[]): number => {
    let p = ids.get(key);
    if (p === undefined) {
      p = counts.length;
      ids.set(key, p);
      for (const v of tuple()) tuples.push(v);
      counts.push(0);
    }
    return p;
  };
  const kinds = new Map<string, number>();
  const kindStart: number[] = [0];
  const kindPattern: number[] = [];
  const kindWeight: number[] = [];
  const kindCount: number[] = [];
  // The unit's patterns: (first code, key, tuple offset or -1 for the defaults, weight).
  const local = new Map<string, { first: number; weight: number; code: number; at: number }>();
  // A unit nobody marked has its wave's patterns and kind: found once per wave, then counted.
  const plain = new Map<number, { zero: number; miss: number; kind: number }>();
  for (let i = 0; i < N; i++) {
    const w = space.unitWave[i]!;
    const { active, inactive } = activeByWave.get(w)!;
    const unmarked = byUnit.start[i] === byUnit.start[i + 1];
    const known = unmarked ? plain.get(w) : undefined;
    if (known) {
      if (known.zero >= 0) counts[known.zero]! += active.length;
      if (known.miss >= 0) counts[known.miss]! += inactive.length;
      kindCount[known.kind]!++;
      continue;
    }
    local.clear();
    let markedActive = 0;
    // The marked codes in use at this wave, in code order (the first of each pattern is its first code).
    const touched: number[] = [];
    for (let e = byUnit.start[i]!; e < byUnit.start[i + 1]!; e++) {
      const k = byUnit.code[e]!;
      const code = codes[k]!;
      if (w < code.from) continue;
      markedActive++;
      touched.push(k);
      const at = byUnit.at[e]!;
      let key = '';
      for (let r = 0; r < R; r++) key += (r ? ',' : '') + code.marks[at + r]!;
      const s = local.get(key);
      if (s) s.weight++;
      else local.set(key, { first: k, weight: 1, code: k, at });
    }
    const zeros = active.length - markedActive;
    if (zeros > 0) {
      // The first code in use that nobody marked here.
      let z = 0;
      let t = 0;
      while (t < touched.length && touched[t] === active[z]) {
        t++;
        z++;
      }
      local.set(ZERO, { first: active[z]!, weight: zeros, code: -1, at: -1 });
    }
    if (inactive.length > 0) local.set(MISS, { first: inactive[0]!, weight: inactive.length, code: -1, at: -1 });
    // Pattern ids in order of first appearance (unit by unit, code by code).
    const entries = [...local.entries()].sort((a, b) => a[1].first - b[1].first);
    const ps: Array<[number, number]> = [];
    for (const [key, s] of entries) {
      const p = idOf(key, () => (s.code < 0 ? key.split(',').map(Number) : Array.from(codes[s.code]!.marks.subarray(s.at, s.at + R))));
      counts[p] = counts[p]! + s.weight;
      ps.push([p, s.weight]);
    }
    if (ps.length === 0) continue;
    // The unit's kind (table.ts): its patterns in id order with their weights.
    ps.sort((a, b) => a[0] - b[0]);
    let kindKey = '';
    for (const [p, wt] of ps) kindKey += `${p}:${wt} `;
    let g = kinds.get(kindKey);
    if (g !== undefined) kindCount[g]!++;
    else {
      g = kindCount.length;
      kinds.set(kindKey, g);
      for (const [p, wt] of ps) {
        kindPattern.push(p);
        kindWeight.push(wt);
      }
      kindStart.push(kindPattern.length);
      kindCount.push(1);
    }
    if (unmarked) plain.set(w, { zero: active.length > 0 ? ids.get(ZERO)! : -1, miss: inactive.length > 0 ? ids.get(MISS)! : -1, kind: g });
  }
  return table(R, tuples, counts, { start: Int32Array.from(kindStart), pattern: Int32Array.from(kindPattern), weight: Float64Array.from(kindWeight), count: Float64Array.from(kindCount) });
}
