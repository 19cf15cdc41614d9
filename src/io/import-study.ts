import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { addCodings } from '../core/coding/edit.js';
import { finishedFile, formatFinishedFile } from '../core/coding/finished.js';
import type { Coding, Finished } from '../core/coding/types.js';
import { stringifyCsv } from '../core/format/table.js';
import type { ImportPlan } from '../core/refi/plan.js';
import { formatPlanned, plannedList } from '../core/refi/coding-columns.js';
import { decideCodebookMerge } from '../core/codebook/parse.js';
import { parseConfig } from '../core/study/config.js';
import { parseParticipants } from '../core/study/participants.js';
import { pointsOutside } from './confine.js';
import { expand } from './load-study.js';
import { updateStudy } from './codings.js';
import { InputError } from '../core/errors.js';
import { FileError } from './errors.js';
import { makeFolder, writeNewFolder } from './write.js';

/**
 * Writing an imported project (ImportPlan) as a new study, whole or not at all (written beside the
 * target folder, then renamed), or merged into an existing study under its locks.
 */

/** Where a planned transcript goes: its path from a qualwave export when it is a safe path in transcripts/, else PARTICIPANT_WAVE.txt. */
export function transcriptPath(t: ImportPlan['transcripts'][number]): string {
  if (t.file && !pointsOutside(t.file) && /^transcripts\/[^\0]+$/.test(t.file) && !t.file.split('/').some((p) => p === '' || p === '.' || p.startsWith('.'))) return t.file;
  return `transcripts/${t.participant}_${t.wave}.txt`;
}

function configText(plan: ImportPlan, source: string): string {
  if (plan.config) return plan.config;
  const q = (s: string) => JSON.stringify(s);
  const waves = plan.waves.map((w) => `  - id: ${q(w.id)}\n    label: ${q(w.label)}\n`).join('');
  const names = plan.names?.length ? plan.names : ['{participant}_{wave}'];
  const transcripts = names.length === 1 ? `transcripts:\n  name: ${q(names[0]!)}\n` : `transcripts:\n  name:\n${names.map((n) => `    - ${q(n)}\n`).join('')}`;
  return `# Imported from ${source} by qualwave import.\ntitle: ${q(plan.title)}\nwaves:\n${waves}codebooks: [${plan.codebooks.map((c) => q(c.file)).join(', ')}]\n${transcripts}${plan.attribution ? `attribution: ${q(plan.attribution)}\n` : ''}`;
}

function participantsText(plan: ImportPlan): { file: string; text: string } {
  return plan.participantsFile ?? { file: 'participants.csv', text: stringifyCsv([['id', ...plan.attributes], ...plan.participants.map((p) => [p.id, ...plan.attributes.map((a) => p.attributes[a] ?? '')])]) };
}

function transcriptText(t: ImportPlan['transcripts'][number]): string {
  return (t.bom ? '\ufeff' : '') + t.text;
}

/** Every transcript of the project, finished for a coder of the project (in the project they coded, uncoded text means no code applies). */
function projectFinished(plan: ImportPlan, coder: string): Finished[] {
  return plan.transcripts.map((t) => ({ coder, participant: t.participant, wave: t.wave }));
}

/** The files of the new study, relative to it; the big ones (transcripts, codings) made when each is written. */
export function studyFiles(plan: ImportPlan, source: string): Array<[string, string | (() => string)]> {
  const files: Array<[string, string | (() => string)]> = [];
  const waves = plan.waves.map((w) => w.id);
  files.push(['qualwave.yaml', configText(plan, source)]);
  const p = participantsText(plan);
  files.push([p.file, p.text]);
  for (const c of plan.codebooks) files.push([c.file, c.text]);
  for (const t of plan.transcripts) files.push([transcriptPath(t), () => transcriptText(t)]);
  for (const [coder, list] of plan.codings) files.push([`codings/${coder}.tsv`, () => formatPlanned(list, waves)]);
  for (const coder of plan.codings.keys()) {
    if (!plan.finished) files.push([finishedFile(coder), () => formatFinishedFile(projectFinished(plan, coder), waves)]);
    else if (plan.finished.has(coder)) files.push([finishedFile(coder), plan.finished.get(coder)!]);
  }
  for (const o of plan.others ?? []) files.push([o.file, o.text]);
  const seen = new Set<string>();
  for (const [f] of files) {
    if (seen.has(f.toLowerCase())) throw new FileError(f, `two files of the imported study would both be ${f}`, 'import into a new folder, or report this: it is a bug');
    seen.add(f.toLowerCase());
  }
  return files;
}

/** A new study in `into` (missing or empty): written beside it, then renamed, so it appears whole or not at all. */
export function writeNewStudy(into: string, plan: ImportPlan, source: string): void {
  writeNewFolder(into, studyFiles(plan, source));
}

export function isEmptyFolder(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

export interface MergeResult {
  newTranscripts: number;
  keptTranscripts: number;
  newParticipants: number;
  newCodings: number;
  /** What became of the project's codebook: written, already there as it is, or not written (every code already in the study). */
  codebook: 'written' | 'same' | 'kept';
  /** The codebook file, relative to the study. */
  codebookFile: string;
}

/**
 * Add a project to an existing study: new transcripts (existing ones are kept), new participants and
 * attribute columns, the codebook (codebooks/imported.yaml, or the file a qualwave project names; an
 * existing one is never overwritten), each coder's codings added to theirs,
 * all under the study's locks and written together. Waves must already be in qualwave.yaml.
 */
export async function mergeIntoStudy(into: string, plan: ImportPlan, shown: string): Promise<MergeResult> {
  if (!existsSync(join(into, 'qualwave.yaml'))) throw new MergeError(`--merge: ${shown} holds no study (qualwave.yaml)`, 'give the study folder with --into, or import into a new folder without --merge');
  const { config, diagnostics } = parseConfig('qualwave.yaml', readFileSync(join(into, 'qualwave.yaml'), 'utf8'));
  if (!config) throw new MergeError(`--merge: ${shown}/qualwave.yaml has errors (${diagnostics[0]?.message ?? 'unreadable'}); run qualwave validate`);
  const known = config.waves.map((w) => w.id);
  const unknown = plan.waves.map((w) => w.id).filter((w) => !known.includes(w));
  if (unknown.length) throw new MergeError(`--merge: wave${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not in ${shown}/qualwave.yaml (${known.join(', ')})`, "add them to waves: first, or map the project's waves with --wave-from");
  for (const dir of ['transcripts', 'codebooks', 'codings']) if (!existsSync(join(into, dir))) makeFolder(join(into, dir));
  const result: MergeResult = { newTranscripts: 0, keptTranscripts: 0, newParticipants: 0, newCodings: 0, codebook: 'written', codebookFile: plan.codebooks[0]?.file ?? 'codebooks/imported.yaml' };
  const studyCodebooks = await expand(
    into,
    config.codebooks.filter((e) => !pointsOutside(e)),
  );
  updateStudy({ root: into, config }, plan.codings.keys(), (current) => {
    const files: Array<[string, string]> = [];
    result.keptTranscripts = 0;
    result.newTranscripts = 0;
    for (const t of plan.transcripts) {
      const f = join(into, transcriptPath(t));
      if (existsSync(f)) result.keptTranscripts++;
      else {
        result.newTranscripts++;
        files.push([f, transcriptText(t)]);
      }
    }
    // Participants: existing rows stay; new ids and new attribute columns are added.
    const pFile = join(into, config.participants.file);
    let existing: Array<{ id: string; attributes: Record<string, string> }> = [];
    if (existsSync(pFile)) {
      const parsed = parseParticipants(config.participants.file, readFileSync(pFile, 'utf8'), config.participants.id);
      const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length > 0)
        throw new InputError(
          `--merge: ${relative(process.cwd(), pFile)} has rows qualwave cannot read exactly; nothing was written (fix them, qualwave validate ${shown} lists them, then merge again)`,
          errors.map((d) => ({ ...d, file: join(shown, d.file) })),
        );
      existing = parsed.participants;
    }
    const columns = [...new Set([...existing.flatMap((p) => Object.keys(p.attributes)), ...plan.attributes])];
    const ids = new Set(existing.map((e) => e.id));
    const rows = [...existing.map((p) => ({ id: p.id, attributes: p.attributes })), ...plan.participants.filter((p) => !ids.has(p.id))];
    result.newParticipants = rows.length - existing.length;
    files.push([pFile, stringifyCsv([[config.participants.id, ...columns], ...rows.map((p) => [p.id, ...columns.map((c) => p.attributes[c] ?? '')])])]);
    // The codebook: never overwrite one the study has (a second merge would drop codes the first
    // merge's codings use, or the analyst's edits of it).
    const incoming = plan.codebooks[0]!;
    const cbFile = join(into, incoming.file);
    const decision = decideCodebookMerge(
      studyCodebooks.map((f) => ({ file: f, text: readFileSync(join(into, f), 'utf8') })),
      incoming,
    );
    if (decision.kind === 'conflict') {
      const shownMissing = decision.missing.length > 10 ? `${decision.missing.slice(0, 10).join(', ')} and ${decision.missing.length - 10} more` : decision.missing.join(', ');
      throw new MergeError(`--merge: the study's codebooks already define some of the project's codes but lack ${decision.missing.length} (${shownMissing}); nothing was written`, 'add those codes to a codebook of the study (qualwave codebook add), then merge again');
    }
    result.codebook = decision.kind === 'write' ? 'written' : decision.kind;
    if (decision.kind === 'write') files.push([cbFile, incoming.text]);
    result.newCodings = 0;
    const codings = new Map<string, Coding[]>();
    for (const [coder, list] of plan.codings) {
      const mine = [...(current.get(coder) ?? [])];
      result.newCodings += addCodings(mine, plannedList(list));
      codings.set(coder, mine);
    }
    const finished = new Map([...plan.codings.keys()].map((coder) => [coder, (now: Finished[]) => [...now, ...projectFinished(plan, coder)]]));
    return { codings, files, finished };
  });
  return result;
}

export class MergeError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}
