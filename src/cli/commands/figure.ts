import { figure, type FigureKind } from '../../api/figures.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { scopeOf } from './matrix.js';

/** qualwave figure KIND: an SVG for the manuscript, from the same results as the tables. */
export async function run(ctx: Ctx<'figure'>, kind: FigureKind): Promise<number> {
  const o = ctx.opts;
  const study = await ctx.study();
  ctx.emit(
    figure(study, kind, {
      ...scopeOf(o),
      ...(o.rows ? { rows: o.rows } : {}),
      ...(o.by !== undefined ? { by: o.by } : {}),
      ...(o.coders ? { coders: o.coders } : {}),
      coefficient: o.coefficient,
      resamples: o.resamples,
      seed: o.seed,
      width: o.width,
      fontSize: o.fontSize,
      ...(o.height !== undefined ? { height: o.height } : {}),
      ...(o.title !== undefined ? { title: o.title } : {}),
    }),
  );
  return EXIT.ok;
}
