import { Chalk } from 'chalk';
import { EXIT, InputError, QualwaveError } from '../core/errors.js';
import { terminalText } from '../core/format/escape.js';
import { type FileError, UnreadableRowsError, fileErrorFrom, isSystemError } from '../io/errors.js';
import { colorEnabled } from './color.js';
import type { ShellIo } from './io.js';
import { formatDiagnostics } from './report.js';

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
