import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repo } from '../helpers/cli.js';

/**
 * The layering and the error rules are lint rules that fail the build (npm test runs npm run
 * lint): each planted file in tests/lint, put where it would break a rule, is refused by
 * `biome lint` with that rule; the same file elsewhere, and a clean one, pass.
 */
const biome = join(repo, 'node_modules', '.bin', 'biome');

function lint(file: string, at: string): Array<{ category: string; message: string; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'qualwave-lint-'));
  const config = JSON.parse(readFileSync(join(repo, 'biome.json'), 'utf8')) as Record<string, unknown>;
  delete config['$schema'];
  writeFileSync(join(dir, 'biome.json'), JSON.stringify(config));
  mkdirSync(join(dir, 'lint'));
  copyFileSync(join(repo, 'lint', 'no-bare-catch.grit'), join(dir, 'lint', 'no-bare-catch.grit'));
  mkdirSync(dirname(join(dir, at)), { recursive: true });
  copyFileSync(join(repo, 'tests', 'lint', file), join(dir, at));
  let out: string;
  try {
    out = execFileSync(biome, ['lint', '--reporter=json', '.'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    // biome exits 1 when it reports an error; its report is on stdout all the same.
    out = (e as { stdout: string }).stdout;
  }
  return (JSON.parse(out) as { diagnostics: Array<{ category: string; message: string; location: { path: string } }> }).diagnostics.map((d) => ({ category: d.category, message: d.message, path: d.location.path }));
}

describe('the lint refuses what breaks the layering (planted files)', () => {
  it.each([
    ['core-imports-fs.ts', 'src/core/study/planted.ts', 'lint/style/noRestrictedImports', 'the core is pure'],
    ['core-imports-child-process.ts', 'src/core/planted.ts', 'lint/style/noRestrictedImports', 'the core is pure'],
    ['core-imports-io.ts', 'src/core/study/planted.ts', 'lint/style/noRestrictedImports', 'the core never imports io, api or cli'],
    ['core-imports-api.ts', 'src/core/study/planted.ts', 'lint/style/noRestrictedImports', 'the core never imports io, api or cli'],
    ['core-uses-process.ts', 'src/core/planted.ts', 'lint/correctness/noProcessGlobal', ''],
    ['io-imports-cli.ts', 'src/io/planted.ts', 'lint/style/noRestrictedImports', 'the I/O layer never imports api or cli'],
    ['io-imports-api.ts', 'src/io/planted.ts', 'lint/style/noRestrictedImports', 'the I/O layer never imports api or cli'],
    ['api-imports-cli.ts', 'src/api/planted.ts', 'lint/style/noRestrictedImports', 'the API never imports the command line'],
    ['bare-catch.ts', 'src/cli/planted.ts', 'plugin', 'no bare catch'],
    ['catch-ignores-error.ts', 'src/io/planted.ts', 'plugin', 'never looks at the error'],
  ])('%s at %s: %s', (file, at, category, message) => {
    const found = lint(file, at);
    expect(
      found.some((d) => d.category === category && d.message.includes(message) && d.path === at),
      JSON.stringify(found),
    ).toBe(true);
  });

  it('the same imports are allowed where they belong, and a catch that checks its error passes', () => {
    expect(lint('core-imports-fs.ts', 'src/io/planted.ts')).toEqual([]);
    expect(lint('io-imports-cli.ts', 'src/cli/planted.ts')).toEqual([]);
    expect(lint('clean.ts', 'src/core/planted.ts')).toEqual([]);
  });
});
