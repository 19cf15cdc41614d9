import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_ID } from '../../core/codebook/parse.js';
import { removeCodeFromText, renameCodeInText } from '../../core/codebook/edit.js';
import type { Code } from '../../core/codebook/types.js';
import { renameInCodings } from '../../core/coding/edit.js';
import { CODER_NAME, type Coding } from '../../core/coding/types.js';
import { renderLatex, type Table } from '../../core/format/table.js';
import type { Study } from '../../core/study/types.js';
import { didYouMeanSuffix } from '../../core/text/suggest.js';
import { CODINGS_DIR, updateStudy } from '../../io/codings.js';
import type { Context } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { renderTable } from '../render.js';
import { plural } from '../report.js';

const FORMATS = ['table', 'md', 'latex', 'html', 'csv', 'tsv', 'json'] as const;

/** qualwave codebook show: the codebook as a table (the appendix a manuscript needs). */
export async function runShow(ctx: Context): Promise<number> {
  const format = ctx.format(FORMATS, 'table');
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
  const indent = format === 'table' || format === 'md' ? '\u00a0\u00a0' : '';
  const table: Table = {
    title: study.codebook.files.map((f) => f.title).join('; '),
    columns: ['code', 'label', 'definition', 'include', 'exclude', 'examples'].map((header) => ({ header })),
    rows: codes.map((c) => [indent.repeat(c.depth) + c.id, c.label, c.definition ?? '', c.include ?? '', c.exclude ?? '', c.examples.map((e) => `"${e}"`).join(' ')]),
  };
  if (format === 'latex') {
    const caption = ctx.opts['caption'] as string | undefined;
    const label = ctx.opts['label'] as string | undefined;
    ctx.emit(renderLatex(table, { wrap: { 2: '4cm', 3: '3cm', 4: '3cm', 5: '4cm' }, ...(caption ? { caption } : {}), ...(label ? { label } : {}) }));
  } else if (format === 'table') {
    // In the terminal the long columns would not fit: show code, label and definition.
    ctx.emit(renderTable(ctx, { ...table, columns: table.columns.slice(0, 3), rows: table.rows.map((r) => r.slice(0, 3)) }, 'table'));
  } else ctx.emit(renderTable(ctx, table, format));
  return EXIT.ok;
}

/** Every coder with a file now (a coder who started meanwhile included). */
function codersOnDisk(study: Study): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(join(study.root, CODINGS_DIR));
  } catch {
    // No codings yet.
  }
  const found = names.filter((n) => n.endsWith('.tsv')).map((n) => n.slice(0, -4).normalize('NFC')).filter((c) => CODER_NAME.test(c));
  return [...new Set([...study.coders, ...found])].sort();
}

function requireCode(study: Study, id: string): Code {
  const code = study.codebook.byId.get(id);
  if (!code) throw new UsageError(`no code '${id}'${didYouMeanSuffix(id, study.codebook.byId.keys())}`, 'codes are listed by: qualwave codebook show');
  return code;
}

/** qualwave codebook rename OLD NEW: in the codebook file and every coder's codings, together. */
export async function runRename(ctx: Context, from: string, to: string): Promise<number> {
  const study = await ctx.study();
  const code = requireCode(study, from);
  if (!CODE_ID.test(to)) throw new UsageError(`'${to}' is not a valid code id`, 'use letters, digits, "_", "-" and "." only, starting with a letter');
  if (study.codebook.byId.has(to)) throw new UsageError(`code '${to}' already exists`, `to fold ${from} into it, use: qualwave codebook merge ${from} --into ${to}`);
  const file = join(study.root, code.file);
  const edit = (): Array<[string, string]> => {
    const text = renameCodeInText(readFileSync(file, 'utf8'), from, to);
    if (text === undefined) throw new UsageError(`cannot find the id of '${from}' in ${code.file}`);
    return [[file, text]];
  };
  edit();
  const exit = commit(ctx, study, edit, [from], to, `renamed ${from} to ${to}`);
  mentions(ctx, study, [from]);
  return exit;
}

/** qualwave codebook merge A [B...] --into C: codings of A, B become C; A and B leave the codebook. */
export async function runMerge(ctx: Context, ids: string[]): Promise<number> {
  const study = await ctx.study();
  const into = String(ctx.opts['into']);
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
  return exit;
}

/** Codes' texts (definition, include, exclude) that still name a code that no longer exists. */
function mentions(ctx: Context, study: Study, gone: readonly string[]): void {
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
function commit(ctx: Context, study: Study, codebookEdit: () => Array<[string, string]>, from: string[], to: string, what: string): number {
  const changedCoders = new Map<string, Coding[]>();
  let changed = 0;
  let folded = 0;
  const rename = (current: Map<string, Coding[]>): void => {
    for (const [coder, list] of current) {
      const r = renameInCodings(list, from, to);
      if (r.changed === 0) continue;
      changed += r.changed;
      folded += r.merged;
      changedCoders.set(coder, r.codings);
    }
  };
  if (ctx.opts['dryRun'] === true) rename(new Map(study.coders.map((c) => [c, study.codings.filter((x) => x.coder === c)])));
  else {
    updateStudy(study, codersOnDisk(study), (current) => {
      rename(current);
      return { codings: changedCoders, files: codebookEdit() };
    });
  }
  const coders = [...changedCoders.keys()];
  ctx.info(`${ctx.opts['dryRun'] ? 'would have ' : ''}${what}: ${plural(changed, 'coding')} changed${coders.length ? ` (${coders.join(', ')})` : ''}${folded ? `, ${folded} duplicate${folded === 1 ? '' : 's'} folded` : ''}`);
  return EXIT.ok;
}
