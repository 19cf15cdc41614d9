import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withHashes } from '../../src/core/coding/edit.js';
import { lineIndexOf } from '../../src/core/coding/span.js';
import { spanHash } from '../../src/core/coding/text.js';
import type { Coding } from '../../src/core/coding/types.js';
import type { Study } from '../../src/core/study/types.js';
import { fixtureStudies, randomCodings, scenario } from '../helpers/random-codings.js';

/** withHashes as it was: each coding hashed in its place, every transcript's line index kept (the oracle). */
function withHashesBefore(study: Pick<Study, 'documents'>, codings: readonly Coding[]): Coding[] {
  const docs = new Map(study.documents.map((d) => [d.id, d]));
  return codings.map((c) => {
    const doc = docs.get(`${c.participant}/${c.wave}`);
    if (!doc) return c;
    const hash = spanHash(lineIndexOf(doc), c);
    const { source: _source, hash: _old, ...rest } = c;
    return hash === undefined ? rest : { ...rest, hash };
  });
}

describe('withHashes, a transcript at a time', () => {
  it('gives what hashing each coding in its place gives, in the same order (property: shuffled codings, unknown documents, exact spans)', async () => {
    const studies = await fixtureStudies();
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (sc, seed) => {
        const s = randomCodings(studies, sc);
        // Interleaved transcripts: the codings shuffled, and one of a transcript the study does not have.
        const list = [...s.codings];
        for (let i = list.length - 1, x = seed; i > 0; i--) {
          x = (x * 1103515245 + 12345) % 2 ** 31;
          const j = x % (i + 1);
          [list[i], list[j]] = [list[j]!, list[i]!];
        }
        if (list[0]) list.push({ ...list[0], participant: 'NOBODY' });
        const got = withHashes(s, list);
        const want = withHashesBefore(s, list);
        expect(got).toEqual(want);
        // The same keys in the same order (a command prints these objects as JSON).
        expect(JSON.stringify(got)).toBe(JSON.stringify(want));
      }),
      { numRuns: 60 },
    );
  });
});
