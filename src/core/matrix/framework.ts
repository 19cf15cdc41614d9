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
  const keys = rowKeys(cs, opts.rows);
  const index = new Map(keys.map((k, i) => [k.id, i]));
  const waveOf = new Map(cs.waves.map((w) => [w.id, w]));
  const rows: FrameworkRow[] = cs.documents.map((doc) => {
    const cells: Array<FrameworkRef[] | null> = keys.map((k) => (codedFor(cs, k.id, waveOf.get(doc.wave)!) ? [] : null));
    for (const seg of cs.coded.get(doc.id) ?? []) {
      const list = doc.segmentList;
      const ref = { startLine: list.startLine(seg.index), endLine: list.endLine(seg.index), text: list.text(seg.index) };
      for (const key of rowsOf(cs, seg, opts.rows)) {
        const i = index.get(key);
        if (i !== undefined) cells[i]?.push(ref);
      }
    }
    return { participant: doc.participant, wave: doc.wave, file: doc.file, cells };
  });
  return { themes: keys, rows };
}
