import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, statfsSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileError } from '../../src/io/errors.js';
import { cli, copyOf, tinyStudy } from '../helpers/inproc.js';
import { nodeFs, setFsOps, type FsOps } from '../../src/io/fs-ops.js';
import { acquireLock, lockSettings, withLocks } from '../../src/io/lock.js';
import { checkTarget, readOnly, recoverJournal, writeFileAtomic, writeFilesTogether } from '../../src/io/write.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'qualwave-write-'));

describe('writeFileAtomic', () => {
  it('refuses to replace anything but a regular file: a symbolic link, a folder, a device, a FIFO', () => {
    const d = tmp();
    writeFileSync(join(d, 'target.txt'), 'outside\n');
    symlinkSync(join(d, 'target.txt'), join(d, 'link.txt'));
    mkdirSync(join(d, 'folder'));
    spawnSync('mkfifo', [join(d, 'fifo')]);
    for (const [path, kind] of [[join(d, 'link.txt'), 'a symbolic link'], [join(d, 'folder'), 'a folder'], ['/dev/null', 'a device'], ...(existsSync(join(d, 'fifo')) ? [[join(d, 'fifo'), 'a FIFO']] : [])] as const) {
      expect(() => writeFileAtomic(path, 'x', { force: true }), path).toThrow(new RegExp(`it is ${kind}`));
    }
    expect(readFileSync(join(d, 'target.txt'), 'utf8')).toBe('outside\n');
    expect(() => checkTarget(join(d, 'target.txt'))).toThrow(/already exists/);
  });

  it('names the path and says what to do when the folder is missing', () => {
    const d = tmp();
    expect(() => writeFileAtomic(join(d, 'no', 'such', 'x.md'), 'x')).toThrow(/the folder .* does not exist/);
  });

  it('keeps the permissions of the file it replaces', () => {
    const d = tmp();
    writeFileSync(join(d, 'f'), 'old', { mode: 0o640 });
    writeFileAtomic(join(d, 'f'), 'new', { force: true });
    expect(readFileSync(join(d, 'f'), 'utf8')).toBe('new');
    expect(nodeFs.lstat(join(d, 'f'))!.mode & 0o777).toBe(0o640);
  });

  it('a write that returns 0 bytes for ever is a full disk, not a truncated file', () => {
    const d = tmp();
    writeFileSync(join(d, 'f'), 'old content');
    const restore = setFsOps({ write: () => 0 });
    try {
      expect(() => writeFileAtomic(join(d, 'f'), 'new content', { force: true })).toThrow(/the disk is full/);
    } finally {
      restore();
    }
    expect(readFileSync(join(d, 'f'), 'utf8')).toBe('old content');
    expect(readdirSync(d)).toEqual(['f']);
  });

  it('writes nothing while read-only (build --check)', () => {
    const d = tmp();
    readOnly.reason = 'build --check writes nothing';
    try {
      expect(() => writeFileAtomic(join(d, 'f'), 'x')).toThrow(/build --check writes nothing/);
    } finally {
      readOnly.reason = undefined;
    }
    expect(readdirSync(d)).toEqual([]);
  });
});

describe('writeFilesTogether: a crash at any step is finished or undone by the next run', () => {
  // A crash (kill -9, power cut) at operation N: that call and every later one fail, so no
  // clean-up runs either; then the next run recovers with the real file system.
  function crashAt(n: number): () => void {
    let count = 0;
    const dead =
      (name: keyof FsOps) =>
      (...a: unknown[]): never => {
        if (++count >= n) throw Object.assign(new Error('crashed'), { code: 'EIO' });
        return (nodeFs[name] as (...x: unknown[]) => unknown)(...a) as never;
      };
    return setFsOps({ open: dead('open'), write: dead('write'), fsync: dead('fsync'), close: dead('close'), rename: dead('rename'), unlink: dead('unlink'), mkdir: dead('mkdir'), fchmod: dead('fchmod') });
  }
  it('leaves all files old or all new, whichever step dies', () => {
    for (let n = 1; n < 60; n++) {
      const root = tmp();
      mkdirSync(join(root, 'codings'));
      mkdirSync(join(root, 'codebooks'));
      const files = [join(root, 'codings', 'alice.tsv'), join(root, 'codings', 'ben.tsv'), join(root, 'codebooks', 'cb.yaml')];
      files.forEach((f, i) => writeFileSync(f, `old ${i}\n`.repeat(50)));
      const restore = crashAt(n);
      let finished = false;
      try {
        withLocks(root, [['study', 'the study']], () =>
          writeFilesTogether(
            root,
            files.map((f, i) => [f, `new ${i}\n`.repeat(20)] as const),
          ),
        );
        finished = true;
      } catch (e) {
        // Crashed (the injected EIO), nothing else.
        expect((e as Error).message).toMatch(/crashed|EIO|input\/output/i);
      } finally {
        restore();
      }
      // The dead process's lock is stale; the next run recovers.
      rmLocks(root);
      withLocks(root, [['study', 'the study']], () => recoverJournal(root));
      const contents = files.map((f) => readFileSync(f, 'utf8'));
      const allNew = contents.every((c, i) => c === `new ${i}\n`.repeat(20));
      const allOld = contents.every((c, i) => c === `old ${i}\n`.repeat(50));
      expect(allNew || allOld, `crash at step ${n}: ${contents.map((c) => c.slice(0, 5)).join(', ')}`).toBe(true);
      if (finished) expect(allNew).toBe(true);
      const left = [...readdirSync(join(root, 'codings')), ...readdirSync(join(root, 'codebooks'))].filter((x) => x.includes('.qw-'));
      expect(left, `crash at step ${n}`).toEqual([]);
      if (finished && n > 40) break;
    }
  });
});

function rmLocks(root: string): void {
  const d = join(root, '.qualwave', 'locks');
  if (!existsSync(d)) return;
  for (const f of readdirSync(d)) nodeFs.unlink(join(d, f));
}

describe('locks', () => {
  it('names the process holding a coder, and takes over a lock whose process is gone', () => {
    const root = tmp();
    mkdirSync(join(root, '.qualwave', 'locks'), { recursive: true });
    // Process 1 (init) is alive: its lock holds.
    writeFileSync(join(root, '.qualwave', 'locks', 'coder-alice.lock'), JSON.stringify({ pid: 1, host: hostname(), command: 'code P1 pre --coder alice', since: '2026-01-01T00:00:00Z' }));
    const wait = lockSettings.waitMs;
    lockSettings.waitMs = 50;
    try {
      expect(() => acquireLock(root, 'coder-alice', 'coder alice')).toThrow(/coder alice is being edited by process 1 \(qualwave code P1 pre --coder alice\)/);
      // A process that has exited: its lock is stale and taken over.
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      writeFileSync(join(root, '.qualwave', 'locks', 'coder-alice.lock'), JSON.stringify({ pid: Number(gone.stdout), host: hostname(), command: 'code', since: 'then' }));
      const release = acquireLock(root, 'coder-alice', 'coder alice');
      expect(JSON.parse(readFileSync(join(root, '.qualwave', 'locks', 'coder-alice.lock'), 'utf8')).pid).toBe(process.pid);
      release();
      expect(existsSync(join(root, '.qualwave', 'locks', 'coder-alice.lock'))).toBe(false);
      expect(readFileSync(join(root, '.qualwave', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    } finally {
      lockSettings.waitMs = wait;
    }
  });
});

/**
 * A real full disk: a 256 KiB tmpfs (mounting needs root and a machine that allows it; CI may
 * not: then this is skipped, saying so). The fault-injection tests cover the same paths without.
 */
const mountPoint = join(tmpdir(), `qualwave-tmpfs-${process.pid}`);
mkdirSync(mountPoint, { recursive: true });
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountPoint]).status === 0;
if (!mounted) process.stderr.write(`note: cannot mount a tmpfs here (not root, or not allowed): the real full-disk test is skipped\n`);
afterAll(() => {
  if (mounted) spawnSync('umount', [mountPoint]);
  try {
    rmdirSync(mountPoint);
  } catch (e) {
    // Still mounted or not empty: left for the system's tmp clean-up.
    if (!['EBUSY', 'ENOTEMPTY', 'ENOENT'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  }
});

describe.skipIf(!mounted)('on a real, nearly full disk (tmpfs)', () => {
  it('a file that does not fit leaves the old one whole, says the disk is full, and leaves no temporary file', () => {
    const f = join(mountPoint, 'alice.tsv');
    const old = 'participant\twave\tlines\tcode\n' + 'P1\tpre\t2\tcare\n'.repeat(4000);
    writeFileSync(f, old);
    // Fill the rest of the disk.
    try {
      writeFileSync(join(mountPoint, 'filler'), Buffer.alloc(1024 * 1024));
    } catch (e) {
      // ENOSPC: the disk is now full, as wanted.
      expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    let caught: unknown;
    try {
      writeFileAtomic(f, old + 'P2\tpost\t4\tworry\n'.repeat(4000), { force: true });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(FileError);
    expect((caught as FileError).message).toMatch(/alice\.tsv: the disk is full/);
    expect(readFileSync(f, 'utf8')).toBe(old);
    expect(readdirSync(mountPoint).sort()).toEqual(['alice.tsv', 'filler']);
    nodeFs.unlink(join(mountPoint, 'filler'));
    nodeFs.unlink(f);
  });

  it('codings import on a full disk: exit 2 naming the file, the coder file untouched (was: cut short, exit 0)', async () => {
    const study = join(mountPoint, 'study');
    spawnSync('cp', ['-r', copyOf(tinyStudy()), study]);
    const before = readFileSync(join(study, 'codings', 'alice.tsv'));
    // The study was used before (its lock folder exists); then the disk fills up.
    mkdirSync(join(study, '.qualwave', 'locks'), { recursive: true });
    writeFileSync(join(study, '.qualwave', '.gitignore'), '*\n');
    const sheet = join(tmp(), 'sheet.csv');
    const rows: string[] = [];
    for (const p of ['P1', 'P2']) for (const w of ['pre', 'post']) for (const l of [2, 4, 6]) for (const c of ['care', 'care.time', 'worry', 'worry.money']) rows.push(`alice,${p},${w},${l},${l},${c},memo ${'x'.repeat(3000)}`);
    writeFileSync(sheet, 'coder,participant,wave,start_line,end_line,code,memo\n' + rows.join('\n') + '\n');
    // Nearly full: room for the lock files and the study index's packs (a page each), not for the coder's new file (some 145 kB).
    const free = statfsSync(mountPoint).bavail * statfsSync(mountPoint).bsize;
    writeFileSync(join(mountPoint, 'filler'), Buffer.alloc(Math.max(0, free - 64 * 1024)));
    const r = await cli(['codings', 'import', sheet, '--study', study]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/alice\.tsv: the disk is full/);
    expect(r.stderr).not.toMatch(/imported/);
    expect(readFileSync(join(study, 'codings', 'alice.tsv')).equals(before)).toBe(true);
  });
});
