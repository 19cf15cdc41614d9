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
