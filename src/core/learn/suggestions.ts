import type { Code } from '../codebook/types.js';
import { codingTable, type CodingTable } from '../coding/table.js';
import type { Coding } from '../coding/types.js';
import type { Document, Study } from '../study/types.js';
import { rowsOf } from './features.js';
import { sigmoid } from './logistic.js';
import { DEFAULT_SETTINGS, scoreRows, trainModels, type LearnSettings, type Models } from './model.js';
import { learnerView, positivesOf, segmentSpan, transcriptsOf, type LearnerView, type Transcripts } from './study.js';
import type { Stem } from '../coding/autocode.js';

/**
 * Suggestions: models trained on every transcript a coder's decisions can be learned from
 * (study.ts), applied to the segments of every other transcript. A suggestion is a coding of the
 * suggestion coder on the segment, with its score (the model's probability) in the memo:
 * `score 0.873 (learned from alice)`. Suggestions are a coder, not a truth: they are written to
 * their own file and compared with the humans like any coder.
 */

export { isSuggestionCoder, SUGGEST_CODER } from '../coding/types.js';

/** The memo of a suggestion: its score and whom it was learned from. */
export function suggestionMemo(score: number, coder: string): string {
  return `score ${score.toFixed(3)} (learned from ${coder})`;
}

const MEMO = /^score ([01]\.\d{3}) \(learned from [^()]+\)$/;

/** The score of a suggestion coding (undefined: not a suggestion's memo). */
export function suggestionScore(memo: string | undefined): number | undefined {
  const m = memo === undefined ? null : MEMO.exec(memo);
  return m ? Number(m[1]) : undefined;
}

export interface CodeSummary {
  code: string;
  label: string;
  /** Positive segments learned from (the coder's). */
  examples: number;
  /** Segments suggested. */
  suggested: number;
  /** The probability above which the code is suggested; null without a model. */
  threshold: number | null;
  /** Why there is no model. */
  note?: string;
}

export interface Suggestions {
  coder: string;
  as: string;
  transcripts: Transcripts;
  /** Segments learned from, and segments suggested for. */
  learnedSegments: number;
  targetSegments: number;
  targets: Document[];
  codes: CodeSummary[];
  codings: Coding[];
}

/** What is needed to learn from a coder: the view of the study and their positives. */
export function prepare(study: Pick<Study, 'documents' | 'codebook'>, stem: Stem, codes: readonly Code[], codings: readonly Coding[] | CodingTable, coder: string, features: Parameters<typeof learnerView>[2] = {}): { view: LearnerView; positives: ReturnType<typeof positivesOf> } {
  const view = learnerView(study, stem, features);
  return { view, positives: positivesOf(view, codes, codings, coder) };
}

/** Train on the documents given (indices into the view's documents). */
export function trainOn(view: LearnerView, codes: readonly Code[], positives: ReturnType<typeof positivesOf>, docs: readonly number[], settings: LearnSettings): Models {
  const rows = rowsOf(view.corpus, docs);
  return trainModels(view.corpus, codes, positives, rows, (r) => view.docParticipant[view.corpus.rowDoc[r]!]!, settings);
}

export function tooFew(examples: number): string {
  return `too few examples: ${examples}`;
}

export function suggest(study: Pick<Study, 'documents' | 'codebook' | 'codings' | 'finished'>, stem: Stem, opts: { coder: string; as: string; codes?: readonly Code[]; settings?: LearnSettings; rules?: readonly Coding[]; context?: boolean }): Suggestions {
  const settings = opts.settings ?? DEFAULT_SETTINGS;
  const codes = opts.codes ?? study.codebook.codes;
  const transcripts = transcriptsOf(study, opts.coder);
  const { view, positives } = prepare(study, stem, codes, codingTable(study), opts.coder, { ...(opts.rules ? { rules: opts.rules } : {}), ...((opts.context ?? settings.context) ? { context: true } : {}) });
  const learned = transcripts.learned.map((d) => view.docIndex.get(d.id)!);
  const targets = [...transcripts.inProgress, ...transcripts.notCoded].map((d) => view.docIndex.get(d.id)!).sort((a, b) => a - b);
  const models = trainOn(view, codes, positives, learned, settings);
  const suggested = new Int32Array(codes.length);
  const codings: Coding[] = [];
  const { corpus } = view;
  const targetRows = rowsOf(corpus, targets);
  const cuts = models.perCode.map((m) => m.fit?.cut ?? Infinity);
  scoreRows(models, corpus, targetRows, (r, z) => {
    const doc = corpus.docs[corpus.rowDoc[r]!]!;
    let span: ReturnType<typeof segmentSpan> | undefined;
    for (let c = 0; c < codes.length; c++) {
      const v = z[c]!;
      if (!(v >= cuts[c]!)) continue;
      span ??= segmentSpan(doc, corpus.rowSeg[r]!);
      suggested[c]!++;
      codings.push({ coder: opts.as, participant: doc.participant, wave: doc.wave, ...span, code: codes[c]!.id, exemplar: false, memo: suggestionMemo(sigmoid(v), opts.coder) });
    }
  });
  const summaries: CodeSummary[] = models.perCode.map((m) => {
    const code = codes[m.code]!;
    const skill = m.fit !== undefined && Number.isFinite(m.fit.cut);
    const s: CodeSummary = { code: code.id, label: code.label, examples: m.positives, suggested: suggested[m.code]!, threshold: skill ? sigmoid(m.fit!.cut) : null };
    if (m.fit && !skill) s.note = 'no skill: in the inner cross-validation no threshold beat suggesting every segment, so nothing is suggested';
    if (!m.fit) s.note = m.positives === m.eligible && m.positives > 0 ? `applied to every segment learned from (${m.positives})` : tooFew(m.positives);
    return s;
  });
  return { coder: opts.coder, as: opts.as, transcripts, learnedSegments: rowsOf(corpus, learned).length, targetSegments: targetRows.length, targets: targets.map((d) => corpus.docs[d]!), codes: summaries, codings };
}

/**
 * Uncertainty sampling for the coding session: the segments of `doc` ordered most uncertain
 * first, by models trained on what `coder` has coded elsewhere (the transcripts learned from,
 * `doc` itself left out). A segment's margin is the smallest distance, over the codes with a
 * model, between its score and the code's threshold (in log-odds): the segment whose decision the
 * models are least sure of comes first; ties (and segments no model scores) in the text's order.
 */
export function uncertainOrder(study: Pick<Study, 'documents' | 'codebook' | 'codings' | 'finished'>, stem: Stem, doc: Document, opts: { coder: string; settings?: LearnSettings }): { order: number[]; margins: Map<number, number>; models: number; learned: number } {
  const settings = opts.settings ?? DEFAULT_SETTINGS;
  const codes = study.codebook.codes;
  const { view, positives } = prepare(study, stem, codes, codingTable(study), opts.coder, settings.context ? { context: true } : {});
  const learned = transcriptsOf(study, opts.coder)
    .learned.filter((d) => d.id !== doc.id)
    .map((d) => view.docIndex.get(d.id)!)
    .sort((a, b) => a - b);
  const models = trainOn(view, codes, positives, learned, settings);
  const fitted = models.perCode.filter((m) => m.fit && Number.isFinite(m.fit.cut));
  const margins = new Map<number, number>();
  const at = view.docIndex.get(doc.id)!;
  scoreRows(models, view.corpus, rowsOf(view.corpus, [at]), (r, z) => {
    let m = Infinity;
    for (const model of fitted) {
      const v = z[model.code]!;
      if (!Number.isNaN(v)) m = Math.min(m, Math.abs(v - model.fit!.cut));
    }
    if (m < Infinity) margins.set(view.corpus.rowSeg[r]!, m);
  });
  const order = doc.segments.map((_, i) => i).sort((a, b) => (margins.get(a) ?? Infinity) - (margins.get(b) ?? Infinity) || a - b);
  return { order, margins, models: fitted.length, learned: learned.length };
}
