import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inverseFrequencies, onePlusLogOfCounts, trainingColumns, trainingScales, type Corpus } from '../../src/core/learn/features.js';
import { trainingValues } from '../helpers/training-values.js';

/** A corpus of rows with distinct ascending terms and their counts (what buildCorpus makes); only what the values need. */
function corpusOf(rows: ReadonlyArray<ReadonlyArray<readonly [number, number]>>, terms: number): Corpus {
  const ptr = new Int32Array(rows.length + 1);
  const term: number[] = [];
  const count: number[] = [];
  rows.forEach((row, r) => {
    const seen = new Map<number, number>();
    for (const [t, c] of row) seen.set(t, c);
    for (const t of [...seen.keys()].sort((a, b) => a - b)) {
      term.push(t);
      count.push(seen.get(t)!);
    }
    ptr[r + 1] = term.length;
  });
  const n = rows.length;
  return { docs: [], rowDoc: new Int32Array(n), rowSeg: new Int32Array(n), rowRole: new Uint8Array(n), docStart: new Int32Array(1), ptr, term: Int32Array.from(term), count: Uint16Array.from(count), terms: Array.from({ length: terms }, (_, i) => `t${i}`) };
}

describe('trainingScales', () => {
  it('gives, row by row, the 32-bit values trainingValues kept (property: counts up to 65,535, empty rows, a part of the rows trained on)', () => {
    const entry = fc.tuple(fc.integer({ min: 0, max: 39 }), fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 65535 })));
    fc.assert(
      fc.property(fc.array(fc.array(entry, { maxLength: 12 }), { minLength: 1, maxLength: 60 }), fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }), (rows, trained) => {
        const corpus = corpusOf(rows, 40);
        const train = Int32Array.from(rows.map((_, r) => r).filter((r) => trained[r]));
        const idf = inverseFrequencies(corpus, train);
        const want = trainingValues(corpus, idf, train);
        const scale = trainingScales(corpus, idf, train);
        const lg = onePlusLogOfCounts();
        train.forEach((r, i) => {
          for (let k = corpus.ptr[r]!; k < corpus.ptr[r + 1]!; k++) expect(Object.is(Math.fround(lg[corpus.count[k]!]! * idf[corpus.term[k]!]! * scale[i]!), want[k]!)).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('scales a row to length 1 (hand computation: counts 1 and e^2-ish of two terms in one row of two)', () => {
    // Two rows: row 0 holds terms 0 (count 1) and 1 (count 3); row 1 holds term 0 (count 1).
    // idf = ln((1 + 2) / (1 + df)) + 1: term 0 (df 2) 1, term 1 (df 1) ln(1.5) + 1.
    const corpus = corpusOf(
      [
        [
          [0, 1],
          [1, 3],
        ],
        [[0, 1]],
      ],
      2,
    );
    const train = Int32Array.from([0, 1]);
    const idf = inverseFrequencies(corpus, train);
    expect(idf[1]).toBeCloseTo(Math.log(1.5) + 1, 15);
    const x0 = 1;
    const x1 = (1 + Math.log(3)) * (Math.log(1.5) + 1);
    const scale = trainingScales(corpus, idf, train);
    expect(scale[0]).toBeCloseTo(1 / Math.hypot(x0, x1), 15);
    expect(scale[1]).toBe(1);
  });

  it('refuses inverse frequencies that do not know a training row term', () => {
    const corpus = corpusOf([[[0, 1]], [[1, 2]]], 2);
    const idf = inverseFrequencies(corpus, Int32Array.from([0]));
    expect(() => trainingScales(corpus, idf, Int32Array.from([0, 1]))).toThrow(/not from the training rows/);
  });
});

describe('trainingColumns with only some terms', () => {
  it('gives those terms the rows the full columns give them, and the others none (property)', () => {
    const entry = fc.tuple(fc.integer({ min: 0, max: 19 }), fc.integer({ min: 1, max: 3 }));
    fc.assert(
      fc.property(fc.array(fc.array(entry, { maxLength: 8 }), { minLength: 1, maxLength: 40 }), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }), (rows, trained, chosen) => {
        const corpus = corpusOf(rows, 20);
        const train = Int32Array.from(rows.map((_, r) => r).filter((r) => trained[r]));
        const only = Uint8Array.from(chosen, (b) => (b ? 1 : 0));
        const full = trainingColumns(corpus, train);
        const part = trainingColumns(corpus, train, only);
        for (let t = 0; t < 20; t++) {
          const want = only[t] ? Array.from(full.idx.subarray(full.ptr[t]!, full.ptr[t + 1]!)) : [];
          expect(Array.from(part.idx.subarray(part.ptr[t]!, part.ptr[t + 1]!))).toEqual(want);
        }
        expect(part.idx.length).toBe(part.ptr[20]);
      }),
      { numRuns: 200 },
    );
  });
});
