import { describe, expect, it, beforeAll } from 'vitest';
import { brief } from '../../src/core/cases/brief.js';
import { briefData, caseData } from '../../src/core/cases/data.js';
import { dossier, participationWords } from '../../src/core/cases/dossier.js';
import { briefMarkdown, dossierMarkdown, penPortraitTemplate } from '../../src/core/cases/render.js';
import { codeReferences, memoThreads, openThreads, readCaseSummary } from '../../src/core/cases/summary.js';
import { sinceFromHistory } from '../../src/core/codebook/versions.js';
import { timelineData, timelineFigure } from '../../src/core/figures/timeline.js';
import { anticipations, pairStatus } from '../../src/core/matrix/anticipation.js';
import { caseOrdered } from '../../src/core/matrix/case-order.js';
import { changeMatrix, classify } from '../../src/core/matrix/change.js';
import { codedStudy, type CodedStudy } from '../../src/core/matrix/coded.js';
import { dropout } from '../../src/core/matrix/dropout.js';
import { framework } from '../../src/core/matrix/framework.js';
import { grid, NOT_CODED_FOR as NC, NOT_INTERVIEWED as NI, valuesOf } from '../../src/core/matrix/grid.js';
import { matrix } from '../../src/core/matrix/matrix.js';
import { trajectories } from '../../src/core/matrix/trajectories.js';
import type { Study } from '../../src/core/study/types.js';
import { loadStudy } from '../../src/io/load-study.js';
import { writeMiniStudy } from '../helpers/mini-study.js';

/**
 * Every longitudinal display on the mini study (tests/helpers/mini-study.ts), against cells worked
 * out by hand from its raw codings: who was interviewed when, and which lines carry which code.
 * Segments per participant, wave and row (a theme counts its sub-codes; one segment once):
 *
 *   theme t    w1  w2  w3        theme u    w1  w2  w3        u.late (since w2)  w1  w2  w3
 *   A           1   2   4        A           1   1   0        A                   ?   1   0
 *   B           2   0   .        B           1   0   .        B                   ?   0   .
 *   C           0   .   1        C           1   .   1        C                   ?   .   1
 *   D           1   .   .        D           1   .   .        D                   ?   .   .
 *   E           .   1   1        E           .   0   1        E                   .   0   1
 *   F           0   0   .        F           0   0   .        F                   ?   0   .
 *
 * (A at w3: lines 9, 11, 13 and 15. B at w1: t.a and t.b on line 9 are one segment, t.a on line 11 a second. D's u.late at w1 is
 * before the code's since and left out, so D has only u.fear there.)
 */
let study: Study;
let cs: CodedStudy;
beforeAll(async () => {
  const loaded = await loadStudy(writeMiniStudy());
  study = loaded.study!;
  cs = codedStudy(study, 'x');
});

describe('the mini study loads with one warning: a coding before its code was in use', () => {
  it('reports it at its file:line and leaves it out', async () => {
    const { diagnostics } = await loadStudy(writeMiniStudy());
    expect(diagnostics.map((d) => `${d.file}:${d.line}: ${d.severity}: ${d.message}`)).toEqual(["codings/x.tsv:19: warning: 'u.late' is coded at wave 'w1', before the code was in use (since: w2); tables treat 'w1' as not coded for and leave this coding out"]);
    expect(cs.beforeSince).toBe(1);
  });
});

describe('grid', () => {
  it('holds the hand-counted segments, "not interviewed" and "not coded for"', () => {
    const g = grid(cs, 'code');
    const at = (row: string, p: string) =>
      valuesOf(
        g,
        g.rows.findIndex((r) => r.id === row),
        g.participants.indexOf(p),
      );
    expect(g.participants).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    expect(['A', 'B', 'C', 'D', 'E', 'F'].map((p) => at('t', p))).toEqual([
      [1, 2, 4],
      [2, 0, NI],
      [0, NI, 1],
      [1, NI, NI],
      [NI, 1, 1],
      [0, 0, NI],
    ]);
    expect(['A', 'B', 'C', 'D', 'E', 'F'].map((p) => at('u', p))).toEqual([
      [1, 1, 0],
      [1, 0, NI],
      [1, NI, 1],
      [1, NI, NI],
      [NI, 0, 1],
      [0, 0, NI],
    ]);
    expect(['A', 'B', 'C', 'D', 'E', 'F'].map((p) => at('u.late', p))).toEqual([
      [NC, 1, 0],
      [NC, 0, NI],
      [NC, NI, 1],
      [NC, NI, NI],
      [NI, 0, 1],
      [NC, 0, NI],
    ]);
  });
});

describe('matrix: a theme row adds up its sub-codes; a late code is "not coded for" before its since', () => {
  it('counts over the interviewed of each wave (5, 4, 3)', () => {
    const m = matrix(cs, { rows: 'code' });
    expect(m.columns.map((c) => c.interviewed)).toEqual([5, 4, 3]);
    const row = (id: string) => m.cells[m.rows.findIndex((r) => r.id === id)]!;
    // t: {A,B,D} of 5 at w1; {A,E} of 4 at w2; {A,C,E} of 3 at w3.
    expect(row('t').map((c) => [c.ids, c.percent])).toEqual([
      [['A', 'B', 'D'], 60],
      [['A', 'E'], 50],
      [['A', 'C', 'E'], 100],
    ]);
    // Only A has the theme t applied itself (w3); the theme row still counts everyone with t.a or t.b.
    expect(row('u').map((c) => c.ids)).toEqual([['A', 'B', 'C', 'D'], ['A'], ['C', 'E']]);
    expect(row('u.late').map((c) => [c.codedFor, c.ids, c.percent])).toEqual([
      [false, [], null],
      [true, ['A'], 25],
      [true, ['C', 'E'], (100 * 2) / 3],
    ]);
    expect(m.rows.map((r) => r.level)).toEqual(['theme', 'sub-code', 'sub-code', 'theme', 'sub-code', 'sub-code']);
  });
  it('framework cells are null where not coded for', () => {
    const f = framework(cs, { rows: 'code' });
    const late = f.themes.findIndex((t) => t.id === 'u.late');
    expect(f.rows.filter((r) => r.wave === 'w1').map((r) => r.cells[late])).toEqual([null, null, null, null, null]);
    expect(f.rows.find((r) => r.participant === 'E' && r.wave === 'w3')!.cells[late]!.map((x) => x.startLine)).toEqual([11]);
  });
});

describe('trajectories: nobody emerges at the wave a code was introduced', () => {
  it('leaves out pairs of waves with a wave not coded for', () => {
    const late = trajectories(cs, { rows: 'code', only: ['u.late'] })[0]!;
    expect(late.transitions[0]).toMatchObject({ from: 'w1', to: 'w2', codedFor: false, both: 0, persisted: [], emerged: [], faded: [], absent: [] });
    // w2 -> w3: interviewed at both A and E; A 1 -> 0 faded, E 0 -> 1 emerged.
    expect(late.transitions[1]).toMatchObject({ codedFor: true, both: 2, persisted: [], emerged: ['E'], faded: ['A'], absent: [] });
    expect(late.patterns.map((p) => `${p.participant} ${p.marks.join('')}`)).toEqual(['A ?+-', 'B ?-.', 'C ?.+', 'D ?..', 'E .-+', 'F ?-.']);
  });
});

describe('change matrix', () => {
  it('classifies by the rules, on the observed waves only', () => {
    expect(classify([])).toEqual({ category: 'too-few-waves', kind: null });
    expect(classify([4])).toEqual({ category: 'too-few-waves', kind: null });
    expect(classify([0, 0, 0])).toEqual({ category: 'missing', kind: null });
    expect(classify([2, 2])).toEqual({ category: 'constant', kind: null });
    expect(classify([0, 0, 1])).toEqual({ category: 'increased', kind: 'emerged' });
    expect(classify([1, 3, 3])).toEqual({ category: 'increased', kind: 'increased' });
    expect(classify([0, 1, 2])).toEqual({ category: 'cumulative', kind: null });
    expect(classify([3, 3, 1])).toEqual({ category: 'decreased', kind: 'decreased' });
    expect(classify([2, 1, 0])).toEqual({ category: 'decreased', kind: 'ceased' });
    expect(classify([0, 2, 1])).toEqual({ category: 'surged', kind: null });
    expect(classify([0, 1, 1, 0])).toEqual({ category: 'surged', kind: null });
    expect(classify([1, 0, 1])).toEqual({ category: 'idiosyncratic', kind: null });
    expect(classify([0, 1, 0, 1])).toEqual({ category: 'idiosyncratic', kind: null });
    // With presence, counts become 0/1: 1 -> 3 is level, and 0 -> 1 -> 2 only emerges.
    expect(classify([1, 3], 'presence')).toEqual({ category: 'constant', kind: null });
    expect(classify([0, 1, 2], 'presence')).toEqual({ category: 'increased', kind: 'emerged' });
  });

  it('theme t: C emerged (0 . 1), A cumulative (1 2 4), B ceased (2 0), E constant (1 1), F missing, D too few waves', () => {
    const cm = changeMatrix(cs, { rows: 'theme' });
    const t = cm.rows.find((r) => r.id === 't')!;
    expect(t.cells).toEqual({ increased: ['C'], cumulative: ['A'], surged: [], decreased: ['B'], constant: ['E'], idiosyncratic: [], missing: ['F'], 'too-few-waves': ['D'] });
    expect(t.participants.find((p) => p.participant === 'C')).toMatchObject({ kind: 'emerged', observed: ['w1', 'w3'], values: [0, NI, 1] });
    expect(t.participants.find((p) => p.participant === 'B')!.kind).toBe('ceased');
  });

  it('the late code u.late: only w2 and w3 are observed, so most have too few waves', () => {
    const late = changeMatrix(cs, { rows: 'code', only: ['u.late'] }).rows[0]!;
    // A 1 -> 0 ceased; E 0 -> 1 emerged; B (w2), C (w3), D (none), F (w2): one wave or none.
    expect(late.cells).toMatchObject({ increased: ['E'], decreased: ['A'], 'too-few-waves': ['B', 'C', 'D', 'F'] });
    expect(late.participants.find((p) => p.participant === 'D')!.observed).toEqual([]);
  });

  it('theme u: A 1 1 0 and B 1 0 ceased, C 1 . 1 constant, E . 0 1 emerged, F missing, D too few', () => {
    const u = changeMatrix(cs, { rows: 'theme' }).rows.find((r) => r.id === 'u')!;
    expect(u.cells).toEqual({ increased: ['E'], cumulative: [], surged: [], decreased: ['A', 'B'], constant: ['C'], idiosyncratic: [], missing: ['F'], 'too-few-waves': ['D'] });
  });
});

describe('anticipated vs experienced (u.fear anticipates u.late)', () => {
  it('pairs per participant', () => {
    const a = anticipations(cs);
    expect(a.pairs).toHaveLength(1);
    const p = a.pairs[0]!;
    // A: feared w1, lived w2. B: feared w1, interviewed at w2 (u.late in use) without it. C: feared w1,
    // lived w3. D: feared w1, never interviewed again. E: not feared at w2, lived at w3. F: neither.
    expect(p.entries.map((e) => [e.participant, e.status, e.anticipatedAt, e.experiencedAt])).toEqual([
      ['A', 'anticipated-experienced', ['w1'], ['w2']],
      ['B', 'anticipated-not-experienced', ['w1'], []],
      ['C', 'anticipated-experienced', ['w1'], ['w3']],
      ['D', 'anticipated-not-followed', ['w1'], []],
      ['E', 'experienced-not-anticipated', [], ['w3']],
      ['F', 'neither', [], []],
    ]);
    expect(p.counts).toEqual({ 'anticipated-experienced': 2, 'anticipated-not-experienced': 1, 'anticipated-not-followed': 1, 'experienced-not-anticipated': 1, neither: 0 + 1 });
  });
  it('an experience at a first interview is not "not anticipated"', () => {
    expect(pairStatus([NI, 0], [NI, 2]).status).toBe('neither');
    expect(pairStatus([0, 0], [NC, 2]).status).toBe('experienced-not-anticipated');
  });
});

describe('drop-out check', () => {
  it('after w1: D lost (A, B, C, F retained); after w2: B and F lost (A, E retained)', () => {
    const blocks = dropout(cs, { rows: 'code' });
    expect(blocks.map((b) => [b.after.id, b.lost, b.retained])).toEqual([
      ['w1', ['D'], ['A', 'B', 'C', 'F']],
      ['w2', ['B', 'F'], ['A', 'E']],
    ]);
    const row = (k: number, name: string, value?: string) => blocks[k]!.rows.find((r) => r.name === name && (value === undefined || r.value === value))!;
    expect([row(0, 'site', 'south').lost, row(0, 'site', 'south').retained]).toEqual([['D'], ['B', 'F']]);
    expect([row(0, 't').lost, row(0, 't').retained]).toEqual([['D'], ['A', 'B']]);
    expect([row(0, 'u.late').lost, row(0, 'u.late').retained]).toEqual([null, null]);
    expect([row(1, 'u.late').lost, row(1, 'u.late').retained]).toEqual([[], ['A']]);
  });
});

describe('case-ordered matrix', () => {
  it("sorts by an attribute, or by a theme's change category", () => {
    expect(caseOrdered(cs, { rows: 'theme', order: { by: 'attribute', attribute: 'site' } }).rows.map((r) => `${r.key}:${r.participant}`)).toEqual(['north:A', 'north:C', 'north:E', 'south:B', 'south:D', 'south:F']);
    // Categories in table order: emerged/increased C, cumulative A, decreased/ceased B, constant E, missing F, too few D.
    const co = caseOrdered(cs, { rows: 'theme', order: { by: 'change', row: 't' } });
    expect(co.rows.map((r) => r.participant)).toEqual(['C', 'A', 'B', 'E', 'F', 'D']);
    expect(co.rows[0]!.values).toEqual([
      [0, NI, 1],
      [1, NI, 1],
    ]);
  });
});

describe('dossier, case summary and pen portrait', () => {
  it('participation in words', () => {
    const w = [{ id: 'w1' }, { id: 'w2' }, { id: 'w3' }];
    expect(participationWords(w, [true, true, true])).toBe('interviewed at every wave');
    expect(participationWords(w, [true, true, false])).toBe('lost after w2');
    expect(participationWords(w, [true, false, true])).toBe('missed w2');
    expect(participationWords(w, [false, true, true])).toBe('joined at w2');
  });

  it("B's dossier: interviews, codes per wave, trajectory, the summary's quotation checked and codes linked", () => {
    const data = caseData(cs, (w) => w);
    const summary = readCaseSummary(study, {
      file: 'cases/B.md',
      participant: 'B',
      text: '# B\n\nB spoke of "how the family started to trust me and\nleave us alone" (B, first) and of `t.a`, `t.zz` and `u.late`.\n\nA misquote: "the family never trusted me" (B, first).\n\n## Open threads\n\n- Ask about the move.\n- Ask about the\n  new school.\n\n## Notes\n\n- not a thread\n',
    });
    const d = dossier(cs, 'B', { ...data, summary });
    expect(d.participation).toBe('lost after w2');
    expect(d.interviews.map((i) => [i.wave.id, i.interviewed, i.date ?? null])).toEqual([
      ['w1', true, '2024-01-11'],
      ['w2', true, '2024-05-11'],
      ['w3', false, null],
    ]);
    // Themes always; sub-codes used at some wave: t.a (2 at w1), t.b (1 at w1), u.fear (1 at w1).
    expect(d.codes.map((c) => [c.id, c.values])).toEqual([
      ['t', [2, 0, NI]],
      ['t.a', [2, 0, NI]],
      ['t.b', [1, 0, NI]],
      ['u', [1, 0, NI]],
      ['u.fear', [1, 0, NI]],
    ]);
    expect(d.themes.map((t) => [t.id, t.category, t.kind])).toEqual([
      ['t', 'decreased', 'ceased'],
      ['u', 'decreased', 'ceased'],
    ]);
    // One quote per theme and wave B had it: for t at w1 one of B's two t passages (which one is the ranking's call).
    expect(d.quotes.map((q) => `${q.wave} ${q.row}`)).toEqual(['w1 t', 'w1 u']);
    expect([9, 11]).toContain(d.quotes[0]!.quote.startLine);
    expect(d.quotes[1]!.quote.startLine).toBe(13);
    expect(summary.quotes.map((q) => [q.line, q.verdict.status])).toEqual([
      [3, 'verified'],
      [6, 'not found'],
    ]);
    expect(d.codeLinks.map((l) => [l.code, l.known, l.coded.map((c) => `${c.wave}:${c.startLine}`)])).toEqual([
      ['t.a', true, ['w1:9', 'w1:11']],
      ['t.zz', false, []],
      ['u.late', true, []],
    ]);
    expect(summary.threads).toEqual([
      { line: 10, text: 'Ask about the move.' },
      { line: 11, text: 'Ask about the new school.' },
    ]);
    const md = dossierMarkdown(d);
    expect(md).toContain('| **Theme T** | 2 | 0 | . |');
    expect(md).toContain('- Line 4, code `t.zz`: not in the codebook');
    expect(md).toContain('- Line 4, code `u.late` (What was lived): never coded for this participant');
    expect(md).toContain('- Line 6, quotation (B, first): not found');
    const template = penPortraitTemplate(d);
    expect(template).toContain('- Interviews: w1 (2024-01-11); w2 (2024-05-11); w3: not interviewed (lost after w2)');
    expect(template).toContain('  - Theme T: w1 2, w2 0, w3 not interviewed; decreased/ceased (ceased)');
    expect(openThreads(template)).toEqual([]);
  });

  it('code references: a backticked code id, or a dotted word starting with a theme id', () => {
    expect(codeReferences('`t`, `x.y`, `t.b`, `t.c`, `nothing`', study.codebook).map((r) => [r.code, r.known, r.suggestion ?? null])).toEqual([
      ['t', true, null],
      ['t.b', true, null],
      ['t.c', false, 't.a'],
    ]);
  });
});

describe('next-wave brief', () => {
  it('for w3: reads w1 and w2 only; A, B, E, F were interviewed at w2; B has an open thread and an anticipation to feed back', () => {
    const before = codedStudy(study, 'x', { waves: ['w1', 'w2'] });
    const data = briefData(before, (w) => w);
    const b = brief(before, { next: { id: 'w3', label: 'third' }, ...data, threads: memoThreads(study.codings.filter((c) => c.wave !== 'w3')), summaries: new Map() });
    expect(b.last.id).toBe('w2');
    expect(b.entries.map((e) => e.participant)).toEqual(['A', 'B', 'E', 'F']);
    expect(b.notInterviewed).toEqual(['C', 'D']);
    const A = b.entries[0]!;
    // A at w2: t via t.a and t.b; u via u.late.
    expect(A.themes.map((t) => [t.id, t.said, t.codes.map((c) => `${c.id}:${c.segments}`), t.earlier])).toEqual([
      ['t', true, ['t.a:1', 't.b:1'], ['w1']],
      ['u', true, ['u.late:1'], ['w1']],
    ]);
    expect(A.threads).toEqual([]);
    const B = b.entries[1]!;
    expect(B.themes.map((t) => [t.id, t.said, t.earlier])).toEqual([
      ['t', false, ['w1']],
      ['u', false, ['w1']],
    ]);
    expect(B.threads).toEqual([{ source: 'memo', wave: 'w1', text: 'ask B about the move to the new flat', where: 'codings/x.tsv:11' }]);
    expect(B.feedBack.map((f) => [f.anticipation, f.wave, f.quote?.startLine])).toEqual([['u.fear', 'w1', 13]]);
    const md = briefMarkdown(b, 'Mini');
    expect(md).toContain('### Raised before, not at the second');
    expect(md).not.toContain('made at the third wave');
  });
});

describe('timeline', () => {
  it('places the dated interviews and labels the drop-outs', () => {
    const t = timelineData(study);
    expect(t.dated).toBe(12);
    expect(t.participants.map((p) => [p.id, p.lostAfter])).toEqual([
      ['A', null],
      ['B', 'w2'],
      ['C', null],
      ['D', 'w1'],
      ['E', null],
      ['F', 'w2'],
    ]);
    const svg = timelineFigure(t, { width: 640, fontSize: 11 });
    expect(svg.match(/lost after w2/g)).toHaveLength(2);
    // C missed w2: the line from w1 to w3 is dashed.
    expect(svg).toContain('stroke-dasharray="3 3"');
    expect(timelineFigure(t, { width: 640, fontSize: 11 })).toBe(svg);
  });
});

describe('codebook versions from history', () => {
  it('a code added after wave 1 began to be coded is in use from wave 2', () => {
    const waves = [
      { id: 'w1', label: 'w1', index: 0 },
      { id: 'w2', label: 'w2', index: 1 },
      { id: 'w3', label: 'w3', index: 2 },
    ];
    const snap = (commit: string, codes: string[], codedWaves: string[]) => ({ commit, date: '2024-01-01', codes: new Set(codes), codedWaves: new Set(codedWaves) });
    const history = [snap('c1', ['t', 't.a'], []), snap('c2', ['t', 't.a'], ['w1']), snap('c3', ['t', 't.a', 'u'], ['w1']), snap('c4', ['t', 't.a', 'u'], ['w1', 'w2']), snap('c5', ['t', 't.a', 'u', 'v'], ['w1', 'w2', 'w3'])];
    const r = sinceFromHistory(history, ['t', 't.a', 'u', 'v', 'new'], waves);
    expect(r.derived.map((d) => [d.code, d.since, d.added.commit, d.before])).toEqual([
      ['t', 'w1', 'c1', []],
      ['t.a', 'w1', 'c1', []],
      ['u', 'w2', 'c3', ['w1']],
      // v came in the commit that holds the first w3 codings: it was there when w3 was coded.
      ['v', 'w3', 'c5', ['w1', 'w2']],
    ]);
    // Added after every wave's coding began: in use from no wave (since null).
    expect(sinceFromHistory([...history, snap('c6', ['t', 'late'], ['w1', 'w2', 'w3'])], ['late'], waves).derived[0]).toMatchObject({ since: null, before: ['w1', 'w2', 'w3'] });
    expect(r.unknown).toEqual(['new']);
  });
});
