import { escapeMarkdown, guardCsvCell, markdownCell, terminalText } from '../../src/core/format/escape.js';
import { formatNumber, stringifyCsv, type Cell, type Table } from '../../src/core/format/table.js';

/**
 * The table renderers as they were before they wrote in pieces (main at 2623904), whole: the
 * oracle of the property tests of the pieces (tests/unit/listing-pieces.test.ts).
 */
const cellText = (c: Cell): string => (typeof c === 'number' ? formatNumber(c) : c);

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
