import { unzipSync, zipSync, type Unzipped } from 'fflate';

/** Fixed time stamp inside exported zips, so the same study gives the same .qdpx bytes. */
const EPOCH = new Date('2000-01-01T00:00:00Z');

export function zipProject(xml: string, sources: ReadonlyArray<{ name: string; text: string }>): Uint8Array {
  const enc = new TextEncoder();
  const files: Record<string, [Uint8Array, { mtime: Date }]> = { 'project.qde': [enc.encode(xml), { mtime: EPOCH }] };
  for (const s of sources) files[`sources/${s.name}`] = [enc.encode(s.text), { mtime: EPOCH }];
  return zipSync(files, { level: 6 });
}

export class UnsafeArchiveError extends Error {}

export const LIMITS = { entries: 20_000, totalBytes: 1024 * 1024 * 1024, ratio: 200 } as const;

/**
 * Open an untrusted .qdpx: entries must stay inside the archive (no "..", no absolute or drive
 * paths), at most LIMITS.entries of them and LIMITS.totalBytes once unpacked, and no entry may
 * expand more than LIMITS.ratio times (zip bombs). Sizes declared in the archive are checked
 * before anything is unpacked, and again after.
 */
export function openArchive(bytes: Uint8Array): Unzipped {
  let entries = 0;
  let declared = 0;
  let problem: string | undefined;
  let out: Unzipped;
  try {
    out = unzipSync(bytes, {
      filter(file) {
        entries++;
        const name = file.name.replace(/\\/g, '/');
        if (name.startsWith('/') || /^[a-zA-Z]:/.test(name) || name.split('/').includes('..')) problem ??= `entry '${file.name}' points outside the archive`;
        declared += file.originalSize;
        if (entries > LIMITS.entries) problem ??= `more than ${LIMITS.entries} entries`;
        if (declared > LIMITS.totalBytes) problem ??= `more than ${LIMITS.totalBytes / 1024 / 1024} MB once unpacked`;
        if (file.size > 0 && file.originalSize / file.size > LIMITS.ratio && file.originalSize > 1024 * 1024) problem ??= `entry '${file.name}' expands ${Math.round(file.originalSize / file.size)} times (a zip bomb?)`;
        return problem === undefined;
      },
    });
  } catch (e) {
    if (problem) throw new UnsafeArchiveError(problem);
    throw new Error(`not a readable zip archive (${(e as Error).message}); the file may be truncated or not a .qdpx`);
  }
  if (problem) throw new UnsafeArchiveError(problem);
  let total = 0;
  for (const v of Object.values(out)) total += v.length;
  if (total > LIMITS.totalBytes) throw new UnsafeArchiveError(`more than ${LIMITS.totalBytes / 1024 / 1024} MB once unpacked`);
  return out;
}
