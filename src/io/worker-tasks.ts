import { agreementOf } from '../core/agreement/study.js';

/**
 * What the worker pool (workers.ts) can compute: pure core functions of plain data (a job is
 * copied to the worker and its result back, by structured clone: numbers exactly, -0 and NaN
 * included), so a result is the same on any thread.
 */
export const TASKS = { agreement: agreementOf } as const;
export type Task = keyof typeof TASKS;
