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
