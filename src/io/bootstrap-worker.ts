import { type MessagePort, parentPort } from 'node:worker_threads';
import { ResampledValues } from '../core/agreement/report.js';
import { adoptPatternTerms } from '../core/agreement/sums.js';
import type { WorkerInput } from './bootstrap-workers.js';

/**
 * A worker thread of bootstrap-workers.ts: for each job, takes the weight vectors handed over in
 * the shared ring, in sequence, and writes every coefficient's value on each into the shared
 * samples, until a stop entry. The first worker sends the caller its flat lists of the sums first.
 * Any error is sent back as a message (the caller fails the whole call).
 */
function work(input: WorkerInput, lists: MessagePort | undefined): void {
  const { t, opts, resamples: R, specs: S, slots: K } = input;
  if (input.terms) adoptPatternTerms(t, input.terms);
  const values = new ResampledValues(t, opts);
  if (values.specs.length !== S) throw new Error(`the worker has ${values.specs.length} coefficients, the caller ${S}`);
  // The caller adopts these instead of building them too (they depend on the table alone).
  if (lists) {
    lists.postMessage(values.flatLists());
    lists.close();
  }
  const P = t.counts.length;
  const ctl = new Int32Array(input.control);
  const samples = Array.from({ length: S }, (_, k) => new Float64Array(input.samples, k * R * 8, R));
  const slotWeights = Array.from({ length: K }, (_, s) => new Float64Array(input.weights, s * P * 8, P));
  for (;;) {
    const h = Atomics.add(ctl, 0, 1);
    const slot = h % K;
    const at = 1 + slot;
    for (;;) {
      const v = Atomics.load(ctl, at);
      if (v === h + 1) break;
      Atomics.wait(ctl, at, v);
    }
    const r = ctl[1 + K + slot]!;
    if (r >= 0) values.add(slotWeights[slot]!, ctl[1 + 2 * K + slot] === 1, samples, r);
    Atomics.store(ctl, at, 0);
    Atomics.notify(ctl, at);
    if (r < 0) return;
  }
}

// Jobs come as messages (io/bootstrap-workers.ts, BootstrapWorkers.run), one after another.
parentPort!.on('message', (m: { job: WorkerInput; lists?: MessagePort }) => {
  try {
    work(m.job, m.lists);
    parentPort!.postMessage({ done: true });
  } catch (e) {
    parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
});
