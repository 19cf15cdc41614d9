import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { cooccurrence as apiCooccurrence } from '../../src/api/analyses.js';
import { codedStudy } from '../../src/core/matrix/coded.js';
import { cooccurrence, jaccardOf } from '../../src/core/matrix/cooccurrence.js';
import type { Study } from '../../src/core/study/types.js';
import { fixtureStudies, randomCodings, scenario } from '../helpers/random-codings.js';

/**
 * cooccurrence's Jaccard indices made when first read (a table of counts never reads them): the
 * result is the same to JSON, Object.keys and every value as when they were made at once.
 */
describe('cooccurrence: the Jaccard indices made when first read', () => {
  let studies: Study[];
  beforeAll(async () => {
    studies = await fixtureStudies();
  });

  it('the same fields in the same order (JSON) and values as made at once; read twice the same; assignable', () => {
    fc.assert(
      fc.property(scenario, fc.constantFrom<'theme' | 'code'>('theme', 'code'), fc.constantFrom<'segment' | 'document'>('segment', 'document'), (sc, rows, unit) => {
        const study = randomCodings(studies, sc);
        const r = cooccurrence(codedStudy(study, 'y'), { rows, unit });
        // Not made yet (a getter), then a plain field once read.
        expect(typeof Object.getOwnPropertyDescriptor(r, 'jaccard')?.get).toBe('function');
        const eager = { codes: r.codes, unit: r.unit, counts: r.counts, jaccard: jaccardOf(r.counts) };
        expect(JSON.stringify(r)).toBe(JSON.stringify(eager));
        expect(Object.keys(r)).toEqual(['codes', 'unit', 'counts', 'jaccard']);
        // Both / either, by hand from the counts (the diagonal: coded at all).
        const n = r.counts.length;
        for (let a = 0; a < n; a++)
          for (let b = 0; b < n; b++) {
            const either = r.counts[a]![a]! + r.counts[b]![b]! - r.counts[a]![b]!;
            expect(r.jaccard[a]![b]).toBe(either > 0 ? r.counts[a]![b]! / either : null);
          }
        expect(r.jaccard).toBe(r.jaccard);
        expect(Object.getOwnPropertyDescriptor(r, 'jaccard')).toMatchObject({ writable: true, enumerable: true });
        const mine = [[1]];
        r.jaccard = mine;
        expect(r.jaccard).toBe(mine);
        // The API's result: the coder first, then the same fields in the same order.
        const api = apiCooccurrence(study, { coder: 'y', rows, unit });
        expect(typeof Object.getOwnPropertyDescriptor(api, 'jaccard')?.get).toBe('function');
        expect(Object.keys(api)).toEqual(['coder', 'codes', 'unit', 'counts', 'jaccard']);
        expect(JSON.stringify(api)).toBe(JSON.stringify({ coder: 'y', ...eager }));
        const { coder: _c, ...rest } = api;
        expect(rest.jaccard).toEqual(eager.jaccard);
      }),
      { numRuns: 100 },
    );
  });
});
