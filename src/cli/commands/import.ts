import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { finishedFile, formatFinishedFile } from '../../core/coding/finished.js';
import type { Finished } from '../../core/coding/types.js';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { addCodings } from '../../core/coding/edit.js';
import type { Coding } from '../../core/coding/types.js';
import { formatCodingsFile } from '../../core/coding/store.js';
import { stringifyCsv } from '../../core/format/table.js';
import { parseConfig } from '../../core/study/config.js';
import { parseParticipants } from '../../core/study/participants.js';
import { ImportError, planCodebook, planImport, type Mapping } from '../../core/refi/import.js';
import { slug } from '../../core/refi/ids.js';
import { readDocx } from '../../io/docx.js';
import { openArchive, UnsafeArchiveError } from '../../io/refi.js';
import { updateStudy } from '../../io/codings.js';
import { makeFolder, writeFileAtomic, writeNewFolder } from '../../io/write.js';
import type { Ctx } from '../context.js';
import { EXIT, InputError, UsageError } from '../errors.js';
import { formatDiagnostics } from '../report.js';
import { plural } from '../report.js';

/**
 * qualwave import FILE.qdpx [--into DIR]: a REFI-QDA project as a new qualwave study; or
 * qualwave import FILE.qdc: a codebook into the current study. Nothing is written unless the whole
 * import succeeds; a new study appears at once (written beside, then renamed).
 */
export async function run(ctx: Ctx<'import'>, file: string): Promise<number> {
  const bytes = ctx.input(file).bytes;
  try {
    if (extname(file).toLowerCase() === '.qdc') return importCodebook(ctx, file, new TextDecoder().decode(bytes));
    return await importProject(ctx, file, bytes);
  } catch (e) {
    if (e instanceof ImportError || e instanceof UnsafeArchiveError) throw new UsageError(`${file}: ${e.message}`, e instanceof UnsafeArchiveError ? 'the archive was refused for safety; nothing was written' : 'nothing was written');
    if (e instanceof Error && /not a readable zip/.test(e.message)) throw new UsageError(`${file}: ${e.message}`, 'nothing was written');
    throw e;
  }
}

function mapping(value: unknown, flag: string, pattern: string): Mapping | undefined {
  if (value === undefined) return undefined;
  const v = String(value);
  if (v === 'case') return { from: 'case' };
  if (v === 'filename-pattern') return { from: 'pattern', pattern };
  const m = /^variable:(.+)$/.exec(v);
  if (m) return { from: 'variable', name: m[1]! };
  throw new UsageError(`${flag} ${v}: use case, variable:NAME or filename-pattern`);
}

function importCodebook(ctx: Ctx<'import'>, file: string, xml: string): number {
  const root = ctx.studyRoot(ctx.opts.study);
  const { yaml, codes } = planCodebook(xml.replace(/^\ufeff/, ''), basename(file));
  const target = join(root, 'codebooks', `${slug(basename(file, extname(file)), new Set())}.yaml`);
  if (!existsSync(dirname(target))) makeFolder(dirname(target));
  writeFileAtomic(target, yaml, { force: ctx.opts.force === true, existsHint: 'add --force to replace it (or rename the .qdc file to import it under another name)' });
  ctx.info(`imported ${plural(codes, 'code')} into ${relative(ctx.cwd, target)} (qualwave.yaml's codebooks: list must include it, as the default codebooks/*.yaml does)`);
  return EXIT.ok;
}

async function importProject(ctx: Ctx<'import'>, file: string, bytes: Uint8Array): Promise<number> {
  const archive = openArchive(bytes);
  const byLower = new Map(Object.keys(archive).map((k) => [k.replace(/\\/g, '/').toLowerCase(), k]));
  const qdes = Object.keys(archive).filter((k) => k.toLowerCase().endsWith('.qde'));
  const qde = qdes.find((k) => k.toLowerCase() === 'project.qde') ?? qdes[0];
  if (!qde) throw new ImportError('no .qde project file inside: not a .qdpx');
  const notes: string[] = [];
  if (qde.toLowerCase() !== 'project.qde') notes.push(`the project file is named '${qde}', not project.qde (as ATLAS.ti names it)`);
  if (Object.keys(archive).some((k) => k.startsWith('Sources/'))) notes.push("sources are under 'Sources/' (as NVivo for Windows writes them)");
  // Sources kept only as Word documents (richTextPath): their text, one line per paragraph, is
  // offered to the plan as sources/GUID.txt.
  const qdeText = new TextDecoder().decode(archive[qde]!);
  for (const m of qdeText.matchAll(/<TextSource\b[^>]*>/g)) {
    const guid = /\bguid="([^"]+)"/.exec(m[0])?.[1];
    const rich = /\brichTextPath="([^"]+\.docx)"/i.exec(m[0])?.[1];
    if (!guid || !rich) continue;
    const key = byLower.get(
      `sources/${rich
        .replace(/^internal:\/\//i, '')
        .split('/')
        .pop()!
        .toLowerCase()}`,
    );
    if (!key || byLower.has(`sources/${guid.toLowerCase()}.txt`)) continue;
    const docx = await readDocx(archive[key]!, key);
    if (docx.text === undefined) continue;
    archive[`sources/${guid}.txt`] = new TextEncoder().encode(docx.text);
    byLower.set(`sources/${guid.toLowerCase()}.txt`, `sources/${guid}.txt`);
  }
  const pattern = String(ctx.opts.namePattern ?? '{participant}_{wave}');
  const participant = mapping(ctx.opts.participantFrom, '--participant-from', pattern) ?? { from: 'case' as const };
  const wave = mapping(ctx.opts.waveFrom, '--wave-from', pattern);
  const plan = planImport(new TextDecoder().decode(archive[qde]!).replace(/^\ufeff/, ''), qde, {
    participant,
    ...(wave ? { wave } : {}),
    file: (p) => {
      const k = byLower.get(p.replace(/\\/g, '/').toLowerCase());
      return k === undefined ? undefined : archive[k];
    },
  });
  notes.push(...plan.notes);
  const into = resolve(ctx.cwd, String(ctx.opts.into ?? slug(plan.title, new Set())));
  if (ctx.opts.merge === true) return mergeInto(ctx, into, plan, notes);
  if (existsSync(into) && readdirSync(into).length > 0) throw new UsageError(`${relative(ctx.cwd, into) || '.'} is not empty`, 'import into a new folder with --into DIR, or add to the study there with --merge');
  // Written beside the target, then renamed: the study appears whole or not at all.
  const files: Array<[string, string]> = [];
  {
    const put = (rel: string, content: string) => void files.push([rel, content]);
    const waves = plan.waves.map((w) => `  - id: ${JSON.stringify(w)}\n    label: ${JSON.stringify(w)}\n`).join('');
    put('qualwave.yaml', `# Imported from ${basename(file)} by qualwave import.\ntitle: ${JSON.stringify(plan.title)}\nwaves:\n${waves}codebooks: [codebooks/imported.yaml]\ntranscripts:\n  name: "{participant}_{wave}"\n`);
    put('participants.csv', stringifyCsv([['id', ...plan.attributes], ...plan.participants.map((p) => [p.id, ...plan.attributes.map((a) => p.attributes[a] ?? '')])]));
    put('codebooks/imported.yaml', plan.codebook);
    for (const t of plan.transcripts) put(`transcripts/${t.participant}_${t.wave}.txt`, t.text.endsWith('\n') ? t.text : t.text + '\n');
    for (const [coder, list] of plan.codings) put(`codings/${coder}.tsv`, formatCodingsFile(list, plan.waves));
    // The project is every coder's: what a user did not code in its sources is "not coded by that user" (NVivo, MAXQDA).
    for (const coder of plan.codings.keys()) put(finishedFile(coder), formatFinishedFile(projectFinished(plan, coder), plan.waves));
  }
  writeNewFolder(into, files);
  const shown = relative(ctx.cwd, into) || '.';
  const i = plan.imported;
  ctx.info(`imported into ${shown}: ${plural(i['sources']!, 'transcript')}, ${plural(i['participants']!, 'participant')} (${plan.attributes.length} attributes), ${plural(plan.waves.length, 'wave')}, ${plural(i['codes']!, 'code')}, ${plural(i['codings']!, 'coding')} by ${plural(i['coders']!, 'coder')}`);
  const dropped = Object.entries(plan.dropped);
  if (dropped.length) ctx.info(`not imported: ${dropped.map(([k, n]) => `${n} ${k}`).join(', ')}`);
  if (plan.codings.size > 0) ctx.info(`marked the ${plural(plan.transcripts.length, 'transcript')} finished for ${[...plan.codings.keys()].join(', ')} (${finishedFile('CODER')}): in the project they coded, uncoded text means no code applies`);
  for (const n of notes) ctx.info(`note: ${n}`);
  ctx.info(`next: qualwave validate ${shown}`);
  return EXIT.ok;
}

/** Every transcript of the project, finished for a coder of the project. */
function projectFinished(plan: ReturnType<typeof planImport>, coder: string): Finished[] {
  return plan.transcripts.map((t) => ({ coder, participant: t.participant, wave: t.wave }));
}

/**
 * --merge: add the project to an existing study: new transcripts (existing ones are kept), new
 * participants and attribute columns, the codebook as codebooks/imported.yaml, each coder's
 * codings added to theirs. All files are written together; waves must already be in qualwave.yaml.
 */
function mergeInto(ctx: Ctx<'import'>, into: string, plan: ReturnType<typeof planImport>, notes: string[]): number {
  const shown = relative(ctx.cwd, into) || '.';
  if (!existsSync(join(into, 'qualwave.yaml'))) throw new UsageError(`--merge: ${shown} holds no study (qualwave.yaml)`, 'give the study folder with --into, or import into a new folder without --merge');
  const configText = readFileSync(join(into, 'qualwave.yaml'), 'utf8');
  const { config, diagnostics } = parseConfig('qualwave.yaml', configText);
  if (!config) throw new UsageError(`--merge: ${shown}/qualwave.yaml has errors (${diagnostics[0]?.message ?? 'unreadable'}); run qualwave validate`);
  const known = config.waves.map((w) => w.id);
  const unknown = plan.waves.filter((w) => !known.includes(w));
  if (unknown.length) throw new UsageError(`--merge: wave${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not in ${shown}/qualwave.yaml (${known.join(', ')})`, "add them to waves: first, or map the project's waves with --wave-from");
  for (const dir of ['transcripts', 'codebooks', 'codings']) if (!existsSync(join(into, dir))) makeFolder(join(into, dir));
  let kept = 0;
  let added = 0;
  let existingCount = 0;
  let rowsCount = 0;
  // Under the study's locks, every file read as it is now; a file that cannot be read exactly
  // (a malformed participants.csv, a bad row in a codings file) stops the merge: nothing is written.
  updateStudy({ root: into, config }, plan.codings.keys(), (current) => {
    const files: Array<[string, string]> = [];
    kept = 0;
    for (const t of plan.transcripts) {
      const f = join(into, 'transcripts', `${t.participant}_${t.wave}.txt`);
      if (existsSync(f)) kept++;
      else files.push([f, t.text.endsWith('\n') ? t.text : t.text + '\n']);
    }
    // Participants: existing rows stay; new ids and new attribute columns are added.
    const pFile = join(into, config.participants.file);
    let existing: Array<{ id: string; attributes: Record<string, string> }> = [];
    if (existsSync(pFile)) {
      const parsed = parseParticipants(config.participants.file, readFileSync(pFile, 'utf8'), config.participants.id);
      const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length > 0) {
        ctx.stderr(formatDiagnostics(errors, { color: ctx.err, path: (f) => relative(ctx.cwd, join(into, f)) }));
        throw new InputError(`--merge: ${relative(ctx.cwd, pFile)} has rows qualwave cannot read exactly; nothing was written (fix them, qualwave validate ${shown} lists them, then merge again)`);
      }
      existing = parsed.participants;
    }
    const columns = [...new Set([...existing.flatMap((p) => Object.keys(p.attributes)), ...plan.attributes])];
    const known = new Set(existing.map((e) => e.id));
    const rows = [...existing.map((p) => ({ id: p.id, attributes: p.attributes })), ...plan.participants.filter((p) => !known.has(p.id))];
    existingCount = existing.length;
    rowsCount = rows.length;
    files.push([pFile, stringifyCsv([[config.participants.id, ...columns], ...rows.map((p) => [p.id, ...columns.map((c) => p.attributes[c] ?? '')])])]);
    files.push([join(into, 'codebooks', 'imported.yaml'), plan.codebook]);
    added = 0;
    const codings = new Map<string, Coding[]>();
    for (const [coder, list] of plan.codings) {
      const mine = [...(current.get(coder) ?? [])];
      added += addCodings(mine, list);
      codings.set(coder, mine);
    }
    const finished = new Map([...plan.codings.keys()].map((coder) => [coder, (current: Finished[]) => [...current, ...projectFinished(plan, coder)]]));
    return { codings, files, finished };
  });
  ctx.info(`merged into ${shown}: ${plural(plan.transcripts.length - kept, 'new transcript')} (${kept} already there, kept), ${plural(rowsCount - existingCount, 'new participant')}, ${plural(added, 'new coding')}; codebook in codebooks/imported.yaml`);
  if (plan.codings.size > 0) ctx.info(`marked the project's ${plural(plan.transcripts.length, 'transcript')} finished for ${[...plan.codings.keys()].join(', ')}`);
  if (!config.codebooks.some((c) => c.includes('*') || c === 'codebooks/imported.yaml')) ctx.info(`note: add codebooks/imported.yaml to the codebooks: list of ${shown}/qualwave.yaml`);
  for (const n of notes) ctx.info(`note: ${n}`);
  return EXIT.ok;
}
