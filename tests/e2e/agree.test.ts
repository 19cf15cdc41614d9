import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { qualwave, repo } from '../helpers/cli.js';

const buddy = join(repo, 'fixtures/buddy-study');
const tmp = () => mkdtempSync(join(tmpdir(), 'qualwave-agree-'));

/** Krippendorff (2011) reliability data as a matrix file (units x observers, empty = missing). */
const KRIPPENDORFF_2011 = ['A,B,C,D', '1,1,,1', '2,2,3,2', '3,3,3,3', '3,3,3,3', '2,2,2,2', '1,2,3,4', '4,4,4,4', '1,1,2,1', '2,2,2,2', ',5,5,5', ',,1,1', ',3,,'].join('\n') + '\n';

describe('qualwave agree on reliability data', () => {
  it('--matrix: the published alpha at every level, JSON with the documented keys', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'k.csv'), KRIPPENDORFF_2011);
    for (const [level, published] of [['nominal', 0.743], ['ordinal', 0.815], ['interval', 0.849], ['ratio', 0.797]] as const) {
      const r = qualwave(['agree', '--matrix', 'k.csv', '--level', level, '--format', 'json', '--resamples', '200'], { cwd: dir });
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      const c = out.rows[0].coefficients;
      expect(c.krippendorffAlpha.value).toBeCloseTo(published, 3);
      for (const key of ['percentAgreement', 'fleissKappa', 'krippendorffAlpha', 'gwetAC1', 'brennanPrediger']) expect(Object.keys(c[key]).sort()).toEqual(expect.arrayContaining(['ciHigh', 'ciLow', 'value']));
      expect(out.coders).toEqual(['A', 'B', 'C', 'D']);
    }
  });

  it('--long gives the same as --matrix', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'k.csv'), KRIPPENDORFF_2011);
    const lines = ['item,rater,score'];
    KRIPPENDORFF_2011.trim().split('\n').slice(1).forEach((row, u) => row.split(',').forEach((v, c) => v && lines.push(`u${u + 1},${'ABCD'[c]},${v}`)));
    writeFileSync(join(dir, 'long.csv'), lines.join('\n') + '\n');
    const long = JSON.parse(qualwave(['agree', '--long', 'long.csv', '--unit', 'item', '--coder', 'rater', '--value', 'score', '--format', 'json', '--resamples', '0'], { cwd: dir }).stdout);
    const wide = JSON.parse(qualwave(['agree', '--matrix', 'k.csv', '--format', 'json', '--resamples', '0'], { cwd: dir }).stdout);
    expect(long.rows[0].coefficients).toEqual(wide.rows[0].coefficients);
  });

  it('treats empty, NA and NaN as missing, never shifting values between coders', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.csv'), 'x,y\n1,1\nNA,2\n2,NaN\n,1\n1,1\n2,2\n');
    writeFileSync(join(dir, 'b.csv'), 'x,y\n1,1\n1,1\n2,2\n');
    const a = JSON.parse(qualwave(['agree', '--matrix', 'a.csv', '--format', 'json', '--resamples', '0'], { cwd: dir }).stdout);
    const b = JSON.parse(qualwave(['agree', '--matrix', 'b.csv', '--format', 'json', '--resamples', '0'], { cwd: dir }).stdout);
    expect(a.rows[0].units).toBe(3);
    expect(a.rows[0].coefficients.cohenKappa.value).toBeCloseTo(b.rows[0].coefficients.cohenKappa.value, 12);
  });

  it('rejects values outside the declared scale with file:line', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.csv'), 'x,y\n1,2\n3,9\n');
    const r = qualwave(['agree', '--matrix', 'a.csv', '--categories', '1,2,3'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("a.csv:3: value '9' is not one of the declared --categories (1, 2, 3)");
  });
});

describe('qualwave agree on a coded study', () => {
  it('per code and pooled, with prevalence, the same bytes for the same seed', () => {
    const a = qualwave(['agree', '--study', buddy, '--format', 'json', '--resamples', '200']);
    expect(a.code).toBe(0);
    const out = JSON.parse(a.stdout);
    expect(out.coders).toEqual(['alice', 'ben']);
    expect(out.rows.map((r: { name: string }) => r.name)).toContain('pooled');
    const respite = out.rows.find((r: { name: string }) => r.name === 'support.respite');
    expect(respite.units).toBe(252);
    expect(respite.prevalence.alice).toBeGreaterThan(0);
    expect(respite.coefficients.cohenKappa.value).toBeGreaterThan(0.9);
    expect(respite.interpretation.kappa).toBe('almost perfect');
    expect(qualwave(['agree', '--study', buddy, '--format', 'json', '--resamples', '200']).stdout).toBe(a.stdout);
    expect(qualwave(['agree', '--study', buddy, '--format', 'json', '--resamples', '200', '--seed', '2']).stdout).not.toBe(a.stdout);
  });

  it('is a CI gate: --min exits 1 below the threshold, 0 above', () => {
    const low = qualwave(['agree', '--study', buddy, '--codes', 'learning.communication', '--min', 'alpha=0.8', '--resamples', '0'], { env: { NO_COLOR: '1' } });
    expect(low.code).toBe(1);
    expect(low.stderr).toMatch(/✗ learning.communication: krippendorffAlpha = 0\.6\d\d < 0\.8/);
    const pooled = qualwave(['agree', '--study', buddy, '--min', 'kappa=0.8', '--pooled', '--resamples', '0']);
    expect(pooled.code).toBe(0);
    expect(qualwave(['agree', '--study', buddy, '--min', 'alfa=0.8']).stderr).toContain('--min alfa=0.8: expected NAME=VALUE');
  });

  it('compares documents and themes, and writes CSV and LaTeX', () => {
    const doc = JSON.parse(qualwave(['agree', '--study', buddy, '--level', 'theme', '--unit', 'document', '--format', 'json', '--resamples', '0']).stdout);
    expect(doc.rows.map((r: { name: string }) => r.name)).toEqual(['support', 'emotions', 'relationship', 'learning', 'pooled']);
    expect(doc.rows[0].units).toBe(36);
    const csv = parse(qualwave(['agree', '--study', buddy, '--format', 'csv', '--resamples', '0']).stdout) as string[][];
    expect(csv[0]).toEqual(expect.arrayContaining(['code', 'units', 'prevalence_alice', 'cohenKappa', 'cohenKappa_ciLow', 'krippendorffAlpha', 'gwetAC1', 'brennanPrediger', 'scottPi']));
    expect(qualwave(['agree', '--study', buddy, '--format', 'latex', '--resamples', '0']).stdout).toContain('\\toprule');
  });

  it('--masi adds a code-set row with alpha over MASI distances', () => {
    const out = JSON.parse(qualwave(['agree', '--study', buddy, '--masi', '--format', 'json', '--resamples', '0']).stdout);
    const row = out.rows.at(-1);
    expect(row.name).toBe('code sets (MASI α)');
    expect(row.units).toBe(252);
    expect(row.coefficients.krippendorffAlpha.value).toBeGreaterThan(row.coefficients.percentAgreement.value - 0.2);
  });

  it('needs two coders, and says which exist', () => {
    const r = qualwave(['agree', '--study', buddy, '--coders', 'alice,bem']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no coder 'bem' (did you mean 'ben'?)");
  });
});

describe('the coders\' meeting: disagreements and reconcile', () => {
  it('lists disagreements for the meeting and reconciles with the decisions filled in', () => {
    const dir = join(tmp(), 'study');
    cpSync(buddy, dir, { recursive: true });
    const md = qualwave(['disagreements', '--format', 'md', '--code', 'support.respite'], { cwd: dir });
    expect(md.stdout).toContain('## support.respite: Respite for parents (1)');
    expect(md.stdout).toMatch(/- alice: (not )?applied/);
    const csv = qualwave(['disagreements', '--format', 'csv'], { cwd: dir }).stdout;
    const rows = parse(csv) as string[][];
    const header = rows[0]!;
    expect(header).toEqual(['code', 'participant', 'wave', 'lines', 'file', 'speaker', 'text', 'alice', 'ben', 'alice_memo', 'ben_memo', 'decision']);
    const open = rows.length - 1;
    // Settle the first disagreement by applying it, the second by rejecting it.
    rows[1]![11] = 'apply';
    rows[2]![11] = 'reject';
    writeFileSync(join(dir, 'decisions.csv'), rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\n') + '\n');
    const r = qualwave(['reconcile', '--decisions', 'decisions.csv', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.decided).toBe(2);
    expect(out.open).toHaveLength(open - 2);
    const consensus = readFileSync(join(dir, 'codings/consensus.tsv'), 'utf8').trim().split('\n');
    expect(consensus.length - 1).toBe(out.agreed + 1);
    expect(qualwave(['validate', '--strict'], { cwd: dir }).code).toBe(0);
    const union = JSON.parse(qualwave(['reconcile', '--rule', 'union', '--format', 'json'], { cwd: dir }).stdout);
    expect(union.open).toEqual([]);
    expect(union.codings).toBe(union.agreed + union.byRule);
  });

  it('reconciles only transcripts every coder coded, keeping the consensus elsewhere', () => {
    const dir = join(tmp(), 'study');
    cpSync(buddy, dir, { recursive: true });
    const before = readFileSync(join(dir, 'codings/consensus.tsv'), 'utf8').trim().split('\n').slice(1);
    qualwave(['code', 'MS07', 'post', '--coder', 'carla', '--apply', 'learning.practice', '--lines', '18'], { cwd: dir });
    const r = qualwave(['reconcile', '--coders', 'alice,carla', '--rule', 'union'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(r.stderr).toMatch(/on the 1 transcript every coder coded .*codings of consensus on other transcripts kept/);
    const after = readFileSync(join(dir, 'codings/consensus.tsv'), 'utf8').trim().split('\n').slice(1);
    expect(after.filter((l) => !l.startsWith('MS07\tpost\t'))).toEqual(before.filter((l) => !l.startsWith('MS07\tpost\t')));
    expect(after.some((l) => l.startsWith('MS07\tpost\t18\tlearning.practice'))).toBe(true);
  });

  it('rejects a decisions file with bad rows, writing nothing', () => {
    const dir = join(tmp(), 'study');
    cpSync(buddy, dir, { recursive: true });
    writeFileSync(join(dir, 'd.csv'), 'code,participant,wave,lines,decision\nsupport.respite,MS02,pre,10,maybe\n');
    const r = qualwave(['reconcile', '--decisions', 'd.csv'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("d.csv:2: error: decision 'maybe' is neither apply nor reject");
  });
});
