import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import type { ImportPlan, ImportReport } from '../../core/refi/plan.js';
import { ImportError, planCodebook, planImport, type Mapping } from '../../core/refi/import.js';
import { slug } from '../../core/refi/ids.js';
import { isEmptyFolder, mergeIntoStudy, MergeError, writeNewStudy } from '../../io/import-study.js';
import { blockText, readRefi, RefiReadError, UnsafeArchiveError } from '../../io/refi.js';
import { isSqlite, TaguetteError } from '../../io/taguette.js';
import { makeFolder, writeFileAtomic } from '../../io/write.js';
import type { Ctx } from '../context.js';
import { tightenHeap } from '../heap.js';
import { EXIT, UsageError } from '../errors.js';
import { plural } from '../report.js';
import { planTaguetteCsv } from '../../core/refi/taguette-csv.js';
import { decodeText } from '../../core/text/decode.js';
import { isCoderName, type Finished } from '../../core/coding/types.js';
import { addCodings } from '../../core/coding/edit.js';
import { updateStudy } from '../../io/codings.js';
import { formatDiagnostics } from '../report.js';

/**
 * qualwave import FILE: a REFI-QDA project (.qdpx, or a bare .qde) or a Taguette project database
 * (.sqlite3) as a new study; a codebook (.qdc) into the current study; Taguette's highlights CSV
 * into the current study. Nothing is written unless the whole import succeeds. The logic is in
 * src/core/refi and src/io; this reads the options and prints the report.
 */
export async function run(ctx: Ctx<'import'>, file: string): Promise<number> {
  // The file's bytes in a holder, so that a big .qdpx is not held here while its study is written.
  const given: { bytes?: Buffer } = { bytes: ctx.input(file).bytes };
  if (given.bytes!.length > BIG_INPUT) tightenHeap();
  const format = ctx.format === 'json' ? 'json' : 'text';
  try {
    if (extname(file).toLowerCase() === '.qdc') return importCodebook(ctx, file, new TextDecoder().decode(given.bytes));
    if (isSqlite(given.bytes!)) {
      const { planTaguetteDatabase } = await import('../../io/taguette.js');
      const plan = await planTaguetteDatabase(given.bytes!, basename(file), namePattern(ctx));
      return await finishProject(ctx, file, plan, format);
    }
    if (extname(file).toLowerCase() === '.csv') {
      return await importTaguetteCsv(ctx, file, given.bytes!, format);
    }
    return await finishProject(ctx, file, await planRefi(ctx, file, given), format);
  } catch (e) {
    if (e instanceof ImportError || e instanceof UnsafeArchiveError || e instanceof RefiReadError || e instanceof TaguetteError) throw new UsageError(`${file}: ${e.message}`, e instanceof UnsafeArchiveError ? 'the file was refused for safety; nothing was written' : 'nothing was written');
    if (e instanceof MergeError) throw new UsageError(e.message, e.hint);
    if (e instanceof Error && /not a readable zip/.test(e.message)) throw new UsageError(`${file}: ${e.message}`, 'nothing was written');
    throw e;
  }
}

/** An input this large (bytes) is read with the heap kept close to what it holds (tightenHeap). */
const BIG_INPUT = 32 * 1024 * 1024;

/**
 * A REFI-QDA project read and planned. The file's bytes are taken from `given` (readRefi lets them
 * go once unpacked) and the project read is let go when this returns: neither is held while the
 * study is written.
 */
async function planRefi(ctx: Ctx<'import'>, file: string, given: { bytes?: Buffer }): Promise<ImportPlan> {
  const input = await readRefi(resolve(ctx.cwd, file), given);
  const pattern = namePattern(ctx);
  const participant = mapping(ctx.opts.participantFrom, '--participant-from', pattern);
  const wave = mapping(ctx.opts.waveFrom, '--wave-from', pattern);
  const plan = planImport(input.project, input.qdeName, { texts: input.texts, keepNote: (text) => blockText(text), ...(participant ? { participant } : {}), ...(wave ? { wave } : {}), ...(pattern ? { namePattern: pattern } : {}) });
  plan.report.notes.unshift(...input.notes);
  return plan;
}

function namePattern(ctx: Ctx<'import'>): string | undefined {
  return ctx.opts.namePattern;
}

function mapping(value: unknown, flag: string, pattern: string | undefined): Mapping | undefined {
  if (value === undefined) return undefined;
  const v = String(value);
  if (v === 'case') return { from: 'case' };
  if (v === 'filename-pattern') return { from: 'pattern', pattern: pattern ?? '{participant}_{wave}' };
  const m = /^variable:(.+)$/.exec(v);
  if (m) return { from: 'variable', name: m[1]! };
  throw new UsageError(`${flag} ${v}: use case, variable:NAME or filename-pattern`);
}

function importCodebook(ctx: Ctx<'import'>, file: string, xml: string): number {
  const root = ctx.studyRoot(ctx.opts.study);
  const { yaml, codes, notes } = planCodebook(xml.replace(/^\ufeff/, ''), basename(file));
  const target = join(root, 'codebooks', `${slug(basename(file, extname(file)), new Set())}.yaml`);
  if (!existsSync(dirname(target))) makeFolder(dirname(target));
  writeFileAtomic(target, yaml, { force: ctx.opts.force === true, existsHint: 'add --force to replace it (or rename the .qdc file to import it under another name)' });
  ctx.info(`imported ${plural(codes, 'code')} into ${relative(ctx.cwd, target)} (qualwave.yaml's codebooks: list must include it, as the default codebooks/*.yaml does)`);
  for (const n of notes) ctx.info(`note: ${n}`);
  return EXIT.ok;
}

/** Write the planned study (new, or --merge), then print the report. */
async function finishProject(ctx: Ctx<'import'>, file: string, plan: ImportPlan, format: 'text' | 'json'): Promise<number> {
  const into = resolve(ctx.cwd, String(ctx.opts.into ?? slug(plan.title, new Set())));
  const shown = relative(ctx.cwd, into) || '.';
  if (ctx.opts.merge === true) {
    const m = await mergeIntoStudy(into, plan, shown);
    if (format === 'json') ctx.emit(JSON.stringify({ into: shown, merged: m, ...plan.report }, null, 2));
    ctx.info(
      `merged into ${shown}: ${plural(m.newTranscripts, 'new transcript')} (${m.keptTranscripts} already there, kept), ${plural(m.newParticipants, 'new participant')}, ${plural(m.newCodings, 'new coding')}; ${m.codebook === 'written' ? `codebook in ${m.codebookFile}` : m.codebook === 'same' ? `${m.codebookFile} already the same` : "the study's codebooks already have every code of the project (none written)"}`,
    );
    if (plan.codings.size > 0) ctx.info(`marked the project's ${plural(plan.transcripts.length, 'transcript')} finished for ${[...plan.codings.keys()].join(', ')}`);
    printReport(ctx, plan.report, { header: false });
    return EXIT.ok;
  }
  if (!isEmptyFolder(into)) throw new UsageError(`${shown} is not empty`, 'import into a new folder with --into DIR, or add to the study there with --merge');
  writeNewStudy(into, plan, basename(file));
  if (format === 'json') ctx.emit(JSON.stringify({ into: shown, ...plan.report }, null, 2));
  const r = plan.report;
  ctx.info(`imported into ${shown}: ${plural(r.sources, 'transcript')}, ${plural(plan.participants.length, 'participant')} (${plan.attributes.length} attributes), ${plural(plan.waves.length, 'wave')}, ${plural(r.codes, 'code')}, ${plural(r.codings, 'coding')} by ${plural(plan.codings.size, 'coder')}`);
  if (plan.codings.size > 0 && !plan.finished) ctx.info(`marked the ${plural(plan.transcripts.length, 'transcript')} finished for ${[...plan.codings.keys()].join(', ')} (codings/CODER.finished.tsv): in the project they coded, uncoded text means no code applies`);
  printReport(ctx, r, { header: true });
  if (r.sources === 0) ctx.info(ctx.err.yellow(`no source of the project had text: the study holds its codebook${plan.participants.length ? ' and participants' : ''}; add the transcripts (qualwave add FILE --study ${shown}) before coding`));
  ctx.info(`next: qualwave validate ${shown}`);
  return EXIT.ok;
}

/** The report on stderr: how positions were read, placed and unverified codings (listed), what was left out. */
export function printReport(ctx: Ctx<'import'>, r: ImportReport, _opts: { header: boolean }): void {
  if (r.reading) ctx.info(`positions read as ${r.reading.description}: ${r.reading.evidence}`);
  if (r.codings > 0 || r.unverifiedCodings.length > 0) {
    const left = r.unverifiedCodings.filter((u) => !u.placed).length;
    ctx.info(`codings: ${r.placed} placed on their text${r.unverified ? `, ${ctx.err.yellow(`${r.unverified} unverified`)} (in the study, listed below: check them)` : ''}${left ? `, ${ctx.err.yellow(`${left} not placed`)} (left out, listed below)` : ''}`);
    const shownMax = 50;
    for (const u of r.unverifiedCodings.slice(0, shownMax)) {
      const where = `${u.participant}/${u.wave}${u.lines ? ` ${u.lines}` : ''}`;
      ctx.info(`  ${u.placed ? 'unverified' : 'not placed'}: ${[u.coder, where, u.code].filter(Boolean).join(' ')}: ${u.why}${u.text ? ` ("${u.text}")` : ''}`);
    }
    if (r.unverifiedCodings.length > shownMax) ctx.info(`  … and ${r.unverifiedCodings.length - shownMax} more (--format json lists them all)`);
  }
  for (const t of r.tags ?? []) ctx.info(`  tag ${t.tag} → ${t.code}: ${plural(t.highlights, 'highlight')}, ${plural(t.codings, 'coding')} (${t.placed} placed, ${t.unverified} unverified)${t.dropped ? `, ${t.dropped} left out` : ''}`);
  const dropped = Object.entries(r.dropped);
  if (dropped.length) ctx.info(`not imported: ${dropped.map(([k, n]) => `${n} ${k}`).join(', ')}`);
  for (const s of r.skipped) ctx.info(ctx.err.yellow(`skipped source ${s.source}${s.selections ? ` (${plural(s.selections, 'selection')})` : ''}: ${s.reason}`));
  if (r.restored.length) ctx.info(`given back as qualwave exported them (unchanged in the project): ${r.restored.join(', ')}`);
  for (const n of r.notes) ctx.info(`note: ${n}`);
}

/**
 * Taguette's highlights CSV into this study: the codings of --coder (default taguette), added to
 * theirs under the study's locks; the transcripts the CSV covers marked finished for them. Nothing is
 * written when a document or tag cannot be matched.
 */
async function importTaguetteCsv(ctx: Ctx<'import'>, file: string, bytes: Uint8Array, format: 'text' | 'json'): Promise<number> {
  const study = await ctx.study();
  const coder = ctx.opts.coder ?? 'taguette';
  if (!isCoderName(coder)) throw new UsageError(`--coder ${coder}: not a usable coder name`, 'letters, digits, dots, dashes and underscores');
  const decoded = decodeText(bytes, file);
  if (!decoded.ok) {
    ctx.stderr(formatDiagnostics([decoded.diagnostic], { color: ctx.err }));
    return EXIT.badInput;
  }
  const plan = planTaguetteCsv(file, decoded.text, study, coder);
  if (plan.diagnostics.length) {
    ctx.stderr(formatDiagnostics(plan.diagnostics, { color: ctx.err, path: (f) => f }));
    ctx.stderr(ctx.err.red('nothing imported: fix the rows above\n'));
    return EXIT.badInput;
  }
  let added = 0;
  updateStudy(study, [coder], (current) => {
    const mine = [...(current.get(coder) ?? [])];
    added = addCodings(mine, plan.codings);
    const finished = new Map([
      [
        coder,
        (now: Finished[]) => {
          const have = new Set(now.map((f) => `${f.participant}/${f.wave}`));
          return [...now, ...plan.documents.filter((d) => !have.has(`${d.participant}/${d.wave}`)).map((d) => ({ coder, participant: d.participant, wave: d.wave }))];
        },
      ],
    ]);
    return { codings: new Map([[coder, mine]]), finished };
  });
  if (format === 'json') ctx.emit(JSON.stringify({ coder, added, ...plan.report }, null, 2));
  ctx.info(`imported ${plural(plan.report.codings, 'highlight coding')} for ${coder} (${added} new) in ${plural(plan.documents.length, 'transcript')}`);
  printReport(ctx, plan.report, { header: false });
  return EXIT.ok;
}
