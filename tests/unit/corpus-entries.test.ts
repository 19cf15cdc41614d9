import { describe, expect, it } from 'vitest';
import { buildCorpus, ROLE_NUMBER } from '../../src/core/learn/features.js';
import type { Document } from '../../src/core/study/types.js';

/** A document of participant segments with these texts (only what buildCorpus reads of a segment list). */
function documentOf(texts: readonly string[]): Document {
  const segmentList = { length: texts.length, holdsText: true, role: () => 'participant', text: (i: number) => texts[i]!, releaseText: () => {} };
  return { id: 'P1/w1', participant: 'P1', wave: 'w1', segmentList } as unknown as Document;
}

/** The i-th of many distinct words (letters only: a..z in base 26, after "zq"). */
function word(i: number): string {
  let s = '';
  for (let k = 0; k < 4; k++, i = Math.floor(i / 26)) s = String.fromCharCode(97 + (i % 26)) + s;
  return `zq${s}`;
}

describe('buildCorpus entries', () => {
  it('keeps term numbers in 16 bits while they fit, then in 32, with the same numbers and counts (70,000 distinct words)', () => {
    // Segment s holds words 7s .. 7s + 6, and word 7s twice: every term is new where it first appears, so
    // term numbers are word numbers; each row's first term counted 2, the others 1.
    const texts = Array.from({ length: 10000 }, (_, s) => [7 * s, 7 * s, 7 * s + 1, 7 * s + 2, 7 * s + 3, 7 * s + 4, 7 * s + 5, 7 * s + 6].map(word).join(' '));
    const small = buildCorpus([documentOf(texts.slice(0, 9000))], (w) => w, new Set([ROLE_NUMBER.participant]));
    const large = buildCorpus([documentOf(texts)], (w) => w, new Set([ROLE_NUMBER.participant]));
    expect(small.terms.length).toBe(63000);
    expect(small.term).toBeInstanceOf(Uint16Array);
    expect(large.terms.length).toBe(70000);
    expect(large.term).toBeInstanceOf(Int32Array);
    for (const c of [small, large]) {
      expect(c.count).toBeInstanceOf(Uint16Array);
      expect(c.term.length).toBe(7 * c.rowDoc.length);
      for (let k = 0; k < c.term.length; k++) {
        expect(c.term[k]).toBe(k);
        expect(c.count[k]).toBe(k % 7 === 0 ? 2 : 1);
      }
      expect(Array.from(c.ptr.subarray(0, 3))).toEqual([0, 7, 14]);
    }
    expect(large.terms[65536]).toBe(word(65536));
  });
});
