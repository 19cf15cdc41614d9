import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

/**
 * The example studies the package ships (package.json "files"), by name: what
 * `qualwave init --example NAME DIR` copies, to follow the README's tutorial after `npm i -g`.
 */
export const EXAMPLES: Record<string, { folder: string; what: string }> = {
  buddy: { folder: 'fixtures/buddy-study', what: "the tutorial's study: 15 medical students in a buddy program, 3 waves, two coders and their consensus" },
  ap: { folder: 'fixtures/ap-study', what: 'a cross-sectional study in French: 12 accompanying patients in 5 facilities' },
};

/**
 * Every file of an example study (path relative to it, bytes as they are), in a stable order.
 * Its work folder (.qualwave: locks, journals) is not part of it.
 */
export function exampleFiles(name: string): Array<[string, Uint8Array]> {
  const example = EXAMPLES[name];
  if (!example) throw new Error(`internal: no example study '${name}'`);
  const root = join(packageRoot(), example.folder);
  const out: Array<[string, Uint8Array]> = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (path !== '.qualwave') walk(path);
      } else if (e.isFile()) out.push([path, new Uint8Array(readFileSync(join(root, path)))]);
    }
  };
  walk('');
  return out;
}
