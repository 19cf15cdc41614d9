import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';

/**
 * Confinement to the study folder: the files qualwave reads for a study (transcripts, codebooks,
 * participants) and the outputs `build` writes must be inside it, symbolic links resolved, unless
 * the user passed --allow-outside (reads only). A study folder copied from elsewhere cannot make
 * qualwave read ~/.ssh or write over .bashrc.
 */

/** A path written in qualwave.yaml that names something outside the study without following links. */
export function pointsOutside(pattern: string): boolean {
  return isAbsolute(pattern) || /^[a-zA-Z]:/.test(pattern) || pattern.split(/[\\/]/).includes('..') || pattern.startsWith('~');
}

/** The real path of `abs`, or of its deepest existing ancestor joined with the rest. */
export function realPath(abs: string): string {
  const rest: string[] = [];
  let p = abs;
  for (;;) {
    try {
      const real = realpathSync.native(p);
      return rest.length ? join(real, ...rest.reverse()) : real;
    } catch (e) {
      // Not there (yet): resolve the nearest folder that is, and keep the rest of the path.
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
      const parent = dirname(p);
      if (parent === p) return abs;
      rest.push(basename(p));
      p = parent;
    }
  }
}

/** Whether `abs` (links resolved) is inside the folder `realRoot` (itself a real path). */
export function isInside(realRoot: string, abs: string): boolean {
  return isInsideReal(realRoot, realPath(abs));
}

/** Whether the real path `real` (links already resolved) is inside the folder `realRoot`. */
export function isInsideReal(realRoot: string, real: string): boolean {
  // Under the folder with no `..` in the rest: inside, without working out the relative path.
  if (real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep) && !real.includes(`${sep}..`)) return true;
  const rel = relative(realRoot, real);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

export function realRootOf(root: string): string {
  return realPath(root);
}
