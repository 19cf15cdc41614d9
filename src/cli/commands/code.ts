import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { combineCodebooks, parseCodebookFile } from '../../core/codebook/parse.js';
import type { Codebook } from '../../core/codebook/types.js';
import { applyDiff, diffCodings, withHashes } from '../../core/coding/edit.js';
import { codeCreated, press, startSession, type Hint, type SessionState } from '../../core/coding/session.js';
import { finishedFile, isFinished } from '../../core/coding/finished.js';
import { codingKey, isCoderName, isSuggestionCoder, spanOf, SUGGEST_CODER, type Coding } from '../../core/coding/types.js';
import { loadStemmer, STEMMER_LANGUAGES } from '../../io/stemmer.js';
import { byText } from '../../core/coding/interchange.js';
import { describeSpan, formatSpan, hasColumns, lineIndexOf, touchedSegments, type SpanFields } from '../../core/coding/span.js';
import { spanHash, spanText } from '../../core/coding/text.js';
import { REANCHOR_HINT } from '../../core/coding/check.js';
import { addCode, CodebookAddError } from '../../io/codebook-add.js';
import type { Document, Study } from '../../core/study/types.js';
import { didYouMean, didYouMeanSuffix } from '../../core/text/suggest.js';
import { terminalMessage } from '../../core/format/escape.js';
import { updateCodings, updateFinished } from '../../io/codings.js';
import { isSystemError } from '../../io/errors.js';
import type { Ctx } from '../context.js';
import { EXIT, QualwaveError, UsageError } from '../errors.js';
import { parseKeys } from '../tui/keys.js';
import { renderSession } from '../tui/render.js';

/**
 * qualwave code PARTICIPANT WAVE --coder NAME: code one transcript, interactively in the terminal,
 * or from scripts with --apply/--remove CODE --lines A-B. Every change is saved (atomically) before
 * the next key is read, so Ctrl-C, a closed terminal or kill -9 loses nothing already shown.
 */
export async function run(ctx: Ctx<'code'>, participantArg: string, waveArg: string): Promise<number> {
  // Names typed on a Mac may arrive decomposed (NFD); the study's ids are compared in NFC.
  const participant = participantArg.normalize('NFC');
  const wave = waveArg.normalize('NFC');
  if (ctx.opts.coder === undefined) throw new UsageError('--coder is required: who is coding (codings/NAME.tsv)', `e.g. qualwave code ${participantArg} ${waveArg} --coder alice`);
  const coder = ctx.opts.coder;
  if (!isCoderName(coder)) throw new UsageError(`--coder ${coder}: not a usable coder name`, "use letters, digits, '-', '_' and '.' (it becomes codings/NAME.tsv)");
  const study = await ctx.study();
  const doc = findDocument(study, participant, wave);
  const apply = ctx.opts.apply;
  const remove = ctx.opts.remove;
  const done = ctx.opts.done === true;
  const notDone = ctx.opts.notDone === true;
  if (done && notDone) throw new UsageError('give --done or --not-done, not both');
  const isNew = !study.coders.includes(coder);
  const near = isNew ? didYouMean(coder, study.coders) : undefined;
  if (apply !== undefined || remove !== undefined || done || notDone) {
    if (isNew && near !== undefined && ctx.opts.newCoder !== true) {
      throw new UsageError(`--coder ${coder}: no coder '${coder}' in this study (did you mean '${near}'?)`, `coders: ${study.coders.join(', ')}; to start a new coder named ${coder}, add --new-coder`);
    }
    if (isNew) ctx.info(`new coder ${coder}: codings/${coder}.tsv is created`);
    const code = apply !== undefined || remove !== undefined ? edit(ctx, study, doc, coder, apply, remove) : EXIT.ok;
    if (done || notDone) {
      const changed = setFinished(study, coder, doc, done);
      if (!changed) ctx.info(`${doc.id} was already ${done ? 'marked finished' : 'not marked finished'} by ${coder}`);
      else ctx.info(done ? `${coder} finished ${doc.id}: text not coded there counts as "no code applies" (${finishedFile(coder)})` : `${coder}'s finished mark taken off ${doc.id} (${finishedFile(coder)})`);
    }
    return code;
  }
  refuseDrifted(study, doc);
  const from = ctx.opts.hintsFrom;
  if (ctx.opts.hints && !isSuggestionCoder(from)) throw new UsageError(`--hints-from ${from}: hints come from a suggestion coder ('${SUGGEST_CODER}' or 'suggest-…'), never from another person (blind coding)`);
  if (ctx.opts.hints && from === coder) throw new UsageError(`--coder ${coder}: a person codes, not the suggestion coder`, 'e.g. --coder alice --hints');
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UsageError('interactive coding needs a terminal', `from a script, use: qualwave code ${participant} ${wave} --coder ${coder} --apply CODE --lines 12-14`);
  }
  if (isNew && ctx.opts.newCoder !== true && !(await confirmNewCoder(coder, near, study.coders))) {
    throw new UsageError(`no session started: ${coder} is not a coder of this study`, study.coders.length ? `coders: ${study.coders.join(', ')}; a new coder: answer y, or add --new-coder` : 'a new coder: answer y, or add --new-coder');
  }
  return interactive(ctx, study, doc, coder, await sessionAids(ctx, study, doc, coder));
}

/**
 * --hints: the suggestion coder's codings of this transcript, by segment (best score first);
 * only a suggestion coder's, so that blind coding never shows another person's codes.
 * --order uncertain: the segments ordered by models learned from the coder's other transcripts.
 */
async function sessionAids(ctx: Ctx<'code'>, study: Study, doc: Document, coder: string): Promise<{ hints?: Map<number, Hint[]>; order?: number[] }> {
  const out: { hints?: Map<number, Hint[]>; order?: number[] } = {};
  if (ctx.opts.hints) {
    const from = ctx.opts.hintsFrom;
    const { suggestionScore } = await import('../../core/learn/suggestions.js');
    const hints = new Map<number, Hint[]>();
    let n = 0;
    for (const c of study.codings) {
      if (c.coder !== from || c.participant !== doc.participant || c.wave !== doc.wave) continue;
      const score = suggestionScore(c.memo);
      if (score === undefined) continue;
      const [lo, hi] = touchedSegments(doc, c);
      for (let i = lo; i < hi; i++) hints.set(i, [...(hints.get(i) ?? []), { code: c.code, score }]);
      n++;
    }
    for (const list of hints.values()) list.sort((a, b) => b.score - a.score || (a.code < b.code ? -1 : 1));
    out.hints = hints;
    if (n === 0) ctx.info(ctx.err.yellow(`no suggestions of ${from} for ${doc.id}${study.coders.includes(from) ? '' : ` (write them first: qualwave suggest --coder ${coder})`}`));
  }
  if (ctx.opts.order === 'uncertain') {
    const stem = await loadStemmer(study.config.language);
    if (!stem) throw new UsageError(`--order uncertain: no stemmer for the study language '${study.config.language}'`, `supported: ${STEMMER_LANGUAGES.join(', ')}`);
    const { uncertainOrder } = await import('../../core/learn/suggestions.js');
    const u = uncertainOrder(study, stem, doc, { coder });
    if (u.models === 0) throw new UsageError(`--order uncertain: ${coder}'s other coded transcripts (${u.learned}) give no code enough examples for a model`, 'code a few transcripts in the text order first');
    out.order = u.order;
  }
  return out;
}

/** Before a session creates codings/NAME.tsv: a typo must not start a new coder (a coder's work split in two). */
async function confirmNewCoder(coder: string, near: string | undefined, coders: readonly string[]): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const known = coders.length ? `the coders are ${coders.join(', ')}${near !== undefined ? ` (did you mean '${near}'?)` : ''}` : 'the study has no coder yet';
    const answer = await rl.question(`${coder} has no codings in this study: ${terminalMessage(known)}.\nStart codings/${coder}.tsv as a new coder? [y/N] `);
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    rl.close();
  }
}

/**
 * The session shows codings on their spans: on a transcript edited since it was coded those would
 * mark other text, and new codings would be mixed with stale ones. Refused, with the fix.
 */
function refuseDrifted(study: Study, doc: Document): void {
  const index = lineIndexOf(doc);
  const drifted = study.codings.filter((c) => c.participant === doc.participant && c.wave === doc.wave && c.hash !== undefined && spanHash(index, c) !== c.hash);
  if (drifted.length === 0) return;
  const coders = [...new Set(drifted.map((c) => c.coder))].sort();
  throw new UsageError(`${doc.file} changed after it was coded: ${drifted.length} coding${drifted.length === 1 ? '' : 's'} (${coders.join(', ')}) no longer mark${drifted.length === 1 ? 's' : ''} the text ${drifted.length === 1 ? 'it was' : 'they were'} made on, so the session will not start`, REANCHOR_HINT);
}

function findDocument(study: Study, participant: string, wave: string): Document {
  const ids = study.participants.map((p) => p.id);
  if (!ids.includes(participant)) throw new UsageError(`no participant '${participant}'${didYouMeanSuffix(participant, ids)}`);
  const waves = study.config.waves.map((w) => w.id);
  if (!waves.includes(wave)) throw new UsageError(`no wave '${wave}'${didYouMeanSuffix(wave, waves)}`, `waves: ${waves.join(', ')}`);
  const doc = study.documents.find((d) => d.participant === participant && d.wave === wave);
  if (!doc) {
    const at = study.documents.filter((d) => d.participant === participant).map((d) => d.wave);
    throw new UsageError(`${participant} has no transcript at wave '${wave}'`, at.length ? `${participant} was interviewed at: ${at.join(', ')}` : undefined);
  }
  return doc;
}

/**
 * --apply / --remove: a read-modify-write of the coder's file as it is on disk now, under the
 * coder's lock (two scripts applying codes at once both keep their codings).
 */
function edit(ctx: Ctx<'code'>, study: Study, doc: Document, coder: string, apply: string | undefined, remove: string | undefined): number {
  if (apply !== undefined && remove !== undefined) throw new UsageError('give --apply or --remove, not both');
  const code = (apply ?? remove)!.normalize('NFC');
  if (!study.codebook.byId.has(code)) throw new UsageError(`no code '${code}'${didYouMeanSuffix(code, study.codebook.byId.keys())}`, 'codes are listed by: qualwave codebook show');
  const words = ctx.opts.text;
  if (ctx.opts.lines === undefined && words === undefined) throw new UsageError('--lines (or --text) is required with --apply and --remove', 'e.g. --lines 12-14 (lines as your editor numbers them), --lines 12:5-12:40 (an exact span), or --text "the words" --lines 12');
  const given = ctx.opts.lines;
  const index = lineIndexOf(doc);
  let span: SpanFields;
  if (words !== undefined) {
    const placed = byText(index, words, given ?? { startLine: 1, endLine: 1 }, given === undefined);
    if ('problem' in placed) throw new UsageError(`--text: ${placed.problem} of ${doc.file}`, placed.hint);
    span = placed.span;
  } else {
    span = given!;
    if (span.endLine > doc.lineCount) throw new UsageError(`${hasColumns(span) ? `span ${formatSpan(span)} is` : `lines ${span.startLine}-${span.endLine} are`} outside ${doc.file} (${doc.lineCount} lines)`);
    const r = index.range(span);
    if ('problem' in r) throw new UsageError(`--lines: ${r.problem} in ${doc.file}`, 'lines as your editor numbers them; columns count characters (code points) from 1, the end included');
  }
  const same = (c: Coding) => c.participant === doc.participant && c.wave === doc.wave && c.code === code && formatSpan(c) === formatSpan(span);
  const range = describeSpan(span);
  let updated = false;
  updateCodings(study, coder, (current) => {
    const existing = current.find(same);
    if (remove !== undefined) {
      if (!existing) throw new QualwaveError(`${coder} has no coding of ${code} at ${range} of ${doc.file}`, EXIT.checkFailed);
      return current.filter((c) => c !== existing);
    }
    updated = existing !== undefined;
    const memo = ctx.opts.memo;
    const coding: Coding = { ...(existing ?? { coder, participant: doc.participant, wave: doc.wave, ...spanOf(span), code }), exemplar: ctx.opts.exemplar || (existing?.exemplar ?? false) };
    if (memo !== undefined) coding.memo = memo;
    const [hashed] = withHashes(study, [coding]);
    return existing ? current.map((c) => (c === existing ? hashed! : c)) : [...current, hashed!];
  });
  ctx.info(`${remove !== undefined ? 'removed' : updated ? 'updated' : 'applied'} ${code} at ${doc.file}:${formatSpan(span)} (${coder})${words !== undefined ? `: "${spanText(index, span)}"` : ''}`);
  return EXIT.ok;
}

/**
 * Mark or unmark the transcript finished for the coder: codings/CODER.finished.tsv as it is on
 * disk now, changed under the coder's lock. Returns whether anything changed.
 */
function setFinished(study: Study, coder: string, doc: Document, finished: boolean): boolean {
  let changed = false;
  const next = updateFinished(study, coder, (current) => {
    const here = current.some((f) => f.participant === doc.participant && f.wave === doc.wave);
    changed = here !== finished;
    const others = current.filter((f) => !(f.participant === doc.participant && f.wave === doc.wave));
    return finished ? [...others, { coder, participant: doc.participant, wave: doc.wave }] : others;
  });
  study.finished = [...study.finished.filter((f) => f.coder !== coder), ...next];
  return changed;
}

/** The codebook as it is on disk now (a rename or merge may have happened since the session began). */
function currentCodebook(study: Study, known: Codebook): Codebook {
  try {
    const parts = known.files.map((f) => parseCodebookFile(f.file, readFileSync(join(study.root, f.file), 'utf8')));
    if (parts.some((p) => p.diagnostics.some((d) => d.severity === 'error'))) return known;
    return combineCodebooks(parts).codebook;
  } catch (e) {
    // A codebook file that cannot be read right now (moved, being replaced): the session's own copy.
    if (!isSystemError(e)) throw e;
    return known;
  }
}

/**
 * A change made in the session, merged into the coder's file as it is on disk now (under the
 * coder's lock): only what the coder changed is applied, so a coding added from another terminal,
 * or a code renamed meanwhile, is kept, never overwritten by the session's older copy. The
 * session then shows the file as it is (the other terminal's codings included).
 */
function saveChange(study: Study, coder: string, doc: Document, before: SessionState, after: SessionState): SessionState {
  const diff = diffCodings(before.codings, after.codings);
  const codebook = currentCodebook(study, study.codebook);
  const gone = diff.upserts.find((c) => !codebook.byId.has(c.code));
  if (gone) return { ...before, codes: codebook.codes, message: `code ${gone.code} is no longer in the codebook (renamed or merged since this session began): nothing saved` };
  let seen: Coding[] = [];
  const merged = updateCodings(study, coder, (current) => {
    seen = current.filter((c) => c.participant === doc.participant && c.wave === doc.wave);
    return applyDiff(current, { removed: diff.removed, upserts: withHashes(study, diff.upserts) });
  });
  // What others changed in this document since the session last looked: kept in the undo history too.
  const external = diffCodings(before.codings, seen);
  // In the order the session showed them (numbers on screen stay put), others' new ones last.
  const rank = new Map(after.codings.map((c, i) => [codingKey(c), i]));
  const here = merged.filter((c) => c.participant === doc.participant && c.wave === doc.wave).sort((a, b) => (rank.get(codingKey(a)) ?? 1e9) - (rank.get(codingKey(b)) ?? 1e9));
  return { ...after, codes: codebook.codes, codings: here, undo: after.undo.map((snapshot) => applyDiff(snapshot, external)) };
}

async function interactive(ctx: Ctx<'code'>, study: Study, doc: Document, coder: string, aids: { hints?: Map<number, Hint[]>; order?: number[] }): Promise<number> {
  let state: SessionState = startSession(doc, study.codebook, coder, study.codings, { allSpeakers: ctx.opts.allSpeakers === true, finished: isFinished(study, coder, doc.participant, doc.wave), ...aids });
  const wave = study.config.waves.find((w) => w.id === doc.wave);
  const stdin = process.stdin;
  const out = process.stdout;
  const draw = (): void => {
    out.write('\x1b[H\x1b[2J' + renderSession(state, wave, { columns: out.columns ?? 80, rows: out.rows ?? 24 }, ctx.out));
  };
  const restore = (): void => {
    out.write('\x1b[?25h\x1b[?1049l');
    if (stdin.isTTY) stdin.setRawMode(false);
    stdin.pause();
  };
  out.write('\x1b[?1049h\x1b[?25l');
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  draw();
  return new Promise<number>((resolvePromise) => {
    const finish = (code: number): void => {
      restore();
      ctx.info(`${coder}: ${state.codings.length} coding${state.codings.length === 1 ? '' : 's'} of ${doc.file} saved in codings/${coder}.tsv${state.finished ? '; transcript marked finished' : ''}`);
      resolvePromise(code);
    };
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.once(signal, () => finish(EXIT.ok));
    out.on('resize', draw);
    stdin.on('data', (data: string) => {
      for (const key of parseKeys(data)) {
        let result = press(state, key);
        if (result.create) {
          // A new code: into the codebook file first (under the study lock), then applied here.
          try {
            const { file, codebook } = addCode(study, result.create);
            study.codebook = codebook;
            result = codeCreated(result.state, codebook.codes, result.create.id);
            result.state = { ...result.state, message: `${result.state.message ?? ''} (added to ${file})` };
          } catch (e) {
            state = { ...state, message: `not created: ${(e as Error).message}${e instanceof CodebookAddError && e.hint ? ` (${e.hint})` : ''}` };
            continue;
          }
        }
        // Save before anything else is shown: what the coder saw is on disk.
        if (result.changed) {
          try {
            state = saveChange(study, coder, doc, state, result.state);
          } catch (e) {
            // Nothing was saved (a lock held too long, a full disk): say so, keep the screen.
            state = { ...state, message: `not saved: ${(e as Error).message}` };
          }
        } else if (result.finishedChanged) {
          try {
            setFinished(study, coder, doc, result.state.finished);
            state = result.state;
          } catch (e) {
            state = { ...state, message: `not saved: ${(e as Error).message}` };
          }
        } else state = result.state;
        if (state.done) {
          stdin.removeAllListeners('data');
          finish(EXIT.ok);
          return;
        }
      }
      draw();
    });
    // The new-coder question (readline) pauses standard input when it closes: read keys again.
    stdin.resume();
  });
}
