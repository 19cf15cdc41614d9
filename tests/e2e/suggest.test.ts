import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { qualwave } from '../helpers/cli.js';
import { interview, PEOPLE, separable } from '../helpers/learn-study.js';
import { writeStudy } from '../helpers/study.js';

/** qualwave suggest through the command line: what it writes (one file), what it refuses, --evaluate. */

/** Every file of the study and its bytes, qualwave's own state folder (locks) aside. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== '.qualwave') walk(path);
      } else out.set(relative(root, path), readFileSync(path, 'latin1'));
    }
  };
  walk(root);
  return out;
}

const study = (opts: Parameters<typeof separable>[0] = { uncoded: ['P5', 'P6'] }): string => writeStudy(separable(opts), { participants: PEOPLE });

describe('qualwave suggest', () => {
  it('writes codings/suggest.tsv and nothing else, byte for byte the same on a second run', async () => {
    const root = study({ uncoded: ['P5', 'P6'], ben: true });
    const before = snapshot(root);
    const r = await qualwave(['suggest', '--study', root, '--coder', 'alice', '--format', 'csv']);
    expect(r.stderr).toContain('wrote 8 suggestions to codings/suggest.tsv');
    expect(r.code).toBe(0);
    const after = snapshot(root);
    const changed = [...after.keys()].filter((f) => before.get(f) !== after.get(f));
    expect(changed).toEqual(['codings/suggest.tsv']);
    expect([...before.keys()].filter((f) => !after.has(f))).toEqual([]);
    const file = after.get('codings/suggest.tsv')!;
    // The garden answers (lines 3 and 7) of P5 and P6 at both waves, each with its score.
    const rows = file.trim().split('\n').slice(1);
    expect(rows.map((l) => l.split('\t').slice(0, 4).join(' ')).sort()).toEqual(['P5 w1 3 t.a', 'P5 w1 7 t.a', 'P5 w2 3 t.a', 'P5 w2 7 t.a', 'P6 w1 3 t.a', 'P6 w1 7 t.a', 'P6 w2 3 t.a', 'P6 w2 7 t.a']);
    for (const l of rows) expect(l.split('\t')[5]).toMatch(/^score [01]\.\d{3} \(learned from alice\)$/);
    // The summary table on stdout: t.a learned from 16 examples, 8 suggested; t.b not learned.
    expect(r.stdout.split('\n')[0]).toBe('code,label,examples,threshold,suggested,note');
    expect(r.stdout).toMatch(/^t\.a,Garden,16,0\.\d{3},8,$/m);
    expect(r.stdout).toContain('t.b,B,0,,,too few examples: 0');
    // Again, in another time zone and locale: the same bytes (replacing its own suggestions).
    const again = await qualwave(['suggest', '--study', root, '--coder', 'alice'], { env: { TZ: 'Pacific/Kiritimati', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' } });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('(replacing 8)');
    expect(readFileSync(join(root, 'codings/suggest.tsv'), 'latin1')).toBe(file);
    // Suggestions are not a human coder: agree compares alice and ben only, and --dry-run writes nothing.
    const agree = await qualwave(['agree', '--study', root, '--format', 'json', '--resamples', '0']);
    expect(JSON.parse(agree.stdout).coders).toEqual(['alice', 'ben']);
    const dry = await qualwave(['suggest', '--study', root, '--coder', 'alice', '--as', 'suggest-dry', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(snapshot(root).has('codings/suggest-dry.tsv')).toBe(false);
  });

  it("refuses to replace a file holding a person's codings, and names outside the suggestion coders", async () => {
    const root = study();
    // Someone coded as "suggest" by hand: a coding without a suggestion's score.
    writeFileSync(join(root, 'codings/suggest.tsv'), 'participant\twave\tlines\tcode\texemplar\tmemo\thash\nP5\tw1\t3\tt.a\t\tmy own call\t\n');
    const before = snapshot(root);
    const r = await qualwave(['suggest', '--study', root, '--coder', 'alice']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('codings/suggest.tsv holds 1 coding that is not a suggestion (first: codings/suggest.tsv:2)');
    expect(r.stderr).toContain('nothing was written');
    const asHuman = await qualwave(['suggest', '--study', root, '--coder', 'alice', '--as', 'alice']);
    expect(asHuman.code).toBe(2);
    expect(asHuman.stderr).toContain("--as alice: suggestions go to a suggestion coder, named 'suggest' or starting with 'suggest-'");
    const fromMachine = await qualwave(['suggest', '--study', root, '--coder', 'suggest']);
    expect(fromMachine.code).toBe(2);
    expect(fromMachine.stderr).toContain('--coder suggest is a machine coder');
    expect(snapshot(root)).toEqual(before);
    // Another suggestion coder is fine.
    const other = await qualwave(['suggest', '--study', root, '--coder', 'alice', '--as', 'suggest-alice']);
    expect(other.code).toBe(0);
    expect([...snapshot(root).keys()].filter((f) => !before.has(f))).toEqual(['codings/suggest-alice.tsv']);
  });

  it('--evaluate writes nothing and reports kappa, F1, the keyword coder and the two humans (values by hand: tests/unit/learn.test.ts)', async () => {
    const root = study({ ben: true });
    const before = snapshot(root);
    const r = await qualwave(['suggest', '--study', root, '--coder', 'alice', '--evaluate', '--folds', '3', '--format', 'json', '--resamples', '200']);
    expect(r.code).toBe(0);
    expect(snapshot(root)).toEqual(before);
    const e = JSON.parse(r.stdout);
    expect(e.method).toBe('participant');
    expect(e.humans).toEqual(['alice', 'ben']);
    const row = e.rows.find((x: { code: string }) => x.code === 't.a');
    expect([row.suggest.kappa.value, row.suggest.f1, row.keywords.kappa.value]).toEqual([1, 1, -1]);
    expect(row.humans.kappa.value).toBeCloseTo(46 / 48, 12);
    const table = await qualwave(['suggest', '--study', root, '--coder', 'alice', '--evaluate', '--by-wave', '--resamples', '0']);
    expect(table.code).toBe(0);
    // Tested on w2 only: ben's extra coding is at w1, so on w2 the humans agree everywhere (kappa 1).
    expect(table.stdout).toMatch(/^t\.a\s+12\s+24\s+1\.00\s+1\.00\s+-1\.00\s+0\.00\s+1\.00\s*$/m);
    expect(table.stderr).toContain('trained on earlier waves, tested on each later one: 6 transcripts, 24 segments tested against alice');
  });

  it('chooses consensus, else the only human coder, else asks', async () => {
    const root = study({ ben: true });
    const r = await qualwave(['suggest', '--study', root, '--evaluate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('several coders (alice, ben) and no consensus coder: choose the coder to learn from with --coder');
  });
});

describe('hints and uncertainty sampling in the coding session (in a terminal)', () => {
  it('shows the suggestions of the segment with their scores; y writes the coder’s own coding', async () => {
    const { Terminal } = await import('../helpers/terminal.js');
    const root = study();
    expect((await qualwave(['suggest', '--study', root, '--coder', 'alice'])).code).toBe(0);
    const suggestions = readFileSync(join(root, 'codings/suggest.tsv'), 'utf8');
    const t = new Terminal(['code', 'P5', 'w1', '--coder', 'alice', '--hints'], root);
    // The first segment (line 3, a garden answer): its hint, with its score, and the key.
    await t.waitFor('(y: apply t.a)');
    t.type('y');
    await t.waitFor('added t.a');
    expect(readFileSync(join(root, 'codings/alice.tsv'), 'utf8')).toContain('P5\tw1\t3\tt.a\t');
    // Applied: the hint is shown as applied and y has nothing more to apply.
    t.type('y');
    await t.waitFor('every hint here is applied');
    t.type('jj');
    await t.waitFor('segment 3/4');
    t.type('y');
    await t.waitFor('no hint for this segment');
    t.type('q');
    expect(await t.exited).toBe(0);
    // The suggestions are not touched; alice has exactly the one coding she accepted in P5.
    expect(readFileSync(join(root, 'codings/suggest.tsv'), 'utf8')).toBe(suggestions);
    expect(
      readFileSync(join(root, 'codings/alice.tsv'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('P5\t')),
    ).toEqual([expect.stringMatching(/^P5\tw1\t3\tt\.a\t/)]);
  });

  it('--order uncertain visits first the answer the models are least sure of', async () => {
    const { Terminal } = await import('../helpers/terminal.js');
    const files = separable({ uncoded: ['P5', 'P6'] });
    // P5 at w2: two plain ticket answers, one plain garden answer, and (line 11) an answer with the words of both.
    files['transcripts/P5_w2.txt'] = interview('P5', ['The train ticket to Hull cost too much.', 'I lost my ticket at the station in Hull.', 'In the garden with roses I found my train ticket to Hull.', 'We planted roses in the garden, my sister and I.']);
    const root = writeStudy(files, { participants: PEOPLE });
    const t = new Terminal(['code', 'P5', 'w2', '--coder', 'alice', '--order', 'uncertain'], root);
    await t.waitFor('segment 1/4 (most uncertain first) · transcripts/P5_w2.txt:11');
    t.type('j');
    await t.waitFor('segment 2/4');
    t.type('q');
    expect(await t.exited).toBe(0);
  });

  it('hints only from a suggestion coder (blind coding)', async () => {
    const root = study({ uncoded: ['P5', 'P6'], ben: true });
    const r = await qualwave(['code', 'P5', 'w1', '--study', root, '--coder', 'alice', '--hints', '--hints-from', 'ben']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--hints-from ben: hints come from a suggestion coder');
  });
});
