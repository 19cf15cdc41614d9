import fc from 'fast-check';
import type { Code } from '../../src/core/codebook/types.js';
import type { Corpus } from '../../src/core/learn/features.js';
import { DEFAULT_SETTINGS } from '../../src/core/learn/model.js';

/**
 * Random learner corpora for the model's property tests: rows of a few terms (counts 1-3) with
 * roles and noise; codes whose positives follow a term (with noise); a cap on sampled negatives.
 */
export const corpusFields = {
  rows: fc.array(fc.record({ terms: fc.uniqueArray(fc.integer({ min: 0, max: 24 }), { minLength: 0, maxLength: 7 }), counts: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 7, maxLength: 7 }), role: fc.constantFrom(1, 1, 1, 0, 2), noise: fc.integer({ min: 0, max: 99 }) }), { minLength: 40, maxLength: 240 }),
  codes: fc.array(fc.record({ term: fc.integer({ min: 0, max: 24 }), any: fc.boolean(), noise: fc.integer({ min: 0, max: 40 }) }), { minLength: 1, maxLength: 7 }),
  maxNegatives: fc.constantFrom(5, 30, 2000),
};

export const corpusArb = fc.record(corpusFields);
export type GeneratedCorpus = typeof corpusArb extends fc.Arbitrary<infer G> ? G : never;

/** The corpus (one document, rows sorted by term), codes, each code's positive rows and the settings of a generated corpus. */
export function corpusProblem(g: GeneratedCorpus) {
  const ptr = [0];
  const term: number[] = [];
  const count: number[] = [];
  for (const r of g.rows) {
    const ts = [...r.terms].sort((a, b) => a - b);
    ts.forEach((t, i) => {
      term.push(t);
      count.push(r.counts[i]!);
    });
    ptr.push(term.length);
  }
  const n = g.rows.length;
  const corpus: Corpus = {
    docs: [],
    rowDoc: new Int32Array(n),
    rowSeg: Int32Array.from(g.rows, (_, i) => i),
    rowRole: Uint8Array.from(g.rows, (r) => r.role),
    docStart: Int32Array.from([0, n]),
    ptr: Int32Array.from(ptr),
    term: Int32Array.from(term),
    count: Uint16Array.from(count),
    terms: Array.from({ length: 25 }, (_, t) => `t${t}`),
  };
  const codes = g.codes.map((c, i) => ({ id: `c${i}`, speakers: c.any ? 'any' : 'participant' }) as unknown as Code);
  const positives = g.codes.map((c) => Int32Array.from(g.rows.flatMap((r, i) => ((r.terms.includes(c.term) ? r.noise >= c.noise : r.noise < c.noise / 4) ? [i] : []))));
  const settings = { ...DEFAULT_SETTINGS, minExamples: 3, features: 8, maxNegatives: g.maxNegatives };
  return { corpus, codes, positives, settings };
}
