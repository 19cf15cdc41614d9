import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { outputProblem } from '../../core/study/config.js';
import type { OutputSpec } from '../../core/study/types.js';
import { withLocks } from '../../io/lock.js';
import { readOnly, writeFilesTogether } from '../../io/write.js';
import { capture, formatFromExtension, type Context } from '../context.js';
import { EXIT, InputError, UsageError } from '../errors.js';
import { plural } from '../report.js';

const ALL_FORMATS = ['table', 'csv', 'tsv', 'md', 'latex', 'json', 'html'] as const;

interface Built {
  spec: OutputSpec;
  content?: string;
  problem?: string;
  status?: 'created' | 'updated' | 'unchanged';
}

/**
 * qualwave build: write every output declared in qualwave.yaml (`outputs:`), each by running its
 * qualwave command line; only files whose content changed are written, all together and atomically.
 * `--check` writes nothing and exits 1 when an output is missing or stale (a CI gate).
 */
export async function run(ctx: Context, studyArg?: string): Promise<number> {
  if (capture.text !== undefined) throw new UsageError('build cannot run inside build', "remove 'build' from outputs[].run");
  const check = ctx.opts['check'] === true;
  // --check writes nothing, ever: every write (even one a bug would make) is refused.
  const before = readOnly.reason;
  if (check) readOnly.reason = 'build --check writes nothing';
  try {
    return await build(ctx, check, studyArg);
  } finally {
    readOnly.reason = before;
  }
}

async function build(ctx: Context, check: boolean, studyArg?: string): Promise<number> {
  const study = await ctx.study(studyArg);
  const specs = study.config.outputs;
  if (specs.length === 0) {
    ctx.info("nothing to build: qualwave.yaml declares no outputs (see the README, 'outputs')");
    return EXIT.ok;
  }
  const { createProgram } = await import('../program.js');
  const results: Built[] = [];
  for (const spec of specs) {
    // Checked when qualwave.yaml was read; checked again here, where it matters.
    const refused = outputProblem(spec.file, spec.args);
    if (refused) {
      results.push({ spec, problem: refused.message });
      continue;
    }
    const args = [...spec.args];
    if (!args.includes('--format')) {
      const f = formatFromExtension(spec.file, ALL_FORMATS);
      if (f) args.push('--format', f);
    }
    args.push('--study', study.root, '--quiet', '--no-color');
    if (ctx.opts.allowOutside === true) args.push('--allow-outside');
    const saved = process.exitCode;
    const savedReadOnly = readOnly.reason;
    readOnly.reason = `build runs only commands that read the study ('${spec.args.join(' ')}' tried to write)`;
    capture.text = '';
    let problem: string | undefined;
    const stderr = process.stderr.write.bind(process.stderr);
    let errors = '';
    // Collect what the command would print as an error, to report it against the output.
    process.stderr.write = ((chunk: string | Uint8Array) => {
      errors += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      return true;
    }) as typeof process.stderr.write;
    try {
      const program = createProgram();
      program.configureOutput({ writeErr: (s) => (errors += s), writeOut: (s) => (capture.text += s) });
      await program.parseAsync(['node', 'qualwave', ...args]);
      if (process.exitCode === 2) problem = errors.trim().split('\n')[0] ?? 'failed';
    } catch (e) {
      problem = e instanceof CommanderError ? e.message : (e as Error).message;
    } finally {
      process.stderr.write = stderr;
      readOnly.reason = savedReadOnly;
    }
    const content = capture.text;
    capture.text = undefined;
    process.exitCode = saved;
    results.push(problem !== undefined ? { spec, problem } : { spec, content: content ?? '' });
  }
  const failed = results.filter((r) => r.problem);
  if (failed.length > 0) {
    for (const r of failed) process.stderr.write(`${ctx.err.bold(`qualwave.yaml${r.spec.line ? `:${r.spec.line}` : ''}`)}: ${ctx.err.red('error')}: output ${r.spec.file} ('${r.spec.args.join(' ')}'): ${r.problem}\n`);
    throw new InputError(`${plural(failed.length, 'output')} could not be made; nothing was written`);
  }
  for (const r of results) {
    const path = join(study.root, r.spec.file);
    // Only a regular file is read (a FIFO would block, a device never ends); the loader refused others.
    const old = lstatSync(path, { throwIfNoEntry: false })?.isFile() ? readFileSync(path, 'utf8') : undefined;
    r.status = old === undefined ? 'created' : old === r.content ? 'unchanged' : 'updated';
  }
  const changed = results.filter((r) => r.status !== 'unchanged');
  if (!check && changed.length > 0) {
    withLocks(study.root, [['study', 'the study']], () => writeFilesTogether(study.root, changed.map((r) => [join(study.root, r.spec.file), r.content!] as const)));
  }
  for (const r of results) {
    const mark = r.status === 'unchanged' ? ctx.err.dim('unchanged') : check ? ctx.err.red(r.status === 'created' ? 'missing' : 'stale') : ctx.err.green(r.status!);
    ctx.info(`${mark.padEnd(9)} ${ctx.display(study.root, r.spec.file)}`);
  }
  if (check) {
    if (changed.length > 0) {
      ctx.info(ctx.err.red(`${plural(changed.length, 'output')} out of date: run qualwave build`));
      return EXIT.checkFailed;
    }
    ctx.info(ctx.err.green(`all ${plural(results.length, 'output')} up to date`));
    return EXIT.ok;
  }
  ctx.info(changed.length > 0 ? `${plural(changed.length, 'output')} written, ${results.length - changed.length} unchanged` : `all ${plural(results.length, 'output')} up to date`);
  return EXIT.ok;
}
