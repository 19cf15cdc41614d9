import type { Diagnostic } from '../core/diagnostics/diagnostic.js';

/** Exit codes: 0 success, 1 a check failed, 2 bad usage or bad input. */
export const EXIT = { ok: 0, checkFailed: 1, badInput: 2 } as const;

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
