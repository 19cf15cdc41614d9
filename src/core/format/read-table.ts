import { parse } from 'csv-parse/sync';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { decodeText } from '../text/decode.js';

/**
 * The one reader of delimited tables: every CSV/TSV input qualwave takes (participants.csv, the
 * interchange CSV of codings import, reconcile's decisions file, agree's --matrix, --long,
 * --counts, --contingency and --weights) goes through here. csv-parse underneath (RFC 4180
 * quoting, quoted fields over several lines); a UTF-8 BOM is dropped (UTF-16 with a BOM is
 * decoded); blank lines are skipped; the delimiter is the one of `,` `;` and tab that the header
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

/** A delimited table from text; a parse error (an unclosed quote...) is a diagnostic at its line. */
export function parseTable(text: string, file: string, opts: ReadOptions = {}): { table: DelimitedTable; diagnostic?: undefined } | { table?: undefined; diagnostic: Diagnostic } {
  const delimiter = opts.delimiter ?? detectDelimiter(text);
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { delimiter, info: true, bom: true, relax_column_count: true, skip_empty_lines: true, trim: opts.trim === true }) as unknown as typeof records;
  } catch (e) {
    const err = e as Error & { lines?: number };
    return { diagnostic: error(file, err.lines, `cannot read ${delimiter === '\t' ? 'TSV' : 'CSV'}: ${err.message.replace(/ at line \d+$/, '').replace(/^Invalid Record Length: /, '')}`, opts.hint ?? 'check for an unclosed double quote; quote values that contain the separator') };
  }
  // csv-parse counts the line a record ends on; a quoted field over several lines starts earlier.
  const rows = records.map(({ record, info }) => ({ cells: record, line: info.lines - record.reduce((n, f) => n + newlines(f), 0) }));
  const [head, ...body] = rows;
  return { table: { header: head?.cells ?? [], rows: body, delimiter } };
}

/** A delimited table from a file's bytes: decoded (UTF-8, or UTF-16 with a BOM), then parsed. */
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
