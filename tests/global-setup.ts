import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every test's temporary folders (studies, exports, spawned commands' output) under one folder of
 * this run, removed when the run ends: a run makes about two thousand, and they were left behind.
 * The test processes are forks started after this, so they inherit TMPDIR (os.tmpdir() reads it).
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'qualwave-tests-'));
  const before = process.env['TMPDIR'];
  process.env['TMPDIR'] = root;
  return () => {
    if (before === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = before;
    if (process.env['QUALWAVE_KEEP_TEST_TMP'] === undefined) rmSync(root, { recursive: true, force: true });
  };
}
