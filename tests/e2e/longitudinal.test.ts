import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { qualwave, repo } from '../helpers/cli.js';
import { writeMiniStudy } from '../helpers/mini-study.js';
import { copyStudy } from '../helpers/copy-study.js';

/**
 * The longitudinal commands end to end on the buddy study, with expected values worked out here
 * from the raw files: the consensus coder's TSV and the transcript file names. Every coding of the
 * buddy study is on one line, and each coded line is one paragraph, so "segments coded with a
 * theme" is the number of distinct lines coded with the theme or one of its sub-codes.
 */
const buddy = join(repo, 'fixtures/buddy-study');
const waves = ['pre', '4-month', 'post'];
const interviewed = new Map<string, Set<string>>();
for (const f of readdirSync(join(buddy, 'transcripts'))) {
  const m = /^(MS\d+)_(.+)\.txt$/.exec(f)!;
  if (!interviewed.has(m[1]!)) interviewed.set(m[1]!, new Set());
  interviewed.get(m[1]!)!.add(m[2]!);
}
const rows = readFileSync(join(buddy, 'codings/consensus.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split('\t'));
const segments = (theme: string, p: string, w: string) => new Set(rows.filter((r) => r[0] === p && r[1] === w && r[3]!.split('.')[0] === theme).map((r) => r[2])).size;
const json = async (args: string[]) => JSON.parse((await qualwave([...args, '--study', buddy, '--format', 'json'])).stdout);

/** The README's rules, written again here from their wording (an oracle, not the code under test). */
function category(values: number[]): string {
  if (values.length < 2) return 'too-few-waves';
  if (values.every((v) => v === 0)) return 'missing';
  const steps = values
    .slice(1)
    .map((v, i) => Math.sign(v - values[i]!))
    .filter((s) => s !== 0);
  const ups = steps.filter((s) => s > 0).length;
  const downs = steps.filter((s) => s < 0).length;
  if (steps.length === 0) return 'constant';
  if (downs === 0) return ups === 1 ? 'increased' : 'cumulative';
  if (ups === 0) return 'decreased';
  const peak = steps.indexOf(-1);
  return steps[0]! > 0 && steps.slice(peak).every((s) => s < 0) ? 'surged' : 'idiosyncratic';
}

describe('qualwave change', () => {
  it('puts each participant in the category the rules give for their segments at the waves they were interviewed', async () => {
    const cm = await json(['change']);
    expect(cm.participants).toHaveLength(15);
    for (const row of cm.rows) {
      for (const p of row.participants) {
        const values = waves.filter((w) => interviewed.get(p.participant)!.has(w)).map((w) => segments(row.id, p.participant, w));
        expect(p.category, `${row.id} ${p.participant} ${values}`).toBe(category(values));
      }
    }
    // Worked by hand: learning for MS07 is 1, 1, 2 segments (lines 14; 20; 20 and 22): one rise, emerged/increased.
    expect(waves.map((w) => segments('learning', 'MS07', w))).toEqual([1, 1, 2]);
    expect(cm.rows.find((r: { id: string }) => r.id === 'learning').cells.increased).toContain('MS07');
    // MS05 and MS12 were interviewed only at pre: too few waves for every theme, never "missing".
    for (const row of cm.rows) expect(row.cells['too-few-waves']).toEqual(['MS05', 'MS12']);
  });

  it('as a table, a CSV with a level column, and Markdown with the participants and their quotes', async () => {
    const table = await qualwave(['change', '--study', buddy]);
    expect(table.stdout).toContain('Learning and professional growth');
    const csv = (await qualwave(['change', '--rows', 'code', '--study', buddy, '--format', 'csv'])).stdout.split('\n');
    expect(csv[0]).toBe('code,level,participants,emerged/increased,cumulative,surged,decreased/ceased,constant,idiosyncratic,missing,too few waves');
    expect(csv[1]).toMatch(/^support,theme,15,/);
    expect(csv[2]).toMatch(/^support\.companionship,sub-code,15,/);
    const md = readFileSync(join(buddy, 'tables/change-evidence.md'), 'utf8');
    expect(md).toContain('### too few waves (2)');
    expect(md).toMatch(/- \*\*MS07\*\* 1 1 2 \(increased\)\n\n  - pre-interview:\n\n    > .+ \(MS07, pre-interview\)/);
    expect((await qualwave(['change', '--study', buddy, '--evidence'])).stderr).toContain('--evidence needs --format md or json');
  });
});

describe('qualwave case, brief, anticipated, dropout, case-matrix', () => {
  it('the dossier of MS07 checks the case summary and links its codes', async () => {
    const md = readFileSync(join(buddy, 'dossiers/MS07.md'), 'utf8');
    expect(md).toContain('interviewed at every wave · coder consensus');
    expect(md).toContain('- Line 15, quotation (MS07, post interview): verified (transcripts/MS07_post.txt:20)');
    expect(md).toContain('- Line 17, code `emotions.toll` (Experienced emotional toll): 4-month L18, L30; post L28');
    expect(readFileSync(join(buddy, 'dossiers/MS04.md'), 'utf8')).toContain('| post interview | not interviewed |');
    const r = await qualwave(['case', 'MS7', '--study', buddy]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no participant 'MS7' (did you mean 'MS07'?)");
  });

  it('the pen-portrait template never replaces a case summary', async () => {
    const r = await qualwave(['case', 'MS07', '--template', '-o', join(buddy, 'cases/MS07.md'), '--study', buddy]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('already exists');
  });

  it('the brief for post reads the 4-month wave: 13 participants, memos with follow-up:, as Markdown or Word', async () => {
    const md = readFileSync(join(buddy, 'briefs/post.md'), 'utf8');
    expect(md).toContain('13 participants interviewed at 4-month; not interviewed at 4-month (not in this brief): MS05, MS12.');
    expect(md).toContain('- ask whether one sad evening after a bad-news text is still enough, after a harder month (memo at 4-month, codings/consensus.tsv:238)');
    // The post interview has been held: the case summaries (written after it) give no threads here.
    expect(md).not.toContain('monthly painting days');
    const file = join(mkdtempSync(join(tmpdir(), 'qualwave-brief-')), 'brief.docx');
    expect((await qualwave(['brief', '--for', 'post', '--participant', 'MS07', '--study', buddy, '-o', file])).code).toBe(0);
    expect(readFileSync(file).subarray(0, 2).toString()).toBe('PK');
  });

  it('anticipated vs experienced: 13 lived what they feared, MS05 and MS12 were not interviewed again', async () => {
    const a = await json(['anticipated', '--summary']);
    expect(a.pairs[0].counts).toEqual({ 'anticipated-experienced': 13, 'anticipated-not-experienced': 0, 'anticipated-not-followed': 2, 'experienced-not-anticipated': 0, neither: 0 });
    // By hand: everyone has emotions.anticipated at pre, emotions.toll at 4-month (13 of 13).
    expect(new Set(rows.filter((r) => r[1] === 'pre' && r[3] === 'emotions.anticipated').map((r) => r[0])).size).toBe(15);
    expect(new Set(rows.filter((r) => r[1] === '4-month' && r[3] === 'emotions.toll').map((r) => r[0])).size).toBe(13);
  });

  it('the drop-out check: lost after 4-month are MS04, MS08, MS10, MS13, MS15', async () => {
    const d = await json(['dropout', '--after', '4-month', '--cells', 'ids']);
    expect(d.blocks[0].lost).toEqual(['MS04', 'MS08', 'MS10', 'MS13', 'MS15']);
    const male = d.blocks[0].rows.find((r: { name: string; value: string }) => r.name === 'gender' && r.value === 'M');
    // participants.csv: MS04, MS10, MS13 are M and lost; MS09 is M and retained.
    expect([male.lost, male.retained]).toEqual([['MS04', 'MS10', 'MS13'], ['MS09']]);
    expect((await qualwave(['dropout', '--after', 'post', '--study', buddy])).stderr).toContain('nobody can be lost after the last wave in scope');
  });
});

describe('user text is escaped in the new outputs', () => {
  it('Markdown, CSV and the terminal', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'qualwave-esc-')), 'study');
    copyStudy(buddy, dir);
    const cb = join(dir, 'codebooks/buddy.yaml');
    writeFileSync(cb, readFileSync(cb, 'utf8').replace('label: Learning and professional growth', 'label: "=cmd|*Learning* <b>\\u001b[31m"'));
    const md = (await qualwave(['change', '--evidence', '--format', 'md'], { cwd: dir })).stdout;
    // A heading is not a table cell: the pipe stays; emphasis and HTML are escaped (escape.ts).
    expect(md).toContain('## \\=cmd|\\*Learning\\* \\<b\\>');
    expect(md).not.toContain('<b>');
    expect(md).not.toContain('\u001b');
    // CSV cells carry ids, but attribute values are user text too: a formula is neutralised.
    const people = join(dir, 'participants.csv');
    writeFileSync(people, readFileSync(people, 'utf8').replace('MS01,2,F,camp', 'MS01,2,F,"=HYPERLINK(""x"")"'));
    expect((await qualwave(['dropout', '--format', 'csv'], { cwd: dir })).stdout).toContain(`pre,prior_experience,"'=HYPERLINK(""x"")",0,0,1,8`);
    const terminal = (await qualwave(['change'], { cwd: dir })).stdout;
    // The whole escape sequence goes, not only its ESC (escape.ts).
    expect(terminal).toContain('=cmd|*Learning* <b>');
    expect(terminal).not.toContain('[31m');
    expect(terminal).not.toContain('\u001b');
  });
});

const hasGit = (() => {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as { status?: number }).status === undefined) throw e;
    return false;
  }
})();
if (!hasGit) console.warn('codebook versions --from-git test skipped: git is not installed');

describe('qualwave codebook versions --from-git', () => {
  it.skipIf(!hasGit)('derives since: from when a code entered the codebook and when each wave began to be coded, and writes it', async () => {
    const root = writeMiniStudy({ since: false });
    // The machine's git settings (signing, hooks) stay out of it.
    const git = (...args: string[]) => execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=/dev/null', ...args], { cwd: root, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' } });
    const codebook = readFileSync(join(root, 'codebooks/mini.yaml'), 'utf8');
    const codings = readFileSync(join(root, 'codings/x.tsv'), 'utf8').split('\n');
    // History: the codebook without u.late; the w1 codings (without u.late); then u.late; then w2 and w3.
    git('init', '-q');
    writeFileSync(join(root, 'codebooks/mini.yaml'), codebook.replace(/      - id: u\.late\n        label: What was lived\n/, '').replace('        anticipates: u.late\n', ''));
    writeFileSync(join(root, 'codings/x.tsv'), [codings[0], ...codings.filter((l) => /\tw1\t/.test(l) && !l.includes('u.late')), ''].join('\n'));
    git('add', '.');
    git('commit', '-q', '-m', 'w1 coded');
    writeFileSync(join(root, 'codebooks/mini.yaml'), codebook);
    git('commit', '-q', '-am', 'u.late added');
    writeFileSync(join(root, 'codings/x.tsv'), codings.filter((l) => !(/\tw1\t/.test(l) && l.includes('u.late'))).join('\n'));
    git('commit', '-q', '-am', 'w2, w3 coded');
    const v = await qualwave(['codebook', 'versions', '--from-git', '--format', 'json'], { cwd: root });
    expect(v.code).toBe(0);
    const late = JSON.parse(v.stdout).codes.find((c: { id: string }) => c.id === 'u.late');
    expect(late).toMatchObject({ since: 'w1', declared: null, derived: 'w2', notCodedFor: ['w1'] });
    expect(JSON.parse(v.stdout).codes.find((c: { id: string }) => c.id === 't.a')).toMatchObject({ derived: 'w1', notCodedFor: [] });
    const w = await qualwave(['codebook', 'versions', '--from-git', '--write'], { cwd: root });
    expect(w.stderr).toContain('wrote 1 since: line: u.late since w2');
    expect(readFileSync(join(root, 'codebooks/mini.yaml'), 'utf8')).toContain('      - id: u.late\n        since: w2\n        label: What was lived\n');
    expect(JSON.parse((await qualwave(['matrix', '--rows', 'code', '--format', 'json'], { cwd: root })).stdout).rows.find((r: { id: string }) => r.id === 'u.late').cells[0].codedFor).toBe(false);
    // git must not find a repository above the temporary folder either.
    const outside = await qualwave(['codebook', 'versions', '--from-git'], { cwd: writeMiniStudy(), env: { GIT_CEILING_DIRECTORIES: tmpdir() } });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('is not in a git repository');
  });
});
