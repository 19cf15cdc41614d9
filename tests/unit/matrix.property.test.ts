import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Coding } from '../../src/core/coding/types.js';
import { codedStudy } from '../../src/core/matrix/coded.js';
import { matrix } from '../../src/core/matrix/matrix.js';
import { trajectories } from '../../src/core/matrix/trajectories.js';
import type { Study } from '../../src/core/study/types.js';
import { loadStudy } from '../../src/io/load-study.js';
import { repo } from '../helpers/cli.js';

let study: Study;
beforeAll(async () => {
  study = (await loadStudy(join(repo, 'fixtures/buddy-study'))).study!;
});

/** Random codings of the buddy study by one coder: any segment, any code. */
const codings = fc.array(fc.record({ doc: fc.nat(), seg: fc.nat(), code: fc.nat() }), { maxLength: 80 });

function withCodings(picks: Array<{ doc: number; seg: number; code: number }>): Study {
  const list: Coding[] = picks.map(({ doc, seg, code }) => {
    const d = study.documents[doc % study.documents.length]!;
    const s = d.segments[seg % d.segments.length]!;
    return { coder: 'x', participant: d.participant, wave: d.wave, startLine: s.startLine, endLine: s.endLine, code: study.codebook.codes[code % study.codebook.codes.length]!.id, exemplar: false };
  });
  return { ...study, codings: list, coders: ['x'] };
}

describe('longitudinal table invariants', () => {
  it('a participant not interviewed at a wave never counts in that wave', () => {
    fc.assert(
      fc.property(codings, fc.constantFrom<'theme' | 'code'>('theme', 'code'), (picks, rows) => {
        const s = withCodings(picks);
        const m = matrix(codedStudy(s, 'x'), { rows });
        m.columns.forEach((col, k) => {
          const at = new Set(s.documents.filter((d) => d.wave === col.wave).map((d) => d.participant));
          expect(col.interviewed).toBe(at.size);
          for (const row of m.cells) {
            for (const id of row[k]!.ids) expect(at.has(id)).toBe(true);
            expect(row[k]!.participants).toBeLessThanOrEqual(col.interviewed);
          }
        });
      }),
      { numRuns: 60 },
    );
  });

  it("a cell's ids: each participant once, in natural order (MS2 before MS10), whatever the documents' order, a document given twice counted once", () => {
    // Participants named so that natural order is not the order of the strings (MS10 < MS2 as text).
    const names = ['MS10', 'MS2', 'ms3', 'MS1'];
    const base = study.documents[0]!;
    const docs = names.map((p) => ({ ...base, participant: p, id: `${p}/${base.wave}` }));
    // Shuffled, and the first document again (a hand-built study object).
    const documents = [docs[2]!, docs[0]!, docs[3]!, docs[1]!, docs[2]!];
    const seg = base.segments[0]!;
    const code = study.codebook.codes[0]!.id;
    const list: Coding[] = names.map((p) => ({ coder: 'x', participant: p, wave: base.wave, startLine: seg.startLine, endLine: seg.endLine, code, exemplar: false }));
    const s: Study = { ...study, documents, participants: names.map((id) => ({ id, attributes: {} })) as Study['participants'], codings: list, coders: ['x'] };
    const m = matrix(codedStudy(s, 'x'), { rows: 'code' });
    const k = m.columns.findIndex((c) => c.wave === base.wave);
    const r = m.rows.findIndex((row) => row.id === code);
    const cell = m.cells[r]![k]!;
    // By hand: natural order compares digit runs by value (1 < 2 < 10) and the rest by code unit ('M' 0x4d < 'm' 0x6d): MS1, MS2, MS10, ms3.
    expect(cell.ids).toEqual(['MS1', 'MS2', 'MS10', 'ms3']);
    expect(cell.participants).toBe(4);
  });

  it('persisted + emerged + faded + absent = participants interviewed at both waves', () => {
    fc.assert(
      fc.property(codings, (picks) => {
        const s = withCodings(picks);
        for (const t of trajectories(codedStudy(s, 'x'), { rows: 'theme' })) {
          for (const x of t.transitions) {
            expect(x.persisted.length + x.emerged.length + x.faded.length + x.absent.length).toBe(x.both);
            const groups = [x.persisted, x.emerged, x.faded, x.absent].flat();
            expect(new Set(groups).size).toBe(groups.length);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
