import { unzipSync, zipSync, type Unzipped } from 'fflate';
import { inspectArchive, LIMITS, UnsafeArchiveError } from './zip.js';

/**
 * Fixed time stamp inside exported zips, so the same study gives the same .qdpx bytes. Zip
 * stores local date and time fields, which fflate takes from the Date in the machine's time zone:
 * midnight, 1 January 2000 *local* time gives the same fields (and bytes) in every time zone.
 */
export const epoch = (): Date => new Date(2000, 0, 1, 0, 0, 0);

export function zipProject(xml: string, sources: ReadonlyArray<{ name: string; text: string }>): Uint8Array {
  const enc = new TextEncoder();
  const files: Record<string, [Uint8Array, { mtime: Date }]> = { 'project.qde': [enc.encode(xml), { mtime: epoch() }] };
  for (const s of sources) files[`sources/${s.name}`] = [enc.encode(s.text), { mtime: epoch() }];
  return zipSync(files, { level: 6 });
}

export { LIMITS, UnsafeArchiveError };

/**
 * Open an untrusted .qdpx: first checked by inspectArchive (zip.ts: names, entry count, size,
 * expansion ratio, the same limits as every zip), then unpacked.
 */
export function openArchive(bytes: Uint8Array): Unzipped {
  try {
    inspectArchive(bytes);
  } catch (e) {
    if (e instanceof UnsafeArchiveError) throw e;
    throw new Error(`${(e as Error).message}; the file may be truncated or not a .qdpx`);
  }
  try {
    return unzipSync(bytes);
  } catch (e) {
    throw new Error(`not a readable zip archive (${(e as Error).message}); the file may be truncated or not a .qdpx`);
  }
}
