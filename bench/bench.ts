import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { csvParseRows } from 'd3-dsv';
import { parseTable } from '../src/core/format/read-table.js';
import { bootstrap } from '../src/core/agreement/bootstrap.js';
import { krippendorffAlpha, prepare } from '../src/core/agreement/coefficients.js';
import { agreement } from '../src/core/agreement/report.js';
import { studyAgreement } from '../src/core/agreement/study.js';
import { MISSING, toPatterns, type Ratings } from '../src/core/agreement/table.js';
import { codedStudy } from '../src/core/matrix/coded.js';
import { framework } from '../src/core/matrix/framework.js';
import { matrix } from '../src/core/matrix/matrix.js';
import { trajectories } from '../src/core/matrix/trajectories.js';
import { changeMatrix } from '../src/core/matrix/change.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { autocode, type Matcher } from '../src/core/coding/autocode.js';
import { checkPatterns, linearMatcher } from '../src/core/coding/patterns.js';
import { checkCodings } from '../src/core/coding/check.js';
import { withHashes } from '../src/core/coding/edit.js';
import { lineIndexOf, touchedSegments } from '../src/core/coding/span.js';
import { evaluate } from '../src/core/learn/evaluate.js';
import { suggest } from '../src/core/learn/suggestions.js';
import { formatCodingsFile, parseCodingsFile } from '../src/core/coding/store.js';
import { loadStudy } from '../src/io/load-study.js';
import { loadStemmer } from '../src/io/stemmer.js';
import { corpusOptions, ensureCorpus, rng } from './corpus.js';
import { coverage, coverageReport } from './coverage.js';

/**
 * npm run bench [-- --scale 0.1] [--runs 3] [--coverage-replicates 1000] [--coverage-only] [--no-coverage]
 *   [--growth] [--no-growth] [--growth-runs 3] [--index] [--index-1000] [--no-index] [--index-runs 3] [--safety] [--suggest] [--startup]
 *   [--qc] [--no-qc] [--qc-runs 5] [--qc-slow-runs 1]   (only / not the pairs against qc on the same data, with QUALWAVE_BENCH_QC=python that imports qc)
 *   [--only load,autocode]   (only those of the first rows: the load vs. read+split, auto-coding vs. the scanner)
 *
 * Figures are printed as ratios against a baseline measured in the same run, so they compare
 * across machines: loading vs. only reading and splitting the same files into lines; CLI start-up
 * vs. `node -e 0`; peak memory vs. the corpus size. Last, the coverage of the agreement intervals
 * (bench/coverage.ts): a check of correctness by simulation, not of speed.
 */
const args = process.argv.slice(2);
const arg = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const scale = arg('--scale', 1);
const runs = arg('--runs', 3);
const repo = fileURLToPath(new URL('../..', import.meta.url));

/** 8. Coverage of the 95% agreement intervals by simulation (bench/coverage.ts): within [93%, 97%] at 50-200 units? */
function coverageCheck(): void {
  const replicates = arg('--coverage-replicates', 1000);
  const resamples = arg('--coverage-resamples', 1000);
  const s = performance.now();
  const cells = coverage({ replicates, resamples, seed: 1 });
  const { text, misses } = coverageReport(cells, { replicates, resamples, band: [0.93, 0.97], checked: [50, 200] });
  process.stdout.write(`\n${text}`);
  const se = Math.sqrt((0.95 * 0.05) / replicates) * 100;
  process.stdout.write(`(${((performance.now() - s) / 1000).toFixed(0)} s; a coverage of 95% is measured to ±${(1.96 * se).toFixed(1)} points with ${replicates} data sets)\n`);
  process.stdout.write(misses.length ? `BCa coverage outside [93%, 97%] at 50-200 units: ${misses.join('; ')}\n` : 'BCa coverage within [93%, 97%] at 50-200 units: ok\n');
}
if (args.includes('--coverage-only')) {
  coverageCheck();
  process.exit(0);
}
const bin = join(repo, 'bin', 'qualwave.js');

/** 6. Start-up: wall time of the CLI (--version, --help, a command's --help) vs. node itself. */
function startupRows(): Array<[string, string, string, string]> {
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

  const verdict = (ok: boolean): string => (ok ? 'ok' : 'MISSED');
  const wall = (argv: string[], n = 15): number => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      const r = spawnSync(process.execPath, argv, { stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}`);
      times.push(performance.now() - s);
    }
    return median(times);
  };
  const out: Array<[string, string, string, string]> = [];
  const nodeMs = wall(['-e', '0']);
  for (const flags of [['--version'], ['--help'], ['agree', '--help']]) {
    const ms = wall([bin, ...flags]);
    out.push([`qualwave ${flags.join(' ')}`, `${ms.toFixed(0)} ms`, `node -e 0: ${nodeMs.toFixed(0)} ms`, `${(ms / nodeMs).toFixed(2)}x (target <= 1.3): ${verdict(ms / nodeMs <= 1.3)}`]);
  }
  return out;
}

/** Rows of figures as aligned columns on stdout (figure, measured, baseline, verdict). */
function printRows(rows: readonly string[][]): void {
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows)
    process.stdout.write(
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd() + '\n',
    );
}

// npm run bench -- --startup: only the start-up figures (a few seconds).
if (args.includes('--startup')) {
  const rows = startupRows();
  printRows(rows);
  process.exit(0);
}

const verdict = (ok: boolean): string => (ok ? 'ok' : 'MISSED');
const growthSizes = [100, 300, 1000, 3000].map((n) => Math.max(3, Math.round(n * scale)));

/** 9. Growth: each command at N = 100 ... 3,000 documents, with the fitted exponent (bench/growth.ts). */
async function growthRows(): Promise<Array<[string, string, string, string]>> {
  const { growth, exponent } = await import('./growth.js');
  const g = await growth({ repo, bin, sizes: growthSizes, runs: arg('--growth-runs', 3), log: (s) => process.stderr.write(`${s}\n`) });
  const out: Array<[string, string, string, string]> = [];
  out.push([`growth: N = ${g.sizes.join(', ')} documents`, 'seconds at each N', `${g.codings.map((c) => c.toLocaleString('en')).join(', ')} codings (coder a; b and consensus alike)`, 'exponent of time in N (target: fit <= 1.1 and last step <= 1.2, i.e. linear up to noise)']);
  // The fit over every size is flattered by the fixed start-up; the last step (1,000 to 3,000) is not.
  const n = g.sizes.length;
  for (const r of g.rows) {
    const last = exponent(g.sizes.slice(n - 2), r.times.slice(n - 2));
    out.push([`  ${r.command}`, r.times.map((t) => (t / 1000).toFixed(2)).join(' / '), `last step: ${last.toFixed(2)}`, `${r.exponent.toFixed(2)}: ${verdict(r.exponent <= 1.1 && last <= 1.2)}`]);
  }
  return out;
}

/** 10. The study index: warm, without it and building it, at N = 1,000 and 3,000 documents (bench/growth.ts). */
async function indexTable(): Promise<Array<[string, string, string, string]>> {
  const { indexRows } = await import('./growth.js');
  const sizes = args.includes('--index-1000') ? [growthSizes[2]!] : growthSizes.slice(2);
  const rows = await indexRows({ repo, bin, sizes, runs: arg('--index-runs', 3), log: (s) => process.stderr.write(`${s}\n`) });
  const out: Array<[string, string, string, string]> = [
    [
      'study index: command at N documents',
      'warm (index up to date)',
      'without the index (--no-cache) / building it (index deleted first); peak memory warm',
      'targets (issue 16): warm < 0.3 s at 1,000, < 1 s at 3,000 (quotes, report < 5 s at 3,000; export < 28.9 s, 0.5x qc, at 1,000); memory < 3x corpus at 3,000 (export: and at 1,000); building it: reported',
    ],
  ];
  for (const r of rows) {
    const build = r.building / r.none;
    const mem = r.warmRss === undefined ? undefined : r.warmRss / r.corpusBytes;
    const checks = [Number.isFinite(r.target) ? `warm ${verdict(r.warm < r.target)}` : '', `building ${build.toFixed(2)}x`, mem === undefined ? '' : `memory ${mem.toFixed(2)}x${r.documents >= 3000 || r.command === 'export' ? `: ${verdict(mem < 3)}` : ''}`].filter(Boolean);
    out.push([
      `  N = ${r.documents.toLocaleString('en')}: ${r.command}`,
      `${(r.warm / 1000).toFixed(2)} s`,
      `${(r.none / 1000).toFixed(2)} s (warm ${(r.warm / r.none).toFixed(2)}x) / ${(r.building / 1000).toFixed(2)} s${r.warmRss === undefined ? '' : `; ${(r.warmRss / 1e6).toFixed(0)} MB of ${(r.corpusBytes / 1e6).toFixed(0)} MB`}`,
      checks.join('; '),
    ]);
  }
  return out;
}

/**
 * 11. qc, the command-line peer, on the same data (bench/qc.ts), when QUALWAVE_BENCH_QC names a Python
 * that has it: its rows, and after them the counts of both sides; without it, one row saying how to set it.
 */
async function qcTable(): Promise<{ rows: Array<[string, string, string, string]>; after: string }> {
  const { qcRows, QC_SETUP } = await import('./qc.js');
  const qc = await qcRows({ repo, bin, sizes: [growthSizes[2]!, growthSizes[0]!], runs: arg('--qc-runs', 5), slowRuns: arg('--qc-slow-runs', 1), log: (s) => process.stderr.write(`${s}\n`) });
  if (!qc) return { rows: [[QC_SETUP, '', '', '']], after: '' };
  return { rows: qc.rows, after: `the same data on both sides (bench/qc_corpus.py):\n${qc.counts.join('\n')}\n` };
}

// npm run bench -- --index [--index-1000] [--index-runs 3]: only the study index's figures.
if (args.includes('--index')) {
  const rows = await indexTable();
  printRows(rows);
  process.exit(0);
}

// npm run bench -- --qc [--qc-runs 5] [--qc-slow-runs 1]: only the pairs against qc (bench/qc.ts), when QUALWAVE_BENCH_QC is set.
if (args.includes('--qc')) {
  const qc = await qcTable();
  printRows(qc.rows);
  process.stdout.write(qc.after);
  process.exit(0);
}

// npm run bench -- --growth: only the growth of each command with the study (minutes at scale 1).
if (args.includes('--growth')) {
  const rows = await growthRows();
  printRows(rows);
  process.exit(0);
}

// npm run bench -- --safety: only the pathological inputs of the safety work (a few seconds).
if (args.includes('--safety')) {
  const { safetyRows } = await import('./safety.js');
  const rows = await safetyRows(repo, bin);
  printRows(rows);
  process.exit(0);
}

const opts = corpusOptions(scale);
// The folder name carries the generator's version: a changed generator makes a new corpus.
const dir = join(repo, '.bench-cache', `v3-scale-${scale}`);
const t0 = performance.now();
const { created } = ensureCorpus(dir, opts);
const transcripts = readdirSync(join(dir, 'transcripts')).map((f) => join(dir, 'transcripts', f));
const corpusBytes = transcripts.reduce((n, f) => n + statSync(f).size, 0);
const mb = corpusBytes / 1e6;
process.stderr.write(`${created ? 'generated' : 'reused'} corpus ${dir}: ${opts.participants} participants x ${opts.waves.length} waves, ${transcripts.length} transcripts, ${mb.toFixed(1)} MB${created ? ` in ${((performance.now() - t0) / 1000).toFixed(1)} s` : ''}\n`);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// 5c. Suggestions (issue 20): training and suggesting, on the example study and on this corpus,
// beside auto-coding the same study (the peer in this run), and their quality as a third coder.
async function suggestionRows(): Promise<Array<[string, string, string, string]>> {
  const rows: Array<[string, string, string, string]> = [];
  const verdict = (ok: boolean): string => (ok ? 'ok' : 'MISSED');
  const stem = (await loadStemmer('en'))!;
  const cpu = (fn: () => void): { wall: number; cpu: number } => {
    const c0 = process.cpuUsage();
    const s0 = performance.now();
    fn();
    const c = process.cpuUsage(c0);
    return { wall: performance.now() - s0, cpu: (c.user + c.system) / 1000 };
  };
  /** Cohen's kappa and F1 over (segment, code) decisions given as 2 x 2 counts, through core/agreement. */
  const scored = (both: number, onlyHuman: number, onlyOther: number, neither: number): string => {
    const ratings: Ratings = { coders: 2, units: 4, values: Int32Array.from([1, 1, 1, 0, 0, 1, 0, 0]), categories: ['0', '1'], weights: Float64Array.from([both, onlyHuman, onlyOther, neither]) };
    const k = agreement(ratings, { level: 'nominal', resamples: 0, seed: 1 }).coefficients.cohenKappa?.value ?? NaN;
    return `kappa ${k.toFixed(2)}, F1 ${((2 * both) / (2 * both + onlyHuman + onlyOther)).toFixed(2)}`;
  };
  // The example study: alice's codings of MS11-MS15 left out, so that there is something to suggest for.
  {
    const { study } = await loadStudy(join(repo, 'fixtures', 'buddy-study'));
    const held = new Set(['MS11', 'MS12', 'MS13', 'MS14', 'MS15']);
    study!.codings = study!.codings.filter((c) => !(c.coder === 'alice' && held.has(c.participant)));
    const times: Array<{ wall: number; cpu: number }> = [];
    let n = 0;
    for (let i = 0; i < runs + 1; i++) times.push(cpu(() => (n = suggest(study!, stem, { coder: 'alice', as: 'suggest' }).codings.length)));
    const t = times.slice(1).sort((a, b) => a.wall - b.wall)[Math.floor(runs / 2)]!;
    const a = cpu(() => autocode(study!, stem, 'auto'));
    const { study: full } = await loadStudy(join(repo, 'fixtures', 'buddy-study'));
    const e = evaluate(full!, stem, { coder: 'alice', byWave: false, folds: 5, seed: 1, resamples: 0, humans: ['alice', 'ben'], keywords: (docs) => autocode({ documents: [...docs], codebook: full!.codebook }, stem, 'auto').codings });
    const p = e.pooled!;
    rows.push([
      `suggest: train + suggest, example study (36 transcripts)`,
      `${t.wall.toFixed(0)} ms (cpu ${t.cpu.toFixed(0)} ms)`,
      `${n} suggestions; auto-code ${a.wall.toFixed(0)} ms; --evaluate pooled kappa ${p.suggest!.kappa!.value!.toFixed(2)} (keywords ${p.keywords!.kappa!.value!.toFixed(2)}, alice vs ben ${p.humans!.kappa!.value!.toFixed(2)})`,
      `target < 1 s: ${verdict(t.wall < 1000)}`,
    ]);
  }
  // This corpus: a "human" coder made from the keyword coder with 10% of its codes changed at random;
  // learned from 80% of the participants, suggested for the other 20%, compared with that coder there.
  {
    const { study } = await loadStudy(dir);
    const auto = autocode(study!, stem, 'h').codings;
    const random = rng(20);
    const codes = study!.codebook.codes.map((c) => c.id);
    const human = auto.map((c) => (random() < 0.1 ? { ...c, code: codes[Math.floor(random() * codes.length)]! } : c));
    const people = [...new Set(study!.documents.map((d) => d.participant))].sort();
    const heldOut = new Set(people.slice(Math.floor(people.length * 0.8)));
    study!.codings = human.filter((c) => !heldOut.has(c.participant));
    study!.coders = ['h'];
    let result: ReturnType<typeof suggest> | undefined;
    const t = cpu(() => (result = suggest(study!, stem, { coder: 'h', as: 'suggest' })));
    const a = cpu(() => autocode(study!, stem, 'auto'));
    // Decisions per (transcript, segment, code) on the held-out participants' participant speech.
    const docs = new Map(study!.documents.map((d) => [d.id, d]));
    const keys = (list: readonly { participant: string; wave: string; code: string; startLine: number; endLine: number }[]): Set<string> => {
      const out = new Set<string>();
      for (const c of list) {
        if (!heldOut.has(c.participant)) continue;
        const doc = docs.get(`${c.participant}/${c.wave}`)!;
        const [lo, hi] = touchedSegments(doc, c);
        for (let i = lo; i < hi; i++) out.add(`${doc.id}/${i}/${c.code}`);
      }
      return out;
    };
    const h = keys(human);
    const sug = keys(result!.codings);
    const kw = keys(auto);
    const total = study!.documents.filter((d) => heldOut.has(d.participant)).reduce((n, d) => n + d.segments.filter((x) => x.role === 'participant').length, 0) * codes.length;
    const counts = (other: Set<string>): [number, number, number, number] => {
      let both = 0;
      for (const k of other) if (h.has(k)) both++;
      return [both, h.size - both, other.size - both, total - h.size - other.size + both];
    };
    rows.push([
      `suggest: train + suggest, ${study!.documents.length} transcripts, ${codes.length} codes`,
      `${(t.wall / 1000).toFixed(1)} s (cpu ${(t.cpu / 1000).toFixed(1)} s)`,
      `learned from ${result!.learnedSegments} segments, ${result!.codings.length} suggestions for ${result!.targetSegments}; auto-code ${(a.wall / 1000).toFixed(1)} s`,
      `target < 60 s: ${verdict(t.wall < 60_000)}`,
    ]);
    rows.push([`suggest: quality on the held-out 20% of participants`, scored(...counts(sug)), `the keyword coder there: ${scored(...counts(kw))} (the "human" is keywords + 10% noise)`, '(reported)']);
  }
  return rows;
}

// npm run bench -- --suggest: only the suggestion rows (training, suggesting, quality).
if (args.includes('--suggest')) {
  for (const r of await suggestionRows()) process.stdout.write(r.join('  ').trimEnd() + '\n');
  process.exit(0);
}

function baseline(): number {
  const start = performance.now();
  let lines = 0;
  for (const f of transcripts) lines += readFileSync(f, 'utf8').split('\n').length;
  if (lines === 0) throw new Error('empty corpus');
  return performance.now() - start;
}

/** A whole load; cold (the default: no study index, as QUALWAVE_NO_CACHE=1) or warm (the index up to date). */
async function load(cache = false): Promise<{ ms: number; segments: number }> {
  const start = performance.now();
  const { study } = await loadStudy(dir, { cache });
  const ms = performance.now() - start;
  return { ms, segments: study!.documents.reduce((n, d) => n + d.segmentList.length, 0) };
}

const rows: Array<[string, string, string, string]> = [];
// --only load,autocode: the bench ends after the first two sections (the load rows always run: auto-coding quotes them).
const only = args.includes('--only') ? new Set(String(args[args.indexOf('--only') + 1]).split(',')) : undefined;

// 1. Load + segment vs. read + split lines (alternating, after one warm-up of each).
baseline();
await load();
const base: number[] = [];
const loads: number[] = [];
let segments = 0;
for (let i = 0; i < runs; i++) {
  base.push(baseline());
  const l = await load();
  loads.push(l.ms);
  segments = l.segments;
}
const bMs = median(base);
const lMs = median(loads);
const speed = bMs / lMs;
rows.push(['read + split lines (baseline)', `${bMs.toFixed(0)} ms`, `${(mb / (bMs / 1000)).toFixed(0)} MB/s`, '']);
rows.push(['load + segment whole study (cold: no index)', `${lMs.toFixed(0)} ms`, `${(mb / (lMs / 1000)).toFixed(0)} MB/s, ${segments} segments`, `${speed.toFixed(2)}x baseline speed (target >= 0.5): ${verdict(speed >= 0.5)}`]);
// The same load with the study index up to date (built by the first load), for comparison only.
{
  await load(true);
  const warm: number[] = [];
  const wBase: number[] = [];
  for (let i = 0; i < runs; i++) {
    wBase.push(baseline());
    warm.push((await load(true)).ms);
  }
  const wMs = median(warm);
  rows.push(['load whole study, warm (index up to date)', `${wMs.toFixed(0)} ms`, `${(mb / (wMs / 1000)).toFixed(0)} MB/s`, `${(median(wBase) / wMs).toFixed(2)}x baseline speed (reported)`]);
}

// 2. Auto-coding (200 codes x 5 keywords, 20 patterns) vs. a plain character scanner over the same
// segments (each transcript lower-cased once, a table of word characters, one hash look-up per word:
// the least any keyword coder does), alternating, on the same loaded study.
if (!only || only.has('autocode')) {
  const { study } = await loadStudy(dir);
  const stem = (await loadStemmer('en'))!;
  const checked = await checkPatterns(study!.codebook);
  const linear = new Map<string, Matcher>();
  for (const [p, engine] of checked.engines) if (engine === 'linear') linear.set(p, await linearMatcher(p));
  const WORD_UNIT = /^[^\s\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\u00a0-\u00bf\u00d7\u00f7\u2000-\u206f\u3000-\u303f\ufeff]$/;
  const isWord = Uint8Array.from({ length: 65536 }, (_, c) => (WORD_UNIT.test(String.fromCharCode(c)) ? 1 : 0));
  const scanner = (): number => {
    const seen = new Map<string, number>();
    let found = 0;
    for (const doc of study!.documents) {
      const list = doc.segmentList;
      const text = list.sourceTextValue.toLowerCase();
      for (let i = 0; i < list.length; i++) {
        const e = list.endOffset(i);
        let p = list.startOffset(i);
        while (p < e) {
          while (p < e && isWord[text.charCodeAt(p)] === 0) p++;
          if (p >= e) break;
          const a = p;
          while (p < e && isWord[text.charCodeAt(p)] === 1) p++;
          const w = text.slice(a, p);
          const hit = seen.get(w);
          if (hit === undefined) seen.set(w, w.length & 1);
          else found += hit;
        }
      }
    }
    return found;
  };
  const times: number[] = [];
  const scans: number[] = [];
  let codings = 0;
  scanner();
  autocode(study!, stem, 'auto', linear, checked.literals);
  for (let i = 0; i < Math.max(3, runs); i++) {
    let s = performance.now();
    scanner();
    scans.push(performance.now() - s);
    s = performance.now();
    codings = autocode(study!, stem, 'auto', linear, checked.literals).codings.length;
    times.push(performance.now() - s);
  }
  const aMs = median(times);
  const sMs = median(scans);
  rows.push(['plain word scanner (baseline)', `${sMs.toFixed(0)} ms`, `${(mb / (sMs / 1000)).toFixed(0)} MB/s`, '']);
  rows.push(['auto-code (200 codes, 20 patterns)', `${aMs.toFixed(0)} ms`, `${(mb / (aMs / 1000)).toFixed(0)} MB/s, ${codings} codings; ${(aMs / lMs).toFixed(2)}x the load`, `${(aMs / sMs).toFixed(2)}x the scanner (target <= 1.5): ${verdict(aMs / sMs <= 1.5)}`]);
}
if (only) {
  process.stdout.write(`qualwave bench: ${mb.toFixed(1)} MB, ${transcripts.length} transcripts, median of ${runs} runs\n`);
  printRows(rows);
  process.exit(0);
}

// 3. Krippendorff's alpha on 4 coders x 1,000,000 units (10 categories, 5% missing): the
// statistic, 1,000 bootstrap resamples, and parsing the matrix as CSV; numpy beside it if present.
{
  const units = Math.round(1_000_000 * Math.min(1, scale * 10));
  const coders = 4;
  const random = rng(11);
  const values = new Int32Array(units * coders);
  for (let u = 0; u < units; u++) {
    const truth = Math.floor(random() * 10);
    for (let c = 0; c < coders; c++) values[u * coders + c] = random() < 0.05 ? MISSING : random() < 0.8 ? truth : Math.floor(random() * 10);
  }
  const ratings: Ratings = { coders, units, values, categories: Array.from({ length: 10 }, (_, i) => String(i)) };
  let s = performance.now();
  const t = toPatterns(ratings);
  const prep = prepare(t);
  const alpha = krippendorffAlpha(prep, t.counts).value;
  const alphaMs = performance.now() - s;
  s = performance.now();
  let n = 0;
  bootstrap(t, { resamples: 1000, seed: 1 }, (w) => {
    if (Number.isFinite(krippendorffAlpha(prep, w).value)) n++;
  });
  const bootMs = performance.now() - s;
  const csvPath = join(repo, '.bench-cache', `matrix-${units}.csv`);
  if (!existsSync(csvPath)) {
    const lines = ['a,b,c,d'];
    for (let u = 0; u < units; u++) lines.push(Array.from(values.subarray(u * coders, u * coders + coders), (v) => (v < 0 ? '' : String(v))).join(','));
    writeFileSync(csvPath, lines.join('\n') + '\n');
  }
  const text = readFileSync(csvPath, 'utf8');
  s = performance.now();
  const parsed = csvParseRows(text);
  const d3Ms = performance.now() - s;
  s = performance.now();
  const parsed2 = (parse(text, { relax_column_count: true }) as string[][]).length;
  const csvParseMs = performance.now() - s;
  // qualwave's one table reader (csv-parse with line numbers and delimiter detection), as agree --matrix reads the file.
  s = performance.now();
  const read = parseTable(text, 'matrix.csv');
  const readerMs = performance.now() - s;
  let peer = '';
  const py = spawnSync('python3', [join(repo, 'bench', 'alpha_numpy.py'), csvPath, String(Math.min(1000, Math.max(10, Math.round(100 * scale * 10))))], { encoding: 'utf8' });
  if (py.status === 0) {
    const r = JSON.parse(py.stdout) as { alpha: number; alpha_s: number; bootstrap_s: number; resamples: number };
    peer = `numpy: ${(r.alpha_s * 1000).toFixed(0)} ms (alpha ${r.alpha.toFixed(4)})`;
    rows.push([`alpha bootstrap, numpy (${r.resamples} resamples)`, `${(r.bootstrap_s * 1000).toFixed(0)} ms`, `${((r.bootstrap_s * 1000 * 1000) / r.resamples / 1000).toFixed(1)} s per 1,000`, '']);
  } else peer = 'numpy: not available (python3 with numpy)';
  rows.push([`Krippendorff alpha, ${coders} x ${units} units`, `${alphaMs.toFixed(0)} ms`, `alpha ${alpha.toFixed(4)}; ${peer}`, `target < 500 ms: ${verdict(alphaMs < 500)}`]);
  rows.push(['alpha bootstrap, 1,000 resamples', `${bootMs.toFixed(0)} ms`, `${n} finite`, `target < 10 s: ${verdict(bootMs < 10_000)}`]);
  rows.push([`parse the ${(text.length / 1e6).toFixed(0)} MB matrix CSV`, `table reader ${readerMs.toFixed(0)} ms (${read.table?.rows.length ?? 0} rows)`, `d3-dsv ${d3Ms.toFixed(0)} ms; csv-parse alone ${csvParseMs.toFixed(0)} ms (${parsed.length - 1}/${parsed2 - 1} rows)`, '(reported)']);
  // The whole command against the numpy peer computing alpha alone (reading the file with pandas
  // when some python3 on the machine has it), each a whole process, in turn, ratio pair by pair.
  const python = ['python3', '/usr/bin/python3'].find((py) => spawnSync(py, ['-c', 'import numpy, pandas'], { stdio: 'ignore' }).status === 0) ?? ['python3'].find((py) => spawnSync(py, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0);
  if (python) {
    const peerArgs = [join(repo, 'bench', 'alpha_numpy.py'), csvPath, '--alpha-only'];
    const reader = (JSON.parse(spawnSync(python, peerArgs, { encoding: 'utf8' }).stdout) as { reader: string }).reader;
    for (const [label, extra, target] of [
      ['with 1,000-resample BCa intervals for every coefficient', [], 1],
      ['without intervals (--resamples 0)', ['--resamples', '0'], 0.5],
    ] as const) {
      const ratios: number[] = [];
      const ours: number[] = [];
      const peers: number[] = [];
      for (let i = 0; i < Math.max(3, runs); i++) {
        let t = performance.now();
        const r = spawnSync(process.execPath, [bin, 'agree', '--matrix', csvPath, '--format', 'json', ...extra], { stdio: 'ignore' });
        if (r.status !== 0) throw new Error(`agree --matrix exited ${r.status}`);
        ours.push(performance.now() - t);
        t = performance.now();
        spawnSync(python, peerArgs, { stdio: 'ignore' });
        peers.push(performance.now() - t);
        ratios.push(ours.at(-1)! / peers.at(-1)!);
      }
      const ratio = median(ratios);
      rows.push([
        `agree --matrix ${coders} x ${units}, ${label}`,
        `${(median(ours) / 1000).toFixed(2)} s`,
        `numpy peer, alpha alone (${reader} reader), whole process: ${(median(peers) / 1000).toFixed(2)} s; ratios ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`,
        `${ratio.toFixed(2)}x (target <= ${target}): ${verdict(ratio <= target)}`,
      ]);
    }
  }
}

// 4. Agreement over the benchmark study: two coders (auto, and auto with 10% of codings changed), every code.
{
  const { study } = await loadStudy(dir);
  const stem = (await loadStemmer('en'))!;
  const auto = autocode(study!, stem, 'a').codings;
  const random = rng(5);
  const codes = study!.codebook.codes.map((c) => c.id);
  const other = auto.map((c) => (random() < 0.1 ? { ...c, coder: 'b', code: codes[Math.floor(random() * codes.length)]! } : { ...c, coder: 'b' }));
  study!.codings = [...auto, ...other];
  study!.coders = ['a', 'b'];
  const s = performance.now();
  // Per code and pooled, as qualwave agree computes them (pattern tables counted by subtraction).
  const data = studyAgreement(study!, { coders: ['a', 'b'], unit: 'segment', level: 'code', resamples: 1000, seed: 1 });
  const ms = performance.now() - s;
  rows.push([`agree: 2 coders, ${data.rows.length - 1} codes, ${data.units} segments`, `${ms.toFixed(0)} ms`, '1,000 resamples per code', '']);
}

// 5. Longitudinal tables on 200,000 coded segments (the auto coder's codings, as consensus).
{
  const loadStart = performance.now();
  const { study } = await loadStudy(dir);
  const loadMs = performance.now() - loadStart;
  const stem = (await loadStemmer('en'))!;
  const all = autocode(study!, stem, 'consensus').codings;
  const seen = new Set<string>();
  const picked = [];
  for (const c of all) {
    const key = `${c.participant}/${c.wave}/${c.startLine}`;
    if (!seen.has(key)) {
      if (seen.size >= 200_000) continue;
      seen.add(key);
    }
    picked.push(c);
  }
  study!.codings = picked;
  study!.coders = ['consensus'];
  const time = (fn: () => unknown): number => {
    const s0 = performance.now();
    fn();
    return performance.now() - s0;
  };
  const cs = codedStudy(study!, 'consensus');
  const indexMs = time(() => codedStudy(study!, 'consensus'));
  const matrixMs = time(() => matrix(cs, { rows: 'theme' }));
  const frameworkMs = time(() => framework(cs, { rows: 'theme' }));
  const trajectoriesMs = time(() => trajectories(cs, { rows: 'theme' }));
  const changeMs = time(() => changeMatrix(cs, { rows: 'theme' }));
  const changeCodesMs = time(() => changeMatrix(cs, { rows: 'code' }));
  for (const [name, ms] of [
    ['coded-segment index', indexMs],
    ['theme x wave matrix', matrixMs],
    ['framework matrix', frameworkMs],
    ['trajectories', trajectoriesMs],
    ['change matrix (themes)', changeMs],
    ['change matrix (every code)', changeCodesMs],
  ] as const) {
    rows.push([`${name}, ${seen.size} coded segments`, `${ms.toFixed(0)} ms`, `load: ${loadMs.toFixed(0)} ms`, name === 'coded-segment index' ? '' : `target < 1 s: ${verdict(ms < 1000)}`]);
  }
}

// 5b. Loading codings (issue 14): reading and checking a coder's file of whole-line codings, and
// the same codings as exact spans (each the speech of its segment's first line, as columns): the
// span form must not make loading measurably slower. Parse + check (range, duplicates, hashes).
{
  const { study } = await loadStudy(dir);
  const stem = (await loadStemmer('en'))!;
  const whole = withHashes(study!, autocode(study!, stem, 'bench').codings.slice(0, 200_000));
  const docs = new Map(study!.documents.map((d) => [d.id, d]));
  const spans = withHashes(
    study!,
    whole.map((c) => {
      const doc = docs.get(`${c.participant}/${c.wave}`)!;
      const index = lineIndexOf(doc);
      const columns = index.columns(c.startLine);
      return columns >= 2 ? { ...c, endLine: c.startLine, startColumn: 2, endColumn: columns } : c;
    }),
  );
  const waves = study!.config.waves.map((w) => w.id);
  const wholeText = formatCodingsFile(whole, waves);
  const spanText = formatCodingsFile(spans, waves);
  const time = (text: string): number => {
    const t: number[] = [];
    for (let i = 0; i < runs + 2; i++) {
      const s0 = performance.now();
      const parsed = parseCodingsFile('codings/bench.tsv', text, 'bench');
      const problems = checkCodings(study!, parsed.codings).length;
      if (problems > 0) throw new Error(`bench codings: ${problems} problems`);
      t.push(performance.now() - s0);
    }
    return median(t.slice(2));
  };
  time(wholeText);
  const wMs = time(wholeText);
  const sMs = time(spanText);
  rows.push([`load codings: ${whole.length} whole-line codings`, `${wMs.toFixed(0)} ms`, `${(wholeText.length / 1e6).toFixed(1)} MB, parse + check + hashes`, '']);
  rows.push([`load codings: the same as exact spans`, `${sMs.toFixed(0)} ms`, `${(spanText.length / 1e6).toFixed(1)} MB`, `${(sMs / wMs).toFixed(2)}x whole lines (target <= 1.25): ${verdict(sMs / wMs <= 1.25)}`]);
}

// 5c. Suggestions (issue 20): see suggestionRows.
rows.push(...(await suggestionRows()));

// 5d. codings import of up to 322,000 rows (the auto coder's codings as interchange CSV), and of a
// tenth of them: linear means about 10x (less: the load of the study is the same for both).
{
  const { study } = await loadStudy(dir);
  const stem = (await loadStemmer('en'))!;
  const all = autocode(study!, stem, 'imp').codings.slice(0, 322_000);
  const csv = (list: typeof all): string => ['coder,participant,wave,start_line,end_line,code', ...list.map((c) => `imp,${c.participant},${c.wave},${c.startLine},${c.endLine},${c.code}`)].join('\n') + '\n';
  const big = join(repo, '.bench-cache', `import-${all.length}.csv`);
  const small = join(repo, '.bench-cache', `import-${Math.round(all.length / 10)}.csv`);
  writeFileSync(big, csv(all));
  writeFileSync(small, csv(all.slice(0, Math.round(all.length / 10))));
  const time = (file: string): number => {
    const t = performance.now();
    const r = spawnSync(process.execPath, [bin, 'codings', 'import', file, '--dry-run', '--study', dir], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`codings import exited ${r.status}`);
    return performance.now() - t;
  };
  const bigMs = median([time(big), time(big), time(big)]);
  const smallMs = median([time(small), time(small), time(small)]);
  rows.push([
    `codings import, ${all.length.toLocaleString('en')} rows (--dry-run)`,
    `${(bigMs / 1000).toFixed(2)} s`,
    `${Math.round(all.length / 10).toLocaleString('en')} rows: ${(smallMs / 1000).toFixed(2)} s (before: 16,000 rows 36 s, quadratic)`,
    `${(bigMs / smallMs).toFixed(1)}x for 10x the rows (linear: <= 10): ${verdict(bigMs / smallMs <= 11 && bigMs < 30_000)}`,
  ]);
}

// 6. Start-up: wall time of the CLI vs. node itself.
rows.push(...startupRows());

// 7. Peak memory of a full load, in a fresh process, vs. the corpus size.
const child = join(repo, 'dist', 'bench', 'load-child.js');
const mem = (mode?: string): { maxRssBytes: number } => {
  const r = spawnSync(process.execPath, [child, dir, ...(mode ? [mode] : [])], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { maxRssBytes: number };
};
const fullRss = mem().maxRssBytes;
const readRss = mem('--baseline').maxRssBytes;
const ratio = fullRss / corpusBytes;
rows.push(['peak memory, full load', `${(fullRss / 1e6).toFixed(0)} MB`, `only reading the files: ${(readRss / 1e6).toFixed(0)} MB`, `${ratio.toFixed(2)}x corpus (target < 3): ${verdict(ratio < 3)}`]);

// 8. Pathological inputs (issue 11): hostile labels, huge REFI projects, backtracking patterns, zip bombs.
{
  const { safetyRows } = await import('./safety.js');
  rows.push(...(await safetyRows(repo, bin)));
}

// 9. Growth of every command with the study.
if (!args.includes('--no-growth')) rows.push(...(await growthRows()));

// 10. The study index.
if (!args.includes('--no-index')) rows.push(...(await indexTable()));

// 11. qc, the command-line peer (qcTable).
const qc = args.includes('--no-qc') ? undefined : await qcTable();
if (qc) rows.push(...qc.rows);

process.stdout.write(`qualwave bench: ${mb.toFixed(1)} MB, ${transcripts.length} transcripts, median of ${runs} runs\n`);
printRows(rows);
if (qc) process.stdout.write(qc.after);

if (!args.includes('--no-coverage')) coverageCheck();
