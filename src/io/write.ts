import { createHash, randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { FileError, fileErrorFrom, isSystemError } from './errors.js';
import { fsOps } from './fs-ops.js';
import { ensureStateDir, holdsLock, STATE_DIR } from './lock.js';

/**
 * The one writer. Every file qualwave writes goes through here:
 *
 * - `writeFileAtomic`: the content goes to a temporary file beside the target, written in a loop
 *   that checks every byte, its size checked, flushed (fsync), then renamed over the target, and
 *   the folder flushed. On any error (ENOSPC, EIO, EACCES...) the temporary file is removed and
 *   the target is as it was.
 * - `writeFilesTogether`: several files as one change, through a journal in `.qualwave/`: a
 *   crash before the journal says "committed" leaves every file as it was (the next run removes
 *   the temporary files); a crash after it is finished by the next run.
 *
 * Only regular files are replaced: a symbolic link, a folder, a device, a FIFO or a socket in the
 * target's place is refused. Failures are FileErrors naming the path, with a hint.
 */
export class OutputExistsError extends FileError {}

/** While set, any write is refused: `build --check`, and the commands `build` runs. */
export const readOnly: { reason: string | undefined } = { reason: undefined };

export function assertWritable(path: string): void {
  if (readOnly.reason !== undefined) throw new FileError(path, `refusing to write ${shown(path)}: ${readOnly.reason}`, 'this is a qualwave bug if you did not ask for a write; please report it');
}

/** A path as the user knows it: relative to the working folder when inside it. */
export function shown(path: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

const KIND = (st: { isDirectory(): boolean; isSymbolicLink(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string | undefined =>
  st.isDirectory() ? 'a folder' : st.isSymbolicLink() ? 'a symbolic link' : st.isFIFO() ? 'a FIFO (named pipe)' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : undefined;

/**
 * What is at `path` now: undefined (nothing: a new file), or its permission bits (a regular
 * file). Anything else is refused, as is an existing file without `force`.
 */
export function checkTarget(path: string, opts: { force?: boolean; existsHint?: string } = {}): number | undefined {
  const st = fsOps().lstat(path);
  if (!st) return undefined;
  const kind = KIND(st);
  if (kind !== undefined) {
    throw new FileError(
      path,
      `cannot write ${shown(path)}: it is ${kind}, not a regular file`,
      kind === 'a folder'
        ? 'give a file name inside it, e.g. ' + join(shown(path), 'out.txt')
        : kind === 'a symbolic link'
          ? 'qualwave replaces only regular files: give the path the link points to, or remove the link'
          : 'qualwave writes only regular files: choose a file path, or redirect standard output (> FILE) instead',
    );
  }
  if (!opts.force) throw new OutputExistsError(path, `${shown(path)} already exists`, opts.existsHint ?? 'add --force to replace it, or choose another --output');
  return st.mode & 0o7777;
}

export { STATE_DIR };

const TEMP = /^\..+\.qw-(\d+)-[0-9a-f]{8}\.tmp$/;

function tempPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.qw-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Bytes written in pieces (a .qdpx made one transcript at a time): the pieces are made while
 * the file is written, so only one of them is in memory at a time. If making a piece fails, the
 * temporary file is removed and that error is reported as it is (not as a failed write).
 */
export type Pieces = Iterable<Uint8Array>;

/** Making a piece failed (not writing it): the maker's error, carried past the write's own handling. */
class PieceError extends Error {
  constructor(readonly original: unknown) {
    super('a piece could not be made');
  }
}

/** Write the content to a new temporary file `tmp` (created exclusively), checked and flushed. */
function writeTemp(tmp: string, content: Uint8Array | Pieces, mode: number | undefined, target: string, durable = true): void {
  const ops = fsOps();
  let fd: number | undefined;
  try {
    fd = ops.open(tmp, 'wx', 0o666);
    if (mode !== undefined) ops.fchmod(fd, mode);
    let total = 0;
    const writeAll = (bytes: Uint8Array): void => {
      let off = 0;
      let stalls = 0;
      while (off < bytes.length) {
        const n = ops.write(fd!, bytes, off, bytes.length - off);
        if (!Number.isInteger(n) || n < 0 || n > bytes.length - off) throw Object.assign(new Error(`write returned ${n}`), { code: 'EIO' });
        if (n === 0 && ++stalls > 3) throw Object.assign(new Error('no progress writing'), { code: 'ENOSPC' });
        off += n;
      }
      total += bytes.length;
    };
    if (content instanceof Uint8Array) writeAll(content);
    else {
      const it = content[Symbol.iterator]();
      for (;;) {
        let r: IteratorResult<Uint8Array>;
        try {
          r = it.next();
        } catch (e) {
          throw new PieceError(e);
        }
        if (r.done) break;
        writeAll(r.value);
      }
    }
    if (durable) ops.fsync(fd);
    const size = ops.fstat(fd).size;
    if (size !== total) throw Object.assign(new Error(`wrote ${size} of ${total} bytes`), { code: 'EIO' });
    const closing = fd;
    fd = undefined;
    ops.close(closing);
  } catch (e) {
    if (fd !== undefined) {
      try {
        ops.close(fd);
      } catch (e) {
        // Already failing: the first error is the one to report (this one only if it is a bug).
        if (!isSystemError(e)) throw e;
      }
    }
    removeQuietly(tmp);
    if (e instanceof PieceError) throw e.original;
    throw fileErrorFrom(e, shown(target), 'cannot write', 'the file was left as it was');
  }
}

function removeQuietly(path: string): void {
  try {
    fsOps().unlink(path);
  } catch (e) {
    // Nothing there, or nothing more to be done: the caller reports the first error.
    if (!isSystemError(e)) throw e;
  }
}

/** Flush a folder's entries (the renames) to disk; platforms that cannot do it are skipped. */
function fsyncDir(dir: string): void {
  const ops = fsOps();
  let fd: number;
  try {
    fd = ops.open(dir, 'r');
  } catch (e) {
    // Windows cannot open a folder: its renames are flushed by the file system.
    if (!isSystemError(e)) throw e;
    return;
  }
  try {
    ops.fsync(fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EBADF' && code !== 'EISDIR' && code !== 'EPERM') {
      throw fileErrorFrom(e, shown(dir), 'cannot flush the folder', 'the new file is in place but may not survive a power cut: check the disk');
    }
  } finally {
    closeFolder(fd);
  }
}

/** Closing a read-only folder handle cannot lose data: the operating system's refusal is ignored. */
function closeFolder(fd: number): void {
  try {
    fsOps().close(fd);
  } catch (e) {
    if (!isSystemError(e)) throw e;
  }
}

function bytesOf(content: string | Uint8Array): Uint8Array {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
}

/** The folder must exist and be a folder (not created here: the caller decides). */
function checkFolder(target: string): void {
  const dir = dirname(target);
  const st = fsOps().lstat(dir);
  if (!st) throw new FileError(dir, `cannot write ${shown(target)}: the folder ${shown(dir)} does not exist`, 'create the folder first, or check the path');
  if (st.isSymbolicLink()) {
    let real: string;
    try {
      real = fsOps().realpath(dir);
    } catch (e) {
      throw fileErrorFrom(e, shown(dir), 'cannot write into');
    }
    if (!fsOps().lstat(real)?.isDirectory()) throw new FileError(dir, `cannot write ${shown(target)}: ${shown(dir)} is not a folder`, 'check the path');
  } else if (!st.isDirectory()) throw new FileError(dir, `cannot write ${shown(target)}: ${shown(dir)} is not a folder`, 'check the path');
}

/**
 * Write a file atomically: a reader (or a crash, a full disk, kill -9) sees the old content or
 * the new, never a part. Refuses to replace an existing file unless `force`, and never replaces
 * anything but a regular file. Keeps the permissions of the file it replaces. `durable: false`
 * (derived files only: the study index) skips the flushes: still whole or absent for any reader,
 * but a power cut may lose the new content, which the index detects by its checksum.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array | Pieces, opts: { force?: boolean; existsHint?: string; durable?: boolean } = {}): void {
  assertWritable(path);
  const mode = checkTarget(path, opts);
  checkFolder(path);
  const tmp = tempPath(path);
  writeTemp(tmp, typeof content === 'string' ? bytesOf(content) : content, mode, path, opts.durable !== false);
  try {
    // Between the check and here, a link or a folder may have appeared: rename never follows a
    // link (it replaces the link itself) and fails on a folder, so nothing outside is written.
    fsOps().rename(tmp, path);
  } catch (e) {
    removeQuietly(tmp);
    throw fileErrorFrom(e, shown(path), 'cannot replace', 'the file was left as it was');
  }
  if (opts.durable !== false) fsyncDir(dirname(path));
}

/** Make a folder (and its parents), through the same operations as the writer. */
export function makeFolder(path: string): void {
  assertWritable(path);
  try {
    fsOps().mkdir(path);
  } catch (e) {
    throw fileErrorFrom(e, shown(path), 'cannot create the folder');
  }
}

/**
 * New files in a folder that may not exist yet (qualwave init): every file is new (an existing one
 * is refused before anything is written), written atomically; if any write fails, the files and
 * folders made here are removed again, and the error is reported.
 */
export function createFiles(dir: string, files: ReadonlyArray<readonly [string, string | Uint8Array | (() => string)]>): void {
  for (const [rel] of files) if (fsOps().lstat(join(dir, rel))) throw new OutputExistsError(join(dir, rel), `${shown(join(dir, rel))} already exists`, 'choose an empty folder; nothing was written');
  const created: string[] = [];
  const folders: string[] = [];
  try {
    for (const [rel, content] of files) {
      for (let d = dirname(join(dir, rel)), missing: string[] = []; ; d = dirname(d)) {
        if (fsOps().lstat(d) || dirname(d) === d) {
          for (const m of missing.reverse()) {
            makeFolder(m);
            folders.push(m);
          }
          break;
        }
        missing.push(d);
      }
      // (A content given as a function is made now, each file's in turn: never every big file at once.)
      writeFileAtomic(join(dir, rel), typeof content === 'function' ? content() : content);
      created.push(join(dir, rel));
    }
  } catch (e) {
    for (const f of created) removeQuietly(f);
    for (const d of folders.reverse()) removeFolderQuietly(d);
    throw e;
  }
}

function removeFolderQuietly(path: string): void {
  try {
    fsOps().rmdir(path);
  } catch (e) {
    // A folder someone else filled meanwhile stays: only what was made here goes.
    if ((e as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (e as NodeJS.ErrnoException).code !== 'EEXIST' && !isSystemError(e)) throw e;
  }
}

/**
 * A new folder of files that appears whole or not at all (a study imported from a .qdpx): written
 * beside the target, then renamed into place. The target must not exist or be empty.
 */
export function writeNewFolder(target: string, files: ReadonlyArray<readonly [string, string | (() => string)]>): void {
  assertWritable(target);
  const tmp = `${target}.tmp-${process.pid}`;
  removeTree(tmp);
  try {
    createFiles(tmp, files);
    const st = fsOps().lstat(target);
    if (st?.isDirectory()) fsOps().rmdir(target);
    fsOps().rename(tmp, target);
  } catch (e) {
    removeTree(tmp);
    throw fileErrorFrom(e, shown(target), 'cannot create');
  }
}

/** Remove a folder this process made (a temporary study folder), and what is in it. */
function removeTree(path: string): void {
  const st = fsOps().lstat(path);
  if (!st) return;
  if (st.isDirectory()) {
    for (const name of fsOps().readdir(path)) removeTree(join(path, name));
    fsOps().rmdir(path);
  } else fsOps().unlink(path);
}

// ---------------------------------------------------------------------------------------------
// Several files as one change: the journal.

const JOURNAL = 'journal.json';

interface JournalFile {
  target: string;
  temp: string;
  sha256: string;
  bytes: number;
}
interface Journal {
  qualwave: 'journal';
  version: 1;
  state: 'prepared' | 'committed';
  pid: number;
  started: string;
  files: JournalFile[];
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `.qualwave/` in the study, made on first use, ignored by git (it ignores itself). */
function stateDir(root: string): string {
  assertWritable(join(root, STATE_DIR));
  try {
    return ensureStateDir(root);
  } catch (e) {
    throw fileErrorFrom(e, shown(join(root, STATE_DIR)), 'cannot create');
  }
}

function studyPath(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/');
}

/**
 * Replace several files of the study as one change (a coder's file and the codebook; every
 * coder's file; the build outputs). Needs the study lock (lock.ts) held by this process.
 */
export function writeFilesTogether(root: string, files: ReadonlyArray<readonly [string, string | Uint8Array]>): void {
  for (const [target] of files) assertWritable(target);
  if (files.length === 0) return;
  if (!holdsLock(root, 'study')) throw new Error('internal: writeFilesTogether without the study lock');
  const ops = fsOps();
  const staged: Array<JournalFile & { content: Uint8Array; mode: number | undefined; abs: string; tmpAbs: string }> = [];
  for (const [target, content] of files) {
    const mode = checkTarget(target, { force: true });
    const dir = dirname(target);
    if (!ops.lstat(dir)) makeFolder(dir);
    checkFolder(target);
    const bytes = bytesOf(content);
    const tmpAbs = tempPath(target);
    staged.push({ target: studyPath(root, target), temp: studyPath(root, tmpAbs), sha256: sha256(bytes), bytes: bytes.length, content: bytes, mode, abs: target, tmpAbs });
  }
  const journalPath = join(stateDir(root), JOURNAL);
  if (ops.lstat(journalPath)) throw new FileError(journalPath, `an earlier change to the study was not finished (${shown(journalPath)})`, 'run qualwave validate, which finishes or undoes it, then run the command again');
  const journal: Journal = { qualwave: 'journal', version: 1, state: 'prepared', pid: process.pid, started: new Date().toISOString(), files: staged.map(({ target, temp, sha256, bytes }) => ({ target, temp, sha256, bytes })) };
  // 1. Prepared: the journal names the temporary files, so a crash from here on can remove them.
  writeFileAtomic(journalPath, JSON.stringify(journal, null, 2) + '\n', { force: true });
  try {
    for (const s of staged) writeTemp(s.tmpAbs, s.content, s.mode, s.abs);
    for (const dir of new Set(staged.map((s) => dirname(s.abs)))) fsyncDir(dir);
    // 2. Committed: from here a crash is finished by the next run.
    writeFileAtomic(journalPath, JSON.stringify({ ...journal, state: 'committed' }, null, 2) + '\n', { force: true });
  } catch (e) {
    for (const s of staged) removeQuietly(s.tmpAbs);
    removeQuietly(journalPath);
    throw e;
  }
  // 3. Renames; then the journal goes.
  try {
    for (const s of staged) ops.rename(s.tmpAbs, s.abs);
    for (const dir of new Set(staged.map((s) => dirname(s.abs)))) fsyncDir(dir);
    ops.unlink(journalPath);
    fsyncDir(dirname(journalPath));
  } catch (e) {
    throw fileErrorFrom(e, shown(journalPath), 'the change was interrupted after it was committed:', 'run qualwave validate (or any qualwave command in the study) to finish it; no file was lost');
  }
}

export interface Recovery {
  /** What was done, for a message: "finished" (rolled forward) or "undone" (rolled back). */
  action: 'finished' | 'undone';
  pid: number;
  files: string[];
}

/** Whether an unfinished change waits in the study's journal. */
export function pendingJournal(root: string): string | undefined {
  const path = join(root, STATE_DIR, JOURNAL);
  return fsOps().lstat(path) ? path : undefined;
}

/**
 * Finish or undo a change that a crash interrupted (needs the study lock): a committed journal is
 * rolled forward (each temporary file, checked against its hash, renamed into place); a prepared
 * one is rolled back (its temporary files removed). Stray temporary files of dead processes in
 * the study's folders are removed. Returns what was done, or undefined when there was nothing.
 */
export function recoverJournal(root: string): Recovery | undefined {
  const ops = fsOps();
  const path = join(root, STATE_DIR, JOURNAL);
  if (!ops.lstat(path)) return undefined;
  assertWritable(path);
  let journal: Journal;
  try {
    journal = JSON.parse(ops.readFile(path).toString('utf8')) as Journal;
    if (journal.qualwave !== 'journal' || !Array.isArray(journal.files)) throw new Error('not a qualwave journal');
  } catch (e) {
    throw new FileError(path, `cannot read ${shown(path)}: ${(e as Error).message}`, 'look at it: it lists the files of an interrupted change (temporary files beside them hold the new content); remove it once the study is as it should be');
  }
  const inside = (rel: string): string => {
    const abs = join(root, rel);
    if (relative(root, abs).startsWith('..') || isAbsolute(rel)) throw new FileError(path, `${shown(path)} names a file outside the study (${rel})`, 'remove the journal by hand');
    return abs;
  };
  if (journal.state === 'committed') {
    for (const f of journal.files) {
      const temp = inside(f.temp);
      const target = inside(f.target);
      if (ops.lstat(temp)) {
        const bytes = ops.readFile(temp);
        if (bytes.length !== f.bytes || sha256(bytes) !== f.sha256) {
          throw new FileError(temp, `cannot finish the interrupted change: ${shown(temp)} is not what was written (the disk may be failing)`, `compare it with ${shown(target)} by hand, keep the right one, then remove ${shown(path)}`);
        }
        ops.rename(temp, target);
      } else {
        const now = ops.lstat(target) ? ops.readFile(target) : undefined;
        if (!now || sha256(now) !== f.sha256) throw new FileError(target, `cannot finish the interrupted change: ${shown(temp)} is missing and ${shown(target)} does not hold the new content`, `check ${shown(target)} by hand, then remove ${shown(path)}`);
      }
    }
    for (const dir of new Set(journal.files.map((f) => dirname(inside(f.target))))) fsyncDir(dir);
  } else {
    for (const f of journal.files) removeQuietly(inside(f.temp));
  }
  ops.unlink(path);
  fsyncDir(dirname(path));
  return { action: journal.state === 'committed' ? 'finished' : 'undone', pid: journal.pid, files: journal.files.map((f) => f.target) };
}

/** Remove temporary files left in `dir` by processes that no longer run (kill -9 mid-write). */
export function removeStrayTemps(dir: string, alive: (pid: number) => boolean): string[] {
  const ops = fsOps();
  let names: string[];
  try {
    names = ops.readdir(dir);
  } catch (e) {
    // No such folder: no temporary file in it.
    if (!isSystemError(e)) throw e;
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP.exec(name);
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    removeQuietly(join(dir, name));
    removed.push(name);
  }
  return removed;
}
