import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agreement, InputError, matrix, openStudy, quotes, studyLoads, UsageError } from 'qualwave';
import { qualwave, repo } from '../helpers/cli.js';

const buddy = join(repo, 'fixtures', 'buddy-study');

describe('the library API (import from "qualwave")', () => {
  it('build loads the study once for all its outputs (21 outputs, one load)', async () => {
    const outputs = readFileSync(join(buddy, 'qualwave.yaml'), 'utf8').match(/^\s+- file: /gm)!.length;
    expect(outputs).toBe(21);
    const before = studyLoads();
    const r = await qualwave(['build', '--check', buddy]);
    expect(r.stderr).toContain(`all ${outputs} outputs up to date`);
    expect(r.code).toBe(0);
    expect(studyLoads() - before).toBe(1);
  });

  it('gives the numbers of the README tutorial: themes at pre and post, the pooled alpha', async () => {
    const study = await openStudy(buddy);
    const m = matrix(study, { waves: ['pre', 'post'] });
    // README tutorial, step 10: every theme at pre (n=15) and post (n=8); learning 14 of 15 at pre.
    expect(m.rows.map((r, i) => [r.id, ...m.cells[i]!.map((c) => c.participants)])).toEqual([
      ['support', 15, 8],
      ['emotions', 15, 8],
      ['relationship', 15, 8],
      ['learning', 14, 8],
    ]);
    // README tutorial, step 9: 252 segments compared, pooled Krippendorff's alpha 0.85.
    const a = agreement(study, { coders: ['alice', 'ben'], resamples: 0 });
    expect(a.units).toBe(252);
    expect(a.rows.find((r) => r.name === 'pooled')!.result.coefficients.krippendorffAlpha!.value!.toFixed(2)).toBe('0.85');
    const q = await quotes(study, { only: ['learning'], waves: ['post'], perCell: 2 });
    expect(q.cells.map((c) => c.quotes.map((x) => x.attribution))).toEqual([['(MS02, post interview)', '(MS14, post interview)']]);
  });

  it('errors are classes that say what to do: a bad study, an unknown wave', async () => {
    const bad = await openStudy(join(repo, 'fixtures/invalid/codebook-errors')).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InputError);
    expect((bad as InputError).diagnostics.length).toBeGreaterThan(0);
    expect((bad as InputError).diagnostics.every((d) => d.severity === 'error' && d.file.length > 0)).toBe(true);
    const study = await openStudy(buddy);
    const wave = (() => {
      try {
        return matrix(study, { waves: ['psot'] });
      } catch (e) {
        return e;
      }
    })();
    expect(wave).toBeInstanceOf(UsageError);
    expect((wave as UsageError).message).toBe("--wave psot: no such wave (did you mean 'post'?)");
  });

  it('the README example runs as written and prints what the README shows', () => {
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    const m = /<!-- library-example -->\s*```js\n([\s\S]*?)```\s*```\n([\s\S]*?)```/.exec(readme);
    expect(m, 'the README has the library example and its output').not.toBeNull();
    // Inside the package folder, so that `import ... from 'qualwave'` resolves to this package.
    mkdirSync(join(repo, 'dist'), { recursive: true });
    const file = join(repo, 'dist', 'readme-example.mjs');
    writeFileSync(file, m![1]!);
    expect(execFileSync(process.execPath, [file], { cwd: repo, encoding: 'utf8' })).toBe(m![2]);
  });
});
