import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Code } from '../../src/core/codebook/types.js';
import { allows, inverseFrequencies, type Corpus } from '../../src/core/learn/features.js';
import { bestCutOf, fitAll, scoreRows, trainModels, type CodeModel, type LearnSettings, type Models, type Positives } from '../../src/core/learn/model.js';
import { corpusArb, corpusProblem } from '../helpers/learn-corpus.js';

// The decision thresholds of trainModels (inner cross-validation, model.ts innerCuts) against
// their definition, written out the plain way: the training participants dealt into innerFolds
// groups in turn, each group's rows scored by models fitted on the other groups' rows (fresh
// arrays for every fit, every score kept in a plain list, a row without a model's score at
// -Infinity), and each code's cut bestCutOf of all its held-out scores. innerCuts stores the
// scores in one array (positives up, negatives down), counts the negatives at their model's bias
// instead of storing them, and scores the codes a group at a time: none of that may change a bit.

/** By term, the models weighing it (what scoreRows reads), from the models' terms and weights. */
function modelsOf(codes: readonly Code[], idf: Float64Array, perCode: CodeModel[], terms: number): Models {
  const byTerm: Array<Array<[number, number]>> = Array.from({ length: terms }, () => []);
  for (const m of perCode) if (m.fit) m.fit.terms.forEach((t, j) => byTerm[t]!.push([m.code, m.fit!.weights[j]!]));
  const termPtr = new Int32Array(terms + 1);
  byTerm.forEach((list, t) => (termPtr[t + 1] = termPtr[t]! + list.length));
  const flat = byTerm.flat();
  return { codes, idf, perCode, termPtr, termCode: Int32Array.from(flat, (e) => e[0]), termWeight: Float64Array.from(flat, (e) => e[1]) };
}

function plainCuts(corpus: Corpus, codes: readonly Code[], positives: Positives, train: Int32Array, group: (r: number) => number, settings: LearnSettings): Map<number, number> {
  const outer = fitAll(corpus, codes, positives, train, inverseFrequencies(corpus, train), settings, 0);
  const fitted = outer.filter((m) => m.fit).map((m) => m.code);
  const groups = [...new Set(Array.from(train, group))].sort((u, v) => u - v);
  const k = Math.min(settings.innerFolds, groups.length);
  const cuts = new Map(fitted.map((c) => [c, 0]));
  if (k < 2) return cuts;
  const foldOf = new Map(groups.map((g, i) => [g, i % k]));
  const pos = codes.map((): number[] => []);
  const neg = codes.map((): number[] => []);
  for (let f = 0; f < k; f++) {
    const inner = train.filter((r) => foldOf.get(group(r)) !== f);
    const held = train.filter((r) => foldOf.get(group(r)) === f);
    const idf = inverseFrequencies(corpus, inner);
    const perCode = fitAll(corpus, codes, positives, inner, idf, { ...settings, minExamples: 1, maxIterations: settings.innerIterations }, 0);
    scoreRows(modelsOf(codes, idf, perCode, corpus.terms.length), corpus, held, (r, z) => {
      for (const c of fitted) {
        if (!allows(codes[c]!.speakers, corpus.rowRole[r]!)) continue;
        const v = Number.isNaN(z[c]!) ? -Infinity : z[c]!;
        (positives[c]!.includes(r) ? pos : neg)[c]!.push(v);
      }
    });
  }
  for (const c of fitted) cuts.set(c, bestCutOf(Float64Array.from(pos[c]!), Float64Array.from(neg[c]!)));
  return cuts;
}

const bits = (x: number): string => Buffer.from(Float64Array.of(x).buffer).toString('hex');

describe('inner cross-validation thresholds', () => {
  it('are those of the plain definition, to the bit, for every group size of codes (property)', () => {
    fc.assert(
      fc.property(corpusArb, fc.constantFrom(1, 2, 7), fc.constantFrom(2, 3, 5), (g, groups, innerFolds) => {
        const { corpus, codes, positives, settings: base } = corpusProblem(g);
        const settings = { ...base, innerFolds };
        const train = Int32Array.from(g.rows.flatMap((_, i) => (i % 5 === 4 ? [] : [i])));
        const group = (r: number) => r % groups;
        const expected = plainCuts(corpus, codes, positives, train, group, settings);
        const L = train.length;
        // One code's scores at a time (a budget below one code's), two at a time, and all at once.
        for (const budget of [1, 2 * 8 * L, Number.POSITIVE_INFINITY]) {
          const got = trainModels(corpus, codes, positives, train, group, settings, budget);
          const cuts = new Map(got.perCode.filter((m) => m.fit).map((m) => [m.code, m.fit!.cut]));
          expect([...cuts.keys()]).toEqual([...expected.keys()]);
          for (const [c, cut] of cuts) expect(bits(cut)).toBe(bits(expected.get(c)!));
        }
      }),
      { numRuns: 120 },
    );
  });
});
