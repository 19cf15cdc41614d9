import { reportPieces, reportTablesOf } from '../../api/report.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { refuseUnlessPseudonymised } from '../pseudonymised.js';
import { renderTable } from '../render.js';
import { poolWorkers } from '../../io/workers.js';

/** qualwave report: the self-contained HTML report (src/api/report.ts), or its tables as one Word document. */
export async function run(ctx: Ctx<'report'>): Promise<number> {
  const o = ctx.opts;
  const study = await ctx.study();
  await refuseUnlessPseudonymised(study, 'the report');
  const opts = { ...(o.coder !== undefined ? { coder: o.coder } : {}), stamp: o.stamp, workers: poolWorkers(ctx.io.env), width: o.width, fontSize: o.fontSize, onNote: (m: string, warning: boolean) => ctx.info(warning ? ctx.err.yellow(m) : m) };
  if (o.format === 'docx') {
    // The report's tables, the same ones, as one Word document.
    ctx.wordTitle = study.config.title;
    for (const t of await reportTablesOf(study, opts)) renderTable(ctx, t, 'docx');
    return EXIT.ok;
  }
  await ctx.emitTextPieces(await reportPieces(study, opts));
  return EXIT.ok;
}
