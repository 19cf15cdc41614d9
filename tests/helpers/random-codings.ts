import { join } from 'node:path';
import fc from 'fast-check';
import type { Coding } from '../../src/core/coding/types.js';
import type { Study } from '../../src/core/study/types.js';
import { loadStudy } from '../../src/io/load-study.js';
import { repo } from './cli.js';

/**
 * Random codings of the fixture studies, for property tests of the analyses: whole lines and
 * exact spans, several coders, codes outside the codebook, codes in use only from a later wave,
 * documents in another order.
 */
export async function fixtureStudies(): Promise<Study[]> {
  const studies: Study[] = [];
  for (const name of ['buddy-study', 'ap-study', 'formats-study']) studies.push((await loadStudy(join(repo, 'fixtures', name))).study!);
  return studies;
}

/** One random coding: a document, a first segment and how many more, a code (or one the codebook lacks), whole lines or columns. */
const pick = fc.record({
  doc: fc.nat(),
  seg: fc.nat(),
  more: fc.nat({ max: 3 }),
  code: fc.nat(),
  unknown: fc.nat({ max: 9 }).map((n) => n === 0),
  coder: fc.constantFrom('x', 'y'),
  columns: fc.option(fc.record({ start: fc.integer({ min: 1, max: 40 }), end: fc.integer({ min: 1, max: 60 }) }), { freq: 3 }),
});
export const scenario = fc.record({ study: fc.nat(), picks: fc.array(pick, { maxLength: 120 }), since: fc.option(fc.record({ code: fc.nat(), wave: fc.nat() })), wave: fc.option(fc.nat()), shuffle: fc.option(fc.array(fc.nat(), { minLength: 1, maxLength: 8 })) });

export type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** The codings of `picks` on `base`'s documents and codes (picks as `pick` draws them; without `unknown`, every code is in the codebook). */
export function codingsOf(base: Study, picks: ReadonlyArray<{ doc: number; seg: number; more: number; code: number; unknown?: boolean; coder: string; columns: { start: number; end: number } | null }>): Coding[] {
  const codes = base.codebook.codes;
  return picks.map((p) => {
    const d = base.documents[p.doc % base.documents.length]!;
    const list = d.segmentList;
    const s = p.seg % list.length;
    const e = Math.min(list.length - 1, s + p.more);
    const c: Coding = { coder: p.coder, participant: d.participant, wave: d.wave, startLine: list.startLine(s), endLine: list.endLine(e), code: p.unknown ? 'not.in.codebook' : codes[p.code % codes.length]!.id, exemplar: false };
    if (p.columns) {
      c.endLine = c.startLine + (e - s > 0 ? 1 : 0);
      c.startColumn = p.columns.start;
      c.endColumn = c.endLine === c.startLine ? Math.max(p.columns.start, p.columns.end) : p.columns.end;
    }
    return c;
  });
}

/** `base`'s codebook with one of its codes in use only from one of its waves (`since:`), or as it is. */
export function withSince(base: Study, since: { code: number; wave: number } | null): Study['codebook'] {
  if (!since) return base.codebook;
  const codes = base.codebook.codes;
  const target = codes[since.code % codes.length]!.id;
  const wave = base.config.waves[since.wave % base.config.waves.length]!.id;
  return { ...base.codebook, codes: codes.map((c) => (c.id === target ? { ...c, since: wave } : c)) };
}

export function randomCodings(studies: readonly Study[], sc: Scenario): Study {
  const base = studies[sc.study % studies.length]!;
  const list = codingsOf(base, sc.picks);
  const codebook = withSince(base, sc.since);
  // Documents in another order (so that a cell's participants do not come in natural order already).
  const documents = sc.shuffle
    ? [...base.documents]
        .map((d, i) => ({ d, k: sc.shuffle![i % sc.shuffle!.length]! * 1000 + i }))
        .sort((a, b) => a.k - b.k)
        .map((x) => x.d)
    : base.documents;
  return { ...base, documents, codebook, codings: list, coders: ['x', 'y'] };
}
