import { resolve } from 'node:path';
import { sortDiagnostics } from '../../core/diagnostics/diagnostic.js';
import type { Table } from '../../core/format/table.js';
import type { Key } from '../../core/pseudonymisation/key.js';
import type { PseudonymPlan } from '../../core/pseudonymisation/plan.js';
import type { Ctx } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { renderTable } from '../render.js';
import { plural } from '../report.js';

type Format = Ctx<'pseudonymise'>['format'];

/**
 * qualwave pseudonymise --key FILE [--dry-run] | --suggest [--key FILE]. The work is in
 * io/pseudonymise.ts (reading, writing as one change) and core/pseudonymisation (matching,
 * planning, checking, suggestions). Nothing printed here holds a name of the key: key rows are
 * named by their line and pseudonym.
 */
export async function run(ctx: Ctx<'pseudonymise'>): Promise<number> {
  const format = ctx.format;
  const keyOption = ctx.opts.key;
  if (ctx.opts.suggest) {
    if (ctx.opts.dryRun) throw new UsageError('--suggest writes nothing: --dry-run is not needed', 'leave out --dry-run');
    return suggest(ctx, format, keyOption);
  }
  if (keyOption === undefined) throw new UsageError('give the key: --key FILE (a CSV of name,pseudonym kept outside the study), or --suggest to list the names found', 'e.g. qualwave pseudonymise --key ~/keys/study-key.csv --dry-run');
  const root = ctx.studyRoot();
  ctx.recover(root);
  const key = await readKeyOrStop(ctx, root, keyOption);
  const study = await ctx.study();
  const { pseudonymiseStudy } = await import('../../io/pseudonymise.js');
  const dry = ctx.opts.dryRun;
  const { plan, written, staleOutputs } = await pseudonymiseStudy(study, key, { dryRun: dry });
  const errors = plan.diagnostics.some((d) => d.severity === 'error');
  const done = !dry && !errors;
  if (format === 'json') ctx.emit(JSON.stringify(planJson(key, plan, { written: done ? written : [], dryRun: dry, staleOutputs }), null, 2));
  else if (format === 'csv' || format === 'tsv') ctx.emit(renderTable(ctx, longTable(key, plan), format));
  else ctx.emit([renderTable(ctx, filesTable(key, plan), format), renderTable(ctx, keyTable(key, plan), format)].join('\n'));
  ctx.printDiagnostics(root, sortDiagnostics(plan.diagnostics));
  ctx.info(summaryLine(plan));
  if (errors) {
    ctx.info(`nothing written: ${plural(plan.diagnostics.filter((d) => d.severity === 'error').length, 'problem')} above`);
    return EXIT.badInput;
  }
  if (dry) {
    ctx.info('--dry-run: nothing written');
    return EXIT.ok;
  }
  const shown = written.length > 12 ? `${written.slice(0, 10).join(', ')} and ${written.length - 10} more (--format json lists them)` : written.join(', ');
  ctx.info(written.length > 0 ? `wrote ${plural(written.length, 'file')} as one change: ${shown}` : 'nothing to change: no name of the key is left in the study');
  const stale = staleOutputs.map((o) => (o.names === undefined ? o.file : `${o.file} (${plural(o.names, 'name')})`));
  if (stale.length > 0) ctx.info(ctx.err.yellow(`outputs made before still hold names: ${stale.join(', ')}; qualwave build makes them again from the pseudonymised study`));
  ctx.info('next: qualwave validate; qualwave pseudonymise --suggest --key FILE lists names the key may have missed');
  return EXIT.ok;
}

async function readKeyOrStop(ctx: Ctx<'pseudonymise'>, root: string, option: string): Promise<Key> {
  const { readKey } = await import('../../io/pseudonymise.js');
  const { key, diagnostics } = readKey(root, resolve(ctx.cwd, option), option);
  ctx.printDiagnostics(ctx.cwd, diagnostics);
  if (!key) throw new UsageError(`the key ${option} cannot be used: nothing was read or written`);
  return key;
}

async function suggest(ctx: Ctx<'pseudonymise'>, format: Format, keyOption: string | undefined): Promise<number> {
  const root = ctx.studyRoot();
  ctx.recover(root);
  const key = keyOption === undefined ? undefined : await readKeyOrStop(ctx, root, keyOption);
  const study = await ctx.study();
  const { suggestNames } = await import('../../core/pseudonymisation/suggest.js');
  const found = suggestNames(study, key ? { key } : {});
  if (format === 'json') ctx.emit(JSON.stringify(found, null, 2));
  else {
    const table: Table = {
      title: key ? 'Capitalised words not in the key' : 'Capitalised words (names and places?) in the transcripts',
      columns: [{ header: 'name' }, { header: 'occurrences', align: 'right' }, { header: 'transcripts', align: 'right' }, { header: 'first' }, { header: 'where' }],
      rows: found.map((s) => [s.name, s.occurrences, s.transcripts, `${s.first.file}:${s.first.line}:${s.first.column}`, s.where.join(', ')]),
    };
    ctx.emit(renderTable(ctx, table, format));
  }
  ctx.info(`${plural(found.length, 'candidate')}${key ? ' not in the key' : ''}: review them, and add the names to the key (name,pseudonym)`);
  return EXIT.ok;
}

function pseudonymsOf(key: Key, byEntry: readonly number[]): string {
  return byEntry
    .map((n, i) => (n > 0 ? `${key.entries[i]!.pseudonym} ×${n}` : ''))
    .filter(Boolean)
    .join(', ');
}

function filesTable(key: Key, plan: PseudonymPlan): Table {
  return {
    title: 'Names replaced, by file',
    columns: [{ header: 'file' }, { header: 'kind' }, { header: 'replaced', align: 'right' }, { header: 'pseudonyms' }],
    rows: plan.files.map((f) => [f.file, f.kind === 'codings' ? 'memos' : f.kind, f.replacements, pseudonymsOf(key, f.byEntry)]),
  };
}

function keyTable(key: Key, plan: PseudonymPlan): Table {
  return {
    title: `Names replaced, by row of the key (${key.file})`,
    columns: [{ header: 'line', align: 'right' }, { header: 'pseudonym' }, { header: 'replaced', align: 'right' }, { header: 'files', align: 'right' }, { header: 'other spellings left', align: 'right' }],
    rows: key.entries.map((e, i) => [e.line, e.pseudonym, plan.entries[i]!.replacements, plan.entries[i]!.files, plan.entries[i]!.variants]),
  };
}

/** One row per file and key row: what csv and tsv print. */
function longTable(key: Key, plan: PseudonymPlan): Table {
  const rows: Table['rows'] = [];
  for (const f of plan.files) f.byEntry.forEach((n, i) => n > 0 && rows.push([f.file, f.kind === 'codings' ? 'memos' : f.kind, key.entries[i]!.line, key.entries[i]!.pseudonym, n]));
  return { columns: [{ header: 'file' }, { header: 'kind' }, { header: 'key_line' }, { header: 'pseudonym' }, { header: 'replaced' }], rows };
}

function summaryLine(plan: PseudonymPlan): string {
  const total = plan.files.reduce((n, f) => n + f.replacements, 0);
  const c = plan.codingCounts;
  const codings = c.onChanged > 0 ? `; ${plural(c.onChanged, 'coding')} on changed transcripts kept on their text (${plural(c.moved, 'span')} moved, ${c.rehashed} hash${c.rehashed === 1 ? '' : 'es'} made anew${c.widened > 0 ? `, ${c.widened} widened to a whole pseudonym` : ''})` : '';
  return `${plural(total, 'name')} replaced in ${plural(plan.files.length, 'file')}${codings}${c.memos > 0 ? `; ${plural(c.memos, 'memo')}` : ''}`;
}

function planJson(key: Key, plan: PseudonymPlan, extra: { written: string[]; dryRun: boolean; staleOutputs: Array<{ file: string; names?: number }> }): Record<string, unknown> {
  return {
    key: { file: key.file, rows: key.entries.map((e, i) => ({ line: e.line, pseudonym: e.pseudonym, ...plan.entries[i]! })) },
    files: plan.files.map((f) => ({ file: f.file, kind: f.kind, replaced: f.replacements, byRow: f.byEntry.flatMap((n, i) => (n > 0 ? [{ line: key.entries[i]!.line, pseudonym: key.entries[i]!.pseudonym, replaced: n }] : [])) })),
    codings: plan.codingCounts,
    dryRun: extra.dryRun,
    written: extra.written,
    staleOutputs: extra.staleOutputs,
    diagnostics: plan.diagnostics,
  };
}
