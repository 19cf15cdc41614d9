import type { Estimate } from '../../core/agreement/report.js';
import { autocode } from '../../core/coding/autocode.js';
import { withHashes } from '../../core/coding/edit.js';
import { codingAt, codingTable, partLength } from '../../core/coding/table.js';
import type { Coding } from '../../core/coding/types.js';
import { CONSENSUS_CODER, isCoderName, isHumanCoder, isSuggestionCoder, SUGGEST_CODER } from '../../core/coding/types.js';
import { renderDelimited, renderMarkdown, renderTerminal, type Cell, type Table } from '../../core/format/table.js';
import type { Evaluation, EvaluationRow, Scores } from '../../core/learn/evaluate.js';
import { DEFAULT_SETTINGS } from '../../core/learn/model.js';
import type { Suggestions } from '../../core/learn/suggestions.js';
import type { Study } from '../../core/study/types.js';
import { didYouMeanSuffix } from '../../core/text/suggest.js';
import { codingsFile, saveCodings } from '../../io/codings.js';
import { loadStemmer, STEMMER_LANGUAGES } from '../../io/stemmer.js';
import type { Ctx } from '../context.js';
import { EXIT, InputError, UsageError } from '../errors.js';
import { plural } from '../report.js';
import { patternMatchers } from './autocode.js';

/**
 * qualwave suggest: codings proposed for the transcripts a human coder has not coded yet, by
 * models learned (core/learn) from that coder's own codings of this study, written as a machine
 * coder (`suggest`); with --evaluate, those models measured against the coder as a third coder.
 * Nothing leaves the machine and nothing is downloaded: the models see only the study's text.
 */
export async function run(ctx: Ctx<'suggest'>): Promise<number> {
  const study = await ctx.study();
  const coder = learnedCoder(study, ctx.opts.coder);
  const as = ctx.opts.as;
  if (!isCoderName(as) || !isSuggestionCoder(as)) throw new UsageError(`--as ${as}: suggestions go to a suggestion coder, named '${SUGGEST_CODER}' or starting with '${SUGGEST_CODER}-'`, `e.g. --as ${SUGGEST_CODER}-${coder}`);
  const codes = selectedCodes(study, ctx.opts.code);
  const stem = await loadStemmer(study.config.language);
  if (!stem) throw new UsageError(`no stemmer for the study language '${study.config.language}'`, `suggestions support: ${STEMMER_LANGUAGES.join(', ')} (set language: in qualwave.yaml)`);
  const settings = { ...DEFAULT_SETTINGS, minExamples: ctx.opts.minExamples };
  if (ctx.opts.evaluate) return evaluateRun(ctx, study, coder, codes, stem, settings);
  if (ctx.opts.byWave) throw new UsageError('--by-wave goes with --evaluate');
  refuseHumanFile(study, as);
  const { suggest } = await import('../../core/learn/suggestions.js');
  const result = suggest(study, stem, { coder, as, codes, settings });
  emitSuggestions(ctx, result);
  const t = result.transcripts;
  ctx.info(`learned from ${coder}'s ${plural(t.learned.length, 'transcript')} (${plural(result.learnedSegments, 'segment')}); suggested for ${plural(result.targets.length, 'transcript')} (${plural(result.targetSegments, 'segment')}: ${t.notCoded.length} not coded, ${t.inProgress.length} in progress)`);
  const existing = codingsOf(study, as).length;
  if (result.targets.length === 0) ctx.info(ctx.err.yellow(`every transcript counts as coded by ${coder}: nothing to suggest for`));
  if (ctx.opts.dryRun) {
    ctx.info(`dry run: would write ${plural(result.codings.length, 'suggestion')} to ${codingsFile(as)}`);
    return EXIT.ok;
  }
  saveCodings(study, new Map([[as, withHashes(study, result.codings)]]));
  ctx.info(`wrote ${plural(result.codings.length, 'suggestion')} to ${codingsFile(as)}${existing ? ` (replacing ${existing})` : ''}; see them while coding: qualwave code PARTICIPANT WAVE --coder ${coder} --hints${as === SUGGEST_CODER ? '' : ` --hints-from ${as}`}`);
  return EXIT.ok;
}

/** The human coder learned from: the one named, else consensus, else the only human coder. */
function learnedCoder(study: Study, asked: string | undefined): string {
  const humans = study.coders.filter(isHumanCoder);
  if (asked !== undefined) {
    if (!study.coders.includes(asked)) throw new UsageError(`--coder: no coder '${asked}'${didYouMeanSuffix(asked, study.coders)}`, `coders: ${study.coders.join(', ') || 'none yet'}`);
    if (!isHumanCoder(asked)) throw new UsageError(`--coder ${asked} is a machine coder: suggestions are learned from a person's codings`, `human coders: ${humans.join(', ') || 'none yet'}`);
    return asked;
  }
  if (humans.includes(CONSENSUS_CODER)) return CONSENSUS_CODER;
  if (humans.length === 1) return humans[0]!;
  throw new UsageError(humans.length === 0 ? 'the study has no human codings to learn from' : `several coders (${humans.join(', ')}) and no consensus coder: choose the coder to learn from with --coder`, humans.length === 0 ? 'code a few transcripts first: qualwave code PARTICIPANT WAVE --coder NAME' : undefined);
}

function selectedCodes(study: Study, ids: readonly string[] | undefined): Study['codebook']['codes'] {
  if (!ids?.length) return study.codebook.codes;
  for (const id of ids) if (!study.codebook.byId.has(id)) throw new UsageError(`--code: no code '${id}'${didYouMeanSuffix(id, study.codebook.byId.keys())}`, 'codes are listed by: qualwave codebook show');
  return study.codebook.codes.filter((c) => ids.includes(c.id));
}

/**
 * The suggestion coder's file is replaced as a whole: refused when it holds anything a person may
 * have made there (a coding without a suggestion's memo, or finished transcripts).
 */
function refuseHumanFile(study: Study, as: string): void {
  const mine = codingsOf(study, as);
  const human = mine.filter((c) => !/^score [01]\.\d{3} \(learned from [^()]+\)$/.test(c.memo ?? ''));
  const finished = study.finished.filter((f) => f.coder === as).length;
  if (human.length === 0 && finished === 0) return;
  const first = human[0]?.source;
  throw new InputError(
    `${codingsFile(as)} holds ${human.length > 0 ? `${plural(human.length, 'coding')} that ${human.length === 1 ? 'is not a suggestion' : 'are not suggestions'}${first ? ` (first: ${first.file}:${first.line})` : ''}` : `finished transcripts (${plural(finished, 'transcript')})`}: a person's work, which suggestions never replace; nothing was written`,
    [],
    `write the suggestions to another coder (--as ${SUGGEST_CODER}-new), or rename that file if its codings are a person's`,
  );
}

/** One coder's codings, in file order, made from the columns of that coder's file only (not every coder's). */
function codingsOf(study: Study, coder: string): Coding[] {
  const out: Coding[] = [];
  for (const part of codingTable(study).parts) {
    if (part.packed && part.packed.coder !== coder) continue;
    for (let i = 0, n = partLength(part); i < n; i++) {
      const c = codingAt(part, i);
      if (c.coder === coder) out.push(c);
    }
  }
  return out;
}

function emitSuggestions(ctx: Ctx<'suggest'>, result: Suggestions): void {
  const format = ctx.format;
  if (format === 'json') {
    const t = result.transcripts;
    const ids = (docs: readonly { id: string }[]) => docs.map((d) => d.id);
    ctx.emit(JSON.stringify({ coder: result.coder, as: result.as, transcripts: { learned: ids(t.learned), inProgress: ids(t.inProgress), notCoded: ids(t.notCoded) }, learnedSegments: result.learnedSegments, targetSegments: result.targetSegments, suggestions: result.codings.length, codes: result.codes }, null, 2));
    return;
  }
  const table: Table = {
    columns: [{ header: 'code' }, { header: 'label' }, { header: 'examples', align: 'right' }, { header: 'threshold', align: 'right' }, { header: 'suggested', align: 'right' }, { header: 'note' }],
    rows: result.codes.map((c) => [c.code, c.label, c.examples, c.threshold === null ? '' : c.threshold.toFixed(3), c.threshold === null ? '' : c.suggested, c.note ?? '']),
  };
  emitTable(ctx, table);
}

function emitTable(ctx: Ctx<'suggest'>, table: Table): void {
  const format = ctx.format;
  ctx.emit(format === 'md' ? renderMarkdown(table) : format === 'csv' || format === 'tsv' ? renderDelimited(table, format === 'csv' ? ',' : '\t') : renderTerminal(table, { style: { bold: (x) => ctx.out.bold(x), dim: (x) => ctx.out.dim(x) } }));
}

async function evaluateRun(ctx: Ctx<'suggest'>, study: Study, coder: string, codes: Study['codebook']['codes'], stem: NonNullable<Awaited<ReturnType<typeof loadStemmer>>>, settings: typeof DEFAULT_SETTINGS): Promise<number> {
  const humans = humanPair(study, coder, ctx.opts.humans);
  const { linear, literals } = await patternMatchers(ctx, study, 'nothing was evaluated');
  const { evaluate } = await import('../../core/learn/evaluate.js');
  const e = evaluate(study, stem, {
    coder,
    byWave: ctx.opts.byWave,
    folds: ctx.opts.folds,
    seed: ctx.opts.seed,
    resamples: ctx.opts.resamples,
    ...(humans ? { humans } : {}),
    keywords: (docs) => keywordCodings(study, docs, stem, linear, literals),
    codes,
    settings,
  });
  if (e.splits.length === 0) throw new UsageError(e.method === 'wave' ? `--by-wave: ${coder}'s coded transcripts do not span two waves` : `${coder} coded transcripts of fewer than two participants: nothing to hold out`, `coded by ${coder}: ${e.transcripts} transcripts`);
  if (ctx.format === 'json') {
    ctx.emit(JSON.stringify(e, null, 2));
  } else emitTable(ctx, evaluationTable(e));
  ctx.info(`${e.method === 'wave' ? 'trained on earlier waves, tested on each later one' : `${e.folds} folds of participants (seed ${e.seed}), each held out once`}: ${plural(e.transcripts, 'transcript')}, ${plural(e.segments, 'segment')} tested against ${coder}${e.humans ? `; humans: ${e.humans.join(' vs ')}` : ''}`);
  const few = e.rows.filter((r) => r.note).length;
  if (few > 0) ctx.info(ctx.err.yellow(`${plural(few, 'code')} not scored: fewer than ${settings.minExamples} examples (--min-examples)`));
  return EXIT.ok;
}

/**
 * The keyword auto-coder's codings of these documents: each text read for it is let go once coded
 * (autocode reports each document as it starts the next), so that they are not all held at once.
 */
function keywordCodings(study: Study, docs: readonly Study['documents'][number][], stem: NonNullable<Awaited<ReturnType<typeof loadStemmer>>>, linear: Awaited<ReturnType<typeof patternMatchers>>['linear'], literals: Awaited<ReturnType<typeof patternMatchers>>['literals']): Coding[] {
  const held = docs.map((d) => d.segmentList.holdsText);
  const release = (k: number): void => {
    if (k >= 0 && k < docs.length && !held[k]) docs[k]!.segmentList.releaseText();
  };
  const { codings } = autocode({ documents: [...docs], codebook: study.codebook }, stem, 'auto', linear, literals, (done) => release(done - 1));
  release(docs.length - 1);
  return codings;
}

/** The two human coders compared beside the suggestions: given, else the coder and the only other human (or the two humans behind a consensus). */
function humanPair(study: Study, coder: string, given: readonly string[] | undefined): readonly [string, string] | undefined {
  if (given?.length) {
    if (given.length !== 2) throw new UsageError(`--humans takes two coders, not ${given.length}`, 'e.g. --humans alice,ben');
    for (const c of given) if (!study.coders.includes(c)) throw new UsageError(`--humans: no coder '${c}'${didYouMeanSuffix(c, study.coders)}`, `coders: ${study.coders.join(', ')}`);
    return [given[0]!, given[1]!];
  }
  const people = study.coders.filter((c) => isHumanCoder(c) && c !== CONSENSUS_CODER);
  if (coder === CONSENSUS_CODER) return people.length === 2 ? [people[0]!, people[1]!] : undefined;
  const others = people.filter((c) => c !== coder);
  return others.length === 1 ? [coder, others[0]!] : undefined;
}

const num = (x: number | null | undefined): string => (x === null || x === undefined ? '' : x.toFixed(2));
function kappa(e: Estimate | null | undefined): string {
  if (!e || e.value === null) return '';
  return `${e.value.toFixed(2)}${e.ciLow !== null && e.ciHigh !== null ? ` [${e.ciLow.toFixed(2)}, ${e.ciHigh.toFixed(2)}]` : ''}`;
}

export function evaluationTable(e: Evaluation): Table {
  const cells = (s: Scores | undefined): Cell[] => [kappa(s?.kappa), num(s?.f1)];
  const row = (r: EvaluationRow): Cell[] => [r.code, r.examples, r.tested, ...cells(r.suggest), ...cells(r.keywords), kappa(r.humans?.kappa), r.note ?? (r.splitsWithoutModel ? `no model in ${r.splitsWithoutModel} of ${e.folds} splits` : '')];
  return {
    title: `Suggestions learned from ${e.coder}, compared with ${e.coder} on held-out transcripts (${e.method === 'wave' ? 'earlier waves → later' : `${e.folds} participant folds`}): Cohen's kappa [95% bootstrap interval over participants] and F1; beside them the keyword auto-coder${e.humans ? ` and ${e.humans[0]} vs ${e.humans[1]}` : ''}`,
    columns: [{ header: 'code' }, { header: 'examples', align: 'right' }, { header: 'tested', align: 'right' }, { header: 'kappa' }, { header: 'F1', align: 'right' }, { header: 'keywords kappa' }, { header: 'keywords F1', align: 'right' }, { header: 'humans kappa' }, { header: 'note' }],
    rows: e.rows.map(row),
    ...(e.pooled ? { footer: [row(e.pooled)] } : {}),
  };
}
