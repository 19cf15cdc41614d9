import { renderDelimited, renderHtml, renderLatex, renderMarkdown, renderTerminal, type Table } from '../core/format/table.js';
import type { Context } from './context.js';

export const TABLE_FORMATS = ['table', 'csv', 'tsv', 'md', 'latex', 'json', 'html'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

/**
 * A table in any of the manuscript formats, with the common options: --caption and --label for
 * LaTeX (and HTML's caption), --csv-raw to keep formula-like cells as they are. JSON is each
 * command's own.
 */
export function renderTable(ctx: Context, table: Table, format: Exclude<TableFormat, 'json'>): string {
  const caption = ctx.opts['caption'] as string | undefined;
  switch (format) {
    case 'md':
      return renderMarkdown(caption ? { ...table, title: caption } : table);
    case 'latex': {
      const label = ctx.opts['label'] as string | undefined;
      return renderLatex(table, { ...(caption ? { caption } : {}), ...(label ? { label } : {}) });
    }
    case 'html':
      return renderHtml(table, caption ? { caption } : {});
    case 'csv':
    case 'tsv':
      return renderDelimited(table, format === 'csv' ? ',' : '\t', { raw: ctx.opts['csvRaw'] === true });
    default: {
      const width = process.stdout.isTTY && !ctx.opts.output ? process.stdout.columns : undefined;
      const style = { bold: (x: string) => ctx.out.bold(x), dim: (x: string) => ctx.out.dim(x) };
      return renderTerminal(table, width ? { style, maxWidth: width } : { style });
    }
  }
}

/** A number with fixed decimals (--decimals, default 1 for percentages). */
export function fixed(x: number | null, decimals: number): string {
  return x === null || !Number.isFinite(x) ? '—' : x.toFixed(decimals);
}
