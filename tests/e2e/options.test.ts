import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { qualwave, repo } from '../helpers/cli.js';

/**
 * The option table (src/cli/options/commands.ts) is the one place every option is declared: this
 * walks every command and checks that its --help, its README row and its parser agree with each
 * declaration; and the bugs the table fixed stay fixed.
 */
const dist = (p: string) => new URL(`../../dist/src/${p}`, import.meta.url).href;
type Spec = { kind: string; arg?: string; meaning: string; details?: string; default?: unknown; choices?: readonly string[]; min?: number; max?: number; exclusive?: boolean; many?: boolean; negatable?: boolean; negatedOnly?: boolean; parse: (raw: unknown, flag: string) => unknown };
type Command = { options: Record<string, Spec>; formats?: readonly string[]; defaultFormat?: string; examples: readonly string[] };
const { COMMANDS } = (await import(dist('cli/options/commands.js'))) as { COMMANDS: Record<string, Command> };
const { GLOBAL } = (await import(dist('cli/options/groups.js'))) as { GLOBAL: Record<string, Spec> };
const { flagOf } = (await import(dist('cli/options/kinds.js'))) as { flagOf: (k: string) => string };
const { updateReadme } = (await import(dist('cli/options/docs.js'))) as { updateReadme: (t: string) => { text: string; missing: string[] } };
const readme = readFileSync(join(repo, 'README.md'), 'utf8');
const buddy = join(repo, 'fixtures', 'buddy-study');
const names = Object.keys(COMMANDS);

/** The README rows of a command's table (between its markers). */
function readmeRows(name: string): string[] {
  const m = new RegExp(`<!-- options:${name} -->\\n([\\s\\S]*?)<!-- /options -->`).exec(readme);
  expect(m, `README has the option table of ${name}`).not.toBeNull();
  return m![1]!.split('\n').filter((l) => l.startsWith('| `'));
}

describe('every option comes from the table, and help, README and parser agree', () => {
  it('the README option tables are the ones the table makes (npm run docs rewrites them)', () => {
    const { text, missing } = updateReadme(readme);
    expect(missing).toEqual([]);
    expect(text === readme, 'README option tables are stale: run npm run docs').toBe(true);
  });

  it('there are 38 commands, and every command has a README table with one row per option (and --format)', () => {
    expect(names.length).toBe(38);
    for (const name of names) {
      const c = COMMANDS[name]!;
      const rows = readmeRows(name);
      const expected = Object.keys(c.options).length + (c.formats?.length ? 1 : 0);
      expect(rows.length, name).toBe(expected);
      for (const [key, o] of Object.entries(c.options)) {
        const row = rows.find((r) => new RegExp(`^\\| \`(-\\w, )?${flagOf(key)}[ \`]`).test(r));
        expect(row, `${name} ${flagOf(key)} in the README`).toBeDefined();
        expect(row!.replace(/\\\|/g, '|')).toContain(o.details ?? o.meaning);
        if (o.choices) expect(row!.replace(/\\\|/g, '|')).toContain(o.choices.join(' | '));
        if (o.default !== undefined && o.default !== false && !Array.isArray(o.default)) expect(row).toContain(`default: ${String(o.default)}`);
      }
      if (c.formats?.length) expect(rows.at(-1)).toContain(`--format ${c.formats.join('\\|')}`);
    }
  });

  it.each(names)('%s --help lists each option with its default and choices, and shows examples', async (name) => {
    const c = COMMANDS[name]!;
    const r = await qualwave([...name.split(' '), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples?:/);
    for (const e of c.examples) expect(r.stdout).toContain(e);
    const help = r.stdout.replace(/\s+/g, ' ');
    for (const [key, o] of Object.entries(c.options)) {
      expect(help, `${name} ${flagOf(key)}`).toContain(flagOf(key));
      expect(help).toContain(o.meaning.replace(/\s+/g, ' '));
      if (o.choices) expect(help).toContain(o.choices.join(' | '));
      if (o.default !== undefined && o.default !== false && !Array.isArray(o.default)) expect(help).toContain(`default: ${String(o.default)}`);
    }
  });

  // quotes --help and codings --help used to show no option at all: they lived under quotes list --help.
  it.each([...new Set(names.filter((n) => n.includes(' ')).map((n) => n.split(' ')[0]!))])('the group %s --help shows every sub-command with its options and examples', async (group) => {
    const r = await qualwave([group, '--help']);
    expect(r.code).toBe(0);
    const help = r.stdout.replace(/\s+/g, ' ');
    for (const name of names.filter((n) => n.startsWith(`${group} `))) {
      const c = COMMANDS[name]!;
      expect(help).toContain(`qualwave ${name}`);
      for (const e of c.examples) expect(help).toContain(e.replace(/\s+/g, ' '));
      for (const [key, o] of Object.entries(c.options)) {
        expect(help, `${group} --help: ${name} ${flagOf(key)}`).toContain(flagOf(key));
        expect(help).toContain(o.meaning.replace(/\s+/g, ' '));
      }
      if (c.formats?.length) expect(help).toContain(c.formats.join(' | '));
    }
  });

  it('each declaration parses its own default to a value of its kind, and refuses a wrong value with exit 2 naming the flag', () => {
    for (const [name, c] of [['program', { options: GLOBAL, examples: [] }] as const, ...Object.entries(COMMANDS)]) {
      for (const [key, o] of Object.entries(c.options)) {
        const flag = flagOf(key);
        const absent = o.parse(undefined, flag);
        if (o.kind === 'integer' || o.kind === 'number') {
          if (o.default !== undefined) expect(absent, `${name} ${flag}`).toBe(o.default);
          expect(() => o.parse('abc', flag)).toThrow(`${flag} abc: expected a ${o.kind === 'integer' ? 'whole number' : 'number'}`);
          if (o.min !== undefined) expect(() => o.parse(String(o.exclusive ? o.min : o.min! - 1), flag)).toThrow(flag);
          if (o.max !== undefined) expect(() => o.parse(String(o.exclusive ? o.max : o.max! + 1), flag)).toThrow(flag);
        } else if (o.kind === 'choice') {
          if (o.default !== undefined) expect(o.choices).toContain(absent);
          expect(() => o.parse('no-such-value', flag)).toThrow(`${flag} no-such-value: expected ${o.choices!.length === 2 ? `${o.choices![0]} or ${o.choices![1]}` : `one of ${o.choices!.join(', ')}`}`);
          for (const v of o.choices!) expect(o.parse(v, flag)).toBe(v);
        } else if (o.kind === 'flag') {
          expect(typeof o.parse(true, flag)).toBe('boolean');
        } else if (o.kind === 'list') {
          expect(absent).toBeUndefined();
          expect(o.parse(['a,b', ' c '], flag)).toEqual(['a', 'b', 'c']);
        } else if (o.kind === 'repeated') {
          expect(absent).toEqual([]);
        } else if (o.kind === 'text') {
          expect(absent).toBe(o.default);
          expect(o.parse('x', flag)).toBe('x');
        }
      }
    }
  });
});

describe('bugs the option table fixed (regression tests)', () => {
  it('quotes --per-cell 12 is accepted (it reused the --decimals check, capped at 10), and 0 is refused', async () => {
    const r = await qualwave(['quotes', '--study', buddy, '--theme', 'learning', '--wave', 'post', '--per-cell', '12', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    // The buddy study has 8 post interviews, all with learning: 12 per cell gives each of them, once.
    expect(JSON.parse(r.stdout).cells[0].quotes.length).toBe(8);
    const zero = await qualwave(['quotes', '--study', buddy, '--per-cell', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--per-cell 0: expected a whole number of at least 1');
  });

  it('figure agreement --rows xyz and --resamples abc exit 2 with the allowed values (they exited 0)', async () => {
    const rows = await qualwave(['figure', 'agreement', '--study', buddy, '--rows', 'xyz']);
    expect(rows.code).toBe(2);
    expect(rows.stdout).toBe('');
    expect(rows.stderr).toContain('--rows xyz: expected theme or code');
    const resamples = await qualwave(['figure', 'agreement', '--study', buddy, '--resamples', 'abc']);
    expect(resamples.code).toBe(2);
    expect(resamples.stderr).toContain('--resamples abc: expected a whole number of at least 0');
  });

  it('reconcile --format csv and init --format xyz are refused (they were silently accepted)', async () => {
    const rec = await qualwave(['reconcile', '--study', buddy, '--format', 'csv', '--dry-run']);
    expect(rec.code).toBe(2);
    expect(rec.stderr).toContain('--format csv is not supported by this command');
    expect(rec.stderr).toContain('use one of: table, json');
    const dir = mkdtempSync(join(tmpdir(), 'qualwave-init-'));
    const init = await qualwave(['init', 'x', '--format', 'xyz'], { cwd: dir });
    expect(init.code).toBe(2);
    expect(init.stderr).toContain('--format xyz is not supported by this command');
    const build = await qualwave(['build', buddy, '--format', 'json']);
    expect(build.code).toBe(2);
    expect(build.stderr).toContain('qualwave build has no --format');
  });

  it('one name, one meaning: --coder is one coder, --coders a set; the old agree names point to the new ones', async () => {
    const two = await qualwave(['codings', '--study', buddy, '--coder', 'alice,ben']);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('--coder alice,ben: one coder; for several, use --coders alice,ben');
    const both = await qualwave(['codings', '--study', buddy, '--coders', 'alice,ben', '--code', 'support.respite', '--wave', 'pre', '--format', 'json']);
    const alice = await qualwave(['codings', '--study', buddy, '--coder', 'alice', '--code', 'support.respite', '--wave', 'pre', '--format', 'json']);
    const ben = await qualwave(['codings', '--study', buddy, '--coder', 'ben', '--code', 'support.respite', '--wave', 'pre', '--format', 'json']);
    expect(JSON.parse(both.stdout).length).toBe(JSON.parse(alice.stdout).length + JSON.parse(ben.stdout).length);
    const level = await qualwave(['agree', '--study', buddy, '--level', 'theme']);
    expect(level.code).toBe(2);
    expect(level.stderr).toContain('on a study, per code or per theme is --rows code or --rows theme');
  });
});

describe('inputs read through the one table reader', () => {
  it('a decisions file with semicolons (a spreadsheet in a French locale) is read, not a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qualwave-decisions-'));
    const csv = (await qualwave(['disagreements', '--study', buddy, '--coders', 'alice,ben', '--format', 'csv'])).stdout;
    const rows = csv.trim().split('\n');
    // The same file with ';' between fields (text fields quoted as the spreadsheet would), the first decision filled in.
    const { parse } = await import('csv-parse/sync');
    const records = parse(csv) as string[][];
    const header = records[0]!;
    const body = records.slice(1).map((r, i) => (i === 0 ? [...r.slice(0, -1), 'reject'] : r));
    const q = (s: string) => (/[;"\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    writeFileSync(join(dir, 'decisions.csv'), [header, ...body].map((r) => r.map(q).join(';')).join('\n') + '\n');
    expect(rows.length).toBeGreaterThan(1);
    const r = await qualwave(['reconcile', '--study', buddy, '--coders', 'alice,ben', '--decisions', join(dir, 'decisions.csv'), '--dry-run', '--format', 'json']);
    expect(r.stderr).not.toContain('unexpected error');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).decided).toBe(1);
  });

  it('- reads standard input; a bad quote is refused with file:line', async () => {
    const matrix = 'a,b\n1,1\n2,2\n1,2\n';
    const stdin = await qualwave(['agree', '--matrix', '-', '--resamples', '0', '--format', 'json'], { stdin: matrix });
    expect(stdin.code, stdin.stderr).toBe(0);
    const json = JSON.parse(stdin.stdout);
    // Hand computation: 3 units, 2 of them agree: percent agreement 2/3.
    expect(json.rows[0].units).toBe(3);
    expect(json.rows[0].coefficients.percentAgreement.value).toBeCloseTo(2 / 3, 12);
    expect(json.source).toBe('(stdin)');
    const bad = await qualwave(['agree', '--matrix', '-', '--resamples', '0'], { stdin: 'a,b\n1,1\n"2,2\n' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/\(stdin\):3: cannot read CSV/);
  });
});

describe('errors: one mapping to exit codes', () => {
  it('import x.qdc twice says to add --force (import has no --output); with --force it replaces it', async () => {
    const { copyOf, tinyStudy } = await import('../helpers/inproc.js');
    const dir = copyOf(tinyStudy());
    const qdc = join(mkdtempSync(join(tmpdir(), 'qualwave-qdc-')), 'book.qdc');
    writeFileSync(qdc, '<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="6b0f4d8e-0000-4000-8000-000000000001" name="Imported" isCodable="true"/></Codes></CodeBook>');
    expect((await qualwave(['import', qdc, '--study', dir])).code).toBe(0);
    const again = await qualwave(['import', qdc, '--study', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('codebooks/book.yaml already exists');
    expect(again.stderr).toContain('add --force to replace it');
    expect(again.stderr).not.toContain('--output');
    const forced = await qualwave(['import', qdc, '--study', dir, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).not.toContain('add --force');
  });

  it('an internal error exits 70 with "please report", the stack only with --debug; bad input exits 2', async () => {
    const { reportError } = (await import(dist('cli/report-error.js'))) as { reportError: (e: unknown, io: unknown, debug: boolean) => number };
    const { UsageError } = (await import(dist('core/errors.js'))) as { UsageError: new (m: string, h?: string) => Error };
    let err = '';
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => ((err += s), true) }, readStdin: () => undefined, stdinIsTTY: false, cwd: repo, env: {} };
    expect(reportError(new TypeError('x is undefined'), io, false)).toBe(70);
    expect(err).toContain('qualwave: unexpected error: x is undefined');
    expect(err).toContain('please report it; exit code 70');
    expect(err).not.toContain('at ');
    err = '';
    expect(reportError(new TypeError('x is undefined'), io, true)).toBe(70);
    expect(err).toContain('TypeError: x is undefined\n    at ');
    err = '';
    expect(reportError(new UsageError('--x 1: bad', 'do this'), io, false)).toBe(2);
    expect(err).toBe('qualwave: --x 1: bad\n  hint: do this\n');
    err = '';
    expect(reportError(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES', path: '/x' }), io, false)).toBe(2);
    expect(err).toContain('qualwave: cannot use /x: permission denied');
  });
});
