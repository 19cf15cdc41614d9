import { rowIndicesByCode, type CodedStudy } from './coded.js';

/**
 * Code x code co-occurrence: how many units (segments, or documents) carry both codes, and the
 * Jaccard index (both / either). The diagonal is how many units carry the code at all. A theme
 * row counts the theme and its sub-codes (so a theme co-occurs with each of its sub-codes wherever
 * that sub-code is used).
 */
export interface Cooccurrence {
  codes: Array<{ id: string; label: string }>;
  unit: 'segment' | 'document';
  counts: number[][];
  jaccard: Array<Array<number | null>>;
}

export function cooccurrence(cs: CodedStudy, opts: { unit: 'segment' | 'document'; rows: 'theme' | 'code' }): Cooccurrence {
  const book = cs.study.codebook;
  const list = opts.rows === 'theme' ? book.themes : book.codes;
  const index = new Map(list.map((c, i) => [c.id, i]));
  const n = list.length;
  // Counted with numbers, from the coded study's (segment, code) pairs: each code's rows as
  // indices (found once per code), a unit's rows told apart by a stamp, the pairs of rows
  // counted in one flat table; no coded segment is made.
  const rowsByCode = rowIndicesByCode(cs, opts.rows, index);
  const k = cs.pairWidth;
  const flat = new Float64Array(n * n);
  const stamp = new Int32Array(n).fill(-1);
  const unit = new Int32Array(n);
  let units = -1;
  let size = 0;
  // Each pair of a unit's rows counted once (the table is symmetric: the lower half is copied
  // from the upper one after): half the additions of counting every ordered pair.
  const add = (): void => {
    for (let x = 0; x < size; x++) {
      const a = unit[x]!;
      for (let y = x; y < size; y++) {
        const b = unit[y]!;
        flat[a < b ? a * n + b : b * n + a]!++;
      }
    }
    size = 0;
  };
  for (const doc of cs.documents) {
    const pairs = cs.pairs.get(doc.id);
    if (pairs === undefined) continue;
    if (opts.unit === 'document') units++;
    let seg = -1;
    for (let j = 0; j < pairs.length; j++) {
      const key: number = pairs[j]!;
      if (key >= (seg + 1) * k) {
        seg = Math.floor(key / k);
        if (opts.unit === 'segment') {
          add();
          units++;
        }
      }
      const rs: Int32Array = rowsByCode[key - seg * k]!;
      for (let x = 0; x < rs.length; x++) {
        const i = rs[x]!;
        if (stamp[i] === units) continue;
        stamp[i] = units;
        unit[size++] = i;
      }
    }
    add();
  }
  const counts = new Array<number[]>(n);
  for (let a = 0; a < n; a++) {
    const row = new Array<number>(n);
    for (let b = 0; b < a; b++) row[b] = flat[b * n + a]!;
    for (let b = a; b < n; b++) row[b] = flat[a * n + b]!;
    counts[a] = row;
  }
  return withJaccard({ codes: list.map((c) => ({ id: c.id, label: c.label })), unit: opts.unit, counts });
}

/**
 * The result with its Jaccard indices made when first read (then kept as a plain, writable
 * field): a table of counts is rendered without them, and 50,000 cells for 220 codes are 1.2 MB
 * that would tip a warm run into a mark-compact. Enumerable, so a spread, `Object.keys` or
 * `JSON.stringify` has them in their place (after `counts`) as before.
 */
function withJaccard(r: Omit<Cooccurrence, 'jaccard'>): Cooccurrence {
  const settle = (target: object, value: Array<Array<number | null>>): void => {
    Object.defineProperty(target, 'jaccard', { value, writable: true, enumerable: true, configurable: true });
  };
  return Object.defineProperty(r, 'jaccard', {
    enumerable: true,
    configurable: true,
    get(this: object) {
      const value = jaccardOf(r.counts);
      settle(this, value);
      return value;
    },
    set(this: object, value: Array<Array<number | null>>) {
      settle(this, value);
    },
  }) as Cooccurrence;
}

/** Both / either for each pair of rows (null where neither is used), from the counts table. */
export function jaccardOf(counts: readonly (readonly number[])[]): Array<Array<number | null>> {
  const n = counts.length;
  // (Loops, not a closure per cell: 50,000 cells for 220 codes; the same arithmetic.)
  const jaccard = new Array<Array<number | null>>(n);
  for (let a = 0; a < n; a++) {
    const row = counts[a]!;
    const out = new Array<number | null>(n);
    const own = row[a]!;
    for (let b = 0; b < n; b++) {
      const both = row[b]!;
      const either = own + counts[b]![b]! - both;
      out[b] = either > 0 ? both / either : null;
    }
    jaccard[a] = out;
  }
  return jaccard;
}
