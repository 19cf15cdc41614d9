import type { Command } from 'commander';
import { Context } from './context.js';
import { terminalText } from '../core/format/escape.js';
import { FileError, UnreadableRowsError, fileErrorFrom, isSystemError } from '../io/errors.js';
import { EXIT, QualwaveError } from './errors.js';

/** Run a command's `run(ctx, ...args)`, turning known errors into messages and exit codes. */
export async function runCommand(command: Command, args: unknown[], run: (...a: unknown[]) => Promise<number>): Promise<number> {
  const opts = command.optsWithGlobals();
  const ctx = new Context(opts);
  try {
    return await run(ctx, ...args);
  } catch (e) {
    const known = e instanceof QualwaveError || e instanceof FileError ? e : isSystemError(e) ? (fileErrorFrom(e, e.path ?? 'a file', 'cannot use') as FileError) : undefined;
    if (known) {
      if (known instanceof UnreadableRowsError && known.diagnostics.length > 1) {
        for (const d of known.diagnostics) process.stderr.write(`${ctx.err.bold(`${d.file}${d.line ? `:${d.line}` : ''}`)}: ${ctx.err.red('error')}: ${terminalText(d.message)}\n`);
      }
      process.stderr.write(`${ctx.err.red.bold('qualwave:')} ${terminalText(known.message)}\n`);
      if (known.hint) process.stderr.write(ctx.err.dim(`  hint: ${terminalText(known.hint)}`) + '\n');
      if (opts['debug']) process.stderr.write(`${(e as Error).stack}\n`);
      return known instanceof QualwaveError ? known.exitCode : EXIT.badInput;
    }
    return reportUnexpected(e, opts['debug'] === true);
  }
}

/** A bug: its own exit code (70), and a request to report it. */
export function reportUnexpected(e: unknown, debug: boolean): number {
  if (isSystemError(e) || e instanceof FileError) {
    const f = e instanceof FileError ? e : (fileErrorFrom(e, e.path ?? 'a file', 'cannot use') as FileError);
    process.stderr.write(`qualwave: ${terminalText(f.message)}\n${f.hint ? `  hint: ${terminalText(f.hint)}\n` : ''}`);
    return EXIT.badInput;
  }
  const err = e as Error;
  process.stderr.write(`qualwave: unexpected error: ${terminalText(err?.message ?? String(e))}\n`);
  if (debug) process.stderr.write(`${err?.stack ?? ''}\n`);
  else process.stderr.write('  (this is a bug in qualwave: run again with --debug for details, and please report it; exit code 70)\n');
  return EXIT.internal;
}
