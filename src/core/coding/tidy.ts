import { guardCsvCell } from '../format/escape.js';
import { stringifyCsv } from '../format/table.js';
import type { Study } from '../study/types.js';
import { countWords } from '../text/words.js';
import { hasColumns, lineIndexOf } from './span.js';
import { sortCodings } from './store.js';
import { spanText } from './text.js';
import type { Coding } from './types.js';

/**
 * The codings as a tidy (long) table for R, Stata or pandas: one row per coding, with what an
 * analysis joins on already joined: the participant's attributes (one column each), the wave
 * with its label and order, the interview date, the theme and code with their labels, the span
 * (file, lines, columns: empty for whole lines), the exact text, its words, the coder, and the
 * exemplar mark and memo. Rows in the study's order (wave, participant, place, code, coder).
 */
export type TidyValue = string | number | boolean | null;

export interface TidyTable {
  columns: string[];
  rows: TidyValue[][];
}

const BEFORE = ['coder', 'participant'] as const;
const AFTER = ['wave', 'wave_label', 'wave_order', 'date', 'theme', 'theme_label', 'code', 'code_label', 'file', 'start_line', 'start_column', 'end_line', 'end_column', 'text', 'words', 'exemplar', 'memo'] as const;

export function tidyCodings(study: Study, codings: readonly Coding[]): TidyTable {
  // Attribute columns in participants.csv's order; a name that is also a fixed column gets a prefix.
  const attributes: string[] = [];
  for (const p of study.participants) for (const k of Object.keys(p.attributes)) if (!attributes.includes(k)) attributes.push(k);
  const fixed = new Set<string>([...BEFORE, ...AFTER]);
  const attributeColumn = (k: string): string => (fixed.has(k) ? `participant_${k}` : k);
  const participants = new Map(study.participants.map((p) => [p.id, p]));
  const waves = new Map(study.config.waves.map((w, i) => [w.id, { label: w.label, order: i + 1 }]));
  const docs = new Map(study.documents.map((d) => [d.id, d]));
  const indexes = new Map<string, ReturnType<typeof lineIndexOf>>();
  const rows = sortCodings(
    codings,
    study.config.waves.map((w) => w.id),
  ).map((c): TidyValue[] => {
    const doc = docs.get(`${c.participant}/${c.wave}`);
    let text: string | undefined;
    if (doc) {
      let index = indexes.get(doc.id);
      if (!index) indexes.set(doc.id, (index = lineIndexOf(doc)));
      text = spanText(index, c);
    }
    const code = study.codebook.byId.get(c.code);
    const theme = code ? study.codebook.byId.get(code.theme) : undefined;
    const wave = waves.get(c.wave);
    const attrs = participants.get(c.participant)?.attributes ?? {};
    return [
      c.coder,
      c.participant,
      ...attributes.map((k) => attrs[k] ?? null),
      c.wave,
      wave?.label ?? null,
      wave?.order ?? null,
      doc?.date ?? null,
      theme?.id ?? null,
      theme?.label ?? null,
      c.code,
      code?.label ?? null,
      doc?.file ?? null,
      c.startLine,
      hasColumns(c) ? c.startColumn : null,
      c.endLine,
      hasColumns(c) ? c.endColumn : null,
      text ?? null,
      text === undefined ? null : countWords(text),
      c.exemplar,
      c.memo ?? null,
    ];
  });
  return { columns: [...BEFORE, ...attributes.map(attributeColumn), ...AFTER], rows };
}

/**
 * CSV or TSV: empty cells for missing values (R's read.csv and pandas read them as NA/NaN),
 * TRUE/FALSE for the exemplar mark, the formula guard on text cells unless `raw`.
 */
export function tidyDelimited(t: TidyTable, delimiter: ',' | '\t', opts: { raw?: boolean } = {}): string {
  const cell = (v: TidyValue): string => (v === null ? '' : typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : typeof v === 'number' ? String(v) : guardCsvCell(v, opts.raw));
  return stringifyCsv([t.columns, ...t.rows.map((r) => r.map(cell))], delimiter);
}

/** JSON Lines: one object per coding, missing values as null (pandas.read_json(lines=True), jsonlite::stream_in). */
export function tidyJsonLines(t: TidyTable): string {
  // U+2028 and U+2029 escaped too: some line readers (Python's splitlines) end a line there.
  const line = (r: TidyValue[]): string => JSON.stringify(Object.fromEntries(t.columns.map((c, i) => [c, r[i] ?? null]))).replace(/[\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16)}`);
  return t.rows.map(line).join('\n') + (t.rows.length ? '\n' : '');
}
