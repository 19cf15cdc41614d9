import { renderDelimited, renderMarkdown, renderTerminal, type Table } from '../../core/format/table.js';
import { summary } from '../../api/analyses.js';
import { attritionTable, codebookTable, participationTable, speakersTable, summaryTable, wavesTable } from '../../core/summary/tables.js';
import type { Ctx } from '../context.js';
import { renderTable } from '../render.js';
import { plural } from '../report.js';

/**
 * qualwave summary: participation, per-wave counts, attrition and the codebook outline; with
 * --speakers, every transcript's speakers too (always in JSON).
 */
export async function run(ctx: Ctx<'summary'>, studyArg?: string): Promise<number> {
  const format = ctx.format;
  const study = await ctx.study(studyArg);
  const s = summary(study);
  if (format === 'json') {
    ctx.emit(JSON.stringify(s, null, 2));
    return 0;
  }
  if (format === 'csv' || format === 'tsv') {
    ctx.emit(renderDelimited(summaryTable(s, ctx.opts.table), format === 'csv' ? ',' : '\t'));
    return 0;
  }
  const tables: Table[] = [participationTable(s), wavesTable(s)];
  if (s.attrition.length > 0) tables.push(attritionTable(s));
  tables.push(codebookTable(s));
  if (ctx.opts.speakers) tables.push(speakersTable(s.documents));
  const counts = `${plural(s.totals.interviewed, 'participant')}, ${plural(s.waves.length, 'wave')}, ${plural(s.totals.documents, 'transcript')}, ${plural(s.totals.words, 'word')}; codebook of ${plural(s.totals.themes, 'theme')} and ${plural(s.totals.codes, 'code')}`;
  if (format === 'docx') {
    for (const t of tables) renderTable(ctx, t, 'docx');
    return 0;
  }
  if (format === 'md') {
    ctx.emit([`# ${s.title}`, '', `${counts}.`, '', ...tables.map(renderMarkdown)].join('\n'));
    return 0;
  }
  const heading = `${s.title}: ${counts}`;
  const width = ctx.width;
  const style = { bold: (x: string) => ctx.out.bold(x), dim: (x: string) => ctx.out.dim(x) };
  ctx.emit([ctx.out.bold(heading), '', ...tables.map((t) => renderTerminal(t, width ? { style, maxWidth: width } : { style }))].join('\n'));
  return 0;
}
