// A bootstrap worker that works as io/bootstrap-worker.ts does (its flat lists of the sums sent to the
// caller first), but slowly: a millisecond more per resample, so that the calling thread collects most
// resamples itself, with the lists it adopted.
import { parentPort } from 'node:worker_threads';
import { ResampledValues } from '../../../dist/src/core/agreement/report.js';
import { adoptPatternTerms } from '../../../dist/src/core/agreement/sums.js';

parentPort.on('message', ({ job, lists }) => {
  const { t, opts, resamples: R, specs: S, slots: K } = job;
  if (job.terms) adoptPatternTerms(t, job.terms);
  const values = new ResampledValues(t, opts);
  if (lists) {
    lists.postMessage(values.flatLists());
    lists.close();
  }
  const P = t.counts.length;
  const ctl = new Int32Array(job.control);
  const samples = Array.from({ length: S }, (_, k) => new Float64Array(job.samples, k * R * 8, R));
  for (;;) {
    const h = Atomics.add(ctl, 0, 1);
    const at = 1 + (h % K);
    for (;;) {
      const v = Atomics.load(ctl, at);
      if (v === h + 1) break;
      Atomics.wait(ctl, at, v);
    }
    const slot = h % K;
    const r = ctl[1 + K + slot];
    if (r >= 0) {
      const until = Date.now() + 1;
      while (Date.now() < until);
      values.add(new Float64Array(job.weights, slot * P * 8, P), ctl[1 + 2 * K + slot] === 1, samples, r);
    }
    Atomics.store(ctl, at, 0);
    Atomics.notify(ctl, at);
    if (r < 0) break;
  }
  parentPort.postMessage({ done: true });
});
