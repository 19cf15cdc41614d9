import { codedFor, rowKeys, rowsOf, type CodedStudy, type RowKey } from './coded.js';

/**
 * The framework matrix: participants (per wave) x themes, each cell the coded segments that put
 * the participant in the theme — their lines in the transcript and first words.
 */
export interface FrameworkRef {
  startLine: number;
  endLine: number;
  text: string;
}

export interface FrameworkRow {
  participant: string;
  wave: string;
  file: string;
  /** One list per theme (or code), in codebook order; null where the code was not coded for (before its `since:`). */
  cells: Array<FrameworkRef[] | null>;
}

export function framework(cs: CodedStudy, opts: { rows: 'theme' | 'code' }): { themes: RowKey[]; rows: FrameworkRow[] } {
  const f = frameworkRows(cs, opts, { letGo: false });
  return { themes: f.themes, rows: [...f.rows] };
}

/**
 * The same a row (one transcript) at a time, for output written as it goes: with `letGo`, a text
 * that was not in memory is let go once its row has been taken (the row's texts are parts of it:
 * they keep it only as long as the row is kept).
 */
export function frameworkRows(cs: CodedStudy, opts: { rows: 'theme' | 'code' }, how: { letGo: boolean } = { letGo: true }): { themes: RowKey[]; rows: Generator<FrameworkRow> } {
  const keys = rowKeys(cs, opts.rows);
  const index = new Map(keys.map((k, i) => [k.id, i]));
  const waveOf = new Map(cs.waves.map((w) => [w.id, w]));
  const rows = function* (): Generator<FrameworkRow> {
    for (const doc of cs.documents) {
      const list = doc.segmentList;
      const held = list.holdsText;
      const cells: Array<FrameworkRef[] | null> = keys.map((k) => (codedFor(cs, k.id, waveOf.get(doc.wave)!) ? [] : null));
      for (const seg of cs.coded.get(doc.id) ?? []) {
        const ref = { startLine: list.startLine(seg.index), endLine: list.endLine(seg.index), text: list.text(seg.index) };
        for (const key of rowsOf(cs, seg, opts.rows)) {
          const i = index.get(key);
          if (i !== undefined) cells[i]?.push(ref);
        }
      }
      yield { participant: doc.participant, wave: doc.wave, file: doc.file, cells };
      if (how.letGo && !held) list.releaseText();
    }
  };
  return { themes: keys, rows: rows() };
}
