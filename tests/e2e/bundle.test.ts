import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, qualwave, repo, spawnQualwave } from '../helpers/cli.js';
import { copyStudy } from '../helpers/copy-study.js';

/**
 * The binary runs the bundle that npm run build makes (scripts/bundle.js) from the compiled
 * modules of dist/src, which the in-process tests and the API use: both must print the same
 * bytes, and the bundle must be what loads (start-up is mostly the loading of files: a warm
 * `summary` loaded about 180 before, yaml alone 72).
 */
const tmp = (): string => mkdtempSync(join(tmpdir(), 'qw-bundle-'));

function studyCopy(name = 'buddy-study'): string {
  const dir = join(tmp(), name);
  copyStudy(join(repo, 'fixtures', name), dir);
  rmSync(join(dir, '.qualwave'), { recursive: true, force: true });
  return dir;
}

describe('the bundled command line', () => {
  it('prints the same bytes and exit codes as the compiled modules', async () => {
    const study = studyCopy();
    const out = tmp();
    const lines: string[][] = [
      ['summary', '--format', 'json'],
      ['summary', '--speakers'],
      ['matrix', '--rows', 'code', '--value', 'segments', '--format', 'csv'],
      ['codings', '--code', 'support.respite'],
      ['cooccurrence', '--format', 'json'],
      ['validate', '--format', 'json'],
      ['agree'],
      ['matrix', '--rows', 'xyz'],
      ['summary', '--nosuch'],
    ];
    for (const args of lines) {
      const argv = [...args, '--study', study];
      const spawned = spawnQualwave(argv);
      const inProcess = await qualwave(argv);
      expect(spawned, args.join(' ')).toEqual(inProcess);
    }
    // The pattern checks (their libraries stay in node_modules): patterns kept, and one refused.
    const ap = studyCopy('ap-study');
    const same = async (args: string[]): Promise<void> => expect(spawnQualwave(args), args.join(' ')).toEqual(await qualwave(args));
    await same(['autocode', '--coder', 'machine', '--dry-run', '--study', ap]);
    const book = join(ap, 'codebooks', 'ap.yaml');
    writeFileSync(book, readFileSync(book, 'utf8').replace("          - 'aider les autres'\n", "          - 'aider les autres'\n          - '(a+)+b'\n"));
    const refused = spawnQualwave(['validate', ap]);
    expect(refused.stderr).toContain('is refused: it can take exponential time');
    expect(refused).toEqual(await qualwave(['validate', ap]));
    // Commands that write files, and read qualwave's own (the version in the project, the templates).
    const spawned = spawnQualwave(['export', '--study', study, '-o', join(out, 'bundle.qdpx')]);
    expect(spawned.code, spawned.stderr).toBe(0);
    expect((await qualwave(['export', '--study', study, '-o', join(out, 'modules.qdpx')])).code).toBe(0);
    expect(readFileSync(join(out, 'bundle.qdpx')).equals(readFileSync(join(out, 'modules.qdpx')))).toBe(true);
    const init = spawnQualwave(['init', join(out, 'new-study')]);
    expect(init.code, init.stderr).toBe(0);
    expect(spawnQualwave(['validate', join(out, 'new-study')]).code).toBe(0);
    // A dozen processes: a loaded machine needs more than the default 30 s.
  }, 120_000);

  it('is what the binary loads: a few files, none of dist/src, the start-up libraries inside it', () => {
    const study = studyCopy();
    expect(spawnQualwave(['summary', '--study', study]).code).toBe(0);
    // Every script V8 compiles, as the debugger sees it (require and import alike).
    const dir = tmp();
    const preload = join(dir, 'scripts.cjs');
    const list = join(dir, 'scripts.txt');
    writeFileSync(
      preload,
      `const s = new (require('node:inspector').Session)(); s.connect(); const seen = [];
s.on('Debugger.scriptParsed', (m) => { if (m.params.url.startsWith('file:')) seen.push(m.params.url); });
s.post('Debugger.enable');
process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(list)}, seen.join('\\n')));\n`,
    );
    const r = spawnSync(process.execPath, ['-r', preload, bin, 'summary', '--study', study], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const files = readFileSync(list, 'utf8')
      .split('\n')
      .filter((u) => u !== '' && !u.endsWith('/scripts.cjs'));
    expect(files.filter((u) => u.includes('/dist/src/'))).toEqual([]);
    // (picomatch is also in node_modules: fdir, inside the bundle, requires it there for a feature qualwave does not use.)
    expect(files.filter((u) => /\/node_modules\/(yaml|commander|csv-parse|csv-stringify|tinyglobby|fdir|chalk)\//.test(u))).toEqual([]);
    expect(files.filter((u) => u.includes('/dist/bundle/cli/')).length).toBeGreaterThan(0);
    // 182 files before the bundle (the compiled modules and the libraries' own files).
    expect(files.length).toBeLessThan(100);
  });

  it('the binary takes the bundle unless tsc has compiled dist/src since it was made', () => {
    const root = tmp();
    cpSync(bin, join(root, 'bin', 'qualwave.js'));
    writeFileSync(join(root, 'package.json'), '{ "type": "module", "version": "9.9.9" }\n');
    const stub = (path: string, says: string): string => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), `export async function start() { process.stdout.write('${says}\\n'); }\n`);
      return join(root, path);
    };
    const compiled = stub('dist/src/cli/main.js', 'compiled');
    const runs = (): string => spawnSync(process.execPath, [join(root, 'bin', 'qualwave.js'), 'summary'], { encoding: 'utf8' }).stdout;
    expect(runs()).toBe('compiled\n');
    const bundle = stub('dist/bundle/cli/main.js', 'bundle');
    const at = (path: string, seconds: number): void => utimesSync(path, seconds, seconds);
    at(compiled, 1_000_000);
    at(bundle, 1_000_100);
    expect(runs()).toBe('bundle\n');
    // npm pack gives every file one date: the bundle still.
    at(bundle, 1_000_000);
    expect(runs()).toBe('bundle\n');
    // tsc alone after the bundle (it rewrites every file it compiles): the compiled modules.
    at(compiled, 1_000_200);
    expect(runs()).toBe('compiled\n');
    expect(spawnSync(process.execPath, [join(root, 'bin', 'qualwave.js'), '--version'], { encoding: 'utf8' }).stdout).toBe('9.9.9\n');
    // The help the build kept beside the bundle (help.txt): printed into a pipe when no colour is
    // asked for or refused and the bundle is what would run; else the command line makes it.
    const helps = (args: string[], env: NodeJS.ProcessEnv = {}): string => {
      const e: NodeJS.ProcessEnv = { ...process.env, ...env };
      for (const k of ['FORCE_COLOR', 'NO_COLOR', 'CLICOLOR_FORCE']) if (!(k in env)) delete e[k];
      return spawnSync(process.execPath, [join(root, 'bin', 'qualwave.js'), ...args], { encoding: 'utf8', env: e }).stdout;
    };
    const kept = join(root, 'dist', 'bundle', 'cli', 'help.txt');
    writeFileSync(kept, 'kept help\n');
    at(compiled, 1_000_000);
    at(bundle, 1_000_100);
    at(kept, 1_000_100);
    expect(helps(['--help'])).toBe('kept help\n');
    expect(helps(['-h'])).toBe('kept help\n');
    expect(helps(['--help', 'summary'])).toBe('bundle\n');
    expect(helps(['summary', '--help'])).toBe('bundle\n');
    for (const k of ['FORCE_COLOR', 'NO_COLOR', 'CLICOLOR_FORCE']) expect(helps(['--help'], { [k]: '1' }), k).toBe('bundle\n');
    // A command's help the build kept (help/COMMAND[.SUBCOMMAND].txt): only for exactly COMMAND [SUBCOMMAND] --help or -h.
    mkdirSync(join(root, 'dist', 'bundle', 'cli', 'help'));
    const keptOne = (file: string, text: string): void => {
      writeFileSync(join(root, 'dist', 'bundle', 'cli', 'help', file), text);
      at(join(root, 'dist', 'bundle', 'cli', 'help', file), 1_000_100);
    };
    keptOne('summary.txt', 'kept summary help\n');
    keptOne('codings.list.txt', 'kept codings list help\n');
    expect(helps(['summary', '--help'])).toBe('kept summary help\n');
    expect(helps(['summary', '-h'])).toBe('kept summary help\n');
    expect(helps(['codings', 'list', '--help'])).toBe('kept codings list help\n');
    // Anything more than the command's words, another command, or a help not kept: the command line makes it.
    for (const args of [
      ['summary', '--study', 'x', '--help'],
      ['--help', 'summary'],
      ['summary', 'list', 'more', '--help'],
      ['codings', '--help'],
      ['Summary', '--help'],
      ['../summary', '--help'],
    ])
      expect(helps(args), args.join(' ')).toBe('bundle\n');
    for (const k of ['FORCE_COLOR', 'NO_COLOR', 'CLICOLOR_FORCE']) expect(helps(['summary', '--help'], { [k]: '1' }), k).toBe('bundle\n');
    at(join(root, 'dist', 'bundle', 'cli', 'help', 'summary.txt'), 1_000_050);
    expect(helps(['summary', '--help'])).toBe('bundle\n');
    // Older than the bundle (a bundle made since, by hand), or tsc alone since: not it.
    at(kept, 1_000_050);
    expect(helps(['--help'])).toBe('bundle\n');
    at(kept, 1_000_100);
    at(compiled, 1_000_200);
    expect(helps(['--help'])).toBe('compiled\n');
  });

  it('the bundle as one script runs with its code cache only for the bytes the cache was made from', () => {
    const root = tmp();
    cpSync(bin, join(root, 'bin', 'qualwave.js'));
    writeFileSync(join(root, 'package.json'), '{ "type": "module", "version": "9.9.9" }\n');
    mkdirSync(join(root, 'dist', 'bundle', 'cli'), { recursive: true });
    const chunks = join(root, 'dist', 'bundle', 'cli', 'main.js');
    writeFileSync(chunks, "export async function start() { process.stdout.write('chunks\\n'); }\n");
    const script = join(root, 'dist', 'bundle', 'cli', 'main.cjs');
    // Two scripts of the same length (what V8 checks of a cache's source): the cache of one must not run the other.
    const says = (word: string) => `exports.start = async function () { process.stdout.write(${JSON.stringify(`${word}\n`)}); };\n`;
    writeFileSync(script, says('aaaa'));
    const at = (path: string, seconds: number): void => utimesSync(path, seconds, seconds);
    at(chunks, 1_000_000);
    at(script, 1_000_000);
    const run = (env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [join(root, 'bin', 'qualwave.js'), 'summary'], { encoding: 'utf8', env: { ...process.env, ...env } });
    expect(run({ QUALWAVE_WRITE_CODE_CACHE: '1' }).stdout).toBe('aaaa\n');
    const cache = `${script}.cache`;
    expect(statSync(cache).size).toBeGreaterThan(8);
    expect(run().stdout).toBe('aaaa\n');
    writeFileSync(script, says('bbbb'));
    at(script, 1_000_000);
    const other = run();
    expect(other.stdout).toBe('bbbb\n');
    expect(other.stderr).toBe('');
    // A cache that is not one (damaged, or of another V8): the script compiled as any.
    writeFileSync(cache, Buffer.concat([readFileSync(cache).subarray(0, 8), Buffer.from('not code')]));
    writeFileSync(script, says('aaaa'));
    at(script, 1_000_000);
    writeFileSync(cache, Buffer.from('short'));
    expect(run()).toMatchObject({ status: 0, stdout: 'aaaa\n', stderr: '' });
    // Older than the chunks (a bundle made since without it): the chunks.
    at(script, 999_000);
    expect(run().stdout).toBe('chunks\n');
  });

  it('the help kept beside the bundle is the bytes the command line prints', async () => {
    const inProcess = await qualwave(['--help']);
    expect(inProcess.code).toBe(0);
    expect(inProcess.stdout).toContain('70 an internal error');
    const kept = join(repo, 'dist', 'bundle', 'cli', 'help.txt');
    // (After tsc alone the binary runs dist/src, and the kept help may be older than the code: npm test builds both.)
    const current = statSync(join(repo, 'dist', 'bundle', 'cli', 'main.js')).mtimeMs >= statSync(join(repo, 'dist', 'src', 'cli', 'main.js')).mtimeMs;
    if (current) expect(readFileSync(kept, 'utf8')).toBe(inProcess.stdout);
    for (const args of [['--help'], ['-h']]) expect(spawnQualwave(args), args.join(' ')).toEqual(inProcess);
  });

  it("each command's help kept beside the bundle is the bytes the command line prints, for every command of the table", async () => {
    const { COMMANDS } = await import('../../src/cli/options/commands.js');
    const dir = join(repo, 'dist', 'bundle', 'cli', 'help');
    const current = statSync(join(repo, 'dist', 'bundle', 'cli', 'main.js')).mtimeMs >= statSync(join(repo, 'dist', 'src', 'cli', 'main.js')).mtimeMs;
    const names = new Set<string>();
    for (const name of Object.keys(COMMANDS)) {
      const words = name.split(' ');
      for (let n = 1; n <= words.length; n++) names.add(words.slice(0, n).join(' '));
    }
    expect(names.has('agree') && names.has('codings') && names.has('codings list')).toBe(true);
    for (const name of names) {
      const args = [...name.split(' '), '--help'];
      const inProcess = await qualwave(args);
      expect(inProcess.code, name).toBe(0);
      if (current) expect(readFileSync(join(dir, `${name.split(' ').join('.')}.txt`), 'utf8'), name).toBe(inProcess.stdout);
      expect(spawnQualwave(args), name).toEqual(inProcess);
    }
  });
});
