import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { UsageError } from '../core/errors.js';
import { secondCoreIdle, workersFromEnv } from './bootstrap-workers.js';
import { readStamped, type FileStamp } from './study-index.js';

/**
 * Reading the transcripts of a cold load (no study index, `--no-cache`) on a worker thread while
 * this thread segments those already read: the files' reading (about a fifth of a cold load) then
 * overlaps the parsing instead of adding to it. What is read is the same either way: each file is
 * read once, whole, by readStamped (its bytes and stamp), on the worker or here, and handed over in
 * the files' order; a file the worker could not read comes back as the same error. With no worker
 * (QUALWAVE_WORKERS=0, a single core, a busy machine, few files, or run from the TypeScript
 * sources) every file is read here, as before.
 */

/** What the worker sends for file `i` of the job: its bytes and stamp, or the error reading it. */
export type ReadAhead = { i: number; bytes: Uint8Array; stamp: FileStamp; at: bigint } | { i: number; error: { message: string; code?: string } };

/** The worker's job: the files' paths, and the shared counters (next file to claim, files taken, file awaited, whether the worker waits for room). */
export interface ReadJob {
  paths: readonly string[];
  shared: SharedArrayBuffer;
}

export type Read = ReturnType<typeof readStamped>;

/** Fewer files than this are read here: a worker costs more to start than it saves. */
export const READ_AHEAD_MIN_FILES = 64;

// dist/src/io/ and dist/bundle/cli/ are both three folders deep: the worker is the compiled module.
const WORKER = fileURLToPath(new URL('../../src/io/read-worker.js', import.meta.url));

/** Whether to read `files` on a worker: QUALWAVE_WORKERS (0: never), else when a second core is idle. */
function wanted(files: number): boolean {
  if (files < READ_AHEAD_MIN_FILES) return false;
  let asked: number | undefined;
  try {
    asked = workersFromEnv(process.env);
  } catch (e) {
    // A malformed QUALWAVE_WORKERS is for the commands with workers to refuse; the load reads here.
    if (!(e instanceof UsageError)) throw e;
    asked = 0;
  }
  return (asked ?? (secondCoreIdle() ? 1 : 0)) > 0 && existsSync(WORKER);
}

/**
 * The files at `paths`, read in that order: `next()` gives the next one (or throws what reading it
 * threw), read by the worker when it got there first, else here.
 */
export class TranscriptReader {
  private next_ = 0;
  private readonly state: Int32Array | undefined;
  private readonly worker: Worker | undefined;
  private readonly ready = new Map<number, ReadAhead>();
  private wake: (() => void) | undefined;
  private failed = false;
  /** How many of the files the worker read (the rest were read here): for the tests. */
  fromWorker = 0;

  constructor(private readonly paths: readonly string[]) {
    if (!wanted(paths.length)) return;
    const shared = new SharedArrayBuffer(16);
    this.state = new Int32Array(shared);
    this.state[2] = -1;
    const job: ReadJob = { paths, shared };
    try {
      this.worker = new Worker(WORKER, { workerData: job, stdout: false, stderr: false });
    } catch (e) {
      // A thread that cannot start (resources): every file is read here.
      if (!String((e as NodeJS.ErrnoException).code).startsWith('ERR_WORKER')) throw e;
      this.state = undefined;
      return;
    }
    this.worker.unref();
    this.worker.on('message', (batch: ReadAhead[]) => {
      for (const r of batch) this.ready.set(r.i, r);
      this.wake?.();
    });
    const stop = (): void => {
      // Files the worker claimed and did not send are read here (the same bytes, read once).
      this.failed = true;
      this.wake?.();
    };
    this.worker.on('error', stop);
    this.worker.on('exit', stop);
  }

  /**
   * The next file's read (bytes and stamp), or the error reading it thrown. `path` is the file the
   * caller expects next: any other (never, as the loader calls it) is read here, the order kept.
   */
  async next(path: string): Promise<Read> {
    if (this.paths[this.next_] !== path) return readStamped(path);
    const i = this.next_++;
    const state = this.state;
    if (state === undefined) return readStamped(this.paths[i]!);
    let r = this.ready.get(i);
    // Not sent yet: read here if the worker has not claimed it, else wait for it.
    if (r === undefined && Atomics.compareExchange(state, 0, i, i + 1) !== i) {
      Atomics.store(state, 2, i);
      while ((r = this.ready.get(i)) === undefined && !this.failed) await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
      Atomics.store(state, 2, -1);
    }
    this.ready.delete(i);
    Atomics.store(state, 1, i + 1);
    // (A wake-up only when the worker waits for room: a notify is a system call.)
    if (Atomics.load(state, 3) === 1) Atomics.notify(state, 1);
    if (r === undefined) return readStamped(this.paths[i]!);
    this.fromWorker++;
    if ('error' in r) throw Object.assign(new Error(r.error.message), r.error.code === undefined ? {} : { code: r.error.code });
    return { bytes: Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength), stamp: r.stamp, at: r.at };
  }

  /** Stops the worker (when the load ends early, or is done). */
  close(): void {
    if (this.worker) void this.worker.terminate();
  }
}
