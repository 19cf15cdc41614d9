import { renderDelimited, renderHtml, renderLatex, renderMarkdown, renderTerminal, type Table } from '../core/format/table.js';

/** What a table renderer needs from the command line: caption, label, the CSV guard, colours, width. */
export interface TableContext {
  opts: { caption?: string | undefined; label?: string | undefined; csvRaw?: boolean; format?: unknown };
  out: { bold(x: string): string; dim(x: string): string };
  width: number | undefined;
}

type TableFormat = 'table' | 'csv' | 'tsv' | 'md' | 'latex' | 'html';

/**
 * The renderer registry: each table format and the writer that turns a Table into it, with the
 * common options (--caption and --label for LaTeX and HTML's caption, --csv-raw to keep
 * formula-like cells as they are). JSON is each command's own (its result, not a table).
 */
export const TABLE_RENDERERS: Record<TableFormat, (table: Table, ctx: TableContext) => string> = {
  md: (table, ctx) => renderMarkdown(ctx.opts.caption ? { ...table, title: ctx.opts.caption } : table),
  latex: (table, ctx) => renderLatex(table, { ...(ctx.opts.caption ? { caption: ctx.opts.caption } : {}), ...(ctx.opts.label ? { label: ctx.opts.label } : {}) }),
  html: (table, ctx) => renderHtml(table, ctx.opts.caption ? { caption: ctx.opts.caption } : {}),
  csv: (table, ctx) => renderDelimited(table, ',', { raw: ctx.opts.csvRaw === true }),
  tsv: (table, ctx) => renderDelimited(table, '\t', { raw: ctx.opts.csvRaw === true }),
  table: (table, ctx) => {
    const style = { bold: (x: string) => ctx.out.bold(x), dim: (x: string) => ctx.out.dim(x) };
    return renderTerminal(table, ctx.width ? { style, maxWidth: ctx.width } : { style });
  },
};

/** A table in any of the manuscript formats. */
export function renderTable(ctx: TableContext, table: Table, format: string): string {
  const render = TABLE_RENDERERS[format as TableFormat];
  if (!render) throw new Error(`internal: no table renderer for ${format}`);
  return render(table, ctx);
}

export { fixed } from '../core/format/table.js';
