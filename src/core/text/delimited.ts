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

import { Int32List } from '../arrays.js';
import { Interner } from './intern.js';

const NEWLINE = 10;
const RETURN = 13;
const QUOTE = 34;

/**
 * Whether `internFields` reads the text itself (no double quote, no byte order mark, one kind of
 * line end): undefined if not, else whether the line end is CRLF.
 */
function plainText(text: string): { crlf: boolean } | undefined {
  if (text.indexOf('"') >= 0 || text.charCodeAt(0) === 0xfeff) return undefined;
  // CRLF throughout, or LF throughout (the table reader takes the first line end it meets for all).
  const crlf = text.indexOf('\r') >= 0;
  if (crlf) {
    for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== NEWLINE) return undefined;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) if (text.charCodeAt(i - 1) !== RETURN) return undefined;
  }
  return { crlf };
}

/** Fields of text without double quotes and with one kind of line end, interned; undefined otherwise. */
export function internFields(text: string, delimiter: string): InternedRows | undefined {
  const plain = plainText(text);
  if (!plain) return undefined;
  const crlf = plain.crlf;
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

/**
 * The rows of a UTF-8 text (valid, without a byte order mark: as text/decode.ts decodes it) as
 * `internFields` reads its decoded text, with every row after the first (the header) that repeats
 * an earlier one byte for byte (so character for character) counted, not kept: the header and the
 * distinct rows in order of first appearance (`rows`, each with the file line of its first
 * appearance), and how many rows each stands for (`count`; the header's is 1). A rating matrix of
 * a million units holds a few thousand distinct rows, and bytes are read faster than characters.
 * Undefined where `internFields` is (a double quote, CRLF and LF mixed, a byte order mark) and when
 * the rows are mostly distinct (more than half of them after the first 4,096: this then saves
 * nothing, and the caller reads the fields).
 */
export function internDistinctRows(bytes: Uint8Array, delimiter: string): { rows: InternedRows; count: Float64Array } | undefined {
  const N = bytes.length;
  // The conditions of internFields, on the bytes: in UTF-8 these bytes are those characters only.
  if (N >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return undefined;
  if (bytes.indexOf(QUOTE) >= 0) return undefined;
  const crlf = bytes.indexOf(RETURN) >= 0;
  if (crlf) {
    for (let i = bytes.indexOf(RETURN); i >= 0; i = bytes.indexOf(RETURN, i + 1)) if (bytes[i + 1] !== NEWLINE) return undefined;
    for (let i = bytes.indexOf(NEWLINE); i >= 0; i = bytes.indexOf(NEWLINE, i + 1)) if (bytes[i - 1] !== RETURN) return undefined;
  }
  // Distinct rows: their spans, file lines, hashes and counts; an open-addressing table of their indices.
  // Sized for the distinct rows of four coders' values out of ten and missing (11^4): no growing then.
  let cap = 16384;
  let starts = new Int32Array(cap);
  let ends = new Int32Array(cap);
  let lines = new Int32Array(cap);
  let hashes = new Int32Array(cap);
  // The last 12 bytes of each distinct row (its line end's CR included), in three words: the whole row when it is no longer.
  let key0 = new Int32Array(cap);
  let key1 = new Int32Array(cap);
  let key2 = new Int32Array(cap);
  let counts = new Float64Array(cap);
  // The distinct rows' bytes side by side (compared there: near one another, not all over the text).
  let pool = new Uint8Array(cap * 16);
  let poolStart = new Int32Array(cap);
  let pooled = 0;
  let distinct = 0;
  let mask = 2 * cap - 1;
  let slots = new Int32Array(mask + 1).fill(-1);
  let rows = 0;
  let I = 0;
  let line = 0;
  while (I < N) {
    line++;
    // The line's end, its hash (FNV-1a) and its last 12 bytes in one pass.
    let h = 0x811c9dc5 | 0;
    let k0 = 0;
    let k1 = 0;
    let k2 = 0;
    let nl = I;
    for (; nl < N; nl++) {
      const c = bytes[nl]!;
      if (c === NEWLINE) break;
      h = Math.imul(h ^ c, 0x01000193);
      k2 = (k2 << 8) | (k1 >>> 24);
      k1 = (k1 << 8) | (k0 >>> 24);
      k0 = (k0 << 8) | c;
    }
    // Rows of up to 12 bytes are equal when their lengths and words are; longer ones are compared byte by byte.
    const short = nl - I <= 12;
    const end = crlf && nl < N ? nl - 1 : nl;
    // An empty line is no row; the first row (the header) is never merged with another. CRLF: the hash took the CR too, the comparison does not need it.
    if (end > I) {
      rows++;
      let found = -1;
      let slot = h & mask;
      if (rows > 1) {
        for (;;) {
          const d = slots[slot]!;
          if (d < 0) break;
          if (hashes[d] === h && ends[d]! - starts[d]! === end - I && key0[d] === k0 && key1[d] === k1 && key2[d] === k2) {
            if (short) {
              found = d;
              break;
            }
            let a = poolStart[d]!;
            let b = I;
            while (b < end && pool[a] === bytes[b]) {
              a++;
              b++;
            }
            if (b === end) {
              found = d;
              break;
            }
          }
          slot = (slot + 1) & mask;
        }
      }
      if (found >= 0) counts[found]!++;
      else {
        if (distinct === cap) {
          cap *= 2;
          const i32 = (a: Int32Array): Int32Array<ArrayBuffer> => {
            const b = new Int32Array(cap);
            b.set(a);
            return b;
          };
          starts = i32(starts);
          poolStart = i32(poolStart);
          ends = i32(ends);
          lines = i32(lines);
          hashes = i32(hashes);
          key0 = i32(key0);
          key1 = i32(key1);
          key2 = i32(key2);
          const c = new Float64Array(cap);
          c.set(counts);
          counts = c;
        }
        if (pooled + (end - I) > pool.length) {
          const grown = new Uint8Array(Math.max(pool.length * 2, pooled + (end - I)));
          grown.set(pool.subarray(0, pooled));
          pool = grown;
        }
        pool.set(bytes.subarray(I, end), pooled);
        poolStart[distinct] = pooled;
        pooled += end - I;
        starts[distinct] = I;
        ends[distinct] = end;
        lines[distinct] = line;
        hashes[distinct] = h;
        key0[distinct] = k0;
        key1[distinct] = k1;
        key2[distinct] = k2;
        counts[distinct] = 1;
        // The header (index 0) is in no slot.
        if (rows > 1) slots[slot] = distinct;
        distinct++;
        if (distinct * 2 > mask) {
          mask = mask * 2 + 1;
          slots = new Int32Array(mask + 1).fill(-1);
          for (let d = 1; d < distinct; d++) {
            let at = hashes[d]! & mask;
            while (slots[at]! >= 0) at = (at + 1) & mask;
            slots[at] = d;
          }
        }
        if (rows > 4096 && distinct * 2 > rows) return undefined;
      }
    }
    I = nl + 1;
  }
  // The kept rows decoded one by one, their fields split and interned as internFields splits them.
  const D = delimiter.charCodeAt(0);
  // ignoreBOM: a U+FEFF that begins a row is a character of it, as in the whole decoded text.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const interner = new Interner('');
  const fields = new Int32List(distinct * 4);
  const rowStart = new Int32Array(distinct + 1);
  for (let d = 0; d < distinct; d++) {
    rowStart[d] = fields.n;
    const text = decoder.decode(bytes.subarray(starts[d]!, ends[d]!));
    interner.setText(text);
    const end = text.length;
    let j = 0;
    for (let k = 0; k <= end; k++) {
      if (k === end || text.charCodeAt(k) === D) {
        fields.push(interner.span(j, k));
        j = k + 1;
      }
    }
  }
  rowStart[distinct] = fields.n;
  return { rows: { values: interner.values, rowStart, fields: fields.done(), lines: lines.slice(0, distinct) }, count: counts.slice(0, distinct) };
}
