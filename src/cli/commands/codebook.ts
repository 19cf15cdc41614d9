import { readdirSync, readFileSync } from 'node:fs';
import { FINISHED_SUFFIX } from '../../core/coding/finished.js';
import { join } from 'node:path';
import { CODE_ID } from '../../core/codebook/parse.js';
import { removeCodeFromText, renameCodeInText, setCodeFieldInText } from '../../core/codebook/edit.js';
import { sinceFromHistory, sinceIndex, type DerivedSince } from '../../core/codebook/versions.js';
import type { Code } from '../../core/codebook/types.js';
import { renameInCodings, renameInPacked } from '../../core/coding/edit.js';
import { CODER_NAME, type Coding } from '../../core/coding/types.js';
import type { Table } from '../../core/format/table.js';
import type { Study } from '../../core/study/types.js';
import { didYouMeanSuffix } from '../../core/text/suggest.js';
import { readCaseFiles } from '../../io/cases.js';
import { addCode, CodebookAddError } from '../../io/codebook-add.js';
import { CODINGS_DIR, updateStudy, updateStudyEach, type CoderFile } from '../../io/codings.js';
import { coderCodings, codingTable, unpackCodings, type PackedCodings } from '../../core/coding/table.js';
import type { AnyCtx, Ctx } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { renderTable } from '../render.js';
import { plural } from '../report.js';

/** qualwave codebook show: the codebook as a table (the appendix a manuscript needs). */
export async function runShow(ctx: Ctx<'codebook show'>): Promise<number> {
  const format = ctx.format;
  const study = await ctx.study();
  const codes = study.codebook.codes;
  if (format === 'json') {
    const strip = (c: Code): Record<string, unknown> => {
      const { file: _f, line: _l, children, ...rest } = c;
      return { ...rest, children: children.map(strip) };
    };
    ctx.emit(JSON.stringify({ files: study.codebook.files, themes: study.codebook.themes.map(strip) }, null, 2));
    return EXIT.ok;
  }
  const indent = format === 'table' || format === 'md' || format === 'docx' ? '\u00a0\u00a0' : '';
  // Codebook versions, as declared (`codebook versions` shows what each code inherits): columns
  // only when some code has them, so a codebook without them prints as before.
  const since = codes.some((c) => c.since !== undefined);
  const anticipates = codes.some((c) => c.anticipates !== undefined);
  const versions = (c: Code): string[] => [...(since ? [c.since ?? ''] : []), ...(anticipates ? [c.anticipates ?? ''] : [])];
  const versionHeaders = [...(since ? ['since'] : []), ...(anticipates ? ['anticipates'] : [])];
  const table: Table = {
    title: study.codebook.files.map((f) => f.title).join('; '),
    columns: ['code', 'label', 'definition', 'include', 'exclude', 'examples', ...versionHeaders].map((header) => ({ header })),
    rows: codes.map((c) => [indent.repeat(c.depth) + c.id, c.label, c.definition ?? '', c.include ?? '', c.exclude ?? '', c.examples.map((e) => `"${e}"`).join(' '), ...versions(c)]),
  };
  if (format === 'table') {
    // In the terminal the long columns would not fit: show code, label, definition (and since/anticipates).
    const keep = <T>(r: T[]): T[] => [...r.slice(0, 3), ...r.slice(6)];
    ctx.emit(renderTable(ctx, { ...table, columns: [...table.columns.slice(0, 3), ...table.columns.slice(6)], rows: table.rows.map(keep) }, 'table'));
  } else ctx.emit(renderTable(ctx, table, format));
  return EXIT.ok;
}

/** Every coder with a file now (a coder who started meanwhile included). */
function codersOnDisk(study: Study): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(join(study.root, CODINGS_DIR));
  } catch (e) {
    // No codings folder yet; any other reason (permission...) is reported.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const found = names
    // CODER.finished.tsv lists a coder's finished transcripts: not a coder of its own.
    .filter((n) => n.endsWith('.tsv') && !n.endsWith(FINISHED_SUFFIX))
    .map((n) => n.slice(0, -4).normalize('NFC'))
    .filter((c) => CODER_NAME.test(c));
  return [...new Set([...study.coders, ...found])].sort();
}

function requireCode(study: Study, id: string): Code {
  const code = study.codebook.byId.get(id);
  if (!code) throw new UsageError(`no code '${id}'${didYouMeanSuffix(id, study.codebook.byId.keys())}`, 'codes are listed by: qualwave codebook show');
  return code;
}

/** qualwave codebook rename OLD NEW: in the codebook file and every coder's codings, together. */
export async function runRename(ctx: Ctx<'codebook rename'>, from: string, to: string): Promise<number> {
  const study = await ctx.study();
  const code = requireCode(study, from);
  if (!CODE_ID.test(to)) throw new UsageError(`'${to}' is not a valid code id`, 'use letters, digits, "_", "-" and "." only, starting with a letter');
  if (study.codebook.byId.has(to)) throw new UsageError(`code '${to}' already exists`, `to fold ${from} into it, use: qualwave codebook merge ${from} --into ${to}`);
  const file = join(study.root, code.file);
  // Case summaries that name the code in backticks follow the rename, in the same change (re-read under the lock).
  const { files: caseFiles } = await readCaseFiles(study);
  let renamedCases: string[] = [];
  const edit = (): Array<[string, string]> => {
    const text = renameCodeInText(readFileSync(file, 'utf8'), from, to);
    if (text === undefined) throw new UsageError(`cannot find the id of '${from}' in ${code.file}`);
    const cases = caseFiles.flatMap((c) => {
      const current = readFileSync(join(study.root, c.file), 'utf8');
      const updated = current.split(`\`${from}\``).join(`\`${to}\``);
      return updated === current ? [] : [[c.file, join(study.root, c.file), updated] as const];
    });
    renamedCases = cases.map(([f]) => f);
    return [[file, text], ...cases.map(([, path, updated]) => [path, updated] as [string, string])];
  };
  edit();
  const exit = commit(ctx, study, edit, [from], to, `renamed ${from} to ${to}`);
  if (renamedCases.length) ctx.info(`${ctx.opts.dryRun ? 'would have updated' : 'updated'} \`${from}\` in ${renamedCases.length} case summar${renamedCases.length === 1 ? 'y' : 'ies'}: ${renamedCases.join(', ')}`);
  mentions(ctx, study, [from]);
  return exit;
}

/** qualwave codebook merge A [B...] --into C: codings of A, B become C; A and B leave the codebook. */
export async function runMerge(ctx: Ctx<'codebook merge'>, ids: string[]): Promise<number> {
  const study = await ctx.study();
  const into = String(ctx.opts.into);
  requireCode(study, into);
  const merged = ids.filter((id) => id !== into);
  if (merged.length === 0) throw new UsageError('nothing to merge', `e.g. qualwave codebook merge A B --into ${into}`);
  for (const id of merged) {
    const code = requireCode(study, id);
    if (code.children.length > 0) throw new UsageError(`'${id}' has sub-codes (${code.children.map((c) => c.id).join(', ')})`, 'merge or rename its sub-codes first');
    if (into.startsWith(`${id}.`) || study.codebook.byId.get(into)?.parent === id) throw new UsageError(`cannot merge '${id}' into its own sub-code`);
  }
  const edit = (): Array<[string, string]> => {
    const edits = new Map<string, string>();
    for (const id of merged) {
      const code = study.codebook.byId.get(id)!;
      const file = join(study.root, code.file);
      const text = removeCodeFromText(edits.get(file) ?? readFileSync(file, 'utf8'), id);
      if (text === undefined) throw new UsageError(`cannot find '${id}' in ${code.file}`);
      edits.set(file, text);
    }
    return [...edits];
  };
  edit();
  const exit = commit(ctx, study, edit, merged, into, `merged ${merged.join(', ')} into ${into}`);
  mentions(ctx, study, merged);
  // A case summary's mention of a merged code may or may not mean the code it went into: the analyst decides.
  const { files: cases } = await readCaseFiles(study);
  for (const id of merged) {
    const where = cases.filter((c) => c.text.includes(`\`${id}\``)).map((c) => c.file);
    if (where.length) ctx.info(ctx.err.yellow(`note: ${where.join(', ')} still mention${where.length === 1 ? 's' : ''} \`${id}\`: update the case summary by hand`));
  }
  return exit;
}

/** Codes' texts (definition, include, exclude) that still name a code that no longer exists. */
function mentions(ctx: AnyCtx, study: Study, gone: readonly string[]): void {
  for (const id of gone) {
    const where = study.codebook.codes.filter((c) => !gone.includes(c.id) && [c.definition, c.include, c.exclude].some((t) => t !== undefined && new RegExp(`(^|[^\\w.-])${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w-])`).test(t)));
    if (where.length > 0) ctx.info(ctx.err.yellow(`note: ${where.map((c) => c.id).join(', ')} still mention${where.length === 1 ? 's' : ''} '${id}' in definition, include or exclude: update the text by hand`));
  }
}

/**
 * The codebook edit and the codings, as one change: under the study lock and every coder's lock,
 * the codebook file and every coder's file are read again, so a coding added meanwhile (from a
 * coding session) is renamed too and nothing written meanwhile is lost. Hashes are kept: the
 * coded text did not change.
 */
function commit(ctx: AnyCtx, study: Study, codebookEdit: () => Array<[string, string]>, from: string[], to: string, what: string): number {
  let changed = 0;
  let folded = 0;
  const coders: string[] = [];
  // A coder's file as the loader parsed it is renamed in its columns (no coding made); else its codings.
  const rename = (coder: string, current: CoderFile): Coding[] | PackedCodings | undefined => {
    const r = (current.packed && renameInPacked(current.packed, from, to)) || renameInCodings(current.codings ?? unpackCodings<Coding>(current.packed!), from, to);
    if (r.changed === 0) return undefined;
    changed += r.changed;
    folded += r.merged;
    coders.push(coder);
    return 'packed' in r ? r.packed : r.codings;
  };
  if (ctx.opts.dryRun === true) for (const c of study.coders) rename(c, coderFileOf(study, c));
  // One coder's file at a time (only its codings in memory), all written together.
  else updateStudyEach(study, codersOnDisk(study), rename, () => ({ files: codebookEdit() }));
  ctx.info(`${ctx.opts.dryRun ? 'would have ' : ''}${what}: ${plural(changed, 'coding')} changed${coders.length ? ` (${coders.join(', ')})` : ''}${folded ? `, ${folded} duplicate${folded === 1 ? '' : 's'} folded` : ''}`);
  return EXIT.ok;
}

/** A coder's codings in the loaded study: the coder file's columns when they are all of them, else the codings. */
function coderFileOf(study: Study, coder: string): CoderFile {
  const parts = codingTable(study).parts;
  const packs = parts.filter((p) => p.packed?.coder === coder);
  if (packs.length === 1 && !parts.some((p) => p.objects?.some((c) => c.coder === coder))) return { packed: packs[0]!.packed! };
  return { codings: coderCodings(study, coder) };
}

/**
 * qualwave codebook versions: from which wave each code was in use (its `since:`, declared or
 * inherited), the codings that lie before it; with --from-git, what the history of the codebook
 * and the codings says, and with --write that derivation written into the codebook as since: lines.
 */
export async function runVersions(ctx: Ctx<'codebook versions'>): Promise<number> {
  const format = ctx.format;
  const study = await ctx.study();
  const waves = study.config.waves;
  const since = sinceIndex(study.codebook, waves);
  const fromGit = ctx.opts.fromGit === true;
  const write = ctx.opts.write === true;
  if (write && !fromGit) throw new UsageError('--write writes what --from-git derives: give both');
  const before = new Map<string, number>();
  for (const c of study.codings) {
    const w = waves.find((x) => x.id === c.wave)?.index ?? 0;
    if (w < (since.get(c.code) ?? 0)) before.set(c.code, (before.get(c.code) ?? 0) + 1);
  }
  let derived: Map<string, DerivedSince> | undefined;
  let unknown: string[] = [];
  if (fromGit) {
    const { readHistory, GitHistoryError } = await import('../../io/git-history.js');
    try {
      const history = readHistory(study);
      const r = sinceFromHistory(
        history,
        study.codebook.codes.map((c) => c.id),
        waves,
      );
      derived = new Map(r.derived.map((d) => [d.code, d]));
      unknown = r.unknown;
    } catch (e) {
      if (e instanceof GitHistoryError) throw new UsageError(e.message, e.hint);
      throw e;
    }
  }
  const rows = study.codebook.codes.map((c) => {
    const d = derived?.get(c.id);
    return {
      id: c.id,
      label: c.label,
      depth: c.depth,
      since: waves[since.get(c.id) ?? 0]!.id,
      declared: c.since ?? null,
      codingsBefore: before.get(c.id) ?? 0,
      ...(derived ? { derived: d ? d.since : null, added: d?.added ?? null, notCodedFor: d?.before ?? [], inHistory: d !== undefined } : {}),
    };
  });
  if (write) {
    // The codebook files are read (again) under the study lock, so an edit made meanwhile is kept.
    const plan = (): { edits: Map<string, string>; written: string[] } => {
      const edits = new Map<string, string>();
      const written: string[] = [];
      const planned = new Map<string, number>();
      for (const c of study.codebook.codes) {
        const d = derived!.get(c.id);
        // A sub-code is never older than its parent (as it has it, or is about to get it).
        const parent = c.parent === undefined ? 0 : (planned.get(c.parent) ?? since.get(c.parent) ?? 0);
        const own = d?.since ? waves.find((w) => w.id === d.since)!.index : 0;
        const target = c.since !== undefined ? (since.get(c.id) ?? 0) : Math.max(own, parent);
        planned.set(c.id, target);
        // Written only where it says more than what the code inherits or already declares.
        if (c.since !== undefined || own <= parent || own <= (since.get(c.id) ?? 0)) continue;
        const file = join(study.root, c.file);
        const text = setCodeFieldInText(edits.get(file) ?? readFileSync(file, 'utf8'), c.id, 'since', waves[own]!.id);
        if (text === undefined) throw new UsageError(`cannot add since: to '${c.id}' in ${c.file} (a code written in { flow } style?)`, 'write it by hand: since: WAVE');
        edits.set(file, text);
        written.push(`${c.id} since ${waves[own]!.id}`);
      }
      return { edits, written };
    };
    let { edits, written } = plan();
    if (ctx.opts.dryRun !== true && edits.size) {
      updateStudy(study, [], () => {
        ({ edits, written } = plan());
        return { codings: new Map(), files: [...edits] };
      });
    }
    ctx.info(written.length ? `${ctx.opts.dryRun ? 'would write' : 'wrote'} ${plural(written.length, 'since: line')}: ${written.join(', ')}` : 'nothing to write: every code is in use from the first wave, or declares its since: already');
  }
  if (unknown.length) ctx.info(ctx.err.yellow(`not in the git history (commit the codebook first; nothing derived for them): ${unknown.join(', ')}`));
  if (format === 'json') {
    ctx.emit(JSON.stringify({ waves: waves.map((w) => w.id), codes: rows }, null, 2));
    return EXIT.ok;
  }
  const indent = format === 'table' || format === 'md' ? '\u00a0\u00a0' : '';
  const table: Table = {
    title: `Codebook versions: the wave from which each code was in use${derived ? ' (declared, and derived from git)' : ''}`,
    columns: [{ header: 'code' }, { header: 'since' }, { header: 'declared' }, { header: 'codings before', align: 'right' }, ...(derived ? [{ header: 'from git' }, { header: 'added in' }, { header: 'not coded for (git)' }] : [])],
    rows: rows.map((r) => [
      indent.repeat(r.depth) + r.id,
      r.since,
      r.declared ?? (r.depth > 0 && r.since !== waves[0]!.id ? '(inherited)' : ''),
      r.codingsBefore,
      ...(derived ? [r.inHistory ? (r.derived ?? 'after every wave') : 'not in history', r.added ? `${r.added.commit.slice(0, 8)} ${r.added.date.slice(0, 10)}` : '', (r.notCodedFor ?? []).join(', ')] : []),
    ]),
  };
  ctx.emit(renderTable(ctx, table, format));
  return EXIT.ok;
}

/** qualwave codebook add ID --label TEXT [--parent ID]: a new code in the codebook file, comments kept. */
export async function runAdd(ctx: Ctx<'codebook add'>, id: string): Promise<number> {
  if (ctx.opts.label === undefined) throw new UsageError("--label is required: the new code's label", `e.g. qualwave codebook add ${id} --label "Time at the gym"`);
  const study = await ctx.study();
  const code = id.normalize('NFC');
  const label = (ctx.opts.label ?? '').trim();
  let parent = ctx.opts.parent;
  if (parent !== undefined) requireCode(study, parent);
  // support.gym under support, as the codebook's ids read, unless --parent says otherwise.
  const dot = code.lastIndexOf('.');
  const inferred = parent === undefined && dot > 0 && study.codebook.byId.has(code.slice(0, dot)) ? code.slice(0, dot) : undefined;
  parent ??= inferred;
  if (study.codebook.byId.has(code)) throw new UsageError(`code '${code}' already exists (${study.codebook.byId.get(code)!.file})`);
  if (ctx.opts.dryRun) {
    ctx.info(`would add ${code} ("${label}") ${parent ? `under ${parent}` : 'as a theme'} to ${parent ? study.codebook.byId.get(parent)!.file : study.codebook.files[0]?.file}`);
    return EXIT.ok;
  }
  try {
    const { file } = addCode(study, { id: code, label, ...(parent ? { parent } : {}) });
    ctx.info(`added ${code} ("${label}") ${parent ? `under ${parent}${inferred ? ' (from its id; give --parent to choose another)' : ''}` : 'as a theme'} to ${file}`);
  } catch (e) {
    if (e instanceof CodebookAddError) throw new UsageError(e.message, e.hint);
    throw e;
  }
  return EXIT.ok;
}
