import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { qualwave, type RunResult } from './cli.js';
import { copyStudy } from './copy-study.js';

/**
 * The built CLI run inside the test process (no spawn: fast enough to run a command hundreds of
 * times, e.g. once per injected fault). Imports come from dist/ so that the fault seam set here
 * (dist/src/io/fs-ops.js) is the one the commands use. npm test builds first.
 */
const dist = (p: string) => new URL(`../../dist/src/${p}`, import.meta.url).href;

export async function io(): Promise<{
  setFsOps: (ops: Record<string, unknown>) => () => void;
  nodeFs: Record<string, (...a: never[]) => unknown>;
  lockSettings: { waitMs: number };
  recoverStudy: (root: string) => unknown;
}> {
  const fsOps = await import(dist('io/fs-ops.js'));
  const lock = await import(dist('io/lock.js'));
  const codings = await import(dist('io/codings.js'));
  return { setFsOps: fsOps.setFsOps, nodeFs: fsOps.nodeFs, lockSettings: lock.lockSettings, recoverStudy: codings.recoverStudy };
}

export type InProcResult = RunResult;

/** The whole command line in this process (see cli.ts), with --no-color. */
export async function cli(args: string[]): Promise<InProcResult> {
  return qualwave([...args, '--no-color']);
}

/** Every file under `dir` (relative path → bytes), .qualwave/ left out. */
export function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (name !== '.qualwave') walk(p);
      } else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/**
 * A small study built here (not copied from anywhere): 3 participants, 2 waves, a codebook of
 * 4 codes, two coders, one output. Line numbers of the transcripts: 1 is the interviewer, 2 the
 * participant, and so on.
 */
export function tinyStudy(extra: { outputs?: string } = {}): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'qualwave-safety-')), 'study');
  mkdirSync(join(dir, 'transcripts'), { recursive: true });
  mkdirSync(join(dir, 'codebooks'));
  mkdirSync(join(dir, 'codings'));
  writeFileSync(join(dir, 'qualwave.yaml'), `title: Tiny study\nwaves:\n  - id: pre\n    label: before\n  - id: post\n    label: after\nspeakers:\n  interviewers: [I]\n  participants: [P]\n${extra.outputs ?? 'outputs:\n  - file: tables/themes.md\n    run: matrix --coder alice\n'}`);
  writeFileSync(join(dir, 'participants.csv'), 'id,site\nP1,north\nP2,south\nP3,north\n');
  writeFileSync(join(dir, 'codebooks', 'cb.yaml'), 'title: Tiny\ncodes:\n  - id: care\n    label: Care\n    children:\n      - id: care.time\n        label: Time off\n        keywords: [rest]\n  - id: worry\n    label: Worry\n    children:\n      - id: worry.money\n        label: Money\n');
  const transcript = (p: string, w: string) => ['I: How was it?', `P: ${p} at ${w}: I needed rest, and money was short.`, 'I: And then?', 'P: Then I rested and we worried less.', 'I: Thanks.', 'P: Thank you.', ''].join('\n');
  for (const [p, w] of [
    ['P1', 'pre'],
    ['P1', 'post'],
    ['P2', 'pre'],
    ['P2', 'post'],
    ['P3', 'pre'],
  ])
    writeFileSync(join(dir, 'transcripts', `${p}_${w}.txt`), transcript(p!, w!));
  writeFileSync(join(dir, 'codings', 'alice.tsv'), 'participant\twave\tlines\tcode\texemplar\tmemo\thash\nP1\tpre\t2\tcare.time\t\t\t\nP1\tpost\t4\tworry.money\t\tfirst memo\t\nP2\tpre\t2\tcare.time\tyes\t\t\n');
  writeFileSync(join(dir, 'codings', 'ben.tsv'), 'participant\twave\tlines\tcode\texemplar\tmemo\thash\nP1\tpre\t2\tcare.time\t\t\t\nP2\tpre\t4\tworry.money\t\t\t\n');
  return dir;
}

export function copyOf(dir: string): string {
  const to = join(mkdtempSync(join(tmpdir(), 'qualwave-copy-')), 'study');
  copyStudy(dir, to);
  return to;
}
