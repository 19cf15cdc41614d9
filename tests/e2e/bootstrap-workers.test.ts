import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// The built modules (npm test builds first): a worker thread runs compiled JavaScript.
import { reportError } from '../../dist/src/cli/report-error.js';
import { bootstrap } from '../../dist/src/core/agreement/bootstrap.js';
import { agreement, ResampledValues, type AgreementOptions } from '../../dist/src/core/agreement/report.js';
import { MISSING, toPatterns, toPatternsMany, type PatternTable, type Ratings } from '../../dist/src/core/agreement/table.js';
import { UsageError } from '../../dist/src/core/errors.js';
import { agreementInWorkers, BootstrapWorkers, resampledInWorkers, slotsFor, workerCount, workersFromEnv } from '../../dist/src/io/bootstrap-workers.js';
import { spawnQualwave } from '../helpers/cli.js';

/** Units x coders with values 0..q-1 and MISSING, from a seed (a small linear congruential generator). */
function ratings(units: number, coders: number, q: number, seed: number, missing = 0.1): Ratings {
  let s = seed >>> 0 || 1;
  const next = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const values = new Int32Array(units * coders);
  for (let u = 0; u < units; u++) {
    const truth = Math.floor(next() * q);
    for (let c = 0; c < coders; c++) values[u * coders + c] = next() < missing ? MISSING : next() < 0.7 ? truth : Math.floor(next() * q);
  }
  return { coders, units, values, categories: Array.from({ length: q }, (_, k) => String(k + 1)), numeric: Float64Array.from({ length: q }, (_, k) => k + 1), ordered: true };
}

/** The result as text: JSON turns NaN into null, so compare the numbers exactly through their bits too. */
function bits(r: unknown): string {
  return JSON.stringify(r, (_, v: unknown) => (typeof v === 'number' ? `${v}|${Buffer.from(new Float64Array([v]).buffer).toString('hex')}` : v));
}

const cases: Array<[string, PatternTable, AgreementOptions]> = [
  ['4 coders, nominal', toPatterns(ratings(3000, 4, 6, 7)), { level: 'nominal', resamples: 300, seed: 1 }],
  ['2 coders, ordinal, quadratic weights, percentile', toPatterns(ratings(800, 2, 5, 11)), { level: 'ordinal', weights: 'quadratic', resamples: 200, seed: 9, interval: 'percentile' }],
  ['3 coders, interval, chance from every rated unit', toPatterns(ratings(500, 3, 4, 3, 0.3)), { level: 'interval', units: 'rated', resamples: 150, seed: 5 }],
  // Clustered units (each unit of every data set drawn together): fractional weights, the other path of the bootstrap.
  ['pooled data sets (clusters)', toPatternsMany([ratings(400, 3, 2, 21), ratings(400, 3, 2, 22)]), { level: 'nominal', resamples: 120, seed: 4 }],
];

describe('the bootstrap with worker threads (io/bootstrap-workers.ts)', () => {
  it.each(cases)('%s: the same numbers to the last bit with 0, 1 and 2 workers as agreement() on one thread', async (_, t, opts) => {
    const expected = bits(agreement(t, opts));
    for (const workers of [0, 1, 2]) expect(bits(await agreementInWorkers(t, opts, { workers }))).toBe(expected);
  });

  it.each(cases)('%s: every resample of every coefficient the same double as the straightforward bootstrap (1 and 3 workers)', async (_, t, opts) => {
    // The straightforward version: each resample's weights from bootstrap(), each value from the sums of that resample alone.
    const expected: number[][] = [];
    bootstrap(t, opts, (w) => {
      const alone = new ResampledValues(t, opts);
      const out = alone.specs.map(() => new Float64Array(1));
      alone.add(w, false, out, 0);
      expected.push(out.map((x) => x[0]!));
    });
    for (const workers of [1, 3]) {
      const samples = await resampledInWorkers(new ResampledValues(t, opts), opts, { workers });
      const got = expected.map((_, r) => samples.map((s) => s[r]!));
      expect(bits(got)).toBe(bits(expected));
    }
  });

  it.each(cases)('%s: a slow worker (this thread collects most resamples, with the flat lists the worker sent): the numbers of agreement()', async (_, t, opts) => {
    const workerUrl = new URL('../helpers/workers/slow.mjs', import.meta.url);
    expect(bits(await agreementInWorkers(t, opts, { workers: 1, workerUrl }))).toBe(bits(agreement(t, opts)));
  });

  it('threads started once serve one bootstrap after another (different tables and options), with the numbers of agreement()', async () => {
    const pool = BootstrapWorkers.start(2);
    try {
      for (const [, t, opts] of [...cases, ...cases.slice(0, 2)]) expect(bits(await agreementInWorkers(t, opts, { workers: 2, pool }))).toBe(bits(agreement(t, opts)));
    } finally {
      pool.close();
    }
  });

  it('random tables: identical results with and without a worker (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 2, max: 120 }), fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 80 }), async (coders, units, q, seed, resamples) => {
        const t = toPatterns(ratings(units, coders, q, seed, 0.2));
        const opts: AgreementOptions = { level: 'nominal', resamples, seed };
        expect(bits(await agreementInWorkers(t, opts, { workers: 1 }))).toBe(bits(agreement(t, opts)));
      }),
      { numRuns: 12 },
    );
  });

  it('reports progress once per resample, in order, with a worker too', async () => {
    const t = toPatterns(ratings(300, 3, 3, 2));
    const seen: number[] = [];
    await agreementInWorkers(t, { level: 'nominal', resamples: 50, seed: 1, onResample: (done, of) => seen.push(done * 1000 + of) }, { workers: 1 });
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => (i + 1) * 1000 + 50));
  });

  it.each([
    ['throws as it loads', 'throws.mjs', /a bootstrap worker thread failed: broken on purpose/],
    ['reports an error', 'reports.mjs', /a bootstrap worker thread failed: broken on purpose/],
    ['dies holding a resample', 'dies.mjs', /a bootstrap worker thread stopped \(exit code 3\) before it finished/],
  ])('a worker that %s makes the call fail (an internal error, exit 70), never a result', async (_, file, message) => {
    const t = toPatterns(ratings(2000, 4, 5, 3));
    const workerUrl = new URL(`../helpers/workers/${file}`, import.meta.url);
    const e = await agreementInWorkers(t, { level: 'nominal', resamples: 200, seed: 1 }, { workers: 1, workerUrl }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toMatch(message);
    let stderr = '';
    const io = { stdout: { write: () => true, isTTY: false }, stderr: { write: (c: string) => ((stderr += c), true), isTTY: false }, env: {} };
    expect(reportError(e, io as never, false)).toBe(70);
    expect(stderr).toMatch(message);
    // Threads started before: the job fails, and so does every later one.
    const pool = BootstrapWorkers.start(1, workerUrl);
    try {
      for (let i = 0; i < 2; i++) await expect(agreementInWorkers(t, { level: 'nominal', resamples: 200, seed: 1 }, { workers: 1, pool })).rejects.toThrow(message);
    } finally {
      pool.close();
    }
  });

  it('QUALWAVE_WORKERS: unset or empty lets qualwave choose; a whole number 0..16 is used; anything else is refused', () => {
    expect(workersFromEnv({})).toBeUndefined();
    expect(workersFromEnv({ QUALWAVE_WORKERS: ' ' })).toBeUndefined();
    expect(workersFromEnv({ QUALWAVE_WORKERS: '0' })).toBe(0);
    expect(workersFromEnv({ QUALWAVE_WORKERS: '2' })).toBe(2);
    for (const bad of ['-1', '1.5', 'two', '17']) expect(() => workersFromEnv({ QUALWAVE_WORKERS: bad })).toThrow(UsageError);
    // Asked for: used whatever the job. Not asked: none for a small job (a worker costs more than it saves).
    expect(workerCount(10, 2)).toBe(2);
    expect(workerCount(10, undefined)).toBe(0);
    // The ring of weight vectors: 64 slots, fewer (at least 2) when 64 of them would pass 32 MB.
    expect([slotsFor(14_040), slotsFor(65_536), slotsFor(262_144), slotsFor(300_000), slotsFor(10_000_000)]).toEqual([64, 64, 16, 13, 2]);
  });

  it('agree --matrix through the binary (the bundle and its worker file, started early for a big file): the same bytes with QUALWAVE_WORKERS=0, 1 and 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qw-workers-'));
    // Over 1 MB: the worker threads start while the file is read (earlyWorkers).
    const r = ratings(130_000, 4, 10, 17, 0.05);
    const lines = ['a,b,c,d'];
    for (let u = 0; u < r.units; u++) lines.push(Array.from({ length: 4 }, (_, c) => (r.values[u * 4 + c]! < 0 ? '' : String(r.values[u * 4 + c]! + 1))).join(','));
    writeFileSync(join(dir, 'm.csv'), lines.join('\r\n') + '\r\n');
    expect(statSync(join(dir, 'm.csv')).size).toBeGreaterThan(1 << 20);
    const runs = ['0', '1', '2'].map((w) => spawnQualwave(['agree', '--matrix', 'm.csv', '--format', 'json', '--resamples', '200'], { cwd: dir, env: { QUALWAVE_WORKERS: w } }));
    for (const x of runs) expect(x.code).toBe(0);
    expect(runs[1]!.stdout).toBe(runs[0]!.stdout);
    expect(runs[2]!.stdout).toBe(runs[0]!.stdout);
    expect(runs[1]!.stderr).toBe(runs[0]!.stderr);
    const bad = spawnQualwave(['agree', '--matrix', 'm.csv', '--resamples', '10'], { cwd: dir, env: { QUALWAVE_WORKERS: 'many' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('QUALWAVE_WORKERS=many: expected a whole number of worker threads');
  });
});
