import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { ensureStateDir, isAlive, STATE_DIR } from './lock.js';
import { FileError, isSystemError } from './errors.js';
import { fsOps } from './fs-ops.js';
import { readOnly, removeStrayTemps, writeFileAtomic } from './write.js';

/**
 * The study index: a derived, disposable cache of what loading a study costs (each coder's parsed
 * codings, each transcript's segments, the checks of the codings against the study) in
 * `.qualwave/index/` inside the study, which git ignores. The study's plain files remain the only
 * truth:
 *
 * - every entry is keyed by the exact bytes it was made from (their size and a SHA-256 of them,
 *   read in the same run) and the file's mtime: an edit behind qualwave's back, even one that keeps
 *   the size and restores the mtime, changes the hash and the entry is not used;
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
const FORMAT = 1;
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

/** The key of bytes just read from `path` (its mtime from the file system, 0 when it cannot be had). */
export function keyOf(path: string, bytes: Uint8Array): FileKey {
  // Gone since it was read (0): the bytes and their hash still say what the entry is of.
  const mtimeMs = statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  return { size: bytes.length, mtimeMs, hash: hashBytes(bytes) };
}

/** The key of content already hashed (a text file read and decoded: `size` counts its UTF-16 units). */
export function keyFromHash(path: string, size: number, hash: string): FileKey {
  return { size, mtimeMs: statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0, hash };
}

/** A key for something made from several inputs: the hash of their keys. */
export function combinedKey(parts: readonly unknown[]): FileKey {
  return { size: parts.length, mtimeMs: 0, hash: hashBytes(Buffer.from(JSON.stringify(parts))) };
}

interface Envelope {
  magic: string;
  format: number;
  build: string;
  kind: string;
  file: string;
  key: FileKey;
  sum: string;
  payload: Uint8Array;
}

/** One study's index, for one load: reads entries, writes new ones, and says once what it ignored. */
export class StudyIndex {
  private readonly dir: string;
  private damaged = 0;
  private writable: boolean;
  private cleaned = false;
  readonly stats = { hits: 0, misses: 0, writes: 0 };

  constructor(
    private readonly root: string,
    readonly enabled = indexSettings.enabled,
  ) {
    this.dir = join(root, STATE_DIR, INDEX_DIR);
    this.writable = enabled;
  }

  private name(kind: string, file: string): string {
    return `${kind}-${createHash('sha1').update(file).digest('hex').slice(0, 20)}.bin`;
  }

  private path(kind: string, file: string): string {
    return join(this.dir, this.name(kind, file));
  }

  /**
   * After a load that wrote entries (something changed): remove the entries of files the study no
   * longer has (a transcript renamed or deleted), so the index does not grow without end.
   */
  prune(files: Iterable<string>, kinds: readonly string[]): void {
    if (this.stats.writes === 0 || !this.writable) return;
    const keep = new Set<string>();
    for (const f of files) for (const k of kinds) keep.add(this.name(k, f));
    const ops = fsOps();
    try {
      for (const n of ops.readdir(this.dir)) if (n.endsWith('.bin') && !keep.has(n)) ops.unlink(join(this.dir, n));
    } catch (e) {
      // Another command pruning at the same time, or a folder that cannot be written: left as it is.
      if (!isSystemError(e)) throw e;
    }
  }

  /** The value stored for `file` made from `key`, or undefined (none, stale, damaged, another build). */
  get<T>(kind: string, file: string, key: FileKey): T | undefined {
    if (!this.enabled) return undefined;
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.path(kind, file));
    } catch (e) {
      // None yet (or unreadable: treated as none, and rewritten).
      if (!isSystemError(e)) throw e;
      this.stats.misses++;
      return undefined;
    }
    let value: T;
    try {
      const e = deserialize(bytes) as Envelope;
      if (!e || e.magic !== MAGIC || !(e.payload instanceof Uint8Array) || hashBytes(e.payload) !== e.sum) throw new Error('damaged');
      // Written by another qualwave (an upgrade, a rebuild): replaced as a matter of course, silently.
      // Same kind and file, or a collision of the file name's hash: either way not this entry.
      if (e.format !== FORMAT || e.build !== build() || e.kind !== kind || e.file !== file) {
        this.stats.misses++;
        return undefined;
      }
      if (e.key.size !== key.size || e.key.mtimeMs !== key.mtimeMs || e.key.hash !== key.hash) {
        this.stats.misses++;
        return undefined;
      }
      value = deserialize(e.payload) as T;
    } catch (e) {
      // Whatever a damaged file makes the deserializer throw, it is an Error: ignored, rebuilt.
      if (!(e instanceof Error)) throw e;
      this.damaged++;
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    return value;
  }

  /** Store `value` (structured-clonable) for `file` made from `key`; any failure is skipped. */
  put(kind: string, file: string, key: FileKey, value: unknown): void {
    if (!this.writable || readOnly.reason !== undefined) return;
    try {
      if (!this.cleaned) {
        ensureStateDir(this.root);
        if (!fsOps().lstat(this.dir)) fsOps().mkdir(this.dir);
        // Temporary files of a write that was killed (kill -9) are removed once per run.
        removeStrayTemps(this.dir, isAlive);
        this.cleaned = true;
      }
      const payload = serialize(value);
      const envelope: Envelope = { magic: MAGIC, format: FORMAT, build: build(), kind, file, key, sum: hashBytes(payload), payload };
      writeFileAtomic(this.path(kind, file), serialize(envelope), { force: true, durable: false });
      this.stats.writes++;
    } catch (e) {
      // A read-only study, a full disk, no permission: the command goes on without caching.
      if (!(e instanceof FileError) && !isSystemError(e)) throw e;
      this.writable = false;
    }
  }

  /** One line on stderr when entries were ignored as damaged or from another build (they are rebuilt). */
  finish(): void {
    if (this.damaged === 0) return;
    const n = this.damaged;
    this.damaged = 0;
    indexSettings.notice(`the study index had ${n} damaged entr${n === 1 ? 'y' : 'ies'} (${STATE_DIR}/${INDEX_DIR}/): ignored and rebuilt${this.writable ? '' : ' (could not write it: running without it)'}`);
  }
}

/**
 * A coder's parsed codings in columns (what the index stores: measured, reading columns and
 * making the objects is several times faster than deserializing the objects themselves).
 */
export interface PackedCodings {
  coder: string;
  file: string;
  strings: string[];
  /** Per coding: participant, wave and code as indexes into `strings`; memo and hash too (0: none). */
  participant: Uint32Array;
  wave: Uint32Array;
  code: Uint32Array;
  memo: Uint32Array;
  hash: Uint32Array;
  startLine: Int32Array;
  endLine: Int32Array;
  /** 0: whole lines (no columns). */
  startColumn: Int32Array;
  endColumn: Int32Array;
  exemplar: Uint8Array;
  line: Int32Array;
}

export function packCodings(
  coder: string,
  file: string,
  codings: ReadonlyArray<{ coder: string; participant: string; wave: string; startLine: number; endLine: number; startColumn?: number; endColumn?: number; code: string; exemplar: boolean; memo?: string; hash?: string; source?: { file: string; line: number } }>,
): PackedCodings | undefined {
  const n = codings.length;
  const strings = [''];
  const ids = new Map<string, number>([['', 0]]);
  const id = (s: string): number => {
    let i = ids.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      ids.set(s, i);
    }
    return i;
  };
  const p: PackedCodings = {
    coder,
    file,
    strings,
    participant: new Uint32Array(n),
    wave: new Uint32Array(n),
    code: new Uint32Array(n),
    memo: new Uint32Array(n),
    hash: new Uint32Array(n),
    startLine: new Int32Array(n),
    endLine: new Int32Array(n),
    startColumn: new Int32Array(n),
    endColumn: new Int32Array(n),
    exemplar: new Uint8Array(n),
    line: new Int32Array(n),
  };
  for (let i = 0; i < n; i++) {
    const c = codings[i]!;
    // Only what the parser makes: anything else is not stored (and the file is parsed each time).
    if (c.coder !== coder || c.source?.file !== file || (c.startColumn === undefined) !== (c.endColumn === undefined) || c.startColumn === 0 || c.memo === '' || c.hash === '') return undefined;
    p.participant[i] = id(c.participant);
    p.wave[i] = id(c.wave);
    p.code[i] = id(c.code);
    p.memo[i] = c.memo === undefined ? 0 : id(c.memo);
    p.hash[i] = c.hash === undefined ? 0 : id(c.hash);
    p.startLine[i] = c.startLine;
    p.endLine[i] = c.endLine;
    p.startColumn[i] = c.startColumn ?? 0;
    p.endColumn[i] = c.endColumn ?? 0;
    p.exemplar[i] = c.exemplar ? 1 : 0;
    p.line[i] = c.source.line;
  }
  return p;
}

/** The codings as the parser made them: the same fields in the same order. */
export function unpackCodings<C>(p: PackedCodings): C[] {
  const n = p.participant.length;
  const out = new Array<C>(n);
  const { coder, file, strings } = p;
  for (let i = 0; i < n; i++) {
    const c: Record<string, unknown> =
      p.startColumn[i] === 0
        ? { coder, participant: strings[p.participant[i]!], wave: strings[p.wave[i]!], startLine: p.startLine[i], endLine: p.endLine[i], code: strings[p.code[i]!], exemplar: p.exemplar[i] === 1, source: { file, line: p.line[i] } }
        : { coder, participant: strings[p.participant[i]!], wave: strings[p.wave[i]!], startLine: p.startLine[i], endLine: p.endLine[i], startColumn: p.startColumn[i], endColumn: p.endColumn[i], code: strings[p.code[i]!], exemplar: p.exemplar[i] === 1, source: { file, line: p.line[i] } };
    if (p.memo[i] !== 0) c['memo'] = strings[p.memo[i]!];
    if (p.hash[i] !== 0) c['hash'] = strings[p.hash[i]!];
    out[i] = c as C;
  }
  return out;
}
