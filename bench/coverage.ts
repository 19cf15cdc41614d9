import { bootstrap, bootstrapInterval, rng, type IntervalMethod } from '../src/core/agreement/bootstrap.js';
import { cohenKappa, congerKappa, fleissKappa, gwetAC, krippendorffAlpha, percentAgreement, prepare, type Stat } from '../src/core/agreement/coefficients.js';
import { toPatterns, type PatternTable } from '../src/core/agreement/table.js';
import { FEW_INFORMATIVE, FEW_UNITS, UNDEFINED_SHARE } from '../src/core/agreement/report.js';
import { acceleration, analytic } from '../src/core/agreement/variance.js';

/**
 * Coverage of qualwave's 95% intervals, measured by simulation (not a timed test): data are drawn
 * from populations whose coefficients are known exactly, and we count how often each interval
 * holds the true value.
 *
 *   binary-30:  two coders, a code applied to 30% of units, kappa 0.6 (equal marginals: Cohen = Scott = alpha = 0.6)
 *   binary-10:  two coders, a rare code (10%), kappa 0.8
 *   nominal-3:  three coders, four categories (0.4, 0.3, 0.2, 0.1), each coder right with probability 0.8,
 *               else a draw from the marginal: population Fleiss = Conger = alpha = 0.8² = 0.64
 */
interface Scenario {
  name: string;
  coders: number;
  q: number;
  /** Draws one unit's values into out. */
  draw: (random: () => number, out: Int32Array) => void;
  truth: Record<string, number>;
  stats: Record<string, (t: PatternTable, w: Float64Array, influence: boolean) => Stat>;
}

function binary(name: string, pi: number, kappa: number): Scenario {
  const p11 = pi * pi + kappa * pi * (1 - pi);
  const p10 = pi * (1 - pi) * (1 - kappa);
  const p00 = (1 - pi) * (1 - pi) + kappa * pi * (1 - pi);
  const pa = p11 + p00;
  const peAC1 = 2 * pi * (1 - pi);
  return {
    name,
    coders: 2,
    q: 2,
    draw: (random, out) => {
      const u = random();
      if (u < p11) out.set([1, 1]);
      else if (u < p11 + p10) out.set([1, 0]);
      else if (u < p11 + 2 * p10) out.set([0, 1]);
      else out.set([0, 0]);
    },
    // Population alpha: with equal marginals alpha's small-sample factor vanishes as n grows; its target is kappa.
    truth: { cohenKappa: kappa, krippendorffAlpha: kappa, gwetAC1: (pa - peAC1) / (1 - peAC1), percentAgreement: pa },
    stats: {
      cohenKappa: (t, w, i) => cohenKappa(prepare(t), w, undefined, { withInfluence: i }),
      krippendorffAlpha: (t, w, i) => krippendorffAlpha(prepare(t), w, 'nominal', undefined, { withInfluence: i }),
      gwetAC1: (t, w, i) => gwetAC(prepare(t), w, undefined, { withInfluence: i }),
      percentAgreement: (t, w, i) => percentAgreement(prepare(t), w, { withInfluence: i }),
    },
  };
}

function nominal3(): Scenario {
  const m = [0.4, 0.3, 0.2, 0.1];
  const r = 0.8;
  const S = m.reduce((s, x) => s + x * x, 0);
  const pa = r * r + (2 * r * (1 - r) + (1 - r) * (1 - r)) * S;
  const peAC1 = m.reduce((s, x) => s + x * (1 - x), 0) / 3;
  const pick = (u: number): number => (u < 0.4 ? 0 : u < 0.7 ? 1 : u < 0.9 ? 2 : 3);
  return {
    name: 'nominal-3',
    coders: 3,
    q: 4,
    draw: (random, out) => {
      const truth = pick(random());
      for (let c = 0; c < 3; c++) out[c] = random() < r ? truth : pick(random());
    },
    truth: { fleissKappa: r * r, congerKappa: r * r, krippendorffAlpha: r * r, gwetAC1: (pa - peAC1) / (1 - peAC1), percentAgreement: pa },
    stats: {
      fleissKappa: (t, w, i) => fleissKappa(prepare(t), w, { withInfluence: i }),
      congerKappa: (t, w, i) => congerKappa(prepare(t), w, undefined, { withInfluence: i }),
      krippendorffAlpha: (t, w, i) => krippendorffAlpha(prepare(t), w, 'nominal', undefined, { withInfluence: i }),
      gwetAC1: (t, w, i) => gwetAC(prepare(t), w, undefined, { withInfluence: i }),
      percentAgreement: (t, w, i) => percentAgreement(prepare(t), w, { withInfluence: i }),
    },
  };
}

export const SCENARIOS = [binary('binary-30', 0.3, 0.6), binary('binary-10', 0.1, 0.8), nominal3()];
export const SIZES = [15, 25, 40, 50, 100, 200];
const METHODS: Array<IntervalMethod | 'analytic'> = ['bca', 'percentile', 'analytic'];

export interface CoverageCell {
  scenario: string;
  coefficient: string;
  units: number;
  method: IntervalMethod | 'analytic';
  coverage: number;
  /** Replicates where the estimate (or its interval) was undefined: counted as not covering. */
  undefinedShare: number;
  width: number;
  /** Share of replicates whose interval qualwave marks (few units, little information, many undefined resamples). */
  markedShare: number;
  /** Coverage of the intervals qualwave does not mark (NaN when all are marked). */
  unmarkedCoverage: number;
}

/** Coverage of each interval method, per scenario, coefficient and number of units. */
export function coverage(opts: { replicates: number; resamples: number; seed: number; sizes?: number[] }): CoverageCell[] {
  const cells: CoverageCell[] = [];
  const random = rng(opts.seed);
  for (const sc of SCENARIOS) {
    for (const n of opts.sizes ?? SIZES) {
      const names = Object.keys(sc.stats);
      const hit = new Map<string, number>();
      const none = new Map<string, number>();
      const width = new Map<string, number>();
      const marked = new Map<string, number>();
      const unmarkedHit = new Map<string, number>();
      for (let rep = 0; rep < opts.replicates; rep++) {
        const values = new Int32Array(n * sc.coders);
        const row = new Int32Array(sc.coders);
        for (let u = 0; u < n; u++) {
          sc.draw(random, row);
          values.set(row, u * sc.coders);
        }
        const t = toPatterns({ coders: sc.coders, units: n, values, categories: Array.from({ length: sc.q }, (_, i) => String(i)) });
        const samples = names.map(() => new Float64Array(opts.resamples));
        bootstrap(t, { resamples: opts.resamples, seed: rep + 1 }, (w, r) => names.forEach((name, k) => (samples[k]![r] = sc.stats[name]!(t, w, false).value)));
        // Units holding something other than the most common value (what report.ts counts for its mark).
        const totals = new Float64Array(sc.q);
        for (let i = 0; i < values.length; i++) totals[values[i]!]!++;
        const modal = totals.indexOf(Math.max(...totals));
        let informative = 0;
        for (let u = 0; u < n; u++)
          for (let c = 0; c < sc.coders; c++)
            if (values[u * sc.coders + c] !== modal) {
              informative++;
              break;
            }
        names.forEach((name, k) => {
          const st = sc.stats[name]!(t, t.counts, true);
          const truth = sc.truth[name]!;
          for (const method of METHODS) {
            let lo = NaN;
            let hi = NaN;
            if (method === 'analytic') {
              const a = analytic(t, st, 0.95, name === 'percentAgreement' ? { low: 0 } : {});
              if (a) [lo, hi] = [a.low, a.high];
            } else {
              const i = bootstrapInterval(samples[k]!, st.value, 0.95, method, method === 'bca' ? acceleration(t, st) : 0);
              [lo, hi] = [i.low, i.high];
            }
            const key = `${name}/${method}`;
            const undefinedShare = samples[k]!.filter((x) => !Number.isFinite(x)).length / opts.resamples;
            const isMarked = n < FEW_UNITS || undefinedShare > UNDEFINED_SHARE || informative < FEW_INFORMATIVE;
            if (isMarked) marked.set(key, (marked.get(key) ?? 0) + 1);
            const covers = Number.isFinite(lo) && Number.isFinite(hi) && Number.isFinite(st.value) && truth >= lo - 1e-12 && truth <= hi + 1e-12;
            if (!isMarked && covers) unmarkedHit.set(key, (unmarkedHit.get(key) ?? 0) + 1);
            if (!Number.isFinite(lo) || !Number.isFinite(hi) || !Number.isFinite(st.value)) none.set(key, (none.get(key) ?? 0) + 1);
            // A degenerate interval [1, 1] covers a true value below 1 only if they are equal.
            else if (covers) hit.set(key, (hit.get(key) ?? 0) + 1);
            if (Number.isFinite(lo) && Number.isFinite(hi)) width.set(key, (width.get(key) ?? 0) + (hi - lo));
          }
        });
      }
      for (const name of names) {
        for (const method of METHODS) {
          const key = `${name}/${method}`;
          const defined = opts.replicates - (none.get(key) ?? 0);
          const m = marked.get(key) ?? 0;
          cells.push({
            scenario: sc.name,
            coefficient: name,
            units: n,
            method,
            coverage: (hit.get(key) ?? 0) / opts.replicates,
            undefinedShare: (none.get(key) ?? 0) / opts.replicates,
            width: defined > 0 ? (width.get(key) ?? 0) / defined : NaN,
            markedShare: m / opts.replicates,
            unmarkedCoverage: opts.replicates - m > 0 ? (unmarkedHit.get(key) ?? 0) / (opts.replicates - m) : NaN,
          });
        }
      }
    }
  }
  return cells;
}

/** The coverage table: one line per scenario, coefficient and method; a column per number of units. */
export function coverageReport(cells: CoverageCell[], opts: { replicates: number; resamples: number; band: [number, number]; checked: [number, number] }): { text: string; misses: string[] } {
  const sizes = [...new Set(cells.map((c) => c.units))].sort((a, b) => a - b);
  const lines: string[] = [];
  const misses: string[] = [];
  const head = ['scenario', 'coefficient', 'interval', ...sizes.map((n) => `n=${n}`)];
  const body: string[][] = [];
  const groups = new Map<string, CoverageCell[]>();
  for (const c of cells) {
    const k = `${c.scenario}\u0000${c.coefficient}\u0000${c.method}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  for (const [k, list] of groups) {
    const [scenario, coefficient, method] = k.split('\u0000') as [string, string, string];
    body.push([
      scenario,
      coefficient,
      method,
      ...sizes.map((n) => {
        const c = list.find((x) => x.units === n)!;
        const inBand = c.coverage >= opts.band[0] && c.coverage <= opts.band[1];
        const checked = n >= opts.checked[0] && n <= opts.checked[1];
        if (checked && !inBand && method === 'bca') misses.push(`${scenario} ${coefficient} n=${n}: ${(c.coverage * 100).toFixed(1)}%`);
        return `${(c.coverage * 100).toFixed(1)}${c.undefinedShare > 0.005 ? `(${(c.undefinedShare * 100).toFixed(0)}u)` : ''}${checked && !inBand ? '!' : ''}`;
      }),
    ]);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  lines.push(`coverage of 95% intervals, % of ${opts.replicates} simulated data sets (${opts.resamples} bootstrap resamples each); (Nu): N% undefined; !: outside [${opts.band.map((x) => x * 100).join(', ')}]% at ${opts.checked[0]}-${opts.checked[1]} units`);
  lines.push(head.map((h, i) => h.padEnd(widths[i]!)).join('  '));
  for (const r of body)
    lines.push(
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
  lines.push('', `BCa (qualwave's interval): coverage of the intervals it does not mark, and the share it marks (†: fewer than ${FEW_UNITS} units, fewer than ${FEW_INFORMATIVE} units holding anything but the most common value, or more than ${UNDEFINED_SHARE * 100}% undefined resamples)`);
  const head2 = ['scenario', 'coefficient', ...sizes.map((n) => `n=${n}`)];
  const body2: string[][] = [];
  for (const [k, list] of groups) {
    const [scenario, coefficient, method] = k.split('\u0000') as [string, string, string];
    if (method !== 'bca') continue;
    body2.push([
      scenario,
      coefficient,
      ...sizes.map((n) => {
        const c = list.find((x) => x.units === n)!;
        return `${Number.isNaN(c.unmarkedCoverage) ? '—' : (c.unmarkedCoverage * 100).toFixed(1)} †${(c.markedShare * 100).toFixed(0)}%`;
      }),
    ]);
  }
  const widths2 = head2.map((h, i) => Math.max(h.length, ...body2.map((r) => r[i]!.length)));
  lines.push(head2.map((h, i) => h.padEnd(widths2[i]!)).join('  '));
  for (const r of body2)
    lines.push(
      r
        .map((c, i) => c.padEnd(widths2[i]!))
        .join('  ')
        .trimEnd(),
    );
  return { text: lines.join('\n') + '\n', misses };
}
