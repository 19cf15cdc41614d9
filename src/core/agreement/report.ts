import { bootstrap, percentileInterval } from './bootstrap.js';
import { brennanPrediger, cohenKappa, fleissKappa, gwetAC, krippendorffAlpha, pairwiseAgreement, percentAgreement, prepare, scottPi, type WeightScheme } from './coefficients.js';
import { toPatterns, type Level, type PatternTable, type Ratings } from './table.js';

/** A coefficient's value with its bootstrap percentile interval (and analytic SE where one exists). */
export interface Estimate {
  value: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  se?: number | null;
}

export const COEFFICIENTS = ['percentAgreement', 'pairwiseAgreement', 'cohenKappa', 'weightedKappa', 'scottPi', 'fleissKappa', 'krippendorffAlpha', 'gwetAC1', 'brennanPrediger'] as const;
export type CoefficientName = (typeof COEFFICIENTS)[number];

export interface AgreementResult {
  units: number;
  coders: number;
  categories: string[];
  coefficients: Partial<Record<CoefficientName, Estimate>>;
}

export interface AgreementOptions {
  level: Level;
  /** Weights for weighted kappa and Gwet's AC2 (ordinal data); identity gives AC1. */
  weights?: Exclude<WeightScheme, 'identity'>;
  resamples: number;
  seed: number;
  confidence?: number;
  /** Krippendorff's alpha with this difference matrix (q x q) instead of the level's (e.g. MASI). */
  differences?: Float64Array;
}

const clean = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Every coefficient that applies to the data, each with a seeded bootstrap interval: Cohen's kappa,
 * Scott's pi (and weighted kappa) for two coders; Fleiss' kappa for any number; percent agreement,
 * Krippendorff's alpha, Gwet's AC1 (AC2 with weights) and Brennan–Prediger always.
 */
export function agreement(data: Ratings | PatternTable, opts: AgreementOptions): AgreementResult {
  const t = 'values' in data ? toPatterns(data) : data;
  const prep = prepare(t);
  const two = t.coders === 2;
  const gwetScheme: WeightScheme = opts.weights ?? 'identity';
  const fns: Array<[CoefficientName, (w: Float64Array) => number]> = [
    ['percentAgreement', (w) => percentAgreement(prep, w)],
    ['pairwiseAgreement', (w) => pairwiseAgreement(prep, w)],
  ];
  if (two) {
    fns.push(['cohenKappa', (w) => cohenKappa(prep, w).value]);
    if (opts.weights) fns.push(['weightedKappa', (w) => cohenKappa(prep, w, opts.weights).value]);
    fns.push(['scottPi', (w) => scottPi(prep, w)]);
  }
  fns.push(
    ['fleissKappa', (w) => fleissKappa(prep, w).value],
    ['krippendorffAlpha', (w) => krippendorffAlpha(prep, w, opts.level, opts.differences)],
    ['gwetAC1', (w) => gwetAC(prep, w, gwetScheme)],
    ['brennanPrediger', (w) => brennanPrediger(prep, w, gwetScheme)],
  );
  const samples = fns.map(() => new Float64Array(opts.resamples));
  if (opts.resamples > 0) {
    bootstrap(t, { resamples: opts.resamples, seed: opts.seed }, (w, i) => {
      fns.forEach(([, fn], k) => {
        samples[k]![i] = fn(w);
      });
    });
  }
  const coefficients: AgreementResult['coefficients'] = {};
  fns.forEach(([name, fn], k) => {
    const [lo, hi] = opts.resamples > 0 ? percentileInterval(samples[k]!, opts.confidence ?? 0.95) : [NaN, NaN];
    const e: Estimate = { value: clean(fn(t.counts)), ciLow: clean(lo), ciHigh: clean(hi) };
    if (name === 'cohenKappa') e.se = clean(cohenKappa(prep, t.counts).se);
    if (name === 'fleissKappa') e.se = clean(fleissKappa(prep, t.counts).se);
    coefficients[name] = e;
  });
  let units = 0;
  for (let p = 0; p < t.counts.length; p++) if (prep.m[p]! >= 2) units += t.counts[p]!;
  return { units, coders: t.coders, categories: t.categories, coefficients };
}
