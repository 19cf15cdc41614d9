import { CommanderError } from 'commander';
import { EXIT } from '../core/errors.js';
import type { Base, Session } from './context.js';
import type { ShellIo } from './io.js';
import type { CommandSpec } from './options/command.js';
import { COMMANDS } from './options/commands.js';
import { createProgram, type Invocation } from './program.js';

/*
 * Start-up stays lean: this module loads only commander and the command table; parsing the
 * options, the context (the study loader), the command and the error report are imported when a
 * command runs.
 */

type Handler = (ctx: unknown, ...args: unknown[]) => Promise<number>;

/** The whole command line: parse, run the command, and the exit code (never throws). */
export async function main(argv: readonly string[], io: ShellIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = createProgram(
    async (inv) => {
      code = await runInvocation(inv, io);
    },
    { writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) },
    argv,
  );
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    const { reportError } = await import('./report-error.js');
    return reportError(e, io, argv.includes('--debug'), argv.includes('--no-color') ? false : undefined);
  }
  return code;
}

/** Run one parsed command line: options checked and typed by their declarations, then the handler. */
export async function runInvocation(inv: Invocation, io: ShellIo, session: Session = {}): Promise<number> {
  const debug = inv.raw['debug'] === true;
  try {
    const spec = COMMANDS[inv.name] as CommandSpec;
    const { checkArgs, parseOptions } = await import('./options/parse.js');
    const { opts, given } = parseOptions(inv.name, spec, inv.raw);
    checkArgs(spec, inv.args);
    const handler = (await import(`./commands/${spec.module}.js`))[spec.handler ?? 'run'] as Handler;
    const { Context } = await import('./context.js');
    const ctx = new Context(opts as Base, given, io, session);
    const code = await handler(ctx, ...inv.args);
    // Word tables the command collected (--format docx): one document, written now.
    await ctx.finish();
    // What the command added to the study index (words it counted) is written once, at the end.
    if (!session.sink) (await import('../io/study-index.js')).flushIndexes();
    return code;
  } catch (e) {
    if (session.onError) return session.onError(e);
    const { reportError } = await import('./report-error.js');
    return reportError(e, io, debug, inv.raw['color'] === false ? false : undefined);
  }
}
