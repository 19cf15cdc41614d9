import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, copyOf, io, snapshot, tinyStudy } from '../helpers/inproc.js';

/**
 * Fault injection through the writer's seam (fs-ops.ts), for every command that writes: each
 * operation that changes the disk (open, write, fsync, rename, unlink, mkdir...) is made to fail
 * in turn with ENOSPC, EIO or EACCES, and again with writes that write only part of what they
 * are given. Whatever step fails, every file that existed before holds exactly its old content
 * or exactly its new one (never a part of either, never gone), the command says which file and
 * exits 2, no temporary file is left, and a change to several files is all or nothing once the
 * next run has finished or undone it.
 */
const MUTATING = ['open', 'write', 'fsync', 'fchmod', 'close', 'rename', 'unlink', 'mkdir'] as const;
const CODES = ['ENOSPC', 'EIO', 'EACCES'] as const;

let base: string;
let outside: string;
let seam: Awaited<ReturnType<typeof io>>;

beforeAll(async () => {
  seam = await io();
  base = tinyStudy();
  writeFileSync(join(base, 'tables-old.md'), 'an old output\n');
  mkdirSync(join(base, 'tables'));
  writeFileSync(join(base, 'tables', 'themes.md'), 'a stale table\n');
  writeFileSync(join(base, 'codings', 'consensus.tsv'), 'participant\twave\tlines\tcode\texemplar\tmemo\thash\nP1\tpre\t4\tworry.money\t\t\t\n');
  outside = mkdtempSync(join(tmpdir(), 'qualwave-faults-in-'));
  writeFileSync(join(outside, 'codings.csv'), 'coder,participant,wave,start_line,end_line,code,memo\nalice,P2,post,2,2,care.time,from a sheet\ncarol,P3,pre,4,4,worry.money,\n');
  writeFileSync(join(outside, 'P3 post.txt'), 'Interviewer  0:00\r\nHow was it?\r\n\r\nP3  0:04\r\nFine.\r\n');
  // A pseudonymisation key (outside the study): names in the transcripts and a memo.
  writeFileSync(join(outside, 'key.csv'), 'name,pseudonym\nThanks,Cheers\nThen,Later\nfirst,initial\n', { mode: 0o600 });
  writeFileSync(join(outside, 'book.qdc'), '<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="6b0f4d8e-0000-4000-8000-000000000001" name="Imported code" isCodable="true"/></Codes></CodeBook>');
  const exported = copyOf(base);
  const r = await cli(['export', '--study', exported, '-o', join(outside, 'project.qdpx')]);
  expect(r.code, r.stderr).toBe(0);
  writeFileSync(join(base, 'codebooks', 'book.yaml'), 'title: Old import\ncodes:\n  - id: old\n    label: Old\n');
}, 60_000);

type Cmd = { name: string; args: (dir: string) => string[]; multi?: boolean };
const commands: Cmd[] = [
  { name: 'code --apply', args: (d) => ['code', 'P1', 'pre', '--coder', 'alice', '--apply', 'worry.money', '--lines', '4', '--memo', 'a memo', '--study', d] },
  { name: 'code --remove', args: (d) => ['code', 'P1', 'pre', '--coder', 'alice', '--remove', 'care.time', '--lines', '2', '--study', d] },
  { name: 'autocode --force (replaces a coder)', args: (d) => ['autocode', '--coder', 'alice', '--force', '--study', d] },
  { name: 'codebook rename (codebook and codings together)', args: (d) => ['codebook', 'rename', 'care.time', 'care.rest', '--study', d], multi: true },
  { name: 'codebook merge', args: (d) => ['codebook', 'merge', 'worry.money', '--into', 'worry', '--study', d], multi: true },
  { name: 'codings import (several coders)', args: (d) => ['codings', 'import', join(outside, 'codings.csv'), '--study', d], multi: true },
  // The consensus is replaced (--force: reconcile keeps an existing consensus otherwise) and its finished transcripts written with it.
  { name: 'reconcile --force', args: (d) => ['reconcile', '--rule', 'union', '--force', '--study', d], multi: true },
  { name: 'build', args: (d) => ['build', '--study', d], multi: true },
  { name: 'import --merge', args: (d) => ['import', join(outside, 'project.qdpx'), '--merge', '--into', d], multi: true },
  { name: 'import .qdc --force', args: (d) => ['import', join(outside, 'book.qdc'), '--study', d, '--force'] },
  { name: 'add (a raw transcript, front matter written)', args: (d) => ['add', join(outside, 'P3 post.txt'), '--participant', 'P3', '--wave', 'post', '--study', d] },
  { name: 'pseudonymise (transcripts, codings, record together)', args: (d) => ['pseudonymise', '--key', join(outside, 'key.csv'), '--study', d], multi: true },
  { name: '-o FILE --force', args: (d) => ['matrix', '--coder', 'alice', '--format', 'md', '-o', join(d, 'tables-old.md'), '--force', '--study', d] },
];

function temps(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.qw-\d+-[0-9a-f]{8}\.tmp$/.test(n)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function faulty(at: number, code: string, short: boolean): { ops: Record<string, unknown>; count: () => number } {
  let n = 0;
  const ops: Record<string, unknown> = {};
  for (const name of MUTATING) {
    const real = seam.nodeFs[name] as (...a: unknown[]) => unknown;
    ops[name] = (...a: unknown[]) => {
      n++;
      if (n === at) throw Object.assign(new Error(`${code}: injected by the test`), { code });
      if (short && name === 'write') {
        const [fd, buf, off, len] = a as [number, Uint8Array, number, number];
        return real(fd, buf, off, Math.max(1, Math.floor(len / 3)));
      }
      return real(...a);
    };
  }
  return { ops, count: () => n };
}

async function runWith(_dir: string, args: string[], at: number, code: string, short = false) {
  const f = faulty(at, code, short);
  const restore = seam.setFsOps(f.ops);
  try {
    return { ...(await cli(args)), ops: f.count() };
  } finally {
    restore();
  }
}

describe('no pre-existing file is ever shortened or lost, whatever write fails (every writing command)', () => {
  for (const cmd of commands) {
    it(cmd.name, async () => {
      const dir0 = copyOf(base);
      const before = snapshot(dir0);
      const clean = await runWith(dir0, cmd.args(dir0), 0, 'none');
      expect(clean.code, clean.stderr).toBe(0);
      const after = snapshot(dir0);
      const changed = [...before.keys()].filter((f) => !after.get(f)?.equals(before.get(f)!));
      const created = [...after.keys()].filter((f) => !before.has(f));
      expect(changed.length + created.length, `${cmd.name} changed nothing`).toBeGreaterThan(0);
      // Writes that write only part of what they are given: the result is the same.
      const dirShort = copyOf(base);
      const short = await runWith(dirShort, cmd.args(dirShort), 0, 'none', true);
      expect(short.code, short.stderr).toBe(0);
      const shortAfter = snapshot(dirShort);
      for (const [f, bytes] of after) expect(shortAfter.get(f)?.equals(bytes), f).toBe(true);

      for (let at = 1; at <= clean.ops; at++) {
        const dir = copyOf(base);
        const code = CODES[at % CODES.length]!;
        const r = await runWith(dir, cmd.args(dir), at, code);
        const now = snapshot(dir);
        for (const [f, old] of before) {
          const cur = now.get(f);
          expect(cur, `${cmd.name}, ${code} at step ${at}: ${f} was lost`).toBeDefined();
          const ok = cur!.equals(old) || cur!.equals(after.get(f) ?? old);
          expect(ok, `${cmd.name}, ${code} at step ${at}: ${f} is neither its old nor its new content (${cur!.length} bytes)`).toBe(true);
        }
        // A file the command creates is there whole or not at all.
        for (const f of created) {
          const cur = now.get(f);
          if (cur !== undefined) expect(cur.equals(after.get(f)!), `${cmd.name}, ${code} at step ${at}: new ${f} is partial (${cur.length} bytes)`).toBe(true);
        }
        if (r.code !== 0) {
          expect(r.code, `${cmd.name}, step ${at}: ${r.stderr}`).toBe(2);
          expect(r.stderr).not.toMatch(/unexpected error|please report/);
          expect(r.stderr).toMatch(/qualwave: |error:/);
        }
        // The next run finishes or undoes an interrupted change; then it is all or nothing.
        seam.recoverStudy(dir);
        expect(existsSync(join(dir, '.qualwave', 'journal.json')), `step ${at}: journal left`).toBe(false);
        expect(temps(dir), `${cmd.name}, step ${at}: temporary files left`).toEqual([]);
        const healed = snapshot(dir);
        if (cmd.multi) {
          const news = changed.filter((f) => healed.get(f)!.equals(after.get(f)!)).length;
          expect([0, changed.length], `${cmd.name}, ${code} at step ${at}: ${news} of ${changed.length} files changed`).toContain(news);
        }
      }
      // One run per write step (pseudonymise: ~140 of them): beyond the default 30 s on a loaded machine.
    }, 120_000);
  }
});
