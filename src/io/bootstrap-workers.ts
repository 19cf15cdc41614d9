import { availableParallelism, loadavg } from 'node:os';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { Resampler } from '../core/agreement/bootstrap.js';
import { agreementFrom, PointEstimator, ResampledValues, type AgreementOptions, type AgreementResult, type SpecOptions } from '../core/agreement/report.js';
import { patternTerms, type PatternTerms } from '../core/agreement/sums.js';
import { toPatterns, type PatternTable, type Ratings } from '../core/agreement/table.js';
import { UsageError } from '../core/errors.js';

/**
 * The bootstrap of `agreement` (core/agreement/report.ts) with worker threads collecting the sums
 * of some resamples while this thread draws the next ones. The weights come from the one seeded
 * stream, drawn here in order (`Resampler`), and each resample's values are computed from its
 * weights alone by the same pure function (`ResampledValues.add`) wherever it runs: the results
 * are those of `agreement` to the last bit, for any number of workers (0 included) and cores
 * (tests/e2e/bootstrap-workers.test.ts). A worker that fails makes the whole call fail (an
 * internal error), never a result with holes.
 *
 * The threads share memory: a ring of K weight vectors (slots) that this thread fills and the
 * workers empty, and the resampled values (samples[k][r]). Handing over is sequenced: the h-th
 * vector handed over goes into slot h mod K, whose state is h + 1 while it waits and 0 when free;
 * workers claim sequence numbers from a shared counter, so each vector is taken by exactly one of
 * them. When the next slot is still taken (the workers are behind), this thread collects that
 * resample itself rather than waiting. A sequence number with resample −1 tells a worker to stop.
 *
 * Nothing is computed twice: the first worker sends the flat lists of the sums (`flatLists`,
 * which depend on the table alone) as soon as it has built them, and this thread adopts them
 * rather than building its own; while that worker builds them (and whenever the workers are
 * behind), this thread does, a piece at a time, the work that does not wait for the resamples
 * (`WorkerSettings.meanwhile`: the point estimates) before it collects resamples itself.
 */

/** Slots in the ring: up to 64, fewer for very many patterns (the ring's weights within 32 MB), at least 2. */
export const slotsFor = (patterns: number): number => Math.max(2, Math.min(64, Math.floor((32 << 20) / (8 * Math.max(1, patterns)))));
/**
 * Resamples handed over and not yet collected beyond which this thread collects the next one itself,
 * once the workers are under way: the whole ring only while they set themselves up (this thread
 * draws ahead), so that at the end few are left for the workers alone.
 */
const IN_FLIGHT = 16;
/** Below this many pattern visits (resamples x patterns, about 60 ns each) a worker costs more than it saves. */
const WORTH_A_WORKER = 2_000_000;

/** Layout of the control words (Int32Array): the claim counter (word 0), then per slot its state, resample and whole flag. */
const state = (slot: number): number => 1 + slot;
const resampleOf = (slot: number, K: number): number => 1 + K + slot;
const wholeOf = (slot: number, K: number): number => 1 + 2 * K + slot;

/** Atomics.waitAsync (Node 16 and later; in TypeScript's lib from ES2024). */
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, ms?: number): { async: false; value: string } | { async: true; value: Promise<string> } }).waitAsync;

/** What a worker is given (tests/e2e/bootstrap-workers.test.ts gives a failing worker the same). */
export interface WorkerInput {
  t: PatternTable;
  /** The table's pattern terms as this thread computed them (the worker adopts them rather than computing them again). */
  terms?: PatternTerms;
  opts: SpecOptions;
  resamples: number;
  specs: number;
  slots: number;
  control: SharedArrayBuffer;
  weights: SharedArrayBuffer;
  samples: SharedArrayBuffer;
}

export interface WorkerSettings {
  /** Worker threads: undefined chooses (`workerCount`), 0 computes everything on this thread. */
  workers?: number;
  /** The worker's module (tests substitute one); default: bootstrap-worker.js beside this module. */
  workerUrl?: URL;
  /** Threads started before (e.g. while the data were read), used when workers are wanted; the caller closes them. */
  pool?: BootstrapWorkers;
  /**
   * Work for this thread while the workers set themselves up, a piece per call (false: none left),
   * called when they hold every slot, between handing slots over, and only when there are workers.
   */
  meanwhile?: () => boolean;
}

/**
 * Worker threads for bootstraps, started once and given one bootstrap after another (each waits
 * for a job, does it, and waits for the next). Unreferenced: they never keep the process alive.
 * The first failure of any of them (an error, a message saying so, an exit before `close`) fails
 * the job under way and every later one.
 */
export class BootstrapWorkers {
  private readonly threads: Worker[] = [];
  private pending: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private failure: Error | undefined;
  private closing = false;
  private readonly failedListeners: Array<(e: Error) => void> = [];
  /** Rejects at the first failure (never resolves). */
  readonly failed: Promise<never>;

  private constructor(count: number, url: URL) {
    this.failed = new Promise<never>((_, reject) => this.failedListeners.push(reject));
    this.failed.catch(() => undefined);
    for (let i = 0; i < count; i++) {
      const th = new Worker(url, { stdout: true, stderr: true });
      th.unref();
      th.on('message', (m: { done?: true; error?: string }) => {
        if (m.error !== undefined) this.fail(new Error(`a bootstrap worker thread failed: ${m.error}`));
        else this.pending[i]?.resolve();
      });
      th.on('error', (e) => this.fail(new Error(`a bootstrap worker thread failed: ${e instanceof Error ? e.message : String(e)}`)));
      th.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`a bootstrap worker thread stopped (exit code ${code}) before it finished`));
      });
      this.threads.push(th);
    }
  }

  /** `count` threads running `url` (default: bootstrap-worker.js beside this module). */
  static start(count: number, url?: URL): BootstrapWorkers {
    return new BootstrapWorkers(count, url ?? new URL(import.meta.url.endsWith('.ts') ? '../../dist/src/io/bootstrap-worker.js' : './bootstrap-worker.js', import.meta.url));
  }

  get size(): number {
    return this.threads.length;
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const reject of this.failedListeners) reject(e);
    for (const p of this.pending) p.reject(e);
  }

  /**
   * Gives every thread the job; resolves when each has finished it (each stops on a stop entry of
   * the ring). The first thread posts its flat lists of the sums on `lists` before it takes a slot.
   */
  run(job: WorkerInput, lists?: MessagePort): Promise<void> {
    if (this.failure) {
      const failed = Promise.reject(this.failure);
      failed.catch(() => undefined);
      return failed;
    }
    const done = this.threads.map(
      (_, i) =>
        new Promise<void>((resolve, reject) => {
          this.pending[i] = { resolve, reject };
        }),
    );
    this.threads.forEach((th, i) => (i === 0 && lists ? th.postMessage({ job, lists }, [lists]) : th.postMessage({ job })));
    const all = Promise.all(done).then(() => undefined);
    all.catch(() => undefined);
    return all;
  }

  /** Stops the threads. */
  close(): void {
    this.closing = true;
    for (const th of this.threads) void th.terminate();
  }
}

/**
 * QUALWAVE_WORKERS from the environment: unset or empty, undefined (qualwave chooses); else a whole
 * number of worker threads from 0 to 16 (0: none), used whatever the size of the job.
 */
export function workersFromEnv(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const v = env['QUALWAVE_WORKERS'];
  if (v === undefined || v.trim() === '') return undefined;
  if (!/^\s*\d+\s*$/.test(v) || Number(v) > 16) throw new UsageError(`QUALWAVE_WORKERS=${v}: expected a whole number of worker threads from 0 to 16`, 'QUALWAVE_WORKERS=0 computes on one thread; unset, qualwave chooses');
  return Number(v);
}

/**
 * The worker threads for a bootstrap of `visits` pattern visits: as asked, else one when the job is
 * big enough and the machine is not busy (two or more cores, and a load average over the last
 * minute below their number: on a busy machine a second thread of ours slowed the one that draws the
 * weights more than it helped). The number changes nothing but the time taken.
 */
export function workerCount(visits: number, asked: number | undefined): number {
  if (asked !== undefined) return asked;
  return visits >= WORTH_A_WORKER && secondCoreIdle() ? 1 : 0;
}

/** Two or more cores and a load average over the last minute below their number (every default worker count of qualwave's asks this). */
export function secondCoreIdle(): boolean {
  const cores = availableParallelism();
  return cores > 1 && loadavg()[0]! < cores;
}

/** Reliability data of this many bytes or more start the worker threads as they are read. */
const EARLY_BYTES = 1 << 20;

/**
 * Worker threads started before the table exists (while the data are read: their start-up then
 * costs nothing), for data of `bytes` bytes and `resamples` resamples: when big data will likely
 * want them (`workerCount` of a big job), else none. The caller closes them.
 */
export function earlyWorkers(bytes: number, resamples: number, asked: number | undefined): BootstrapWorkers | undefined {
  if (resamples <= 0 || bytes < EARLY_BYTES) return undefined;
  const n = workerCount(Number.POSITIVE_INFINITY, asked);
  return n > 0 ? BootstrapWorkers.start(n) : undefined;
}

/** `agreement` (same result to the last bit), with the bootstrap's sums collected by worker threads as well. */
export async function agreementInWorkers(data: Ratings | PatternTable, opts: AgreementOptions, settings: WorkerSettings = {}): Promise<AgreementResult> {
  const t = 'values' in data ? toPatterns(data) : data;
  const values = new ResampledValues(t, opts);
  // The point estimates a coefficient at a time while the workers set up (the same numbers whenever they are computed).
  const estimates = new PointEstimator(t, values, opts);
  const mine = settings.meanwhile;
  const meanwhile = (): boolean => (mine?.() ?? false) || estimates.step();
  const samples = await resampledInWorkers(values, opts, { ...settings, meanwhile });
  return agreementFrom(t, values, samples, opts, estimates.result());
}

/**
 * The resampled values of `values.specs` (samples[k][r], resamples 0..opts.resamples−1 of the
 * seed), collected here and by worker threads.
 */
export async function resampledInWorkers(values: ResampledValues, opts: Pick<AgreementOptions, 'resamples' | 'seed' | 'onResample'>, settings: WorkerSettings = {}): Promise<Float64Array[]> {
  const t = values.t;
  const R = opts.resamples;
  const P = t.counts.length;
  const workers = R > 0 ? workerCount(R * P, settings.workers) : 0;
  const S = values.specs.length;
  const shared = new SharedArrayBuffer(Math.max(1, S * R) * 8);
  const samples = values.specs.map((_, k) => new Float64Array(shared, k * R * 8, R));
  if (R === 0) return samples;
  const draws = new Resampler(t, opts.seed);
  if (workers === 0) {
    const w = new Float64Array(P);
    for (let r = 0; r < R; r++) {
      values.add(w, draws.next(w), samples, r);
      opts.onResample?.(r + 1, R);
    }
    return samples;
  }

  const SLOTS = slotsFor(P);
  const control = new SharedArrayBuffer((1 + 3 * SLOTS) * 4);
  const ctl = new Int32Array(control);
  const weights = new SharedArrayBuffer(SLOTS * Math.max(1, P) * 8);
  const slotWeights = Array.from({ length: SLOTS }, (_, s) => new Float64Array(weights, s * P * 8, P));
  const terms = patternTerms(t, values.prep.n, values.prep.m);
  const input: WorkerInput = { t, terms, opts: values.opts, resamples: R, specs: S, slots: SLOTS, control, weights, samples: shared };
  // The caller's threads unless there are none, or more than slots (each stops on a slot of its own).
  const own = settings.pool === undefined || settings.pool.size === 0 || settings.pool.size > SLOTS;
  const pool = own ? BootstrapWorkers.start(Math.min(workers, SLOTS), settings.workerUrl) : settings.pool!;
  const threadsWanted = pool.size;
  const channel = new MessageChannel();
  let meanwhile = settings.meanwhile;
  /** Whether this thread has the first worker's flat lists (received synchronously: this thread may be busy). */
  let adopted = false;
  const adopt = (): boolean => {
    const m = adopted ? undefined : receiveMessageOnPort(channel.port1);
    if (m) {
      values.adoptFlatLists(m.message as Map<string, unknown>);
      adopted = true;
      channel.port1.close();
    }
    return adopted;
  };
  try {
    const finished = pool.run(input, channel.port2);
    /** Waits until the slot is free or the first worker's lists are here (polled: they come as a message). */
    const slotOrLists = async (slot: number): Promise<void> => {
      for (;;) {
        const v = Atomics.load(ctl, state(slot));
        if (v === 0 || adopt()) return;
        const waited = waitAsync(ctl, state(slot), v, 1);
        if (waited.async) await Promise.race([waited.value, pool.failed]);
      }
    };
    /** Waits until the slot is free; rejects when a worker failed. */
    const free = async (slot: number): Promise<void> => {
      for (;;) {
        const v = Atomics.load(ctl, state(slot));
        if (v === 0) return;
        const waited = waitAsync(ctl, state(slot), v);
        if (waited.async) await Promise.race([waited.value, pool.failed]);
      }
    };
    const mine = new Float64Array(P);
    let handed = 0;
    const inFlight = (): number => {
      let n = 0;
      for (let s = 0; s < SLOTS; s++) if (Atomics.load(ctl, state(s)) !== 0) n++;
      return n;
    };
    for (let r = 0; r < R; ) {
      const slot = handed % SLOTS;
      const taken = Atomics.load(ctl, state(slot)) !== 0;
      if (taken && !adopted) {
        // The workers hold every slot: this thread's other work, a piece at a time until a slot is free or
        // the lists are here, then (if neither) wait for one of them.
        while (meanwhile && Atomics.load(ctl, state(slot)) !== 0 && !adopt()) if (!meanwhile()) meanwhile = undefined;
        await slotOrLists(slot);
        continue;
      }
      if (taken || (adopted && inFlight() >= IN_FLIGHT)) {
        // The workers are behind: a piece of the other work if some is left, else this resample is collected here.
        if (meanwhile) {
          if (!meanwhile()) meanwhile = undefined;
          continue;
        }
        values.add(mine, draws.next(mine), samples, r);
      } else {
        ctl[wholeOf(slot, SLOTS)] = draws.next(slotWeights[slot]!) ? 1 : 0;
        ctl[resampleOf(slot, SLOTS)] = r;
        Atomics.store(ctl, state(slot), ++handed);
        Atomics.notify(ctl, state(slot));
      }
      r++;
      opts.onResample?.(r, R);
    }
    while (meanwhile?.());
    for (let i = 0; i < threadsWanted; i++) {
      const slot = handed % SLOTS;
      await free(slot);
      ctl[resampleOf(slot, SLOTS)] = -1;
      Atomics.store(ctl, state(slot), ++handed);
      Atomics.notify(ctl, state(slot));
    }
    await finished;
    // Every worker wrote its values before freeing its last slot: reading the states orders those writes before ours.
    for (let s = 0; s < SLOTS; s++) Atomics.load(ctl, state(s));
  } catch (e) {
    pool.close();
    throw e;
  } finally {
    channel.port1.close();
  }
  if (own) pool.close();
  return samples;
}
