import { render, type Format } from '../api/render.js';
import type { Table } from '../core/format/table.js';

/** What a table renderer needs from the command line: caption, label, the CSV guard, colours, width. */
export interface TableContext {
  opts: { caption?: string | undefined; label?: string | undefined; csvRaw?: boolean; format?: unknown };
  out: { bold(x: string): string; dim(x: string): string };
  width: number | undefined;
}

/** A table in any of the manuscript formats, through the renderer registry (src/api/render.ts). */
export function renderTable(ctx: TableContext, table: Table, format: string): string {
  const style = { bold: (x: string) => ctx.out.bold(x), dim: (x: string) => ctx.out.dim(x) };
  return render(table, format as Format, { caption: ctx.opts.caption, label: ctx.opts.label, csvRaw: ctx.opts.csvRaw, style, width: ctx.width });
}

export { fixed } from '../core/format/table.js';
