import { EXIT, QualwaveError } from '../core/errors.js';

/**
 * Problems with files that the user can act on (permission denied, disk full, a folder where a
 * file should be, a lock held by another process...): a message naming the path and a hint. The
 * command line prints them without "please report" and exits 2.
 */
export class FileError extends QualwaveError {
  constructor(
    readonly path: string,
    message: string,
    hint?: string,
    readonly code?: string,
  ) {
    super(message, EXIT.badInput, hint);
  }
}

/** The study is locked by another process (a coder's file, or the whole study). */
export class LockedError extends FileError {}

/** A file qualwave must rewrite has rows it cannot read: nothing is written, the rows are named. */
export class UnreadableRowsError extends FileError {
  constructor(
    path: string,
    message: string,
    readonly diagnostics: ReadonlyArray<{ file: string; line?: number; message: string; hint?: string }>,
  ) {
    super(path, message, 'fix or delete those rows by hand (qualwave validate lists them), then run the command again; nothing was written');
  }
}

const WHAT: Record<string, [string, string]> = {
  ENOSPC: ['the disk is full', 'free some space (or write to another disk) and run the command again'],
  EDQUOT: ['the disk quota is exceeded', 'free some space within your quota and run the command again'],
  EACCES: ['permission denied', 'check the permissions of the file and its folder (ls -l), or write somewhere you may'],
  EPERM: ['operation not permitted', 'check the permissions of the file and its folder (ls -l), or write somewhere you may'],
  EROFS: ['the file system is read-only', 'write to a writable disk or folder'],
  EIO: ['input/output error (the disk or network share failed)', 'check the disk or the connection to the share, then run the command again'],
  EISDIR: ['is a folder, not a file', 'give the path of a file'],
  ENOTDIR: ['a part of the path is not a folder', 'check the path'],
  ENOENT: ['no such file or folder', 'check the path (create the folder first if needed)'],
  EEXIST: ['already exists', 'choose another name, or remove it first'],
  ENAMETOOLONG: ['the name is too long', 'choose a shorter path'],
  EMFILE: ['too many open files', 'close other programs and run the command again'],
  ENFILE: ['too many open files on the system', 'close other programs and run the command again'],
  EBUSY: ['the file is busy (open in another program?)', 'close it in the other program and run the command again'],
  ETXTBSY: ['the file is busy', 'close it in the other program and run the command again'],
  EXDEV: ['cannot move the file across disks', 'write to a folder on the same disk'],
  ELOOP: ['too many symbolic links', 'check the path for a link that points to itself'],
};

/** Whether an error came from the operating system (it has an errno code such as ENOSPC). */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((e as NodeJS.ErrnoException).code!);
}

/**
 * A system error as a FileError naming `shown` (the path as the user knows it). `doing` says what
 * qualwave was doing: "cannot write", "cannot read".
 */
export function fileErrorFrom(e: unknown, shown: string, doing: string, extraHint?: string): Error {
  if (e instanceof FileError) return e;
  // Anything else than the operating system's refusal is a bug: it stays what it is (exit 70).
  if (!isSystemError(e)) return e instanceof Error ? e : new Error(String(e));
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const known = WHAT[code];
  const message = known ? `${doing} ${shown}: ${known[0]}` : `${doing} ${shown}: ${(e as Error).message}`;
  const hint = [known?.[1], extraHint].filter(Boolean).join('; ') || undefined;
  return new FileError(shown, message, hint, code || undefined);
}
