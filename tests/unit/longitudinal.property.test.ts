import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Code } from '../../src/core/codebook/types.js';
import type { Coding } from '../../src/core/coding/types.js';
import { anticipations, ANTICIPATION_STATUSES } from '../../src/core/matrix/anticipation.js';
import { CHANGE_CATEGORIES, changeMatrix } from '../../src/core/matrix/change.js';
import { codedStudy } from '../../src/core/matrix/coded.js';
import { dropout } from '../../src/core/matrix/dropout.js';
import { grid, NOT_CODED_FOR, NOT_INTERVIEWED } from '../../src/core/matrix/grid.js';
import { matrix } from '../../src/core/matrix/matrix.js';
import { trajectories } from '../../src/core/matrix/trajectories.js';
import type { Study } from '../../src/core/study/types.js';
import { loadStudy } from '../../src/io/load-study.js';
import { repo } from '../helpers/cli.js';

let base: Study;
beforeAll(async () => {
  base = (await loadStudy(join(repo, 'fixtures/buddy-study'))).study!;
});

/**
 * Random studies made from the buddy study: random codings (any segment, any code), random
 * attrition (any transcripts dropped), and random codebook versions (any code given a since).
 */
const arbitrary = fc.record({
  picks: fc.array(fc.record({ doc: fc.nat(), seg: fc.nat(), code: fc.nat() }), { maxLength: 120 }),
  dropped: fc.array(fc.nat(), { maxLength: 25 }),
  since: fc.array(fc.record({ code: fc.nat(), wave: fc.nat({ max: 2 }) }), { maxLength: 6 }),
});

type Drawn = typeof arbitrary extends fc.Arbitrary<infer T> ? T : never;

function make({ picks, dropped, since }: Drawn): Study {
  const gone = new Set(dropped.map((i) => i % base.documents.length));
  const documents = base.documents.filter((_, i) => !gone.has(i) || gone.size >= base.documents.length);
  const sinceOf = new Map(since.map((s) => [base.codebook.codes[s.code % base.codebook.codes.length]!.id, base.config.waves[s.wave]!.id]));
  // A sub-code is never older than its parent: keep the later of the two (as validate demands).
  const idx = new Map(base.config.waves.map((w) => [w.id, w.index]));
  const codes: Code[] = [];
  const byId = new Map<string, Code>();
  for (const c of base.codebook.codes) {
    const own = sinceOf.get(c.id);
    const parent = c.parent ? byId.get(c.parent)?.since : undefined;
    const s = own === undefined ? undefined : parent !== undefined && idx.get(parent)! > idx.get(own)! ? parent : own;
    const copy: Code = { ...c, ...(s !== undefined ? { since: s } : {}) };
    if (s === undefined) delete copy.since;
    codes.push(copy);
    byId.set(c.id, copy);
  }
  const codings: Coding[] = picks.map(({ doc, seg, code }) => {
    const d = documents[doc % documents.length]!;
    const s = d.segments[seg % d.segments.length]!;
    return { coder: 'x', participant: d.participant, wave: d.wave, startLine: s.startLine, endLine: s.endLine, code: codes[code % codes.length]!.id, exemplar: false };
  });
  return { ...base, documents, codebook: { ...base.codebook, codes, byId, themes: codes.filter((c) => c.depth === 0) }, codings, coders: ['x'] };
}

const held = (s: Study) => new Set(s.documents.map((d) => `${d.participant}/${d.wave}`));
const sinceIndex = (s: Study, id: string): number => {
  let c: Code | undefined = s.codebook.byId.get(id);
  let at = 0;
  for (; c; c = c.parent ? s.codebook.byId.get(c.parent) : undefined) if (c.since) at = Math.max(at, s.config.waves.find((w) => w.id === c!.since)!.index);
  return at;
};

describe('longitudinal invariants under attrition and codebook versions', () => {
  it('no participant counts at a wave they were not interviewed at, or before the code existed', () => {
    fc.assert(
      fc.property(arbitrary, fc.constantFrom<'theme' | 'code'>('theme', 'code'), (input, rows) => {
        const s = make(input);
        const cs = codedStudy(s, 'x');
        const ok = held(s);
        const m = matrix(cs, { rows });
        m.rows.forEach((r, i) => {
          m.columns.forEach((col, k) => {
            const cell = m.cells[i]![k]!;
            const wave = s.config.waves.find((w) => w.id === col.wave)!;
            if (wave.index < sinceIndex(s, r.id)) {
              expect(cell.codedFor).toBe(false);
              expect(cell.ids).toEqual([]);
              expect(cell.percent).toBeNull();
            }
            for (const p of cell.ids) expect(ok.has(`${p}/${col.wave}`)).toBe(true);
          });
        });
        const g = grid(cs, rows);
        g.rows.forEach((r, ri) =>
          g.participants.forEach((p, pi) =>
            g.waves.forEach((w, wi) => {
              const v = g.values[(ri * g.participants.length + pi) * g.waves.length + wi]!;
              if (!ok.has(`${p}/${w.id}`)) expect(v).toBe(NOT_INTERVIEWED);
              else if (w.index < sinceIndex(s, r.id)) expect(v).toBe(NOT_CODED_FOR);
              else expect(v).toBeGreaterThanOrEqual(0);
            }),
          ),
        );
        for (const t of trajectories(cs, { rows })) {
          t.transitions.forEach((x, i) => {
            const on = i + 1 >= sinceIndex(s, t.id) && i >= sinceIndex(s, t.id);
            expect(x.codedFor).toBe(on);
            for (const p of [...x.persisted, ...x.emerged, ...x.faded, ...x.absent]) {
              expect(ok.has(`${p}/${x.from}`) && ok.has(`${p}/${x.to}`)).toBe(true);
            }
            if (!on) expect(x.both + x.emerged.length + x.faded.length).toBe(0);
          });
        }
        for (const r of changeMatrix(cs, { rows }).rows) {
          for (const p of r.participants) for (const w of p.observed) expect(ok.has(`${p.participant}/${w}`) && s.config.waves.find((x) => x.id === w)!.index >= sinceIndex(s, r.id)).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('the change categories partition the participants of every theme (and code); so do the anticipation statuses', () => {
    fc.assert(
      fc.property(arbitrary, fc.constantFrom<'theme' | 'code'>('theme', 'code'), fc.constantFrom<'segments' | 'presence'>('segments', 'presence'), (input, rows, measure) => {
        const s = make(input);
        const cs = codedStudy(s, 'x');
        const people = [...new Set(s.documents.map((d) => d.participant))].sort();
        const cm = changeMatrix(cs, { rows, measure });
        for (const r of cm.rows) {
          const all = CHANGE_CATEGORIES.flatMap((c) => r.cells[c.id]);
          expect(all.length).toBe(people.length);
          expect([...all].sort()).toEqual(people);
          for (const p of r.participants) expect(r.cells[p.category]).toContain(p.participant);
        }
        for (const pair of anticipations(cs).pairs) {
          expect(ANTICIPATION_STATUSES.reduce((n, st) => n + pair.counts[st.id], 0)).toBe(people.length);
        }
        // The drop-out groups split the interviewed of each wave.
        for (const b of dropout(cs, { rows })) {
          const at = s.documents.filter((d) => d.wave === b.after.id).map((d) => d.participant);
          expect([...b.lost, ...b.retained].sort()).toEqual([...new Set(at)].sort());
        }
      }),
      { numRuns: 40 },
    );
  });
});
