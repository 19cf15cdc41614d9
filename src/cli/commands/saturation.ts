import { saturation } from '../../api/analyses.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { renderTable } from '../render.js';
import { scopeOf } from './matrix.js';

/** qualwave saturation: new codes per interview, in interview order, with a chart in the terminal. */
export async function run(ctx: Ctx<'saturation'>): Promise<number> {
  const format = ctx.format;
  const study = await ctx.study();
  const rows = ctx.opts.rows;
  const { coder, steps } = saturation(study, { ...scopeOf(ctx.opts), rows });
  const s = { coder };
  if (format === 'json') {
    ctx.emit(JSON.stringify({ coder: s.coder, rows, steps }, null, 2));
    return EXIT.ok;
  }
  const total = steps.at(-1)?.cumulative ?? 0;
  const chart = format === 'table';
  const width = 30;
  const bar = (n: number) => '█'.repeat(total ? Math.round((n / total) * width) : 0);
  ctx.emit(
    renderTable(
      ctx,
      {
        title: `Saturation: new ${rows}s by interview, in interview order (coder ${s.coder})`,
        columns: [{ header: '#', align: 'right' }, { header: 'interview' }, { header: 'date' }, { header: 'new', align: 'right' }, { header: 'total', align: 'right' }, ...(chart ? [{ header: `cumulative (of ${total})` }] : [{ header: 'new codes' }])],
        rows: steps.map((x) => [x.order, `${x.participant} ${x.wave}`, x.date ?? '', x.newCodes.length, x.cumulative, chart ? bar(x.cumulative) : x.newCodes.join(' ')]),
      },
      format,
    ),
  );
  const last = steps.findLastIndex((x) => x.newCodes.length > 0);
  if (last >= 0) ctx.info(`the last new ${rows} appeared in interview ${last + 1} of ${steps.length} (${steps[last]!.participant} ${steps[last]!.wave})`);
  return EXIT.ok;
}
