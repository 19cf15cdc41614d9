import { naturalCompare } from '../text/sort.js';
import type { Wave } from '../study/types.js';
import { codedFor, rowKeys, rowsOf, type CodedStudy, type RowKey } from './coded.js';

/**
 * The within-person data every longitudinal display reads: for each row (theme or code), each
 * participant in scope and each wave, how many of the participant's segments at that wave carry the
 * row (a theme row counts the theme and any of its sub-codes), or why there is no number: the
 * participant was not interviewed at that wave, or the row's code was not yet in use there.
 */
export const NOT_INTERVIEWED = -1;
export const NOT_CODED_FOR = -2;

/** What one cell of the grid holds: a count of segments (0 = interviewed, not coded), or why not. */
export type GridValue = number;

export interface Grid {
  rows: RowKey[];
  /** Participants with at least one document in scope, in natural order. */
  participants: string[];
  waves: Wave[];
  /** Segment counts (or NOT_INTERVIEWED / NOT_CODED_FOR) at [(row * participants + participant) * waves + wave]. */
  values: Int32Array;
}

/** One pass over the documents and one over the coded segments: linear in the study. */
export function grid(cs: CodedStudy, rows: 'theme' | 'code', opts: { only?: readonly string[] } = {}): Grid {
  const keys = rowKeys(cs, rows).filter((r) => !opts.only?.length || opts.only.includes(r.id));
  const participants = [...new Set(cs.documents.map((d) => d.participant))].sort(naturalCompare);
  const waves = cs.waves;
  const P = participants.length;
  const W = waves.length;
  const values = new Int32Array(keys.length * P * W).fill(NOT_INTERVIEWED);
  const pIndex = new Map(participants.map((p, i) => [p, i]));
  const wIndex = new Map(waves.map((w, i) => [w.id, i]));
  const rIndex = new Map(keys.map((k, i) => [k.id, i]));
  // Which rows were in use at each wave (codebook versions).
  const inUse = keys.map((k) => waves.map((w) => codedFor(cs, k.id, w)));
  for (const doc of cs.documents) {
    const p = pIndex.get(doc.participant)!;
    const w = wIndex.get(doc.wave)!;
    for (let r = 0; r < keys.length; r++) values[(r * P + p) * W + w] = inUse[r]![w]! ? 0 : NOT_CODED_FOR;
    for (const seg of cs.coded.get(doc.id) ?? []) {
      for (const key of rowsOf(cs, seg, rows)) {
        const r = rIndex.get(key);
        if (r === undefined) continue;
        const at = (r * P + p) * W + w;
        if (values[at]! >= 0) values[at]!++;
      }
    }
  }
  return { rows: keys, participants, waves, values };
}

/** The values of one row for one participant, one per wave. */
export function valuesOf(g: Grid, row: number, participant: number): number[] {
  const W = g.waves.length;
  const start = (row * g.participants.length + participant) * W;
  return Array.from(g.values.subarray(start, start + W));
}

/** A grid value as a short mark: the count, `.` not interviewed, `?` not coded for. */
export function mark(v: GridValue): string {
  return v === NOT_INTERVIEWED ? '.' : v === NOT_CODED_FOR ? '?' : String(v);
}

/** A grid value in words, for tables read by people. */
export function describeValue(v: GridValue): string {
  return v === NOT_INTERVIEWED ? 'not interviewed' : v === NOT_CODED_FOR ? 'not coded for' : String(v);
}
