import { naturalCompare } from '../text/sort.js';
import { codedFor, rowKeys, rowsOf, type CodedStudy, type RowKey } from './coded.js';

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
  const rowIndex = new Map(rows.map((r, i) => [r.id, i]));
  const ids = rows.map(() => columns.map(() => new Set<string>()));
  const docs = rows.map(() => columns.map(() => new Set<string>()));
  const segments = rows.map(() => columns.map(() => 0));
  const words = rows.map(() => columns.map(() => 0));
  for (const doc of cs.documents) {
    const col = colIndex.get(`${doc.wave}\u0000${groupOf(doc.participant)}`);
    if (col === undefined) continue;
    for (const seg of cs.coded.get(doc.id) ?? []) {
      const n = doc.segmentList.words(seg.index);
      for (const key of rowsOf(cs, seg, opts.rows)) {
        const r = rowIndex.get(key);
        if (r === undefined) continue;
        ids[r]![col]!.add(doc.participant);
        docs[r]![col]!.add(doc.id);
        segments[r]![col]!++;
        words[r]![col]! += n;
      }
    }
  }
  const waveOf = new Map(cs.waves.map((w) => [w.id, w]));
  const cells = rows.map((row, r) =>
    columns.map((c, k) => {
      if (!codedFor(cs, row.id, waveOf.get(c.wave)!)) return { codedFor: false, participants: 0, percent: null, documents: 0, segments: 0, words: 0, ids: [] };
      const participants = ids[r]![k]!.size;
      return { codedFor: true, participants, percent: c.interviewed > 0 ? (100 * participants) / c.interviewed : null, documents: docs[r]![k]!.size, segments: segments[r]![k]!, words: words[r]![k]!, ids: [...ids[r]![k]!].sort(naturalCompare) };
    }),
  );
  const m: Matrix = { coder: cs.coder, rows, columns, cells };
  if (opts.by) m.by = opts.by;
  return m;
}
