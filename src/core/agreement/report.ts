import { bootstrap, bootstrapInterval, type IntervalMethod } from './bootstrap.js';
import {
  brennanPrediger,
  brennanPredigerResampled,
  cohenKappa,
  cohenKappaResampled,
  congerKappa,
  congerKappaResampled,
  fleissKappa,
  fleissKappaResampled,
  gwetAC,
  gwetACResampled,
  krippendorffAlpha,
  krippendorffAlphaResampled,
  pairwiseAgreement,
  pairwiseAgreementResampled,
  percentAgreement,
  percentAgreementResampled,
  prepare,
  scottPi,
  scottPiResampled,
  unanimousAgreement,
  unanimousAgreementResampled,
  weightMatrix,
  type AlphaStat,
  type ChanceUnits,
  type Prepared,
  type Resampled,
  type Stat,
} from './coefficients.js';
import { mergePlans, Sums } from './sums.js';
import { toPatterns, samplingUnits, type Level, type PatternTable, type Ratings } from './table.js';
import { acceleration, analytic, zTest } from './variance.js';

/**
 * A coefficient's value with its bootstrap interval, its analytic standard error and interval
 * where the literature gives one, and the test of no agreement beyond chance for kappa-type
 * coefficients. Every field is documented in the README ("JSON").
 */
export interface Estimate {
  value: number | null;
  /** Bootstrap interval (the method is the result's `interval`). */
  ciLow: number | null;
  ciHigh: number | null;
  /** Share of bootstrap resamples in which the coefficient was undefined. */
  undefinedResamples: number | null;
  /** Why the interval should not be trusted, when it should not (few units, many undefined resamples, little information). */
  warnings?: string[];
  /** Analytic standard error, and the interval value ± t(df) · se (df: sampling units − 1; null: normal). */
  se?: number | null;
  seLow?: number | null;
  seHigh?: number | null;
  df?: number | null;
  /** Standard error under the null hypothesis of chance agreement, z = value / seNull, two-sided p. */
  seNull?: number | null;
  z?: number | null;
  p?: number | null;
  /** The coefficient's observed and chance agreement (Gwet's pa and pe). */
  observedAgreement?: number | null;
  chanceAgreement?: number | null;
  /** Krippendorff's alpha: pairable values (n..), observed and expected disagreement (D_o, D_e). */
  pairableValues?: number;
  observedDisagreement?: number | null;
  expectedDisagreement?: number | null;
}

export const COEFFICIENTS = ['percentAgreement', 'unanimousAgreement', 'pairwiseAgreement', 'cohenKappa', 'weightedKappa', 'scottPi', 'congerKappa', 'fleissKappa', 'krippendorffAlpha', 'gwetAC1', 'gwetAC2', 'brennanPrediger', 'weightedBrennanPrediger', 'unitizingAlpha'] as const;
export type CoefficientName = (typeof COEFFICIENTS)[number];

export interface AgreementResult {
  /** Units compared (with two or more values), or characters with weighted units. */
  units: number;
  /** Sampling units: the units, or their clusters (segments) when units are characters or pooled decisions. */
  samplingUnits: number;
  coders: number;
  categories: string[];
  interval: IntervalMethod;
  coefficients: Partial<Record<CoefficientName, Estimate>>;
}

export interface AgreementOptions {
  level: Level;
  /** Agreement weights for weighted kappa, AC2 and weighted Brennan–Prediger: a scheme or a q x q matrix. */
  weights?: 'linear' | 'quadratic' | Float64Array;
  resamples: number;
  seed: number;
  confidence?: number;
  interval?: IntervalMethod;
  /** Krippendorff's alpha with this difference matrix (q x q) instead of the level's (e.g. MASI). */
  differences?: Float64Array;
  /** Coders are not identified (counts tables): no Cohen, Scott, Conger or pairwise coefficients. */
  anonymousCoders?: boolean;
  /** Chance terms of Gwet's coefficients from the units compared (default) or from every rated unit (irrCAC). */
  units?: ChanceUnits;
  /** Called after each bootstrap resample (the CLI shows progress on a terminal). */
  onResample?: (done: number, of: number) => void;
  /** How to name a unit holding something else than the most common value, in warnings. */
  describeInformative?: (n: number, modal: string) => string;
}

/** Fewer sampling units than this and an interval is marked (coverage measured by npm run bench). */
export const FEW_UNITS = 30;
/** More undefined resamples than this share and an interval is marked. */
export const UNDEFINED_SHARE = 0.05;
/** Fewer units than this holding anything but the most common value and an interval is marked. */
export const FEW_INFORMATIVE = 10;

const clean = (x: number | undefined | null): number | null => (x !== undefined && x !== null && Number.isFinite(x) ? x : null);

/** One coefficient of `agreement`: its value and influence, and the same value from collected sums. */
export interface Spec {
  name: CoefficientName;
  stat: (w: Float64Array, withInfluence: boolean) => Stat;
  /** The same value from the sums of one pass over the patterns (the bootstrap's path). */
  resampled: Resampled;
  /** Lowest and highest values an analytic interval may reach. */
  low?: number;
}

/** The options that decide which coefficients a table gets, and how (all a worker thread needs to resample them). */
export type SpecOptions = Pick<AgreementOptions, 'level' | 'weights' | 'differences' | 'anonymousCoders' | 'units'>;

/** The coefficients that apply to table t under the options, in the order of the result. */
export function coefficientSpecs(t: PatternTable, prep: Prepared, opts: SpecOptions | AgreementOptions): Spec[] {
  const two = t.coders === 2;
  const named = opts.anonymousCoders !== true;
  const units = opts.units ?? 'compared';
  const W = opts.weights === undefined ? undefined : typeof opts.weights === 'string' ? weightMatrix(t.q, opts.weights, t.hasNumbers ? t.numeric : undefined) : opts.weights;
  const value =
    (f: (w: Float64Array) => number): Spec['stat'] =>
    (w) => ({ value: f(w), n: 0 });
  const specs: Spec[] = [
    { name: 'percentAgreement', stat: (w, i) => percentAgreement(prep, w, { units, withInfluence: i }), resampled: percentAgreementResampled(prep, units), low: 0 },
    { name: 'unanimousAgreement', stat: value((w) => unanimousAgreement(prep, w)), resampled: unanimousAgreementResampled(), low: 0 },
  ];
  if (named) specs.push({ name: 'pairwiseAgreement', stat: value((w) => pairwiseAgreement(prep, w)), resampled: pairwiseAgreementResampled(), low: 0 });
  if (named && two) {
    specs.push({ name: 'cohenKappa', stat: (w, i) => cohenKappa(prep, w, undefined, { withInfluence: i }), resampled: cohenKappaResampled(prep) });
    if (W) specs.push({ name: 'weightedKappa', stat: (w, i) => cohenKappa(prep, w, W, { withInfluence: i }), resampled: cohenKappaResampled(prep, W) });
    specs.push({ name: 'scottPi', stat: (w, i) => scottPi(prep, w, { withInfluence: i }), resampled: scottPiResampled(prep) });
  }
  if (named && !two) specs.push({ name: 'congerKappa', stat: (w, i) => congerKappa(prep, w, undefined, { units, withInfluence: i }), resampled: congerKappaResampled(prep, undefined, units) });
  specs.push(
    { name: 'fleissKappa', stat: (w, i) => fleissKappa(prep, w, { units, withInfluence: i }), resampled: fleissKappaResampled(prep, units) },
    { name: 'krippendorffAlpha', stat: (w, i) => krippendorffAlpha(prep, w, opts.level, opts.differences, { withInfluence: i }), resampled: krippendorffAlphaResampled(prep, opts.level, opts.differences) },
    { name: 'gwetAC1', stat: (w, i) => gwetAC(prep, w, undefined, { units, withInfluence: i }), resampled: gwetACResampled(prep, undefined, units) },
  );
  if (W) specs.push({ name: 'gwetAC2', stat: (w, i) => gwetAC(prep, w, W, { units, withInfluence: i }), resampled: gwetACResampled(prep, W, units) });
  specs.push({ name: 'brennanPrediger', stat: (w, i) => brennanPrediger(prep, w, undefined, { units, withInfluence: i }), resampled: brennanPredigerResampled(prep, undefined, units) });
  if (W) specs.push({ name: 'weightedBrennanPrediger', stat: (w, i) => brennanPrediger(prep, w, W, { units, withInfluence: i }), resampled: brennanPredigerResampled(prep, W, units) });

  return specs;
}

/**
 * Every coefficient that applies to the data, each with a seeded bootstrap interval and, where the
 * literature gives one, its analytic standard error: percent agreement (Gwet's pa), unanimous and
 * pairwise agreement; Cohen's kappa, Scott's pi (and weighted kappa) for two coders, Conger's
 * kappa for more; Fleiss' kappa, Krippendorff's alpha, Gwet's AC1 (AC2 with weights) and
 * Brennan–Prediger always.
 */
export function agreement(data: Ratings | PatternTable, opts: AgreementOptions): AgreementResult {
  const t = 'values' in data ? toPatterns(data) : data;
  const values = new ResampledValues(t, opts);
  const samples = values.specs.map(() => new Float64Array(opts.resamples));
  if (opts.resamples > 0) {
    bootstrap(t, { resamples: opts.resamples, seed: opts.seed }, (w, r, whole) => {
      values.add(w, whole, samples, r);
      opts.onResample?.(r + 1, opts.resamples);
    });
  }
  return agreementFrom(t, values, samples, opts);
}

/**
 * Every coefficient's value on one resample (one pass over the patterns collects what they all
 * need): the bootstrap's work per resample, on this thread or another (io/bootstrap-workers.ts).
 */
export class ResampledValues {
  readonly prep: Prepared;
  readonly specs: Spec[];
  /** The options the coefficients were chosen with (what another thread needs to make the same `ResampledValues`). */
  readonly opts: SpecOptions;
  private readonly sums: Sums;

  constructor(
    readonly t: PatternTable,
    opts: SpecOptions,
  ) {
    this.opts = { level: opts.level };
    if (opts.weights !== undefined) this.opts.weights = opts.weights;
    if (opts.differences !== undefined) this.opts.differences = opts.differences;
    if (opts.anonymousCoders !== undefined) this.opts.anonymousCoders = opts.anonymousCoders;
    if (opts.units !== undefined) this.opts.units = opts.units;
    this.prep = prepare(t);
    this.specs = coefficientSpecs(t, this.prep, this.opts);
    this.sums = new Sums(t, this.prep.n, this.prep.m, mergePlans(this.specs.map((s) => s.resampled.plan)));
  }

  /** The flat lists the sums of whole weights take their terms from, built now (for another thread of the same table: `adoptFlatLists`). */
  flatLists(): Map<string, unknown> {
    return this.sums.flatLists();
  }

  /** Lists `flatLists` gave on another thread for the same table and options: used instead of building them here (the same sums). */
  adoptFlatLists(lists: Map<string, unknown>): void {
    this.sums.adoptFlatLists(lists);
  }

  /** samples[k][r] = coefficient k's value for pattern weights w (`whole`: as `Resampler.next` says). */
  add(w: Float64Array, whole: boolean, samples: readonly Float64Array[], r: number): void {
    const sums = this.sums.collect(w, whole);
    for (let k = 0; k < this.specs.length; k++) samples[k]![r] = this.specs[k]!.resampled.value(sums);
  }
}

/**
 * `agreement` from the resampled values (samples[k][r]: coefficient k of `values.specs` on
 * resample r, as `ResampledValues.add` gives it, for resamples 0..opts.resamples−1 of the seed).
 */
export function agreementFrom(t: PatternTable, values: ResampledValues, samples: readonly Float64Array[], opts: AgreementOptions, estimates: PointEstimates = pointEstimates(t, values, opts)): AgreementResult {
  const { specs } = values;
  const confidence = opts.confidence ?? 0.95;
  const method = opts.interval ?? 'bca';
  const { sampling, info, compUnits } = estimates;
  const coefficients: AgreementResult['coefficients'] = {};
  for (const [k, s] of specs.entries()) {
    const { st, accel, a } = estimates.specs[k]!;
    const interval = opts.resamples > 0 ? bootstrapInterval(samples[k]!, st.value, confidence, method, accel) : undefined;
    const e: Estimate = { value: clean(st.value), ciLow: clean(interval?.low), ciHigh: clean(interval?.high), undefinedResamples: interval ? interval.undefinedShare : null };
    const warnings: string[] = [];
    if (e.value !== null && interval) {
      if (interval.undefinedShare > UNDEFINED_SHARE) warnings.push(`${Math.round(interval.undefinedShare * 100)}% of the bootstrap resamples left it undefined${e.ciLow === null ? ', too many for an interval' : ': the interval describes the others only'}`);
      if (sampling < FEW_UNITS) warnings.push(`only ${fmtCount(sampling)} sampling units: intervals are unreliable below ${FEW_UNITS}`);
      if (info.count < FEW_INFORMATIVE) warnings.push(opts.describeInformative ? opts.describeInformative(info.count, info.modal) : `only ${fmtCount(info.count)} units hold a value other than '${info.modal}'`);
    }
    if (warnings.length) e.warnings = warnings;
    if (st.influence) {
      e.se = clean(a?.se);
      e.seLow = clean(a?.low);
      e.seHigh = clean(a?.high);
      e.df = a && Number.isFinite(a.df) ? a.df : null;
    }
    // The null-hypothesis SE assumes independent units: not given for clustered units.
    if (st.seNull !== undefined && !t.clusters) {
      const test = zTest(st.value, st.seNull);
      e.seNull = clean(st.seNull);
      e.z = clean(test?.z);
      e.p = clean(test?.p);
    }
    if (st.observed !== undefined) {
      e.observedAgreement = clean(st.observed);
      e.chanceAgreement = clean(st.chance);
    }
    if (s.name === 'krippendorffAlpha') {
      const a = st as AlphaStat;
      e.pairableValues = a.pairable;
      e.observedDisagreement = clean(a.observedDisagreement);
      e.expectedDisagreement = clean(a.expectedDisagreement);
    }
    coefficients[s.name] = e;
  }
  return { units: compUnits, samplingUnits: sampling, coders: t.coders, categories: t.categories, interval: method, coefficients };
}

/**
 * What `agreementFrom` computes from the table alone, not from the resamples: every coefficient's
 * value with its influence, its analytic interval and the BCa acceleration, and the counts of
 * units. Computed by `agreementFrom`, or before it (while another thread collects the resamples:
 * io/bootstrap-workers.ts) and handed to it: the same numbers either way.
 */
export interface PointEstimates {
  specs: Array<{ st: Stat; accel: number; a: ReturnType<typeof analytic> }>;
  sampling: number;
  info: { count: number; modal: string };
  compUnits: number;
}

export function pointEstimates(t: PatternTable, values: ResampledValues, opts: Pick<AgreementOptions, 'resamples' | 'confidence' | 'interval'>): PointEstimates {
  return new PointEstimator(t, values, opts).result();
}

/** `pointEstimates` a piece at a time (a coefficient per `step`), for a thread that has other work between pieces. */
export class PointEstimator {
  private readonly done: PointEstimates['specs'] = [];

  constructor(
    private readonly t: PatternTable,
    private readonly values: ResampledValues,
    private readonly opts: Pick<AgreementOptions, 'resamples' | 'confidence' | 'interval'>,
  ) {}

  /** Computes the next coefficient's estimates; false when none is left. */
  step(): boolean {
    const { t, opts } = this;
    const s = this.values.specs[this.done.length];
    if (!s) return false;
    const st = s.stat(t.counts, true);
    const accel = opts.resamples > 0 && (opts.interval ?? 'bca') === 'bca' ? acceleration(t, st) : 0;
    const a = st.influence ? analytic(t, st, opts.confidence ?? 0.95, s.low !== undefined ? { low: s.low } : {}) : undefined;
    this.done.push({ st, accel, a });
    return this.done.length < this.values.specs.length;
  }

  /** Every estimate (the coefficients not stepped through yet computed now). */
  result(): PointEstimates {
    while (this.step());
    const { t } = this;
    const { prep } = this.values;
    const compared = (p: number): boolean => prep.m[p]! >= 2 && t.counts[p]! > 0;
    let compUnits = 0;
    for (let p = 0; p < t.counts.length; p++) if (compared(p)) compUnits += t.counts[p]!;
    return { specs: this.done, sampling: samplingUnits(t, compared), info: informative(t, prep), compUnits };
  }
}

const fmtCount = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** Sampling units in which some value differs from the most common value overall (what chance-corrected coefficients learn from). */
function informative(t: PatternTable, prep: Prepared): { count: number; modal: string } {
  const q = t.q;
  const totals = new Float64Array(q);
  for (let p = 0; p < t.counts.length; p++) if (prep.m[p]! >= 2) for (let k = 0; k < q; k++) totals[k]! += t.counts[p]! * prep.n[p * q + k]!;
  let modal = 0;
  for (let k = 1; k < q; k++) if (totals[k]! > totals[modal]!) modal = k;
  const other = (p: number): boolean => prep.m[p]! >= 2 && t.counts[p]! > 0 && prep.n[p * q + modal]! < prep.m[p]!;
  return { count: samplingUnits(t, other), modal: t.categories[modal] ?? '' };
}
