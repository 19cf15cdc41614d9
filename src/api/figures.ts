import type { CoefficientName } from '../core/agreement/report.js';
import { UsageError } from '../core/errors.js';
import { agreementFigure, heatmapFigure, participationFigure, saturationFigure, trajectoriesFigure } from '../core/figures/figures.js';
import { DEFAULT_FONT_SIZE, DEFAULT_WIDTH, type FigureOptions } from '../core/figures/svg.js';
import { timelineData, timelineFigure } from '../core/figures/timeline.js';
import type { Study } from '../core/study/types.js';
import { summarise } from '../core/summary/summary.js';
import { agreement, checkFilters, matrix, saturation, trajectories, type Rows, type Scope } from './analyses.js';

export const FIGURES = ['participation', 'timeline', 'heatmap', 'trajectories', 'saturation', 'agreement'] as const;
export type FigureKind = (typeof FIGURES)[number];

const COEFFICIENTS: Record<string, CoefficientName> = { alpha: 'krippendorffAlpha', kappa: 'cohenKappa', fleiss: 'fleissKappa', ac1: 'gwetAC1', bp: 'brennanPrediger', agreement: 'percentAgreement' };

export interface FigureRequest extends Scope, Partial<FigureOptions> {
  /** heatmap, trajectories: default theme; saturation, agreement: default code. */
  rows?: Rows;
  /** heatmap: split the columns by a participant attribute. */
  by?: string;
  /** agreement: the coders compared, the coefficient (alpha, kappa, fleiss, ac1, bp, agreement), the bootstrap. */
  coders?: readonly string[];
  coefficient?: string;
  resamples?: number;
  seed?: number;
}

/** An SVG figure for the manuscript, from the same results as the tables. */
export function figure(study: Study, kind: FigureKind, req: FigureRequest = {}): string {
  const o: FigureOptions = { width: req.width ?? DEFAULT_WIDTH, fontSize: req.fontSize ?? DEFAULT_FONT_SIZE, ...(req.height !== undefined ? { height: req.height } : {}), ...(req.title !== undefined ? { title: req.title } : {}) };
  switch (kind) {
    case 'participation':
      return participationFigure(summarise(study), o);
    case 'timeline': {
      if (req.waves) checkFilters(study, { waves: req.waves });
      const t = timelineData(study, req.waves ? { waves: [...req.waves] } : {});
      if (t.dated === 0) throw new UsageError('no interview has a date, so none can be placed in time', "add 'date: YYYY-MM-DD' to the transcripts' front matter (the participation figure needs no dates)");
      return timelineFigure(t, o);
    }
    case 'heatmap':
      return heatmapFigure(matrix(study, { ...req, rows: req.rows ?? 'theme' }), o);
    case 'trajectories':
      return trajectoriesFigure(trajectories(study, { ...req, rows: req.rows ?? 'theme' }).rows, o);
    case 'saturation':
      return saturationFigure(saturation(study, { ...req, rows: req.rows ?? 'code' }).steps, o);
    case 'agreement': {
      const name = req.coefficient ?? 'alpha';
      const coefficient = COEFFICIENTS[name];
      if (!coefficient) throw new UsageError(`--coefficient ${name}: use one of ${Object.keys(COEFFICIENTS).join(', ')}`);
      const data = agreement(study, { ...(req.coders ? { coders: req.coders } : {}), unit: 'segment', rows: req.rows ?? 'code', resamples: req.resamples ?? 1000, seed: req.seed ?? 1 });
      return agreementFigure(data.rows, coefficient === 'cohenKappa' && data.coders.length > 2 ? 'fleissKappa' : coefficient, o);
    }
  }
}
