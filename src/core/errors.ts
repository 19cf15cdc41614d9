import type { Diagnostic } from './diagnostics/diagnostic.js';

/**
 * Exit codes: 0 success, 1 a check failed, 2 bad usage or bad input (including files qualwave
 * cannot read or write: permission, disk full, a lock), 70 an internal error (a bug: please
 * report it; 70 is EX_SOFTWARE of sysexits.h). The shell maps errors to them in one place
 * (src/cli/run.ts, exitCodeOf).
 */
export const EXIT = { ok: 0, checkFailed: 1, badInput: 2, internal: 70 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * An error the user can act on: what went wrong (the message) and what to do (the hint). Thrown
 * by the core, the I/O layer and the API; printed by the shell without a stack trace (unless
 * --debug), with its exit code. Anything that is not a QualwaveError is a bug (exit 70).
 */
export class QualwaveError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.badInput,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The command line asked for something that cannot be done as asked (a bad option value, two options that exclude each other). */
export class UsageError extends QualwaveError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.badInput, hint);
  }
}

/** An input (the study, a file the user named) cannot be used as it is; `diagnostics` say where (file:line). */
export class InputError extends QualwaveError {
  constructor(
    message: string,
    readonly diagnostics: readonly Diagnostic[] = [],
    hint?: string,
  ) {
    super(message, EXIT.badInput, hint);
  }
}

/** A check the user asked for did not pass (a gate, build --check, verify): exit 1. */
export class CheckFailedError extends QualwaveError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.checkFailed, hint);
  }
}
