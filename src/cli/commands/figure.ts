import { studyAgreement } from '../../core/agreement/study.js';
import type { CoefficientName } from '../../core/agreement/report.js';
import { agreementFigure, heatmapFigure, participationFigure, saturationFigure, trajectoriesFigure } from '../../core/figures/figures.js';
import type { FigureOptions } from '../../core/figures/svg.js';
import { matrix } from '../../core/matrix/matrix.js';
import { saturation } from '../../core/matrix/saturation.js';
import { trajectories } from '../../core/matrix/trajectories.js';
import { summarise } from '../../core/summary/summary.js';
import { didYouMeanSuffix } from '../../core/text/suggest.js';
import type { Context } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { checkFilters, selectCoders } from '../filters.js';
import { timelineData, timelineFigure } from '../../core/figures/timeline.js';
import { scope } from './matrix.js';

export const KINDS = ['participation', 'timeline', 'heatmap', 'trajectories', 'saturation', 'agreement'] as const;
const COEFFICIENTS: Record<string, CoefficientName> = { alpha: 'krippendorffAlpha', kappa: 'cohenKappa', fleiss: 'fleissKappa', ac1: 'gwetAC1', bp: 'brennanPrediger', agreement: 'percentAgreement' };

/** qualwave figure KIND: an SVG for the manuscript, from the same results as the tables. */
export async function run(ctx: Context, kind: string): Promise<number> {
  if (!(KINDS as readonly string[]).includes(kind)) throw new UsageError(`no figure '${kind}'${didYouMeanSuffix(kind, KINDS)}`, `figures: ${KINDS.join(', ')}`);
  ctx.format(['svg'] as const, 'svg');
  const study = await ctx.study();
  const o = figureOptions(ctx);
  ctx.emit(await figure(ctx, study, kind as (typeof KINDS)[number], o));
  return EXIT.ok;
}

export function figureOptions(ctx: Context): FigureOptions {
  const num = (v: unknown, flag: string, fallback: number): number => {
    if (v === undefined) return fallback;
    const x = Number(v);
    if (!Number.isFinite(x) || x <= 0) throw new UsageError(`${flag} ${String(v)}: expected a positive number`);
    return x;
  };
  const o: FigureOptions = { width: num(ctx.opts['width'], '--width', 640), fontSize: num(ctx.opts['fontSize'], '--font-size', 11) };
  if (ctx.opts['height'] !== undefined) o.height = num(ctx.opts['height'], '--height', 400);
  if (typeof ctx.opts['title'] === 'string') o.title = ctx.opts['title'];
  return o;
}

export async function figure(ctx: Context, study: Parameters<typeof summarise>[0], kind: (typeof KINDS)[number], o: FigureOptions): Promise<string> {
  switch (kind) {
    case 'participation':
      return participationFigure(summarise(study), o);
    case 'timeline': {
      const waves = ctx.opts['wave'] as string[] | undefined;
      if (waves) checkFilters(study, { waves });
      const t = timelineData(study, waves ? { waves } : {});
      if (t.dated === 0) throw new UsageError('no interview has a date, so none can be placed in time', "add 'date: YYYY-MM-DD' to the transcripts' front matter (the participation figure needs no dates)");
      return timelineFigure(t, o);
    }
    case 'heatmap': {
      const s = scope(ctx, study, { decimals: 0 });
      const by = ctx.opts['by'] as string | undefined;
      return heatmapFigure(matrix(s.cs, { rows: s.rows, ...(by ? { by } : {}) }), o);
    }
    case 'trajectories': {
      const s = scope(ctx, study, { decimals: 0 });
      return trajectoriesFigure(trajectories(s.cs, { rows: s.rows }), o);
    }
    case 'saturation': {
      const s = scope(ctx, study, { decimals: 0 });
      return saturationFigure(saturation(s.cs, { rows: (ctx.opts['rows'] ?? 'code') as 'theme' | 'code' }), o);
    }
    case 'agreement': {
      const coders = selectCoders(study, ctx.opts['coders'] as string[] | undefined);
      const name = String(ctx.opts['coefficient'] ?? 'alpha');
      const coefficient = COEFFICIENTS[name];
      if (!coefficient) throw new UsageError(`--coefficient ${name}: use one of ${Object.keys(COEFFICIENTS).join(', ')}`);
      const rows = (ctx.opts['rows'] ?? 'code') as 'theme' | 'code';
      const data = studyAgreement(study, { coders, unit: 'segment', level: rows, resamples: Number(ctx.opts['resamples'] ?? 1000), seed: Number(ctx.opts['seed'] ?? 1) });
      return agreementFigure(data.rows, coefficient === 'cohenKappa' && coders.length > 2 ? 'fleissKappa' : coefficient, o);
    }
  }
}

