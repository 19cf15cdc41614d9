import type { IntervalMethod } from '../core/agreement/bootstrap.js';
import { disagreements as findDisagreements, type BeforeSince, type Disagreement } from '../core/agreement/reconcile.js';
import { studyAgreement, studyUnitizing, type StudyAgreementRow } from '../core/agreement/study.js';
import type { TranscriptSelection, Uncoded } from '../core/agreement/transcripts.js';
import type { AgreementUnit } from '../core/agreement/units.js';
import type { Stem } from '../core/coding/autocode.js';
import { retrieve, retrievedRuns, retrieving, type RetrieveFilters, type Retrieved } from '../core/coding/retrieve.js';
import { CONSENSUS_CODER, isHumanCoder } from '../core/coding/types.js';
import { UsageError } from '../core/errors.js';
import { anticipations, type Anticipations } from '../core/matrix/anticipation.js';
import { caseOrdered, type CaseOrder, type CaseOrdered } from '../core/matrix/case-order.js';
import { changeMatrix, type ChangeMatrix, type ChangeMeasure } from '../core/matrix/change.js';
import { codedStudy, defaultCoder, type CodedStudy, type RowKey } from '../core/matrix/coded.js';
import { cooccurrence as coOccur, type Cooccurrence } from '../core/matrix/cooccurrence.js';
import { dropout as dropoutCheck, type DropoutBlock } from '../core/matrix/dropout.js';
import { framework as frameworkMatrix, frameworkRows, type FrameworkRow } from '../core/matrix/framework.js';
import { matrix as themeMatrix, type Matrix } from '../core/matrix/matrix.js';
import { saturation as saturationSteps } from '../core/matrix/saturation.js';
import { trajectories as trajectoryRows } from '../core/matrix/trajectories.js';
import { evidence as findEvidence, type Evidence } from '../core/quotes/evidence.js';
import { selectQuotes, type QuoteCell } from '../core/quotes/select.js';
import { matchesWhere, type Where } from '../core/study/filters.js';
import type { Study } from '../core/study/types.js';
import { summarise, type StudySummary } from '../core/summary/summary.js';
import { didYouMeanSuffix } from '../core/text/suggest.js';
import { pairsStore } from '../io/pairs-store.js';
import { loadStemmer, STEMMER_LANGUAGES } from '../io/stemmer.js';

/**
 * The analyses, callable in-process: each takes a loaded study (openStudy) and plain options,
 * checks the options against the study (an unknown code, wave, coder or attribute is a
 * UsageError with a did-you-mean), and returns plain data. The commands render these results;
 * `build`, the report and other programs (a notebook, a script) call them directly.
 */

export type Rows = 'theme' | 'code';

/** Which codings and which part of the study: every longitudinal table takes these. */
export interface Scope {
  /** Whose codings (default: consensus, else the only coder). */
  coder?: string;
  waves?: readonly string[];
  where?: readonly Where[];
}

/** Unknown codes, waves, participants or coders are usage errors with a suggestion. */
export function checkFilters(study: Study, f: { codes?: readonly string[] | undefined; waves?: readonly string[] | undefined; participants?: readonly string[] | undefined; coders?: readonly string[] | undefined; where?: readonly Where[] | undefined }, flags: { codes?: string; coders?: string } = {}): void {
  const check = (values: readonly string[] | undefined, known: Iterable<string>, what: string, flag: string): void => {
    const set = new Set(known);
    for (const v of values ?? []) {
      if (!set.has(v)) throw new UsageError(`${flag} ${v}: no such ${what}${didYouMeanSuffix(v, set)}`, `${what}s: ${[...set].slice(0, 12).join(', ')}${set.size > 12 ? ', …' : ''}`);
    }
  };
  check(f.codes, study.codebook.byId.keys(), 'code', flags.codes ?? '--code');
  check(
    f.waves,
    study.config.waves.map((w) => w.id),
    'wave',
    '--wave',
  );
  check(
    f.participants,
    study.participants.map((p) => p.id),
    'participant',
    '--participant',
  );
  check(f.coders, study.coders, 'coder', flags.coders ?? '--coders');
  checkWhere(study, f.where ?? []);
}

/**
 * `--where ATTR=VALUE`: the attribute must exist, every value must be one some participant has
 * (values compare exactly: `gender=f` is not `F`), and all the filters together must keep
 * someone; otherwise every table would be silently empty.
 */
function checkWhere(study: Study, where: readonly Where[]): void {
  if (where.length === 0) return;
  const attributes = new Set(study.participants.flatMap((p) => Object.keys(p.attributes)));
  for (const w of where) {
    if (!attributes.has(w.attribute)) throw new UsageError(`--where ${w.attribute}=…: no participant attribute '${w.attribute}'${didYouMeanSuffix(w.attribute, attributes)}`, `attributes: ${[...attributes].join(', ')}`);
    const values = [...new Set(study.participants.map((p) => p.attributes[w.attribute] ?? ''))].sort();
    for (const v of w.values) {
      if (!values.includes(v)) throw new UsageError(`--where ${w.attribute}=${v}: no participant has ${w.attribute} '${v}'${didYouMeanSuffix(v, values)}`, `values of ${w.attribute} in participants.csv: ${values.map((x) => (x === '' ? '(empty)' : x)).join(', ')}`);
    }
  }
  if (!study.participants.some((p) => matchesWhere(p, where))) {
    throw new UsageError(`no participant has ${where.map((w) => `${w.attribute} ${w.values.join(' or ')}`).join(' and ')}: ${where.map((w) => `--where ${w.attribute}=${w.values.join(',')}`).join(' ')} selects nobody`, 'each value exists, but not together: drop one of the filters');
  }
}

/** A participant attribute named by an option (--by, --sort). */
export function checkAttribute(study: Study, attribute: string, flag: string, extraHint = ''): void {
  const attributes = new Set(study.participants.flatMap((p) => Object.keys(p.attributes)));
  if (!attributes.has(attribute)) throw new UsageError(`${flag} ${attribute}: no participant attribute '${attribute}'${didYouMeanSuffix(attribute, attributes)}`, `attributes: ${[...attributes].join(', ')}${extraHint}`);
}

/** Coders to compare: given, or every coder but auto, consensus and the suggestion coders; two or more. */
export function selectCoders(study: Study, given: readonly string[] | undefined): string[] {
  const coders = given ? [...given] : study.coders.filter((c) => isHumanCoder(c) && c !== CONSENSUS_CODER);
  for (const c of coders) if (!study.coders.includes(c)) throw new UsageError(`--coders: no coder '${c}'${didYouMeanSuffix(c, study.coders)}`, `coders: ${study.coders.join(', ') || 'none yet'}`);
  if (coders.length < 2) throw new UsageError(`this needs two or more coders; the study has ${study.coders.length ? study.coders.join(', ') : 'none'}`, 'name them with --coders A,B');
  return coders;
}

/** The coder whose codings a table uses (default consensus, else the only coder). */
export function tableCoder(study: Study, asked: string | undefined): string {
  const { coder, problem } = defaultCoder(study, asked);
  if (coder) return coder;
  throw new UsageError(`${problem}${asked ? didYouMeanSuffix(asked, study.coders) : ''}: choose the coder with --coder`, study.coders.length ? `coders: ${study.coders.join(', ')} (qualwave reconcile makes a consensus coder)` : 'code the study first: qualwave code, qualwave codings import or qualwave autocode');
}

/**
 * One coder's codings through the study's segments, in scope: what every longitudinal table reads.
 * `counting`: the table only counts (cs.pairs): the pairs are read from, or kept in, the study index.
 */
export function coded(study: Study, scope: Scope = {}, counting = false): CodedStudy {
  const coder = tableCoder(study, scope.coder);
  checkFilters(study, { waves: scope.waves, where: scope.where });
  return codedStudy(study, coder, { ...(scope.waves ? { waves: [...scope.waves] } : {}), where: [...(scope.where ?? [])] }, counting ? pairsStore(study) : undefined);
}

/** Participation, per-wave counts, attrition and the codebook outline. */
export function summary(study: Study, opts: { coder?: string } = {}): StudySummary {
  return summarise(study, defaultCoder(study, opts.coder).coder, pairsStore(study));
}

/** Themes (or codes) x waves, attrition-aware; optionally split by a participant attribute. */
export function matrix(study: Study, opts: Scope & { rows?: Rows; by?: string } = {}): Matrix {
  if (opts.by !== undefined) checkAttribute(study, opts.by, '--by');
  const cs = coded(study, opts, true);
  return themeMatrix(cs, { rows: opts.rows ?? 'theme', ...(opts.by !== undefined ? { by: opts.by } : {}) });
}

const only = (study: Study, ids: readonly string[] | undefined, flag = '--theme'): string[] | undefined => {
  if (!ids) return undefined;
  checkFilters(study, { codes: ids }, { codes: flag });
  return [...ids];
};

export function trajectories(study: Study, opts: Scope & { rows?: Rows; only?: readonly string[] } = {}) {
  const cs = coded(study, opts);
  const o = only(study, opts.only);
  return { coder: cs.coder, waves: cs.waves, cs, rows: trajectoryRows(cs, { rows: opts.rows ?? 'theme', ...(o ? { only: o } : {}) }) };
}

export function framework(study: Study, opts: Scope & { rows?: Rows } = {}) {
  const cs = coded(study, opts);
  return { coder: cs.coder, ...frameworkMatrix(cs, { rows: opts.rows ?? 'theme' }) };
}

/** The same a row (one transcript) at a time, each text let go after its row: for output written as it goes. */
export function frameworkInRows(study: Study, opts: Scope & { rows?: Rows } = {}): { coder: string; themes: RowKey[]; rows: Iterable<FrameworkRow> } {
  const cs = coded(study, opts);
  return { coder: cs.coder, ...frameworkRows(cs, { rows: opts.rows ?? 'theme' }) };
}

export function cooccurrence(study: Study, opts: Scope & { rows?: Rows; unit?: 'segment' | 'document' } = {}): Cooccurrence & { coder: string } {
  const cs = coded(study, opts, true);
  // The fields copied as they are (the Jaccard indices are made when first read: core/matrix/cooccurrence.ts).
  return Object.defineProperties({ coder: cs.coder }, Object.getOwnPropertyDescriptors(coOccur(cs, { unit: opts.unit ?? 'segment', rows: opts.rows ?? 'code' }))) as Cooccurrence & { coder: string };
}

export function saturation(study: Study, opts: Scope & { rows?: Rows } = {}) {
  const cs = coded(study, opts);
  return { coder: cs.coder, steps: saturationSteps(cs, { rows: opts.rows ?? 'code' }) };
}

/** The change matrix (Saldaña): each participant's change across the waves, in categories. */
export function change(study: Study, opts: Scope & { rows?: Rows; measure?: ChangeMeasure; only?: readonly string[] } = {}): ChangeMatrix & { cs: CodedStudy } {
  const cs = coded(study, opts);
  const o = only(study, opts.only);
  if (cs.waves.length < 2) throw new UsageError('change needs two waves or more in scope', cs.waves.length === 1 ? 'drop --wave, or give two waves or more' : undefined);
  const cm = changeMatrix(cs, { rows: opts.rows ?? 'theme', measure: opts.measure ?? 'segments', ...(o ? { only: o } : {}) });
  return Object.assign(cm, { cs });
}

/** The case-ordered matrix, sorted by an attribute or by a theme's change category (`change:THEME`). */
export function caseMatrix(study: Study, opts: Scope & { rows?: Rows; sort?: string; only?: readonly string[] } = {}): CaseOrdered & { keyHeader: string } {
  const cs = coded(study, opts);
  const rows = opts.rows ?? 'theme';
  const o = only(study, opts.only);
  let order: CaseOrder = { by: 'participant' };
  let keyHeader = 'sorted by';
  const sort = opts.sort;
  if (sort?.startsWith('change:')) {
    const row = sort.slice('change:'.length);
    const known = rows === 'theme' ? study.codebook.themes.map((t) => t.id) : study.codebook.codes.map((c) => c.id);
    if (!known.includes(row)) throw new UsageError(`--sort change:${row}: no ${rows} '${row}'${didYouMeanSuffix(row, known)}`, rows === 'theme' ? 'themes are the top-level codes; for a sub-code add --rows code' : undefined);
    if (o && !o.includes(row)) o.push(row);
    order = { by: 'change', row };
    keyHeader = `change: ${study.codebook.byId.get(row)!.label}`;
  } else if (sort !== undefined) {
    checkAttribute(study, sort, '--sort', "; or change:THEME to sort by a theme's change category");
    order = { by: 'attribute', attribute: sort };
    keyHeader = sort;
  }
  return Object.assign(caseOrdered(cs, { rows, order, ...(o ? { only: o } : {}) }), { keyHeader });
}

/** Those lost after each wave vs those retained. */
export function dropout(study: Study, opts: Scope & { rows?: Rows; after?: readonly string[] } = {}): { coder: string; blocks: DropoutBlock[] } {
  const cs = coded(study, opts);
  if (opts.after) {
    checkFilters(study, { waves: opts.after });
    const last = cs.waves[cs.waves.length - 1];
    for (const w of opts.after) {
      if (!cs.waves.some((x) => x.id === w)) throw new UsageError(`--after ${w}: the wave is not in scope (--wave)`);
      if (w === last?.id) throw new UsageError(`--after ${w}: nobody can be lost after the last wave in scope`, 'give an earlier wave');
    }
  }
  const blocks = dropoutCheck(cs, { rows: opts.rows ?? 'theme', ...(opts.after ? { after: [...opts.after] } : {}) });
  if (blocks.length === 0) throw new UsageError('the drop-out check needs two waves or more in scope');
  return { coder: cs.coder, blocks };
}

/** Anticipated vs experienced, for the codes marked `anticipates:`. */
export function anticipated(study: Study, opts: Scope & { only?: readonly string[] } = {}): Anticipations & { cs: CodedStudy } {
  const cs = coded(study, opts);
  const o = only(study, opts.only, '--code');
  for (const c of o ?? []) if (study.codebook.byId.get(c)?.anticipates === undefined) throw new UsageError(`--code ${c}: the code has no 'anticipates:' in the codebook`, 'mark the anticipation code, e.g. anticipates: emotions.toll');
  return Object.assign(anticipations(cs, o ? { only: o } : {}), { cs });
}

/** The stemmer of the study's language (undefined when there is none). */
export async function stemmer(study: Study): Promise<Stem | undefined> {
  return loadStemmer(study.config.language);
}

/** Quotes for the evidence of a display: one per row, wave and participant. */
export function evidence(cs: CodedStudy, stem: Stem, opts: { rows: Rows; only?: readonly string[] }): Evidence {
  return findEvidence(cs, stem, { rows: opts.rows, ...(opts.only ? { only: [...opts.only] } : {}) });
}

export interface QuotesOptions extends Scope {
  rows?: Rows;
  /** Only these themes, or (with rows: 'code') codes. */
  only?: readonly string[];
  perCell?: number;
  minWords?: number;
  maxWords?: number;
  repeatParticipants?: boolean;
  clean?: boolean;
}

/** The best candidate quotes for each theme (or code) and wave. */
export async function quotes(study: Study, opts: QuotesOptions = {}): Promise<{ coder: string; rows: Rows; cells: QuoteCell[]; minWords: number; maxWords: number }> {
  const cs = coded(study, opts);
  const o = opts.only?.length ? only(study, opts.only, '--code') : undefined;
  const stem = await stemmer(study);
  if (!stem) throw new UsageError(`no stemmer for the study language '${study.config.language}'`, `supported: ${STEMMER_LANGUAGES.join(', ')}`);
  const minWords = opts.minWords ?? 15;
  const maxWords = opts.maxWords ?? 120;
  if (maxWords < minWords) throw new UsageError(`--max-words ${maxWords} is below --min-words ${minWords}`);
  const rows = opts.rows ?? 'theme';
  const cells = selectQuotes(cs, stem, { rows, perCell: opts.perCell ?? 3, minWords, maxWords, repeatParticipants: opts.repeatParticipants === true, clean: opts.clean === true, ...(o ? { only: o } : {}) });
  return { coder: cs.coder, rows, cells, minWords, maxWords };
}

/** Coded passages (code retrieval), with their text, attribution and file:line. */
export function codings(study: Study, filters: RetrieveFilters = {}): Retrieved[] {
  checkFilters(study, { codes: filters.codes, waves: filters.waves, participants: filters.participants, coders: filters.coders, where: filters.where });
  return retrieve(study, filters);
}

/**
 * The same a transcript's codings at a time (the filters checked first): for a listing written as
 * it goes, which holds one transcript's text and rows at a time.
 */
export function codingRuns(study: Study, filters: RetrieveFilters = {}): Iterable<Retrieved[]> {
  checkFilters(study, { codes: filters.codes, waves: filters.waves, participants: filters.participants, coders: filters.coders, where: filters.where });
  return retrievedRuns(retrieving(study, filters));
}

export interface AgreementOptions {
  /** Coders to compare (default: every coder but auto, consensus and the suggestion coders). */
  coders?: readonly string[];
  codes?: readonly string[];
  waves?: readonly string[];
  where?: readonly Where[];
  rows?: Rows;
  unit?: AgreementUnit;
  uncoded?: Uncoded;
  unitizing?: boolean;
  masi?: boolean;
  includeInterviewer?: boolean;
  resamples?: number;
  seed?: number;
  confidence?: number;
  interval?: IntervalMethod;
  /** Codes done so far, of how many (the CLI shows it on a terminal). */
  onProgress?: (done: number, of: number) => void;
}

export interface StudyAgreement {
  coders: string[];
  rows: StudyAgreementRow[];
  selection: TranscriptSelection;
  /** Units compared (segments, transcripts or characters); characters with unitizing. */
  units: number;
  /** Unitizing: overlapping codings merged into one stretch. */
  merged: number;
}

/** Inter-coder agreement per code (or theme) and pooled, with bootstrap intervals and standard errors. */
export function agreement(study: Study, opts: AgreementOptions = {}): StudyAgreement {
  const coders = selectCoders(study, opts.coders);
  checkFilters(study, { codes: opts.codes, waves: opts.waves, where: opts.where });
  const common = {
    coders,
    unit: opts.unit ?? 'segment',
    level: opts.rows ?? 'code',
    ...(opts.codes ? { codes: [...opts.codes] } : {}),
    ...(opts.waves ? { waves: [...opts.waves] } : {}),
    where: [...(opts.where ?? [])],
    includeInterviewer: opts.includeInterviewer === true,
    uncoded: opts.uncoded ?? 'absent',
    resamples: opts.resamples ?? 1000,
    seed: opts.seed ?? 1,
    confidence: opts.confidence ?? 0.95,
    interval: opts.interval ?? 'bca',
  };
  if (opts.unitizing) {
    if (opts.masi) throw new UsageError('--masi and --unitizing are different comparisons: give one');
    const r = studyUnitizing(study, common);
    return { coders, rows: r.rows, selection: r.selection, units: r.characters, merged: r.merged };
  }
  const r = studyAgreement(study, { ...common, masi: opts.masi === true, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  return { coders, rows: r.rows, selection: r.selection, units: r.units, merged: 0 };
}

/**
 * Every segment where the coders differ on a code, for the coders' meeting; `beforeSince`: the
 * differences on codes at waves before their `since:` (no disagreements: left out, as by agree).
 */
export function disagreements(study: Study, opts: { coders?: readonly string[]; codes?: readonly string[]; waves?: readonly string[]; where?: readonly Where[] } = {}): { coders: string[]; list: Disagreement[]; beforeSince: BeforeSince[] } {
  const coders = selectCoders(study, opts.coders);
  checkFilters(study, { codes: opts.codes, waves: opts.waves, where: opts.where });
  return { coders, ...findDisagreements(study, { coders, ...(opts.codes ? { codes: new Set(opts.codes) } : {}), ...(opts.waves ? { waves: [...opts.waves] } : {}), where: [...(opts.where ?? [])] }) };
}
