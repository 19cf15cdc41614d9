import { stringify } from 'csv-stringify/sync';
import { escapeMarkdown, guardCsvCell, markdownCell, terminalText } from './escape.js';

/**
 * A table as every command produces it; rendered for the terminal, Markdown (pipe tables),
 * CSV or TSV. Cells are strings or numbers; numbers are right-aligned.
 */
export type Cell = string | number;

export interface Column {
  header: string;
  align?: 'left' | 'right' | 'center';
}

export interface Table {
  title?: string;
  columns: Column[];
  rows: Cell[][];
  /** Rows drawn after a rule (totals). */
  footer?: Cell[][];
  /**
   * Rows (by index in `rows`) whose first cell is a heading for the rows below it, such as a theme
   * above its sub-codes: bold in the terminal, Markdown, LaTeX and HTML (CSV/TSV say it in a column).
   */
  bold?: readonly boolean[];
  /** Notes under the table (what a mark such as † means): a line each, in every format but CSV/TSV. */
  notes?: readonly string[];
}

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
}

const plain: Style = { bold: (s) => s, dim: (s) => s };

function cellText(c: Cell): string {
  return typeof c === 'number' ? formatNumber(c) : c;
}

export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** Display width: counts code points (combining marks count zero). */
export function displayWidth(s: string): number {
  // Below U+0300 (ASCII, Latin-1, Latin Extended), every character is one column.
  let i = 0;
  while (i < s.length && s.charCodeAt(i) < 0x300) i++;
  if (i === s.length) return s.length;
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x300 && cp <= 0x36f) continue;
    w += cp >= 0x1100 && isWide(cp) ? 2 : 1;
  }
  return w;
}

function isWide(cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0x1f300 && cp <= 0x1faff);
}

/** `n` spaces (' '.repeat(n), made once for each n up to 64). */
const SPACES: string[] = [];
function spaces(n: number): string {
  if (n < 0 || n > 64) return ' '.repeat(n);
  return (SPACES[n] ??= ' '.repeat(n));
}

function truncate(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  let out = '';
  for (const ch of s) {
    if (displayWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return out + '…';
}

/**
 * A plain-text table for the terminal. When it is wider than `maxWidth`, the widest left-aligned
 * column is truncated with "…" until it fits (never below 8 characters).
 */
export function renderTerminal(table: Table, opts: { style?: Style; maxWidth?: number } = {}): string {
  const { rows, ...rest } = table;
  return [...renderTerminalPieces({ ...rest, rows: () => [rows] }, opts)].join('');
}

/**
 * The same in pieces, a run of rows at a time, in two passes over the rows (`rows` gives them
 * again each time it is called): the columns' widths from the first, which keeps no text, then
 * the lines. A long table is never held whole.
 */
export function* renderTerminalPieces(table: Omit<Table, 'rows'> & { rows: () => Iterable<Cell[][]> }, opts: { style?: Style; maxWidth?: number } = {}): Generator<string> {
  const style = opts.style ?? plain;
  // User text never reaches the terminal with its control characters or escape sequences (a
  // number's text has none: digits, sign, point).
  const cellText = (c: Cell): string => (typeof c === 'number' ? formatNumber(c) : terminalText(c, { oneLine: true }));
  const footer = (table.footer ?? []).map((r) => r.map(cellText));
  const widths = table.columns.map((c) => displayWidth(c.header));
  const n = widths.length;
  // (Cell by cell, without an array of texts per row: a table of 220 x 220 numbers is 48,400 cells.)
  const widen = (r: ArrayLike<Cell | undefined>, texts: boolean): void => {
    for (let i = 0; i < n; i++) {
      const c = r[i];
      const w = c === undefined ? 0 : !texts && typeof c === 'number' && Number.isInteger(c) ? String(c).length : displayWidth(texts ? (c as string) : cellText(c));
      if (w > widths[i]!) widths[i] = w;
    }
  };
  for (const run of table.rows()) for (const r of run) widen(r, false);
  for (const r of footer) widen(r, true);
  const gap = 2;
  const total = (): number => widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1);
  if (opts.maxWidth) {
    while (total() > opts.maxWidth) {
      let widest = -1;
      table.columns.forEach((c, i) => {
        if ((c.align ?? 'left') === 'left' && widths[i]! > 8 && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
      });
      if (widest < 0) break;
      widths[widest] = Math.max(8, widths[widest]! - (total() - opts.maxWidth));
    }
  }
  const aligns = table.columns.map((c) => c.align ?? 'left');
  const gapText = ' '.repeat(gap);
  // A row's cells as far as the row has them (as map() over the row gives them), each padded to its column.
  const line = (cells: ArrayLike<Cell>, texts: boolean, header = false, strong = false): string => {
    let out = '';
    for (let i = 0; i < cells.length; i++) {
      if (i > 0) out += gapText;
      // (A hole in a row is an empty cell, as join() writes it.)
      if (!(i in cells)) continue;
      // (A cell beyond the columns fails as before: a column is asked its alignment.)
      const a = i < n ? aligns[i]! : (table.columns[i]!.align ?? 'left');
      const c = cells[i]!;
      // (An integer's text is ASCII: its width is its length.)
      const int = !texts && typeof c === 'number' && Number.isInteger(c);
      const text = int ? String(c) : texts ? (c as string) : cellText(c);
      const w = int ? text.length : displayWidth(text);
      const t = w <= widths[i]! ? text : truncate(text, widths[i]!);
      const pad = widths[i]! - (t === text ? w : displayWidth(t));
      const align = header && a === 'right' ? 'right' : a;
      const padded = align === 'right' ? spaces(pad) + t : align === 'center' ? spaces(Math.floor(pad / 2)) + t + spaces(Math.ceil(pad / 2)) : t + spaces(pad);
      out += header || (strong && i === 0) ? style.bold(padded) : padded;
    }
    return out.trimEnd();
  };
  const head: string[] = [];
  if (table.title) head.push(style.bold(terminalText(table.title, { oneLine: true })));
  head.push(
    line(
      table.columns.map((c) => cellText(c.header)),
      true,
      true,
    ),
  );
  head.push(style.dim(widths.map((w) => '─'.repeat(w)).join(' '.repeat(gap))));
  yield head.join('\n') + '\n';
  let k = 0;
  for (const run of table.rows()) {
    if (run.length === 0) continue;
    const out: string[] = [];
    for (const r of run) out.push(line(r, false, false, table.bold?.[k++] === true));
    yield out.join('\n') + '\n';
  }
  const tail: string[] = [];
  if (footer.length > 0) {
    tail.push(style.dim(widths.map((w) => '─'.repeat(w)).join(' '.repeat(gap))));
    for (const r of footer) tail.push(line(r, true, false, false));
  }
  if (table.notes?.length) tail.push('', ...table.notes.map((n) => terminalText(n, { oneLine: true })));
  if (tail.length > 0) yield tail.join('\n') + '\n';
}

/** A Markdown pipe table (Pandoc and GitHub), with the title as a bold caption line. */
export function renderMarkdown(table: Table): string {
  return [...renderMarkdownPieces(wholeRuns(table))].join('');
}

/**
 * A table whose rows come a run at a time (one transcript's rows at a time), for a renderer that
 * writes them as they come; `runs` are the rows then the footer rows, `bold` indexes them all.
 */
export interface TableRuns extends Omit<Table, 'rows' | 'footer'> {
  runs: Iterable<Cell[][]>;
}

function wholeRuns(table: Table): TableRuns {
  const { rows, footer, ...rest } = table;
  return { ...rest, runs: [footer?.length ? [...rows, ...footer] : rows] };
}

/** The same in pieces: the header, then a run of rows at a time, then the notes. */
export function* renderMarkdownPieces(table: TableRuns): Generator<string> {
  // Markdown-inert cells on one line, without control characters (escape.ts).
  const esc = (s: string): string => markdownCell(terminalText(s, { oneLine: true }));
  const head: string[] = [];
  if (table.title) head.push(`**${esc(table.title)}**`, '');
  head.push(`| ${table.columns.map((c) => esc(c.header)).join(' | ')} |`);
  head.push(`|${table.columns.map((c) => (c.align === 'right' ? ' ---: ' : c.align === 'center' ? ' :---: ' : ' --- ')).join('|')}|`);
  yield head.join('\n') + '\n';
  const strong = (s: string, k: number): string => (table.bold?.[k] && s.trim() !== '' ? `${s.match(/^\s*/)![0]}**${s.trim().replace(/([*_])/g, '\\$1')}**` : s);
  let k = 0;
  for (const run of table.runs) {
    if (run.length === 0) continue;
    const out: string[] = [];
    for (const r of run) {
      out.push(`| ${r.map((c, i) => (i === 0 ? strong(esc(cellText(c)), k) : esc(cellText(c)))).join(' | ')} |`);
      k++;
    }
    yield out.join('\n') + '\n';
  }
  // Notes as one paragraph, a hard line break ("  ") between them.
  if (table.notes?.length) yield '\n' + table.notes.map((n) => escapeMarkdown(terminalText(n, { oneLine: true }))).join('  \n') + '\n';
}

/**
 * CSV (RFC 4180) or TSV via csv-stringify: header row then data rows; footer rows are included.
 * Text cells that a spreadsheet would run as a formula get the guard of escape.ts (a leading
 * apostrophe) unless `raw`; numbers are never touched.
 */
export function renderDelimited(table: Table, delimiter: ',' | '\t', opts: { raw?: boolean } = {}): string {
  return [...renderDelimitedPieces(wholeRuns(table), delimiter, opts)].join('');
}

/** The same in pieces: the header row, then a run of rows at a time. */
export function* renderDelimitedPieces(table: Pick<TableRuns, 'columns' | 'runs'>, delimiter: ',' | '\t', opts: { raw?: boolean } = {}): Generator<string> {
  const safe = (c: Cell): string => (typeof c === 'number' ? String(c) : guardCsvCell(c, opts.raw));
  yield stringifyCsv([table.columns.map((c) => safe(c.header))], delimiter);
  for (const run of table.runs)
    if (run.length)
      yield stringifyCsv(
        run.map((r) => r.map(safe)),
        delimiter,
      );
}

/**
 * Records as CSV/TSV. csv-stringify quotes a cell that holds the delimiter, a quote or a line
 * break; a bare carriage return is quoted too, so no reader can take it for the end of a row.
 */
export function stringifyCsv(records: string[][], delimiter: ',' | '\t' = ','): string {
  // What csv-stringify writes with these options, field by field (its own per field cost more
  // than the rest of a listing: 27 ms of a codings listing of 400 passages): a field holding the
  // delimiter, a quote, a line feed or a carriage return is quoted, its quotes doubled; each record
  // ends with a line feed. Anything but records of strings goes to csv-stringify itself.
  const quoted = delimiter === ',' ? QUOTED_CSV : QUOTED_TSV;
  let out = '';
  for (const r of records) {
    if (!Array.isArray(r) || r.length === 0) return stringifyWithLibrary(records, delimiter);
    for (let i = 0; i < r.length; i++) {
      const v = r[i];
      if (typeof v !== 'string' || !(i in r)) return stringifyWithLibrary(records, delimiter);
      if (i > 0) out += delimiter;
      out += quoted.test(v) ? '"' + v.replaceAll('"', '""') + '"' : v;
    }
    out += '\n';
  }
  return out;
}

const QUOTED_CSV = /[",\n\r]/;
const QUOTED_TSV = /["\t\n\r]/;

/** csv-stringify with the options stringifyCsv stands for. */
export function stringifyWithLibrary(records: string[][], delimiter: ',' | '\t' = ','): string {
  return stringify(records, { delimiter, record_delimiter: '\n', quoted_match: /\r/ });
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML[c]!);
}

/** An HTML table (a fragment to paste or include), every string escaped. */
export function renderHtml(table: Table, opts: { caption?: string } = {}): string {
  const cell = (tag: 'td' | 'th', c: Cell, col: Column | undefined, strong = false): string => {
    const align = col?.align && col.align !== 'left' ? ` style="text-align:${col.align}"` : '';
    const body = escapeHtml(cellText(c)).replace(/\n/g, '<br>');
    return `<${tag}${align}>${strong ? `<strong>${body}</strong>` : body}</${tag}>`;
  };
  const out = ['<table>'];
  const caption = opts.caption ?? table.title;
  if (caption) out.push(`<caption>${escapeHtml(caption)}</caption>`);
  out.push(`<thead><tr>${table.columns.map((c) => cell('th', c.header, c)).join('')}</tr></thead>`, '<tbody>');
  table.rows.forEach((r, k) => out.push(`<tr>${r.map((c, i) => cell('td', c, table.columns[i], i === 0 && table.bold?.[k] === true)).join('')}</tr>`));
  out.push('</tbody>');
  if (table.footer?.length) out.push(`<tfoot>${table.footer.map((r) => `<tr>${r.map((c, i) => cell('td', c, table.columns[i])).join('')}</tr>`).join('')}</tfoot>`);
  out.push('</table>');
  if (table.notes?.length) out.push(`<p class="table-notes">${table.notes.map((n) => escapeHtml(n)).join('<br>')}</p>`);
  return out.join('\n') + '\n';
}

/** A number with fixed decimals (--decimals), or — when there is none. */
export function fixed(x: number | null, decimals: number): string {
  return x === null || !Number.isFinite(x) ? '—' : x.toFixed(decimals);
}
