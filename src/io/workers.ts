import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { secondCoreIdle, workersFromEnv } from './bootstrap-workers.js';
import { TASKS, type Task } from './worker-tasks.js';

/**
 * A pool of worker threads for pure computations (worker-tasks.ts): the jobs are shared out
 * (job i to worker i mod n), each computed on its own, and the results come back in the jobs'
 * order. Each job's result depends on the job alone, never on the number of workers: with none
 * (QUALWAVE_WORKERS=0, or a single core) the jobs are computed on this thread, the same results.
 * The main thread meanwhile goes on with other work (report: the other sections).
 */

/**
 * Workers to use: QUALWAVE_WORKERS (0 to 16, read as for the bootstrap's workers:
 * bootstrap-workers.ts), else one when a second core is idle (two or more cores and a load
 * average over the last minute below their number), else none.
 */
export function poolWorkers(environment: Readonly<Record<string, string | undefined>> = process.env): number {
  return workersFromEnv(environment) ?? (secondCoreIdle() ? 1 : 0);
}

// dist/src/io/ and dist/bundle/cli/ are both three folders deep: the worker is the compiled module.
const WORKER = fileURLToPath(new URL('../../src/io/worker.js', import.meta.url));

export function mapOnWorkers<T extends Task>(task: T, jobs: ReadonlyArray<Parameters<(typeof TASKS)[T]>[0]>, workers = poolWorkers()): Promise<Array<ReturnType<(typeof TASKS)[T]>>> {
  const run = TASKS[task] as (job: unknown) => ReturnType<(typeof TASKS)[T]>;
  const inline = () => jobs.map(run);
  const n = Math.min(workers, jobs.length);
  // Without workers (or run from the TypeScript sources, where there is no compiled worker): here.
  if (n === 0 || !existsSync(WORKER)) return Promise.resolve().then(inline);
  return new Promise((resolve, reject) => {
    const results = new Array<ReturnType<(typeof TASKS)[T]>>(jobs.length);
    let pending = n;
    let failed = false;
    const workers: Worker[] = [];
    for (let w = 0; w < n; w++) {
      const mine = jobs.filter((_, i) => i % n === w);
      const worker = new Worker(WORKER);
      workers.push(worker);
      let answered = false;
      worker.once('message', (out: Array<ReturnType<(typeof TASKS)[T]>>) => {
        answered = true;
        out.forEach((r, j) => {
          results[j * n + w] = r;
        });
        void worker.terminate();
        if (--pending === 0 && !failed) resolve(results);
      });
      const fail = (): void => {
        // A worker that could not start or run: every job on this thread instead (the same results).
        if (failed) return;
        failed = true;
        for (const x of workers) void x.terminate();
        try {
          resolve(inline());
        } catch (e) {
          reject(e);
        }
      };
      worker.once('error', fail);
      worker.once('exit', () => {
        if (!answered) fail();
      });
      worker.postMessage({ task, jobs: mine });
    }
  });
}
