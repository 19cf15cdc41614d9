import { CommanderError } from 'commander';
import { Chalk } from 'chalk';
import { EXIT, InputError, QualwaveError } from '../core/errors.js';
import { terminalText } from '../core/format/escape.js';
import { FileError, UnreadableRowsError, fileErrorFrom, isSystemError } from '../io/errors.js';
import { Context, colorEnabled, type Base, type Session } from './context.js';
import type { ShellIo } from './io.js';
import type { CommandSpec } from './options/command.js';
import { COMMANDS } from './options/commands.js';
import { checkArgs, parseOptions } from './options/parse.js';
import { createProgram, type Invocation } from './program.js';
import { formatDiagnostics } from './report.js';

type Handler = (ctx: Context, ...args: unknown[]) => Promise<number>;

/** The whole command line: parse, run the command, and the exit code (never throws). */
export async function main(argv: readonly string[], io: ShellIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = createProgram(
    async (inv) => {
      code = await runInvocation(inv, io);
    },
    { writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) },
  );
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    return reportError(e, io, argv.includes('--debug'), argv.includes('--no-color') ? false : undefined);
  }
  return code;
}

/** Run one parsed command line: options checked and typed by their declarations, then the handler. */
export async function runInvocation(inv: Invocation, io: ShellIo, session: Session = {}): Promise<number> {
  const debug = inv.raw['debug'] === true;
  try {
    const spec = COMMANDS[inv.name] as CommandSpec;
    const { opts, given } = parseOptions(inv.name, spec, inv.raw);
    checkArgs(spec, inv.args);
    const handler = (await import(`./commands/${spec.module}.js`))[spec.handler ?? 'run'] as Handler;
    return await handler(new Context(opts as Base, given, io, session), ...inv.args);
  } catch (e) {
    if (session.onError) return session.onError(e);
    return reportError(e, io, debug, inv.raw['color'] === false ? false : undefined);
  }
}

/**
 * The one mapping of errors to messages and exit codes: a QualwaveError (the core's, the I/O
 * layer's, a usage error) prints its message and what to do, and exits with its code (2 bad usage
 * or input, 1 a check failed); an operating-system refusal (permission, full disk) is a FileError
 * (2); anything else is a bug: 70, "please report", the stack only with --debug.
 */
export function reportError(e: unknown, io: ShellIo, debug: boolean, color?: boolean): number {
  const c = new Chalk({ level: colorEnabled(io.stderr, color, io.env) ? 1 : 0 });
  const known = e instanceof QualwaveError ? e : isSystemError(e) ? (fileErrorFrom(e, e.path ?? 'a file', 'cannot use') as FileError) : undefined;
  if (known) {
    if (known instanceof UnreadableRowsError && known.diagnostics.length > 1) {
      for (const d of known.diagnostics) io.stderr.write(`${c.bold(`${d.file}${d.line ? `:${d.line}` : ''}`)}: ${c.red('error')}: ${terminalText(d.message)}\n`);
    }
    if (known instanceof InputError && known.diagnostics.length > 0) io.stderr.write(formatDiagnostics(known.diagnostics, { color: c }));
    io.stderr.write(`${c.red.bold('qualwave:')} ${terminalText(known.message)}\n`);
    if (known.hint) io.stderr.write(c.dim(`  hint: ${terminalText(known.hint)}`) + '\n');
    if (debug) io.stderr.write(`${(e as Error).stack}\n`);
    return known.exitCode;
  }
  const err = e as Error;
  io.stderr.write(`qualwave: unexpected error: ${terminalText(err?.message ?? String(e))}\n`);
  if (debug) io.stderr.write(`${err?.stack ?? ''}\n`);
  else io.stderr.write('  (this is a bug in qualwave: run again with --debug for details, and please report it; exit code 70)\n');
  return EXIT.internal;
}
