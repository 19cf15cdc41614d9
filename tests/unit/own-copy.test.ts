import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ownCopy } from '../../src/core/text/intern.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap in use after a full collection. */
function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('ownCopy', () => {
  it('gives the same string, unit for unit (lone surrogates, emoji, empty)', () => {
    for (const s of ['', 'a', ' ', 'a\u0000b', '\ud800', 'x\udc00y', 'é👩‍👩‍👧', 'Interviewer: so, um — 🙂\r\n']) expect(ownCopy(s)).toBe(s);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.nat(50), (s, k) => {
        const part = s.slice(Math.min(k, s.length));
        expect(ownCopy(part)).toBe(part);
      }),
      { numRuns: 200 },
    );
  });

  // 40 parents of 1 MB (one-byte, two-byte, made by concatenation) each kept through a copy of a
  // slice of it, in a loop long enough for the copy to run optimised: were a parent kept alive, the
  // heap would grow by 40 MB (80 MB for two-byte text); the copies themselves are 40 x 300 units.
  for (const kind of ['one-byte', 'two-byte', 'concatenated'] as const) {
    it(`keeps nothing of the text it was sliced from (${kind})`, () => {
      const kept: string[] = [];
      const before = heapAfterGc();
      for (let i = 0; i < 40; i++) {
        const unit = kind === 'two-byte' ? `é${i % 10}` : `x${i % 10}`;
        let parent = unit.repeat(500_000);
        if (kind === 'concatenated') parent = `${parent.slice(0, 400_000)}${String(i)}${parent.slice(400_000)}`;
        // Flat, as a text read from a file is.
        parent = parent.split('\n').join('\n');
        for (let k = 0; k < 2_000; k++) {
          const copy = ownCopy(parent.slice(1_000 + k, 1_300 + k));
          if (k === 1_999) kept.push(copy);
        }
      }
      const grown = heapAfterGc() - before;
      expect(kept).toHaveLength(40);
      expect(kept[7]).toHaveLength(300);
      expect(grown).toBeLessThan(8_000_000);
    });
  }
});
