import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { crc32, deflateRawSync, inflateRawSync, constants as zlib } from 'node:zlib';
import { unzipSync, Zip, type AsyncFlateStreamHandler, type Unzipped, type ZipInputFile } from 'fflate';
import type { ProjectPart, ProjectSummary } from '../core/refi/export.js';
import { readProject, readProjectBytes, sourcesOf, type ByteBlocks, type SourceRef, type SourceText } from '../core/refi/import.js';
import type { KeptText } from '../core/refi/note.js';
import { decodeText } from '../core/text/decode.js';
import { isRtf, rtfToText } from '../core/text/rtf.js';
import { readDocx } from './docx.js';
import { inflateToBlocks, inspectArchive, keptEntries, LIMITS, rereader, takePacked, UnsafeArchiveError } from './zip.js';
import { isInside, realRootOf } from './confine.js';
import { isSystemError } from './errors.js';

/**
 * Fixed time stamp inside exported zips, so the same study gives the same .qdpx bytes. Zip
 * stores local date and time fields, which fflate takes from the Date in the machine's time zone:
 * midnight, 1 January 2000 *local* time gives the same fields (and bytes) in every time zone.
 */
export const epoch = (): Date => new Date(2000, 0, 1, 0, 0, 0);

/**
 * The project's parts (export.ts: the sources' texts, then project.qde in pieces) as the bytes of a
 * .qdpx, in pieces as they are compressed: the entries in the order the parts come (project.qde at
 * its first piece, sources/NAME at each source; a source given while project.qde is being written
 * is kept by Zip, compressed, and written after it). Each entry is deflated as a stream (level 6), so its sizes and
 * checksum follow its data (a zip "data descriptor"), as streaming zip writers do; the same study
 * gives the same bytes.
 */
export function* qdpxPieces(parts: Iterator<ProjectPart, ProjectSummary>): Generator<Uint8Array, ProjectSummary> {
  const out: Uint8Array[] = [];
  let failed: Error | undefined;
  const zip = new Zip((err, chunk) => {
    if (err) failed ??= err;
    else out.push(chunk);
  });
  const entry = (name: string): DeflatedEntry => {
    const f = new DeflatedEntry(name);
    zip.add(f);
    return f;
  };
  const enc = new TextEncoder();
  // Opened at project.qde's first piece: the sources given before it are written before it, each as it comes.
  let opened: DeflatedEntry | undefined;
  const qde = (): DeflatedEntry => (opened ??= entry('project.qde'));
  // project.qde's pieces encoded into one buffer of a megabyte, compressed each time it is full
  // (no string or array of that size is made per piece: they would be garbage for the full collector).
  const buffer = new Uint8Array(1 << 20);
  let used = 0;
  const flush = (final: boolean): void => {
    qde().push(buffer.subarray(0, used), final);
    used = 0;
  };
  const add = (xml: string): void => {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (used + xml.length * 3 > buffer.length) {
      if (used > 0) flush(false);
      if (xml.length * 3 > buffer.length) {
        qde().push(enc.encode(xml), false);
        return;
      }
    }
    used += enc.encodeInto(xml, buffer.subarray(used)).written;
  };
  for (let r = parts.next(); ; r = parts.next()) {
    if (r.done) {
      flush(true);
      zip.end();
      if (failed) throw failed;
      yield* out.splice(0);
      return r.value;
    }
    const part = r.value;
    if ('xml' in part) {
      qde();
      add(part.xml);
    }
    // A source while project.qde is being written would be kept (compressed) by Zip and written after it.
    else entry(`sources/${part.source.name}`).push(enc.encode(part.source.text), true);
    if (failed) throw failed;
    yield* out.splice(0);
  }
}

/**
 * A zip entry deflated by zlib (fflate's Zip writes the entry's headers and data descriptor): its
 * data given in pieces, each compressed as it comes and ended with a sync flush (the last one with
 * the final block), which together are one deflate stream; checksum and size counted as it goes.
 */
class DeflatedEntry implements ZipInputFile {
  readonly compression = 8;
  readonly flag = 0;
  readonly mtime = epoch();
  crc = 0;
  size = 0;
  ondata?: AsyncFlateStreamHandler;

  constructor(readonly filename: string) {}

  push(bytes: Uint8Array, final: boolean): void {
    // An empty piece changes nothing (and Node 20's crc32 gives 0 for TextEncoder's empty array, whatever the value so far).
    if (bytes.length > 0) this.crc = crc32(bytes, this.crc);
    this.size += bytes.length;
    const data = deflateRawSync(bytes, { level: 6, ...(final ? {} : { finishFlush: zlib.Z_SYNC_FLUSH }) });
    this.ondata!(null, data, final);
  }
}

export { LIMITS, UnsafeArchiveError };

/**
 * Open an untrusted .qdpx: first checked by inspectArchive (zip.ts: names, entry count, size,
 * expansion ratio, the same limits as every zip), its entries as the check inflated them (else
 * unpacked again by fflate's unzipSync).
 */
export function openArchive(bytes: Uint8Array, packed?: (name: string) => boolean): Unzipped {
  // The bytes the check inflates are kept, not inflated a second time (keptEntries says when they
  // can be); those `packed` names are kept compressed, each inflated when it is read.
  const central = new Map<string, number[]>();
  let archive: Unzipped | undefined;
  try {
    archive = keptEntries(inspectArchive(bytes, central, packed), central);
  } catch (e) {
    if (e instanceof UnsafeArchiveError) throw e;
    throw new Error(`${(e as Error).message}; the file may be truncated or not a .qdpx`);
  }
  try {
    return archive ?? unzipSync(bytes);
  } catch (e) {
    throw new Error(`not a readable zip archive (${(e as Error).message}); the file may be truncated or not a .qdpx`);
  }
}

/** A project to plan: its <Project>, the .qde's name, each source's text, and what was noticed reading them. */
export interface RefiInput {
  project: Record<string, unknown>;
  qdeName: string;
  texts: Map<string, SourceText>;
  notes: string[];
}

/**
 * Files of a project by path, looked up case-insensitively (and by file name in sources/). With
 * `again`, how to read the file at a path again later (holding only what that takes: the
 * entry's compressed bytes), where it can be.
 */
type Lookup = ((path: string) => Uint8Array | undefined) & { again?: (path: string) => (() => Uint8Array) | undefined };

/**
 * A .qdpx (zip) or a bare .qde, read and checked: the .qde file, and the text of every source,
 * converted where it is a Word or RTF document. A bare .qde finds its sources beside it (in its
 * folder or a sources/ folder there), never elsewhere: an outside path in the project names a file
 * that is looked for by its name beside the .qde.
 */
export async function readRefi(file: string, given: Uint8Array | { bytes?: Uint8Array }): Promise<RefiInput> {
  // Given in a holder, the file's bytes are taken from it (and let go here once unpacked: a big .qdpx is hundreds of megabytes).
  let bytes: Uint8Array;
  if (given instanceof Uint8Array) bytes = given;
  else {
    bytes = given.bytes!;
    delete given.bytes;
  }
  const notes: string[] = [];
  let qdeName: string;
  let qdeBytes: Uint8Array;
  let lookup: Lookup;
  let forget = (): void => {};
  // Which file of the project a source's path names (a bare .qde's sources are never the .qde itself).
  let names = (_path: string): string | undefined => undefined;
  let qdeText: { text: string; bom: boolean } | undefined;
  let qdeBlocks: ByteBlocks | undefined;
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (isZip) {
    // Every file but the .qde kept compressed until read (a source's text is read once).
    const archive = openArchive(bytes, () => true);
    bytes = new Uint8Array(0);
    const byLower = new Map<string, string>();
    for (const k of Object.keys(archive)) {
      const norm = k.replace(/\\/g, '/').toLowerCase();
      byLower.set(norm, k);
      // By file name within a sources folder too (NVivo writes Sources/, others nest them).
      const m = /(?:^|\/)sources\/(?:.*\/)?([^/]+)$/.exec(norm);
      if (m && !byLower.has(`sources/${m[1]}`)) byLower.set(`sources/${m[1]}`, k);
    }
    const qdes = Object.keys(archive).filter((k) => k.toLowerCase().endsWith('.qde'));
    const qde = qdes.find((k) => k.toLowerCase() === 'project.qde') ?? qdes[0];
    if (!qde) throw new RefiReadError('no .qde project file inside: not a .qdpx');
    if (qde.toLowerCase() !== 'project.qde') notes.push(`the project file is named '${qde}', not project.qde (as ATLAS.ti names it)`);
    if (Object.keys(archive).some((k) => k.startsWith('Sources/'))) notes.push("sources are under 'Sources/' (as NVivo for Windows writes them)");
    qdeName = qde;
    // The .qde inflated as a stream into blocks kept compressed (never its 400 MB at once), read
    // from them in parts; the entry gives their bytes whole when asked (the whole read, or a source naming it).
    // (Its compressed bytes held no longer than that: 70 MB at 3,000 documents.)
    let packedQde = takePacked(archive, qde);
    if (packedQde) {
      if (packedQde.size > LIMITS.totalBytes) throw new UnsafeArchiveError(`${qdeName} is larger than ${LIMITS.totalBytes / 1024 / 1024} MB`);
      const blocks = inflateToBlocks(packedQde.deflated, packedQde.size, qde);
      packedQde = undefined;
      qdeBlocks = blocks;
      Object.defineProperty(archive, qde, { enumerable: true, configurable: true, get: () => wholeOf(blocks) });
    }
    qdeBytes = qdeBlocks ? new Uint8Array(0) : archive[qde]!;
    // The .qde's bytes are let go once read (hundreds of megabytes in a big project), kept only when
    // a source names the .qde itself, or given back from its decoded text (valid UTF-8, decoded exactly).
    const entryOf = (p: string): string | undefined => byLower.get(p.replace(/\\/g, '/').toLowerCase()) ?? byLower.get(`sources/${p.split('/').pop()!.toLowerCase()}`);
    names = entryOf;
    lookup = (p) => {
      const k = entryOf(p);
      if (k === qde && !(k in archive) && qdeText) return Buffer.concat([qdeText.bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(qdeText.text, 'utf8')]);
      return k === undefined ? undefined : archive[k];
    };
    lookup.again = (p) => {
      const k = entryOf(p);
      return k === undefined || k === qde ? undefined : rereader(archive, k);
    };
    forget = () => {
      delete archive[qde];
    };
  } else {
    qdeName = basename(file);
    qdeBytes = bytes;
    lookup = besideQde(file, notes);
  }
  if (!qdeBlocks && qdeBytes.length > LIMITS.totalBytes) throw new UnsafeArchiveError(`${qdeName} is larger than ${LIMITS.totalBytes / 1024 / 1024} MB`);
  // Each source's selections kept compressed until the planner takes them, so that nothing of
  // the .qde (400 MB at 3,000 documents) is held when this returns. Read from its bytes in parts
  // (never one 400 MB string beside them), else decoded and read whole, which refuses what is wrong.
  let project = readProjectBytes(qdeBlocks ?? qdeBytes, qdeName, { defer: true, keep: packed });
  if (project && !sourcesOf(project).some((ref) => [...ref.plain, ...ref.rich].some((p) => names(p) === qdeName))) forget();
  if (!project) {
    if (qdeBlocks) qdeBytes = wholeOf(qdeBlocks);
    const decoded = decodeText(qdeBytes, qdeName);
    if (!decoded.ok) throw new RefiReadError(`${decoded.diagnostic.message}`);
    qdeText = decoded;
    qdeBytes = new Uint8Array(0);
    forget();
    project = readProject(decoded.text, qdeName, { defer: true, keep: packed });
  }
  qdeBytes = new Uint8Array(0);
  const texts = new Map<string, SourceText>();
  // Each text kept compressed until the planner and the writer take it (a big project's texts are hundreds of megabytes).
  // (A text read from a file of the archive as it is is kept as that file's compressed bytes, and read from them again.)
  for (const ref of sourcesOf(project)) texts.set(ref.guid, keptText(await sourceText(ref, lookup)));
  return { project, qdeName, texts, notes };
}

export class RefiReadError extends Error {}

/**
 * A source's text as found, its text kept compressed and given back each time it is asked for:
 * decoded again from its file's bytes read again (`again`: the archive's own compressed copy of
 * them, decoded as they were), else packed.
 */
function keptText(found: SourceText & { again?: () => Uint8Array }): SourceText {
  if ('problem' in found) return found;
  const { text, again, ...rest } = found;
  if (again) {
    const from = rest.from;
    return {
      get text() {
        const d = decodeText(again(), from);
        if (!d.ok) throw new Error(`${from} did not decode again (report this: it is a bug)`);
        return d.text;
      },
      ...rest,
    };
  }
  const unpack = packed(text);
  return {
    get text() {
      return unpack();
    },
    ...rest,
  };
}

/** The bytes of blocks as one array. */
function wholeOf(blocks: ByteBlocks): Uint8Array {
  const out = Buffer.alloc(blocks.length);
  for (let k = 0, at = 0; at < blocks.length; k++) {
    const b = blocks.block(k);
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/**
 * A text kept compressed (deflate, fast level), given back exactly when asked: as UTF-8 when it is
 * well-formed UTF-16 (the round trip is then exact), else as its UTF-16 code units.
 */
export function packed(text: string): () => string {
  // In a `u` pattern a surrogate pair is one code point: the class matches lone surrogates only.
  const utf8 = !/[\uD800-\uDFFF]/u.test(text);
  const z = deflateRawSync(Buffer.from(text, utf8 ? 'utf8' : 'utf16le'), { level: 1 });
  return () => inflateRawSync(z).toString(utf8 ? 'utf8' : 'utf16le');
}

/**
 * A long text kept compressed in blocks of `block` UTF-16 units (each as Latin-1 bytes when every
 * unit of it is below 256, else as its UTF-16 units: either way given back exactly), its slices
 * made from the blocks they cover; the last `cached` blocks read are kept as strings (a note's
 * selections are looked up front to back, a source at a time).
 */
export function blockText(text: string, block = 1 << 15, cached = 16): KeptText {
  const length = text.length;
  const blocks: Array<{ z: Buffer; wide: boolean }> = [];
  for (let at = 0; at < length; at += block) {
    const part = text.slice(at, at + block);
    const wide = WIDE.test(part);
    blocks.push({ z: deflateRawSync(Buffer.from(part, wide ? 'utf16le' : 'latin1'), { level: 1 }), wide });
  }
  const recent = new Map<number, string>();
  const get = (k: number): string => {
    let s = recent.get(k);
    if (s !== undefined) {
      recent.delete(k);
      recent.set(k, s);
      return s;
    }
    const b = blocks[k]!;
    s = inflateRawSync(b.z).toString(b.wide ? 'utf16le' : 'latin1');
    recent.set(k, s);
    if (recent.size > cached) recent.delete(recent.keys().next().value!);
    return s;
  };
  return {
    slice(a: number, b: number): string {
      const from = Math.max(0, Math.min(a, length));
      const to = Math.max(from, Math.min(b, length));
      if (to === from) return '';
      const first = Math.floor(from / block);
      const last = Math.floor((to - 1) / block);
      if (first === last) return get(first).slice(from - first * block, to - first * block);
      const parts: string[] = [];
      for (let k = first; k <= last; k++) parts.push(get(k).slice(k === first ? from - k * block : 0, k === last ? to - k * block : block));
      return parts.join('');
    },
  };
}

const WIDE = /[^\u0000-\u00ff]/;

/** Files beside a bare .qde: in its folder or its sources/ folder, by name, inside that folder (links resolved). */
function besideQde(file: string, notes: string[]): Lookup {
  const dir = dirname(file);
  const root = realRootOf(dir);
  const index = new Map<string, string>();
  for (const sub of ['', 'sources', 'Sources']) {
    let names: string[] = [];
    try {
      names = readdirSync(join(dir, sub));
    } catch (e) {
      if (isSystemError(e) && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) continue;
      throw e;
    }
    for (const n of names) {
      const p = join(dir, sub, n);
      const key = n.toLowerCase();
      if (!index.has(key)) index.set(key, p);
    }
  }
  let read = 0;
  notes.push(`a bare .qde: its sources were looked for beside it (${dir === '.' ? 'this folder' : dir} and its sources/ folder)`);
  return (p) => {
    const path = index.get(p.split('/').pop()!.toLowerCase());
    if (!path) return undefined;
    if (!isInside(root, path)) return undefined;
    try {
      const st = lstatSync(path);
      if (st.isSymbolicLink() ? !statSync(path).isFile() : !st.isFile()) return undefined;
      if (st.size + read > LIMITS.totalBytes) throw new UnsafeArchiveError(`the sources beside the .qde are larger than ${LIMITS.totalBytes / 1024 / 1024} MB together`);
      read += st.size;
      return readFileSync(path);
    } catch (e) {
      if (e instanceof UnsafeArchiveError) throw e;
      return undefined;
    }
  };
}

const blank = (s: string) => s.trim() === '';

/**
 * A source's text: inline, else its plain text file (the standard's), else another .txt of it in
 * the project, else converted from its Word or RTF document; said how when it was not the plain one.
 */
async function sourceText(ref: SourceRef, lookup: Lookup): Promise<SourceText & { again?: () => Uint8Array }> {
  const problems: string[] = [];
  let empty: string | undefined;
  if (ref.inline !== undefined && !blank(ref.inline)) return { text: ref.inline, bom: false, from: 'PlainTextContent' };
  if (ref.inline !== undefined) empty = 'its PlainTextContent';
  const tried = new Set<string>();
  for (const p of ref.plain) {
    const key = p.toLowerCase();
    if (tried.has(key)) continue;
    tried.add(key);
    const bytes = lookup(p);
    if (!bytes) continue;
    const d = decodeText(bytes, p);
    if (!d.ok) {
      problems.push(`${p}: ${d.diagnostic.message}`);
      continue;
    }
    if (blank(d.text)) {
      empty ??= p;
      continue;
    }
    const how = empty ? `its text was empty in the project (${empty}); read from ${p}` : !ref.named ? `the project names no text file for it; read from ${p}` : undefined;
    const again = lookup.again?.(p);
    return { text: d.text, bom: d.bom, from: p, ...(how ? { how } : {}), ...(again ? { again } : {}) };
  }
  for (const p of ref.rich) {
    const key = p.toLowerCase();
    if (tried.has(key)) continue;
    tried.add(key);
    const bytes = lookup(p);
    if (!bytes) continue;
    const ext = p.toLowerCase().split('.').pop();
    const lead = empty ? `its text was empty in the project (${empty}); ` : 'it has no plain text in the project; ';
    if (ext === 'docx') {
      const docx = await readDocx(bytes, p);
      if (docx.text !== undefined && !blank(docx.text)) return { text: docx.text, bom: false, from: p, how: `${lead}converted from the Word document ${p} (one line per paragraph)` };
      if (docx.text !== undefined) empty ??= p;
      else problems.push(docx.diagnostic?.message ?? `${p}: cannot read the Word document`);
      continue;
    }
    if (ext === 'rtf') {
      const d = decodeText(bytes, p);
      const raw = d.ok ? d.text : new TextDecoder('latin1').decode(bytes);
      if (!isRtf(raw)) {
        problems.push(`${p} is not an RTF document`);
        continue;
      }
      const text = rtfToText(raw);
      if (!blank(text)) return { text, bom: false, from: p, how: `${lead}converted from the RTF document ${p} (one line per paragraph)` };
      empty ??= p;
      continue;
    }
    if (ext === 'pdf') {
      problems.push(`${p} is a PDF without a plain text representation in the project (qualwave reads a PDF source's text from its representation; export the project again with its text, or convert the PDF to text)`);
      continue;
    }
    problems.push(`${p}: a ${ext} file, which qualwave does not convert (it reads .txt, .docx and .rtf)`);
  }
  if (problems.length) return { problem: problems.join('; ') };
  if (empty) return { problem: `its text is empty (${empty}) and no other copy of it is in the project` };
  if (ref.external) return { problem: `its text is an outside file (${ref.external}) that is not in the project` };
  return { problem: `no text file for it in the project (looked for ${[...tried].slice(0, 3).join(', ') || 'its plainTextPath'})` };
}
