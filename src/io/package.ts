import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the installed qualwave package (holding codebooks/ and templates/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'codebooks'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the qualwave package folder');
    dir = parent;
  }
  return dir;
}

/** Names of the starter codebooks shipped in codebooks/ (file names without .yaml). */
export function starterCodebooks(): string[] {
  return readdirSync(join(packageRoot(), 'codebooks'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}
