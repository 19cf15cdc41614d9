import { parentPort } from 'node:worker_threads';
import { TASKS, type Task } from './worker-tasks.js';

/**
 * A worker thread of the pool (workers.ts): receives one message, a task's name and its jobs,
 * computes each with the task's pure core function, and posts the results back, in order.
 */
parentPort!.once('message', (message: { task: Task; jobs: unknown[] }) => {
  const run = TASKS[message.task] as (job: unknown) => unknown;
  parentPort!.postMessage(message.jobs.map(run));
});
