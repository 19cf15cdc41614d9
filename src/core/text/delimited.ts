/**
 * Delimited text (CSV, TSV) as rows of *interned* fields: each distinct field text is one string,
 * and a field is its index. A reliability matrix of a million units holds a handful of distinct
 * values, so reading it this way makes a dozen strings instead of four million (and every later
 * step, such as deciding what a value means, runs once per distinct value).
 *
 * Quoting is the CSV library's business (format/read-table.ts, csv-parse): `internFields` reads
 * only text without a double quote and with one kind of line end (LF throughout, or CRLF
 * throughout), splitting at the delimiter and the line ends exactly as the table reader does
 * (empty lines skipped, every other line a row, rows keep their file line), and says `undefined`
 * for anything else, which the caller reads with the table reader and interns with `internRows`
 * (tests/unit/agreement.fast.test.ts checks both against it).
 */
export interface InternedRows {
  /** Distinct field texts, as written (not trimmed). */
  values: string[];
  /** Row i's fields are fields[rowStart[i] .. rowStart[i + 1]). */
  rowStart: Int32Array;
  fields: Int32Array;
  /** File line (1-based) of each row. */
  lines: Int32Array;
}

import { Interner } from './intern.js';
import { Int32List } from '../arrays.js';

const NEWLINE = 10;
const RETURN = 13;

/** Fields of text without double quotes and with one kind of line end, interned; undefined otherwise. */
export function internFields(text: string, delimiter: string): InternedRows | undefined {
  if (text.indexOf('"') >= 0 || text.charCodeAt(0) === 0xfeff) return undefined;
  // CRLF throughout, or LF throughout (the table reader takes the first line end it meets for all).
  const crlf = text.indexOf('\r') >= 0;
  if (crlf) {
    for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== NEWLINE) return undefined;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) if (text.charCodeAt(i - 1) !== RETURN) return undefined;
  }
  const D = delimiter.charCodeAt(0);
  const interner = new Interner(text);
  const fields = new Int32List();
  const rowStart = new Int32List();
  const lines = new Int32List();
  const N = text.length;
  let I = 0;
  let line = 0;
  while (I < N) {
    line++;
    let nl = text.indexOf('\n', I);
    if (nl < 0) nl = N;
    const end = crlf && nl < N ? nl - 1 : nl;
    // An empty line is no row.
    if (end > I) {
      rowStart.push(fields.n);
      lines.push(line);
      let j = I;
      for (let k = I; k < end; k++) {
        if (text.charCodeAt(k) === D) {
          fields.push(interner.span(j, k));
          j = k + 1;
        }
      }
      fields.push(interner.span(j, end));
    }
    I = nl + 1;
  }
  rowStart.push(fields.n);
  return { values: interner.values, rowStart: rowStart.done(), fields: fields.done(), lines: lines.done() };
}

/** Rows of strings (the table reader's output, row i from file line `lines[i]`) as interned rows. */
export function internRows(rows: ReadonlyArray<ReadonlyArray<string>>, lines?: readonly number[]): InternedRows {
  const ids = new Map<string, number>();
  const values: string[] = [];
  const fields: number[] = [];
  const rowStart: number[] = [];
  const at: number[] = [];
  rows.forEach((r, i) => {
    rowStart.push(fields.length);
    at.push(lines ? lines[i]! : i + 1);
    for (const v of r) {
      let id = ids.get(v);
      if (id === undefined) {
        id = values.length;
        ids.set(v, id);
        values.push(v);
      }
      fields.push(id);
    }
  });
  rowStart.push(fields.length);
  return { values, rowStart: Int32Array.from(rowStart), fields: Int32Array.from(fields), lines: Int32Array.from(at) };
}

/** Row i's fields as strings. */
export function rowOf(t: InternedRows, i: number): string[] {
  const out: string[] = [];
  for (let k = t.rowStart[i]!; k < t.rowStart[i + 1]!; k++) out.push(t.values[t.fields[k]!]!);
  return out;
}

/** Number of rows. */
export function rowCount(t: InternedRows): number {
  return t.rowStart.length - 1;
}
