import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/options/commands.js';
import { qualwave, repo } from '../helpers/cli.js';
import { skipSlow } from '../helpers/tex.js';
import { copyStudy } from '../helpers/copy-study.js';

/**
 * The package as npm ships it: the example studies inside (qualwave init --example), and the
 * tarball installed into a fresh prefix on this Node (20: no engine warning), running the
 * tutorial's first steps from the installed command.
 */
const run = promisify(execFile);
const tmp = (): string => mkdtempSync(join(tmpdir(), 'qw-pkg-'));

/** Every file under a folder (relative paths, sorted), its work folder .qualwave left out. */
function filesOf(root: string, rel = ''): string[] {
  return readdirSync(join(root, rel), { withFileTypes: true })
    .flatMap((e) => {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) return path === '.qualwave' ? [] : filesOf(root, path);
      return [path];
    })
    .sort();
}

/** The README's tutorial, step 1: the validate line it shows, and the summary's first line. */
function tutorialStep1(): { validate: string; summaryFirst: string } {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const step = readme.slice(readme.indexOf('### 1. Look at the example study'), readme.indexOf('### 2.'));
  const blocks = [...step.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, body: m[2]! }));
  const after = (cmd: string): string => {
    const i = blocks.findIndex((b) => b.lang === 'sh' && b.body.trim().split('\n').pop() === cmd);
    expect(i, `the README's step 1 runs ${cmd}`).toBeGreaterThanOrEqual(0);
    return blocks[i + 1]!.body;
  };
  return { validate: after('qualwave validate').trim(), summaryFirst: after('qualwave summary').split('\n')[0]! };
}

describe('qualwave init --example', () => {
  it('copies the example study byte for byte (its outputs included: build finds them up to date)', async () => {
    const dir = join(tmp(), 'buddy');
    const r = await qualwave(['init', '--example', 'buddy', dir]);
    expect(r.code, r.stderr).toBe(0);
    const source = join(repo, 'fixtures/buddy-study');
    expect(filesOf(dir)).toEqual(filesOf(source));
    for (const f of filesOf(source)) expect(readFileSync(join(dir, f)).equals(readFileSync(join(source, f))), f).toBe(true);
    expect(r.stderr).toContain(`(${filesOf(source).length} files)`);
    const check = await qualwave(['build', '--check'], { cwd: dir });
    expect(check.code, check.stderr).toBe(0);
  });

  it('the French example too', async () => {
    const dir = join(tmp(), 'ap');
    expect((await qualwave(['init', '--example', 'ap', dir])).code).toBe(0);
    expect(filesOf(dir)).toEqual(filesOf(join(repo, 'fixtures/ap-study')));
    expect((await qualwave(['validate'], { cwd: dir })).code).toBe(0);
  });

  it('never over a file: a folder holding one of its files is refused, nothing written', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'codebooks'));
    writeFileSync(join(dir, 'codebooks', 'buddy.yaml'), 'mine\n');
    const r = await qualwave(['init', '--example', 'buddy', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('already has codebooks/buddy.yaml');
    expect(readFileSync(join(dir, 'codebooks', 'buddy.yaml'), 'utf8')).toBe('mine\n');
    expect(readdirSync(dir)).toEqual(['codebooks']);
    const study = await qualwave(['init', '--example', 'buddy', join(repo, 'fixtures/buddy-study')]);
    expect(study.code).toBe(2);
    expect(study.stderr).toContain('already holds a study');
  });

  it('an unknown example or --title with it: exit 2', async () => {
    const r = await qualwave(['init', '--example', 'budy', join(tmp(), 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--example budy: expected one of buddy, ap, tutorial');
    const t = await qualwave(['init', '--example', 'buddy', '--title', 'Mine', join(tmp(), 'y')]);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('takes no --title or --codebook');
  });

  it('every example the command table offers is shipped (package.json files) and known to the copier', async () => {
    const { EXAMPLES, examplePaths } = (await import(new URL('../../dist/src/io/package.js', import.meta.url).href)) as typeof import('../../src/io/package.js');
    const offered = COMMANDS.init.options.example.choices;
    expect([...(offered ?? [])].sort()).toEqual(Object.keys(EXAMPLES).sort());
    const files = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { files: string[] }).files;
    for (const name of Object.keys(EXAMPLES)) for (const path of examplePaths(name)) expect(files, `${name}: ${path}`).toContain(path);
  });

  it('tutorial: the study and the files the tutorial reads, laid out as in a clone, so steps 1, 5 and 11 run as written', async () => {
    const dir = join(tmp(), 'qualwave-tutorial');
    const r = await qualwave(['init', '--example', 'tutorial', dir]);
    expect(r.code, r.stderr).toBe(0);
    const expected = [...filesOf(join(repo, 'fixtures/buddy-study')).map((f) => `fixtures/buddy-study/${f}`), 'fixtures/carla-codings.csv', ...filesOf(join(repo, 'fixtures/drafts')).map((f) => `fixtures/drafts/${f}`)].sort();
    expect(filesOf(dir)).toEqual(expected);
    for (const f of expected) expect(readFileSync(join(dir, f)).equals(readFileSync(join(repo, f))), f).toBe(true);
    // Step 1 copies the study beside the fixtures; steps 5 and 11 read ../fixtures/... from it.
    copyStudy(join(dir, 'fixtures/buddy-study'), join(dir, 'my-buddy'));
    const my = join(dir, 'my-buddy');
    const verify = await qualwave(['quotes', 'verify', '../fixtures/drafts/results.md'], { cwd: my });
    expect(verify.code).toBe(1);
    expect(verify.stdout + verify.stderr).toContain('3 quotes in ../fixtures/drafts/results.md: 1 verified, 2 not (line 10, line 14)');
    const imp = await qualwave(['codings', 'import', '../fixtures/carla-codings.csv'], { cwd: my });
    expect(imp.code).toBe(2);
    expect(imp.stderr).toContain("../fixtures/carla-codings.csv:15: error: unknown code 'learning.practise' (did you mean 'learning.practice'?)");
  });
});

describe.skipIf(skipSlow)('from the npm package (npm pack, installed into a fresh prefix)', () => {
  it('installs on this Node with no engine warning and runs the tutorial’s first steps', async () => {
    const work = tmp();
    try {
      // The tarball of what is built (npm test builds first): the files npm would publish.
      const pack = await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: repo, maxBuffer: 16 << 20 });
      const tarball = join(work, pack.stdout.trim().split('\n').pop()!);
      expect(existsSync(tarball)).toBe(true);
      // As `npm i -g qualwave` would, into its own prefix; dependencies from npm's cache when it has them.
      const prefix = join(work, 'prefix');
      const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
      const install = await run('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: work, env, maxBuffer: 16 << 20 });
      const said = install.stdout + install.stderr;
      expect(said).not.toMatch(/EBADENGINE|Unsupported engine/i);
      expect(said).not.toMatch(/npm (warn|WARN) deprecated/);
      const qw = join(prefix, 'bin', 'qualwave');
      const version = await run(qw, ['--version']);
      expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version);
      // The tutorial from the package: a copy of the example study, then step 1 as the README shows it.
      await run(qw, ['init', '--example', 'buddy', 'buddy-study'], { cwd: work });
      const study = join(work, 'buddy-study');
      const step1 = tutorialStep1();
      const validate = await run(qw, ['validate'], { cwd: study, env: { ...process.env, NO_COLOR: '1' } });
      expect(validate.stderr.trim()).toBe(step1.validate);
      const summary = await run(qw, ['summary'], { cwd: study, env: { ...process.env, NO_COLOR: '1' } });
      expect(summary.stdout.split('\n')[0]).toBe(step1.summaryFirst);
      // Its figures render from the package too (resvg's prebuilt binary, the bundled font).
      await run(qw, ['figure', 'heatmap', '-o', 'heatmap.png'], { cwd: study });
      expect(readFileSync(join(study, 'heatmap.png')).subarray(1, 4).toString()).toBe('PNG');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 240_000);
});
