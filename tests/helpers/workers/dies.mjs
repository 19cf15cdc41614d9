// A bootstrap worker that takes the first weight vector handed over and dies holding it.
import { workerData } from 'node:worker_threads';
const ctl = new Int32Array(workerData.control);
const h = Atomics.add(ctl, 0, 1);
const at = 1 + (h % workerData.slots);
for (;;) {
  const v = Atomics.load(ctl, at);
  if (v === h + 1) break;
  Atomics.wait(ctl, at, v);
}
process.exit(3);
