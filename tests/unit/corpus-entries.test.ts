import { describe, expect, it } from 'vitest';
import { buildCorpus, countOf, inverseFrequencies, onePlusLogOfCounts, ROLE_NUMBER, tfidf, trainingScales } from '../../src/core/learn/features.js';
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
      expect(c.count).toBeInstanceOf(Uint8Array);
      expect(c.term.length).toBe(7 * c.rowDoc.length);
      for (let k = 0; k < c.term.length; k++) {
        expect(c.term[k]).toBe(k);
        expect(countOf(c, k)).toBe(k % 7 === 0 ? 2 : 1);
      }
      expect(Array.from(c.ptr.subarray(0, 3))).toEqual([0, 7, 14]);
    }
    expect(large.terms[65536]).toBe(word(65536));
  });

  it('keeps counts in 8 bits, a count of 255 or more beside them: countOf gives every count (254, 255, 256, 1,000, 70,000 clamped to 65,535)', () => {
    // Row 0: "a" 254 times, "b" once; row 1: "a" 255 times; row 2: "a" 256 times, "b" 1,000 times; row 3: "c" 70,000 times.
    const rep = (w: string, n: number) => Array.from({ length: n }, () => w).join(' ');
    const texts = [`${rep('a', 254)} b`, rep('a', 255), `${rep('a', 256)} ${rep('b', 1000)}`, rep('c', 70000)];
    const c = buildCorpus([documentOf(texts)], (w) => w, new Set([ROLE_NUMBER.participant]));
    expect(c.terms).toEqual(['a', 'b', 'c']);
    expect(c.count).toBeInstanceOf(Uint8Array);
    expect(Array.from(c.term)).toEqual([0, 1, 0, 0, 1, 2]);
    expect(Array.from(c.term, (_, k) => countOf(c, k))).toEqual([254, 1, 255, 256, 1000, 65535]);
    expect(Array.from(c.count)).toEqual([254, 1, 255, 255, 255, 255]);
    // The values of row 2 made from the true counts by hand: idf = ln((1 + 4) / (1 + df)) + 1 over the four
    // rows ("a" in 3, "b" in 2); x = (1 + ln count) · idf, scaled to length 1.
    const rows = Int32Array.from([0, 1, 2, 3]);
    const idf = inverseFrequencies(c, rows);
    const xa = (1 + Math.log(256)) * (Math.log(5 / 4) + 1);
    const xb = (1 + Math.log(1000)) * (Math.log(5 / 3) + 1);
    const norm = Math.sqrt(xa * xa + xb * xb);
    const idx = new Int32Array(2);
    const val = new Float64Array(2);
    expect(tfidf(c, idf, 2, idx, val)).toBe(2);
    expect(val[0]).toBeCloseTo(xa / norm, 12);
    expect(val[1]).toBeCloseTo(xb / norm, 12);
    const scale = trainingScales(c, idf, rows);
    const lg = onePlusLogOfCounts();
    expect(lg[256]! * idf[0]! * scale[2]!).toBeCloseTo(xa / norm, 12);
    expect(scale[3]).toBeCloseTo(1 / ((1 + Math.log(65535)) * (Math.log(5 / 2) + 1)), 12);
  });
});
