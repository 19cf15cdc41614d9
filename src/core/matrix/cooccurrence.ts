import { rowsOfCode, type CodedStudy } from './coded.js';

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
  const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const add = (set: Set<number>): void => {
    for (const a of set) for (const b of set) counts[a]![b]!++;
  };
  for (const doc of cs.documents) {
    const perDoc = new Set<number>();
    for (const seg of cs.coded.get(doc.id) ?? []) {
      const set = new Set<number>();
      for (const c of seg.codes) {
        for (const id of rowsOfCode(cs, c, opts.rows)) {
          const i = index.get(id);
          if (i !== undefined) set.add(i);
        }
      }
      if (opts.unit === 'segment') add(set);
      else for (const i of set) perDoc.add(i);
    }
    if (opts.unit === 'document') add(perDoc);
  }
  const jaccard = counts.map((row, a) =>
    row.map((both, b) => {
      const either = counts[a]![a]! + counts[b]![b]! - both;
      return either > 0 ? both / either : null;
    }),
  );
  return { codes: list.map((c) => ({ id: c.id, label: c.label })), unit: opts.unit, counts, jaccard };
}
