import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCodingsFile } from '../../src/core/coding/store.js';
import { cli, tinyStudy } from '../helpers/inproc.js';
import { Terminal } from '../helpers/terminal.js';

const loop = fileURLToPath(new URL('../helpers/apply-loop.mjs', import.meta.url));

function codingsOf(dir: string, coder: string): string[] {
  const f = join(dir, 'codings', `${coder}.tsv`);
  const parsed = parseCodingsFile(f, readFileSync(f, 'utf8'), coder);
  expect(parsed.diagnostics).toEqual([]);
  return parsed.codings.map((c) => `${c.participant} ${c.wave} ${c.startLine} ${c.code}`).sort();
}

function run(study: string, jobs: unknown[]): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [loop, study, JSON.stringify(jobs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as number[]) : reject(new Error(`exit ${code}`))));
  });
}

describe('two processes editing the same coder at once', () => {
  it('two loops of code --apply for alice, at the same time: every coding is kept (the count is exact)', async () => {
    const dir = tinyStudy();
    const before = codingsOf(dir, 'alice');
    // 70 new codings: each (document, line, code) once, none of them already there.
    const jobs: Array<[string, string, number, string]> = [];
    for (const [p, w] of [
      ['P1', 'pre'],
      ['P1', 'post'],
      ['P2', 'pre'],
      ['P2', 'post'],
      ['P3', 'pre'],
    ] as const)
      for (const line of [1, 2, 3, 4, 5, 6]) for (const code of ['care', 'care.time', 'worry', 'worry.money']) if (!before.includes(`${p} ${w} ${line} ${code}`)) jobs.push([p, w, line, code]);
    const mine = jobs.slice(0, 70);
    const [a, b] = await Promise.all([
      run(
        dir,
        mine.filter((_, i) => i % 2 === 0),
      ),
      run(
        dir,
        mine.filter((_, i) => i % 2 === 1),
      ),
    ]);
    expect([...a, ...b].every((c) => c === 0)).toBe(true);
    const after = codingsOf(dir, 'alice');
    expect(after.length).toBe(before.length + 70);
    for (const [p, w, line, code] of mine) expect(after).toContain(`${p} ${w} ${line} ${code}`);
  }, 60_000);
});

describe('a coding session beside edits from another terminal', () => {
  it('keeps codings added meanwhile and a codebook rename, and undo takes back only its own change', async () => {
    const dir = tinyStudy();
    const t = new Terminal(['code', 'P1', 'pre', '--coder', 'dana', '--new-coder'], dir);
    await t.waitFor('segment 1/3');
    const other = async (...args: string[]) => expect((await cli([...args, '--study', dir])).code).toBe(0);
    for (const round of [1, 2, 3]) {
      // Another terminal: a coding on the session's own transcript, and one on another.
      await other('code', 'P1', 'pre', '--coder', 'dana', '--apply', 'worry', '--lines', String(2 * round));
      await other('code', 'P2', 'post', '--coder', 'dana', '--apply', round === 1 ? 'worry.money' : 'care', '--lines', String(2 * round));
      if (round === 2) await other('codebook', 'rename', 'worry.money', 'worry.cash');
      // The session adds code 1 (care) on its current segment, then moves on.
      t.type('1\r');
      await t.waitFor('added care');
      if (round < 3) {
        t.type('j');
        await t.waitFor(`segment ${round + 1}/3`);
      }
    }
    const after = codingsOf(dir, 'dana');
    expect(after).toEqual(
      [
        'P1 pre 2 worry',
        'P1 pre 4 worry',
        'P1 pre 6 worry',
        'P2 post 2 worry.cash',
        'P2 post 4 care',
        'P2 post 6 care', // the other terminal (renamed)
        'P1 pre 2 care',
        'P1 pre 4 care',
        'P1 pre 6 care', // the session
      ].sort(),
    );
    expect(codingsOf(dir, 'alice')).toContain('P1 post 4 worry.cash');
    // Undo in the session: its last change only (the other terminal's codings stay).
    t.type('u');
    await t.waitFor('undone');
    expect(codingsOf(dir, 'dana')).toEqual(after.filter((c) => c !== 'P1 pre 6 care'));
    t.type('q');
    expect(await t.exited).toBe(0);
  }, 60_000);
});
