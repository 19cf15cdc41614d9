import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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
 * The examples the package ships (package.json "files"), by name: what `qualwave init --example
 * NAME DIR` copies. A study (`folder`) is copied as the folder itself; `tutorial` copies several
 * paths of the package (`paths`) under their own names, so that DIR is laid out as a clone of the
 * repository is for the README's tutorial (fixtures/buddy-study, the spreadsheet of step 5 and the
 * draft of step 11 beside it).
 */
export const EXAMPLES: Record<string, { folder?: string; paths?: string[]; what: string }> = {
  buddy: { folder: 'fixtures/buddy-study', what: "the tutorial's study: 15 medical students in a buddy program, 3 waves, two coders and their consensus" },
  ap: { folder: 'fixtures/ap-study', what: 'a cross-sectional study in French: 12 accompanying patients in 5 facilities' },
  tutorial: { paths: ['fixtures/buddy-study', 'fixtures/carla-codings.csv', 'fixtures/drafts'], what: "everything the README's tutorial reads, laid out as in a clone (fixtures/...): follow it from step 1 inside that folder" },
};

/** The paths of the package an example copies (relative to the package root). */
export function examplePaths(name: string): string[] {
  const example = EXAMPLES[name];
  if (!example) throw new Error(`internal: no example '${name}'`);
  return example.paths ?? [example.folder!];
}

/**
 * Every file of an example (path relative to what it lands in, bytes as they are), in a stable
 * order. Work folders (.qualwave: locks, journals, the study index) are not part of it.
 */
export function exampleFiles(name: string): Array<[string, Uint8Array]> {
  const example = EXAMPLES[name];
  if (!example) throw new Error(`internal: no example study '${name}'`);
  const root = packageRoot();
  const out: Array<[string, Uint8Array]> = [];
  const walk = (from: string, rel: string, as: string): void => {
    const abs = join(from, rel);
    if (!statSync(abs).isDirectory()) {
      out.push([as, new Uint8Array(readFileSync(abs))]);
      return;
    }
    for (const e of readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.isDirectory() && e.name === '.qualwave') continue;
      if (e.isDirectory() || e.isFile()) walk(from, rel ? `${rel}/${e.name}` : e.name, as ? `${as}/${e.name}` : e.name);
    }
  };
  // A study: its files at the top of DIR. The tutorial: each path under its own name.
  if (example.folder) walk(join(root, example.folder), '', '');
  else for (const p of example.paths!) walk(root, p, p);
  return out;
}
