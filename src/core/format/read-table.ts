import { parse } from 'csv-parse/sync';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { decodeText } from '../text/decode.js';

/**
 * The one reader of delimited tables: every CSV/TSV input qualwave takes (participants.csv, the
 * interchange CSV of codings import, reconcile's decisions file, agree's --matrix, --long,
 * --counts, --contingency and --weights) goes through here. csv-parse underneath (RFC 4180
 * quoting, quoted fields over several lines); a UTF-8 BOM is dropped (another encoding is refused
 * with how to convert it); blank lines are skipped; the delimiter is the one of `,` `;` and tab that the header
 * line uses most (outside quotes), so a spreadsheet's semicolons (French or German locales) and
 * a TSV read as they were written. Problems come back as diagnostics with file:line.
 */
export type Delimiter = ',' | ';' | '\t';

export interface TableRow {
  cells: string[];
  /** The line the row starts on (1-based). */
  line: number;
}

export interface DelimitedTable {
  header: string[];
  rows: TableRow[];
  delimiter: Delimiter;
}

export interface ReadOptions {
  /** Trim spaces around every cell (participants, codings import). */
  trim?: boolean;
  /** The delimiter, when the format fixes it (default: detected from the header line). */
  delimiter?: Delimiter;
  /** What the file is, for the hint of a parse error. */
  hint?: string;
}

/** The delimiter the header line uses most, outside quoted fields (`,` when it uses none). */
export function detectDelimiter(text: string): Delimiter {
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && (c === ',' || c === ';' || c === '\t')) counts[c]++;
  }
  const best = (['\t', ';', ','] as const).reduce<Delimiter>((b, d) => (counts[d] > counts[b] ? d : b), ',');
  return best;
}

/**
 * `detectDelimiter` of the text that UTF-8 bytes without a byte order mark decode to, read on the
 * bytes (no text made): the characters it looks at (`"`, `,`, `;`, tab, CR, LF) are single bytes in
 * UTF-8 that no other character's bytes contain, so it meets them in the same order
 * (tests/unit/read-table.delimiter.property.test.ts).
 */
export function detectDelimiterBytes(bytes: Uint8Array): Delimiter {
  let comma = 0;
  let semicolon = 0;
  let tab = 0;
  let quoted = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 34) quoted = !quoted;
    else if (!quoted && (c === 10 || c === 13)) break;
    else if (!quoted && c === 44) comma++;
    else if (!quoted && c === 59) semicolon++;
    else if (!quoted && c === 9) tab++;
  }
  // As detectDelimiter's reduce over tab, semicolon and comma from ',' (a count must be strictly larger to win).
  let best: Delimiter = ',';
  let most = comma;
  if (tab > most) {
    best = '\t';
    most = tab;
  }
  return semicolon > most ? ';' : best;
}

/** A delimited table from text; a parse error (an unclosed quote...) is a diagnostic at its line. */
export function parseTable(text: string, file: string, opts: ReadOptions = {}): { table: DelimitedTable; diagnostic?: undefined } | { table?: undefined; diagnostic: Diagnostic } {
  const delimiter = opts.delimiter ?? detectDelimiter(text);
  const options = { delimiter, bom: true, relax_column_count: true, skip_empty_lines: true, trim: opts.trim === true };
  try {
    // Without a double quote no record spans lines: each record is one non-empty line, and its
    // line number is found by a scan (csv-parse's per-record info costs four times the parse).
    // The scan must find as many lines as csv-parse found records, else the general path runs.
    if (text.indexOf('"') < 0) {
      const records = parse(text, options) as string[][];
      const lines = recordLines(text);
      if (lines.length === records.length)
        return {
          table: tableOf(
            records.map((cells, i) => ({ cells, line: lines[i]! })),
            delimiter,
          ),
        };
    }
    const records = parse(text, { ...options, info: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
    // csv-parse counts the line a record ends on; a quoted field over several lines starts earlier.
    return {
      table: tableOf(
        records.map(({ record, info }) => ({ cells: record, line: info.lines - record.reduce((n, f) => n + newlines(f), 0) })),
        delimiter,
      ),
    };
  } catch (e) {
    const err = e as Error & { lines?: number; code?: string };
    if (typeof err.code !== 'string' || !err.code.startsWith('CSV_')) throw e;
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
      // The line of the record the quote opened in: after the records read whole.
      const before = Buffer.from(text.replace(/^\ufeff/, ''), 'utf8').subarray(0, (e as { bytes_records?: number }).bytes_records ?? 0);
      return { diagnostic: error(file, 1 + newlines(before.toString('utf8')), 'cannot read CSV: a double quote opened in this row is never closed', opts.hint ?? 'close the quote, or double a quote that is part of the text ("")') };
    }
    return { diagnostic: error(file, err.lines, `cannot read ${delimiter === '\t' ? 'TSV' : 'CSV'}: ${err.message.replace(/ at line \d+$/, '').replace(/^Invalid Record Length: /, '')}`, opts.hint ?? 'check for an unclosed double quote; quote values that contain the separator') };
  }
}

function tableOf(rows: TableRow[], delimiter: Delimiter): DelimitedTable {
  const [head, ...body] = rows;
  return { header: head?.cells ?? [], rows: body, delimiter };
}

/** The 1-based numbers of the non-empty lines (LF, CRLF or CR endings). */
function recordLines(text: string): number[] {
  const out: number[] = [];
  let line = 1;
  let empty = true;
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      if (!empty) out.push(line);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      line++;
      empty = true;
    } else empty = false;
  }
  if (!empty) out.push(line);
  return out;
}

/** A delimited table from a file's bytes: decoded (UTF-8; anything else refused with how to convert), then parsed. */
export function readTable(bytes: Uint8Array, file: string, opts: ReadOptions = {}): { table: DelimitedTable; diagnostic?: undefined } | { table?: undefined; diagnostic: Diagnostic } {
  const decoded = decodeText(bytes, file);
  if (!decoded.ok) return { diagnostic: decoded.diagnostic };
  return parseTable(decoded.text, file, opts);
}

function newlines(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}
