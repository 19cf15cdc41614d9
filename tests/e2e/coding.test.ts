import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCodingsFile } from '../../src/core/coding/store.js';
import { qualwave, repo } from '../helpers/cli.js';
import { answerLine, codingsTsv, transcript, writeStudy } from '../helpers/study.js';
import { Terminal } from '../helpers/terminal.js';
import { copyStudy } from '../helpers/copy-study.js';

/** A fresh copy of the buddy study without codings, to write into. */
function studyCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'qualwave-coding-')), 'buddy');
  copyStudy(join(repo, 'fixtures/buddy-study'), dir);
  rmSync(join(dir, 'codings'), { recursive: true, force: true });
  return dir;
}

const rows = (dir: string, coder: string) => {
  const file = join(dir, 'codings', `${coder}.tsv`);
  const parsed = parseCodingsFile(file, readFileSync(file, 'utf8'), coder);
  expect(parsed.diagnostics).toEqual([]);
  return parsed.codings.map((c) => `${c.participant} ${c.wave} ${c.startLine}-${c.endLine} ${c.code}${c.exemplar ? ' *' : ''}${c.memo ? ` (${c.memo})` : ''}`);
};

describe('qualwave code (interactive, in a terminal)', () => {
  it('codes, marks, undoes and quits; every change is on disk before the screen moves', async () => {
    const dir = studyCopy();
    const t = new Terminal(['code', 'MS02', '4-month', '--coder', 'tester'], dir);
    // A coder with no codings yet: asked first (a typo must not start a second file).
    await t.waitFor('tester has no codings in this study: the study has no coder yet.\r\nStart codings/tester.tsv as a new coder? [y/N]');
    t.type('y\r');
    await t.waitFor('segment 1/7');
    t.type('3\r');
    await t.waitFor('added support.respite');
    expect(rows(dir, 'tester')).toEqual(['MS02 4-month 10-10 support.respite']);
    t.type('/trust\r');
    await t.waitFor('added relationship.trust');
    t.type('e1\r');
    await t.waitFor('support.respite marked as exemplar');
    t.type('m2 parents trust her\r');
    await t.waitFor('memo saved');
    expect(rows(dir, 'tester')).toEqual(['MS02 4-month 10-10 relationship.trust (parents trust her)', 'MS02 4-month 10-10 support.respite *']);
    t.type('u');
    await t.waitFor('undone');
    expect(rows(dir, 'tester')).toEqual(['MS02 4-month 10-10 relationship.trust', 'MS02 4-month 10-10 support.respite *']);
    t.type('j');
    await t.waitFor('segment 2/7');
    t.type('?');
    await t.waitFor('Keys');
    t.type(' ');
    // f: the transcript is finished, on disk before the screen says so.
    t.type('f');
    await t.waitFor('transcript marked finished');
    expect(readFileSync(join(dir, 'codings', 'tester.finished.tsv'), 'utf8')).toBe('participant\twave\nMS02\t4-month\n');
    t.type('q');
    expect(await t.exited).toBe(0);
    expect(readdirSync(join(dir, 'codings')).sort()).toEqual(['tester.finished.tsv', 'tester.tsv']);
  });

  it('loses nothing on kill -9, and resumes where the coder stopped', async () => {
    const dir = studyCopy();
    const t = new Terminal(['code', 'MS02', '4-month', '--coder', 'tester', '--new-coder'], dir);
    await t.waitFor('segment 1/7');
    t.type('3\r');
    await t.waitFor('added support.respite');
    t.type('j16\r');
    await t.waitFor('added learning.practice');
    await t.kill9();
    expect(rows(dir, 'tester')).toEqual(['MS02 4-month 10-10 support.respite', 'MS02 4-month 14-14 learning.practice']);
    expect(readdirSync(join(dir, 'codings'))).toEqual(['tester.tsv']); // no temporary file left
    expect((await qualwave(['validate', '--strict'], { cwd: dir })).code).toBe(0);
    const again = new Terminal(['code', 'MS02', '4-month', '--coder', 'tester'], dir);
    await again.waitFor('segment 3/7');
    again.type('q');
    expect(await again.exited).toBe(0);
  });

  it("shows only the coder's own codings (blind coding)", async () => {
    const dir = studyCopy();
    await qualwave(['code', 'MS02', '4-month', '--coder', 'other', '--apply', 'support', '--lines', '10'], { cwd: dir });
    const t = new Terminal(['code', 'MS02', '4-month', '--coder', 'tester', '--new-coder'], dir);
    await t.waitFor('applied: none');
    t.type('q');
    await t.exited;
  });
});

describe('qualwave code: a coder name that is not in the study', () => {
  it('the session asks before starting a new coder; no is no session and no file', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'qualwave-coding-')), 'buddy');
    copyStudy(join(repo, 'fixtures/buddy-study'), dir);
    const t = new Terminal(['code', 'MS02', '4-month', '--coder', 'alcie'], dir);
    await t.waitFor("alcie has no codings in this study: the coders are alice, ben, consensus (did you mean 'alice'?).");
    t.type('n\r');
    expect(await t.exited).toBe(2);
    expect(t.text).toContain('no session started: alcie is not a coder of this study');
    expect(existsSync(join(dir, 'codings', 'alcie.tsv'))).toBe(false);
  });

  it('--apply refuses a near miss of an existing coder (unless --new-coder), and says when it starts a new one', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'qualwave-coding-')), 'buddy');
    copyStudy(join(repo, 'fixtures/buddy-study'), dir);
    const q = (...args: string[]) => qualwave(['code', 'MS07', 'post', '--apply', 'learning', '--lines', '12', ...args], { cwd: dir });
    const typo = await q('--coder', 'alcie');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("--coder alcie: no coder 'alcie' in this study (did you mean 'alice'?)");
    expect(typo.stderr).toContain('add --new-coder');
    expect(existsSync(join(dir, 'codings', 'alcie.tsv'))).toBe(false);
    const meant = await q('--coder', 'alcie', '--new-coder');
    expect(meant.code).toBe(0);
    expect(meant.stderr).toContain('new coder alcie: codings/alcie.tsv is created');
    expect(rows(dir, 'alcie')).toEqual(['MS07 post 12-12 learning']);
    const fresh = await q('--coder', 'dora');
    expect(fresh.code).toBe(0);
    expect(fresh.stderr).toContain('new coder dora: codings/dora.tsv is created');
    const known = await q('--coder', 'ben');
    expect(known.stderr).not.toContain('new coder');
  });
});

describe('qualwave code --apply / --remove', () => {
  it('applies and removes codings from scripts', async () => {
    const dir = studyCopy();
    const a = await qualwave(['code', 'MS07', 'post', '--coder', 'alice', '--apply', 'learning.practice', '--lines', '12-14', '--memo', 'career', '--exemplar'], { cwd: dir });
    expect(a.code).toBe(0);
    expect(a.stderr).toContain('applied learning.practice at transcripts/MS07_post.txt:12-14 (alice)');
    expect(rows(dir, 'alice')).toEqual(['MS07 post 12-14 learning.practice * (career)']);
    const r = await qualwave(['code', 'MS07', 'post', '--coder', 'alice', '--remove', 'learning.practice', '--lines', '12-14'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(rows(dir, 'alice')).toEqual([]);
    const again = await qualwave(['code', 'MS07', 'post', '--coder', 'alice', '--remove', 'learning.practice', '--lines', '12-14'], { cwd: dir });
    expect(again.code).toBe(1);
  });

  it('says what is wrong: unknown code, missing interview, lines outside, no terminal', async () => {
    const dir = studyCopy();
    const q = (...args: string[]) => qualwave(['code', ...args], { cwd: dir });
    expect((await q('MS07', 'post', '--coder', 'a', '--apply', 'learning.practise', '--lines', '3')).stderr).toContain("no code 'learning.practise' (did you mean 'learning.practice'?)");
    const missing = await q('MS05', 'post', '--coder', 'a', '--apply', 'learning', '--lines', '3');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("MS05 has no transcript at wave 'post'");
    expect(missing.stderr).toContain('MS05 was interviewed at: pre');
    expect((await q('MS07', 'post', '--coder', 'a', '--apply', 'learning', '--lines', '900')).stderr).toMatch(/lines 900-900 are outside transcripts\/MS07_post.txt/);
    const noTty = await q('MS07', 'post', '--coder', 'a');
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toContain('interactive coding needs a terminal');
    expect(existsSync(join(dir, 'codings'))).toBe(false);
  });
});

describe('qualwave codings: retrieve, import, export', () => {
  it('imports a CSV all-or-nothing, or the good rows with --skip-bad', async () => {
    const dir = studyCopy();
    const csv = join(dir, 'in.csv');
    writeFileSync(csv, 'coder,participant,wave,start_line,end_line,code,memo\nalice,MS02,4-month,10,10,support.respite,time off\nben,MS02,4-month,10,10,support.respit,\n');
    const bad = await qualwave(['codings', 'import', 'in.csv'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("in.csv:3: error: unknown code 'support.respit' (did you mean 'support.respite'?)");
    expect(bad.stderr).toContain('nothing imported');
    expect(existsSync(join(dir, 'codings'))).toBe(false);
    const skip = await qualwave(['codings', 'import', 'in.csv', '--skip-bad'], { cwd: dir });
    expect(skip.code).toBe(1);
    expect(skip.stderr).toContain('imported 1 coding from 2 rows (alice +1); 0 already present; 1 bad row skipped');
    expect(rows(dir, 'alice')).toEqual(['MS02 4-month 10-10 support.respite (time off)']);
    // The transcript alice has rows for was coded in the exporting tool: finished for her.
    expect(skip.stderr).toContain('marked 1 transcript finished');
    expect(readFileSync(join(dir, 'codings', 'alice.finished.tsv'), 'utf8')).toBe('participant\twave\nMS02\t4-month\n');
    const twice = await qualwave(['codings', 'import', 'in.csv', '--skip-bad'], { cwd: dir });
    expect(twice.stderr).toContain('imported 0 codings from 2 rows; 1 already present');
    expect(twice.stderr).not.toContain('marked');
  });

  it('exports what it imports, and retrieves coded text with attribution', async () => {
    const dir = studyCopy();
    await qualwave(['code', 'MS02', '4-month', '--coder', 'alice', '--apply', 'support.respite', '--lines', '10'], { cwd: dir });
    await qualwave(['code', 'MS07', 'post', '--coder', 'ben', '--apply', 'learning.practice', '--lines', '12'], { cwd: dir });
    const out = await qualwave(['codings', 'export'], { cwd: dir });
    // text: the coded lines as they are in the file (trimmed), quoted by CSV when they hold a comma or a quote.
    const line = (file: string, n: number) => readFileSync(join(dir, file), 'utf8').split('\n')[n - 1]!.trim();
    const csv = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    expect(out.stdout).toBe(
      `coder,participant,wave,start_line,end_line,code,memo,exemplar,document,start_col,end_col,text\nalice,MS02,4-month,10,10,support.respite,,,transcripts/MS02_4-month.txt,,,${csv(line('transcripts/MS02_4-month.txt', 10))}\nben,MS07,post,12,12,learning.practice,,,transcripts/MS07_post.txt,,,${csv(line('transcripts/MS07_post.txt', 12))}\n`,
    );
    // Imported again (whole lines: the text is those lines' text), nothing changes.
    writeFileSync(join(dir, 'again.csv'), out.stdout);
    const again = await qualwave(['codings', 'import', 'again.csv'], { cwd: dir });
    expect(again.stderr).toContain('imported 0 codings from 2 rows; 2 already present');
    const list = JSON.parse((await qualwave(['codings', '--code', 'support', '--format', 'json'], { cwd: dir })).stdout);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ coder: 'alice', code: 'support.respite', theme: 'support', attribution: '(MS02, 4-month interview)', file: 'transcripts/MS02_4-month.txt', startLine: 10, speaker: 'MS02', role: 'participant' });
    expect(list[0].text).toMatch(/^It's been more about the family/);
    const unknown = await qualwave(['codings', '--code', 'suport'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--code suport: no such code (did you mean 'support'?)");
    expect((await qualwave(['codings', '--where', 'gender=M', '--format', 'csv'], { cwd: dir })).stdout.split('\n')).toHaveLength(2); // header + final newline
  });
});

describe('qualwave autocode', () => {
  it('writes the auto coder deterministically and reports codes that matched nothing', async () => {
    const dir = studyCopy();
    const a = await qualwave(['autocode', '--format', 'json'], { cwd: dir });
    expect(a.code).toBe(0);
    const first = readFileSync(join(dir, 'codings/auto.tsv'), 'utf8');
    const hits = JSON.parse(a.stdout);
    expect(hits.coder).toBe('auto');
    expect(hits.hits['support.respite']).toBeGreaterThan(0);
    expect((await qualwave(['autocode'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, 'codings/auto.tsv'), 'utf8')).toBe(first);
    const dry = await qualwave(['autocode', '--dry-run', '--coder', 'robot'], { cwd: dir });
    expect(dry.stderr).toContain('dry run: would write');
    expect(existsSync(join(dir, 'codings/robot.tsv'))).toBe(false);
  });

  it('rewrites a coder file saved with a UTF-8 byte order mark (Excel, Notepad), with and without the study index', async () => {
    // The check "changed since qualwave read it" compared the loader's text (the BOM taken off)
    // with the file's bytes decoded with their BOM, so such a file was refused at every run.
    for (const env of [{}, { QUALWAVE_NO_CACHE: '1' }] as Array<Record<string, string>>) {
      const dir = studyCopy();
      expect((await qualwave(['autocode'], { cwd: dir, env })).code).toBe(0);
      const file = join(dir, 'codings/auto.tsv');
      const written = readFileSync(file, 'utf8');
      writeFileSync(file, `\uFEFF${written}`);
      const again = await qualwave(['autocode'], { cwd: dir, env });
      expect(again.stderr).not.toContain('changed since qualwave read it');
      expect(again.code, again.stderr).toBe(0);
      // The same codings, written again (without the mark: qualwave writes UTF-8 without a BOM).
      expect(readFileSync(file, 'utf8')).toBe(written);
    }
  });

  it('will not replace a human coder without --force', async () => {
    const dir = studyCopy();
    await qualwave(['code', 'MS02', '4-month', '--coder', 'alice', '--apply', 'support', '--lines', '10'], { cwd: dir });
    const r = await qualwave(['autocode', '--coder', 'alice'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('alice already has 1 coding, which auto-coding would replace');
  });
});

describe('qualwave codebook', () => {
  it("renames and merges codes in the codebook and every coder's codings together", async () => {
    const dir = studyCopy();
    await qualwave(['code', 'MS02', '4-month', '--coder', 'alice', '--apply', 'emotions.coping', '--lines', '10'], { cwd: dir });
    await qualwave(['code', 'MS02', '4-month', '--coder', 'alice', '--apply', 'emotions.toll', '--lines', '10'], { cwd: dir });
    await qualwave(['code', 'MS02', '4-month', '--coder', 'ben', '--apply', 'support.respite', '--lines', '10'], { cwd: dir });
    // ben.finished.tsv beside ben.tsv is not a coder 'ben.finished' (rename used to refuse to run: "the header lacks 'lines'").
    await qualwave(['code', 'MS02', '4-month', '--coder', 'ben', '--done'], { cwd: dir });
    const r = await qualwave(['codebook', 'rename', 'support.respite', 'support.parent-time'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('renamed support.respite to support.parent-time: 1 coding changed (ben)');
    expect(readFileSync(join(dir, 'codebooks/buddy.yaml'), 'utf8')).toContain('- id: support.parent-time\n');
    expect(rows(dir, 'ben')).toEqual(['MS02 4-month 10-10 support.parent-time']);
    const m = await qualwave(['codebook', 'merge', 'emotions.coping', '--into', 'emotions.toll'], { cwd: dir });
    expect(m.stderr).toContain('merged emotions.coping into emotions.toll: 1 coding changed (alice), 1 duplicate folded');
    expect(rows(dir, 'alice')).toEqual(['MS02 4-month 10-10 emotions.toll']);
    expect(readFileSync(join(dir, 'codebooks/buddy.yaml'), 'utf8')).not.toContain('id: emotions.coping');
    expect(m.stderr).toContain("still mention 'emotions.coping' in definition, include or exclude");
    // The example's case summary cases/MS07.md names `emotions.coping`: the analyst is told, and validate says it too.
    expect(m.stderr).toContain('note: cases/MS04.md, cases/MS07.md still mention `emotions.coping`: update the case summary by hand');
    const v = await qualwave(['validate', '--strict'], { cwd: dir });
    expect(v.stderr).toContain("cases/MS07.md:16: warning: `emotions.coping` is not a code of the codebook; did you mean 'emotions.toll'?");
    expect(v.stderr).toContain('0 errors, 2 warnings in 2 files');
    expect(v.code).toBe(1);
    // A rename carries the case summaries along (MS07's names `learning.practice`).
    const rn = await qualwave(['codebook', 'rename', 'learning.practice', 'learning.future'], { cwd: dir });
    expect(rn.stderr).toContain('updated `learning.practice` in 1 case summary: cases/MS07.md');
    expect(readFileSync(join(dir, 'cases/MS07.md'), 'utf8')).toContain('`learning.future` is coded for her');
    expect((await qualwave(['codebook', 'rename', 'emotions', 'learning'], { cwd: dir })).stderr).toContain("code 'learning' already exists");
  });

  it('shows the codebook for a manuscript appendix', async () => {
    const md = await qualwave(['codebook', 'show', '--study', join(repo, 'fixtures/buddy-study'), '--format', 'md']);
    expect(md.stdout).toContain('| code | label | definition | include | exclude | examples |');
    const tex = await qualwave(['codebook', 'show', '--study', join(repo, 'fixtures/buddy-study'), '--format', 'latex']);
    expect(tex.stdout).toContain('\\toprule');
    // Paragraph columns may break a code id after its dot; the long codebook continues across pages.
    expect(tex.stdout).toContain('support.\\hspace{0pt}respite & Respite for parents');
    expect(tex.stdout).toContain('\\begin{longtable}');
  });

  it("shows each code's since: and anticipates: when the codebook declares them", async () => {
    const { tinyStudy } = await import('../helpers/inproc.js');
    const dir = tinyStudy();
    const cb = join(dir, 'codebooks', 'cb.yaml');
    writeFileSync(cb, readFileSync(cb, 'utf8').replace('      - id: worry.money\n        label: Money\n', '      - id: worry.money\n        label: Money\n        since: post\n        anticipates: care.time\n'));
    const csv = await qualwave(['codebook', 'show', '--format', 'csv', '--study', dir]);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('code,label,definition,include,exclude,examples,since,anticipates');
    expect(lines.find((l) => l.startsWith('worry.money,'))).toBe('worry.money,Money,,,,,post,care.time');
    // Declared values: the sub-code inherits nothing here (codebook versions shows inheritance).
    expect(lines.find((l) => l.startsWith('care.time,'))).toBe('care.time,Time off,,,,,,');
    const table = await qualwave(['codebook', 'show', '--study', dir], { env: { NO_COLOR: '1' } });
    expect(table.stdout).toMatch(/code\s+label\s+definition\s+since\s+anticipates/);
  });
});

describe('a rewrite of coder files whose bytes did not change since the load takes the parse made at the load', () => {
  const hostile = (): string =>
    writeStudy({
      'transcripts/P1_w1.txt': transcript('P1', 3, (i) => ['Zoë said “no” 😀 twice.', 'tab\there and "quotes"', 'plain'][i]!),
      'transcripts/P2_w1.txt': transcript('P2', 2).replace(/\n/g, '\r\n'),
      // A CRLF file with exact spans, memos with quotes, tabs escaped as the format has them, an exemplar.
      'codings/x.tsv': ['participant\twave\tlines\tcode\texemplar\tmemo\thash', 'P1\tw1\t3:1-3:4\tt.a\tyes\tmemo with "quotes" and émoji 😀\t', `P1\tw1\t${answerLine(1)}\tt.b\t\t\t`, `P2\tw1\t${answerLine(0)}\tt.a\t\tsecond, with a comma\t`, ''].join('\r\n'),
      'codings/y.tsv': codingsTsv([
        ['P1', 'w1', answerLine(0), 't.a'],
        ['P2', 'w1', answerLine(1), 't.b'],
      ]),
    });
  const buddy = (): string => {
    const dir = join(mkdtempSync(join(tmpdir(), 'qualwave-coding-')), 'buddy');
    copyStudy(join(repo, 'fixtures', 'buddy-study'), dir);
    rmSync(join(dir, '.qualwave'), { recursive: true, force: true });
    return dir;
  };
  const files = (dir: string) => Object.fromEntries(['codings', 'codebooks'].flatMap((d) => readdirSync(join(dir, d)).map((f) => [`${d}/${f}`, readFileSync(join(dir, d, f), 'utf8')])));
  for (const [name, make, from, to] of [
    ['the example study', buddy, 'support.respite', 'support.rest'],
    ['a study of CRLF files, exact spans, memos and emoji', hostile, 't.a', 't.c'],
  ] as const) {
    it(`codebook rename writes the files a run without the index writes (it parses every file again): ${name}`, async () => {
      const warm = make();
      const cold = make();
      // The index made, then read: the rename's load has every coder file's parse from it.
      expect((await qualwave(['validate', warm])).code).not.toBe(70);
      await qualwave(['validate', warm]);
      const a = await qualwave(['codebook', 'rename', from, to, '--study', warm]);
      const b = await qualwave(['codebook', 'rename', from, to, '--study', cold], { env: { QUALWAVE_NO_CACHE: '1' } });
      expect(a.code).toBe(0);
      expect(a).toEqual(b);
      expect(files(warm)).toEqual(files(cold));
      expect(Object.values(files(warm)).join('')).toContain(to);
    }, 60_000);
  }
});

describe('reconcile, a transcript at a time', () => {
  it('a transcript every coder finished without a coding is reconciled: the consensus it had there is what the reconciliation drops', async () => {
    const study = writeStudy({
      'transcripts/P1_w1.txt': transcript('P1', 2),
      'transcripts/P2_w1.txt': transcript('P2', 2),
      'codings/x.tsv': codingsTsv([['P1', 'w1', answerLine(0), 't.a']]),
      'codings/y.tsv': codingsTsv([['P1', 'w1', answerLine(0), 't.a']]),
      'codings/x.finished.tsv': 'participant\twave\nP2\tw1\n',
      'codings/y.finished.tsv': 'participant\twave\nP2\tw1\n',
      // The consensus had a coding in P2 w1, where neither coder coded anything.
      'codings/consensus.tsv': codingsTsv([['P2', 'w1', answerLine(1), 't.b']]),
    });
    const r = await qualwave(['reconcile', '--coders', 'x,y', '--dry-run', '--format', 'json', '--study', study]);
    expect(r.stderr).toContain('on the 2 transcripts every coder coded or finished');
    expect(JSON.parse(r.stdout).lost).toEqual([{ participant: 'P2', wave: 'w1', lines: String(answerLine(1)), code: 't.b' }]);
  }, 60_000);
});
