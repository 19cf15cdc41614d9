import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, statSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { crc32 } from 'node:zlib';
import { ensureStateDir, isAlive, STATE_DIR } from './lock.js';
import { FileError, isSystemError } from './errors.js';
import { fsOps } from './fs-ops.js';
import { readOnly, removeStrayTemps, writeFileAtomic } from './write.js';

/**
 * The study index: a derived, disposable cache of what loading a study costs (each coder's parsed
 * codings, each transcript's segments, the checks of the codings against the study, the codebook patterns' verdicts) in
 * `.qualwave/index/` inside the study, which git ignores. The study's plain files remain the only
 * truth:
 *
 * - every entry is keyed by the exact bytes it was made from (their size and a SHA-256 of them)
 *   and the file's mtime: an edit behind qualwave's back, even one that keeps the size and restores
 *   the mtime, changes the hash and the entry is not used;
 * - a file's hash is taken again without reading the file only when its stamp (size, mtime and
 *   ctime in nanoseconds, inode, device: `stamps`, as git does) is the one it had when it was
 *   hashed, and that stamp was settled then (see `settled`); utimes() cannot set the ctime, so an
 *   edit whose mtime is put back is still seen;
 * - an entry also names the format and the qualwave build that wrote it: any upgrade or rebuild of
 *   qualwave replaces every entry (silently: that is the normal course), so a new parser never
 *   reads an old one's results;
 * - each entry carries a checksum of its payload: a damaged, truncated or foreign file is ignored
 *   (one line on stderr says how many) and rebuilt;
 * - entries are written through the atomic writer (a reader sees a whole entry or none, so two
 *   commands at once are safe without a lock), and a write that fails (read-only file system,
 *   full disk, permissions) is skipped: the cache never fails a command.
 *
 * Deleting `.qualwave/index/` changes no output. `--no-cache` or QUALWAVE_NO_CACHE=1 neither
 * reads nor writes it.
 */
export const INDEX_DIR = 'index';
const FORMAT = 7;
const MAGIC = 'qualwave-study-index';

/** Whether the environment allows the index: QUALWAVE_NO_CACHE unset, empty or 0. */
export function cacheWanted(env: Readonly<Record<string, string | undefined>>): boolean {
  const v = env['QUALWAVE_NO_CACHE'];
  return v === undefined || v === '' || v === '0';
}

export const indexSettings: { enabled: boolean; notice: (message: string) => void } = {
  enabled: cacheWanted(process.env),
  notice: (message) => void process.stderr.write(`qualwave: ${message}\n`),
};

/** What an entry was made from. */
export interface FileKey {
  size: number;
  mtimeMs: number;
  hash: string;
}

/** The qualwave build: the version and when this module was compiled (any rebuild changes it). */
let buildId: string | undefined;
function build(): string {
  if (buildId === undefined) {
    // Both are read from qualwave's own installed files; the rare platform without them gets a fixed stamp.
    const stamp = statSync(fileURLToPath(import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? 0;
    const pkg = new URL('../../../package.json', import.meta.url);
    const version = existsSync(pkg) ? ((JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version ?? '') : '';
    buildId = `${version}@${stamp}`;
  }
  return buildId;
}

export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64url').slice(0, 32);
}

/**
 * A pack's checksum: what tells a damaged or truncated file (a crash, a bad disk), not a key of
 * content (entries are keyed by SHA-256): CRC-32 sees every burst of up to 32 bits and reads
 * several times faster than SHA-256 (the packs are 17 MB at 1,000 transcripts).
 */
function checksum(pieces: readonly Uint8Array[]): string {
  let crc = 0;
  let size = 0;
  for (const piece of pieces) {
    // (Node's crc32 gives 0 for an empty view of an empty buffer, whatever the value it continues.)
    if (piece.length > 0) crc = crc32(piece, crc);
    size += piece.length;
  }
  return `crc32:${crc.toString(16)}:${size}`;
}

/** The key of content already hashed (a text file read and decoded: `size` counts its UTF-16 units). */
export function keyFromHash(path: string, size: number, hash: string): FileKey {
  return { size, mtimeMs: statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0, hash };
}

/**
 * A file's stamp, as git keeps it: what changes when its bytes do. Writing a file sets its mtime
 * and ctime to the clock; utimes() can put the mtime back but sets the ctime to the clock too, and
 * a file replaced by another (a rename over it) has another inode.
 */
export interface FileStamp {
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  ino: bigint;
  dev: bigint;
}

function stampOf(st: BigIntStats): FileStamp {
  return { size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, ino: st.ino, dev: st.dev };
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino && a.dev === b.dev;
}

/**
 * How long before its bytes were read a file must have last changed for its stamp to vouch for
 * them. An edit made after the read within the same clock tick as the stamp's times (file systems
 * keep them to a tick of the kernel's coarse clock, a second on some, two on FAT) would leave the
 * same stamp on other bytes: git's "racy" case. A stamp whose mtime or ctime is within this margin
 * of the moment of the read is not trusted; the file is hashed again at each run until it is older.
 */
export const RACY_MARGIN_NS = 2_000_000_000n;

/** The clock in nanoseconds (the same clock that gives files their times, to the millisecond). */
export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/** Whether a stamp taken at `at` (before the bytes were read) vouches for those bytes later. */
export function settled(stamp: FileStamp, at: bigint): boolean {
  return stamp.mtimeNs + RACY_MARGIN_NS < at && stamp.ctimeNs + RACY_MARGIN_NS < at;
}

/**
 * A file's bytes, read through one descriptor, with its stamp before the read (`at`: the clock before it) and, when asked, after it.
 * With `scratch`, a file that fits is read into its memory (grown to fit, then kept for the next): the bytes are then valid
 * only until the next read into it (for a reader that keeps nothing of them: no buffer outside the heap per file).
 */
export function readStamped(path: string, after = false, scratch?: { bytes: Buffer }): { bytes: Buffer; stamp: FileStamp; at: bigint; after?: FileStamp } {
  const at = nowNs();
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd, { bigint: true });
    const stamp = stampOf(st);
    let bytes: Buffer;
    if (st.isFile() && st.size > 0n) {
      // As readFileSync: the size the file has now, read to its end or to that size.
      const size = Number(st.size);
      if (scratch && scratch.bytes.length < size) scratch.bytes = Buffer.allocUnsafeSlow(Math.max(size, 2 * scratch.bytes.length, 1 << 16));
      bytes = scratch ? scratch.bytes.subarray(0, size) : Buffer.allocUnsafeSlow(size);
      let n = 0;
      for (let r = 1; n < size && r > 0; n += r) r = readSync(fd, bytes, n, size - n, null);
      if (n < size) bytes = bytes.subarray(0, n);
    } else {
      const chunks: Buffer[] = [];
      for (;;) {
        const chunk = Buffer.allocUnsafeSlow(64 * 1024);
        const r = readSync(fd, chunk, 0, chunk.length, null);
        if (r === 0) break;
        chunks.push(chunk.subarray(0, r));
      }
      bytes = Buffer.concat(chunks);
    }
    return after ? { bytes, stamp, at, after: stampOf(fstatSync(fd, { bigint: true })) } : { bytes, stamp, at };
  } finally {
    closeSync(fd);
  }
}

/** A key for something made from several inputs: the hash of their keys. */
export function combinedKey(parts: readonly unknown[]): FileKey {
  return { size: parts.length, mtimeMs: 0, hash: hashBytes(Buffer.from(JSON.stringify(parts))) };
}

/**
 * A pack file's head: what is read before its payload. The file is serialize(head), zero bytes up
 * to a multiple of 8, then the payload, its last `size` bytes: the payload is written piece by
 * piece (its columns as they are, never copied into one array nor serialized again: that was
 * 22 MB of the peak of a cold load at 1,000 transcripts) and read as a view of the file's bytes at
 * an offset that is a multiple of 8 (its columns, which the payload keeps 8-aligned, then too).
 */
interface Envelope {
  magic: string;
  format: number;
  build: string;
  kind: string;
  /** checksum of the payload's bytes. */
  sum: string;
  /** The payload's length in bytes. */
  size: number;
  /** Empty (the payload follows the head): what format 6 kept here, so that a qualwave of that format reads this file as another format's and replaces it silently. */
  payload: Uint8Array;
}

const ZEROS = new Uint8Array(8);

/** A pack file's bytes as pieces: its head, the zeros that put the payload at a multiple of 8, then the payload's pieces. */
function envelopePieces(kind: string, payload: readonly Uint8Array[]): Uint8Array[] {
  const size = payload.reduce((n, piece) => n + piece.length, 0);
  const e: Envelope = { magic: MAGIC, format: FORMAT, build: build(), kind, sum: checksum(payload), size, payload: EMPTY };
  const head = serialize(e);
  return [head, ZEROS.subarray(0, align8(head.length) - head.length), ...payload];
}

/**
 * A pack file's head and payload (a view of `bytes`); throws on a file that is not one (damaged).
 * The head alone when it is of another format, build or kind (`payload` undefined: replaced silently).
 */
export function readEnvelope(bytes: Uint8Array, kind?: string): { head: Envelope; payload?: Uint8Array } {
  const e = deserialize(bytes) as Envelope;
  if (!e || e.magic !== MAGIC) throw new Error('damaged');
  // Written by another qualwave (an upgrade, a rebuild): replaced as a matter of course, silently.
  if (e.format !== FORMAT || e.build !== build() || (kind !== undefined && e.kind !== kind)) return { head: e };
  if (!Number.isInteger(e.size) || e.size < 0 || e.size > bytes.length) throw new Error('damaged');
  const payload = bytes.subarray(bytes.length - e.size);
  if (checksum([payload]) !== e.sum) throw new Error('damaged');
  return { head: e, payload };
}

/** A pack file's bytes for `payload`, as qualwave writes them (for tests that forge a pack). */
export function envelopeBytes(kind: string, payload: Uint8Array): Buffer {
  return Buffer.concat(envelopePieces(kind, [payload]));
}

/** The entries of one kind, kept in one file (`.qualwave/index/KIND.bin`): one read for all transcripts. */
interface Pack {
  /** Each entry's value serialized, or as it is (a kind with a codec), or to be made when the pack is written (what a command counts as it runs). */
  entries: Map<string, Entry>;
  dirty: boolean;
}
type Entry = { key: FileKey; value: Uint8Array } | { key: FileKey; live: unknown } | { key: FileKey; make: () => unknown };

function entryValue(e: Entry): unknown {
  return 'live' in e ? e.live : 'make' in e ? e.make() : deserialize(e.value);
}

/**
 * How a kind's entries are laid out in its file when not as one serialized value each: a kind with
 * many entries of the same shape (a document per transcript) keeps their typed columns end to end
 * in one array each. `encode` gives one object: its typed-array properties (columns) are written
 * after the rest, each at an offset that is a multiple of 8 in the file, and read back as views of
 * the file's bytes (no copy, no value per entry); the rest is serialized.
 */
export interface PackCodec<V> {
  encode(entries: ReadonlyArray<readonly [string, FileKey, V]>): Record<string, unknown>;
  decode(payload: Record<string, unknown>): Array<[string, FileKey, V]>;
}
const codecs = new Map<string, PackCodec<unknown>>();

/** Lay out `kind`'s entries with `codec` (set once, by the module that knows the values). */
export function setCodec<V>(kind: string, codec: PackCodec<V>): void {
  codecs.set(kind, codec as PackCodec<unknown>);
}

/** The typed arrays a codec's columns may be, by their number in the file. */
const COLUMN_TYPES = [Int32Array, Uint32Array, Uint8Array, Float64Array, BigInt64Array, BigUint64Array, Uint16Array, Int16Array] as const;
type Column = InstanceType<(typeof COLUMN_TYPES)[number]>;
const align8 = (n: number) => (n + 7) & ~7;

/**
 * A codec's value as bytes: its other properties serialized (what deserialize(payload) reads),
 * then its columns, each 8-aligned, then where they are (serialized) and that part's length in
 * the last 4 bytes.
 */
export function encodeColumns(value: Record<string, unknown>): Uint8Array {
  return Buffer.concat(columnPieces(value));
}

/** encodeColumns' bytes as pieces, each column as a view of its own bytes (not copied). */
function columnPieces(value: Record<string, unknown>): Uint8Array[] {
  const rest: Record<string, unknown> = {};
  const columns: Array<[string, Column, number, number]> = [];
  let total = 0;
  for (const [k, v] of Object.entries(value)) {
    const type = COLUMN_TYPES.findIndex((t) => v instanceof t);
    if (type < 0) {
      rest[k] = v;
      continue;
    }
    const c = v as Column;
    columns.push([k, c, type, total]);
    total += align8(c.byteLength);
  }
  const head = serialize(rest);
  const pieces: Uint8Array[] = [head, ZEROS.subarray(0, align8(head.length) - head.length)];
  for (const [, c] of columns) pieces.push(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), ZEROS.subarray(0, align8(c.byteLength) - c.byteLength));
  const layout = serialize({ head: head.length, total, columns: columns.map(([k, c, type, at]) => [k, type, at, c.length]) });
  const size = new Uint8Array(4);
  new DataView(size.buffer).setUint32(0, layout.length, true);
  pieces.push(layout, size);
  return pieces;
}

/** What encodeColumns wrote, its columns as views of `payload` (copied only if not aligned); throws on a payload that is not one whole. */
export function decodeColumns(payload: Uint8Array): Record<string, unknown> {
  const n = payload.length;
  if (n < 4) throw new Error('damaged');
  const size = new DataView(payload.buffer, payload.byteOffset, n).getUint32(n - 4, true);
  if (size > n - 4) throw new Error('damaged');
  const layout = deserialize(payload.subarray(n - 4 - size, n - 4)) as { head: number; total: number; columns: Array<[string, number, number, number]> } | undefined;
  if (typeof layout?.head !== 'number' || typeof layout.total !== 'number' || !Array.isArray(layout.columns)) throw new Error('damaged');
  const base = align8(layout.head);
  if (base + layout.total + size + 4 !== n) throw new Error('damaged');
  const value = deserialize(payload.subarray(0, layout.head)) as Record<string, unknown>;
  if (typeof value !== 'object' || value === null) throw new Error('damaged');
  for (const [k, type, at, length] of layout.columns) {
    const T = COLUMN_TYPES[type];
    if (!T || !Number.isInteger(at) || !Number.isInteger(length) || at < 0 || length < 0 || at + length * T.BYTES_PER_ELEMENT > layout.total) throw new Error('damaged');
    const offset = payload.byteOffset + base + at;
    value[k] = offset % T.BYTES_PER_ELEMENT === 0 ? new T(payload.buffer as ArrayBuffer, offset, length) : new T(payload.slice(base + at, base + at + length * T.BYTES_PER_ELEMENT).buffer as ArrayBuffer, 0, length);
  }
  return value;
}

/** A column of 32-bit integers as a pack stores it: the same array, or its values in fewer bytes, or only the value they all have. */
export type NarrowInts = Int32Array | Uint32Array | Uint16Array | Int16Array | Uint8Array | { same: number; length: number };

/**
 * A column of 32-bit integers in the fewest bytes its values need (the coder files' participant,
 * wave and code numbers fit in 16 bits, their memo, hash and column numbers are mostly all 0): a
 * pack of less to read and check at each run. widenInts gives back the same values in an array of
 * the column's own type.
 */
export function narrowInts(a: Int32Array | Uint32Array): NarrowInts {
  const n = a.length;
  if (n === 0) return a;
  let min = a[0]!;
  let max = min;
  for (let i = 1; i < n; i++) {
    const x = a[i]!;
    if (x < min) min = x;
    else if (x > max) max = x;
  }
  if (min === max) return { same: min, length: n };
  if (min >= 0 && max <= 0xff) return Uint8Array.from(a);
  if (min >= 0 && max <= 0xffff) return Uint16Array.from(a);
  if (min >= -0x8000 && max <= 0x7fff) return Int16Array.from(a);
  return a;
}

/** What narrowInts made, as an array of type `T` (a view of the pack when it was kept as it is); throws on anything else (a damaged pack). */
export function widenInts<T extends Int32ArrayConstructor | Uint32ArrayConstructor>(stored: unknown, T: T): InstanceType<T> {
  if (stored instanceof T) return stored as InstanceType<T>;
  if (stored instanceof Uint8Array || stored instanceof Uint16Array || stored instanceof Int16Array) {
    if (T === Uint32Array && stored instanceof Int16Array) throw new Error('damaged');
    const out = new T(stored.length);
    out.set(stored);
    return out as InstanceType<T>;
  }
  const c = stored as { same?: unknown; length?: unknown } | undefined;
  const lowest = T === Uint32Array ? 0 : -(2 ** 31);
  if (typeof c?.same !== 'number' || !Number.isInteger(c.same) || c.same < lowest || c.same >= lowest + 2 ** 32 || typeof c.length !== 'number' || !Number.isInteger(c.length) || c.length < 0) throw new Error('damaged');
  const out = new T(c.length);
  if (c.same !== 0) out.fill(c.same);
  return out as InstanceType<T>;
}

/** Int32Array values (word counts) end to end in one array, with each entry's offset. */
setCodec<Int32Array>('words', {
  encode(entries) {
    const kept = entries.filter((e) => e[2] instanceof Int32Array);
    const at = new Uint32Array(kept.length + 1);
    for (let i = 0; i < kept.length; i++) at[i + 1] = at[i]! + kept[i]![2].length;
    const all = new Int32Array(at[kept.length]!);
    for (let i = 0; i < kept.length; i++) all.set(kept[i]![2], at[i]);
    return { files: kept.map((e) => e[0]), keys: kept.map((e) => e[1]), at, all: narrowInts(all) };
  },
  decode(payload) {
    const { files, keys, at } = payload as { files: string[]; keys: FileKey[]; at: Uint32Array };
    const all = widenInts(payload['all'], Int32Array);
    if (!Array.isArray(files) || !Array.isArray(keys) || !(at instanceof Uint32Array) || at.length !== files.length + 1 || all.length !== at[files.length]) throw new Error('damaged');
    return files.map((f, i) => [f, keys[i]!, all.subarray(at[i], at[i + 1])]);
  },
});

/** Files of this process vouched for by their stamp, and files read and hashed for the index (for tests). */
export const fileCounts = { trusted: 0, hashed: 0 };

/** The stamps' entries: the file's hash is the key's, with the stamp it had and when it was read. */
interface StampKey extends FileKey {
  stamp?: FileStamp;
  at?: bigint;
}
const EMPTY = new Uint8Array(0);

/**
 * stamps.bin: each file's hash and size, and its stamp's numbers (size, times in nanoseconds,
 * inode, device, when it was read) in 64-bit columns: a list of objects of bigints deserialized
 * took 28 ms at 1,000 transcripts on a busy machine, the columns are read as views of the file.
 * Every number is kept exactly (a stamp's size, inode and device are unsigned, its times signed).
 */
setCodec<Uint8Array>('stamps', {
  encode(entries) {
    const n = entries.length;
    const sizes = new Float64Array(n);
    const mtimes = new Float64Array(n);
    const has = new Uint8Array(n);
    const size = new BigUint64Array(n);
    const mtimeNs = new BigInt64Array(n);
    const ctimeNs = new BigInt64Array(n);
    const ino = new BigUint64Array(n);
    const dev = new BigUint64Array(n);
    const at = new BigInt64Array(n);
    entries.forEach(([, key], i) => {
      const k = key as StampKey;
      sizes[i] = k.size;
      mtimes[i] = k.mtimeMs;
      if (k.stamp && k.at !== undefined) {
        has[i] = 1;
        size[i] = k.stamp.size;
        mtimeNs[i] = k.stamp.mtimeNs;
        ctimeNs[i] = k.stamp.ctimeNs;
        ino[i] = k.stamp.ino;
        dev[i] = k.stamp.dev;
        at[i] = k.at;
      }
    });
    return { files: entries.map((e) => e[0]), hashes: entries.map((e) => e[1].hash), sizes, mtimes, has, size, mtimeNs, ctimeNs, ino, dev, at };
  },
  decode(payload) {
    const p = payload as { files: string[]; hashes: string[]; sizes: Float64Array; mtimes: Float64Array; has: Uint8Array; size: BigUint64Array; mtimeNs: BigInt64Array; ctimeNs: BigInt64Array; ino: BigUint64Array; dev: BigUint64Array; at: BigInt64Array };
    if (!Array.isArray(p.files) || !Array.isArray(p.hashes)) throw new Error('damaged');
    const n = p.files.length;
    if (p.hashes.length !== n || [p.sizes, p.mtimes, p.has, p.size, p.mtimeNs, p.ctimeNs, p.ino, p.dev, p.at].some((c) => c?.length !== n)) throw new Error('damaged');
    return p.files.map((f, i) => {
      const key: StampKey = { size: p.sizes[i]!, mtimeMs: p.mtimes[i]!, hash: p.hashes[i]! };
      if (p.has[i] === 1) {
        key.stamp = { size: p.size[i]!, mtimeNs: p.mtimeNs[i]!, ctimeNs: p.ctimeNs[i]!, ino: p.ino[i]!, dev: p.dev[i]! };
        key.at = p.at[i]!;
      }
      return [f, key, EMPTY];
    });
  },
});

/**
 * Kinds read when first asked for rather than during the load: the word counts, which only the
 * commands that count words use (most commands never read words.bin).
 */
const LAZY_KINDS: ReadonlySet<string> = new Set(['words']);

/** Indexes with entries not yet written (words counted after the load): flushIndexes writes them. */
const pending = new Set<StudyIndex>();

/** Write what every index of this process has left to write (the CLI calls it after each command). */
export function flushIndexes(): void {
  for (const index of [...pending]) index.flush();
}

/**
 * One study's index: reads entries, stages new ones, writes each changed kind once (at the end of
 * the load, and after the command for what the command added), and says once what it ignored.
 */
export class StudyIndex {
  private readonly dir: string;
  private damaged = 0;
  private writable: boolean;
  private readonly packs = new Map<string, Pack>();
  /** What prune() kept of a lazy kind not read yet: applied when it is read. */
  private readonly pruneLater = new Map<string, ReadonlySet<string>>();
  /** Whether the load is over (finish): a damaged file found after it is said when found. */
  private loaded = false;
  /** Kinds whose entries were let go after the load (only words are added later). */
  private readonly released = new Set<string>();
  /** What the index did: entries used and not, packs written, files vouched for by their stamp and files hashed. */
  readonly stats = { hits: 0, misses: 0, writes: 0, trusted: 0, hashed: 0 };

  constructor(
    private readonly root: string,
    readonly enabled = indexSettings.enabled,
  ) {
    this.dir = join(root, STATE_DIR, INDEX_DIR);
    this.writable = enabled;
  }

  private path(kind: string): string {
    return join(this.dir, `${kind}.bin`);
  }

  /** The kind's entries as on disk (none when absent, damaged or written by another build). */
  private pack(kind: string): Pack {
    let pack = this.packs.get(kind);
    if (pack) return pack;
    pack = { entries: new Map(), dirty: false };
    this.packs.set(kind, pack);
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.path(kind));
    } catch (e) {
      // None yet (or unreadable: treated as none, and rewritten).
      if (!isSystemError(e)) throw e;
      return pack;
    }
    try {
      const { payload } = readEnvelope(bytes, kind);
      if (!payload) return pack;
      const codec = codecs.get(kind);
      if (codec) for (const [file, key, live] of codec.decode(decodeColumns(payload))) pack.entries.set(file, { key, live });
      else {
        const list = deserialize(payload) as Array<[string, FileKey, Uint8Array]>;
        if (!Array.isArray(list)) throw new Error('damaged');
        for (const [file, key, value] of list) pack.entries.set(file, { key, value });
      }
    } catch (e) {
      // Whatever a damaged file makes the deserializer throw, it is an Error: ignored, rebuilt.
      if (!(e instanceof Error)) throw e;
      this.damaged++;
      pack.entries.clear();
      pack.dirty = true;
      // A kind first read after the load (words, when a command first counts them): said now.
      if (this.loaded) this.tellDamaged();
    }
    const files = this.pruneLater.get(kind);
    if (files) {
      this.pruneLater.delete(kind);
      this.pruneNow(pack, files);
    }
    return pack;
  }

  /** The value stored for `file` made from `key`, or undefined (none, stale, damaged, another build). */
  get<T>(kind: string, file: string, key: FileKey): T | undefined {
    if (!this.enabled || this.released.has(kind)) return undefined;
    const entry = this.pack(kind).entries.get(file);
    if (!entry || entry.key.size !== key.size || entry.key.mtimeMs !== key.mtimeMs || entry.key.hash !== key.hash) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    return entryValue(entry) as T;
  }

  /** Stage `value` (structured-clonable) for `file` made from `key`: written by finish() or flushIndexes(). */
  put(kind: string, file: string, key: FileKey, value: unknown): void {
    if (!this.writable || readOnly.reason !== undefined || this.released.has(kind)) return;
    const pack = this.pack(kind);
    pack.entries.set(file, codecs.has(kind) ? { key, live: value } : { key, value: serialize(value) });
    pack.dirty = true;
    pending.add(this);
  }

  /** Stage a value made when the kind is written (flushIndexes, after the command): what the command will have counted by then. */
  putLater(kind: string, file: string, key: FileKey, make: () => unknown): void {
    if (!this.writable || readOnly.reason !== undefined || this.released.has(kind)) return;
    const pack = this.pack(kind);
    pack.entries.set(file, { key, make });
    pack.dirty = true;
    pending.add(this);
  }

  /**
   * The hash of `file`'s bytes without reading it: when its stamp now is the one it had when its
   * bytes were hashed, and that one was settled then. Undefined otherwise (the file must be read).
   */
  trustedHash(path: string, file: string): { hash: string; size: number; stamp: FileStamp } | undefined {
    if (!this.enabled) return undefined;
    const entry = this.pack('stamps').entries.get(file);
    const known = entry?.key as StampKey | undefined;
    if (!known?.stamp || known.at === undefined || !settled(known.stamp, known.at)) return undefined;
    let st: BigIntStats | undefined;
    try {
      st = statSync(path, { bigint: true, throwIfNoEntry: false });
    } catch (e) {
      // Unreadable: the read says why.
      if (!isSystemError(e)) throw e;
    }
    if (!st?.isFile() || !sameStamp(stampOf(st), known.stamp)) return undefined;
    this.stats.trusted++;
    fileCounts.trusted++;
    return { hash: known.hash, size: known.size, stamp: known.stamp };
  }

  /** Keep the hash of `file`'s bytes as read at `at` with `stamp` (taken before the read): trustedHash vouches for it later, once settled. */
  stamp(file: string, stamp: FileStamp, at: bigint, size: number, hash: string): void {
    this.stats.hashed++;
    fileCounts.hashed++;
    // Only a file whose size is that of its bytes: one that changed while read is hashed again next time.
    if (stamp.size !== BigInt(size)) return;
    const key: StampKey = { size, mtimeMs: 0, hash, stamp, at };
    if (!this.writable || readOnly.reason !== undefined || this.released.has('stamps')) return;
    const pack = this.pack('stamps');
    pack.entries.set(file, { key, live: EMPTY });
    pack.dirty = true;
    pending.add(this);
  }

  /** Entries of files the study no longer has (renamed, deleted) are dropped: the index does not grow without end. */
  prune(kind: string, files: ReadonlySet<string>): void {
    if (!this.enabled || this.released.has(kind)) return;
    // A kind read only when first asked for (words): pruned when it is read, if it ever is.
    if (LAZY_KINDS.has(kind) && !this.packs.has(kind)) {
      this.pruneLater.set(kind, files);
      return;
    }
    this.pruneNow(this.pack(kind), files);
  }

  private pruneNow(pack: Pack, files: ReadonlySet<string>): void {
    for (const f of pack.entries.keys()) {
      if (!files.has(f)) {
        pack.entries.delete(f);
        pack.dirty = true;
        pending.add(this);
      }
    }
  }

  /** Write every changed kind; a failure (read-only disk, full disk) is skipped: the cache never fails a command. */
  flush(): void {
    pending.delete(this);
    if (!this.writable || readOnly.reason !== undefined) return;
    for (const [kind, pack] of this.packs) {
      if (!pack.dirty) continue;
      try {
        ensureStateDir(this.root);
        if (!fsOps().lstat(this.dir)) fsOps().mkdir(this.dir);
        // Temporary files of a write that was killed (kill -9) are removed.
        removeStrayTemps(this.dir, isAlive);
        const codec = codecs.get(kind);
        const payload = codec ? columnPieces(codec.encode([...pack.entries].map(([file, e]) => [file, e.key, entryValue(e)] as const))) : [serialize([...pack.entries].map(([file, e]) => [file, e.key, 'value' in e ? e.value : serialize(entryValue(e))]))];
        writeFileAtomic(this.path(kind), envelopePieces(kind, payload), { force: true, durable: false });
        pack.dirty = false;
        this.stats.writes++;
      } catch (e) {
        // A read-only study, a full disk, no permission: the command goes on without caching.
        if (!(e instanceof FileError) && !isSystemError(e)) throw e;
        this.writable = false;
        return;
      }
    }
  }

  /** At the end of a load: write what changed, and one line on stderr when damaged files were ignored (they are rebuilt). */
  finish(): void {
    this.flush();
    // What a command may still add (word counts) is kept; the rest is let go: the study holds what it needs.
    for (const kind of [...this.packs.keys()]) {
      if (kind === 'words') continue;
      this.packs.delete(kind);
      this.released.add(kind);
    }
    this.loaded = true;
    this.tellDamaged();
  }

  /** An index opened after the study's load (a store of what a command makes): a damaged file is said when found. */
  afterLoad(): this {
    this.loaded = true;
    return this;
  }

  /** One line on stderr when damaged files were ignored (they are rebuilt). */
  private tellDamaged(): void {
    if (this.damaged === 0) return;
    const n = this.damaged;
    this.damaged = 0;
    indexSettings.notice(`the study index had ${n} damaged file${n === 1 ? '' : 's'} (${STATE_DIR}/${INDEX_DIR}/): ignored and rebuilt${this.writable ? '' : ' (could not write it: running without it)'}`);
  }
}

/** A coder's parsed codings in columns (what the index stores): src/core/coding/table.ts. */
export { packCodings, unpackCodings, type PackedCodings } from '../core/coding/table.js';
