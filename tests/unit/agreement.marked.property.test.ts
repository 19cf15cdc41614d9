import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { sinceIndex } from '../../src/core/codebook/versions.js';
import { touchedSegments } from '../../src/core/coding/span.js';
import { codePatterns, pooledPatterns, type MarkedByUnit, type MarkedCode, type MarkedSpace } from '../../src/core/agreement/marked.js';
import { studyAgreement } from '../../src/core/agreement/study.js';
import { agreement } from '../../src/core/agreement/report.js';
import { MISSING, toPatterns, toPatternsMany, type Ratings } from '../../src/core/agreement/table.js';
import { codeRatings } from '../../src/core/agreement/units.js';
import type { Study } from '../../src/core/study/types.js';
import { codingsOf, fixtureStudies, withSince } from '../helpers/random-codings.js';

/**
 * Pattern tables counted by subtraction (marked.ts: only the units some coder marked are visited;
 * every other unit is "not applied" by every coder, or missing before the code's since:) against
 * the straightforward way they replaced: every unit visited for every code (toPatterns and
 * toPatternsMany on the full units x coders tables). The same patterns in the same order with the
 * same counts (and the same sampling-unit kinds when pooled), hence the same statistics to the bit.
 */

/** The full table written out unit by unit, as codeRatings made it before. */
function full(space: MarkedSpace, code: MarkedCode): Ratings {
  const { coders: R, units: N } = space;
  const values = new Int32Array(N * R);
  for (let i = 0; i < N; i++) {
    const j = code.units.indexOf(i);
    for (let r = 0; r < R; r++) values[i * R + r] = space.unitWave[i]! < code.from ? MISSING : j >= 0 ? code.marks[j * R + r]! : 0;
  }
  return { coders: R, units: N, values, categories: ['0', '1'], numeric: Float64Array.from([0, 1]), ordered: true };
}

const data = fc.record({ coders: fc.integer({ min: 1, max: 4 }), units: fc.integer({ min: 0, max: 40 }), codes: fc.integer({ min: 1, max: 5 }), waves: fc.integer({ min: 1, max: 3 }) }).chain(({ coders, units, codes, waves }) =>
  fc.record({
    coders: fc.constant(coders),
    unitWave: fc.array(fc.nat({ max: waves - 1 }), { minLength: units, maxLength: units }),
    codes: fc.array(
      fc.record({
        from: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat({ max: waves }) }),
        // Each unit: unmarked (most), or who marked it (a non-zero bit mask).
        marks: fc.array(fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: (1 << coders) - 1 }) }), { minLength: units, maxLength: units }),
      }),
      { minLength: codes, maxLength: codes },
    ),
  }),
);

function marked(d: { coders: number; unitWave: number[]; codes: Array<{ from: number; marks: number[] }> }): { space: MarkedSpace; codes: MarkedCode[]; byUnit: MarkedByUnit } {
  const R = d.coders;
  const N = d.unitWave.length;
  const space: MarkedSpace = { coders: R, units: N, unitWave: Int32Array.from(d.unitWave) };
  const codes = d.codes.map((c) => {
    const units = c.marks.flatMap((m, i) => (m ? [i] : []));
    const marks = new Uint8Array(units.length * R);
    units.forEach((i, j) => {
      for (let r = 0; r < R; r++) marks[j * R + r] = (c.marks[i]! >> r) & 1;
    });
    return { units: Int32Array.from(units), marks, from: c.from };
  });
  const start: number[] = [0];
  const code: number[] = [];
  const at: number[] = [];
  for (let i = 0; i < N; i++) {
    codes.forEach((c, k) => {
      const j = c.units.indexOf(i);
      if (j >= 0) {
        code.push(k);
        at.push(j * R);
      }
    });
    start.push(code.length);
  }
  return { space, codes, byUnit: { start: Int32Array.from(start), code: Int32Array.from(code), at: Int32Array.from(at) } };
}

describe('pattern tables by subtraction (marked.ts) = by visiting every unit for every code', () => {
  it('per code: toPatterns of the full table', () => {
    fc.assert(
      fc.property(data, (d) => {
        const m = marked(d);
        for (const c of m.codes) expect(codePatterns(m.space, c)).toEqual(toPatterns(full(m.space, c)));
      }),
      { numRuns: 300 },
    );
  });

  it('pooled over codes: toPatternsMany of the full tables (patterns, counts and sampling-unit kinds)', () => {
    fc.assert(
      fc.property(data, (d) => {
        const m = marked(d);
        expect(pooledPatterns(m.space, m.codes, m.byUnit)).toEqual(toPatternsMany(m.codes.map((c) => full(m.space, c))));
      }),
      { numRuns: 300 },
    );
  });

  it('by hand: 5 units, 2 coders, units 0-1 at wave 0 and the code in use from wave 1', () => {
    // Unit 2: both coders; unit 4: the first coder only; units 0 and 1 missing; unit 3 nobody.
    const space: MarkedSpace = { coders: 2, units: 5, unitWave: Int32Array.from([0, 0, 1, 1, 1]) };
    const code: MarkedCode = { units: Int32Array.from([1, 2, 4]), marks: Uint8Array.from([1, 1, 1, 1, 1, 0]), from: 1 };
    const t = codePatterns(space, code);
    // First appearances: missing (unit 0), both (unit 2), neither (unit 3), first only (unit 4).
    expect(Array.from(t.tuples)).toEqual([MISSING, MISSING, 1, 1, 0, 0, 1, 0]);
    expect(Array.from(t.counts)).toEqual([2, 1, 1, 1]);
  });
});

/**
 * On coded studies (the fixtures with random codings by two coders x and y: whole lines and exact
 * spans, a code in use from a later wave, transcripts one coder never coded or marked finished,
 * --uncoded absent and missing, segments and transcripts, codes and themes): codeRatings' tables
 * against the tables written out here by visiting every unit for every code and coder, and the
 * agreement rows of studyAgreement against agreement() on those tables.
 */
let studies: Study[];
beforeAll(async () => {
  studies = await fixtureStudies();
});

const pick = fc.record({
  doc: fc.nat(),
  seg: fc.nat(),
  more: fc.nat({ max: 3 }),
  code: fc.nat(),
  coder: fc.constantFrom('x', 'y'),
  columns: fc.option(fc.record({ start: fc.integer({ min: 1, max: 40 }), end: fc.integer({ min: 1, max: 60 }) }), { freq: 3 }),
});
const scenario = fc.record({
  study: fc.nat(),
  picks: fc.array(pick, { maxLength: 80 }),
  since: fc.option(fc.record({ code: fc.nat(), wave: fc.nat() })),
  finished: fc.array(fc.record({ doc: fc.nat(), coder: fc.constantFrom('x', 'y') }), { maxLength: 3 }),
  uncoded: fc.constantFrom('absent' as const, 'missing' as const),
  unit: fc.constantFrom('segment' as const, 'document' as const),
  level: fc.constantFrom('code' as const, 'theme' as const),
  interviewer: fc.boolean(),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function build(sc: Scenario): Study {
  const base = studies[sc.study % studies.length]!;
  const codings = codingsOf(base, sc.picks);
  const codebook = withSince(base, sc.since);
  const finished = sc.finished.map((f) => {
    const d = base.documents[f.doc % base.documents.length]!;
    return { coder: f.coder, participant: d.participant, wave: d.wave, source: { file: `codings/${f.coder}.finished.tsv`, line: 2 } };
  });
  return { ...base, codebook, codings, coders: ['x', 'y'], finished };
}

/** The full table of one code (or theme), unit by unit and coder by coder, from the codings. */
function straightforward(study: Study, sc: Scenario, compared: Study['documents']): Array<{ id: string; ratings: Ratings; prevalence: Array<number | null> }> {
  const coders = ['x', 'y'];
  const targets = sc.level === 'theme' ? study.codebook.themes : study.codebook.codes;
  const target = (code: string) => (sc.level === 'theme' ? (study.codebook.byId.get(code)?.theme ?? code) : code);
  const since = sinceIndex(study.codebook, study.config.waves);
  const waveIndex = new Map(study.config.waves.map((w) => [w.id, w.index]));
  const units: Array<{ doc: Study['documents'][number]; seg: number }> = [];
  for (const doc of compared) {
    if (sc.unit === 'document') units.push({ doc, seg: -1 });
    else for (let i = 0; i < doc.segmentList.length; i++) if (doc.segmentList.role(i) === 'participant' || (sc.interviewer && doc.segmentList.role(i) === 'interviewer')) units.push({ doc, seg: i });
  }
  return targets.map((t) => {
    const from = since.get(t.id) ?? 0;
    const values = new Int32Array(units.length * 2);
    const yes = [0, 0];
    let seen = 0;
    units.forEach((u, i) => {
      const before = (waveIndex.get(u.doc.wave) ?? 0) < from;
      if (!before) seen++;
      coders.forEach((coder, r) => {
        const applied = study.codings.some((c) => {
          if (c.coder !== coder || c.participant !== u.doc.participant || c.wave !== u.doc.wave || target(c.code) !== t.id) return false;
          if (u.seg < 0) return true;
          const [lo, hi] = touchedSegments(u.doc, c);
          return u.seg >= lo && u.seg < hi;
        });
        values[i * 2 + r] = before ? MISSING : applied ? 1 : 0;
        if (!before && applied) yes[r]!++;
      });
    });
    return { id: t.id, ratings: { coders: 2, units: units.length, values, categories: ['0', '1'], numeric: Float64Array.from([0, 1]), ordered: true }, prevalence: yes.map((y) => (seen > 0 ? y / seen : null)) };
  });
}

describe('agreement on a coded study: tables by subtraction = every unit visited for every code', () => {
  it('codeRatings, its pattern tables and studyAgreement rows match the straightforward tables', () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        const study = build(sc);
        const opts = { coders: ['x', 'y'], unit: sc.unit, level: sc.level, includeInterviewer: sc.interviewer, uncoded: sc.uncoded };
        const data = codeRatings(study, opts);
        const ref = straightforward(study, sc, data.selection.compared);
        expect(data.perCode.map((c) => c.code)).toEqual(ref.map((r) => r.id));
        expect(data.marked).toBeDefined();
        data.perCode.forEach((c, k) => {
          expect(c.ratings().values).toEqual(ref[k]!.ratings.values);
          expect(c.prevalence).toEqual(ref[k]!.prevalence);
          expect(codePatterns(data.marked!.space, c.marked)).toEqual(toPatterns(ref[k]!.ratings));
        });
        if (ref.length > 0)
          expect(
            pooledPatterns(
              data.marked!.space,
              data.perCode.map((c) => c.marked),
              data.marked!.byUnit,
            ),
          ).toEqual(toPatternsMany(ref.map((r) => r.ratings)));
        // The rows, with a few resamples: the same numbers to the bit as agreement() on the full tables.
        const a = { level: 'nominal' as const, resamples: 20, seed: 3 };
        const rows = studyAgreement(study, { ...opts, resamples: 20, seed: 3 }).rows;
        ref.forEach((r, k) => expect(rows[k]!.result).toEqual(agreement(toPatterns(r.ratings), { ...a, describeInformative: (n: number) => (n === 0 ? 'nobody applied the code' : `only ${n} ${sc.unit === 'document' ? 'transcripts' : 'segments'} where anyone applied the code`) })));
        if (ref.length > 0) expect(rows[ref.length]!.result).toEqual(agreement(toPatternsMany(ref.map((r) => r.ratings)), { ...a, describeInformative: (n: number) => (n === 0 ? 'nobody applied a code' : `only ${n} ${sc.unit === 'document' ? 'transcripts' : 'segments'} where anyone applied a code`) }));
      }),
      { numRuns: 60 },
    );
  });
});
