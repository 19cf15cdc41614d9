import { rng } from '../agreement/bootstrap.js';
import { agreement, type Estimate } from '../agreement/report.js';
import type { Ratings } from '../agreement/table.js';
import type { Code } from '../codebook/types.js';
import type { Stem } from '../coding/autocode.js';
import { codingTable } from '../coding/table.js';
import type { Coding } from '../coding/types.js';
import type { Document, Study } from '../study/types.js';
import { allows, rowsOf } from './features.js';
import { DEFAULT_SETTINGS, scoreRows, type LearnSettings, type Positives } from './model.js';
import { positivesOf, transcriptsOf, type LearnerView } from './study.js';
import { prepare, tooFew, trainOn } from './suggestions.js';

/**
 * Suggestions measured as a third coder. The transcripts a coder's decisions can be learned from
 * are split, the models trained on one part, and their suggestions on the other part compared
 * with the coder's own decisions there, segment by segment (the `agree` segment units):
 *
 * - by participant (default): the participants are dealt into `folds` groups (shuffled with the
 *   seed); each group's transcripts are suggested by models trained on the other participants'
 *   transcripts, so a model never sees the person it is tested on;
 * - by wave (`byWave`): each wave's transcripts are suggested by models trained on the waves
 *   before it, the longitudinal use: code the first wave, get suggestions for the next.
 *
 * Every tested segment is tested once. Per code: Cohen's kappa (with a bootstrap interval that
 * resamples participants, the unit that was held out) and F1 of the suggestions against the
 * coder; beside them, on the same segments, the keyword auto-coder's, and the agreement of two
 * human coders where the study has them.
 */
export interface EvaluateOptions {
  coder: string;
  byWave: boolean;
  folds: number;
  seed: number;
  resamples: number;
  /** Two human coders whose agreement is shown beside the suggestions'. */
  humans?: readonly [string, string];
  /** The keyword auto-coder's codings of the documents given (autocode.ts), or undefined: not compared. */
  keywords?: (docs: readonly Document[]) => Coding[];
  codes?: readonly Code[];
  settings?: LearnSettings;
  features?: { context?: boolean; bigrams?: boolean; rules?: boolean };
}

export interface Scores {
  kappa: Estimate | null;
  f1: number | null;
  precision: number | null;
  recall: number | null;
  /** Segments where this coder applied the code, among those compared. */
  applied: number;
}

export interface EvaluationRow {
  code: string;
  label: string;
  /** Segments the coder applied the code to, among those tested. */
  examples: number;
  /** Segments tested (where the code may apply). */
  tested: number;
  /** Not scored: why ("too few examples: 4"). */
  note?: string;
  suggest?: Scores;
  /** Splits in which the code had too few training examples for a model (nothing suggested there). */
  splitsWithoutModel?: number;
  keywords?: Scores;
  /** The two human coders, on the tested segments both of them coded. */
  humans?: Scores & { segments: number };
}

export interface Split {
  name: string;
  train: string[];
  test: string[];
}

export interface Evaluation {
  coder: string;
  method: 'participant' | 'wave';
  folds: number;
  seed: number;
  splits: Split[];
  transcripts: number;
  segments: number;
  humans: readonly [string, string] | null;
  rows: EvaluationRow[];
  pooled: EvaluationRow | null;
}

/** The participants dealt into k folds: shuffled (Fisher–Yates, seeded), then in turn. */
export function participantFolds(participants: readonly string[], k: number, seed: number): Map<string, number> {
  const order = [...participants];
  const random = rng(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return new Map(order.map((p, i) => [p, i % k]));
}

/** 2 x 2 counts per participant: human (h) and other (o) decisions (whole numbers, at most the segments: 32 bits). */
class Pairs {
  /** counts[(participant * 2 + h) * 2 + o] */
  constructor(
    readonly participants: number,
    readonly counts = new Int32Array(participants * 4),
  ) {}
  add(participant: number, h: number, o: number): void {
    this.counts[(participant * 2 + h) * 2 + o]!++;
  }
}

/**
 * Walks over ascending lists of rows, one a code: has(c, r) is 1 when r is in list c, for rows r
 * asked in ascending order (each list's place kept from the last row asked).
 */
class Walks {
  private readonly at: Int32Array;
  constructor(private readonly lists: readonly Int32Array[]) {
    this.at = new Int32Array(lists.length);
  }
  has(c: number, r: number): number {
    const list = this.lists[c]!;
    let p = this.at[c]!;
    while (p < list.length && list[p]! < r) p++;
    this.at[c] = p;
    return p < list.length && list[p] === r ? 1 : 0;
  }
}

/** The second human coder's decisions (and the first's), on the transcripts both humans' decisions count in. */
function otherHumans(study: Pick<Study, 'documents' | 'codings' | 'finished'>, view: LearnerView, codes: readonly Code[], [a, b]: readonly [string, string]): { a: Positives; b: Positives; both: Set<number> } {
  const inA = new Set(transcriptsOf(study, a).learned.map((d) => view.docIndex.get(d.id)!));
  const both = new Set(
    transcriptsOf(study, b)
      .learned.map((d) => view.docIndex.get(d.id)!)
      .filter((d) => inA.has(d)),
  );
  return { a: positivesOf(view, codes, codingTable(study), a), b: positivesOf(view, codes, codingTable(study), b), both };
}

/**
 * The counts of an evaluation that do not depend on the models, over every split's tested rows:
 * the segments tested and the coder's examples there per code, the keyword coder against the
 * coder, and the two humans on the transcripts both count in. The decisions given are let go
 * when this returns.
 */
function countFixed(
  from: { view: LearnerView; codes: readonly Code[]; splits: readonly DocSplit[]; positives: Positives; keywords: Positives | undefined; humans: { a: Positives; b: Positives; both: Set<number> } | undefined },
  to: { kw: Pairs[]; hh: Pairs[]; tested: Int32Array; examples: Int32Array; hhSegments: Int32Array },
): void {
  const { view, codes, positives, keywords, humans } = from;
  const { corpus } = view;
  const C = codes.length;
  for (const split of from.splits) {
    const human = new Walks(positives);
    const keyword = keywords ? new Walks(keywords) : undefined;
    const a = humans ? new Walks(humans.a) : undefined;
    const b = humans ? new Walks(humans.b) : undefined;
    for (const r of rowsOf(corpus, split.test)) {
      const role = corpus.rowRole[r]!;
      const d = corpus.rowDoc[r]!;
      const q = view.docParticipant[d]!;
      const both = humans?.both.has(d) ?? false;
      for (let c = 0; c < C; c++) {
        if (!allows(codes[c]!.speakers, role)) continue;
        const h = human.has(c, r);
        to.tested[c]!++;
        to.examples[c]! += h;
        if (keyword) to.kw[c]!.add(q, h, keyword.has(c, r));
        if (both) {
          to.hh[c]!.add(q, a!.has(c, r), b!.has(c, r));
          to.hhSegments[c]!++;
        }
      }
    }
  }
}

function scores(pairs: readonly Pairs[], resamples: number, seed: number): Scores {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let total = 0;
  // Reliability data with one unit per (participant, pattern), weighted by its count and
  // clustered by participant: the bootstrap resamples participants. Counted first, then written
  // into typed arrays (pooled over 200 codes and 1,000 participants, growing lists were ~30 MB).
  let units = 0;
  for (const p of pairs) for (let k = 0; k < p.counts.length; k++) if (p.counts[k] !== 0) units++;
  const values = new Int32Array(2 * units);
  const weights = new Float64Array(units);
  const clusters = new Int32Array(units);
  let u = 0;
  for (const p of pairs) {
    for (let q = 0; q < p.participants; q++) {
      for (let h = 0; h < 2; h++)
        for (let o = 0; o < 2; o++) {
          const n = p.counts[(q * 2 + h) * 2 + o]!;
          if (n === 0) continue;
          total += n;
          if (h && o) tp += n;
          if (!h && o) fp += n;
          if (h && !o) fn += n;
          values[2 * u] = h;
          values[2 * u + 1] = o;
          weights[u] = n;
          clusters[u++] = q;
        }
    }
  }
  const applied = tp + fn;
  let kappa: Estimate | null = null;
  if (total > 0) {
    const ratings: Ratings = { coders: 2, units, values, categories: ['0', '1'], numeric: Float64Array.from([0, 1]), ordered: true, weights, clusters };
    kappa = agreement(ratings, { level: 'nominal', resamples, seed, describeInformative: (n) => (n === 0 ? 'no segment where either applied the code' : `only ${n} participants where either applied the code`) }).coefficients.cohenKappa ?? null;
  }
  const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
  return { kappa, f1: ratio(2 * tp, 2 * tp + fp + fn), precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), applied };
}

export function evaluate(study: Pick<Study, 'documents' | 'codebook' | 'codings' | 'finished' | 'config'>, stem: Stem, opts: EvaluateOptions): Evaluation {
  const settings = opts.settings ?? DEFAULT_SETTINGS;
  const codes = opts.codes ?? study.codebook.codes;
  const learned = transcriptsOf(study, opts.coder).learned;
  const f = opts.features ?? {};
  const { view, positives } = prepare(study, stem, codes, codingTable(study), opts.coder, { ...((f.context ?? settings.context) ? { context: true } : {}), ...(f.bigrams ? { bigrams: true } : {}), ...(f.rules && opts.keywords ? { rules: opts.keywords(study.documents) } : {}) });
  const { corpus } = view;
  const learnedIdx = learned.map((d) => view.docIndex.get(d.id)!).sort((a, b) => a - b);
  const splits = opts.byWave
    ? waveSplitsOf(
        study.config.waves.map((w) => w.id),
        (d) => corpus.docs[d]!.wave,
        learnedIdx,
      )
    : participantSplits(view, learnedIdx, opts.folds, opts.seed);
  const P = view.participants.length;
  const C = codes.length;
  const hasRules = codes.map((c) => c.keywords.length > 0 || c.patterns.length > 0);
  // What does not depend on the models (the tested segments, the coder's examples there, the
  // keyword coder's and the two humans' decisions) is counted before any training, so that the
  // keyword coder's and the humans' decisions are let go before the fits (held through them as
  // bitsets they were 4 x 11 MB at 3,000 transcripts). Counts are sums of ones: the same in any order.
  const kw = codes.map(() => new Pairs(P));
  const hh = codes.map(() => new Pairs(P));
  const tested = new Int32Array(C);
  const examples = new Int32Array(C);
  const hhSegments = new Int32Array(C);
  const keywords = opts.keywords !== undefined;
  countFixed({ view, codes, splits, positives, keywords: opts.keywords ? keywordPositives(view, codes, learned, opts.keywords) : undefined, humans: opts.humans ? otherHumans(study, view, codes, opts.humans) : undefined }, { kw, hh, tested, examples, hhSegments });
  const sug = codes.map(() => new Pairs(P));
  const withoutModel = new Int32Array(C);
  let segments = 0;
  let transcripts = 0;
  for (const split of splits) {
    const models = trainOn(view, codes, positives, split.train, settings);
    for (const m of models.perCode) if (!m.fit) withoutModel[m.code]!++;
    const cuts = models.perCode.map((m) => m.fit?.cut ?? Infinity);
    const testRows = rowsOf(corpus, split.test);
    segments += testRows.length;
    transcripts += split.test.length;
    // The coder's decisions read from their positives (ascending), walked alongside the rows (ascending).
    const human = new Walks(positives);
    scoreRows(models, corpus, testRows, (r, z) => {
      const role = corpus.rowRole[r]!;
      const q = view.docParticipant[corpus.rowDoc[r]!]!;
      for (let c = 0; c < C; c++) {
        if (!allows(codes[c]!.speakers, role)) continue;
        sug[c]!.add(q, human.has(c, r), z[c]! >= cuts[c]! ? 1 : 0);
      }
    });
  }
  const other = opts.humans !== undefined;
  const min = settings.minExamples;
  const rows: EvaluationRow[] = [];
  const scoredCodes: number[] = [];
  for (let c = 0; c < C; c++) {
    const row: EvaluationRow = { code: codes[c]!.id, label: codes[c]!.label, examples: examples[c]!, tested: tested[c]! };
    if (examples[c]! < min) row.note = tooFew(examples[c]!);
    else if (withoutModel[c] === splits.length) row.note = `too few examples in every training split (${examples[c]} in all)`;
    else {
      scoredCodes.push(c);
      row.suggest = scores([sug[c]!], opts.resamples, opts.seed);
      if (withoutModel[c]! > 0) row.splitsWithoutModel = withoutModel[c]!;
      if (keywords && hasRules[c]) row.keywords = scores([kw[c]!], opts.resamples, opts.seed);
      if (other && hhSegments[c]! > 0) row.humans = { ...scores([hh[c]!], opts.resamples, opts.seed), segments: hhSegments[c]! };
    }
    rows.push(row);
  }
  let pooled: EvaluationRow | null = null;
  if (scoredCodes.length > 0) {
    const sum = (a: Int32Array): number => scoredCodes.reduce((n, c) => n + a[c]!, 0);
    pooled = {
      code: 'pooled',
      label: `the ${scoredCodes.length} codes scored`,
      examples: sum(examples),
      tested: sum(tested),
      suggest: scores(
        scoredCodes.map((c) => sug[c]!),
        opts.resamples,
        opts.seed,
      ),
    };
    const kwCodes = scoredCodes.filter((c) => hasRules[c]);
    if (keywords && kwCodes.length > 0)
      pooled.keywords = scores(
        kwCodes.map((c) => kw[c]!),
        opts.resamples,
        opts.seed,
      );
    if (other && sum(hhSegments) > 0)
      pooled.humans = {
        ...scores(
          scoredCodes.map((c) => hh[c]!),
          opts.resamples,
          opts.seed,
        ),
        segments: sum(hhSegments),
      };
  }
  const names = (docs: readonly number[]): string[] => docs.map((d) => corpus.docs[d]!.id);
  return {
    coder: opts.coder,
    method: opts.byWave ? 'wave' : 'participant',
    folds: splits.length,
    seed: opts.seed,
    splits: splits.map((s) => ({ name: s.name, train: names(s.train), test: names(s.test) })),
    transcripts,
    segments,
    humans: opts.humans ?? null,
    rows,
    pooled,
  };
}

/** Documents whose keyword codings are made at a time by keywordPositives (each run compiles the auto-coder's rules again: about 0.3 s at 3,000 transcripts). */
export const KEYWORD_RUN = 512;

/**
 * positivesOf the keyword auto-coder's codings of these documents, made a run of documents at a
 * time: each run's codings are let go before the next run's are made (at 3,000 transcripts all of
 * them at once were about 120 MB of objects, alive into the first fit). A coding touches only its
 * own document's rows, so each code's rows are those of every run together, sorted.
 */
export function keywordPositives(view: LearnerView, codes: readonly Code[], docs: readonly Document[], keywords: (docs: readonly Document[]) => Coding[], run = KEYWORD_RUN): Int32Array[] {
  const runs: Int32Array[][] = codes.map(() => []);
  for (let at = 0; at < docs.length; at += run) {
    const part = positivesOf(view, codes, keywords(docs.slice(at, at + run)), undefined);
    part.forEach((rows, c) => {
      if (rows.length > 0) runs[c]!.push(rows);
    });
  }
  return runs.map((list) => {
    const out = new Int32Array(list.reduce((n, rows) => n + rows.length, 0));
    let k = 0;
    for (const rows of list) {
      out.set(rows, k);
      k += rows.length;
    }
    return out.sort();
  });
}

export interface DocSplit {
  name: string;
  train: number[];
  test: number[];
}

function participantSplits(view: LearnerView, learned: readonly number[], folds: number, seed: number): DocSplit[] {
  const people = [...new Set(learned.map((d) => view.docParticipant[d]!))].sort((a, b) => a - b).map((q) => view.participants[q]!);
  const k = Math.min(folds, people.length);
  const fold = participantFolds(people, k, seed);
  const out: DocSplit[] = [];
  for (let f = 0; f < k; f++) {
    const test = learned.filter((d) => fold.get(view.participants[view.docParticipant[d]!]!) === f);
    const train = learned.filter((d) => fold.get(view.participants[view.docParticipant[d]!]!) !== f);
    const who = people.filter((p) => fold.get(p) === f);
    out.push({ name: `fold ${f + 1}: ${who.join(', ')}`, train, test });
  }
  return out;
}

/** For each wave after the first: trained on the waves before it, tested on it (waves without transcripts on either side are skipped). */
export function waveSplitsOf(waves: readonly string[], waveOfDoc: (d: number) => string, learned: readonly number[]): DocSplit[] {
  const at = new Map(waves.map((w, i) => [w, i]));
  const out: DocSplit[] = [];
  for (let w = 1; w < waves.length; w++) {
    const train = learned.filter((d) => at.get(waveOfDoc(d))! < w);
    const test = learned.filter((d) => at.get(waveOfDoc(d)) === w);
    if (train.length === 0 || test.length === 0) continue;
    out.push({ name: `${waves.slice(0, w).join(', ')} → ${waves[w]}`, train, test });
  }
  return out;
}
