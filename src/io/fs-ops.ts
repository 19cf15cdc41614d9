import * as fs from 'node:fs';

/**
 * Every file-system call that qualwave's writer, journal and locks make goes through this object,
 * so that tests can inject faults at any step (a short write, ENOSPC, EIO, EACCES, a crash between
 * two renames) without root, a full disk or a special file system: `setFsOps(faulty)`.
 */
export interface FsOps {
  open(path: string, flags: string, mode?: number): number;
  /** Write part of a buffer at the file's position; returns the bytes written (maybe fewer). */
  write(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsync(fd: number): void;
  fchmod(fd: number, mode: number): void;
  fstat(fd: number): fs.Stats;
  close(fd: number): void;
  rename(from: string, to: string): void;
  unlink(path: string): void;
  /** The entry itself (a symbolic link is not followed), or undefined when there is none. */
  lstat(path: string): fs.Stats | undefined;
  readFile(path: string): Buffer;
  readdir(path: string): string[];
  mkdir(path: string): void;
  /** Remove an empty folder. */
  rmdir(path: string): void;
  realpath(path: string): string;
}

export const nodeFs: FsOps = {
  open: (path, flags, mode) => fs.openSync(path, flags, mode),
  write: (fd, buffer, offset, length) => fs.writeSync(fd, buffer, offset, length),
  fsync: (fd) => fs.fsyncSync(fd),
  fchmod: (fd, mode) => fs.fchmodSync(fd, mode),
  fstat: (fd) => fs.fstatSync(fd),
  close: (fd) => fs.closeSync(fd),
  rename: (from, to) => fs.renameSync(from, to),
  unlink: (path) => fs.unlinkSync(path),
  lstat: (path) => fs.lstatSync(path, { throwIfNoEntry: false }),
  readFile: (path) => fs.readFileSync(path),
  readdir: (path) => fs.readdirSync(path),
  mkdir: (path) => void fs.mkdirSync(path, { recursive: true }),
  rmdir: (path) => fs.rmdirSync(path),
  realpath: (path) => fs.realpathSync.native(path),
};

let current: FsOps = nodeFs;

/** The operations in use (the real file system unless a test replaced them). */
export function fsOps(): FsOps {
  return current;
}

/** For tests: replace some or all operations; returns a function that puts the previous ones back. */
export function setFsOps(ops: Partial<FsOps>): () => void {
  const previous = current;
  current = { ...previous, ...ops };
  return () => {
    current = previous;
  };
}
