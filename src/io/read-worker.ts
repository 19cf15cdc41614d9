import { parentPort, workerData } from 'node:worker_threads';
import { readStamped } from './study-index.js';
import type { ReadAhead, ReadJob } from './transcript-prefetch.js';

/**
 * The worker thread of transcript-prefetch.ts: reads the files of a cold load ahead of the main
 * thread, each exactly as the main thread would (readStamped: its bytes and its stamp), and sends
 * them in order, a batch at a time (its buffers transferred, not copied). Which files it reads is
 * claimed file by file on a shared counter, so that the main thread reads the first ones itself
 * while this thread starts, and every file is read once, by one of the two.
 */
const { paths, shared } = workerData as ReadJob;
const state = new Int32Array(shared);
/** Bytes read here and not yet taken by the main thread: at most this many (then it waits). */
const AHEAD = 16 * 1024 * 1024;

let batch: ReadAhead[] = [];
let transfer: ArrayBuffer[] = [];
let batchBytes = 0;
const sent: Array<[index: number, bytes: number]> = [];
let inFlight = 0;

function flush(): void {
  if (batch.length === 0) return;
  parentPort!.postMessage(batch, transfer);
  batch = [];
  transfer = [];
  batchBytes = 0;
}

for (;;) {
  // Room first: the main thread has taken the files before `state[1]`.
  for (;;) {
    const taken = Atomics.load(state, 1);
    while (sent.length > 0 && sent[0]![0] < taken) inFlight -= sent.shift()![1];
    if (inFlight < AHEAD) break;
    flush();
    Atomics.store(state, 3, 1);
    Atomics.wait(state, 1, taken, 100);
    Atomics.store(state, 3, 0);
  }
  const i = Atomics.add(state, 0, 1);
  if (i >= paths.length) break;
  let read: ReadAhead;
  try {
    const r = readStamped(paths[i]!);
    const b = r.bytes;
    read = { i, bytes: b, stamp: r.stamp, at: r.at };
    // A buffer of its own (readStamped's, for a file of known size) moves to the main thread; any
    // other (Node's shared pool) is copied.
    if (b.byteOffset === 0 && b.buffer.byteLength === b.byteLength && b.byteLength > 0 && !(b.buffer instanceof SharedArrayBuffer)) transfer.push(b.buffer);
    batchBytes += b.byteLength;
    sent.push([i, b.byteLength]);
    inFlight += b.byteLength;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    read = { i, error: { message: String(err?.message ?? e), ...(typeof err?.code === 'string' ? { code: err.code } : {}) } };
  }
  batch.push(read);
  // Sent when big enough, and at once when the main thread waits for one of them.
  const waiting = Atomics.load(state, 2);
  if (batchBytes >= 1024 * 1024 || batch.length >= 64 || (waiting >= 0 && waiting <= i)) flush();
}
flush();
