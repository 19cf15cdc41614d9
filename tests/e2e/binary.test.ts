import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, repo, spawnQualwave } from '../helpers/cli.js';

/**
 * The few tests that run the real binary in a new process: what only a process has (start-up,
 * the exit code the shell sees, pipes, standard input, the environment, the folder it starts in).
 * Everything else runs in-process (tests/helpers/cli.ts).
 */
const buddy = join(repo, 'fixtures', 'buddy-study');

describe('the qualwave binary', () => {
  it('--version prints the package version; --help the commands and the exit codes', () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
    const v = spawnQualwave(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toBe(`${pkg.version}\n`);
    const h = spawnQualwave(['--help']);
    expect(h.code).toBe(0);
    for (const c of ['init', 'validate', 'agree', 'matrix', 'build', 'codings', 'quotes', 'codebook']) expect(h.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    expect(h.stdout).toContain('70 an internal error');
  });

  it('exits 0, 1 and 2 as the shell sees them', () => {
    expect(spawnQualwave(['validate', '--strict', buddy]).code).toBe(0);
    const warned = spawnQualwave(['validate', '--strict', join(repo, 'fixtures/invalid/warnings')]);
    expect(warned.code).toBe(1);
    const bad = spawnQualwave(['matrix', '--study', buddy, '--rows', 'xyz']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('qualwave: --rows xyz: expected theme or code\n  hint: e.g. --rows theme\n');
    expect(spawnQualwave(['nosuch']).code).toBe(2);
  });

  it('a reader that stops early (| head) is no error, and standard input is read for -', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" summary --study "${buddy}" --format csv --table participation | head -1`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('participant,pre,4-month,post\n');
    expect(r.stderr).toBe('');
    // Hand computation: two coders, three units, agreeing on two: percent agreement 2/3.
    const a = spawnQualwave(['agree', '--matrix', '-', '--resamples', '0', '--format', 'json'], { stdin: 'a,b\n1,1\n2,2\n1,2\n' });
    expect(a.code, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout).rows[0].coefficients.percentAgreement.value).toBeCloseTo(2 / 3, 12);
  });

  it.skipIf(!existsSync('/dev/full'))('output into a full disk: exit 2 and what to do, no stack trace', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" summary --study "${buddy}" --format json > /dev/full`], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('qualwave: cannot write to standard output: the disk is full\n  hint: free some space (or write to another disk) and run the command again\n');
  });

  it('colour: only with FORCE_COLOR or a terminal, never with NO_COLOR; the study found from a folder inside it', () => {
    const warn = join(repo, 'fixtures/invalid/warnings');
    expect(spawnQualwave(['validate'], { cwd: warn }).stderr).not.toContain('\u001b[');
    expect(spawnQualwave(['validate'], { cwd: warn, env: { FORCE_COLOR: '1' } }).stderr).toContain('\u001b[');
    expect(spawnQualwave(['validate'], { cwd: warn, env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stderr).not.toContain('\u001b[');
    const inside = spawnQualwave(['summary', '--format', 'json'], { cwd: join(buddy, 'transcripts') });
    expect(inside.code).toBe(0);
    expect(JSON.parse(inside.stdout).title).toBe('Buddy program for medical students');
  });
});
