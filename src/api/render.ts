import { renderLatex } from '../core/format/latex.js';
import { renderDelimited, renderHtml, renderMarkdown, renderTerminal, type Table } from '../core/format/table.js';

/** The text formats a table renders to. */
export type Format = 'table' | 'md' | 'latex' | 'html' | 'csv' | 'tsv';

export interface RenderOptions {
  /** Caption (LaTeX, HTML) or title (Markdown). */
  caption?: string | undefined;
  /** LaTeX label, e.g. tab:themes. */
  label?: string | undefined;
  /** CSV/TSV: keep cells starting with = + - @ as they are (by default they get a leading apostrophe). */
  csvRaw?: boolean | undefined;
  /** The terminal table: styles for headers and rules, and the width to fit. */
  style?: { bold(x: string): string; dim(x: string): string };
  width?: number | undefined;
}

/**
 * The renderer registry: each format and the writer that turns a Table into it. The command
 * line renders every table through here (src/cli/render.ts), and so does `build` (the format an
 * output file's extension names). JSON is each result's own (JSON.stringify of the result).
 */
export const RENDERERS: Record<Format, (table: Table, o: RenderOptions) => string> = {
  md: (table, o) => renderMarkdown(o.caption ? { ...table, title: o.caption } : table),
  latex: (table, o) => renderLatex(table, { ...(o.caption ? { caption: o.caption } : {}), ...(o.label ? { label: o.label } : {}) }),
  html: (table, o) => renderHtml(table, o.caption ? { caption: o.caption } : {}),
  csv: (table, o) => renderDelimited(table, ',', { raw: o.csvRaw === true }),
  tsv: (table, o) => renderDelimited(table, '\t', { raw: o.csvRaw === true }),
  table: (table, o) => renderTerminal(table, { ...(o.style ? { style: o.style } : {}), ...(o.width ? { maxWidth: o.width } : {}) }),
};

/** A table in one of the formats. */
export function render(table: Table, format: Format, o: RenderOptions = {}): string {
  const writer = RENDERERS[format];
  if (!writer) throw new Error(`internal: no renderer for the format ${String(format)}`);
  return writer(table, o);
}
