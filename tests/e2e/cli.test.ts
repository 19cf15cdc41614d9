import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { qualwave, repo } from '../helpers/cli.js';
import { copyOf } from '../helpers/inproc.js';

const buddy = join(repo, 'fixtures', 'buddy-study');
const tmp = () => mkdtempSync(join(tmpdir(), 'qualwave-test-'));

describe('qualwave summary on the buddy study (the README main command)', () => {
  it('reports participation with attrition 15 → 13 → 8', async () => {
    const r = await qualwave(['summary', '--study', buddy, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const s = JSON.parse(r.stdout);
    expect(s.waves.map((w: { id: string; label: string; participants: number; documents: number }) => [w.id, w.label, w.participants, w.documents])).toEqual([
      ['pre', 'pre-interview', 15, 15],
      ['4-month', '4-month interview', 13, 13],
      ['post', 'post interview', 8, 8],
    ]);
    expect(s.attrition).toEqual([
      { from: 'pre', to: '4-month', continued: 13, lost: 2, joined: 0 },
      { from: '4-month', to: 'post', continued: 8, lost: 5, joined: 0 },
    ]);
    const waves = Object.fromEntries(s.participants.map((p: { id: string; waves: string[] }) => [p.id, p.waves]));
    expect(waves['MS05']).toEqual(['pre']);
    expect(waves['MS12']).toEqual(['pre']);
    expect(waves['MS07']).toEqual(['pre', '4-month', 'post']);
    expect(waves['MS04']).toEqual(['pre', '4-month']);
    expect(s.codebook.themes.map((t: { id: string }) => t.id)).toEqual(['support', 'emotions', 'relationship', 'learning']);
    for (const w of s.waves) expect(w.participantWords).toBeLessThan(w.words);
  });

  it('prints the same bytes every time, in every format', async () => {
    for (const format of ['json', 'md', 'csv', 'tsv', 'table']) {
      const a = await qualwave(['summary', buddy, '--format', format]);
      const b = await qualwave(['summary', buddy, '--format', format]);
      expect(a.code).toBe(0);
      expect(a.stdout).toBe(b.stdout);
      expect(a.stdout).not.toContain('\u001b['); // no colour when not a terminal
    }
  });

  it('writes CSV a spreadsheet reads back', async () => {
    const r = await qualwave(['summary', buddy, '--format', 'csv', '--table', 'participation']);
    const rows = parse(r.stdout) as string[][];
    expect(rows[0]).toEqual(['participant', 'pre', '4-month', 'post']);
    expect(rows[1]).toEqual(['MS01', '1', '1', '1']);
    expect(rows.at(-1)).toEqual(['n', '15', '13', '8']);
    const waves = parse((await qualwave(['summary', buddy, '--format', 'csv'])).stdout) as string[][];
    expect(waves[0]).toEqual(['wave', 'label', 'participants', 'transcripts', 'segments', 'words', 'participant words', 'coded (consensus)']);
    expect(waves.slice(1, 4).map((r) => r[7])).toEqual(['103', '92', '57']);
  });

  it('writes a Markdown pipe table with the participation marks', async () => {
    const r = await qualwave(['summary', buddy, '--format', 'md']);
    expect(r.stdout).toContain('| participant | pre | 4-month | post |');
    expect(r.stdout).toContain('| MS05 | ● | · | · |');
    expect(r.stdout).toContain('| n | 15 | 13 | 8 |');
  });

  it('finds the study from a folder inside it', async () => {
    const r = await qualwave(['summary', '--format', 'json'], { cwd: join(buddy, 'transcripts') });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).title).toBe('Buddy program for medical students');
  });

  it('says what to do when there is no study (exit 2)', async () => {
    const r = await qualwave(['summary'], { cwd: tmp() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no study here: no qualwave.yaml in this folder or any folder above it');
    expect(r.stderr).toContain('hint: run inside a study folder, pass --study DIR, or create one with: qualwave init DIR');
  });

  it('rejects an unsupported format and unknown options with exit 2', async () => {
    const a = await qualwave(['summary', buddy, '--format', 'png']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--format png is not supported by this command');
    const b = await qualwave(['summary', '--bogus']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain("unknown option '--bogus'");
  });
});

describe('--output', () => {
  it('writes atomically, refuses to overwrite without --force, replaces with it', async () => {
    const dir = tmp();
    const out = join(dir, 'summary.json');
    const first = await qualwave(['summary', buddy, '--format', 'json', '--output', out]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).title).toBe('Buddy program for medical students');
    writeFileSync(out, 'my own notes');
    const again = await qualwave(['summary', buddy, '--format', 'json', '--output', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
    expect(readFileSync(out, 'utf8')).toBe('my own notes');
    // Refused before the study is read: a study never read has no index yet.
    const fresh = copyOf(buddy);
    rmSync(join(fresh, '.qualwave'), { recursive: true, force: true });
    const early = await qualwave(['summary', fresh, '--format', 'json', '--output', out]);
    expect(early.code).toBe(2);
    expect(early.stderr).toContain('already exists');
    expect(existsSync(join(fresh, '.qualwave'))).toBe(false);
    expect((await qualwave(['summary', buddy, '--format', 'json', '--output', out, '--force'])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(first.code === 0 ? (await qualwave(['summary', buddy, '--format', 'json'])).stdout : '');
    expect(readdirSync(dir)).toEqual(['summary.json']); // no temporary files left behind
  });

  it('writes nothing when the study has errors', async () => {
    const dir = tmp();
    const out = join(dir, 'x.json');
    const r = await qualwave(['summary', join(repo, 'fixtures/invalid/codebook-errors'), '--format', 'json', '-o', out]);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});

describe('qualwave validate', () => {
  it.each(['buddy-study', 'ap-study', 'formats-study'])('finds no problems in fixtures/%s', async (name) => {
    const r = await qualwave(['validate', '--strict', join('fixtures', name)], { env: { NO_COLOR: '1' } });
    expect(r.stderr).toMatch(/^✓ no problems: /);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('colours only when asked or on a terminal, and never with NO_COLOR or --no-color', async () => {
    const warn = join(repo, 'fixtures/invalid/warnings');
    expect((await qualwave(['validate'], { cwd: warn })).stderr).not.toContain('\u001b[');
    expect((await qualwave(['validate'], { cwd: warn, env: { FORCE_COLOR: '1' } })).stderr).toContain('\u001b[');
    expect((await qualwave(['validate'], { cwd: warn, env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stderr).not.toContain('\u001b[');
    expect((await qualwave(['validate', '--no-color'], { cwd: warn, env: { FORCE_COLOR: '1' } })).stderr).not.toContain('\u001b[');
  });
});

describe('qualwave init', () => {
  it('creates a study that validates cleanly, then refuses to create it again', async () => {
    const dir = tmp();
    const r = await qualwave(['init', 'pilot-study', '--codebook', 'peer-support'], { cwd: dir });
    expect(r.code).toBe(0);
    const study = join(dir, 'pilot-study');
    for (const f of ['qualwave.yaml', 'participants.csv', 'codebooks/peer-support.yaml', 'transcripts/P01_pre.txt']) expect(existsSync(join(study, f))).toBe(true);
    expect(readFileSync(join(study, 'qualwave.yaml'), 'utf8')).toContain('title: "Pilot study"');
    const v = await qualwave(['validate', '--strict', 'pilot-study'], { cwd: dir });
    expect(v.stderr).toContain('✓ no problems: Pilot study');
    expect(v.code).toBe(0);
    const again = await qualwave(['init', 'pilot-study'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('pilot-study already holds a study');
  });

  it('suggests the right starter codebook for a typo, and lists them', async () => {
    const r = await qualwave(['init', 'x', '--codebook', 'peer-suport'], { cwd: tmp() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no starter codebook 'peer-suport' (did you mean 'peer-support'?)");
    const list = await qualwave(['init', '--list']);
    expect(list.stdout).toMatch(/^cfir-implementation\s+Implementation/m);
    expect(list.stdout).toMatch(/^peer-support\s+Peer support experience/m);
    expect(list.stdout).toMatch(/^program-experience\s+Longitudinal program experience/m);
  });

  it('never overwrites files already in the folder', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'participants.csv'), 'id\nA\n');
    const r = await qualwave(['init', '.'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('already has participants.csv');
    expect(readFileSync(join(dir, 'participants.csv'), 'utf8')).toBe('id\nA\n');
    expect(readdirSync(dir)).toEqual(['participants.csv']);
  });
});

describe('help and version', () => {
  it('prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
    expect((await qualwave(['--version'])).stdout.trim()).toBe(pkg.version);
  });
  it.each([
    'init',
    'validate',
    'summary',
    'add',
    'pseudonymise',
    'code',
    'codings list',
    'codings import',
    'codings export',
    'codings reanchor',
    'autocode',
    'codebook show',
    'codebook add',
    'codebook rename',
    'codebook merge',
    'agree',
    'disagreements',
    'reconcile',
    'matrix',
    'trajectories',
    'framework',
    'cooccurrence',
    'saturation',
    'change',
    'case-matrix',
    'dropout',
    'anticipated',
    'case',
    'brief',
    'codebook versions',
    'build',
    'figure',
    'report',
    'export',
    'import',
    'quotes list',
    'quotes verify',
  ])('%s --help shows examples', async (cmd) => {
    const r = await qualwave([...cmd.split(' '), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples?:/);
    expect(r.stdout).toContain(`qualwave ${cmd.split(' ')[0]}`);
  });
});
