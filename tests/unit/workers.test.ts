import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgreementJob, StudyAgreementOptions } from '../../src/core/agreement/study.js';
import { UsageError } from '../../src/core/errors.js';
import type { Study } from '../../src/core/study/types.js';
import { poolWorkers } from '../../src/io/workers.js';
import { repo } from '../helpers/cli.js';

/**
 * The worker pool (src/io/workers.ts): how many workers, and the same results with any number of
 * them. The pool runs the compiled worker (dist/, built by npm test), so these import dist/.
 */
describe('poolWorkers: QUALWAVE_WORKERS', () => {
  it('a whole number from 0 to 16 is taken as given (0: none); unset or empty: one when a second core is idle, else none', () => {
    expect(poolWorkers({ QUALWAVE_WORKERS: '0' })).toBe(0);
    expect(poolWorkers({ QUALWAVE_WORKERS: '3' })).toBe(3);
    expect(poolWorkers({ QUALWAVE_WORKERS: ' 2 ' })).toBe(2);
    expect(poolWorkers({ QUALWAVE_WORKERS: '16' })).toBe(16);
    const auto = poolWorkers({});
    expect(poolWorkers({ QUALWAVE_WORKERS: '' })).toBe(auto);
    expect([0, 1]).toContain(auto);
  });

  it('anything else is refused, naming the variable (never silently ignored)', () => {
    for (const bad of ['x', '-1', '1.5', 'two', '17']) expect(() => poolWorkers({ QUALWAVE_WORKERS: bad })).toThrow(UsageError);
    expect(() => poolWorkers({ QUALWAVE_WORKERS: 'x' })).toThrow('QUALWAVE_WORKERS=x: expected a whole number of worker threads from 0 to 16');
  });
});

describe('mapOnWorkers: the agreement rows of a study, with 0, 1, 2 and 5 workers', () => {
  it('the same results, to the bit, in the jobs order, as studyAgreement on this thread', async () => {
    const dist = (m: string) => new URL(`../../dist/src/${m}`, import.meta.url).href;
    const { loadStudy } = (await import(dist('io/load-study.js'))) as typeof import('../../src/io/load-study.js');
    const { studyAgreement, studyAgreementJobs } = (await import(dist('core/agreement/study.js'))) as typeof import('../../src/core/agreement/study.js');
    const { mapOnWorkers } = (await import(dist('io/workers.js'))) as typeof import('../../src/io/workers.js');
    const study: Study = (await loadStudy(join(repo, 'fixtures/buddy-study'))).study!;
    const opts: StudyAgreementOptions = { coders: ['alice', 'ben'], unit: 'segment', level: 'code', resamples: 200, seed: 7, masi: true };
    const expected = studyAgreement(study, opts).rows.map((r) => r.result);
    const jobs: AgreementJob[] = studyAgreementJobs(study, opts).rows.map((r) => r.job);
    expect(jobs.length).toBeGreaterThan(3);
    for (const n of [0, 1, 2, 5]) {
      const got = await mapOnWorkers('agreement', jobs, n);
      // toStrictEqual: the same fields (undefined ones too) and numbers (-0, NaN) as computed here.
      expect(got).toStrictEqual(expected);
    }
  });
});
