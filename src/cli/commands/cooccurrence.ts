import { cooccurrence } from '../../core/matrix/cooccurrence.js';
import type { Context } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { fixed, renderTable, TABLE_FORMATS } from '../render.js';
import { scope } from './matrix.js';

/** qualwave cooccurrence: code x code counts of units carrying both, or their Jaccard index. */
export async function run(ctx: Context): Promise<number> {
  const format = ctx.format(TABLE_FORMATS, 'table');
  const study = await ctx.study();
  const s = scope(ctx, study, { decimals: 2 });
  const unit = (ctx.opts['unit'] ?? 'segment') as string;
  if (unit !== 'segment' && unit !== 'document') throw new UsageError(`--unit ${unit}: use segment or document`);
  const r = cooccurrence(s.cs, { unit, rows: (ctx.opts['rows'] ?? 'code') as 'theme' | 'code' });
  if (format === 'json') {
    ctx.emit(JSON.stringify({ coder: s.coder, ...r, jaccard: r.jaccard.map((row) => row.map((x) => (x === null ? null : Number(x.toFixed(s.decimals))))) }, null, 2));
    return EXIT.ok;
  }
  const jaccard = ctx.opts['jaccard'] === true;
  ctx.emit(
    renderTable(
      ctx,
      {
        title: `${jaccard ? 'Jaccard index' : `${unit === 'segment' ? 'Segments' : 'Documents'} coded with both`} (coder ${s.coder}; the diagonal: coded at all)`,
        columns: [{ header: 'code' }, ...r.codes.map((c) => ({ header: c.id, align: 'right' as const }))],
        rows: r.codes.map((c, i) => [c.id, ...r.codes.map((_, j) => (jaccard ? fixed(r.jaccard[i]![j]!, s.decimals) : r.counts[i]![j]!))]),
      },
      format,
    ),
  );
  return EXIT.ok;
}
