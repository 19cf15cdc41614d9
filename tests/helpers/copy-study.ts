import { cpSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * Copies a study folder without its study index (`.qualwave/`): another test file may be writing
 * the fixture's index at the same moment, and a half-copied index is not what a test means to copy.
 */
export function copyStudy(from: string | URL, to: string): void {
  cpSync(from, to, { recursive: true, filter: (src) => basename(src) !== '.qualwave' });
}
