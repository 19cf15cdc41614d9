import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { autocode } from '../../src/core/coding/autocode.js';
import { evaluate, participantFolds, waveSplitsOf } from '../../src/core/learn/evaluate.js';
import { fitLogistic, objective, sigmoid, type LogisticProblem } from '../../src/core/learn/logistic.js';
import { packCodings, tableOf, type CodingPart } from '../../src/core/coding/table.js';
import { learnerView, positivesOf } from '../../src/core/learn/study.js';
import { bestCut, DEFAULT_SETTINGS, topStems, trainModels } from '../../src/core/learn/model.js';
import { sortScores } from '../../src/core/learn/sort.js';
import { suggest, suggestionScore } from '../../src/core/learn/suggestions.js';
import type { Study } from '../../src/core/study/types.js';
import { loadStudy } from '../../src/io/load-study.js';
import { loadStemmer } from '../../src/io/stemmer.js';
import { corpusArb, corpusProblem } from '../helpers/learn-corpus.js';
import { interview, line, PEOPLE, separable, WAVES } from '../helpers/learn-study.js';
import { codingsTsv, writeStudy } from '../helpers/study.js';

/**
 * The learner (core/learn): the logistic regression against conditions solved by hand, and whole
 * evaluations on small studies built here whose kappa and F1 follow by hand from how they are built.
 */

const stem = (await loadStemmer('en'))!;

async function load(files: Record<string, string>, participants: string[]): Promise<Study> {
  const { study, diagnostics } = await loadStudy(writeStudy(files, { participants }));
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return study!;
}

const evalOpts = { coder: 'alice', byWave: false, folds: 3, seed: 1, resamples: 0 } as const;

describe('logistic regression (L2, L-BFGS from zero)', () => {
  it('reaches the optimum solved by hand on a two-row problem', () => {
    // One feature. Row 1: x = 1, y = 1; one more row with no feature and y = 0 (emptyNegative = 1).
    // F(w, b) = (λ/2)w² + [log(1 + e^(w+b)) − (w+b)] + log(1 + e^b), λ = 1. Setting the gradient to 0:
    //   ∂b: σ(w+b) − 1 + σ(b) = 0  ⇒ σ(b) = σ(−(w+b))  ⇒  b = −(w+b)  ⇒  w = −2b;
    //   ∂w: w + σ(w+b) − 1 = 0  ⇒ w = 1 − σ(−b) = σ(b)  ⇒  −2b = σ(b): b ≈ −0.2223 (by bisection on paper:
    //   b = −0.22 gives 0.440 < σ = 0.4452, b = −0.2225 gives 0.445 > σ = 0.4446).
    const p: LogisticProblem = { rows: { n: 1, dim: 1, ptr: Int32Array.from([0, 1]), idx: Int32Array.from([0]), val: Float64Array.from([1]) }, y: Uint8Array.from([1]), emptyPositive: 0, emptyNegative: 1, lambda: 1 };
    const fit = fitLogistic(p, { tolerance: 1e-10 });
    expect(fit.converged).toBe(true);
    expect(fit.w[0]! + 2 * fit.bias).toBeCloseTo(0, 6);
    expect(-2 * fit.bias - sigmoid(fit.bias)).toBeCloseTo(0, 6);
    expect(fit.bias).toBeGreaterThan(-0.2225);
    expect(fit.bias).toBeLessThan(-0.222);
  });

  it('computes the gradient of its objective (against central differences)', () => {
    const rows = { n: 3, dim: 2, ptr: Int32Array.from([0, 2, 3, 4]), idx: Int32Array.from([0, 1, 1, 0]), val: Float64Array.from([0.6, 0.8, 1, 1]) };
    const p: LogisticProblem = { rows, y: Uint8Array.from([1, 0, 1]), weight: Float64Array.from([2, 1, 0.5]), emptyPositive: 1.5, emptyNegative: 3, lambda: 0.7 };
    const x = Float64Array.from([0.3, -0.4, 0.2]);
    const g = new Float64Array(3);
    objective(p, x, g);
    for (let j = 0; j < 3; j++) {
      const h = 1e-6;
      const a = Float64Array.from(x);
      const b = Float64Array.from(x);
      a[j]! += h;
      b[j]! -= h;
      const numeric = (objective(p, a, new Float64Array(3)) - objective(p, b, new Float64Array(3))) / (2 * h);
      expect(g[j]).toBeCloseTo(numeric, 6);
    }
  });

  it('is deterministic to the last bit', () => {
    const rows = { n: 4, dim: 3, ptr: Int32Array.from([0, 2, 3, 5, 6]), idx: Int32Array.from([0, 1, 2, 0, 2, 1]), val: Float64Array.from([0.6, 0.8, 1, 0.5, 0.5, 1]) };
    const p: LogisticProblem = { rows, y: Uint8Array.from([1, 0, 1, 0]), emptyPositive: 2, emptyNegative: 5, lambda: 0.1 };
    const a = fitLogistic(p);
    const b = fitLogistic(p);
    expect(Array.from(a.w)).toEqual(Array.from(b.w));
    expect(a.bias).toBe(b.bias);
  });
});

describe('threshold and folds', () => {
  it('bestCut: the cut of the best F1, midway to the next score', () => {
    // Scores 3 (y=1), 2 (y=1), 1 (y=0), 0 (y=1). Suggest above 3: F1 = 2·1/(2+0+2) = 0.5; above 2:
    // 2·2/(4+0+1) = 0.8; above 1: 2·2/(4+1+1) = 0.667; all: 2·3/(6+1+0) = 0.857, the best, but that is
    // suggesting everything (no skill): no cut, nothing suggested.
    const noSkill: Array<[number, number]> = [
      [3, 1],
      [2, 1],
      [1, 0],
      [0, 1],
    ];
    expect(bestCut(noSkill)).toBe(Infinity);
    // Scores 4 (y=1), 3 (y=1), 2 (y=0), 1 (y=1), 0 (y=0): down to 4: F1 2/(2+0+2) = 0.5; to 3: 4/(4+0+1) = 0.8;
    // to 2: 4/(4+1+1) = 0.667; to 1: 6/(6+1+0) = 0.857, the best, above all (6/(6+2) = 0.75): the cut is midway to 0, 0.5.
    const skill: Array<[number, number]> = [
      [4, 1],
      [3, 1],
      [2, 0],
      [1, 1],
      [0, 0],
    ];
    expect(bestCut(skill)).toBe(0.5);
    // Scores 3 (y=1), 2 (y=1), 1 (y=0), 0 (y=0): above 2 gives F1 1: the cut is midway, 1.5.
    expect(
      bestCut([
        [3, 1],
        [2, 1],
        [1, 0],
        [0, 0],
      ]),
    ).toBe(1.5);
  });

  it('topStems: the k largest chi-square, ties by the smaller stem, in stem order', () => {
    // Stems 9, 4, 7, 2, 5, 1 with chi 3, 1, 3, 2, 2, 0.5. Sorted by (chi desc, stem asc):
    // 7 (3), 9 (3), 2 (2), 5 (2), 4 (1), 1 (0.5). The first 3: 7, 9, 2 (5 loses the tie at 2 to 2).
    const stems = Int32Array.from([9, 4, 7, 2, 5, 1]);
    const chi = Float64Array.from([3, 1, 3, 2, 2, 0.5]);
    expect([...topStems(stems, chi, 3)]).toEqual([2, 7, 9]);
    // k = 4: the tie at 2 is taken whole; k = 1: of the two tied at 3, the smaller stem.
    expect([...topStems(stems, chi, 4)]).toEqual([2, 5, 7, 9]);
    expect([...topStems(stems, chi, 1)]).toEqual([7]);
    // As many candidates as k or fewer: all of them.
    expect([...topStems(stems, chi, 6)]).toEqual([1, 2, 4, 5, 7, 9]);
    expect([...topStems(stems, chi, 10)]).toEqual([1, 2, 4, 5, 7, 9]);
    // The candidate arrays are not changed.
    expect([...stems]).toEqual([9, 4, 7, 2, 5, 1]);
  });

  it('sortScores: the order of the built-in sort, bit for bit, on large arrays (radix) and small ones', () => {
    // Few distinct values, so that runs of equal scores (a fold model's bias) are common, with
    // -0 and +0, infinities and subnormals among them; lengths on both sides of the radix cut (65,536).
    const special = [0, -0, Infinity, -Infinity, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1, 0.1, -0.1];
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...special), fc.double({ noNaN: true })), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 70000 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (values, n, seed) => {
        let s = seed;
        const a = Float64Array.from({ length: n }, () => {
          s = (Math.imul(s, 48271) >>> 0) % 2147483647;
          return values[s % values.length]!;
        });
        const expected = Float64Array.from(a).sort();
        // The same numbers in reverse order (the inner cross-validation stores its negatives from the end down),
        // sorted in a view of a larger array with a work array given (its values lost): the same bits, the rest untouched.
        const room = new Float64Array(3 * n + 2).fill(7);
        const view = room.subarray(1, n + 1);
        view.set(Float64Array.from(a).reverse());
        const got = sortScores(a);
        expect(got).toBe(a);
        expect(Buffer.from(got.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
        expect(sortScores(view, room.subarray(n + 2))).toBe(view);
        expect(Buffer.from(view.slice().buffer).equals(Buffer.from(expected.buffer))).toBe(true);
        expect([room[0], room[n + 1]]).toEqual([7, 7]);
      }),
      { numRuns: 30 },
    );
  });

  it('participant folds: every participant in one fold, the same for the same seed', () => {
    const a = participantFolds(PEOPLE, 3, 7);
    expect([...a.keys()].sort()).toEqual(PEOPLE);
    expect([0, 1, 2].map((f) => [...a.values()].filter((v) => v === f).length)).toEqual([2, 2, 2]);
    expect([...participantFolds(PEOPLE, 3, 7)]).toEqual([...a]);
  });

  it('wave splits: trained on the waves before, tested on each later wave', () => {
    const wave = ['w1', 'w2', 'w3', 'w1', 'w3'];
    expect(waveSplitsOf(['w1', 'w2', 'w3'], (d) => wave[d]!, [0, 1, 2, 3, 4])).toEqual([
      { name: 'w1 → w2', train: [0, 3], test: [1] },
      { name: 'w1, w2 → w3', train: [0, 1, 3], test: [2, 4] },
    ]);
  });
});

describe('evaluation as a third coder, on studies built by hand', () => {
  it('separable: kappa 1 and F1 1; the keyword coder marks the opposite (kappa −1); two humans by hand', async () => {
    const study = await load(separable({ ben: true }), PEOPLE);
    const e = evaluate(study, stem, { ...evalOpts, humans: ['alice', 'ben'], keywords: (docs) => autocode({ documents: [...docs], codebook: study.codebook }, stem, 'auto').codings });
    const row = e.rows.find((r) => r.code === 't.a')!;
    // 6 participants x 2 waves x 4 answers = 48 segments tested, 24 of them coded t.a by alice.
    expect([e.segments, row.tested, row.examples]).toEqual([48, 48, 24]);
    // Each held-out participant's garden answers hold "garden" (and its flower), the others "ticket": no disagreement,
    // po = 1 and pe = 0.5·0.5 + 0.5·0.5 = 0.5 < 1, so kappa = (1 − 0.5)/(1 − 0.5) = 1; TP = 24, FP = FN = 0: F1 = 1.
    expect(row.suggest!.kappa!.value).toBeCloseTo(1, 12);
    expect(row.suggest!.f1).toBe(1);
    // Keywords: "ticket" marks the 24 answers alice left and none she coded: po = 0, pe = 0.5, kappa = −0.5/0.5 = −1; F1 = 0.
    expect(row.keywords!.kappa!.value).toBeCloseTo(-1, 12);
    expect(row.keywords!.f1).toBe(0);
    // alice vs ben: ben also coded P1 w1 answer 3. 48 segments: both 24, ben only 1, neither 23.
    // po = 47/48; pe = (24/48)(25/48) + (24/48)(23/48) = 1152/2304 = 0.5; kappa = (47/48 − 0.5)/0.5 = 46/48.
    expect(row.humans!.kappa!.value).toBeCloseTo(46 / 48, 12);
    expect(row.humans!.segments).toBe(48);
    // t.b: nobody applied it: reported as too few examples, not scored.
    const b = e.rows.find((r) => r.code === 't.b')!;
    expect(b.note).toBe('too few examples: 0');
    expect(b.suggest).toBeUndefined();
    // By wave: trained on w1, tested on w2 (24 segments, 12 coded): the same words, kappa 1.
    const w = evaluate(study, stem, { ...evalOpts, byWave: true });
    expect(w.splits.map((s) => s.name)).toEqual(['w1 → w2']);
    expect(w.rows.find((r) => r.code === 't.a')!.suggest!.kappa!.value).toBeCloseTo(1, 12);
    expect(w.segments).toBe(24);
  });

  it('two humans compared only on the transcripts both coded; the keyword coder on every tested segment', async () => {
    // ben coded only P1-P3 (both waves): 6 transcripts, 24 segments, counted before any model is trained.
    const files = separable({ ben: true });
    files['codings/ben.tsv'] = files['codings/ben.tsv']!.split('\n')
      .filter((l) => !/^P[456]\t/.test(l))
      .join('\n');
    const study = await load(files, PEOPLE);
    const e = evaluate(study, stem, { ...evalOpts, humans: ['alice', 'ben'], keywords: (docs) => autocode({ documents: [...docs], codebook: study.codebook }, stem, 'auto').codings });
    const row = e.rows.find((r) => r.code === 't.a')!;
    expect([e.segments, row.tested, row.examples]).toEqual([48, 48, 24]);
    // There: both 12, ben only 1 (P1 w1 answer 3), neither 11. po = 23/24; pe = (12/24)(13/24) + (12/24)(11/24) = 288/576 = 0.5;
    // kappa = (23/24 − 0.5)/0.5 = 22/24. F1 of ben against alice: 2·12/(2·12 + 1 + 0) = 24/25.
    expect(row.humans!.segments).toBe(24);
    expect(row.humans!.kappa!.value).toBeCloseTo(22 / 24, 12);
    expect(row.humans!.f1).toBe(24 / 25);
    // The keyword coder still on all 48: the opposite of alice's every decision (kappa −1, F1 0), as with ben everywhere.
    expect(row.keywords!.kappa!.value).toBeCloseTo(-1, 12);
    expect(row.keywords!.applied).toBe(24);
    expect(e.pooled!.humans!.segments).toBe(24);
  });

  it('labels the text cannot tell: kappa 0 exactly when every answer has the same words', async () => {
    // Every answer of every transcript reads the same; alice codes answers 1 and 3 of each. No word is
    // more frequent among her positives, so each model is its bias alone: with balanced class weights
    // (24 positives, 24 negatives) the bias is 0 and every answer scores the same. The only cut is
    // then to suggest everything, which shows no skill: nothing is suggested. On the test answers:
    // alice 24 of 48, suggestions 0. po = 24/48 = 0.5; pe = 0.5·0 + 0.5·1 = 0.5; kappa = 0.
    // TP = 0, FP = 0, FN = 24: F1 = 0/24 = 0, precision undefined (nothing suggested), recall 0.
    const files: Record<string, string> = {};
    const alice: Array<[string, string, number, string]> = [];
    for (const p of PEOPLE)
      for (const w of WAVES) {
        files[`transcripts/${p}_${w}.txt`] = interview(p, Array(4).fill('We talked about the week and what happened then.'));
        alice.push([p, w, line(0), 't.a'], [p, w, line(2), 't.a']);
      }
    files['codings/alice.tsv'] = codingsTsv(alice);
    const e = evaluate(await load(files, PEOPLE), stem, evalOpts);
    const row = e.rows.find((r) => r.code === 't.a')!;
    expect([row.tested, row.examples]).toEqual([48, 24]);
    expect(row.suggest!.kappa!.value).toBeCloseTo(0, 12);
    expect(row.suggest!.f1).toBe(0);
    expect([row.suggest!.precision, row.suggest!.recall]).toEqual([null, 0]);
  });

  it('labels independent of random words: kappa near 0', async () => {
    // 10 participants x 2 waves x 6 answers of 8 words drawn from 40 (a fixed generator), and t.a applied
    // by a coin of its own. Nothing links words and code, so the expected kappa is 0 (pe = po in
    // expectation); 120 segments put one standard error near 0.1. A learner that saw the held-out
    // labels would score far above.
    let seed = 12345;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const words = Array.from({ length: 40 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}x`);
    const people = Array.from({ length: 10 }, (_, i) => `P${i + 1}`);
    const files: Record<string, string> = {};
    const alice: Array<[string, string, number, string]> = [];
    let coded = 0;
    for (const p of people)
      for (const w of WAVES) {
        const answers = Array.from({ length: 6 }, () => `${Array.from({ length: 8 }, () => words[Math.floor(next() * words.length)]).join(' ')}.`);
        files[`transcripts/${p}_${w}.txt`] = interview(p, answers);
        const before = alice.length;
        answers.forEach((_, i) => {
          if (next() < 0.4) alice.push([p, w, line(i), 't.a']);
        });
        if (alice.length > before) coded++;
      }
    files['codings/alice.tsv'] = codingsTsv(alice);
    const e = evaluate(await load(files, people), stem, { ...evalOpts, folds: 5 });
    const row = e.rows.find((r) => r.code === 't.a')!;
    // A transcript where the coin never fell is not coded, so not learned from nor tested (transcriptsOf).
    expect(row.tested).toBe(6 * coded);
    expect(coded).toBeGreaterThan(15);
    expect(Math.abs(row.suggest!.kappa!.value!)).toBeLessThan(0.25);
  });
});

describe('suggestions', () => {
  it('suggest the garden answers of the participants alice has not coded, with scores, the same every time', async () => {
    const study = await load(separable({ uncoded: ['P5', 'P6'] }), PEOPLE);
    const a = suggest(study, stem, { coder: 'alice', as: 'suggest' });
    // Learned from P1-P4 (8 transcripts); suggested for P5 and P6 (4 transcripts, 16 answers).
    expect(a.transcripts.learned.map((d) => d.id).sort()).toEqual(['P1/w1', 'P1/w2', 'P2/w1', 'P2/w2', 'P3/w1', 'P3/w2', 'P4/w1', 'P4/w2']);
    expect(a.targetSegments).toBe(16);
    // The garden answers (lines 3 and 7) of each: 4 transcripts x 2 = 8 suggestions of t.a, nothing else.
    expect(a.codings.map((c) => `${c.participant}/${c.wave}:${c.startLine}-${c.endLine} ${c.code} ${c.coder}`).sort()).toEqual([
      'P5/w1:3-3 t.a suggest',
      'P5/w1:7-7 t.a suggest',
      'P5/w2:3-3 t.a suggest',
      'P5/w2:7-7 t.a suggest',
      'P6/w1:3-3 t.a suggest',
      'P6/w1:7-7 t.a suggest',
      'P6/w2:3-3 t.a suggest',
      'P6/w2:7-7 t.a suggest',
    ]);
    for (const c of a.codings) expect(suggestionScore(c.memo)).toBeGreaterThan(a.codes.find((x) => x.code === 't.a')!.threshold!);
    // Deterministic: a second run, on the study loaded again, gives the same codings, memos (scores) included.
    const b = suggest(await load(separable({ uncoded: ['P5', 'P6'] }), PEOPLE), stem, { coder: 'alice', as: 'suggest' });
    expect(b.codings).toEqual(a.codings);
    expect(b.codes).toEqual(a.codes);
  });

  it('a code with fewer examples than minExamples gets no model and no suggestion', async () => {
    const study = await load(separable({ uncoded: ['P5', 'P6'] }), PEOPLE);
    // alice coded 16 garden answers; with 17 required, t.a has too few.
    const r = suggest(study, stem, { coder: 'alice', as: 'suggest', settings: { ...DEFAULT_SETTINGS, minExamples: 17 } });
    expect(r.codings).toEqual([]);
    expect(r.codes.find((c) => c.code === 't.a')).toMatchObject({ examples: 16, threshold: null, note: 'too few examples: 16' });
  });
});

describe('inner cross-validation scored a group of codes at a time', () => {
  it('gives every code the same model and threshold, to the bit, whatever the group size (property)', () => {
    // Random corpora (tests/helpers/learn-corpus.ts). The budget that allows one code at a time against one that allows
    // all at once (the codes scored together, as before there were groups).
    fc.assert(
      fc.property(corpusArb, (g) => {
        const { corpus, codes, positives, settings } = corpusProblem(g);
        const train = Int32Array.from(g.rows.flatMap((_, i) => (i % 5 === 4 ? [] : [i])));
        const group = (r: number) => r % 7;
        const bits = (m: ReturnType<typeof trainModels>) => m.perCode.map((c) => (c.fit ? [c.positives, c.eligible, Array.from(c.fit.terms), Array.from(new Uint8Array(Float64Array.from([...c.fit.weights, c.fit.bias, c.fit.cut]).buffer))] : [c.positives, c.eligible]));
        const together = trainModels(corpus, codes, positives, train, group, settings, Number.POSITIVE_INFINITY);
        const oneByOne = trainModels(corpus, codes, positives, train, group, settings, 1);
        expect(bits(oneByOne)).toEqual(bits(together));
      }),
      { numRuns: 150 },
    );
  });
});

describe('the coder decisions read from the codings in columns', () => {
  it('positivesOf gives the same rows from the columns of the coder files as from the objects', async () => {
    const study = await load(separable({ ben: true }), PEOPLE);
    const view = learnerView(study, stem);
    const codes = study.codebook.codes;
    // One part per coder file, as a warm load keeps them (and the objects, as a cold one does).
    const parts: CodingPart[] = [];
    for (const coder of study.coders) {
      const file = `codings/${coder}.tsv`;
      const packed = packCodings(
        coder,
        file,
        study.codings.filter((c) => c.coder === coder).map((c, i) => ({ ...c, source: { file, line: i + 2 } })),
      );
      parts.push(packed ? { packed } : { objects: study.codings.filter((c) => c.coder === coder) });
    }
    expect(parts.every((p) => p.packed)).toBe(true);
    for (const coder of ['alice', 'ben', undefined]) {
      const objects = positivesOf(view, codes, study.codings, coder);
      expect(objects.some((l) => l.length > 0)).toBe(true);
      expect(positivesOf(view, codes, tableOf(parts), coder)).toEqual(objects);
    }
  });
});
