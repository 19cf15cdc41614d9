// A bootstrap worker that takes the first weight vector handed over in its job and dies holding it.
import { parentPort } from 'node:worker_threads';
parentPort.on('message', ({ job }) => {
  const ctl = new Int32Array(job.control);
  const h = Atomics.add(ctl, 0, 1);
  const at = 1 + (h % job.slots);
  for (;;) {
    const v = Atomics.load(ctl, at);
    if (v === h + 1) break;
    Atomics.wait(ctl, at, v);
  }
  process.exit(3);
});
