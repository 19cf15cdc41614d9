import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { qualwave, repo } from '../helpers/cli.js';
import { DISTRIB_6RATERS, KRIPPENDORFF_2011_CSV } from '../helpers/published-data.js';
import { answerLine, codingsTsv, transcript, writeStudy } from '../helpers/study.js';
import { copyStudy } from '../helpers/copy-study.js';

const buddy = join(repo, 'fixtures/buddy-study');
const tmp = () => mkdtempSync(join(tmpdir(), 'qualwave-agree-'));

/** Krippendorff (2011) reliability data as a matrix file (units x observers, empty = missing). */
const KRIPPENDORFF_2011 = KRIPPENDORFF_2011_CSV;

describe('qualwave agree on reliability data', () => {
  it('--matrix: the published alpha at every level, JSON with the documented keys', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'k.csv'), KRIPPENDORFF_2011);
    for (const [level, published] of [
      ['nominal', 0.743],
      ['ordinal', 0.815],
      ['interval', 0.849],
      ['ratio', 0.797],
    ] as const) {
      const r = await qualwave(['agree', '--matrix', 'k.csv', '--level', level, '--format', 'json', '--resamples', '200'], { cwd: dir });
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      const c = out.rows[0].coefficients;
      expect(c.krippendorffAlpha.value).toBeCloseTo(published, 3);
      expect(c.krippendorffAlpha.pairableValues).toBe(40);
      for (const key of ['percentAgreement', 'fleissKappa', 'congerKappa', 'krippendorffAlpha', 'gwetAC1', 'brennanPrediger']) expect(Object.keys(c[key])).toEqual(expect.arrayContaining(['value', 'ciLow', 'ciHigh', 'undefinedResamples', 'se', 'seLow', 'seHigh', 'df']));
      expect(Object.keys(c.fleissKappa)).toEqual(expect.arrayContaining(['observedAgreement', 'chanceAgreement']));
      // Fleiss, Nee & Landis' null SE needs the same number of values in every unit: not here.
      expect(c.fleissKappa.z).toBeUndefined();
      expect(out.coders).toEqual(['A', 'B', 'C', 'D']);
      expect(out.interval).toBe('bca');
      // 11 units: every interval is marked.
      expect(c.krippendorffAlpha.warnings).toContain('only 11 sampling units: intervals are unreliable below 30');
    }
    expect((await qualwave(['agree', '--matrix', 'k.csv', '--resamples', '0'], { cwd: dir })).stderr).toContain('1 unit with a single value is not compared: no coefficient uses it');
  });

  it('--long gives the same as --matrix', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'k.csv'), KRIPPENDORFF_2011);
    const lines = ['item,rater,score'];
    KRIPPENDORFF_2011.trim()
      .split('\n')
      .slice(1)
      .forEach((row, u) => row.split(',').forEach((v, c) => v && lines.push(`u${u + 1},${'ABCD'[c]},${v}`)));
    writeFileSync(join(dir, 'long.csv'), lines.join('\n') + '\n');
    const long = JSON.parse((await qualwave(['agree', '--long', 'long.csv', '--unit-column', 'item', '--coder-column', 'rater', '--value-column', 'score', '--format', 'json', '--resamples', '0'], { cwd: dir })).stdout);
    const wide = JSON.parse((await qualwave(['agree', '--matrix', 'k.csv', '--format', 'json', '--resamples', '0'], { cwd: dir })).stdout);
    for (const [name, e] of Object.entries(wide.rows[0].coefficients as Record<string, { value: number; se?: number }>)) {
      expect(long.rows[0].coefficients[name].value, name).toBeCloseTo(e.value, 12);
      if (e.se !== undefined) expect(long.rows[0].coefficients[name].se, name).toBeCloseTo(e.se, 12);
    }
  });

  it('treats empty, NA, NaN, None, #N/A, n.a. and ? as missing, never shifting values between coders', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.csv'), 'x,y\n1,1\nNA,2\n2,NaN\n,1\nNone,#N/A\nn.a.,?\n1,1\n2,2\n');
    writeFileSync(join(dir, 'b.csv'), 'x,y\n1,1\n1,1\n2,2\n');
    const a = JSON.parse((await qualwave(['agree', '--matrix', 'a.csv', '--format', 'json', '--resamples', '0'], { cwd: dir })).stdout);
    const b = JSON.parse((await qualwave(['agree', '--matrix', 'b.csv', '--format', 'json', '--resamples', '0'], { cwd: dir })).stdout);
    expect(a.rows[0].units).toBe(3);
    expect(a.categories).toEqual(['1', '2']);
    expect(a.rows[0].coefficients.cohenKappa.value).toBeCloseTo(b.rows[0].coefficients.cohenKappa.value, 12);
  });

  it('refuses what it cannot read exactly: values outside the scale, a nameless column, a first column of ids', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.csv'), 'x,y\n1,2\n3,9\n');
    const r = await qualwave(['agree', '--matrix', 'a.csv', '--categories', '1,2,3'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("a.csv:3: value '9' is not one of the declared --categories (1, 2, 3)");
    // A trailing comma used to add a nameless coder and turn Cohen's kappa into Fleiss'.
    writeFileSync(join(dir, 'trailing.csv'), 'alice,ben,\n1,1,\n2,2,\n1,2,\n');
    const t = await qualwave(['agree', '--matrix', 'trailing.csv'], { cwd: dir });
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('trailing.csv:1: column 3 of the header has no name');
    writeFileSync(join(dir, 'ids.csv'), 'Units,Rater1,Rater2\n1,1,1\n2,2,2\n3,1,2\n');
    const u = await qualwave(['agree', '--matrix', 'ids.csv'], { cwd: dir });
    expect(u.code).toBe(2);
    expect(u.stderr).toContain("the first column 'Units' looks like unit ids");
    expect(JSON.parse((await qualwave(['agree', '--matrix', 'ids.csv', '--unit-ids', '--format', 'json', '--resamples', '0'], { cwd: dir })).stdout).coders).toEqual(['Rater1', 'Rater2']);
    expect(JSON.parse((await qualwave(['agree', '--matrix', 'ids.csv', '--no-unit-ids', '--format', 'json', '--resamples', '0'], { cwd: dir })).stdout).coders).toEqual(['Units', 'Rater1', 'Rater2']);
    writeFileSync(join(dir, 'ord.csv'), 'a,b\nlow,low\nhigh,medium\nmedium,medium\n');
    expect((await qualwave(['agree', '--matrix', 'ord.csv', '--level', 'ordinal'], { cwd: dir })).stderr).toContain('ordinal data with text labels (high, low, medium) need their order');
    expect((await qualwave(['agree', '--matrix', 'ord.csv', '--level', 'ordinal', '--categories', 'low,medium,high', '--resamples', '0'], { cwd: dir })).code).toBe(0);
  });

  it('--matrix with repeated rows (read as distinct rows with their counts): the output of every row read one by one, and the same refusals with file:line', async () => {
    // The same units twice: as they are (rows repeat), and with a first column of unit ids (no row repeats: read row by row).
    const rows: string[] = [];
    for (let u = 0; u < 600; u++) rows.push([u % 7 === 0 ? '1.0' : String(u % 3), u % 5 === 0 ? 'NA' : ` ${u % 4} `, u % 11 === 0 ? '' : String((u * 7) % 3)].join(','));
    const plain = tmp();
    const ids = tmp();
    writeFileSync(join(plain, 'm.csv'), ['ana,ben,chloé', ...rows, ''].join('\r\n'));
    writeFileSync(join(ids, 'm.csv'), ['id,ana,ben,chloé', ...rows.map((r, u) => `${u + 1},${r}`), ''].join('\r\n'));
    for (const args of [
      ['--format', 'json', '--resamples', '200'],
      ['--resamples', '50'],
      ['--level', 'ordinal', '--format', 'json', '--resamples', '100', '--weights', 'quadratic'],
    ]) {
      const a = await qualwave(['agree', '--matrix', 'm.csv', ...args], { cwd: plain });
      const b = await qualwave(['agree', '--matrix', 'm.csv', '--unit-ids', ...args], { cwd: ids });
      expect(a.code).toBe(0);
      expect([a.code, a.stdout, a.stderr]).toEqual([b.code, b.stdout, b.stderr]);
    }
    // '1' and '1.0' are one value, said in a note, as when every row is read.
    expect((await qualwave(['agree', '--matrix', 'm.csv', '--resamples', '0'], { cwd: plain })).stderr).toContain("'1.0', '1' are the same number and count as one value");
    // Refusals name the line of the first offending row, after repeated rows too.
    const dir = tmp();
    writeFileSync(join(dir, 'wide.csv'), 'a,b\n1,1\n1,1\n2,2\n1,1\n1,2,3\n');
    writeFileSync(join(dir, 'cat.csv'), 'a,b\n1,1\n2,2\n1,1\n3,1\n1,1\n');
    writeFileSync(join(dir, 'ids.csv'), 'unit,b,c\n1,1,1\n1,1,1\n2,2,2\n');
    writeFileSync(join(dir, 'neg.csv'), 'a,b\n1,1\n1,1\nNA,-1\n2,2\n');
    writeFileSync(join(dir, 'twice.csv'), 'a,a\n1,1\n1,1\n');
    const refused = async (args: string[], message: string): Promise<void> => {
      const r = await qualwave(['agree', '--matrix', ...args, '--resamples', '0'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    };
    await refused(['wide.csv'], 'wide.csv:6: 3 values but 2 coders in the header');
    await refused(['cat.csv', '--categories', '1,2'], "cat.csv:5: value '3' is not one of the declared --categories (1, 2)");
    await refused(['ids.csv'], "ids.csv: the first column 'unit' looks like unit ids (its header is 'unit')");
    await refused(['neg.csv', '--level', 'ratio'], 'neg.csv:4: ratio data cannot be negative: -1');
    await refused(['twice.csv'], "twice.csv:1: coder 'a' appears twice in the header");
  });

  it('--counts (irrCAC distrib.6raters), --table with counts and with proportions (cont3x3abstractors), --weights FILE', async () => {
    const dir = tmp();
    const dist = DISTRIB_6RATERS;
    writeFileSync(join(dir, 'counts.csv'), ['Subject,Depression,Personality Disorder,Schizophrenia,Neurosis,Other', ...dist.map((r, i) => [i + 1, ...r].join(','))].join('\n') + '\n');
    expect((await qualwave(['agree', '--counts', 'counts.csv'], { cwd: dir })).stderr).toContain("the first column 'Subject' looks like unit ids");
    const c = JSON.parse((await qualwave(['agree', '--counts', 'counts.csv', '--unit-ids', '--format', 'json', '--resamples', '0'], { cwd: dir })).stdout);
    expect(c.rows[0].coefficients.fleissKappa.value).toBeCloseTo(0.4139265, 7);
    expect(c.rows[0].coefficients.fleissKappa.se).toBeCloseTo(0.08119291, 8);
    expect(c.rows[0].coefficients.gwetAC1.se).toBeCloseTo(0.08418757, 8);
    expect(c.rows[0].coefficients.cohenKappa).toBeUndefined();
    // Six values per unit: the Fleiss–Nee–Landis test applies.
    expect(c.rows[0].coefficients.fleissKappa.z).toBeGreaterThan(0);
    expect(c.rows[0].coefficients.fleissKappa.p).toBeLessThan(0.001);
    expect(c.ratersPerUnit).toBe(6);
    const gate = await qualwave(['agree', '--counts', 'counts.csv', '--unit-ids', '--min', 'kappa=0.4', '--resamples', '0'], { cwd: dir });
    expect(gate.code).toBe(2);
    expect(gate.stderr).toContain("--min kappa=0.4: Cohen's kappa needs to know which coder gave which value, and a counts table does not say");

    writeFileSync(join(dir, 'table.csv'), 'abstractor1\\abstractor2,Ectopic,AIU,NIU\nEctopic,13,0,0\nAIU,0,20,7\nNIU,0,4,56\n');
    const t = JSON.parse((await qualwave(['agree', '--contingency', 'table.csv', '--format', 'json', '--resamples', '0'], { cwd: dir })).stdout);
    expect(t.coders).toEqual(['abstractor1', 'abstractor2']);
    expect(t.rows[0].coefficients.cohenKappa.value).toBeCloseTo(0.7964094, 7);
    expect(t.rows[0].coefficients.cohenKappa.se).toBeCloseTo(0.05891072, 7);
    writeFileSync(join(dir, 'props.csv'), ',Ectopic,AIU,NIU\nEctopic,0.13,0,0\nAIU,0,0.20,0.07\nNIU,0,0.04,0.56\n');
    expect((await qualwave(['agree', '--contingency', 'props.csv'], { cwd: dir })).stderr).toContain('these look like proportions (they sum to 1): give the number of units with --n');
    const p = JSON.parse((await qualwave(['agree', '--contingency', 'props.csv', '--n', '100', '--format', 'json', '--resamples', '0'], { cwd: dir })).stdout);
    expect(p.rows[0].coefficients.cohenKappa.se).toBeCloseTo(0.05891072, 7);

    // Gwet (2014) 4 x 12 with the quadratic weights written out: AC2 0.914, as irrCAC (every rated unit in chance agreement).
    writeFileSync(join(dir, 'k.csv'), KRIPPENDORFF_2011);
    const cats = [1, 2, 3, 4, 5];
    writeFileSync(join(dir, 'w.csv'), [',' + cats.join(','), ...cats.map((a) => [a, ...cats.map((b) => 1 - ((a - b) * (a - b)) / 16)].join(','))].join('\n') + '\n');
    const w = JSON.parse((await qualwave(['agree', '--matrix', 'k.csv', '--weights', 'w.csv', '--chance', 'rated', '--format', 'json', '--resamples', '0'], { cwd: dir })).stdout);
    expect(w.rows[0].coefficients.gwetAC2.value).toBeCloseTo(0.914, 3);
    expect(w.rows[0].coefficients.gwetAC1.value).toBeCloseTo(0.77544, 5);
  });

  it("gates that mean what they say: a coefficient not computed is a usage error; kappa is Cohen's for two coders", async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'k.csv'), KRIPPENDORFF_2011);
    const w = await qualwave(['agree', '--matrix', 'k.csv', '--min', 'weighted=0.99', '--resamples', '0'], { cwd: dir });
    expect(w.code).toBe(2);
    expect(w.stderr).toContain('--min weighted=0.99: weighted kappa is computed only with --weights');
    const pi = await qualwave(['agree', '--matrix', 'k.csv', '--min', 'pi=0.5', '--resamples', '0'], { cwd: dir });
    expect(pi.code).toBe(2);
    expect(pi.stderr).toContain("--min pi=0.5: Scott's pi is for two coders; these data have 4");
    // Two coders where Cohen's kappa (0.4) passes 0.35 and Scott's pi / Fleiss' kappa (0.3939) would not pass 0.395.
    writeFileSync(join(dir, 'two.csv'), ['a,b', ...Array(20).fill('yes,yes'), ...Array(5).fill('yes,no'), ...Array(10).fill('no,yes'), ...Array(15).fill('no,no')].join('\n') + '\n');
    const k = await qualwave(['agree', '--matrix', 'two.csv', '--min', 'kappa=0.399', '--resamples', '0'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(k.code).toBe(0);
    expect(k.stderr).toContain('✓ agreement meets kappa (cohenKappa) >= 0.399');
    expect((await qualwave(['agree', '--matrix', 'two.csv', '--min', 'fleiss=0.399', '--resamples', '0'], { cwd: dir })).code).toBe(1);
  });
});

describe('qualwave agree on a coded study', () => {
  it('per code and pooled, with prevalence and standard errors, the same bytes for the same seed', async () => {
    const a = await qualwave(['agree', '--study', buddy, '--format', 'json', '--resamples', '200']);
    expect(a.code).toBe(0);
    const out = JSON.parse(a.stdout);
    expect(out.coders).toEqual(['alice', 'ben']);
    expect(out.excluded).toEqual([]);
    expect(out.transcripts).toBe(36);
    expect(out.rows.map((r: { name: string }) => r.name)).toContain('pooled');
    const respite = out.rows.find((r: { name: string }) => r.name === 'support.respite');
    expect(respite.units).toBe(252);
    expect(respite.samplingUnits).toBe(252);
    expect(respite.prevalence.alice).toBeGreaterThan(0);
    expect(respite.coefficients.cohenKappa.value).toBeGreaterThan(0.9);
    expect(respite.coefficients.cohenKappa.se).toBeGreaterThan(0);
    expect(respite.interpretation.kappa).toBe('almost perfect');
    const pooled = out.rows.find((r: { name: string }) => r.name === 'pooled');
    expect(pooled.units).toBe(4032);
    expect(pooled.samplingUnits).toBe(252);
    expect((await qualwave(['agree', '--study', buddy, '--format', 'json', '--resamples', '200'])).stdout).toBe(a.stdout);
    expect((await qualwave(['agree', '--study', buddy, '--format', 'json', '--resamples', '200', '--seed', '2'])).stdout).not.toBe(a.stdout);
  });

  it('is a CI gate: --min exits 1 below the threshold, 0 above', async () => {
    const low = await qualwave(['agree', '--study', buddy, '--code', 'learning.communication', '--min', 'alpha=0.8', '--resamples', '0'], { env: { NO_COLOR: '1' } });
    expect(low.code).toBe(1);
    expect(low.stderr).toMatch(/✗ learning.communication: krippendorffAlpha = 0\.6\d\d < 0\.8/);
    const pooled = await qualwave(['agree', '--study', buddy, '--min', 'kappa=0.8', '--pooled', '--resamples', '0']);
    expect(pooled.code).toBe(0);
    expect((await qualwave(['agree', '--study', buddy, '--min', 'alfa=0.8'])).stderr).toContain('--min alfa=0.8: expected NAME=VALUE with NAME one of alpha, kappa');
  });

  it('compares documents and themes, and writes CSV and LaTeX', async () => {
    const doc = JSON.parse((await qualwave(['agree', '--study', buddy, '--rows', 'theme', '--unit', 'document', '--format', 'json', '--resamples', '0'])).stdout);
    expect(doc.rows.map((r: { name: string }) => r.name)).toEqual(['support', 'emotions', 'relationship', 'learning', 'pooled']);
    expect(doc.rows[0].units).toBe(36);
    const csv = parse((await qualwave(['agree', '--study', buddy, '--format', 'csv', '--resamples', '0'])).stdout) as string[][];
    expect(csv[0]).toEqual(expect.arrayContaining(['code', 'units', 'samplingUnits', 'prevalence_alice', 'cohenKappa', 'cohenKappa_se', 'cohenKappa_z', 'cohenKappa_p', 'krippendorffAlpha', 'gwetAC1', 'brennanPrediger', 'scottPi', 'warnings']));
    expect((await qualwave(['agree', '--study', buddy, '--format', 'latex', '--resamples', '0'])).stdout).toContain('\\toprule');
  });

  it('--masi adds a code-set row with alpha over MASI distances; --unitizing compares where coded stretches begin and end', async () => {
    const out = JSON.parse((await qualwave(['agree', '--study', buddy, '--masi', '--format', 'json', '--resamples', '0'])).stdout);
    const row = out.rows.at(-1);
    expect(row.name).toBe('code sets (MASI α)');
    expect(row.units).toBe(252);
    const u = JSON.parse((await qualwave(['agree', '--study', buddy, '--unitizing', '--format', 'json', '--resamples', '50'])).stdout);
    expect(u.unitizing).toBe(true);
    expect(u.rows.at(-1).name).toBe('pooled');
    expect(u.rows.at(-1).samplingUnits).toBe(36);
    const pooled = u.rows.at(-1).coefficients.unitizingAlpha;
    expect(pooled.value).toBeGreaterThan(0);
    expect(pooled.value).toBeLessThanOrEqual(1);
    expect(pooled.observedDisagreement).toBeLessThan(pooled.expectedDisagreement);
    expect((await qualwave(['agree', '--study', buddy, '--unitizing', '--min', 'alpha=0.5', '--resamples', '0'])).stderr).toContain('with --unitizing the coefficient is unitizing alpha');
  });

  it('a transcript one coder did not code is never silently dropped; code --done marks it read', async () => {
    const dir = writeStudy({
      'transcripts/P1_w1.txt': transcript('P1', 5),
      'transcripts/P2_w1.txt': transcript('P2', 5),
      'transcripts/P3_w1.txt': transcript('P3', 5),
      'codings/alice.tsv': codingsTsv([
        ['P1', 'w1', answerLine(0), 't.a'],
        ['P2', 'w1', answerLine(1), 't.a'],
        ['P3', 'w1', answerLine(0), 't.b'],
      ]),
      'codings/ben.tsv': codingsTsv([
        ['P1', 'w1', answerLine(0), 't.a'],
        ['P3', 'w1', answerLine(0), 't.b'],
      ]),
    });
    const absent = await qualwave(['agree', '--code', 't.a', '--format', 'json', '--resamples', '0'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(absent.stderr).toContain('1 transcript where a coder coded nothing and did not mark it finished count as "nothing applies" for that coder (--uncoded absent): P2/w1 (ben)');
    expect(JSON.parse(absent.stdout).readAsAbsent).toEqual([{ transcript: 'P2/w1', file: 'transcripts/P2_w1.txt', coders: ['ben'] }]);
    const missing = await qualwave(['agree', '--code', 't.a', '--uncoded', 'missing', '--format', 'json', '--resamples', '0'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(missing.stderr).toContain('1 transcript left out because a coder neither coded nor finished it (--uncoded missing): P2/w1 (ben)');
    expect(JSON.parse(missing.stdout).excluded).toEqual([{ transcript: 'P2/w1', file: 'transcripts/P2_w1.txt', reason: 'ben neither coded nor finished it', coders: { alice: 'coded', ben: 'not coded' } }]);
    const done = await qualwave(['code', 'P2', 'w1', '--coder', 'ben', '--done'], { cwd: dir });
    expect(done.code).toBe(0);
    expect(readFileSync(join(dir, 'codings/ben.finished.tsv'), 'utf8')).toBe('participant\twave\nP2\tw1\n');
    const after = JSON.parse((await qualwave(['agree', '--code', 't.a', '--uncoded', 'missing', '--format', 'json', '--resamples', '0'], { cwd: dir })).stdout);
    expect(after.excluded).toEqual([]);
    expect(after.rows[0].units).toBe(15);
    expect((await qualwave(['code', 'P2', 'w1', '--coder', 'ben', '--not-done'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, 'codings/ben.finished.tsv'), 'utf8')).toBe('participant\twave\n');
  });

  it('needs two coders, and says which exist', async () => {
    const r = await qualwave(['agree', '--study', buddy, '--coders', 'alice,bem']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no coder 'bem' (did you mean 'ben'?)");
  });
});

describe("the coders' meeting: disagreements and reconcile", () => {
  it("the README's sequence leaves the shipped consensus as it is: a decisions file that decides nothing exits 1", async () => {
    const dir = join(tmp(), 'study');
    copyStudy(buddy, dir);
    const before = readFileSync(join(dir, 'codings/consensus.tsv'), 'utf8');
    expect((await qualwave(['disagreements', '--coders', 'alice,ben', '--format', 'csv', '-o', 'decisions.csv'], { cwd: dir })).code).toBe(0);
    const r = await qualwave(['reconcile', '--coders', 'alice,ben', '--decisions', 'decisions.csv'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('decisions.csv decides nothing: every decision cell is empty; nothing written');
    expect(readFileSync(join(dir, 'codings/consensus.tsv'), 'utf8')).toBe(before);
    // Without decisions or a rule, the existing consensus settles every disagreement as it did: nothing changes.
    const again = await qualwave(['reconcile', '--coders', 'alice,ben', '--format', 'json', '--dry-run'], { cwd: dir });
    const summary = JSON.parse(again.stdout);
    expect(summary.kept).toBe(104);
    expect(summary.open).toEqual([]);
    expect(summary.lost).toEqual([]);
    expect(summary.codings).toBe(432);
  });

  it('lists disagreements for the meeting and reconciles with the decisions filled in, replacing an existing consensus only with --force', async () => {
    const dir = join(tmp(), 'study');
    copyStudy(buddy, dir);
    const md = await qualwave(['disagreements', '--format', 'md', '--code', 'support.respite'], { cwd: dir });
    expect(md.stdout).toContain('## support.respite: Respite for parents (1)');
    expect(md.stdout).toMatch(/- alice: (not )?applied/);
    const csv = (await qualwave(['disagreements', '--format', 'csv'], { cwd: dir })).stdout;
    const rows = parse(csv) as string[][];
    const header = rows[0]!;
    expect(header).toEqual(['code', 'participant', 'wave', 'lines', 'file', 'speaker', 'text', 'alice', 'ben', 'alice_memo', 'ben_memo', 'decision']);
    const consensus = readFileSync(join(dir, 'codings/consensus.tsv'), 'utf8');
    const has = (r: string[]) => consensus.split('\n').some((l) => l.startsWith(`${r[1]}\t${r[2]}\t${r[3]}\t${r[0]}\t`));
    // Decide one disagreement against the shipped consensus.
    const i = rows.findIndex((r, k) => k > 0 && has(r));
    rows[i]![11] = 'reject';
    writeFileSync(join(dir, 'decisions.csv'), rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\n') + '\n');
    const refused = await qualwave(['reconcile', '--decisions', 'decisions.csv'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`codings/consensus.tsv has 1 coding this reconciliation would drop or change (${rows[i]![1]}/${rows[i]![2]}:${rows[i]![3]} ${rows[i]![0]}); nothing written`);
    expect(readFileSync(join(dir, 'codings/consensus.tsv'), 'utf8')).toBe(consensus);
    const r = await qualwave(['reconcile', '--decisions', 'decisions.csv', '--force', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.decided).toBe(1);
    expect(out.kept).toBe(rows.length - 2);
    expect(out.open).toEqual([]);
    expect(readFileSync(join(dir, 'codings/consensus.tsv'), 'utf8').trim().split('\n').length - 1).toBe(431);
    expect(existsSync(join(dir, 'codings/consensus.finished.tsv'))).toBe(true);
    expect((await qualwave(['validate', '--strict'], { cwd: dir })).code).toBe(0);
  });

  it('reconciles only transcripts every coder coded or finished; without a consensus the rule settles disagreements', async () => {
    const dir = join(tmp(), 'study');
    copyStudy(buddy, dir);
    const before = readFileSync(join(dir, 'codings/consensus.tsv'), 'utf8').trim().split('\n').slice(1);
    await qualwave(['code', 'MS07', 'post', '--coder', 'carla', '--apply', 'learning.practice', '--lines', '18'], { cwd: dir });
    const r = await qualwave(['reconcile', '--coders', 'alice,carla', '--rule', 'union', '--into', 'meeting2'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('35 transcripts not reconciled because a coder neither coded nor finished them');
    expect(r.stderr).toMatch(/on the 1 transcript every coder coded or finished .*: \d+ agreed, 0 decided, \d+ by the union rule/);
    expect(readFileSync(join(dir, 'codings/consensus.tsv'), 'utf8').trim().split('\n').slice(1)).toEqual(before);
    expect(readFileSync(join(dir, 'codings/meeting2.tsv'), 'utf8')).toContain('MS07\tpost\t18\tlearning.practice');
  });

  it('rejects a decisions file with bad rows, writing nothing', async () => {
    const dir = join(tmp(), 'study');
    copyStudy(buddy, dir);
    writeFileSync(join(dir, 'd.csv'), 'code,participant,wave,lines,decision\nsupport.respite,MS02,pre,10,maybe\n');
    const r = await qualwave(['reconcile', '--decisions', 'd.csv'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("d.csv:2: error: decision 'maybe' is neither apply nor reject");
  });
});

/**
 * The tiny study with worry.money in use from post on (since: post), alice's and ben's codings
 * (rows after the header: participant, wave, lines, code) and every transcript finished by both.
 */
async function sinceStudy(alice: string[], ben: string[]): Promise<string> {
  const { tinyStudy } = await import('../helpers/inproc.js');
  const dir = tinyStudy();
  const cb = join(dir, 'codebooks', 'cb.yaml');
  writeFileSync(cb, readFileSync(cb, 'utf8').replace('      - id: worry.money\n        label: Money\n', '      - id: worry.money\n        label: Money\n        since: post\n'));
  const file = (rows: string[]): string => `participant\twave\tlines\tcode\texemplar\tmemo\thash\n${rows.map((r) => `${r.split(' ').join('\t')}\t\t\t\n`).join('')}`;
  writeFileSync(join(dir, 'codings', 'alice.tsv'), file(alice));
  writeFileSync(join(dir, 'codings', 'ben.tsv'), file(ben));
  const finished = 'participant\twave\nP1\tpre\nP1\tpost\nP2\tpre\nP2\tpost\nP3\tpre\n';
  writeFileSync(join(dir, 'codings', 'alice.finished.tsv'), finished);
  writeFileSync(join(dir, 'codings', 'ben.finished.tsv'), finished);
  return dir;
}

describe("agree with a code's since: (not looked for at earlier waves)", () => {
  it('leaves out the units before the code was in use instead of counting them as agreement on "not applied"', async () => {
    const dir = await sinceStudy(['P1 pre 2 care.time', 'P1 post 4 worry.money', 'P2 post 2 worry.money'], ['P1 pre 2 care.time', 'P1 post 4 worry.money', 'P2 post 4 worry.money']);
    const r = await qualwave(['agree', '--coders', 'alice,ben', '--resamples', '0', '--format', 'json', '--study', dir]);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout).rows as Array<{ name: string; units: number; unitsBeforeSince?: number; coefficients: Record<string, { value: number }> }>;
    const money = rows.find((x) => x.name === 'worry.money')!;
    // Every transcript is finished by both: 5 transcripts x 3 answers = 15 units; worry.money is in
    // use from post on, so only the 6 post units count (P1 post and P2 post, lines 2, 4, 6):
    //   P1 post: L2 (0,0) L4 (1,1) L6 (0,0); P2 post: L2 (1,0) L4 (0,1) L6 (0,0)
    //   p_o = 4/6; each coder applied it to 2 of 6: p_e = (2/6)^2 + (4/6)^2 = 20/36 = 5/9
    //   kappa = (4/6 - 5/9) / (1 - 5/9) = (1/9) / (4/9) = 0.25
    // Counting the 9 pre units as agreement on "not applied" would give p_o = 13/15,
    // p_e = (2/15)^2 + (13/15)^2 = 173/225 and kappa = 22/52 = 0.423: inflated.
    expect(money.units).toBe(6);
    expect(money.unitsBeforeSince).toBe(9);
    expect(money.coefficients['percentAgreement']!.value).toBeCloseTo(4 / 6, 12);
    expect(money.coefficients['cohenKappa']!.value).toBeCloseTo(0.25, 12);
    // The theme has no since: all 15 units.
    expect(rows.find((x) => x.name === 'care.time')!.units).toBe(15);
    expect(r.stderr).toContain('note: 1 code with since: is compared only from that wave on; the units before it are left out, not counted as "not applied": worry.money (9)');
  });
});

describe("disagreements and reconcile with a code's since:", () => {
  // worry.money is in use from post on. At pre, alice applied it (before its time) and ben did not:
  // that is no disagreement (nobody was looking for the code at pre; agree leaves those units out).
  // At post they differ on P2 line 2: a real disagreement.
  const study = (): Promise<string> => sinceStudy(['P1 pre 2 worry.money', 'P1 post 4 worry.money', 'P2 post 2 worry.money'], ['P1 post 4 worry.money']);

  it('disagreements lists only the difference from the since: wave on and names the one left out', async () => {
    const dir = await study();
    const r = await qualwave(['disagreements', '--coders', 'alice,ben', '--format', 'json', '--study', dir], { env: { NO_COLOR: '1' } });
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as Array<{ code: string; participant: string; wave: string; lines: string }>;
    expect(list.map((d) => `${d.code} ${d.participant}/${d.wave}:${d.lines}`)).toEqual(['worry.money P2/post:2']);
    expect(r.stderr).toContain('1 difference on codes at a wave before their since: wave left out (nobody looked for them there; agree leaves those units out too): worry.money at P1/pre:2');
  });

  it('reconcile settles the post difference by the rule and leaves the pre one unsettled, listed', async () => {
    const dir = await study();
    const r = await qualwave(['reconcile', '--coders', 'alice,ben', '--rule', 'union', '--into', 'meeting', '--format', 'json', '--study', dir], { env: { NO_COLOR: '1' } });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { agreed: number; byRule: number; beforeSince: Array<{ code: string; participant: string; wave: string; lines: string; applied: string[] }> };
    expect(out.agreed).toBe(1); // P1 post line 4
    expect(out.byRule).toBe(1); // P2 post line 2, by union
    expect(out.beforeSince).toEqual([{ code: 'worry.money', participant: 'P1', wave: 'pre', lines: '2', applied: ['alice'] }]);
    expect(r.stderr).toContain('not settled (meeting keeps what it had there)');
    const written = readFileSync(join(dir, 'codings', 'meeting.tsv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t').slice(0, 4).join(' '));
    expect(written.sort()).toEqual(['P1 post 4 worry.money', 'P2 post 2 worry.money']);
  });
});
