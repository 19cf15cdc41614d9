import type { Diagnostic } from '../core/diagnostics/diagnostic.js';

/**
 * Exit codes: 0 success, 1 a check failed, 2 bad usage or bad input (including files qualwave
 * cannot read or write: permission, disk full, a lock), 70 an internal error (a bug: please
 * report it; 70 is EX_SOFTWARE of sysexits.h).
 */
export const EXIT = { ok: 0, checkFailed: 1, badInput: 2, internal: 70 } as const;

/** An error the user can act on; printed without a stack trace (unless --debug). */
export class QualwaveError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.badInput,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export class UsageError extends QualwaveError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.badInput, hint);
  }
}

/** Loading failed: the diagnostics have already been printed. */
export class InputError extends QualwaveError {
  constructor(
    message: string,
    readonly diagnostics: Diagnostic[] = [],
  ) {
    super(message, EXIT.badInput);
  }
}
