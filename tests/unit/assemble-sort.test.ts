import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortByWaveAndParticipant } from '../../src/core/study/assemble.js';
import { naturalCompare } from '../../src/core/text/sort.js';

/**
 * The study's documents in wave order, then natural participant order: sorted through each
 * participant's place among the participants sorted once (src/core/study/assemble.ts), in exactly
 * the order the pairwise comparison gave (the comparator as it was, kept here).
 */
const before = (docs: Array<{ wave: string; participant: string }>, waveIndex: ReadonlyMap<string, number>) => [...docs].sort((a, b) => waveIndex.get(a.wave)! - waveIndex.get(b.wave)! || naturalCompare(a.participant, b.participant));

// Names made of runs of digits (leading zeros, up to 20 long: past what Number() keeps exact) and of other text;
// and names whose 17-digit numbers are equal to Number() (on which the pairwise comparison is not transitive).
const digits = fc.integer({ min: 1, max: 20 }).chain((n) => fc.array(fc.constantFrom('0', '1', '2', '9'), { minLength: n, maxLength: n }).map((d) => d.join('')));
const other = fc.constantFrom('P', 'p', 'MS', '-', '_', 'é', 'Z', ' ', '.', 'a b', '😀');
const name = fc.array(fc.oneof(digits, other), { minLength: 1, maxLength: 4 }).map((p) => p.join(''));

describe('documents sorted by wave and participant', () => {
  it('in the order the comparison of each pair gave (any names, equal names at several waves, identity kept)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ wave: fc.constantFrom('pre', 'mid', 'post'), participant: fc.oneof(name, fc.constantFrom('P1', 'P01', 'P10', 'P2'), fc.constantFrom('P10000000000000000a', 'P10000000000000001b', 'P10000000000000000c', 'P10000000000000001')), k: fc.nat() }), { maxLength: 40 }), (docs) => {
        const waveIndex = new Map([
          ['pre', 0],
          ['mid', 1],
          ['post', 2],
        ]);
        const sorted = [...docs];
        sortByWaveAndParticipant(sorted, waveIndex);
        // The same objects in the same places (a stable sort: documents that compare equal keep their order).
        const want = before(docs, waveIndex);
        expect(sorted.length).toBe(want.length);
        sorted.forEach((d, i) => expect(d).toBe(want[i]));
      }),
      { numRuns: 2000 },
    );
  });
});
