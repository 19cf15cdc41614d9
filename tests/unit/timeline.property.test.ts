import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { timelineData } from '../../src/core/figures/timeline.js';
import type { Study } from '../../src/core/study/types.js';
import { loadStudy } from '../../src/io/load-study.js';
import { repo } from '../helpers/cli.js';

/**
 * The timeline's interviews per participant, found in one pass over the transcripts, against the
 * straightforward way (every transcript filtered for every participant), on the fixture studies
 * with their transcripts in random orders, random dates missing and random waves shown.
 */
let studies: Study[];
beforeAll(async () => {
  studies = [];
  for (const name of ['buddy-study', 'ap-study', 'formats-study']) studies.push((await loadStudy(join(repo, 'fixtures', name))).study!);
});

function straightforward(study: Study, waves?: readonly string[]): Array<{ id: string; interviews: Array<{ wave: number; date: string | null }> }> {
  const shown = study.config.waves.filter((w) => !waves?.length || waves.includes(w.id));
  const index = new Map(shown.map((w, i) => [w.id, i]));
  return study.participants
    .map((p) => ({
      id: p.id,
      interviews: study.documents
        .filter((d) => d.participant === p.id && index.has(d.wave))
        .map((d) => ({ wave: index.get(d.wave)!, date: d.date ?? null }))
        .sort((a, b) => a.wave - b.wave),
    }))
    .filter((p) => p.interviews.length > 0);
}

describe('timelineData: interviews per participant in one pass = filtered per participant', () => {
  it('same participants, interviews, dates and order', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), fc.array(fc.boolean(), { maxLength: 8 }), fc.option(fc.nat()), (which, keys, undated, wave) => {
        const base = studies[which % studies.length]!;
        const documents = base.documents
          .map((d, i) => ({ d: undated[i % Math.max(1, undated.length)] ? { ...d, date: undefined } : d, k: keys[i % keys.length]! * 1000 + i }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.d) as Study['documents'];
        const study = { ...base, documents };
        const waves = wave === null ? undefined : [base.config.waves[wave % base.config.waves.length]!.id];
        const got = timelineData(study, waves ? { waves } : {});
        expect(got.participants.map((p) => ({ id: p.id, interviews: p.interviews }))).toEqual(straightforward(study, waves));
      }),
      { numRuns: 100 },
    );
  });
});
