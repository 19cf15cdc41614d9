import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { qualwave, repo } from '../helpers/cli.js';
import { copyStudy } from '../helpers/copy-study.js';

/**
 * Longitudinal tables on the buddy study, checked against values worked out here by hand from the
 * raw files: the consensus coder's TSV rows and the transcript file names (who was interviewed).
 */
const buddy = join(repo, 'fixtures/buddy-study');
const waves = ['pre', '4-month', 'post'];
const interviewed = new Map(waves.map((w) => [w, new Set<string>()]));
for (const f of readdirSync(join(buddy, 'transcripts'))) {
  const m = /^(MS\d+)_(.+)\.txt$/.exec(f)!;
  interviewed.get(m[2]!)!.add(m[1]!);
}
const rows = readFileSync(join(buddy, 'codings/consensus.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split('\t'));
/** Participants with the code (exactly) at the wave. */
const has = (code: string, wave: string): Set<string> => new Set(rows.filter((r) => r[1] === wave && r[3] === code).map((r) => r[0]!));
/** Participants with the theme, or any of its sub-codes (ids theme.sub), at the wave. */
const hasTheme = (theme: string, wave: string): Set<string> => new Set(rows.filter((r) => r[1] === wave && r[3]!.split('.')[0] === theme).map((r) => r[0]!));
/** What a row of a --rows code table counts: a theme row (an id without a dot here) counts its sub-codes too. */
const hasRow = (id: string, wave: string): Set<string> => (id.includes('.') ? has(id, wave) : hasTheme(id, wave));
const json = async (args: string[]) => JSON.parse((await qualwave([...args, '--study', buddy, '--format', 'json'])).stdout);

describe('qualwave matrix', () => {
  it('counts participants per theme and wave over the interviewed, 15 / 13 / 8', async () => {
    const m = await json(['matrix', '--rows', 'code']);
    expect(m.columns.map((c: { wave: string; interviewed: number }) => [c.wave, c.interviewed])).toEqual([
      ['pre', 15],
      ['4-month', 13],
      ['post', 8],
    ]);
    for (const row of m.rows) {
      expect(row.level).toBe(row.id.includes('.') ? 'sub-code' : 'theme');
      row.cells.forEach((cell: { participants: number; percent: number; ids: string[] }, i: number) => {
        const expected = hasRow(row.id, waves[i]!);
        expect(cell.ids.sort()).toEqual([...expected].sort());
        expect(cell.participants).toBe(expected.size);
        expect(cell.percent).toBe(Math.round((100 * expected.size) / interviewed.get(waves[i]!)!.size));
      });
    }
    // Spot checks worked by hand: learning.practice at post is 3 of 8 interviewed = 38%.
    const practice = m.rows.find((r: { id: string }) => r.id === 'learning.practice');
    expect(practice.cells.map((c: { participants: number }) => c.participants)).toEqual([...waves.map((w) => has('learning.practice', w).size)]);
    // A theme row adds up its sub-codes: learning is coded alone for nobody, yet 14 of 15 have it at
    // pre (MS02 has no learning code there), 12 of 13 at 4-month (MS04 has none), 8 of 8 at post.
    const learning = m.rows.find((r: { id: string }) => r.id === 'learning');
    expect(waves.map((w) => has('learning', w).size)).toEqual([0, 0, 0]);
    expect(learning.cells.map((c: { participants: number }) => c.participants)).toEqual([14, 12, 8]);
  });

  it('theme and sub-code rows differ in every format: level column in CSV, bold in Markdown, LaTeX and HTML', async () => {
    const csv = (await qualwave(['matrix', '--rows', 'code', '--study', buddy, '--format', 'csv'])).stdout.split('\n');
    expect(csv[0]).toBe('code,level,pre (n=15) n,pre (n=15) %,4-month (n=13) n,4-month (n=13) %,post (n=8) n,post (n=8) %');
    expect(csv[1]).toBe('support,theme,15,100,13,100,8,100');
    expect(csv[2]).toBe('support.companionship,sub-code,13,87,9,69,7,88');
    const md = (await qualwave(['matrix', '--rows', 'code', '--study', buddy, '--format', 'md'])).stdout;
    expect(md).toContain('| **Learning and professional growth** | 14 (93%) | 12 (92%) | 8 (100%) |');
    // Sub-codes are indented with no-break spaces (Markdown would drop ordinary ones).
    expect(md).toContain('| \u00a0\u00a0Future practice | 3 (20%) | 3 (23%) | 8 (100%) |');
    expect((await qualwave(['matrix', '--rows', 'code', '--study', buddy, '--format', 'latex'])).stdout).toContain('\\textbf{Learning and professional growth} & 14 (93\\%)');
    expect((await qualwave(['matrix', '--rows', 'code', '--study', buddy, '--format', 'html'])).stdout).toContain('<td><strong>Learning and professional growth</strong></td>');
  });

  it('a theme counts its sub-codes', async () => {
    const m = await json(['matrix']);
    const learning = m.rows.find((r: { id: string }) => r.id === 'learning');
    expect(learning.cells.map((c: { participants: number }) => c.participants)).toEqual(waves.map((w) => hasTheme('learning', w).size));
    expect(hasTheme('learning', 'post').size).toBeGreaterThan(has('learning', 'post').size);
  });

  it("splits columns by an attribute, with each group's own denominator", async () => {
    const m = await json(['matrix', '--by', 'gender']);
    const people = readFileSync(join(buddy, 'participants.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const gender = new Map(people.map((p) => [p[0]!, p[2]!]));
    for (const c of m.columns) expect(c.interviewed).toBe([...interviewed.get(c.wave)!].filter((p) => gender.get(p) === c.group).length);
    expect(m.columns.map((c: { wave: string; group: string }) => `${c.wave}/${c.group}`)).toEqual(['pre/F', 'pre/M', '4-month/F', '4-month/M', 'post/F', 'post/M']);
  });

  it('writes a manuscript table in every format, the same bytes each time', async () => {
    for (const format of ['table', 'md', 'latex', 'html', 'csv', 'tsv', 'json']) {
      const a = await qualwave(['matrix', '--study', buddy, '--format', format, '--caption', 'Themes & waves <1>', '--label', 'tab:themes']);
      expect(a.code).toBe(0);
      expect((await qualwave(['matrix', '--study', buddy, '--format', format, '--caption', 'Themes & waves <1>', '--label', 'tab:themes'])).stdout).toBe(a.stdout);
    }
    const tex = (await qualwave(['matrix', '--study', buddy, '--format', 'latex', '--caption', 'Themes & waves', '--label', 'tab:themes'])).stdout;
    expect(tex).toContain('\\caption{Themes \\& waves}');
    expect(tex).toContain('\\label{tab:themes}');
    expect(tex).toContain('Learning and professional growth & 14 (93\\%) & 12 (92\\%) & 8 (100\\%) \\\\');
    expect((await qualwave(['matrix', '--study', buddy, '--format', 'html', '--caption', 'a <b>'])).stdout).toContain('<caption>a &lt;b&gt;</caption>');
  });

  it('--output picks the format from the extension', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qualwave-matrix-'));
    expect((await qualwave(['matrix', '--study', buddy, '-o', join(dir, 'm.csv')])).code).toBe(0);
    expect(readFileSync(join(dir, 'm.csv'), 'utf8').split('\n')[0]).toBe('theme,level,pre (n=15) n,pre (n=15) %,4-month (n=13) n,4-month (n=13) %,post (n=8) n,post (n=8) %');
  });
});

describe('qualwave trajectories', () => {
  it('persisted / emerged / faded / absent among participants interviewed at both waves', async () => {
    const t = await json(['trajectories', '--rows', 'code']);
    for (const row of t.rows) {
      for (const x of row.transitions) {
        const both = [...interviewed.get(x.from)!].filter((p) => interviewed.get(x.to)!.has(p));
        const a = hasRow(row.id, x.from);
        const b = hasRow(row.id, x.to);
        expect(x.both).toBe(both.length);
        expect(x.persisted.sort()).toEqual(both.filter((p) => a.has(p) && b.has(p)).sort());
        expect(x.emerged.sort()).toEqual(both.filter((p) => !a.has(p) && b.has(p)).sort());
        expect(x.faded.sort()).toEqual(both.filter((p) => a.has(p) && !b.has(p)).sort());
      }
    }
    // MS05 was interviewed only at pre: '.' afterwards.
    const pattern = t.rows[0].patterns.find((p: { participant: string }) => p.participant === 'MS05').pattern;
    expect(pattern).toMatch(/^[+-] \. \.$/);
  });
});

describe('qualwave saturation', () => {
  it('new codes per interview in date order, cumulating to every code used', async () => {
    const s = await json(['saturation']);
    const dates = new Map<string, string>();
    for (const f of readdirSync(join(buddy, 'transcripts'))) dates.set(f.replace('.txt', ''), /date: (\S+)/.exec(readFileSync(join(buddy, 'transcripts', f), 'utf8'))![1]!);
    const order = [...dates].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map(([k]) => k);
    expect(s.steps.map((x: { participant: string; wave: string }) => `${x.participant}_${x.wave}`)).toEqual(order);
    const seen = new Set<string>();
    s.steps.forEach((x: { participant: string; wave: string; newCodes: string[]; cumulative: number }) => {
      const used = new Set(rows.filter((r) => r[0] === x.participant && r[1] === x.wave).map((r) => r[3]!));
      const fresh = [...used].filter((c) => !seen.has(c));
      fresh.forEach((c) => seen.add(c));
      expect(x.newCodes.sort()).toEqual(fresh.sort());
      expect(x.cumulative).toBe(seen.size);
    });
  });
});

describe('qualwave framework and cooccurrence', () => {
  it('framework cells list the coded passages per participant, wave and theme', async () => {
    const f = await json(['framework', '--wave', 'post']);
    expect(f.rows).toHaveLength(8);
    const ms07 = f.rows.find((r: { participant: string }) => r.participant === 'MS07');
    const learning = f.themes.findIndex((t: { id: string }) => t.id === 'learning');
    const lines = rows.filter((r) => r[0] === 'MS07' && r[1] === 'post' && r[3]!.startsWith('learning')).map((r) => Number(r[2]));
    expect(ms07.cells[learning].map((x: { startLine: number }) => x.startLine)).toEqual([...new Set(lines)].sort((a, b) => a - b));
  });

  it('co-occurrence: the diagonal counts coded segments; off-diagonal both', async () => {
    const c = await json(['cooccurrence']);
    const i = c.codes.findIndex((x: { id: string }) => x.id === 'support.respite');
    const segs = new Set(rows.filter((r) => r[3] === 'support.respite').map((r) => `${r[0]}/${r[1]}/${r[2]}`));
    expect(c.counts[i][i]).toBe(segs.size);
    expect(c.counts).toEqual(c.counts.map((row: number[], a: number) => row.map((_: number, b: number) => c.counts[b][a])));
  });
});

describe('qualwave build', () => {
  it('the committed tables of the buddy study are up to date (build --check)', async () => {
    const r = await qualwave(['build', '--check', buddy]);
    expect(r.stderr).toContain('all 21 outputs up to date');
    expect(r.code).toBe(0);
  });

  it('rewrites only what changed, and --check fails when an output is stale', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'qualwave-build-')), 'study');
    copyStudy(buddy, dir);
    writeFileSync(join(dir, 'tables/saturation.csv'), 'stale\n');
    const check = await qualwave(['build', '--check'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('stale     tables/saturation.csv');
    expect(readFileSync(join(dir, 'tables/saturation.csv'), 'utf8')).toBe('stale\n');
    const build = await qualwave(['build'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(build.stderr).toContain('updated   tables/saturation.csv');
    expect(build.stderr).toContain('1 output written, 20 unchanged');
    expect(readFileSync(join(dir, 'tables/saturation.csv'), 'utf8')).toBe(readFileSync(join(buddy, 'tables/saturation.csv'), 'utf8'));
  });

  it('reports a bad output line against qualwave.yaml and writes nothing', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'qualwave-build-')), 'study');
    copyStudy(buddy, dir);
    writeFileSync(join(dir, 'qualwave.yaml'), readFileSync(join(dir, 'qualwave.yaml'), 'utf8').replace('run: saturation', 'run: saturation --bogus'));
    writeFileSync(join(dir, 'tables/agreement.md'), 'old\n');
    const r = await qualwave(['build'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/qualwave.yaml:\d+: error: output tables\/saturation.csv \('saturation --bogus'\): error: unknown option '--bogus'/);
    expect(readFileSync(join(dir, 'tables/agreement.md'), 'utf8')).toBe('old\n');
  });
});

describe('CSV safety', () => {
  it('neutralises cells a spreadsheet would run as formulas, unless --csv-raw', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'qualwave-csv-')), 'study');
    copyStudy(buddy, dir);
    writeFileSync(join(dir, 'codebooks/buddy.yaml'), readFileSync(join(dir, 'codebooks/buddy.yaml'), 'utf8').replace('label: Supporting the buddy and the family', 'label: "=HYPERLINK(\\"x\\")"'));
    const safe = (await qualwave(['matrix', '--format', 'csv'], { cwd: dir })).stdout;
    expect(safe).toContain('support,');
    const md = (await qualwave(['codebook', 'show', '--format', 'csv'], { cwd: dir })).stdout;
    expect(md).toContain(`"'=HYPERLINK(""x"")"`);
    expect((await qualwave(['codebook', 'show', '--format', 'csv', '--csv-raw'], { cwd: dir })).stdout).toContain('"=HYPERLINK(""x"")"');
  });
});
