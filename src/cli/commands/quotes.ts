import { escapeMarkdown, htmlCommentText } from '../../core/format/escape.js';
import { escapeLatex } from '../../core/format/latex.js';
import type { Table } from '../../core/format/table.js';
import type { Quote, QuoteCell } from '../../core/quotes/select.js';
import { quotes } from '../../api/analyses.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { renderTable, warnLatex } from '../render.js';
import { scopeOf } from './matrix.js';

/** qualwave quotes: the best candidate quotes per theme and wave, attributed and traceable. */
export async function run(ctx: Ctx<'quotes list'>): Promise<number> {
  const o = ctx.opts;
  const format = o.format;
  const study = await ctx.study();
  const only = [...(o.theme ?? []), ...(o.code ?? [])];
  const rows = o.code !== undefined ? 'code' : o.rows;
  const { coder, cells, minWords, maxWords } = await quotes(study, { ...scopeOf(o), rows, perCell: o.perCell, minWords: o.minWords, maxWords: o.maxWords, repeatParticipants: o.repeat, clean: o.clean, ...(only.length ? { only } : {}) });
  const s = { coder };
  const explain = ctx.opts.explain === true;
  const title = `Exemplar quotes: ${study.config.title}`;
  switch (format) {
    case 'json':
      ctx.emit(JSON.stringify({ coder: s.coder, rows, cells }, null, 2));
      break;
    case 'docx': {
      const { quotesDocx } = await import('../../io/docx-write.js');
      ctx.emitBytes(await quotesDocx(title, cells), 'a Word document', 'quotes.docx');
      break;
    }
    case 'md':
      ctx.emit(markdown(title, cells, explain));
      break;
    case 'latex': {
      const tex = latex(cells);
      warnLatex(ctx, tex);
      ctx.emit(tex);
      break;
    }
    default:
      ctx.emit(renderTable(ctx, quoteTable(cells, explain || format !== 'table', format === 'table'), format));
  }
  const total = cells.reduce((n, c) => n + c.quotes.length, 0);
  const empty = cells.filter((c) => c.quotes.length === 0 && c.candidates > 0).length;
  ctx.info(`${total} quote${total === 1 ? '' : 's'} for ${cells.length} cells (coder ${s.coder})${empty ? `; ${empty} cells had passages but none in the ${minWords}-${maxWords} word window` : ''}`);
  return EXIT.ok;
}

const where = (q: Quote) => `${q.file}:${q.lines}`;

function markdown(title: string, cells: QuoteCell[], explain: boolean): string {
  // Transcript text, labels and attributions are data: escaped so that Markdown (or HTML in it)
  // in a transcript shows as typed and never runs when the file is rendered.
  const md = (s: string): string => escapeMarkdown(s.replace(/\s*\r?\n\s*/g, ' '));
  const out = [`# ${md(title)}`, ''];
  let row = '';
  for (const cell of cells) {
    if (cell.row !== row) {
      row = cell.row;
      out.push(`## ${md(cell.rowLabel)}`, '');
    }
    out.push(`### ${md(cell.waveLabel)}`, '');
    if (cell.quotes.length === 0) out.push(`*No quote in the length window (${cell.candidates} coded passages).*`, '');
    for (const q of cell.quotes) {
      out.push(`> ${md(`${q.text} ${q.attribution}`)}`, '');
      // The source travels with the quote, invisible once rendered.
      out.push(`<!-- ${htmlCommentText(`${where(q)} · ${q.segment} · ${q.codes.join(', ')}${q.trimmed ? ' · trimmed' : ''}`)} -->`, '');
      if (explain) out.push(`*rank ${q.rank}: ${q.score.exemplar ? 'exemplar, ' : ''}centrality ${q.score.centrality.toFixed(3)}, other themes ${q.score.otherThemes}, score ${q.score.final.toFixed(3)}, ${q.words} words*`, '');
    }
  }
  return out.join('\n');
}

function latex(cells: QuoteCell[]): string {
  const out: string[] = [];
  let row = '';
  for (const cell of cells) {
    if (cell.row !== row) {
      row = cell.row;
      out.push(`\\subsection*{${escapeLatex(cell.rowLabel)}}`);
    }
    out.push(`\\paragraph{${escapeLatex(cell.waveLabel)}}`);
    for (const q of cell.quotes) {
      // The source as a comment: one line, whatever the file name holds.
      out.push('\\begin{quote}', `${escapeLatex(q.text)} ${escapeLatex(q.attribution)}`, `% ${`${where(q)} ${q.segment}`.replace(/[\r\n\u2028\u2029]+/g, ' ')}`, '\\end{quote}');
    }
  }
  return out.join('\n') + '\n';
}

function quoteTable(cells: QuoteCell[], full: boolean, compact: boolean): Table {
  const rows = cells.flatMap((c) => c.quotes);
  return {
    columns: ['theme', 'wave', 'rank', 'quote', 'attribution', 'where', ...(full ? ['segment', 'codes', 'exemplar', 'centrality', 'other themes', 'score', 'words', 'original'] : [])].map((header) => ({ header })),
    rows: rows.map((q) => [q.row, q.wave, q.rank, compact ? q.text.replace(/\s+/g, ' ') : q.text, q.attribution, where(q), ...(full ? [q.segment, q.codes.join(' '), q.score.exemplar ? 'yes' : '', q.score.centrality, q.score.otherThemes, q.score.final, q.words, q.original] : [])]),
  };
}
