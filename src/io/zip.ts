import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { Inflate, inflateSync, Unzip, UnzipInflate, UnzipPassThrough, unzipSync, type AsyncFlateStreamHandler, type UnzipDecoder, type Unzipped } from 'fflate';
import { EXIT, QualwaveError } from '../core/errors.js';

/**
 * Limits for every zip qualwave opens (a .qdpx project, a .docx transcript or draft): the same
 * for all, checked by actually inflating every entry as a stream (nothing kept), so an archive
 * that lies about its sizes is caught too, before any library unpacks it for real.
 */
export const LIMITS = { entries: 20_000, totalBytes: 1024 * 1024 * 1024, ratio: 200, ratioFloor: 1024 * 1024 } as const;

/** An archive refused for safety (a bomb, a path leaving the folder...); nothing was written. */
export class UnsafeArchiveError extends QualwaveError {
  constructor(message: string) {
    super(message, EXIT.badInput, 'the archive was refused for safety; nothing was written');
  }
}

export interface ArchiveEntry {
  name: string;
  compressed: number;
  size: number;
  /** Its bytes as inflated by the check, when asked to keep them (see unpackArchive). */
  data?: Uint8Array;
  /** Instead, its compressed bytes as the check inflated them, for an entry asked to be kept so (inspectArchive's `packed`). */
  deflated?: Uint8Array;
}

/**
 * fflate's inflater for a zip entry, which also keeps a copy of the compressed bytes it is given
 * (they are views into the archive's bytes) when `kept` is given.
 */
class KeepingInflate implements UnzipDecoder {
  ondata!: AsyncFlateStreamHandler;
  private readonly inner = new UnzipInflate();
  constructor(readonly kept: Collected | undefined) {
    this.inner.ondata = (err, data, final) => this.ondata(err, data, final);
  }
  push(data: Uint8Array, final: boolean): void {
    this.kept?.push(data);
    this.inner.push(data, final);
  }
}

/**
 * Bytes given in pieces, copied into one buffer of the size they are expected to have (the
 * entry's compressed size), else kept as copies of the pieces: either way `take` gives them as
 * one array. (Thousands of small copies, each its own allocation, left the allocator's heap
 * fragmented: a 3,000-document .qdpx is 35,000 pieces of 4 KB.) The buffers made so are at most
 * `budget.left` bytes in all (the archive's size: a central directory that lies about sizes
 * makes none bigger than the archive).
 */
class Collected {
  private buffer: Uint8Array | undefined;
  private used = 0;
  private pieces: Uint8Array[] | undefined;

  constructor(
    private readonly expected: number,
    private readonly budget: { left: number },
  ) {}

  push(data: Uint8Array): void {
    if (!this.pieces) {
      if (!this.buffer && this.expected > 0 && this.expected <= this.budget.left) {
        this.buffer = new Uint8Array(this.expected);
        this.budget.left -= this.expected;
      }
      if (this.buffer && this.used + data.length <= this.buffer.length) {
        this.buffer.set(data, this.used);
        this.used += data.length;
        return;
      }
      this.pieces = this.buffer ? [this.buffer.subarray(0, this.used)] : [];
    }
    this.pieces.push(data.slice());
  }

  take(): Uint8Array {
    if (this.pieces) return concat(this.pieces);
    if (!this.buffer) return new Uint8Array(0);
    return this.used === this.buffer.length ? this.buffer : this.buffer.slice(0, this.used);
  }
}

/**
 * Each entry's compressed size as the archive's central directory gives it (in its order, by name),
 * for entries whose local header leaves it out; none when the directory cannot be read (then such
 * an entry counts as compressed to nothing, and a big one is refused as a bomb).
 */
function centralSizes(bytes: Uint8Array, originals?: Map<string, number[]>): Map<string, number[]> {
  const sizes = new Map<string, number[]>();
  try {
    unzipSync(bytes, {
      filter: (f) => {
        const l = sizes.get(f.name);
        if (l) l.push(f.size);
        else sizes.set(f.name, [f.size]);
        const o = originals?.get(f.name);
        if (o) o.push(f.originalSize);
        else originals?.set(f.name, [f.originalSize]);
        return false;
      },
    });
  } catch (e) {
    // Not a readable zip (fflate's errors carry a numeric code): the streaming check below says so, or refuses it.
    if (!(e instanceof Error && typeof (e as Error & { code?: unknown }).code === 'number')) throw e;
    sizes.clear();
    originals?.clear();
  }
  return sizes;
}

/**
 * Check an untrusted zip: entries inside the archive (no "..", no absolute or drive paths), at
 * most LIMITS.entries of them and LIMITS.totalBytes once unpacked, and no entry of 1 MiB or more,
 * nor the whole archive from 1 MiB unpacked on, expanding more than LIMITS.ratio times (a zip
 * bomb). Throws UnsafeArchiveError naming the problem; a file that is not a zip is an Error.
 * Given `keep` (an empty map), it fills it with each name's sizes from the central directory and
 * keeps each entry's inflated bytes in its `data` where keptEntries can use them; an entry
 * `packed` names (and that is compressed) is kept compressed instead, in its `deflated`
 * (inflated again when keptEntries' result is asked for it).
 */
export function inspectArchive(bytes: Uint8Array, keep?: Map<string, number[]>, packed?: (name: string) => boolean): ArchiveEntry[] {
  const entries: ArchiveEntry[] = [];
  let total = 0;
  let problem: string | undefined;
  const refuse = (why: string): void => {
    problem ??= why;
  };
  const central = centralSizes(bytes, keep);
  // Keeping the bytes: each entry into a buffer of the size the central directory gives it (one
  // entry of that name); any other entry, or one that does not fill its buffer exactly, is not kept.
  let kept = keep !== undefined;
  const originals = new Map([...(keep ?? [])].map(([k, v]) => [k, [...v]]));
  // The compressed bytes of each entry kept so, by name, as its inflater is given them.
  const deflating = new Map<string, Collected>();
  const budget = { left: bytes.length };
  const counted = new Uint8Array(0);
  const unzip = new Unzip((file) => {
    if (problem) return;
    const name = file.name.replace(/\\/g, '/');
    if (name.startsWith('/') || /^[a-zA-Z]:/.test(name) || name.split('/').includes('..')) refuse(`entry '${file.name}' points outside the archive`);
    if (entries.length + 1 > LIMITS.entries) refuse(`more than ${LIMITS.entries} entries`);
    if (problem) return;
    // An entry written as a stream has its sizes after its data (a "data descriptor"): its
    // compressed size is then the central directory's (at most the archive's own size).
    const entry: ArchiveEntry = { name: file.name, compressed: file.size ?? Math.min(central.get(file.name)?.shift() ?? 0, bytes.length), size: 0 };
    entries.push(entry);
    const expected = originals.get(file.name);
    let buffer: Uint8Array | undefined;
    // Kept compressed: its compressed bytes as the inflater is given them (a fixed-size buffer stands for the count).
    const chunks = kept && file.compression === 8 && packed?.(file.name) ? new Collected(entry.compressed, budget) : undefined;
    if (chunks) deflating.set(file.name, chunks);
    if (kept && expected?.length === 1 && expected[0]! <= LIMITS.totalBytes) buffer = chunks ? counted : new Uint8Array(expected[0]!);
    else kept = false;
    file.ondata = (err, data, final) => {
      if (err) {
        refuse(`entry '${file.name}' cannot be unpacked (${err.message})`);
        return;
      }
      if (buffer && kept) {
        if (entry.size + data.length > expected![0]!) kept = false;
        else if (!chunks) buffer.set(data, entry.size);
      }
      entry.size += data.length;
      total += data.length;
      if (final && buffer && kept) {
        if (entry.size !== expected![0]!) kept = false;
        else if (chunks) entry.deflated = chunks.take();
        else entry.data = buffer;
      }
      if (total > LIMITS.totalBytes) refuse(`more than ${LIMITS.totalBytes / 1024 / 1024} MB once unpacked`);
      else if (entry.size >= LIMITS.ratioFloor && entry.size / Math.max(1, entry.compressed) > LIMITS.ratio) refuse(`entry '${file.name}' expands more than ${LIMITS.ratio} times (a zip bomb?)`);
      if (problem) file.terminate();
    };
    file.start();
  });
  // (A class per archive: the inflater is made by fflate, given the entry's name.)
  unzip.register(
    class extends KeepingInflate {
      static readonly compression = 8;
      constructor(name: string) {
        super(deflating.get(name));
      }
    },
  );
  unzip.register(UnzipPassThrough);
  try {
    // In slices, so that a bomb stops being inflated as soon as it is seen.
    const step = 1 << 12;
    for (let i = 0; i < bytes.length && !problem; i += step) unzip.push(bytes.subarray(i, i + step), i + step >= bytes.length);
  } catch (e) {
    if (problem) throw new UnsafeArchiveError(problem);
    throw new Error(`not a readable zip archive (${(e as Error).message})`);
  }
  if (problem) throw new UnsafeArchiveError(problem);
  if (entries.length === 0) throw new Error('not a readable zip archive (no entries)');
  const compressed = entries.reduce((n, e) => n + e.compressed, 0);
  if (total >= LIMITS.ratioFloor && total / Math.max(1, compressed) > LIMITS.ratio) throw new UnsafeArchiveError(`the archive expands ${Math.round(total / Math.max(1, compressed))} times (a zip bomb?)`);
  if (!kept || entries.some((e) => !e.data && !e.deflated) || entries.length !== originals.size)
    for (const e of entries) {
      delete e.data;
      delete e.deflated;
    }
  return entries;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks.splice(0)) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * The entries inspectArchive kept (given the central directory it filled), by name in the order of
 * the archive's central directory, as fflate's unzipSync gives them: when every entry the check read
 * is the one entry of its name in the central directory, of the size it gives. Otherwise undefined
 * (an archive whose parts disagree): the caller unpacks it again.
 */
export function keptEntries(entries: readonly ArchiveEntry[], central: ReadonlyMap<string, number[]>): Unzipped | undefined {
  if (entries.length === 0 || entries.some((e) => !e.data && !e.deflated)) return undefined;
  const byName = new Map(entries.map((e) => [e.name, e]));
  const out: Unzipped = {};
  const packed = new Map<string, { deflated: Uint8Array; size: number }>();
  packedOf.set(out, packed);
  for (const name of central.keys()) {
    const e = byName.get(name)!;
    if (e.data) out[name] = e.data as Unzipped[string];
    else {
      // Inflated each time it is asked for (by fflate, as the check inflated it: the same bytes).
      const deflated = e.deflated!;
      const size = e.size;
      packed.set(name, { deflated, size });
      Object.defineProperty(out, name, {
        enumerable: true,
        configurable: true,
        get: () => {
          const data = inflateSync(deflated, { out: new Uint8Array(size) });
          if (data.length !== size) throw new Error(`entry '${name}' did not unpack to its size again`);
          return data;
        },
      });
    }
  }
  return out;
}

/**
 * How to read an entry keptEntries kept compressed again, holding its compressed bytes only (not
 * the archive): its bytes, inflated as its getter inflates them, each time it is called.
 * Undefined when the archive does not hold it so.
 */
export function rereader(archive: Unzipped, name: string): (() => Uint8Array) | undefined {
  const got = packedOf.get(archive)?.get(name);
  if (!got) return undefined;
  const { deflated, size } = got;
  return () => {
    const data = inflateSync(deflated, { out: new Uint8Array(size) });
    if (data.length !== size) throw new Error(`entry '${name}' did not unpack to its size again`);
    return data;
  };
}

/** The compressed bytes of the entries keptEntries gives inflated when read, by archive and name. */
const packedOf = new WeakMap<Unzipped, Map<string, { deflated: Uint8Array; size: number }>>();

/**
 * Take an entry keptEntries kept compressed out of its archive: its compressed bytes (raw deflate)
 * and its size, the entry no longer in the archive (the caller puts back what it reads it as).
 * Undefined when the archive does not hold it so (then the entry is left as it is).
 */
export function takePacked(archive: Unzipped, name: string): { deflated: Uint8Array; size: number } | undefined {
  const got = packedOf.get(archive)?.get(name);
  if (!got) return undefined;
  packedOf.get(archive)!.delete(name);
  delete archive[name];
  return got;
}

/**
 * A raw deflate stream inflated as a stream (by fflate, as the check inflated it: the same bytes)
 * into blocks of `block` bytes, each kept compressed again (zlib, fast level) and inflated when
 * asked: a big entry is never held inflated whole. `size` is what it must inflate to.
 */
export function inflateToBlocks(deflated: Uint8Array, size: number, name: string, block = 1 << 20): { length: number; size: number; block(k: number): Uint8Array } {
  const blocks: Buffer[] = [];
  const buffer = new Uint8Array(block);
  let used = 0;
  let total = 0;
  const inflate = new Inflate((chunk) => {
    for (let at = 0; at < chunk.length; ) {
      const n = Math.min(block - used, chunk.length - at);
      buffer.set(chunk.subarray(at, at + n), used);
      used += n;
      at += n;
      total += n;
      if (used === block) {
        blocks.push(deflateRawSync(buffer, { level: 1 }));
        used = 0;
      }
    }
  });
  const step = 1 << 16;
  if (deflated.length === 0) inflate.push(deflated, true);
  for (let i = 0; i < deflated.length; i += step) inflate.push(deflated.subarray(i, i + step), i + step >= deflated.length);
  if (used > 0) blocks.push(deflateRawSync(buffer.subarray(0, used), { level: 1 }));
  if (total !== size) throw new Error(`entry '${name}' did not unpack to its size again`);
  return { length: size, size: block, block: (k) => inflateRawSync(blocks[k]!) };
}
