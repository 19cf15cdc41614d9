import { cooccurrence } from '../../api/analyses.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { fixed, renderTable } from '../render.js';
import { scopeOf } from './matrix.js';

/** qualwave cooccurrence: code x code counts of units carrying both, or their Jaccard index. */
export async function run(ctx: Ctx<'cooccurrence'>): Promise<number> {
  const format = ctx.format;
  const study = await ctx.study();
  const unit = ctx.opts.unit;
  const r = cooccurrence(study, { ...scopeOf(ctx.opts), unit, rows: ctx.opts.rows });
  const s = { coder: r.coder, decimals: ctx.opts.decimals };
  if (format === 'json') {
    const { coder: _coder, ...rest } = r;
    ctx.emit(JSON.stringify({ coder: s.coder, ...rest, jaccard: r.jaccard.map((row) => row.map((x) => (x === null ? null : Number(x.toFixed(s.decimals))))) }, null, 2));
    return EXIT.ok;
  }
  const jaccard = ctx.opts.jaccard === true;
  ctx.emit(
    renderTable(
      ctx,
      {
        title: `${jaccard ? 'Jaccard index' : `${unit === 'segment' ? 'Segments' : 'Documents'} coded with both`} (coder ${s.coder}; the diagonal: coded at all)`,
        columns: [{ header: 'code' }, ...r.codes.map((c) => ({ header: c.id, align: 'right' as const }))],
        rows: r.codes.map((c, i) => [c.id, ...(jaccard ? r.jaccard[i]!.map((x) => fixed(x, s.decimals)) : r.counts[i]!)]),
      },
      format,
    ),
  );
  return EXIT.ok;
}
