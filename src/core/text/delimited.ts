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
  const N = text.length;
  // Rows and fields written into typed arrays sized from the line count and the first line's
  // fields (grown if later lines have more): no call and no copy per field.
  let lineEnds = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineEnds++;
  let perLine = 1;
  for (let k = 0, e = text.indexOf('\n') < 0 ? N : text.indexOf('\n'); k < e; k++) if (text.charCodeAt(k) === D) perLine++;
  let fields = new Int32Array(lineEnds * perLine + 16);
  let nf = 0;
  const rowStart = new Int32Array(lineEnds + 1);
  const lines = new Int32Array(lineEnds);
  let rows = 0;
  let I = 0;
  let line = 0;
  while (I < N) {
    line++;
    let nl = text.indexOf('\n', I);
    if (nl < 0) nl = N;
    const end = crlf && nl < N ? nl - 1 : nl;
    // An empty line is no row.
    if (end > I) {
      rowStart[rows] = nf;
      lines[rows++] = line;
      let j = I;
      for (let k = I; k <= end; k++) {
        if (k === end || text.charCodeAt(k) === D) {
          if (nf === fields.length) {
            const grown = new Int32Array(fields.length * 2);
            grown.set(fields);
            fields = grown;
          }
          fields[nf++] = interner.span(j, k);
          j = k + 1;
        }
      }
    }
    I = nl + 1;
  }
  rowStart[rows] = nf;
  return { values: interner.values, rowStart: rowStart.slice(0, rows + 1), fields: fields.subarray(0, nf), lines: lines.slice(0, rows) };
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
