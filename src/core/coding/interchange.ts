import { parseTable } from '../format/read-table.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { guardCsvCell, unguardCsvCell } from '../format/escape.js';
import { stringifyCsv } from '../format/table.js';
import type { Study } from '../study/types.js';
import { didYouMeanSuffix } from '../text/suggest.js';
import { checkCodings } from './check.js';
import { parseCodingRow } from './store.js';
import { comparable, normalise, placeText } from './place.js';
import { describeSpan, exactText, formatSpan, hasColumns, lineIndexOf, type LineIndex, type SpanFields } from './span.js';
import { codingsByTranscript, spanText } from './text.js';
import { isCoderName, withSpan, type Coding } from './types.js';
import { append } from '../arrays.js';

/**
 * The interchange CSV: how codings come from and go to NVivo, ATLAS.ti, MAXQDA and spreadsheets.
 * Header `coder,participant,wave,start_line,end_line,code` with optional `memo`, `exemplar`,
 * `document` (the transcript's path, checked against participant and wave when given),
 * `start_col`, `end_col` (an exact span: columns in code points from 1, the end included) and
 * `text` (the words coded). With `text`:
 * - and columns: the text at those columns must be that text (else an error, which says when the
 *   columns look like UTF-16 units as some tools count them);
 * - and lines only: whole lines when it is those lines' text, else the exact span where it occurs
 *   inside the lines;
 * - and no lines: the exact span where it occurs in the transcript.
 * Words compare whitespace- and quote-style-insensitively (place.ts). Not found, or found more
 * than once with nothing to choose: an error for the row.
 */
export const INTERCHANGE_REQUIRED = ['coder', 'participant', 'wave', 'start_line', 'end_line', 'code'] as const;
export const INTERCHANGE_OPTIONAL = ['memo', 'exemplar', 'document', 'start_col', 'end_col', 'text'] as const;
/** A header may leave out the lines when it has the text to place the codings by. */
const REQUIRED_WITH_TEXT = ['coder', 'participant', 'wave', 'code'] as const;
const ALL = [...INTERCHANGE_REQUIRED, ...INTERCHANGE_OPTIONAL] as const;

export interface ImportResult {
  /** Valid codings, in file order. */
  codings: Coding[];
  /** Problems, each naming the CSV file and line. */
  diagnostics: Diagnostic[];
  /** Rows read (excluding the header). */
  rows: number;
}

export function readInterchangeCsv(file: string, text: string, study: Study, onProgress?: (rows: number, of: number) => void): ImportResult {
  const diagnostics: Diagnostic[] = [];
  const codings: Coding[] = [];
  const read = parseTable(text, file, { trim: true, hint: 'check for an unclosed double quote' });
  if (!read.table) return { codings, rows: 0, diagnostics: [read.diagnostic] };
  const header = read.table.header.map((h) => h.trim().toLowerCase());
  const missing = (header.includes('text') ? REQUIRED_WITH_TEXT : INTERCHANGE_REQUIRED).filter((c) => !header.includes(c));
  if (missing.length > 0) {
    return { codings, rows: 0, diagnostics: [error(file, 1, `the header lacks ${missing.join(', ')}`, `the first row must name the columns: ${INTERCHANGE_REQUIRED.join(',')} (and optionally ${INTERCHANGE_OPTIONAL.join(', ')})`)] };
  }
  header.forEach((h) => {
    if (!(ALL as readonly string[]).includes(h)) diagnostics.push(error(file, 1, `unknown column '${h}'${didYouMeanSuffix(h, ALL)}`, `columns: ${ALL.join(', ')}`));
  });
  if (diagnostics.length > 0) return { codings, rows: 0, diagnostics };
  const docs = new Map(study.documents.map((d) => [d.id, d]));
  const rows = read.table.rows;
  let done = 0;
  for (const { cells: record, line } of rows) {
    if ((done++ & 1023) === 0) onProgress?.(done - 1, rows.length);
    // A cell qualwave guarded against spreadsheet formulas on export reads back as it was.
    const get = (name: string): string => (header.indexOf(name) >= 0 ? unguardCsvCell((record[header.indexOf(name)] ?? '').trim()) : '');
    const coder = get('coder').normalize('NFC');
    if (!coder) {
      diagnostics.push(error(file, line, 'row has no coder', 'every coding needs the coder who made it (e.g. alice)'));
      continue;
    }
    if (!isCoderName(coder)) {
      diagnostics.push(error(file, line, `coder '${coder}' is not a usable name`, "use letters, digits, '-', '_' and '.'"));
      continue;
    }
    const words = get('text');
    const startCol = get('start_col');
    const endCol = get('end_col');
    const placedByText = words !== '' && get('start_line') === '' && get('end_line') === '' && startCol === '' && endCol === '';
    const doc0 = docs.get(`${get('participant').normalize('NFC')}/${get('wave').normalize('NFC')}`);
    const fields = { participant: get('participant'), wave: get('wave'), startLine: placedByText ? '1' : get('start_line'), endLine: placedByText ? '1' : get('end_line'), startColumn: startCol, endColumn: endCol, code: get('code'), exemplar: get('exemplar'), memo: get('memo') };
    const parsed = parseCodingRow(fields, coder, { file, line });
    if ('diagnostic' in parsed) {
      diagnostics.push(parsed.diagnostic);
      continue;
    }
    if (words !== '' && doc0) {
      const placed = byText(lineIndexOf(doc0), words, parsed.coding, placedByText);
      if ('problem' in placed) {
        diagnostics.push(error(file, line, `${placed.problem} of ${doc0.file}`, placed.hint));
        continue;
      }
      parsed.coding = withSpan(parsed.coding, placed.span);
    }
    codings.push(parsed.coding);
  }
  // Study-level checks: participant, wave, interview, lines, code (did-you-mean), duplicates.
  const problems = checkCodings(study, codings).filter((d) => d.severity === 'error');
  const badLines = new Set(problems.map((d) => d.line));
  append(diagnostics, problems);
  return { codings: codings.filter((c) => !badLines.has(c.source?.line)), diagnostics, rows: rows.length };
}

/** Every coding as interchange CSV (with its columns and text); text cells carry the spreadsheet formula guard unless `raw`. */
export function writeInterchangeCsv(codings: readonly Coding[], study: Study, opts: { raw?: boolean } = {}): string {
  return [...interchangeCsvPieces(codings, study, opts)].join('');
}

/** The same CSV in pieces: the header, then one transcript's rows at a time (what `codings export` writes as it goes). */
export function* interchangeCsvPieces(codings: readonly Coding[], study: Study, opts: { raw?: boolean } = {}): Generator<string> {
  yield stringifyCsv([[...INTERCHANGE_REQUIRED, ...INTERCHANGE_OPTIONAL]]);
  for (const { doc, index, codings: run } of codingsByTranscript(study, codings)) {
    yield stringifyCsv(
      run.map((c) => {
        const text = index ? (spanText(index, c) ?? '') : '';
        return [c.coder, c.participant, c.wave, String(c.startLine), String(c.endLine), c.code, c.memo ?? '', c.exemplar ? 'yes' : '', doc?.file ?? '', hasColumns(c) ? String(c.startColumn) : '', hasColumns(c) ? String(c.endColumn) : '', text].map((cell) => guardCsvCell(cell, opts.raw));
      }),
    );
  }
}

/**
 * A row's coding placed or checked by its text: with columns, the text must be there; with lines
 * only, those whole lines when it is their text, else where it occurs inside them; with neither,
 * where it occurs in the transcript.
 */
export function byText(index: LineIndex, words: string, c: SpanFields, anywhere: boolean): { span: SpanFields } | { problem: string; hint: string } {
  if (anywhere) return placeText(index, words);
  if (c.endLine > index.lineCount) return { problem: `${describeSpan(c)} runs past the end of the file (${index.lineCount} lines)`, hint: 'check the line numbers against the transcript' };
  const want = comparable(words);
  if (hasColumns(c)) {
    const r = index.range(c);
    const at = 'problem' in r ? undefined : exactText(index.text, r.start, r.end);
    if (at !== undefined && comparable(at) === want) return { span: c };
    const utf16 = utf16Reading(index, c);
    if (utf16?.span && comparable(utf16.text) === want) {
      return {
        problem: `${'problem' in r ? r.problem : `the text at ${formatSpan(c)} is not the text given`}: start_col and end_col count UTF-16 units (as JavaScript, Java and .NET do), not characters`,
        hint: `qualwave counts characters (code points: an emoji is one column); the text is at ${formatSpan(utf16.span)}`,
      };
    }
    if (utf16?.split)
      return {
        problem: `${'problem' in r ? r.problem : `the text at ${formatSpan(c)} is not the text given`}; read as UTF-16 units, a column would fall inside a character (the two halves of ${utf16.split})`,
        hint: 'columns count characters (code points) from 1: an emoji is one column; or leave the columns empty and let the text place the coding',
      };
    if ('problem' in r) return { problem: r.problem, hint: 'columns count characters (code points) from 1, the end included; or leave them empty and let the text place the coding' };
    return { problem: `the text at ${formatSpan(c)} is "${normalise(at!).text.slice(0, 60)}", not the text given`, hint: 'fix the columns, or leave them empty and let the text place the coding inside the lines' };
  }
  const lines = spanText(index, c);
  if (lines !== undefined && comparable(lines) === want) return { span: { startLine: c.startLine, endLine: c.endLine } };
  return placeText(index, words, c);
}

/** The span's columns read as UTF-16 units (what some tools give): its text and span, or the character a column splits. */
function utf16Reading(index: LineIndex, c: SpanFields & { startColumn: number; endColumn: number }): { text: string; span: SpanFields; split?: undefined } | { split: string; text: string; span?: undefined } | undefined {
  const a = index.starts[c.startLine - 1]! + c.startColumn - 1;
  const b = index.starts[c.endLine - 1]! + c.endColumn;
  if (a >= index.ends[c.startLine - 1]! + 0 + 1 || b > index.ends[c.endLine - 1]! || b <= a) return undefined;
  const high = (x: number) => x >= 0xd800 && x <= 0xdbff;
  const low = (x: number) => x >= 0xdc00 && x <= 0xdfff;
  const t = index.text;
  if (low(t.charCodeAt(a)) && high(t.charCodeAt(a - 1))) return { split: t.slice(a - 1, a + 1), text: '' };
  if (low(t.charCodeAt(b)) && high(t.charCodeAt(b - 1))) return { split: t.slice(b - 1, b + 1), text: '' };
  const span = index.spanOf(a, b);
  return span ? { text: exactText(t, a, b), span } : undefined;
}
