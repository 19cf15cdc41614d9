import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { growthStudy } from './growth.js';

/**
 * qualwave beside qc (cproctor/qualitative-coding, the command-line peer of issue 16) on the same
 * data, in the same run: the growth study of N documents as a qualwave study with coder a only,
 * and the same transcripts, codebook and codings as a qc project built by bench/qc_corpus.py with
 * qc's own API (built once into .bench-cache/qc-v1-P/). Each pair runs qualwave (warm: its study
 * index built by a first run) and qc in turn, whole processes, and takes the median of the ratios
 * pair by pair. qc is not a dependency: QUALWAVE_BENCH_QC names a Python that imports
 * qualitative_coding (README, "npm run bench"); without it the pairs are skipped.
 */
export const QC_SETUP = 'qc pairs skipped: set QUALWAVE_BENCH_QC to a Python that imports qualitative_coding (qc; setup in the README, "npm run bench")';

/** qc's console script, as its package declares it (qualitative_coding.cli:cli). */
const QC_MAIN = 'import sys; from qualitative_coding.cli import cli; sys.argv[0] = "qc"; sys.exit(cli())';

interface Pair {
  name: string;
  qualwave: (study: string, tmp: string) => string[];
  qc: (tmp: string) => string[];
  /** Documents it runs at (1,000: N; 100: the small study, for a peer too slow at 1,000). */
  at: 'large' | 'small';
  /** A peer that takes minutes (export, crosstab): `slowRuns` pairs, no warm-up run of qc's. */
  slow?: boolean;
  /** Peak memory too (/usr/bin/time). */
  export?: boolean;
}

export const QC_PAIRS: Pair[] = [
  { name: 'summary | qc codes stats', qualwave: (s) => ['summary', '--study', s], qc: () => ['codes', 'stats'], at: 'large' },
  { name: 'matrix --rows code --value segments | qc codes stats', qualwave: (s) => ['matrix', '--study', s, '--rows', 'code', '--value', 'segments'], qc: () => ['codes', 'stats'], at: 'large' },
  { name: 'codings --code theme3.code4 | qc codes find theme3.code4', qualwave: (s) => ['codings', '--study', s, '--code', 'theme3.code4'], qc: () => ['codes', 'find', 'theme3.code4'], at: 'large' },
  { name: 'codings --code theme3 | qc codes find -r theme3', qualwave: (s) => ['codings', '--study', s, '--code', 'theme3'], qc: () => ['codes', 'find', '-r', 'theme3'], at: 'large' },
  { name: 'validate | qc check', qualwave: (s) => ['validate', s], qc: () => ['check'], at: 'large' },
  { name: 'cooccurrence | qc codes crosstab', qualwave: (s) => ['cooccurrence', '--study', s], qc: () => ['codes', 'crosstab'], at: 'small', slow: true },
  { name: 'export (.qdpx) | qc export', qualwave: (s, t) => ['export', '--study', s, '--output', join(t, 'qualwave.qdpx'), '--force'], qc: (t) => ['export', join(t, 'qc.qdpx')], at: 'large', slow: true, export: true },
];

/** The pair of projects for the growth study of `documents` documents, built once: { study, qc, counts }. */
export async function qcProjects(repo: string, python: string, documents: number, log: (s: string) => void): Promise<{ study: string; qc: string; counts: string }> {
  const cache = join(repo, '.bench-cache');
  const growth = await growthStudy(cache, documents);
  const dir = join(cache, `qc-v1-${Math.max(1, Math.round(documents / 3))}`);
  const marker = join(dir, '.complete');
  const study = join(dir, 'study');
  const qc = join(dir, 'qc');
  // qc_corpus.py's two lines of counts (qc's own log lines may come before them on stdout).
  const counts = (text: string): string =>
    text
      .split('\n')
      .filter((l) => /^(study|qc):/.test(l))
      .join('\n');
  if (existsSync(marker)) return { study, qc, counts: counts(readFileSync(marker, 'utf8')) };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(study, 'codings'), { recursive: true });
  // Coder a only (consensus is a copy of a, b a variation): the same codings on both sides.
  for (const f of ['qualwave.yaml', 'participants.csv', 'codebooks', 'transcripts']) cpSync(join(growth, f), join(study, f), { recursive: true });
  cpSync(join(growth, 'codings', 'a.tsv'), join(study, 'codings', 'a.tsv'));
  const s = performance.now();
  const r = spawnSync(python, [join(repo, 'bench', 'qc_corpus.py'), study, qc, 'a'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`bench/qc_corpus.py exited ${r.status}: ${String(r.stderr).slice(-2000)}${r.stdout}`);
  log(`qc: built ${qc} in ${((performance.now() - s) / 1000).toFixed(1)} s`);
  writeFileSync(marker, r.stdout);
  return { study, qc, counts: counts(r.stdout) };
}

const median = (xs: number[]): number => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;

/** Rows (pair, qualwave, qc, ratio and verdict), or undefined when QUALWAVE_BENCH_QC is not set. */
export async function qcRows(opts: { repo: string; bin: string; sizes: [number, number]; runs: number; slowRuns: number; log: (s: string) => void }): Promise<{ rows: Array<[string, string, string, string]>; counts: string[] } | undefined> {
  const python = process.env['QUALWAVE_BENCH_QC'];
  if (!python) return undefined;
  const tmp = join(opts.repo, '.bench-cache', 'qc-out');
  mkdirSync(tmp, { recursive: true });
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete env['QUALWAVE_NO_CACHE'];
  const run = (cmd: string, argv: string[], cwd: string | undefined, what: string, rss: boolean): { ms: number; rss?: number } => {
    const t0 = performance.now();
    const res = rss && timeBin ? spawnSync(timeBin, ['-f', '%M', cmd, ...argv], { cwd, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28, env }) : spawnSync(cmd, argv, { cwd, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28, env });
    const ms = performance.now() - t0;
    if (res.status !== 0 && res.status !== 1) throw new Error(`${what} exited ${res.status}: ${String(res.stderr).slice(-500)}`);
    const kb = rss && timeBin ? Number(/(\d+)\s*$/.exec(String(res.stderr))?.[1]) : NaN;
    return Number.isFinite(kb) ? { ms, rss: kb * 1024 } : { ms };
  };
  const out: Array<[string, string, string, string]> = [];
  const projects = { large: await qcProjects(opts.repo, python, opts.sizes[0], opts.log), small: await qcProjects(opts.repo, python, opts.sizes[1], opts.log) };
  for (const at of ['large', 'small'] as const) {
    const n = opts.sizes[at === 'large' ? 0 : 1];
    out.push([`qc pairs: N = ${n.toLocaleString('en')} documents, coder a`, 'qualwave (warm)', 'qc', 'qualwave / qc, median of the pairs (target <= 0.5x: at least 2x faster)']);
    for (const p of QC_PAIRS.filter((q) => q.at === at)) {
      const { study, qc } = projects[at];
      const qw = [opts.bin, ...p.qualwave(study, tmp)];
      const peer = ['-c', QC_MAIN, ...p.qc(tmp)];
      const runs = p.slow ? opts.slowRuns : opts.runs;
      if (runs <= 0) continue;
      // A first qualwave run builds (or checks) the study index; qc's first run warms the file cache.
      run(process.execPath, qw, undefined, `qualwave ${p.name}`, false);
      if (!p.slow) run(python, peer, qc, `qc ${p.name}`, false);
      const a: number[] = [];
      const b: number[] = [];
      const ratios: number[] = [];
      let rssA = 0;
      let rssB = 0;
      for (let r = 0; r < runs; r++) {
        const x = run(process.execPath, qw, undefined, `qualwave ${p.name}`, p.export === true);
        const y = run(python, peer, qc, `qc ${p.name}`, p.export === true);
        a.push(x.ms);
        b.push(y.ms);
        ratios.push(x.ms / y.ms);
        rssA = Math.max(rssA, x.rss ?? 0);
        rssB = Math.max(rssB, y.rss ?? 0);
      }
      const ratio = median(ratios);
      const mem = (bytes: number): string => (bytes > 0 ? `, ${(bytes / 2 ** 20).toFixed(0)} MiB` : '');
      out.push([`  ${p.name}`, `${(median(a) / 1000).toFixed(2)} s${mem(rssA)}`, `${(median(b) / 1000).toFixed(2)} s${mem(rssB)}`, `${ratio.toFixed(2)}x (${runs} pair${runs === 1 ? '' : 's'}): ${ratio <= 0.5 ? 'ok' : 'MISSED'}`]);
      opts.log(`  qc pair ${n} ${p.name}: ${(median(a) / 1000).toFixed(2)} s vs ${(median(b) / 1000).toFixed(2)} s, ${ratio.toFixed(2)}x`);
    }
  }
  return { rows: out, counts: [...new Set([projects.large.counts, projects.small.counts])] };
}
