import { guardCsvCell } from '../format/escape.js';
import { stringifyCsv } from '../format/table.js';
import type { Document, Study } from '../study/types.js';
import { countWords } from '../text/words.js';
import { hasColumns, type LineIndex } from './span.js';
import { codingsByTranscript, spanText } from './text.js';
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
  const t = tidyTranscripts(study, codings);
  const rows: TidyValue[][] = [];
  for (const run of t.runs) for (const r of run) rows.push(r);
  return { columns: t.columns, rows };
}

/** The tidy table's columns, and its rows one transcript's run at a time (codingsByTranscript: one text held at a time). */
export function tidyTranscripts(study: Study, codings: readonly Coding[]): { columns: string[]; runs: Iterable<TidyValue[][]> } {
  // Attribute columns in participants.csv's order; a name that is also a fixed column gets a prefix.
  const attributes: string[] = [];
  for (const p of study.participants) for (const k of Object.keys(p.attributes)) if (!attributes.includes(k)) attributes.push(k);
  const fixed = new Set<string>([...BEFORE, ...AFTER]);
  const attributeColumn = (k: string): string => (fixed.has(k) ? `participant_${k}` : k);
  const participants = new Map(study.participants.map((p) => [p.id, p]));
  const waves = new Map(study.config.waves.map((w, i) => [w.id, { label: w.label, order: i + 1 }]));
  const row = (c: Coding, doc: Document | undefined, index: LineIndex | undefined): TidyValue[] => {
    const text = index ? spanText(index, c) : undefined;
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
  };
  return {
    columns: [...BEFORE, ...attributes.map(attributeColumn), ...AFTER],
    runs: (function* () {
      for (const { doc, index, codings: run } of codingsByTranscript(study, codings)) yield run.map((c) => row(c, doc, index));
    })(),
  };
}

/**
 * CSV or TSV: empty cells for missing values (R's read.csv and pandas read them as NA/NaN),
 * TRUE/FALSE for the exemplar mark, the formula guard on text cells unless `raw`.
 */
export function tidyDelimited(t: TidyTable, delimiter: ',' | '\t', opts: { raw?: boolean } = {}): string {
  return [...tidyDelimitedPieces({ columns: t.columns, runs: [t.rows] }, delimiter, opts)].join('');
}

/** The same in pieces: the header, then a run of rows at a time. */
export function* tidyDelimitedPieces(t: { columns: string[]; runs: Iterable<TidyValue[][]> }, delimiter: ',' | '\t', opts: { raw?: boolean } = {}): Generator<string> {
  const cell = (v: TidyValue): string => (v === null ? '' : typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : typeof v === 'number' ? String(v) : guardCsvCell(v, opts.raw));
  yield stringifyCsv([t.columns], delimiter);
  for (const run of t.runs)
    if (run.length)
      yield stringifyCsv(
        run.map((r) => r.map(cell)),
        delimiter,
      );
}

/** JSON Lines: one object per coding, missing values as null (pandas.read_json(lines=True), jsonlite::stream_in). */
export function tidyJsonLines(t: TidyTable): string {
  return [...tidyJsonLinesPieces({ columns: t.columns, runs: [t.rows] })].join('');
}

/** The same in pieces, a run of rows at a time. */
export function* tidyJsonLinesPieces(t: { columns: string[]; runs: Iterable<TidyValue[][]> }): Generator<string> {
  // U+2028 and U+2029 escaped too: some line readers (Python's splitlines) end a line there.
  const line = (r: TidyValue[]): string => JSON.stringify(Object.fromEntries(t.columns.map((c, i) => [c, r[i] ?? null]))).replace(/[\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16)}`);
  for (const run of t.runs) if (run.length) yield run.map(line).join('\n') + '\n';
}
