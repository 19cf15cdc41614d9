import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { qualwave, repo } from '../helpers/cli.js';

/** Every folder in fixtures/invalid is a study with one kind of bad input and its exact expected report. */
const root = join(repo, 'fixtures', 'invalid');
const cases = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

describe('bad input: qualwave validate on fixtures/invalid', () => {
  it('has the cases the README lists', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(19);
  });

  it.each(cases)('%s', async (name) => {
    const dir = join(root, name);
    const expected = readFileSync(join(dir, 'expected.txt'), 'utf8');
    const [first, ...rest] = expected.split('\n');
    const code = Number(/^exit (\d)$/.exec(first!)?.[1]);
    const r = await qualwave(['validate'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(r.stderr).toBe(rest.join('\n'));
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack traces
  });

  it('--strict makes warnings fail with exit 1', async () => {
    const r = await qualwave(['validate', '--strict'], { cwd: join(root, 'warnings') });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('✗ 0 errors, 5 warnings in 4 files (--strict)');
  });

  it('other commands refuse a study with errors (exit 2), showing the errors only', async () => {
    const r = await qualwave(['summary'], { cwd: join(root, 'transcript-unknown-wave') });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("transcripts/MS01_psot.txt:3: error: unknown wave 'psot' (did you mean 'post'?)");
    expect(r.stderr).toContain('qualwave: the study has 1 error');
  });

  it('--format json lists every diagnostic on stdout', async () => {
    const r = await qualwave(['validate', '--format', 'json'], { cwd: join(root, 'codebook-errors') });
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ok: false, errors: 8, warnings: 0 });
    expect(out.diagnostics[0]).toEqual({
      severity: 'error',
      file: 'codebooks/codes.yaml',
      line: 5,
      column: 5,
      message: "unknown field 'defintion' in a theme 'support' (did you mean 'definition'?)",
      hint: 'allowed fields: id, label, definition, include, exclude, examples, keywords, patterns, speakers, color, since, anticipates, children',
    });
  });
});
