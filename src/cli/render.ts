import { render, type Format } from '../api/render.js';
import { latexLayout, latexUnsupported } from '../core/format/latex.js';
import type { Table } from '../core/format/table.js';

/** What a table renderer needs from the command line: caption, label, the CSV guard, colours, width, warnings. */
export interface TableContext {
  opts: { caption?: string | undefined; label?: string | undefined; csvRaw?: boolean; format?: unknown };
  out: { bold(x: string): string; dim(x: string): string };
  err: { yellow(x: string): string };
  width: number | undefined;
  info(message: string): void;
  /** --format docx: a real Word table, collected and written as one .docx when the command has finished. */
  addWordTable(table: Table): void;
}

/** A table in any of the manuscript formats, through the renderer registry (src/api/render.ts). */
export function renderTable(ctx: TableContext, table: Table, format: string): string {
  if (format === 'docx') {
    ctx.addWordTable(ctx.opts.caption ? { ...table, title: ctx.opts.caption } : table);
    return '';
  }
  const style = { bold: (x: string) => ctx.out.bold(x), dim: (x: string) => ctx.out.dim(x) };
  const text = render(table, format as Format, { caption: ctx.opts.caption, label: ctx.opts.label, csvRaw: ctx.opts.csvRaw, style, width: ctx.width });
  if (format === 'latex') warnLatex(ctx, text, table);
  return text;
}

/**
 * What the user must know about a LaTeX output: characters the README's preamble cannot typeset
 * (kept as they are), and a table wider than even a turned page at \footnotesize.
 */
export function warnLatex(ctx: Pick<TableContext, 'err' | 'info'>, tex: string, table?: Table): void {
  const chars = latexUnsupported(tex);
  if (chars.length > 0) {
    const shown = chars.slice(0, 8).map((c) => `${c} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`);
    ctx.info(
      ctx.err.yellow(
        `warning: the LaTeX has ${chars.length} character${chars.length === 1 ? '' : 's'} that the README's minimal preamble cannot typeset: ${shown.join(', ')}${chars.length > 8 ? ', …' : ''} (kept as they are)\n  hint: compile with xelatex or lualatex and a font that has them (\\usepackage{fontspec}); for accented Latin letters with pdflatex, add \\usepackage[T1]{fontenc} and \\usepackage{lmodern}`,
      ),
    );
  }
  if (table && !latexLayout(table).fits) ctx.info(ctx.err.yellow('warning: the LaTeX table is wider than a turned page even in \\footnotesize: it sticks out of the text block\n  hint: leave out columns, shorten long words (code ids, file names), or split it into two tables'));
}

export { fixed } from '../core/format/table.js';
