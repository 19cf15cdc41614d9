import { escapeMarkdown, guardCsvCell, markdownCell, terminalText } from '../../src/core/format/escape.js';
import { maxOf } from '../../src/core/arrays.js';
// (CSV/TSV as csv-stringify writes them: stringifyCsv is now qualwave's own, checked against it.)
import { displayWidth, formatNumber, stringifyWithLibrary as stringifyCsv, type Cell, type Style, type Table } from '../../src/core/format/table.js';

/**
 * The table renderers as they were before they wrote in pieces (main at 2623904), whole: the
 * oracle of the property tests of the pieces (tests/unit/listing-pieces.test.ts).
 */
const cellText = (c: Cell): string => (typeof c === 'number' ? formatNumber(c) : c);
const plain: Style = { bold: (s) => s, dim: (s) => s };
function truncate(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  let out = '';
  for (const ch of s) {
    if (displayWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return out + '…';
}

export function renderMarkdown(table: Table): string {
  // Markdown-inert cells on one line, without control characters (escape.ts).
  const esc = (s: string): string => markdownCell(terminalText(s, { oneLine: true }));
  const out: string[] = [];
  if (table.title) out.push(`**${esc(table.title)}**`, '');
  out.push(`| ${table.columns.map((c) => esc(c.header)).join(' | ')} |`);
  out.push(`|${table.columns.map((c) => (c.align === 'right' ? ' ---: ' : c.align === 'center' ? ' :---: ' : ' --- ')).join('|')}|`);
  const strong = (s: string, k: number): string => (table.bold?.[k] && s.trim() !== '' ? `${s.match(/^\s*/)![0]}**${s.trim().replace(/([*_])/g, '\\$1')}**` : s);
  [...table.rows, ...(table.footer ?? [])].forEach((r, k) => out.push(`| ${r.map((c, i) => (i === 0 ? strong(esc(cellText(c)), k) : esc(cellText(c)))).join(' | ')} |`));
  // Notes as one paragraph, a hard line break ("  ") between them.
  if (table.notes?.length) out.push('', table.notes.map((n) => escapeMarkdown(terminalText(n, { oneLine: true }))).join('  \n'));
  return out.join('\n') + '\n';
}
export function renderDelimited(table: Table, delimiter: ',' | '\t', opts: { raw?: boolean } = {}): string {
  const safe = (c: Cell): string => (typeof c === 'number' ? String(c) : guardCsvCell(c, opts.raw));
  const records = [table.columns.map((c) => safe(c.header)), ...[...table.rows, ...(table.footer ?? [])].map((r) => r.map(safe))];
  return stringifyCsv(records, delimiter);
}

// The terminal table as it was (main at 2623904).
export function renderTerminal(table: Table, opts: { style?: Style; maxWidth?: number } = {}): string {
  const style = opts.style ?? plain;
  // User text never reaches the terminal with its control characters or escape sequences (a
  // number's text has none: digits, sign, point).
  const cellText = (c: Cell): string => (typeof c === 'number' ? formatNumber(c) : terminalText(c, { oneLine: true }));
  // Each cell's text and width found once (rows, then footer rows).
  const all = [...table.rows, ...(table.footer ?? [])].map((r) => r.map(cellText));
  const allWidths = all.map((r) => r.map(displayWidth));
  const widths = table.columns.map((c, i) =>
    maxOf(
      allWidths.map((r) => r[i] ?? 0),
      displayWidth(c.header),
    ),
  );
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
  const line = (cells: string[], header = false, strong = false, cellWidths?: number[]): string =>
    cells
      .map((text, i) => {
        const col = table.columns[i]!;
        const w = cellWidths?.[i] ?? displayWidth(text);
        const t = w <= widths[i]! ? text : truncate(text, widths[i]!);
        const pad = widths[i]! - (t === text ? w : displayWidth(t));
        const align = header && col.align === 'right' ? 'right' : (col.align ?? 'left');
        const padded = align === 'right' ? ' '.repeat(pad) + t : align === 'center' ? ' '.repeat(Math.floor(pad / 2)) + t + ' '.repeat(Math.ceil(pad / 2)) : t + ' '.repeat(pad);
        return header || (strong && i === 0) ? style.bold(padded) : padded;
      })
      .join(' '.repeat(gap))
      .trimEnd();
  const out: string[] = [];
  if (table.title) out.push(style.bold(terminalText(table.title, { oneLine: true })));
  out.push(
    line(
      table.columns.map((c) => cellText(c.header)),
      true,
    ),
  );
  out.push(style.dim(widths.map((w) => '─'.repeat(w)).join(' '.repeat(gap))));
  table.rows.forEach((_, k) => out.push(line(all[k]!, false, table.bold?.[k] === true, allWidths[k]!)));
  if (table.footer && table.footer.length > 0) {
    out.push(style.dim(widths.map((w) => '─'.repeat(w)).join(' '.repeat(gap))));
    table.footer.forEach((_, k) => out.push(line(all[table.rows.length + k]!, false, false, allWidths[table.rows.length + k]!)));
  }
  if (table.notes?.length) out.push('', ...table.notes.map((n) => terminalText(n, { oneLine: true })));
  return out.join('\n') + '\n';
}
