import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Context } from './context.js';
import { UsageError } from './errors.js';

/** The bytes of a file the user named on the command line (relative to the working folder), or a usage error naming it. */
export function readUserFile(ctx: Context, file: string): Buffer {
  try {
    return readFileSync(resolve(ctx.cwd, file));
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}
