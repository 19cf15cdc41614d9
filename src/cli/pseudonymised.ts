import type { Study } from '../core/study/types.js';
import { UsageError } from './errors.js';

/**
 * Exports and the report are made from the pseudonymised study only, when it requires it
 * (io/pseudonymised.ts): otherwise exit 2 with what to do. A study that never asked for it and
 * was never pseudonymised is not checked.
 */
export async function refuseUnlessPseudonymised(study: Study, what: string): Promise<void> {
  const { pseudonymisationProblem } = await import('../io/pseudonymised.js');
  const problem = await pseudonymisationProblem(study);
  if (problem) throw new UsageError(`refused to make ${what}: ${problem.reason}`, problem.hint);
}
