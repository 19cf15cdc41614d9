import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatCodingsFile } from '../core/coding/store.js';
import type { Coding } from '../core/coding/types.js';
import type { Study } from '../core/study/types.js';
import { CODINGS_DIR } from './load-study.js';
import { writeFilesTogether } from './write.js';

export function codingsFile(coder: string): string {
  return `${CODINGS_DIR}/${coder}.tsv`;
}

/** The files (absolute path, content) that hold these coders' codings. */
export function codingsFiles(study: Pick<Study, 'root' | 'config'>, byCoder: ReadonlyMap<string, readonly Coding[]>): Array<[string, string]> {
  const waves = study.config.waves.map((w) => w.id);
  return [...byCoder].map(([coder, codings]) => [join(study.root, codingsFile(coder)), formatCodingsFile(codings, waves)]);
}

/**
 * Replace the codings of the given coders, crash-safely (temporary files flushed, then renamed), so
 * a crash or kill -9 leaves each file either as it was or as it is now, never half-written.
 */
export function saveCodings(study: Pick<Study, 'root' | 'config'>, byCoder: ReadonlyMap<string, readonly Coding[]>): void {
  mkdirSync(join(study.root, CODINGS_DIR), { recursive: true });
  writeFilesTogether(codingsFiles(study, byCoder));
}
