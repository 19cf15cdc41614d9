import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { outputProblem } from '../../core/study/config.js';
import type { OutputSpec, Study } from '../../core/study/types.js';
import { withLocks } from '../../io/lock.js';
import { readOnly, writeFilesTogether } from '../../io/write.js';
import type { Ctx } from '../context.js';
import { EXIT, InputError, QualwaveError, UsageError } from '../errors.js';
import { createProgram, type Invocation } from '../program.js';
import { plural } from '../report.js';

interface Built {
  spec: OutputSpec;
  content?: string | Uint8Array;
  problem?: string;
  status?: 'created' | 'updated' | 'unchanged';
}

/**
 * qualwave build: write every output declared in qualwave.yaml (`outputs:`). The study is loaded
 * once; each output's command line is parsed by the same option table as the command line, and
 * its command runs in-process on that study, its output collected (never printed); the format is
 * the one the file's extension names in the renderer registry, unless the line gives --format.
 * Only files whose content changed are written, all together and atomically. `--check` writes
 * nothing and exits 1 when an output is missing or stale (a CI gate).
 */
export async function run(ctx: Ctx<'build'>, studyArg?: string): Promise<number> {
  if (ctx.session.sink) throw new UsageError('build cannot run inside build', "remove 'build' from outputs[].run");
  const check = ctx.opts.check === true;
  // --check writes nothing, ever: every write (even one a bug would make) is refused.
  const before = readOnly.reason;
  if (check) readOnly.reason = 'build --check writes nothing';
  try {
    return await build(ctx, check, studyArg);
  } finally {
    readOnly.reason = before;
  }
}

/** An output's command line, parsed by the program (without running it). */
async function parseOutput(args: string[]): Promise<Invocation> {
  let inv: Invocation | undefined;
  let errors = '';
  const program = createProgram(
    async (i) => {
      inv = i;
    },
    { writeErr: (s) => void (errors += s), writeOut: (s) => void (errors += s) },
    args,
  );
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) throw new UsageError(e.message);
    throw e;
  }
  if (!inv) throw new UsageError(errors.trim().split('\n')[0] || 'not a qualwave command');
  return inv;
}

/** Run one output's command on the study loaded once: what it would print, or the problem. */
async function make(ctx: Ctx<'build'>, study: Study, spec: OutputSpec): Promise<Built> {
  // Checked when qualwave.yaml was read; checked again here, where it matters.
  const refused = outputProblem(spec.file, spec.args);
  if (refused) return { spec, problem: refused.message };
  let inv: Invocation;
  try {
    inv = await parseOutput(spec.args);
  } catch (e) {
    if (e instanceof QualwaveError) return { spec, problem: e.message };
    throw e;
  }
  // The output's name, as with -o: the command takes its format from the extension (or refuses
  // one it cannot write); what it emits is collected, not written.
  inv.raw['output'] = spec.file;
  inv.raw['quiet'] = true;
  inv.raw['color'] = false;
  if (ctx.opts.allowOutside) inv.raw['allowOutside'] = true;
  if (ctx.opts.cache === false) inv.raw['cache'] = false;
  let content: string | Uint8Array = '';
  let problem: string | undefined;
  const savedReadOnly = readOnly.reason;
  readOnly.reason = `build runs only commands that read the study ('${spec.args.join(' ')}' tried to write)`;
  try {
    const code = await runInvocationWith(inv, ctx, {
      study,
      sink: (chunk) => {
        content = typeof chunk === 'string' ? (typeof content === 'string' ? content : '') + chunk : chunk;
      },
      onError: (e) => {
        if (!(e instanceof QualwaveError) && !isSystem(e)) throw e;
        problem = (e as Error).message;
        return EXIT.badInput;
      },
    });
    if (code === EXIT.badInput && problem === undefined) problem = 'failed';
  } finally {
    readOnly.reason = savedReadOnly;
  }
  return problem !== undefined ? { spec, problem } : { spec, content };
}

const isSystem = (e: unknown): boolean => e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((e as NodeJS.ErrnoException).code!);

async function runInvocationWith(inv: Invocation, ctx: Ctx<'build'>, session: import('../context.js').Session): Promise<number> {
  const { runInvocation } = await import('../run.js');
  return runInvocation(inv, ctx.io, session);
}

async function build(ctx: Ctx<'build'>, check: boolean, studyArg?: string): Promise<number> {
  const study = await ctx.study(studyArg);
  const specs = study.config.outputs;
  if (specs.length === 0) {
    ctx.info("nothing to build: qualwave.yaml declares no outputs (see the README, 'outputs')");
    return EXIT.ok;
  }
  const results: Built[] = [];
  for (const spec of specs) results.push(await make(ctx, study, spec));
  const failed = results.filter((r) => r.problem);
  if (failed.length > 0) {
    for (const r of failed) ctx.stderr(`${ctx.err.bold(`qualwave.yaml${r.spec.line ? `:${r.spec.line}` : ''}`)}: ${ctx.err.red('error')}: output ${r.spec.file} ('${r.spec.args.join(' ')}'): ${r.problem}\n`);
    throw new InputError(`${plural(failed.length, 'output')} could not be made; nothing was written`);
  }
  for (const r of results) {
    const path = join(study.root, r.spec.file);
    // Only a regular file is read (a FIFO would block, a device never ends); the loader refused others.
    const old = lstatSync(path, { throwIfNoEntry: false })?.isFile() ? readFileSync(path) : undefined;
    r.status = old === undefined ? 'created' : old.equals(typeof r.content === 'string' ? Buffer.from(r.content) : Buffer.from(r.content!)) ? 'unchanged' : 'updated';
  }
  const changed = results.filter((r) => r.status !== 'unchanged');
  if (!check && changed.length > 0) {
    withLocks(study.root, [['study', 'the study']], () =>
      writeFilesTogether(
        study.root,
        changed.map((r) => [join(study.root, r.spec.file), r.content!] as const),
      ),
    );
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
