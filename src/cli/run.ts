import type { Command } from 'commander';
import { Context } from './context.js';
import { EXIT, QualwaveError } from './errors.js';

/** Run a command's `run(ctx, ...args)`, turning known errors into messages and exit codes. */
export async function runCommand(command: Command, args: unknown[], run: (...a: unknown[]) => Promise<number>): Promise<number> {
  const opts = command.optsWithGlobals();
  const ctx = new Context(opts);
  try {
    return await run(ctx, ...args);
  } catch (e) {
    if (e instanceof QualwaveError) {
      process.stderr.write(`${ctx.err.red.bold('qualwave:')} ${e.message}\n`);
      if (e.hint) process.stderr.write(ctx.err.dim(`  hint: ${e.hint}`) + '\n');
      if (opts['debug']) process.stderr.write(`${e.stack}\n`);
      return e.exitCode;
    }
    return reportUnexpected(e, opts['debug'] === true);
  }
}

export function reportUnexpected(e: unknown, debug: boolean): number {
  const err = e as Error;
  process.stderr.write(`qualwave: unexpected error: ${err?.message ?? String(e)}\n`);
  if (debug) process.stderr.write(`${err?.stack ?? ''}\n`);
  else process.stderr.write('  (run again with --debug for details, and please report it)\n');
  return EXIT.badInput;
}
