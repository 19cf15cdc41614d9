import { hasColumns, type SpanFields } from '../coding/span.js';
import type { Coding } from '../coding/types.js';
import { sourceLines } from '../coding/text.js';
import type { Where } from '../study/filters.js';
import type { Document, Study } from '../study/types.js';
import type { IntervalMethod } from './bootstrap.js';
import { agreement, FEW_UNITS, UNDEFINED_SHARE, type AgreementOptions, type AgreementResult, type Estimate } from './report.js';
import { codePatterns, pooledPatterns } from './marked.js';
import { toPatterns, toPatternsMany, type PatternTable } from './table.js';
import type { TranscriptSelection, Uncoded } from './transcripts.js';
import { codeRatings, codeSetRatings, type AgreementUnit } from './units.js';
import { prepareUnitizing, unitizingAlpha, unitizingIntervals, type Continuum } from './unitizing.js';

export interface StudyAgreementRow {
  name: string;
  label: string;
  prevalence?: Array<number | null>;
  /** Units left out because they lie at waves before the code's `since:` (not coded for there). */
  beforeSince?: number;
  result: AgreementResult;
}

export interface StudyAgreementOptions {
  coders: string[];
  unit: AgreementUnit;
  level: 'code' | 'theme';
  codes?: string[];
  waves?: string[];
  where?: Where[];
  includeInterviewer?: boolean;
  masi?: boolean;
  uncoded?: Uncoded;
  resamples: number;
  seed: number;
  confidence?: number;
  interval?: IntervalMethod;
  /** Called as each code's agreement is done: how many of how many. */
  onProgress?: (done: number, of: number) => void;
}

/**
 * One row's agreement to compute: its pattern table and options, plain data (no functions), so
 * that it can be computed anywhere, e.g. on a worker thread (src/io/agreement-pool.ts): the result
 * of `agreementOf(job)` depends on the job alone.
 */
export interface AgreementJob {
  table: PatternTable;
  options: Omit<AgreementOptions, 'onResample' | 'describeInformative'>;
  /** How warnings name the informative units: `only N <what> where anyone applied the code` (or `a code`, pooled). */
  informative: { what: string; pooled: boolean };
}

export function agreementOf(job: AgreementJob): AgreementResult {
  const { what, pooled } = job.informative;
  const one = pooled ? 'a code' : 'the code';
  return agreement(job.table, { ...job.options, describeInformative: (n: number) => (n === 0 ? `nobody applied ${one}` : `only ${n} ${what} where anyone applied ${one}`) });
}

/** The rows of studyAgreement with their jobs still to compute (`result` is agreementOf(job)). */
export function studyAgreementJobs(study: Study, opts: StudyAgreementOptions): { rows: Array<Omit<StudyAgreementRow, 'result'> & { job: AgreementJob }>; codes: number; units: number; selection: TranscriptSelection } {
  const scope = { coders: opts.coders, unit: opts.unit, level: opts.level, ...(opts.codes ? { codes: opts.codes } : {}), ...(opts.waves ? { waves: opts.waves } : {}), ...(opts.where ? { where: opts.where } : {}), includeInterviewer: opts.includeInterviewer === true, uncoded: opts.uncoded ?? 'absent' };
  const data = codeRatings(study, scope);
  const what = opts.unit === 'document' ? 'transcripts' : 'segments';
  const options = {
    level: 'nominal' as const,
    resamples: opts.resamples,
    seed: opts.seed,
    ...(opts.confidence ? { confidence: opts.confidence } : {}),
    ...(opts.interval ? { interval: opts.interval } : {}),
  };
  const perCode = { what, pooled: false };
  const rows: Array<Omit<StudyAgreementRow, 'result'> & { job: AgreementJob }> = data.perCode.map((c) => {
    const table = data.marked ? codePatterns(data.marked.space, c.marked) : toPatterns(c.ratings());
    return { name: c.code, label: c.label, prevalence: c.prevalence, ...(c.beforeSince > 0 ? { beforeSince: c.beforeSince } : {}), job: { table, options, informative: perCode } };
  });
  // Pooled over codes: every (unit, code) decision; a unit's decisions are resampled together.
  if (data.perCode.length > 0) {
    const marked = data.marked;
    const table = marked
      ? pooledPatterns(
          marked.space,
          data.perCode.map((c) => c.marked),
          marked.byUnit,
        )
      : toPatternsMany(data.perCode.map((c) => c.ratings()));
    rows.push({ name: 'pooled', label: `all ${data.perCode.length} ${opts.level}s`, job: { table, options, informative: { what, pooled: true } } });
  }
  if (opts.masi && data.perCode.length > 0) {
    const sets = codeSetRatings(data.perCode, opts.coders.length);
    rows.push({ name: 'code sets (MASI α)', label: 'the set of codes on each unit', job: { table: toPatterns(sets.ratings), options: { ...options, differences: sets.differences }, informative: perCode } });
  }
  return { rows, codes: data.perCode.length, units: data.units, selection: data.selection };
}

/** Agreement per code (or theme), pooled, and optionally over code sets (MASI), on a coded study. */
export function studyAgreement(study: Study, opts: StudyAgreementOptions): { rows: StudyAgreementRow[]; units: number; selection: TranscriptSelection } {
  const data = studyAgreementJobs(study, opts);
  const rows = data.rows.map(({ job, ...row }, i) => {
    if (i < data.codes) opts.onProgress?.(i, data.codes + 1);
    return { ...row, result: agreementOf(job) };
  });
  return { rows, units: data.units, selection: data.selection };
}

/**
 * Unitizing agreement on a study: Krippendorff's _u alpha per code (or theme) and pooled, on the
 * characters of participant speech (and interviewer speech with includeInterviewer) of the
 * transcripts compared, each transcript a sampling unit of the bootstrap. A coder's overlapping
 * codings of one code are merged into one stretch (counted in `merged`).
 */
export function studyUnitizing(study: Study, opts: StudyAgreementOptions): { rows: StudyAgreementRow[]; characters: number; selection: TranscriptSelection; merged: number } {
  const { selection } = codeRatings(study, { coders: opts.coders, unit: 'document', level: opts.level, ...(opts.waves ? { waves: opts.waves } : {}), ...(opts.where ? { where: opts.where } : {}), uncoded: opts.uncoded ?? 'absent' });
  const codes = (opts.codes?.length ? opts.codes.map((id) => study.codebook.byId.get(id)!) : opts.level === 'theme' ? study.codebook.themes : study.codebook.codes).filter(Boolean);
  const target = (code: string): string => (opts.level === 'theme' ? (study.codebook.byId.get(code)?.theme ?? code) : code);
  const wanted = new Set(codes.map((c) => c.id));
  let merged = 0;
  // Each coder's codings per transcript, in file order, found once (was every coding looked at for
  // every transcript and coder: minutes at 1,000 transcripts).
  const compared = new Set(opts.coders);
  const perTranscript = new Map<string, Coding[]>();
  for (const c of study.codings) {
    if (!compared.has(c.coder)) continue;
    const key = `${c.coder}\u0000${c.participant}\u0000${c.wave}`;
    const list = perTranscript.get(key);
    if (list) list.push(c);
    else perTranscript.set(key, [c]);
  }
  const continua: Continuum[] = selection.compared.map((doc) => {
    const map = continuumOf(doc, opts.includeInterviewer === true);
    const units = opts.coders.map((coder) => {
      const byCode = new Map<string, Array<{ begin: number; end: number }>>();
      for (const c of perTranscript.get(`${coder}\u0000${doc.participant}\u0000${doc.wave}`) ?? []) {
        const code = target(c.code);
        if (!wanted.has(code)) continue;
        const span = map.span(c);
        if (!span) continue;
        let list = byCode.get(code);
        if (!list) byCode.set(code, (list = []));
        list.push(span);
      }
      const out: Array<{ begin: number; length: number; category: string }> = [];
      for (const [code, spans] of byCode) {
        spans.sort((x, y) => x.begin - y.begin || x.end - y.end);
        let cur: { begin: number; end: number } | undefined;
        for (const s of spans) {
          if (cur && s.begin < cur.end) {
            merged++;
            cur.end = Math.max(cur.end, s.end);
          } else {
            if (cur) out.push({ begin: cur.begin, length: cur.end - cur.begin, category: code });
            cur = { ...s };
          }
        }
        if (cur) out.push({ begin: cur.begin, length: cur.end - cur.begin, category: code });
      }
      return out;
    });
    return { length: map.length, units };
  });
  const data = prepareUnitizing(
    continua,
    opts.coders.length,
    codes.map((c) => c.id),
  );
  const est = unitizingAlpha(data);
  const confidence = opts.confidence ?? 0.95;
  const method = opts.interval ?? 'bca';
  const ints = opts.resamples > 0 ? unitizingIntervals(data, est, { resamples: opts.resamples, seed: opts.seed, confidence, method }) : undefined;
  const docs = continua.length;
  const characters = continua.reduce((n, d) => n + d.length, 0);
  const row = (name: string, label: string, v: (typeof est)['pooled'], ci: { low: number; high: number; undefinedShare: number } | undefined): StudyAgreementRow => {
    const e: Estimate = {
      value: Number.isFinite(v.value) ? v.value : null,
      ciLow: ci && Number.isFinite(ci.low) ? ci.low : null,
      ciHigh: ci && Number.isFinite(ci.high) ? ci.high : null,
      undefinedResamples: ci ? ci.undefinedShare : null,
      observedDisagreement: Number.isFinite(v.observedDisagreement) ? v.observedDisagreement : null,
      expectedDisagreement: Number.isFinite(v.expectedDisagreement) ? v.expectedDisagreement : null,
    };
    const warnings: string[] = [];
    if (e.value !== null && ci) {
      if (ci.undefinedShare > UNDEFINED_SHARE) warnings.push(`${Math.round(ci.undefinedShare * 100)}% of the bootstrap resamples left it undefined`);
      if (docs < FEW_UNITS) warnings.push(`only ${docs} transcripts (the sampling units): intervals are unreliable below ${FEW_UNITS}`);
    }
    if (warnings.length) e.warnings = warnings;
    return { name, label, result: { units: characters, samplingUnits: docs, coders: opts.coders.length, categories: [], interval: method, coefficients: { unitizingAlpha: e } } };
  };
  const rows = codes.map((c, i) => row(c.id, c.label, est.perCategory[i]!, ints?.perCategory[i]));
  if (codes.length > 0) rows.push(row('pooled', `all ${codes.length} ${opts.level}s`, est.pooled, ints?.pooled));
  return { rows, characters, selection, merged };
}

/**
 * A transcript's continuum: the characters (code points) of its included speech, line after line
 * (each line followed by its line break), speech of other speakers left out. A coding of lines
 * a..b covers the included characters from the start of line a to the end of line b; an exact
 * span a:x-b:y those from column x of line a to column y of line b (its included part).
 */
function continuumOf(doc: Document, includeInterviewer: boolean): { length: number; span(c: SpanFields): { begin: number; end: number } | undefined } {
  const lines = sourceLines(doc);
  const included = new Uint8Array(lines.length + 2);
  for (const s of doc.segments) {
    if (s.role !== 'participant' && !(includeInterviewer && s.role === 'interviewer')) continue;
    for (let l = s.startLine; l <= s.endLine; l++) included[l] = 1;
  }
  // start[l]: continuum offset of line l's first character; len[l]: its characters (code points).
  const start = new Float64Array(lines.length + 2);
  const len = new Float64Array(lines.length + 2);
  let pos = 0;
  for (let l = 1; l <= lines.length; l++) {
    start[l] = pos;
    if (!included[l]) continue;
    len[l] = [...lines[l - 1]!].length;
    pos += len[l]! + 1;
  }
  return {
    length: pos,
    span(c) {
      const a = c.startLine;
      const b = c.endLine;
      let first = -1;
      let last = -1;
      for (let l = Math.max(1, a); l <= Math.min(b, lines.length); l++) {
        if (!included[l]) continue;
        if (first < 0) first = l;
        last = l;
      }
      if (first < 0) return undefined;
      const cols = hasColumns(c);
      // Columns are code points, as the continuum counts them.
      const begin = start[first]! + (cols && first === a ? Math.min(c.startColumn - 1, len[first]!) : 0);
      const end = start[last]! + (cols && last === b ? Math.min(c.endColumn, len[last]!) : len[last]!);
      return end > begin ? { begin, end } : undefined;
    },
  };
}
