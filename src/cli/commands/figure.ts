import { figure, type FigureKind } from '../../api/figures.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { scopeOf } from './matrix.js';

/** qualwave figure KIND: an SVG, PNG or PDF for the manuscript, from the same results as the tables. */
export async function run(ctx: Ctx<'figure'>, kind: FigureKind): Promise<number> {
  const o = ctx.opts;
  const study = await ctx.study();
  const svg = figure(study, kind, {
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
  });
  if (o.format === 'svg') ctx.emit(svg);
  else {
    // PNG and PDF: rendered here, with the bundled font (io/figures.ts; loaded only for them).
    const { svgToPdf, svgToPng } = await import('../../io/figures.js');
    ctx.emitBytes(o.format === 'png' ? await svgToPng(svg, { dpi: o.dpi }) : await svgToPdf(svg), o.format === 'png' ? 'a PNG image' : 'a PDF', `${kind}.${o.format}`);
  }
  return EXIT.ok;
}
