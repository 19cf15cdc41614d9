import { describe, expect, it } from 'vitest';
import { studyAgreement, studyUnitizing } from '../../src/core/agreement/study.js';
import { loadStudy } from '../../src/io/load-study.js';
import type { Study } from '../../src/core/study/types.js';
import { answerLine, codingsTsv, transcript, writeStudy } from '../helpers/study.js';

/** Agreement on a coded study: which transcripts are compared, sampling units, unitizing (in-process). */
async function load(files: Record<string, string>): Promise<Study> {
  const { study, diagnostics } = await loadStudy(writeStudy(files));
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return study!;
}

const base = { resamples: 0, seed: 1, unit: 'segment' as const, level: 'code' as const, codes: ['t.a'] };

describe('transcripts a coder did not code (issue 12: they used to drop out silently)', () => {
  // P1 and P2 at w1, five answers each. alice applies t.a to P1's first answer and P2's second;
  // ben applies t.a to P1's first answer and codes nothing in P2. Nobody codes P3.
  const files = {
    'transcripts/P1_w1.txt': transcript('P1', 5),
    'transcripts/P2_w1.txt': transcript('P2', 5),
    'transcripts/P3_w1.txt': transcript('P3', 5),
    'codings/alice.tsv': codingsTsv([
      ['P1', 'w1', answerLine(0), 't.a'],
      ['P2', 'w1', answerLine(1), 't.a'],
    ]),
    'codings/ben.tsv': codingsTsv([['P1', 'w1', answerLine(0), 't.a']]),
  };
  // By hand, on all 10 answers: both 1 once, alice only once, neither 8 times.
  // po = 0.9; p_alice(1) = 0.2, p_ben(1) = 0.1; pe = 0.2·0.1 + 0.8·0.9 = 0.74; kappa = 0.16/0.26.
  const kappaAll = (0.9 - 0.74) / (1 - 0.74);

  it('by default (--uncoded absent) ben\'s silence in P2 counts as "code absent": the disagreement stays (kappa 0.615, not 1)', async () => {
    const study = await load(files);
    const r = studyAgreement(study, { ...base, coders: ['alice', 'ben'] });
    const a = r.rows.find((x) => x.name === 't.a')!;
    expect(a.result.units).toBe(10);
    expect(a.result.coefficients.cohenKappa!.value).toBeCloseTo(kappaAll, 12);
    expect(r.selection.readAsAbsent).toEqual([{ transcript: 'P2/w1', file: 'transcripts/P2_w1.txt', coders: ['ben'] }]);
    // Nobody coded P3: left out and reported, never counted as agreement nobody observed.
    expect(r.selection.excluded).toEqual([{ transcript: 'P3/w1', file: 'transcripts/P3_w1.txt', reason: 'no compared coder coded or finished it', coders: { alice: 'not coded', ben: 'not coded' } }]);
  });

  it('with --uncoded missing, P2 is left out and reported with why (kappa 1 on P1 alone)', async () => {
    const study = await load(files);
    const r = studyAgreement(study, { ...base, coders: ['alice', 'ben'], uncoded: 'missing' });
    const a = r.rows.find((x) => x.name === 't.a')!;
    expect(a.result.units).toBe(5);
    expect(a.result.coefficients.cohenKappa!.value).toBe(1);
    expect(r.selection.excluded.map((e) => [e.transcript, e.reason, e.coders])).toEqual([
      ['P2/w1', 'ben neither coded nor finished it', { alice: 'coded', ben: 'not coded' }],
      ['P3/w1', 'no compared coder coded or finished it', { alice: 'not coded', ben: 'not coded' }],
    ]);
  });

  it('once ben marks P2 finished (codings/ben.finished.tsv) it is compared under either rule', async () => {
    const study = await load({ ...files, 'codings/ben.finished.tsv': 'participant\twave\nP2\tw1\n' });
    expect(study.finished).toEqual([{ coder: 'ben', participant: 'P2', wave: 'w1', source: { file: 'codings/ben.finished.tsv', line: 2 } }]);
    for (const uncoded of ['absent', 'missing'] as const) {
      const r = studyAgreement(study, { ...base, coders: ['alice', 'ben'], uncoded });
      expect(r.rows.find((x) => x.name === 't.a')!.result.coefficients.cohenKappa!.value).toBeCloseTo(kappaAll, 12);
      expect(r.selection.readAsAbsent).toEqual([]);
    }
  });

  it('a finished mark naming a transcript the study does not have is an error, with file:line', async () => {
    const { diagnostics } = await loadStudy(writeStudy({ ...files, 'codings/ben.finished.tsv': 'participant\twave\nP2\tw1\nP9\tw1\nP1\tw2\n' }));
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}: ${d.message}`)).toEqual(["codings/ben.finished.tsv:3: unknown participant 'P9' (did you mean 'P1'?)", "codings/ben.finished.tsv:4: P1 has no transcript at wave 'w2'"]);
  });
});

describe('sampling units: the segment, also for characters and for the pooled row', () => {
  // Every answer the same length and one line long: character units weigh every segment the same.
  const same = (p: string) => transcript(p, 8, () => 'Twenty-six characters long');
  const files = {
    'transcripts/P1_w1.txt': same('P1'),
    'transcripts/P2_w1.txt': same('P2'),
    'codings/alice.tsv': codingsTsv([
      ['P1', 'w1', answerLine(0), 't.a'],
      ['P1', 'w1', answerLine(2), 't.a'],
      ['P2', 'w1', answerLine(1), 't.a'],
      ['P2', 'w1', answerLine(5), 't.b'],
      ['P1', 'w1', answerLine(3), 't.b'],
    ]),
    'codings/ben.tsv': codingsTsv([
      ['P1', 'w1', answerLine(0), 't.a'],
      ['P2', 'w1', answerLine(1), 't.a'],
      ['P2', 'w1', answerLine(4), 't.a'],
      ['P2', 'w1', answerLine(5), 't.b'],
    ]),
  };

  it('at --unit character the SE counts segments (16), not characters (416): the same SE as per segment', async () => {
    const study = await load(files);
    const seg = studyAgreement(study, { ...base, codes: ['t.a', 't.b'], coders: ['alice', 'ben'] });
    const chr = studyAgreement(study, { ...base, codes: ['t.a', 't.b'], unit: 'character', coders: ['alice', 'ben'] });
    for (const name of ['t.a', 't.b', 'pooled']) {
      const s = seg.rows.find((r) => r.name === name)!.result;
      const c = chr.rows.find((r) => r.name === name)!.result;
      expect(c.units).toBe(s.units * 26);
      expect(c.samplingUnits).toBe(16);
      for (const k of ['cohenKappa', 'krippendorffAlpha', 'gwetAC1', 'percentAgreement'] as const) {
        // Alpha's small-sample factor (n.. − 1) counts values, here characters: its value differs slightly, its SE does not.
        if (k !== 'krippendorffAlpha') expect(c.coefficients[k]!.value).toBeCloseTo(s.coefficients[k]!.value!, 12);
        expect(c.coefficients[k]!.se).toBeCloseTo(s.coefficients[k]!.se!, 12);
      }
      // No null-hypothesis test for clustered units.
      expect(c.coefficients.cohenKappa!.z).toBeUndefined();
    }
    // The pooled row: 32 decisions (16 segments x 2 codes), resampled and in the SE as 16 segments.
    const pooled = seg.rows.find((r) => r.name === 'pooled')!.result;
    expect(pooled.units).toBe(32);
    expect(pooled.samplingUnits).toBe(16);
  });
});

describe('unitizing alpha on a study: characters of participant speech, one transcript per sampling unit', () => {
  it('identical codings: 1; the continuum counts code points (emoji, accents) and skips interviewer speech; CRLF line ends are one character', async () => {
    const text = ['I: Question?', '', 'P1: Café 😀 ok', '', 'I: More?', '', 'P1: Second answer', ''].join('\r\n');
    const study = await load({
      'transcripts/P1_w1.txt': text,
      'codings/alice.tsv': codingsTsv([
        ['P1', 'w1', 3, 't.a'],
        ['P1', 'w1', 7, 't.b'],
      ]),
      'codings/ben.tsv': codingsTsv([
        ['P1', 'w1', 3, 't.a'],
        ['P1', 'w1', 7, 't.b'],
      ]),
    });
    const r = studyUnitizing(study, { ...base, codes: ['t.a', 't.b'], coders: ['alice', 'ben'] });
    // "P1: Café 😀 ok" is 13 code points (the emoji is one, two UTF-16 units), "P1: Second answer" 17; each line + 1.
    expect([...'P1: Café 😀 ok'].length).toBe(13);
    expect(r.characters).toBe(13 + 1 + 17 + 1);
    expect(r.rows.find((x) => x.name === 't.a')!.result.coefficients.unitizingAlpha!.value).toBe(1);
    expect(r.rows.find((x) => x.name === 'pooled')!.result.coefficients.unitizingAlpha!.value).toBe(1);
  });

  it("a coder's overlapping codings of one code are merged into one stretch, and counted", async () => {
    const study = await load({
      'transcripts/P1_w1.txt': transcript('P1', 4),
      'codings/alice.tsv': codingsTsv([
        ['P1', 'w1', `${answerLine(0)}-${answerLine(1)}`, 't.a'],
        ['P1', 'w1', answerLine(1), 't.a'],
      ]),
      'codings/ben.tsv': codingsTsv([['P1', 'w1', `${answerLine(0)}-${answerLine(1)}`, 't.a']]),
    });
    const r = studyUnitizing(study, { ...base, coders: ['alice', 'ben'] });
    expect(r.merged).toBe(1);
    expect(r.rows[0]!.result.coefficients.unitizingAlpha!.value).toBe(1);
  });

  it('one coder stopping short: by hand, D_o = 2·δ² / (m(m−1)L²) with δ² = (difference of ends)²', async () => {
    const study = await load({
      'transcripts/P1_w1.txt': transcript('P1', 3, () => 'abcdefghij'),
      'codings/alice.tsv': codingsTsv([['P1', 'w1', `${answerLine(0)}-${answerLine(1)}`, 't.a']]),
      'codings/ben.tsv': codingsTsv([['P1', 'w1', answerLine(0), 't.a']]),
    });
    const r = studyUnitizing(study, { ...base, coders: ['alice', 'ben'] });
    // Lines "P1: abcdefghij" are 14 code points; the continuum: three lines of 14 + 1 = 45.
    // alice's unit: 0..29 (line 1, its line break, line 2); ben's: 0..14. δ² = 0² + (29 − 14)² = 225.
    const e = r.rows[0]!.result.coefficients.unitizingAlpha!;
    expect(r.characters).toBe(45);
    expect(e.observedDisagreement).toBeCloseTo((2 * 225) / (2 * 1 * 45 * 45), 12);
  });
});
