import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export class OutputExistsError extends Error {}

/**
 * Write a file atomically: the content goes to a temporary file beside the target, is flushed to
 * disk, then renamed over it, so a reader (or a crash) never sees a half-written file.
 * Refuses to replace an existing file unless `force`.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array, opts: { force?: boolean } = {}): void {
  if (!opts.force && existsSync(path)) throw new OutputExistsError(`${path} already exists`);
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Replace several files as one change, as nearly as a file system allows: every new content is
 * written to a temporary file beside its target and flushed first; only then are they renamed into
 * place (each rename is atomic). A failure before the renames leaves every file as it was.
 */
export function writeFilesTogether(files: ReadonlyArray<readonly [string, string]>): void {
  const staged: Array<[string, string]> = [];
  try {
    for (const [target, content] of files) {
      const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}`);
      const fd = openSync(tmp, 'w');
      try {
        writeSync(fd, Buffer.from(content, 'utf8'));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      staged.push([tmp, target]);
    }
  } catch (e) {
    for (const [tmp] of staged) rmSync(tmp, { force: true });
    throw e;
  }
  for (const [tmp, target] of staged) renameSync(tmp, target);
  for (const dir of new Set(staged.map(([, target]) => dirname(target)))) {
    try {
      const fd = openSync(dir, 'r');
      fsyncSync(fd);
      closeSync(fd);
    } catch {
      // Not every platform can flush a folder; the renames are still atomic.
    }
  }
}
