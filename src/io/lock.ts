import { hostname } from 'node:os';
import { join } from 'node:path';
import { LockedError, fileErrorFrom, isSystemError } from './errors.js';
import { fsOps } from './fs-ops.js';

/**
 * Locks for read-modify-write: one per coder file (`coder alice`) and one for the whole study
 * (changes to several files, recovery). A lock is a file in `.qualwave/locks/`, created
 * exclusively, holding the owner's process id, host and command. A lock whose process no longer
 * runs (on this host) is stale and taken over safely: one process at a time, through a guard file
 * created exclusively, re-reading the lock before removing it. Locks are taken in a fixed order
 * (study, then coders sorted) so that two commands cannot wait for each other.
 */
export const lockSettings = {
  /** How long to wait for a lock held by another live process before giving up. */
  waitMs: Number(process.env['QUALWAVE_LOCK_WAIT_MS'] ?? 15_000),
};

interface Owner {
  pid: number;
  host: string;
  command: string;
  since: string;
}

const held = new Map<string, { count: number; token: string }>();

/** The study's own folder for locks and the journal: `.qualwave/`, which git ignores (it says so itself). */
export const STATE_DIR = '.qualwave';

export function ensureStateDir(root: string): string {
  const dir = join(root, STATE_DIR);
  if (!fsOps().lstat(dir)) fsOps().mkdir(dir);
  const ignore = join(dir, '.gitignore');
  if (!fsOps().lstat(ignore)) create(ignore, '# qualwave locks and journal: never commit them\n*\n');
  return dir;
}

function lockPath(root: string, name: string): string {
  return join(root, STATE_DIR, 'locks', `${name.replace(/[^\p{L}\p{N}_.-]/gu, '_')}.lock`);
}

/** Whether this process holds the lock `name` (e.g. 'study', 'coder-alice') of the study. */
export function holdsLock(root: string, name: string): boolean {
  return held.has(lockPath(root, name));
}

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readOwner(path: string): { owner?: Owner; text?: string } {
  try {
    const text = fsOps().readFile(path).toString('utf8');
    try {
      return { owner: JSON.parse(text) as Owner, text };
    } catch (e) {
      // Half written (its owner is writing it now) or garbage: a lock without a readable owner.
      if (!(e instanceof SyntaxError)) throw e;
      return { text };
    }
  } catch (e) {
    // Gone meanwhile (released), or unreadable: no owner to tell.
    if (!isSystemError(e)) throw e;
    return {};
  }
}

function create(path: string, body: string): boolean {
  const ops = fsOps();
  let fd: number;
  try {
    fd = ops.open(path, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    const bytes = Buffer.from(body, 'utf8');
    let off = 0;
    while (off < bytes.length) off += ops.write(fd, bytes, off, bytes.length - off);
    ops.fsync(fd);
  } catch (e) {
    ops.close(fd);
    ops.unlink(path);
    throw e;
  }
  ops.close(fd);
  return true;
}

const host = hostname();

/** A lock left by a process that no longer runs on this host, or an unreadable (half-written) one. */
function stale(o: { owner?: Owner; text?: string }): boolean {
  if (!o.owner) return o.text !== undefined && o.text.length === 0;
  return o.owner.host === host && !isAlive(o.owner.pid);
}

/** Remove a stale lock, one process at a time; true when the lock is gone (by us or another). */
function takeOver(path: string, seen: string | undefined): boolean {
  const ops = fsOps();
  const guard = `${path}.takeover`;
  if (!create(guard, JSON.stringify({ pid: process.pid, host }))) {
    // Another process is taking it over; if that process died doing so, clear its guard.
    const g = readOwner(guard);
    if (stale(g) || (g.owner === undefined && g.text === undefined)) {
      try {
        ops.unlink(guard);
      } catch (e) {
        // Someone else cleared it first.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    return false;
  }
  try {
    const again = readOwner(path);
    if (again.text === seen && stale(again)) {
      try {
        ops.unlink(path);
      } catch (e) {
        // Already gone.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
  } finally {
    ops.unlink(guard);
  }
  return true;
}

/**
 * Take the lock `name` of the study at `root` (re-entrant within this process), waiting up to
 * lockSettings.waitMs for another process to release it. `what` names it in messages ("coder
 * alice", "the study"). Returns the function that releases it.
 */
export function acquireLock(root: string, name: string, what: string): () => void {
  const path = lockPath(root, name);
  const mine = held.get(path);
  if (mine) {
    mine.count++;
    return () => release(path);
  }
  try {
    ensureStateDir(root);
    fsOps().mkdir(join(root, STATE_DIR, 'locks'));
  } catch (e) {
    throw fileErrorFrom(e, join(root, STATE_DIR, 'locks'), 'cannot create the lock folder', 'qualwave needs to write in the study folder to change it safely');
  }
  const token = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const body = JSON.stringify({ pid: process.pid, host, command: process.argv.slice(2).join(' ').slice(0, 200), since: new Date().toISOString(), token }) + '\n';
  const start = Date.now();
  let pause = 5;
  for (;;) {
    let ok: boolean;
    try {
      ok = create(path, body);
    } catch (e) {
      throw fileErrorFrom(e, path, 'cannot create the lock', 'qualwave needs to write in the study folder to change it safely');
    }
    if (ok) {
      held.set(path, { count: 1, token });
      return () => release(path);
    }
    const o = readOwner(path);
    if (o.text === undefined) continue; // Released between our attempt and the read.
    if (stale(o)) {
      takeOver(path, o.text);
      continue;
    }
    if (Date.now() - start >= lockSettings.waitMs) {
      const who = o.owner ? `process ${o.owner.pid}${o.owner.host !== host ? ` on ${o.owner.host}` : ''}${o.owner.command ? ` (qualwave ${o.owner.command})` : ''}, since ${o.owner.since}` : 'another process';
      throw new LockedError(path, `${what} is being edited by ${who}`, `wait for it to finish (close that coding session), then run again; if no such process runs, remove ${path}`);
    }
    sleep(pause);
    pause = Math.min(100, pause * 2);
  }
}

function release(path: string): void {
  const mine = held.get(path);
  if (!mine) return;
  if (--mine.count > 0) return;
  held.delete(path);
  const o = readOwner(path);
  if (o.text?.includes(mine.token)) {
    try {
      fsOps().unlink(path);
    } catch (e) {
      // The lock file went away by itself (the folder was removed): nothing to release.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}

/** Hold several locks (in the order given) for `fn`, releasing them after, whatever happens. */
export function withLocks<T>(root: string, locks: ReadonlyArray<readonly [name: string, what: string]>, fn: () => T): T {
  const releases: Array<() => void> = [];
  try {
    for (const [name, what] of locks) releases.push(acquireLock(root, name, what));
    return fn();
  } finally {
    for (const r of releases.reverse()) r();
  }
}

/** Locks held when the process exits (an exception, Ctrl-C) are released. kill -9 leaves them stale. */
process.on('exit', () => {
  for (const path of [...held.keys()]) {
    held.get(path)!.count = 1;
    release(path);
  }
});
