import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bootstrapInterval, FiniteOrder, poisson, PoissonDraws, ptrsAccepts, rng, Xoshiro128 } from '../../src/core/agreement/bootstrap.js';
import { normalCdf, normalQuantile } from '../../src/core/agreement/distributions.js';
import { congerKappa, prepare, weightMatrix } from '../../src/core/agreement/coefficients.js';
import { coefficientSpecs, ResampledValues, type AgreementOptions } from '../../src/core/agreement/report.js';
import { adoptPatternTerms, mergePlans, patternTerms, Sums } from '../../src/core/agreement/sums.js';
import { MISSING, toPatterns, toPatternsCounted, toPatternsMany, type Level, type PatternTable, type Ratings } from '../../src/core/agreement/table.js';
import { MISSING_TOKENS, ratingsFromCells, ratingsFromRows } from '../../src/core/agreement/values.js';
import { parseTable } from '../../src/core/format/read-table.js';
import { internDistinctRows, internFields, internRows, rowCount, rowOf } from '../../src/core/text/delimited.js';
import { reference } from '../helpers/agreement-reference.js';

/**
 * The bootstrap's fast path (one pass over the patterns per resample for every coefficient:
 * sums.ts) against the straightforward computation (one loop per coefficient, as qualwave computed
 * them before: tests/helpers/agreement-reference.ts), to the last bit: the same numbers, so the
 * same intervals. Also: Poisson draws with precomputed constants, and the matrix reader that makes
 * no string per cell, against what they replace.
 */

const data = fc.record({ coders: fc.integer({ min: 2, max: 7 }), units: fc.integer({ min: 1, max: 40 }), q: fc.integer({ min: 1, max: 5 }), missing: fc.integer({ min: 0, max: 3 }) }).chain(({ coders, units, q, missing }) =>
  fc.record({
    coders: fc.constant(coders),
    q: fc.constant(q),
    cells: fc.array(fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: q - 1 }) }, { weight: missing, arbitrary: fc.constant(MISSING) }), { minLength: units * coders, maxLength: units * coders }),
    weights: fc.option(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: units, maxLength: units }), { nil: undefined }),
    clusters: fc.option(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: units, maxLength: units }), { nil: undefined }),
    level: fc.constantFrom<Level>('nominal', 'ordinal', 'interval', 'ratio'),
    units: fc.constantFrom<'compared' | 'rated'>('compared', 'rated'),
    weighted: fc.constantFrom<'linear' | 'quadratic' | undefined>('linear', 'quadratic', undefined),
    seed: fc.integer({ min: 0, max: 1000 }),
  }),
);

function table(d: { coders: number; q: number; cells: number[]; weights?: number[] | undefined; clusters?: number[] | undefined }): PatternTable {
  const r: Ratings = { coders: d.coders, units: d.cells.length / d.coders, values: Int32Array.from(d.cells), categories: Array.from({ length: d.q }, (_, i) => String(i * 1.5)), numeric: Float64Array.from({ length: d.q }, (_, i) => i * 1.5) };
  if (d.weights) r.weights = Float64Array.from(d.weights, (x) => x / 2);
  if (d.clusters) r.clusters = Int32Array.from(d.clusters);
  return toPatterns(r);
}

/** Weight vectors a bootstrap hands to the coefficients: the counts, and Poisson resamples. */
function weightVectors(t: PatternTable, seed: number): Float64Array[] {
  const random = rng(seed);
  const out = [t.counts];
  for (let i = 0; i < 4; i++) out.push(Float64Array.from(t.counts, (c) => poisson(c, random)));
  return out;
}

describe('agreement: the one-pass sums give the straightforward numbers, bit for bit', () => {
  it('every coefficient, every level, both chance units, with and without weights, clustered or not', () => {
    fc.assert(
      fc.property(data, (d) => {
        const t = table(d);
        const prep = prepare(t);
        const opts: AgreementOptions = { level: d.level, resamples: 0, seed: 1, units: d.units, ...(d.weighted ? { weights: d.weighted } : {}) };
        const specs = coefficientSpecs(t, prep, opts);
        const sums = new Sums(t, prep.n, prep.m, mergePlans(specs.map((s) => s.resampled.plan)));
        const W = d.weighted ? weightMatrix(t.q, d.weighted, t.numeric) : undefined;
        for (const w of weightVectors(t, d.seed)) {
          sums.collect(w);
          const straight: Record<string, number> = {
            percentAgreement: reference.percentAgreement(prep, w, d.units),
            unanimousAgreement: reference.unanimousAgreement(prep, w),
            pairwiseAgreement: reference.pairwiseAgreement(prep, w),
            fleissKappa: reference.fleissKappa(prep, w, d.units),
            krippendorffAlpha: reference.krippendorffAlpha(prep, w, d.level),
            gwetAC1: reference.gwetAC(prep, w, undefined, d.units),
            brennanPrediger: reference.brennanPrediger(prep, w, undefined, d.units),
          };
          if (t.coders === 2) {
            straight['cohenKappa'] = reference.cohenKappa(prep, w);
            straight['scottPi'] = reference.fleissKappa(prep, w, 'compared');
            if (W) straight['weightedKappa'] = reference.cohenKappa(prep, w, W);
          } else straight['congerKappa'] = reference.congerKappa(prep, w, d.units);
          if (W) {
            straight['gwetAC2'] = reference.gwetAC(prep, w, W, d.units);
            straight['weightedBrennanPrediger'] = reference.brennanPrediger(prep, w, W, d.units);
          }
          expect(specs.map((s) => s.name).sort()).toEqual(Object.keys(straight).sort());
          for (const s of specs) {
            const want = straight[s.name]!;
            // Object.is: the same double (NaN for NaN), not merely close.
            expect([s.name, s.resampled.value(sums)]).toEqual([s.name, want]);
            expect(Object.is(s.resampled.value(sums), want)).toBe(true);
            expect(Object.is(s.stat(w, false).value, want)).toBe(true);
            expect(Object.is(s.stat(w, true).value, want)).toBe(true);
          }
          // Both ways of collecting, whatever collect() chose: the one pass, and (whole weights) the flat lists.
          const ways = [() => sums.collectAny(w), ...(w.every((x) => Number.isInteger(x)) ? [() => sums.collectWhole(w)] : [])];
          for (const way of ways) {
            way();
            for (const s of specs) expect([s.name, Object.is(s.resampled.value(sums), straight[s.name]!)]).toEqual([s.name, true]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('whole-number weights (the bootstrap of units) give the numbers of any weights, also where coincidences cannot be mirrored', () => {
    // Eight coders: a unit with three values of one category and five of another makes the
    // coincidence products (f · 3) · 5 and (f · 5) · 3, which differ for some rounded f = w / 7.
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            ...[
              [0, 0, 0, 1, 1, 1, 1, 1],
              [0, 0, 0, 0, 1, 1, 2, 2],
              [2, 2, 2, 1, 1, 1, 1, 1],
              [0, 1, 2, 0, 1, MISSING, 0, 1],
              [2, 2, 2, 2, 2, 2, 2, 2],
              [0, 0, 0, 2, 2, MISSING, 2, 2],
            ],
          ),
          { minLength: 2, maxLength: 30 },
        ),
        fc.integer({ min: 0, max: 1000 }),
        (rows, seed) => {
          const t = table({ coders: 8, q: 3, cells: rows.flat() });
          const prep = prepare(t);
          const specs = coefficientSpecs(t, prep, { level: 'nominal', resamples: 0, seed: 1 });
          const sums = new Sums(t, prep.n, prep.m, mergePlans(specs.map((s) => s.resampled.plan)));
          for (const w of weightVectors(t, seed)) {
            for (const weights of [w, Float64Array.from(w, (x) => x / 3)]) {
              if (weights === w) sums.collectWhole(weights);
              else sums.collect(weights);
              expect(Object.is(specs.find((s) => s.name === 'krippendorffAlpha')!.resampled.value(sums), reference.krippendorffAlpha(prep, weights, 'nominal'))).toBe(true);
              expect(Object.is(specs.find((s) => s.name === 'congerKappa')!.resampled.value(sums), reference.congerKappa(prep, weights, 'compared'))).toBe(true);
              expect(Object.is(specs.find((s) => s.name === 'pairwiseAgreement')!.resampled.value(sums), reference.pairwiseAgreement(prep, weights))).toBe(true);
              const whole = [...sums.o];
              const any = [...sums.collectAny(weights).o];
              expect(whole.every((x, i) => Object.is(x, any[i]))).toBe(true);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("Conger's kappa: its influence, standard errors and test from the table of per-(coder, value) chance terms are those of every term computed in place", () => {
    fc.assert(
      fc.property(data, (d) => {
        if (d.coders < 3) return;
        const t = table(d);
        const prep = prepare(t);
        const W = d.weighted ? weightMatrix(t.q, d.weighted, t.numeric) : undefined;
        for (const w of weightVectors(t, d.seed)) {
          const memo = congerKappa(prep, w, W, { units: d.units, withInfluence: true });
          const direct = congerKappa(prep, w, W, { units: d.units, withInfluence: true, direct: true });
          // The influence is where the table of terms is used: every entry the same double (NaN for NaN).
          expect(memo.influence?.length).toBe(direct.influence?.length);
          if (direct.influence) expect(Array.from(memo.influence!).every((x, p) => Object.is(x, direct.influence![p]))).toBe(true);
          expect(Object.is(memo.value, direct.value)).toBe(true);
          expect(Object.is(memo.seNull, direct.seNull)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("another thread's values from this thread's pattern terms and flat lists (structured clones, as io/bootstrap-workers.ts hands them) are the same doubles", () => {
    fc.assert(
      fc.property(data, (d) => {
        const t = table(d);
        const opts: AgreementOptions = { level: d.level, resamples: 0, seed: 1, units: d.units, ...(d.weighted ? { weights: d.weighted } : {}) };
        const here = new ResampledValues(t, opts);
        const lists = structuredClone(here.flatLists());
        // The other thread: its own copy of the table, the terms and lists adopted, not computed.
        const copy = structuredClone(t);
        adoptPatternTerms(copy, structuredClone(patternTerms(t, here.prep.n, here.prep.m)));
        const there = new ResampledValues(copy, opts);
        there.adoptFlatLists(lists);
        // The straightforward values: a table of its own, every term and list built for it.
        const alone = new ResampledValues(structuredClone(t), opts);
        const S = here.specs.length;
        const vectors = weightVectors(t, d.seed);
        const got = here.specs.map(() => new Float64Array(vectors.length));
        const want = here.specs.map(() => new Float64Array(vectors.length));
        vectors.forEach((w, r) => {
          // The first collect of a Sums is the one pass; later ones of whole weights take the flat lists.
          const whole = w.every((x) => Number.isInteger(x));
          there.add(w, whole, got, r);
          there.add(w, whole, got, r);
          alone.add(w, whole, want, r);
          alone.add(w, whole, want, r);
        });
        expect(there.specs.length).toBe(S);
        for (let k = 0; k < S; k++) expect([here.specs[k]!.name, Array.from(got[k]!).every((x, r) => Object.is(x, want[k]![r]))]).toEqual([here.specs[k]!.name, true]);
      }),
      { numRuns: 300 },
    );
  });

  it('pooled tables (several data sets over the same units, clustered by unit) too', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 })), { minLength: 3, maxLength: 30 }), (codes, pairs) => {
        const list: Ratings[] = Array.from({ length: codes }, (_, c) => ({ coders: 2, units: pairs.length, values: Int32Array.from(pairs.flatMap(([a, b], u) => ((u + c) % 3 === 0 ? [b, a] : [a, b]))), categories: ['0', '1'] }));
        const t = toPatternsMany(list);
        const prep = prepare(t);
        const specs = coefficientSpecs(t, prep, { level: 'nominal', resamples: 0, seed: 1 });
        const sums = new Sums(t, prep.n, prep.m, mergePlans(specs.map((s) => s.resampled.plan)));
        for (const w of weightVectors(t, 3)) {
          sums.collect(w);
          expect(Object.is(specs.find((s) => s.name === 'cohenKappa')!.resampled.value(sums), reference.cohenKappa(prep, w))).toBe(true);
          expect(Object.is(specs.find((s) => s.name === 'krippendorffAlpha')!.resampled.value(sums), reference.krippendorffAlpha(prep, w, 'nominal'))).toBe(true);
        }
      }),
    );
  });
});

describe('Poisson draws with precomputed constants', () => {
  it("answer PTRS's last test as its expression does, near the boundary and far from it", () => {
    // The constants of PTRS for lambda (Hörmann 1993), as PoissonDraws computes them.
    const constants = (lambda: number) => {
      const b = 0.931 + 2.53 * Math.sqrt(lambda);
      const a = -0.059 + 0.02483 * b;
      return { a, b, logInvalpha: Math.log(1.1239 + 1.1328 / (b - 3.4)) };
    };
    const uint32 = fc.oneof(fc.constantFrom(0, 1, 2, 3, 2047, 2048, 4095, 0x7fffffff, 0x80000000, 0xffffffff), fc.integer({ min: 0, max: 0xffffffff }));
    fc.assert(
      fc.property(uint32, uint32, fc.double({ min: 10, max: 1e7, noNaN: true }), fc.oneof(fc.constantFrom(0, 1e-300, 1e-15, -1e-15, 1e-12, -1e-12, 1e-9, -1e-9, 1e-6, -1e-6, 1e-3, -1e-3), fc.double({ min: -5, max: 5, noNaN: true })), (ru, rv, lambda, delta) => {
        const { a, b, logInvalpha } = constants(lambda);
        // us as PTRS makes it from a uniform (never 0 at this test).
        const u = ru * 2.3283064365386963e-10 - 0.5;
        const us = 0.5 - Math.abs(u);
        if (!(us > 0)) return;
        const exact = (rhs: number): boolean => Math.log(rv * 2.3283064365386963e-10) + logInvalpha - Math.log(a / (us * us) + b) <= rhs;
        const lhs = Math.log(rv * 2.3283064365386963e-10) + logInvalpha - Math.log(a / (us * us) + b);
        // Right at the expression's value, a few ulps either side, and anywhere.
        for (const rhs of [lhs, lhs + delta, lhs - delta, lhs * (1 + 2 ** -52), lhs * (1 - 2 ** -52), delta * 10, NaN]) expect(ptrsAccepts(rv, us, a, b, logInvalpha, rhs)).toBe(exact(rhs));
      }),
      { numRuns: 3000 },
    );
  });

  it('are those of poisson() for the lambdas of big studies (hundreds of thousands: the log-factorials computed, not tabled)', () => {
    const lambdas = Float64Array.from([383351, 1068, 128, 124, 65535.5, 65536, 70000, 9.99, 10, 3.4, 1]);
    const draws = new PoissonDraws(lambdas);
    for (const seed of [1, 2, 0xdeadbeef]) {
      const a = new Xoshiro128(seed);
      const b = rng(seed);
      const w = new Float64Array(lambdas.length);
      for (let round = 0; round < 400; round++) {
        draws.fill(w, a);
        for (let i = 0; i < lambdas.length; i++) expect(w[i]).toBe(poisson(lambdas[i]!, b));
      }
      expect(a.next()).toBe(b());
    }
  });

  it('are the draws of poisson() from the same random numbers, consuming as many', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 12 }), fc.double({ min: 0.01, max: 20_000, noNaN: true })), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 1 << 30 }), (lambdas, seed) => {
        const draws = new PoissonDraws(Float64Array.from(lambdas));
        const a = new Xoshiro128(seed);
        const b = rng(seed);
        for (let round = 0; round < 20; round++) for (let i = 0; i < lambdas.length; i++) expect(draws.draw(i, a)).toBe(poisson(lambdas[i]!, b));
        // Both generators are at the same point of the stream.
        expect(a.next()).toBe(b());
      }),
      { numRuns: 100 },
    );
  });

  it('fill() gives the draws of poisson() for every lambda in turn, leaving the generator where poisson() leaves it', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 12 }), fc.double({ min: 0.01, max: 20_000, noNaN: true })), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (lambdas, seed) => {
        const draws = new PoissonDraws(Float64Array.from(lambdas));
        const a = new Xoshiro128(seed);
        const b = rng(seed);
        const w = new Float64Array(lambdas.length).fill(-1);
        for (let round = 0; round < 20; round++) {
          const total = draws.fill(w, a);
          let sum = 0;
          for (let i = 0; i < lambdas.length; i++) {
            expect(w[i]).toBe(poisson(lambdas[i]!, b));
            sum += w[i]!;
          }
          expect(total).toBe(sum);
          // Mixed with single steps of the generator: fill() takes up the stream where it is.
          expect(a.next()).toBe(b());
        }
      }),
      { numRuns: 100 },
    );
  });
});

/** Rows as the table reader reads them (csv-parse: empty lines skipped), each with its line. */
function viaLibrary(text: string, delimiter: ',' | ';' | '\t'): { rows: string[][]; lines: number[] } {
  const t = parseTable(text, 'x.csv', { delimiter }).table!;
  if (t.header.length === 0 && t.rows.length === 0) return { rows: [], lines: [] };
  return { rows: [t.header, ...t.rows.map((r) => r.cells)], lines: [1, ...t.rows.map((r) => r.line)] };
}

describe('reading a matrix with interned fields', () => {
  const piece = fc.constantFrom('1', '2', '10', '', ' ', ' 3 ', 'NA', 'n.a.', '1.0', 'x', 'é', '😀', ',', ';', '\t', '\n', '\n', '\n\n', ' \n', '\r\n', '\r');
  it('splits rows and fields exactly as the table reader (LF or CRLF throughout, empty lines, trailing delimiters and line ends)', () => {
    let fast = 0;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.constantFrom<',' | ';' | '\t'>(',', ';', '\t'), fc.boolean(), (pieces, delimiter, crlf) => {
        let text = pieces.join('');
        if (crlf) text = text.replace(/\r\n|\r|\n/g, '\r\n');
        const got = internFields(text, delimiter);
        if (!got) {
          // Only text with quotes or with more than one kind of line end is left to the library.
          expect(/"/.test(text) || (/\r/.test(text) && /\r(?!\n)|(?<!\r)\n/.test(text))).toBe(true);
          return;
        }
        fast++;
        const want = viaLibrary(text, delimiter);
        expect(Array.from({ length: rowCount(got) }, (_, i) => rowOf(got, i))).toEqual(want.rows);
        // Body rows' lines (agree names only those; the header is line 1 in its messages).
        expect(Array.from(got.lines).slice(1)).toEqual(want.lines.slice(1));
        // Each distinct text once.
        expect(new Set(got.values).size).toBe(got.values.length);
        const viaRows = internRows(want.rows, want.lines);
        expect(Array.from({ length: rowCount(viaRows) }, (_, i) => rowOf(viaRows, i))).toEqual(want.rows);
        expect(Array.from(viaRows.lines)).toEqual(want.lines);
      }),
      { numRuns: 500 },
    );
    expect(fast).toBeGreaterThan(200);
  });

  it('distinct rows with their counts (read from the bytes): the rows of internFields, each row that repeats an earlier one counted, not kept', () => {
    let fast = 0;
    // Rows from few pieces repeat; accents, emoji and a U+FEFF inside the text are bytes of more than one.
    const cell = fc.constantFrom('1', '2', '', ' ', '1.0', 'é', '😀', '\ufeffx', 'NA', 'a long value past twelve bytes');
    const row = fc.array(cell, { minLength: 1, maxLength: 4 }).map((cells) => cells.join(','));
    fc.assert(
      fc.property(fc.array(fc.oneof({ weight: 8, arbitrary: row }, { weight: 1, arbitrary: fc.constant('') }), { maxLength: 40 }), fc.boolean(), fc.boolean(), (lines, crlf, finalEnd) => {
        const end = crlf ? '\r\n' : '\n';
        const text = lines.join(end) + (finalEnd ? end : '');
        const bytes = new TextEncoder().encode(text);
        const want = internFields(text, ',');
        const got = internDistinctRows(bytes, ',');
        if (!want) {
          expect(got).toBeUndefined();
          return;
        }
        if (!got) return;
        fast++;
        const all = Array.from({ length: rowCount(want) }, (_, i) => rowOf(want, i));
        const kept = Array.from({ length: rowCount(got.rows) }, (_, i) => rowOf(got.rows, i));
        // The header, then rows that are rows of internFields at the same file lines, in their order.
        let at = 0;
        kept.forEach((r, i) => {
          while (at < all.length && !(want.lines[at] === got.rows.lines[i] && JSON.stringify(all[at]) === JSON.stringify(r))) at++;
          expect(at).toBeLessThan(all.length);
          if (i === 0) expect(at).toBe(0);
        });
        // Every body row is counted once, by a kept row with its text at or before its line.
        const tally = new Map<string, number>();
        for (const r of all.slice(1)) tally.set(JSON.stringify(r), (tally.get(JSON.stringify(r)) ?? 0) + 1);
        const counted = new Map<string, number>();
        kept.slice(1).forEach((r, i) => counted.set(JSON.stringify(r), (counted.get(JSON.stringify(r)) ?? 0) + got.count[i + 1]!));
        expect(counted).toEqual(tally);
        if (kept.length > 0) expect(got.count[0]).toBe(1);
        // The same distinct texts in the same order of first appearance as internFields.
        expect(got.rows.values).toEqual(want.values);
      }),
      { numRuns: 500 },
    );
    expect(fast).toBeGreaterThan(200);
    // Quotes, mixed line ends and a byte order mark are internFields' refusals, and mostly distinct rows make no saving.
    const enc = (t: string): Uint8Array => new TextEncoder().encode(t);
    expect(internDistinctRows(enc('a,b\n"1",2\n'), ',')).toBeUndefined();
    expect(internDistinctRows(enc('a,b\r\n1,2\n1,2\n'), ',')).toBeUndefined();
    expect(internDistinctRows(enc('\ufeffa,b\n1,2\n1,2\n'), ',')).toBeUndefined();
    expect(internDistinctRows(enc('a,b\n' + Array.from({ length: 10_000 }, (_, i) => `${i},1`).join('\n')), ',')).toBeUndefined();
    // Rows of the same length whose hashes collide (32-bit FNV-1a; the pairs were found by search) are different rows.
    for (const [x, y] of [
      ['0,1,54954', '0,4,03700'],
      ['long value 539599,1,2', 'long value 722382,1,2'],
    ]) {
      for (const end of ['\n', '\r\n']) {
        const r = internDistinctRows(enc(['a,b,c', x, y, x, y, y, ''].join(end)), ',')!;
        expect(Array.from({ length: rowCount(r.rows) }, (_, i) => rowOf(r.rows, i).join(','))).toEqual(['a,b,c', x, y]);
        expect(Array.from(r.count)).toEqual([1, 2, 3]);
      }
    }
    // A million rows of a few hundred kinds: each kind once, its count exact.
    const big = 'a,b,c,d\n' + Array.from({ length: 1_000_000 }, (_, i) => `${i % 7},${i % 11},,${i % 3 ? 'NA' : i % 5}`).join('\n') + '\n';
    const read = internDistinctRows(enc(big), ',')!;
    // The header; 7 x 11 rows ending in NA (i not a multiple of 3); 7 x 11 x 5 others (i mod 1155 decides them all).
    expect(read.count.length).toBe(1 + 7 * 11 + 7 * 11 * 5);
    expect(Array.from(read.count).reduce((a, b) => a + b, 0)).toBe(1_000_001);
    expect(Array.from(read.rows.lines.slice(0, 3))).toEqual([1, 2, 3]);
  });

  it('toPatternsCounted: units standing for several identical units make the table of every unit written out', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }).chain((coders) => fc.tuple(fc.constant(coders), fc.array(fc.tuple(fc.array(fc.integer({ min: -1, max: 3 }), { minLength: coders, maxLength: coders }), fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 30 }))),
        ([coders, units]) => {
          const categories = ['a', 'b', 'c', 'd'];
          const counted = toPatternsCounted(
            { coders, units: units.length, values: Int32Array.from(units.flatMap(([v]) => v)), categories },
            Float64Array.from(units, ([, n]) => n),
          );
          const expanded = units.flatMap(([v, n]) => Array.from({ length: n }, () => v));
          expect(counted).toEqual(toPatterns({ coders, units: expanded.length, values: Int32Array.from(expanded.flat()), categories }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves quoted text to the library', () => {
    expect(internFields('a,b\n"1",2\n', ',')).toBeUndefined();
    expect(internFields('a,b\r\n1,2\n', ',')).toBeUndefined();
    const { rows, lines } = viaLibrary('a,b\n"1,5",2\n\n3,"x""y"\n', ',');
    const t = internRows(rows, lines);
    expect([rowOf(t, 0), rowOf(t, 1), rowOf(t, 2)]).toEqual([
      ['a', 'b'],
      ['1,5', '2'],
      ['3', 'x"y'],
    ]);
    expect(Array.from(t.lines)).toEqual([1, 2, 4]);
  });

  it('200,000 rows of four values make a handful of strings', () => {
    const text = 'a,b,c,d\n' + Array.from({ length: 200_000 }, (_, i) => `${i % 3},${i % 5},,${i % 2 ? 'NA' : '1'}`).join('\n') + '\n';
    const t = internFields(text, ',')!;
    expect(rowCount(t)).toBe(200_001);
    expect(t.values.length).toBe(4 + 5 + 2);
  });

  it('values from interned cells are those from rows of strings: categories, missing tokens, notes, problems', () => {
    const value = fc.oneof(fc.constantFrom(...MISSING_TOKENS, ' 1 ', '1.0', '1e0', '2', '-3', 'low', 'Low', 'high', 'x'), fc.integer({ min: 0, max: 4 }).map(String));
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }).chain((coders) => fc.tuple(fc.constant(coders), fc.array(fc.array(value, { minLength: coders, maxLength: coders }), { minLength: 1, maxLength: 25 }))),
        fc.constantFrom<Level>('nominal', 'ordinal', 'interval', 'ratio'),
        fc.option(fc.constantFrom(['0', '1', '2'], ['low', 'high', 'x=3']), { nil: undefined }),
        ([coders, rows], level, categories) => {
          const opts = { level, ...(categories ? { categories } : {}) };
          const want = ratingsFromRows(rows, coders, opts);
          const values = [...new Set(rows.flat())];
          const ids = Int32Array.from(rows.flat(), (v) => values.indexOf(v));
          expect(ratingsFromCells({ ids, values, units: rows.length, coders }, opts)).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** bootstrapInterval as it was (a stable sort of the finite values), the oracle of the selection that replaced the sort. */
function intervalBySort(values: Float64Array, estimate: number, level: number, method: 'bca' | 'percentile', accel: number): { low: number; high: number; undefinedShare: number } {
  const finite = Array.from(values)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const undefinedShare = values.length > 0 ? 1 - finite.length / values.length : 0;
  if (finite.length === 0 || finite.length < values.length / 2) return { low: NaN, high: NaN, undefinedShare };
  const at = (p: number): number => {
    const x = Math.min(1, Math.max(0, p)) * (finite.length - 1);
    const lo = Math.floor(x);
    const hi = Math.ceil(x);
    return finite[lo]! + (finite[hi]! - finite[lo]!) * (x - lo);
  };
  const a1 = (1 - level) / 2;
  const a2 = 1 - a1;
  if (method === 'percentile' || !Number.isFinite(estimate)) return { low: at(a1), high: at(a2), undefinedShare };
  let below = 0;
  let equal = 0;
  for (const v of finite) {
    if (v < estimate) below++;
    else if (v === estimate) equal++;
  }
  const share = (below + equal / 2) / finite.length;
  if (share <= 0 || share >= 1) return { low: at(a1), high: at(a2), undefinedShare };
  const z0 = normalQuantile(share);
  const adjust = (alpha: number): number => {
    const z = normalQuantile(alpha);
    const d = 1 - accel * (z0 + z);
    return d > 0 ? normalCdf(z0 + (z0 + z) / d) : alpha < 0.5 ? 0 : 1;
  };
  return { low: at(adjust(a1)), high: at(adjust(a2)), undefinedShare };
}

describe('bootstrap intervals by selection', () => {
  // Resampled values as they come: many ties (a few patterns), both zeros, undefined resamples (NaN), infinities.
  const value = fc.oneof(
    fc.constantFrom(0, -0, 0, -0, NaN, Infinity, -Infinity, 0.5, -0.25, 1),
    fc.integer({ min: -4, max: 4 }).map((k) => k / 4),
    fc.double({ min: -1, max: 1, noNaN: true }),
  );
  it('give the bounds of a stable sort of the finite values, to the last bit (the sign of a zero included)', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 0, maxLength: 300 }), value, fc.constantFrom(0.95, 0.9, 0.5, 0.99, 0.999), fc.constantFrom('bca', 'percentile'), fc.double({ min: -0.3, max: 0.3, noNaN: true }), (xs, estimate, level, method, accel) => {
        const values = Float64Array.from(xs);
        const got = bootstrapInterval(values, estimate, level, method as 'bca' | 'percentile', accel);
        const want = intervalBySort(values, estimate, level, method as 'bca' | 'percentile', accel);
        expect(Object.is(got.low, want.low)).toBe(true);
        expect(Object.is(got.high, want.high)).toBe(true);
        expect(Object.is(got.undefinedShare, want.undefinedShare)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('select every position of the stable order, in any order of asking', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 200 }), fc.array(fc.nat(), { maxLength: 30 }), (xs, asks) => {
        const values = Float64Array.from(xs);
        const sorted = Array.from(values)
          .filter(Number.isFinite)
          .sort((a, b) => a - b);
        const order = new FiniteOrder(values);
        expect(order.length).toBe(sorted.length);
        if (sorted.length === 0) return;
        for (const k of [...asks.map((x) => x % sorted.length), ...sorted.keys()]) expect(Object.is(order.at(k), sorted[k])).toBe(true);
        // The values given are left as they were.
        expect(Array.from(values)).toEqual(xs);
      }),
      { numRuns: 1000 },
    );
  });

  it('tell the zeros apart as the sort does (hand-made case: -0 before +0 in the input, and after)', () => {
    // Stable sort of [0, -0, -1]: -1, 0, -0 (the zeros keep their order); a typed sort would give -1, -0, 0.
    const order = new FiniteOrder(Float64Array.from([0, -0, -1]));
    expect(Object.is(order.at(1), 0)).toBe(true);
    expect(Object.is(order.at(2), -0)).toBe(true);
    expect(Object.is(new FiniteOrder(Float64Array.from([-0, 0])).at(0), -0)).toBe(true);
  });
});
