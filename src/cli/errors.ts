/** The error classes live below the shell (src/core/errors.ts); re-exported for the commands. */
export { CheckFailedError, EXIT, InputError, QualwaveError, UsageError } from '../core/errors.js';
