import { naturalCompare } from '../text/sort.js';
import { codedFor, rowIndicesByCode, rowKeys, type CodedStudy, type RowKey } from './coded.js';

/**
 * Themes (or codes) x waves, optionally split by a participant attribute. Each cell counts, among
 * the participants interviewed in that column, those with at least one segment coded with the row
 * (a theme includes its sub-codes), and also documents, segments and words; the denominator is the
 * column's interviewed participants, so attrition never distorts a percentage. A cell at a wave
 * before the row's code was in use (`since:`) is "not coded for": no count, no percent.
 */
export type MatrixValue = 'participants' | 'percent' | 'documents' | 'segments' | 'words';

export interface MatrixColumn {
  wave: string;
  waveLabel: string;
  /** Attribute value when split with --by. */
  group?: string;
  /** Participants interviewed in this column: the denominator. */
  interviewed: number;
  documents: number;
}

export interface MatrixCell {
  /** False before the row's code was in use (`since:`): the cell reads "not coded for" and counts 0. */
  codedFor: boolean;
  participants: number;
  /** participants / interviewed x 100 (null when nobody was interviewed). */
  percent: number | null;
  documents: number;
  segments: number;
  words: number;
  /** Participant ids counted, in natural order. */
  ids: string[];
}

export interface Matrix {
  coder: string;
  rows: RowKey[];
  columns: MatrixColumn[];
  /** cells[row][column] */
  cells: MatrixCell[][];
  by?: string;
}

/**
 * A cell's participants as names in natural order, from their places in `names`: each once (a
 * participant has one document per wave, so a column counts it once; a study object given two
 * documents of one participant and wave is still counted once, as a set would).
 */
function participantsOf(ranks: readonly number[] | undefined, names: readonly string[]): string[] {
  if (ranks === undefined) return [];
  const sorted = Int32Array.from(ranks).sort();
  const out: string[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) out.push(names[sorted[i]!]!);
  return out;
}

export function matrix(cs: CodedStudy, opts: { rows: 'theme' | 'code'; by?: string }): Matrix {
  const rows = rowKeys(cs, opts.rows);
  const groupOf = (participant: string): string => (opts.by ? (cs.participants.get(participant)?.attributes[opts.by] ?? '') : '');
  const groups = opts.by ? [...new Set(cs.study.participants.map((p) => p.attributes[opts.by!] ?? ''))].sort() : [''];
  const columns: MatrixColumn[] = [];
  const colIndex = new Map<string, number>();
  for (const w of cs.waves) {
    for (const g of groups) {
      const docs = cs.documents.filter((d) => d.wave === w.id && groupOf(d.participant) === g);
      if (opts.by && docs.length === 0) continue;
      colIndex.set(`${w.id}\u0000${g}`, columns.length);
      const col: MatrixColumn = { wave: w.id, waveLabel: w.label, interviewed: new Set(docs.map((d) => d.participant)).size, documents: docs.length };
      if (opts.by) col.group = g;
      columns.push(col);
    }
  }
  // Counted with numbers, from the coded study's (segment, code) pairs: each code's rows as
  // indices (found once per code), a segment's rows told apart by a stamp, a document counted
  // once per cell by another; no coded segment is made.
  const rowIndex = new Map(rows.map((r, i) => [r.id, i]));
  const rowsByCode = rowIndicesByCode(cs, opts.rows, rowIndex);
  const k = cs.pairWidth;
  const nc = columns.length;
  const cellCount = rows.length * nc;
  // Each participant's place in natural order, found once: a cell keeps the places of the
  // participants it counts (numbers, not a set of strings), sorted and made names at the end.
  const names = [...new Set(cs.documents.map((d) => d.participant))].sort(naturalCompare);
  const rank = new Map(names.map((p, i) => [p, i]));
  const docRank = Int32Array.from(cs.documents, (d) => rank.get(d.participant)!);
  const ids: Array<number[] | undefined> = new Array(cellCount);
  const docs = new Int32Array(cellCount);
  const segments = new Float64Array(cellCount);
  const words = new Float64Array(cellCount);
  const segStamp = new Int32Array(rows.length).fill(-1);
  const docStamp = new Int32Array(cellCount).fill(-1);
  let segNo = -1;
  cs.documents.forEach((doc, docNo) => {
    const col = colIndex.get(`${doc.wave}\u0000${groupOf(doc.participant)}`);
    const pairs = cs.pairs.get(doc.id);
    if (col === undefined || pairs === undefined) return;
    const list = doc.segmentList;
    let seg = -1;
    let n = 0;
    for (let j = 0; j < pairs.length; j++) {
      const key: number = pairs[j]!;
      if (key >= (seg + 1) * k) {
        seg = Math.floor(key / k);
        n = list.words(seg);
        segNo++;
      }
      const rs: Int32Array = rowsByCode[key - seg * k]!;
      for (let x = 0; x < rs.length; x++) {
        const r = rs[x]!;
        if (segStamp[r] === segNo) continue;
        segStamp[r] = segNo;
        const cell = r * nc + col;
        if (docStamp[cell] !== docNo) {
          docStamp[cell] = docNo;
          docs[cell]!++;
          (ids[cell] ??= []).push(docRank[docNo]!);
        }
        segments[cell]!++;
        words[cell]! += n;
      }
    }
  });
  const waveOf = new Map(cs.waves.map((w) => [w.id, w]));
  const cells = rows.map((row, r) =>
    columns.map((c, k) => {
      if (!codedFor(cs, row.id, waveOf.get(c.wave)!)) return { codedFor: false, participants: 0, percent: null, documents: 0, segments: 0, words: 0, ids: [] };
      const cell = r * nc + k;
      const who = participantsOf(ids[cell], names);
      const participants = who.length;
      return { codedFor: true, participants, percent: c.interviewed > 0 ? (100 * participants) / c.interviewed : null, documents: docs[cell]!, segments: segments[cell]!, words: words[cell]!, ids: who };
    }),
  );
  const m: Matrix = { coder: cs.coder, rows, columns, cells };
  if (opts.by) m.by = opts.by;
  return m;
}
