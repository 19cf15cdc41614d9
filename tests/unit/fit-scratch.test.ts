import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inverseFrequencies, type Corpus } from '../../src/core/learn/features.js';
import { FitScratch, fitAll, type CodeModel } from '../../src/core/learn/model.js';
import { corpusFields, corpusProblem } from '../helpers/learn-corpus.js';

// The fits of a training run share one FitScratch (model.ts): a fit on a scratch another fit has
// used (on more rows or fewer, other codes kept, other frequent stems) must give the models a new
// scratch gives, to the bit. The oracle is the same fit on a fresh scratch (what every fit had
// before the scratch was shared).

const corpusArb = fc.record({
  ...corpusFields,
  // Which rows the first fit (on the used scratch) and the second one train on.
  first: fc.array(fc.boolean(), { minLength: 240, maxLength: 240 }),
  second: fc.array(fc.boolean(), { minLength: 240, maxLength: 240 }),
});

type Generated = typeof corpusArb extends fc.Arbitrary<infer G> ? G : never;

function problem(g: Generated) {
  const rowsOf = (pick: boolean[]) => Int32Array.from(g.rows.flatMap((_, i) => (pick[i] ? [i] : [])));
  return { ...corpusProblem(g), first: rowsOf(g.first), second: rowsOf(g.second) };
}

/** A fit's models as bits (the numbers as their bytes, so -0, NaN and the last bit count). */
const bits = (models: CodeModel[]) => models.map((c) => (c.fit ? [c.code, c.positives, c.eligible, Array.from(c.fit.terms), c.fit.iterations, c.fit.converged, Array.from(new Uint8Array(Float64Array.from([...c.fit.weights, c.fit.bias, c.fit.cut]).buffer))] : [c.code, c.positives, c.eligible]));

describe('fits sharing one scratch', () => {
  it('a fit on a used scratch gives the models of a fresh one, to the bit (property: more rows or fewer before, sampled negatives, frequent stems)', () => {
    let fitted = 0;
    fc.assert(
      fc.property(corpusArb, (g) => {
        const { corpus, codes, positives, first, second, settings } = problem(g);
        const fitOn = (rows: Int32Array, scratch?: FitScratch) => fitAll(corpus, codes, positives, rows, inverseFrequencies(corpus, rows), settings, 0, scratch);
        const want = bits(fitOn(second, new FitScratch(corpus)));
        const used = new FitScratch(corpus);
        fitOn(first, used);
        expect(bits(fitOn(second, used))).toEqual(want);
        // Used twice more (the inner cross-validation's fits come three in a row), then let go and used again.
        fitOn(second, used);
        expect(bits(fitOn(second, used))).toEqual(want);
        used.release();
        expect(bits(fitOn(second, used))).toEqual(want);
        fitted += want.filter((m) => m.length > 3).length;
      }),
      { numRuns: 150 },
    );
    // The property is not empty: most runs fit some model.
    expect(fitted).toBeGreaterThan(150);
  });

  it("hands out a frequent stem's bitset cleared, however it was used before", () => {
    const scratch = new FitScratch({ rowDoc: new Int32Array(100), terms: ['a', 'b'] } as unknown as Corpus);
    const b = scratch.denseBits(0, 4);
    b.fill(0xffffffff);
    expect(Array.from(scratch.denseBits(0, 3))).toEqual([0, 0, 0]);
    // Longer than the one kept: a new one (4 words of zeros).
    expect(Array.from(scratch.denseBits(0, 5))).toEqual([0, 0, 0, 0, 0]);
  });
});
