import { report } from '../../api/report.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { refuseUnlessPseudonymised } from '../pseudonymised.js';

/** qualwave report: the self-contained HTML report (src/api/report.ts). */
export async function run(ctx: Ctx<'report'>): Promise<number> {
  const o = ctx.opts;
  const study = await ctx.study();
  await refuseUnlessPseudonymised(study, 'the report');
  ctx.emit(await report(study, { ...(o.coder !== undefined ? { coder: o.coder } : {}), stamp: o.stamp, width: o.width, fontSize: o.fontSize, onNote: (m, warning) => ctx.info(warning ? ctx.err.yellow(m) : m) }));
  return EXIT.ok;
}
