import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { sinceIndex } from '../../src/core/codebook/versions.js';
import { hasColumns, touchedSegments } from '../../src/core/coding/span.js';
import type { Coding } from '../../src/core/coding/types.js';
import { retrieve } from '../../src/core/coding/retrieve.js';
import { displayWidth, renderTerminal } from '../../src/core/format/table.js';
import { codedStudy, type CodedSegment, type PairsStore, type StoredPairs } from '../../src/core/matrix/coded.js';
import { cooccurrence } from '../../src/core/matrix/cooccurrence.js';
import { matrix } from '../../src/core/matrix/matrix.js';
import { documentSummary, summarise } from '../../src/core/summary/summary.js';
import type { Study } from '../../src/core/study/types.js';
import { fixtureStudies, randomCodings, scenario, type Scenario } from '../helpers/random-codings.js';
import { straightforwardCooccurrence, straightforwardDisplayWidth, straightforwardDocumentSummary, straightforwardMatrix, straightforwardRenderTerminal, straightforwardRetrieve } from '../helpers/straightforward-analyses.js';

/**
 * The analyses' fast paths (typed keys instead of sets and maps per segment) against the
 * straightforward computations they replaced, written out here as they were: on random codings
 * of the fixture studies (whole lines and exact spans, several coders, codes outside the
 * codebook, codes in use only from a later wave), both give the same result.
 */

let studies: Study[];
beforeAll(async () => {
  studies = await fixtureStudies();
});
const build = (sc: Scenario): Study => randomCodings(studies, sc);

/** codedStudy's segments as first written: a set of codes per segment, sorted by codebook order (unknown codes last, as they came). */
function referenceCoded(study: Study, coder: string): { coded: Map<string, CodedSegment[]>; beforeSince: number; exact: Map<string, Coding[]> } {
  const order = new Map(study.codebook.codes.map((c, i) => [c.id, i]));
  const since = sinceIndex(study.codebook, study.config.waves);
  const waveIndex = new Map(study.config.waves.map((w) => [w.id, w.index]));
  const byDoc = new Map<string, Coding[]>();
  let beforeSince = 0;
  for (const c of study.codings) {
    if (c.coder !== coder) continue;
    if ((waveIndex.get(c.wave) ?? 0) < (since.get(c.code) ?? 0)) {
      beforeSince++;
      continue;
    }
    const id = `${c.participant}/${c.wave}`;
    let list = byDoc.get(id);
    if (!list) byDoc.set(id, (list = []));
    list.push(c);
  }
  const coded = new Map<string, CodedSegment[]>();
  const exact = new Map<string, Coding[]>();
  for (const doc of study.documents) {
    const codings = byDoc.get(doc.id);
    if (!codings) {
      coded.set(doc.id, []);
      continue;
    }
    const perSegment = new Map<number, Set<string>>();
    let byLines: Map<number, Set<string>> | undefined;
    for (const c of codings) {
      const [lo, hi] = touchedSegments(doc, c);
      if (hasColumns(c)) {
        let list = exact.get(doc.id);
        if (!list) exact.set(doc.id, (list = []));
        list.push(c);
        byLines ??= new Map();
      }
      for (let i = lo; i < hi; i++) {
        let set = perSegment.get(i);
        if (!set) perSegment.set(i, (set = new Set()));
        set.add(c.code);
      }
    }
    const sortCodes = (codes: Iterable<string>): string[] => [...codes].sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9));
    if (byLines) {
      for (const c of codings) {
        if (hasColumns(c)) continue;
        const [lo, hi] = touchedSegments(doc, c);
        for (let i = lo; i < hi; i++) {
          let set = byLines.get(i);
          if (!set) byLines.set(i, (set = new Set()));
          set.add(c.code);
        }
      }
    }
    const spanTouched = new Set<number>();
    for (const c of exact.get(doc.id) ?? []) {
      const [lo, hi] = touchedSegments(doc, c);
      for (let i = lo; i < hi; i++) spanTouched.add(i);
    }
    coded.set(
      doc.id,
      [...perSegment]
        .sort((a, b) => a[0] - b[0])
        .map(([index, codes]) => {
          const seg: CodedSegment = { doc, index, codes: sortCodes(codes) };
          if (spanTouched.has(index)) seg.lineCodes = sortCodes(byLines?.get(index) ?? []);
          return seg;
        }),
    );
  }
  return { coded, beforeSince, exact };
}

const plain = (m: Map<string, CodedSegment[]>) => [...m].map(([id, segs]) => [id, segs.map((s) => ({ doc: s.doc.id, index: s.index, codes: s.codes, ...(s.lineCodes ? { lineCodes: s.lineCodes } : {}) }))]);

describe('fast analyses equal the straightforward ones', () => {
  it('codedStudy: the same coded segments, codes in the same order, the same lineCodes, exact spans and count before since', () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        const s = build(sc);
        for (const coder of ['x', 'y']) {
          const want = referenceCoded(s, coder);
          const got = codedStudy(s, coder);
          expect(plain(got.coded)).toStrictEqual(plain(want.coded));
          expect([...got.exact]).toStrictEqual([...want.exact]);
          expect(got.beforeSince).toBe(want.beforeSince);
        }
      }),
      { numRuns: 300 },
    );
  });
  it('matrix: the same cells (participants, ids in order, documents, segments, words), themes or codes, split by an attribute or not', () => {
    fc.assert(
      fc.property(scenario, fc.constantFrom<'theme' | 'code'>('theme', 'code'), fc.boolean(), (sc, rows, split) => {
        const s = build(sc);
        const by = split ? Object.keys(s.participants[0]?.attributes ?? {})[0] : undefined;
        const waves = sc.wave === null ? undefined : [s.config.waves[sc.wave % s.config.waves.length]!.id];
        const cs = codedStudy(s, 'x', waves ? { waves } : {});
        const o = { rows, ...(by !== undefined ? { by } : {}) };
        expect(matrix(cs, o)).toStrictEqual(straightforwardMatrix(cs, o));
      }),
      { numRuns: 200 },
    );
  });

  it('cooccurrence: the same counts and Jaccard indices per segment and per document, themes or codes', () => {
    fc.assert(
      fc.property(scenario, fc.constantFrom<'theme' | 'code'>('theme', 'code'), fc.constantFrom<'segment' | 'document'>('segment', 'document'), (sc, rows, unit) => {
        const cs = codedStudy(build(sc), 'y');
        expect(cooccurrence(cs, { rows, unit })).toStrictEqual(straightforwardCooccurrence(cs, { rows, unit }));
      }),
      { numRuns: 200 },
    );
  });

  it('summary: coded segments per wave as codedStudy counts them; every document summary as first written', () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        const s = build(sc);
        const cs = codedStudy(s, 'x');
        const got = summarise(s, 'x');
        for (const w of got.waves) expect(w.codedSegments).toBe(cs.documents.filter((d) => d.wave === w.id).reduce((n, d) => n + cs.coded.get(d.id)!.length, 0));
        expect(got.documents).toStrictEqual(s.documents.map((d) => straightforwardDocumentSummary(d)));
        expect(s.documents.map((d) => documentSummary(d))).toStrictEqual(got.documents);
      }),
      { numRuns: 100 },
    );
  });

  it('with a store of the pairs (kept by a first call in one scope, read back, as from the study index, by a call in another): matrix, cooccurrence, summary, the coded segments and exact spans are those made without it', () => {
    const scopes = fc.option(fc.nat(), { nil: undefined });
    fc.assert(
      fc.property(scenario, scopes, scopes, fc.constantFrom<'theme' | 'code'>('theme', 'code'), (sc, first, second, rows) => {
        const s = build(sc);
        const scope = (w: number | undefined) => (w === undefined ? {} : { waves: [s.config.waves[w % s.config.waves.length]!.id] });
        // Kept as the index keeps it: a copy (structured clone), never the arrays the first call made.
        const kept = new Map<string, StoredPairs>();
        let read = 0;
        const store: PairsStore = {
          get: (coder) => {
            const p = kept.get(coder);
            if (p) read++;
            return p && structuredClone(p);
          },
          put: (coder, p) => void kept.set(coder, structuredClone(p)),
        };
        for (const coder of ['x', 'y']) {
          const made = codedStudy(s, coder, scope(first), store);
          const want = codedStudy(s, coder, scope(first));
          expect(matrix(made, { rows })).toStrictEqual(matrix(want, { rows }));
          const again = codedStudy(s, coder, scope(second), store);
          const plainSecond = codedStudy(s, coder, scope(second));
          expect(matrix(again, { rows })).toStrictEqual(matrix(plainSecond, { rows }));
          expect(cooccurrence(again, { rows, unit: 'segment' })).toStrictEqual(cooccurrence(plainSecond, { rows, unit: 'segment' }));
          expect(cooccurrence(again, { rows, unit: 'document' })).toStrictEqual(cooccurrence(plainSecond, { rows, unit: 'document' }));
          expect(again.beforeSince).toBe(plainSecond.beforeSince);
          expect(plain(again.coded)).toStrictEqual(plain(plainSecond.coded));
          expect([...again.exact]).toStrictEqual([...plainSecond.exact]);
          expect(summarise(s, coder, store)).toStrictEqual(summarise(s, coder));
        }
        // Read back (the study's document ids are distinct in these scenarios): the comparisons above were of the stored path.
        if (new Set(s.documents.map((d) => d.id)).size === s.documents.length) expect(read).toBeGreaterThanOrEqual(2);
      }),
      { numRuns: 150 },
    );
  });

  it('retrieve: the same passages (text, speaker, attribution, segments) for a code, a theme, a coder, a wave', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), fc.constantFrom('code', 'coder', 'wave', 'none'), (sc, which, what) => {
        const s = build(sc);
        const code = s.codebook.codes[which % s.codebook.codes.length]!.id;
        const f = what === 'code' ? { codes: [code] } : what === 'coder' ? { coders: ['y'] } : what === 'wave' ? { waves: [s.config.waves[which % s.config.waves.length]!.id] } : {};
        expect(retrieve(s, f)).toStrictEqual(straightforwardRetrieve(s, f));
      }),
      { numRuns: 150 },
    );
  });
  it('displayWidth and renderTerminal: the same widths and the same table text (wide, combining, astral, control characters; truncated to a width)', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: fc.constantFrom('a', 'é', 'e\u0301', '漢', '😀', '\t', '\n', '\x1b', 'ü', ' ') }));
    const cell = fc.oneof(text, fc.integer(), fc.double({ noNaN: true }));
    fc.assert(
      fc.property(text, (s) => {
        expect(displayWidth(s)).toBe(straightforwardDisplayWidth(s));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.array(fc.array(cell, { maxLength: 4 }), { maxLength: 6 }), fc.option(fc.array(fc.array(cell, { maxLength: 4 }), { maxLength: 2 })), fc.option(fc.integer({ min: 10, max: 60 })), (rows, footer, maxWidth) => {
        const table = { title: 'T', columns: [{ header: 'a' }, { header: 'bé', align: 'right' as const }, { header: 'c', align: 'center' as const }, { header: '漢字' }], rows, ...(footer ? { footer } : {}), bold: rows.map((_, i) => i % 2 === 0) };
        const opts = maxWidth === null ? {} : { maxWidth };
        expect(renderTerminal(table, opts)).toBe(straightforwardRenderTerminal(table, opts));
      }),
      { numRuns: 300 },
    );
  });
});
