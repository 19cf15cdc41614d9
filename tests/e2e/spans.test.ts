import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { studyAgreement, studyUnitizing } from '../../src/core/agreement/study.js';
import { loadStudy } from '../../src/io/load-study.js';
import { qualwave } from '../helpers/cli.js';
import { snapshot } from '../helpers/inproc.js';
import { codingsTsv, transcript, writeStudy } from '../helpers/study.js';
import { Terminal } from '../helpers/terminal.js';

/**
 * Exact codings end to end (issue 14): spans through every file format and every consumer. The
 * columns of every expected span are counted by hand in the comments; none comes from qualwave.
 */

// A transcript with a BOM and CRLF line ends. Line 3 (P1's answer), by columns (code points):
//   "P1: " 1-4; "Café 😀 is here." 5-19 (C5 a6 f7 é8 space9 😀10 space11 i12 s13 space14 h15 e16 r17 e18 .19);
//   space 20; "Then a\u0301 second." 21-34 (T21 h22 e23 n24 space25 a26 U+0301 27 space28 s29 e30 c31 o32 n33 d34 .35).
// So "Then á second." is 21-35 (15 code points, 14 graphemes). Line 5: "I: Next?"; line 7: "P1: Last line."
const P1 = '\ufeffI: First?\r\n\r\nP1: Café 😀 is here. Then a\u0301 second.\r\n\r\nI: Next?\r\n\r\nP1: Last line.\r\n';

function exactStudy(): string {
  return writeStudy({ 'transcripts/P1_w1.txt': P1 });
}

function csv(dir: string, name: string, rows: string[]): string {
  writeFileSync(join(dir, name), rows.join('\n') + '\n');
  return name;
}

describe('sub-line spans through the interchange CSV, the codings file, retrieval and export', () => {
  it('columns and text placement import exactly; retrieval JSON gives exactly the marked text (BOM, CRLF, emoji, combining accent)', async () => {
    const dir = exactStudy();
    const file = csv(dir, 'in.csv', [
      'coder,participant,wave,start_line,end_line,code,memo,start_col,end_col,text',
      // The emoji alone: column 10.
      'ann,P1,w1,3,3,t.a,emoji,10,10,',
      // Placed by its text inside line 3 (a straight apostrophe-free phrase; spaces need not match).
      'ann,P1,w1,3,3,t.b,by text,,,"Then  a\u0301 second."',
      // Placed by text anywhere in the transcript (no lines): "Last line." is 7:5-7:14.
      'ann,P1,w1,,,t.a,anywhere,,,Last line.',
      // Across the CRLF: from "here." (15) to "Next" on line 5 (I5? no: "I: " is 1-3, N4 e5 x6 t7).
      'ann,P1,w1,3,5,t,across,15,7,',
    ]);
    const r = await qualwave(['codings', 'import', file], { cwd: dir });
    expect(r.stderr).toContain('imported 4 codings from 4 rows');
    expect(r.code).toBe(0);
    const tsv = readFileSync(join(dir, 'codings/ann.tsv'), 'utf8')
      .split('\n')
      .map((l) => l.split('\t').slice(0, 6).join(' '));
    expect(tsv).toEqual(['participant wave lines code exemplar memo', 'P1 w1 3:10-3:10 t.a  emoji', 'P1 w1 3:15-5:7 t  across', 'P1 w1 3:21-3:35 t.b  by text', 'P1 w1 7:5-7:14 t.a  anywhere', '']);
    const rows = JSON.parse((await qualwave(['codings', '--format', 'json'], { cwd: dir })).stdout) as Array<Record<string, unknown>>;
    expect(rows.map((x) => [x['lines'], x['text'], x['start'], x['end']])).toEqual([
      ['3:10-3:10', '😀', { line: 3, column: 10 }, { line: 3, column: 10 }],
      // The CRLF is one line break, given as "\n" (the blank line 4 too).
      ['3:15-5:7', 'here. Then a\u0301 second.\n\nI: Next', { line: 3, column: 15 }, { line: 5, column: 7 }],
      ['3:21-3:35', 'Then a\u0301 second.', { line: 3, column: 21 }, { line: 3, column: 35 }],
      ['7:5-7:14', 'Last line.', { line: 7, column: 5 }, { line: 7, column: 14 }],
    ]);
    // The span across an interviewer turn touches both participant segments and the interviewer's.
    expect(rows[1]!['segments']).toEqual(['P1/w1#L3', 'P1/w1#L5']);
    // Export then import again: the same codings, nothing added.
    const out = (await qualwave(['codings', 'export'], { cwd: dir })).stdout;
    expect(out.split('\n')[1]).toBe('ann,P1,w1,3,3,t.a,emoji,,transcripts/P1_w1.txt,10,10,😀');
    writeFileSync(join(dir, 'again.csv'), out);
    const before = readFileSync(join(dir, 'codings/ann.tsv'), 'utf8');
    expect((await qualwave(['codings', 'import', 'again.csv'], { cwd: dir })).stderr).toContain('imported 0 codings from 4 rows; 4 already present');
    expect(readFileSync(join(dir, 'codings/ann.tsv'), 'utf8')).toBe(before);
    // code --apply with a span and with --text; a column 1 on line 1 is the first character after the BOM.
    expect((await qualwave(['code', 'P1', 'w1', '--coder', 'bo', '--apply', 't.a', '--lines', '1:1-1:2'], { cwd: dir })).stderr).toContain('applied t.a at transcripts/P1_w1.txt:1:1-1:2 (bo)');
    expect((await qualwave(['code', 'P1', 'w1', '--coder', 'bo', '--apply', 't.b', '--text', 'Café 😀'], { cwd: dir })).stderr).toContain('applied t.b at transcripts/P1_w1.txt:3:5-3:10 (bo): "Café 😀"');
    const bo = JSON.parse((await qualwave(['codings', '--coder', 'bo', '--format', 'json'], { cwd: dir })).stdout) as Array<{ text: string }>;
    expect(bo.map((x) => x.text)).toEqual(['I:', 'Café 😀']);
  });

  it('two overlapping codings with the same code and different memos are both kept through import, retrieval and export; an exact duplicate is refused with file:line', async () => {
    const dir = exactStudy();
    const file = csv(dir, 'two.csv', ['coder,participant,wave,start_line,end_line,code,memo,start_col,end_col', 'ann,P1,w1,3,3,t.a,the cafe,5,19', 'ann,P1,w1,3,3,t.a,the whole answer,5,35']);
    expect((await qualwave(['codings', 'import', file], { cwd: dir })).stderr).toContain('imported 2 codings');
    const rows = JSON.parse((await qualwave(['codings', '--format', 'json'], { cwd: dir })).stdout) as Array<{ memo: string; text: string }>;
    expect(rows.map((x) => [x.memo, x.text])).toEqual([
      ['the cafe', 'Café 😀 is here.'],
      ['the whole answer', 'Café 😀 is here. Then a\u0301 second.'],
    ]);
    const exported = (await qualwave(['codings', 'export'], { cwd: dir })).stdout.trim().split('\n');
    expect(exported).toHaveLength(3);
    const dup = csv(dir, 'dup.csv', ['coder,participant,wave,start_line,end_line,code,memo,start_col,end_col', 'cy,P1,w1,3,3,t.a,first,5,19', 'cy,P1,w1,3,3,t.a,second memo,5,19']);
    const r = await qualwave(['codings', 'import', dup], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('dup.csv:3: error: duplicate coding (same as line 2)');
  });

  it('bad spans are file:line errors and nothing is written: past a line or the file, end before start, a UTF-16 column', async () => {
    const dir = exactStudy();
    const before = snapshot(dir);
    const file = csv(dir, 'bad.csv', [
      'coder,participant,wave,start_line,end_line,code,start_col,end_col,text',
      // Line 3 has 35 characters.
      'ann,P1,w1,3,3,t.a,30,36,',
      'ann,P1,w1,3,9,t.a,1,1,',
      'ann,P1,w1,3,3,t.a,9,5,',
      // "is" is at 12-13 in code points; a tool counting UTF-16 units (the emoji as two) says 13-14.
      'ann,P1,w1,3,3,t.a,13,14,is',
      // Column 11 in UTF-16 units is the second half of the emoji: inside one character.
      'ann,P1,w1,3,3,t.a,11,12,😀 ',
      'ann,P1,w1,,,t.a,,,nowhere to be found',
      'ann,P1,w1,,,t.a,,,I:',
    ]);
    const r = await qualwave(['codings', 'import', file], { cwd: dir });
    expect(r.code).toBe(2);
    const at = (l: string) => Number(/^bad\.csv:(\d+)/.exec(l)?.[1]);
    const lines = r.stderr
      .split('\n')
      .filter((l) => l.includes(': error: '))
      .sort((a, b) => at(a) - at(b));
    expect(lines).toEqual([
      'bad.csv:2: error: span 3:30-3:36 runs past the end of line 3 (35 characters) in transcripts/P1_w1.txt',
      'bad.csv:3: error: span 3:1-9:1 is outside transcripts/P1_w1.txt (8 lines)',
      "bad.csv:4: error: span '3:9-3:5' ends before it starts",
      'bad.csv:5: error: the text at 3:13-3:14 is not the text given: start_col and end_col count UTF-16 units (as JavaScript, Java and .NET do), not characters of transcripts/P1_w1.txt',
      'bad.csv:6: error: the text at 3:11-3:12 is not the text given; read as UTF-16 units, a column would fall inside a character (the two halves of 😀) of transcripts/P1_w1.txt',
      'bad.csv:7: error: the text "nowhere to be found" is not in the transcript of transcripts/P1_w1.txt',
      'bad.csv:8: error: the text "I:" occurs 2 times in the transcript (1:1-1:2, 5:1-5:2) of transcripts/P1_w1.txt',
    ]);
    expect(r.stderr).toContain('the text is at 3:12-3:13');
    expect(snapshot(dir)).toEqual(new Map([...before, ['bad.csv', Buffer.from(readFileSync(join(dir, 'bad.csv')))]]));
    // From the command line and in a hand-edited codings file, the same.
    const apply = await qualwave(['code', 'P1', 'w1', '--coder', 'ann', '--apply', 't.a', '--lines', '7:5-7:15'], { cwd: dir });
    expect(apply.code).toBe(2);
    expect(apply.stderr).toContain('--lines: 7:5-7:15 runs past the end of line 7 (14 characters) in transcripts/P1_w1.txt');
    mkdirSync(join(dir, 'codings'), { recursive: true });
    writeFileSync(join(dir, 'codings/ann.tsv'), codingsTsv([['P1', 'w1', '3:36-3:36', 't.a']]));
    const v = await qualwave(['validate'], { cwd: dir });
    expect(v.code).toBe(2);
    expect(v.stderr).toContain('codings/ann.tsv:2: error: span 3:36-3:36 starts past the end of line 3 (35 characters) in transcripts/P1_w1.txt');
  });
});

describe('agree --unit character compares exact characters', () => {
  // Three participant answers (lines 3, 7, 11), their speech after "P1: ":
  //   line 3 "abcdefghij" (10), line 7 "klmno" (5), line 11 "pqrst" (5): 20 characters.
  // alice: 3:5-3:9 (a-e) and line 7 whole; ben: 3:8-3:14 (d-j) and line 7 whole; nobody codes line 11.
  // By hand, per character: both: d e k l m n o = 7; alice only: a b c = 3; ben only: f g h i j = 5; neither: p-t = 5.
  //   po = (7 + 5) / 20 = 0.6; alice's share 10/20 = 0.5, ben's 12/20 = 0.6;
  //   pe = 0.5·0.6 + 0.5·0.4 = 0.5; Cohen's kappa = (0.6 − 0.5) / (1 − 0.5) = 0.2.
  const texts = ['abcdefghij', 'klmno', 'pqrst'];
  const files = {
    'transcripts/P1_w1.txt': transcript('P1', 3, (i) => texts[i]!),
    'codings/alice.tsv': codingsTsv([
      ['P1', 'w1', '3:5-3:9', 't.a'],
      ['P1', 'w1', 7, 't.a'],
    ]),
    'codings/ben.tsv': codingsTsv([
      ['P1', 'w1', '3:8-3:14', 't.a'],
      ['P1', 'w1', 7, 't.a'],
    ]),
  };

  it('in the core and from the command line: the hand-computed character table', async () => {
    const { study, diagnostics } = await loadStudy(writeStudy(files));
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const r = studyAgreement(study!, { coders: ['alice', 'ben'], unit: 'character', level: 'code', codes: ['t.a'], resamples: 0, seed: 1 });
    const a = r.rows.find((x) => x.name === 't.a')!.result;
    expect(a.units).toBe(20);
    expect(a.coefficients.percentAgreement!.value).toBeCloseTo(0.6, 12);
    expect(a.coefficients.cohenKappa!.value).toBeCloseTo(0.2, 12);
    // Per segment the two agree everywhere (both coded segments 1 and 2): the exact characters are what differ.
    const seg = studyAgreement(study!, { coders: ['alice', 'ben'], unit: 'segment', level: 'code', codes: ['t.a'], resamples: 0, seed: 1 });
    expect(seg.rows.find((x) => x.name === 't.a')!.result.coefficients.percentAgreement!.value).toBe(1);
    const dir = writeStudy(files);
    const cli = JSON.parse((await qualwave(['agree', '--unit', 'character', '--code', 't.a', '--resamples', '0', '--format', 'json'], { cwd: dir })).stdout);
    expect(cli.rows[0].units).toBe(20);
    expect(cli.rows[0].coefficients.cohenKappa.value).toBeCloseTo(0.2, 12);
  });

  it('unitizing alpha maps exact spans into the continuum: by hand, D_o = 2·δ² / (m(m−1)L²)', async () => {
    // One answer, "P1: abcdefghij" (14 code points + its line break: L = 15). alice 3:5-3:14 (begin 4, end 14),
    // ben 3:5-3:9 (begin 4, end 9): the same begin, ends 5 apart: δ² = 25.
    const { study } = await loadStudy(writeStudy({ 'transcripts/P1_w1.txt': transcript('P1', 1, () => 'abcdefghij'), 'codings/alice.tsv': codingsTsv([['P1', 'w1', '3:5-3:14', 't.a']]), 'codings/ben.tsv': codingsTsv([['P1', 'w1', '3:5-3:9', 't.a']]) }));
    const r = studyUnitizing(study!, { coders: ['alice', 'ben'], unit: 'segment', level: 'code', codes: ['t.a'], resamples: 0, seed: 1 });
    expect(r.characters).toBe(15);
    expect(r.rows[0]!.result.coefficients.unitizingAlpha!.observedDisagreement).toBeCloseTo((2 * 25) / (2 * 1 * 15 * 15), 12);
  });
});

const hasGit = spawnSync('git', ['--version']).status === 0;
const git = (dir: string, ...args: string[]) => {
  const r = spawnSync('git', ['-c', 'user.email=t@example.org', '-c', 'user.name=test', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
};

describe.skipIf(!hasGit)('codings reanchor after the transcript was edited', () => {
  // P1's three answers (lines 3, 7, 11); ann codes a phrase, a sentence with a typo and a whole line.
  const answers = ['We went to the park every week.', 'I did not knwo what to say at first. Later it was easy.', 'It was fine.'];
  async function coded(): Promise<string> {
    const dir = writeStudy({ 'transcripts/P1_w1.txt': transcript('P1', 3, (i) => answers[i]!) });
    const q = async (...a: string[]) => expect((await qualwave(['code', 'P1', 'w1', '--coder', 'ann', ...a], { cwd: dir })).code).toBe(0);
    await q('--apply', 't.a', '--text', 'the park', '--lines', '3');
    await q('--apply', 't.b', '--text', 'I did not knwo what to say at first.', '--lines', '7');
    await q('--apply', 't.a', '--lines', '11');
    await q('--apply', 't.b', '--lines', '11:5-11:16', '--memo', 'fine');
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'coded');
    return dir;
  }
  const file = (dir: string) => join(dir, 'transcripts/P1_w1.txt');

  it('lines inserted at the top and a typo fixed inside a coded sentence: every coding moves to its text, validate is clean', async () => {
    const dir = await coded();
    writeFileSync(file(dir), `I: (recording started)\n\nI: Hello again.\n\n${readFileSync(file(dir), 'utf8').replace('knwo', 'know')}`);
    const drift = await qualwave(['validate'], { cwd: dir });
    expect(drift.stderr).toContain('4 codings drifted');
    expect(drift.stderr).toContain('run qualwave codings reanchor');
    // Spans now past the end of their lines stop every command but reanchor, saying how to fix them.
    const session = await qualwave(['code', 'P1', 'w1', '--coder', 'ann'], { cwd: dir });
    expect(session.code).toBe(2);
    expect(session.stderr).toContain('run qualwave codings reanchor');
    const dry = await qualwave(['codings', 'reanchor', '--dry-run', '--format', 'json'], { cwd: dir });
    const before = readFileSync(join(dir, 'codings/ann.tsv'), 'utf8');
    const report = JSON.parse(dry.stdout);
    expect(readFileSync(join(dir, 'codings/ann.tsv'), 'utf8')).toBe(before);
    // Four lines added: 3 -> 7, 7 -> 11, 11 -> 15; the columns stay (the lines themselves are unchanged but for the typo).
    // "I did not knwo what to say at first." is 36 characters: "knwo" -> "know" is 2 substitutions: 1 - 2/36.
    expect(report.rows.map((r: { from: string; to: string; how: string; similarity?: number }) => [r.from, r.to, r.how, r.similarity])).toEqual([
      ['3:16-3:23', '7:16-7:23', 'exact', undefined],
      ['7:5-7:40', '11:5-11:40', 'fuzzy', Math.round((1 - 2 / 36) * 1000) / 1000],
      ['11', '15', 'exact', undefined],
      ['11:5-11:16', '15:5-15:16', 'exact', undefined],
    ]);
    const r = await qualwave(['codings', 'reanchor'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('moved 4 codings');
    expect(r.stderr).toContain('80% similarity');
    const v = await qualwave(['validate'], { cwd: dir });
    expect(v.code).toBe(0);
    expect(v.stderr).not.toContain('changed after coding');
    expect(v.stderr).not.toContain('drifted');
    const texts = JSON.parse((await qualwave(['codings', '--format', 'json'], { cwd: dir })).stdout).map((x: { text: string; memo?: string }) => [x.text, x.memo]);
    expect(texts).toEqual([
      ['the park', undefined],
      ['I did not know what to say at first.', undefined],
      ['It was fine.', undefined],
      ['It was fine.', 'fine'],
    ]);
    // Another edit, inside the lines: the session refuses to start on the drifted transcript and says how to fix it.
    writeFileSync(file(dir), readFileSync(file(dir), 'utf8').replace('It was fine.', 'It was good.'));
    const session2 = await qualwave(['code', 'P1', 'w1', '--coder', 'ann'], { cwd: dir });
    expect(session2.code).toBe(2);
    expect(session2.stderr).toContain('transcripts/P1_w1.txt changed after it was coded: 2 codings (ann) no longer mark the text they were made on, so the session will not start');
    expect(session2.stderr).toContain('run qualwave codings reanchor');
  });

  it('a coding whose text is now in two places the edits do not choose between is reported and left alone (exit 1)', async () => {
    const dir = await coded();
    // A new answer with the same words "It was fine." goes in before the second question, the first
    // answer and the end of the file change: the coded "It was fine." (old line 11) lies between edits.
    const text = `${readFileSync(file(dir), 'utf8').replace('We went to the park every week.', 'We went to the park each week.').replace('I: Question 2?', 'I: And the bus?\n\nP1: It was fine.\n\nI: Question 2?')}I: Thank you.\n`;
    writeFileSync(file(dir), text);
    const before = readFileSync(join(dir, 'codings/ann.tsv'), 'utf8');
    const r = await qualwave(['codings', 'reanchor', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    const stuck = report.rows.filter((x: { how: string }) => x.how === 'not placed');
    expect(stuck.map((x: { from: string; reason: string }) => [x.from, x.reason])).toEqual([
      ['11', 'its text is now in 2 places (line 7, line 15) and the edits do not say which'],
      ['11:5-11:16', 'its text is now in 2 places (7:5-7:16, 15:5-15:16) and the edits do not say which'],
    ]);
    const after = readFileSync(join(dir, 'codings/ann.tsv'), 'utf8').split('\n');
    // The two ambiguous rows are exactly as they were.
    for (const row of before.split('\n').filter((l) => l.includes('\t11'))) expect(after).toContain(row);
    expect(r.stderr).toContain('2 codings not placed, left as they were');
    // The sentence, unique, moved on (7 -> 11).
    expect(report.rows.find((x: { from: string }) => x.from === '7:5-7:40')).toMatchObject({ to: '11:5-11:40', how: 'exact' });
  });
});

describe('the coding session: one sentence of a paragraph, a new code on the fly', () => {
  it('s 2 selects the second of three sentences; c creates the code in the codebook and applies it to that sentence', async () => {
    // "P1: One sentence here. Second sentence is this. Third one?": "P1: " 1-4, "One sentence here." 5-22,
    // space 23, "Second sentence is this." 24-47 (24 characters), space 48, "Third one?" 49-58.
    const dir = writeStudy({ 'transcripts/P1_w1.txt': 'I: Tell me.\n\nP1: One sentence here. Second sentence is this. Third one?\n' });
    const t = new Terminal(['code', 'P1', 'w1', '--coder', 'ann', '--new-coder'], dir);
    await t.waitFor('segment 1/1');
    t.type('s');
    // The sentences are listed, numbered, under the segment.
    await t.waitFor('3  Third one?');
    t.type('2\r');
    await t.waitFor('sentence 2 of 3 selected');
    t.type('c');
    await t.waitFor('new code: ID LABEL');
    t.type('t.new Second sentences\r');
    await t.waitFor('created t.new');
    t.type('q');
    expect(await t.exited).toBe(0);
    expect(readFileSync(join(dir, 'codings/ann.tsv'), 'utf8').split('\n')[1]!.split('\t').slice(0, 4)).toEqual(['P1', 'w1', '3:24-3:47', 't.new']);
    expect(readFileSync(join(dir, 'codebooks/c.yaml'), 'utf8')).toBe(['title: Test codes', 'codes:', '  - id: t', '    label: Theme', '    children:', '      - id: t.a', '        label: A', '      - id: t.b', '        label: B', '      - id: t.new', '        label: Second sentences', ''].join('\n'));
    const rows = JSON.parse((await qualwave(['codings', '--format', 'json'], { cwd: dir })).stdout);
    expect(rows[0].text).toBe('Second sentence is this.');
  });

  it('codebook add from the command line: under the code its id names, comments kept; a duplicate refused', async () => {
    const dir = writeStudy({ 'transcripts/P1_w1.txt': transcript('P1', 1) });
    const cb = join(dir, 'codebooks/c.yaml');
    writeFileSync(cb, `# kept\n${readFileSync(cb, 'utf8')}`);
    const r = await qualwave(['codebook', 'add', 't.c', '--label', 'C: third'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('added t.c ("C: third") under t (from its id; give --parent to choose another) to codebooks/c.yaml');
    expect(readFileSync(cb, 'utf8')).toBe(['# kept', 'title: Test codes', 'codes:', '  - id: t', '    label: Theme', '    children:', '      - id: t.a', '        label: A', '      - id: t.b', '        label: B', '      - id: t.c', '        label: "C: third"', ''].join('\n'));
    expect((await qualwave(['codebook', 'add', 'v', '--label', 'V'], { cwd: dir })).stderr).toContain('added v ("V") as a theme');
    const dup = await qualwave(['codebook', 'add', 't.a', '--label', 'again'], { cwd: dir });
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain("code 't.a' already exists");
    expect((await qualwave(['codebook', 'add', 'w.x', '--label', 'X', '--parent', 'nope'], { cwd: dir })).stderr).toContain("no code 'nope'");
    expect((await qualwave(['validate'], { cwd: dir })).code).toBe(0);
  });
});

describe('quotes, disagreements and reconcile use the exact span', () => {
  // P1's answer (line 3): "P1: I go every week. The parents get an hour off, and they need it. We play cards."
  //   "P1: " 1-4; "I go every week." 5-20; space 21; "The parents get an hour off, and they need it." 22-67
  //   (46 characters: 3+1+7+1+3+1+2+1+4+1+4+1+3+1+4+1+4+1+3); space 68; "We play cards." 69-82.
  const answer = 'I go every week. The parents get an hour off, and they need it. We play cards.';
  const files = (alice: string, ben: string) => ({
    'transcripts/P1_w1.txt': transcript('P1', 1, () => answer),
    'codings/alice.tsv': codingsTsv([['P1', 'w1', alice, 't.a']]),
    'codings/ben.tsv': codingsTsv([['P1', 'w1', ben, 't.a']]),
  });

  it('a quote of an exact span is its text, with its span; the report and dossiers take quotes from there', async () => {
    const dir = writeStudy(files('3:22-3:67', '3:22-3:67'));
    const q = JSON.parse((await qualwave(['quotes', '--coder', 'alice', '--rows', 'code', '--min-words', '1', '--format', 'json'], { cwd: dir })).stdout);
    const quote = q.cells.flatMap((c: { quotes: unknown[] }) => c.quotes)[0];
    expect(quote).toMatchObject({ text: 'The parents get an hour off, and they need it.', lines: '3:22-3:67', start: { line: 3, column: 22 }, end: { line: 3, column: 67 } });
  });

  it('disagreements show what each coder marked; reconcile keeps a span every coder marked, and widens (and says so) when they differ', async () => {
    const same = await loadStudy(writeStudy(files('3:22-3:67', '3:22-3:67')));
    const { reconcile } = await import('../../src/core/agreement/reconcile.js');
    const { formatSpan } = await import('../../src/core/coding/span.js');
    const r1 = reconcile(same.study!, { coders: ['alice', 'ben'], into: 'consensus' });
    expect(r1.codings.map((c) => `${formatSpan(c)} ${c.code}`)).toEqual(['3:22-3:67 t.a']);
    expect(r1.widened).toEqual([]);
    // alice the middle sentence, ben the first: both applied t.a to the segment (agreed), on different text.
    const differ = writeStudy(files('3:22-3:67', '3:5-3:20'));
    const r2 = reconcile((await loadStudy(differ)).study!, { coders: ['alice', 'ben'], into: 'consensus' });
    expect(r2.codings.map((c) => `${formatSpan(c)} ${c.code}`)).toEqual(['3 t.a']);
    expect(r2.widened).toEqual([{ code: 't.a', participant: 'P1', wave: 'w1', lines: '3' }]);
    const out = await qualwave(['reconcile', '--dry-run'], { cwd: differ });
    expect(out.stderr).toContain('1 coding applied to the whole segment because the coders marked different exact spans in it: P1/w1:3 t.a');
    // Only alice applies the code: a disagreement, quoting what she marked.
    const one = writeStudy({ ...files('3:22-3:67', '3:5-3:20'), 'codings/ben.tsv': codingsTsv([['P1', 'w1', '3:5-3:20', 't.b']]) });
    const md = (await qualwave(['disagreements', '--format', 'md'], { cwd: one })).stdout;
    expect(md).toContain('- alice: applied to “The parents get an hour off, and they need it.” (3:22-3:67)');
    const json = JSON.parse((await qualwave(['disagreements', '--format', 'json'], { cwd: one })).stdout);
    expect(json.find((d: { code: string }) => d.code === 't.a').coders[0].coded).toEqual([{ lines: '3:22-3:67', text: 'The parents get an hour off, and they need it.' }]);
  });
});
