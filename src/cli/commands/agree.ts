import { dsvFormat } from 'd3-dsv';
import { krippendorffLabel, landisKoch } from '../../core/agreement/interpret.js';
import { agreement, type AgreementResult, type CoefficientName, type Estimate } from '../../core/agreement/report.js';
import { ratingsFromRows, type Level, type Ratings } from '../../core/agreement/table.js';
import { studyAgreement } from '../../core/agreement/study.js';
import type { AgreementUnit } from '../../core/agreement/units.js';
import type { Table } from '../../core/format/table.js';
import { decodeText } from '../../core/text/decode.js';
import { didYouMeanSuffix } from '../../core/text/suggest.js';
import type { Context } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { readUserFile } from '../user-file.js';
import { parseWheres } from '../options.js';
import { renderTable } from '../render.js';
import { checkFilters, selectCoders } from '../filters.js';

const FORMATS = ['table', 'md', 'csv', 'tsv', 'latex', 'html', 'json'] as const;
type Format = (typeof FORMATS)[number];
const LEVELS: readonly Level[] = ['nominal', 'ordinal', 'interval', 'ratio'];

/** `--min alpha=0.8`: names accepted on the command line for each coefficient. */
const GATE_NAMES: Record<string, CoefficientName[]> = {
  alpha: ['krippendorffAlpha'],
  kappa: ['cohenKappa', 'fleissKappa'],
  ac1: ['gwetAC1'],
  ac2: ['gwetAC1'],
  pi: ['scottPi'],
  bp: ['brennanPrediger'],
  agreement: ['percentAgreement'],
  weighted: ['weightedKappa'],
};

interface Row {
  name: string;
  label: string;
  prevalence?: Array<number | null>;
  result: AgreementResult;
}

/** qualwave agree: inter-coder agreement per code (or on a reliability matrix) with bootstrap intervals. */
export async function run(ctx: Context): Promise<number> {
  const format = ctx.format(FORMATS, 'table');
  const o = ctx.opts;
  const resamples = integer(o['resamples'], '--resamples', 0);
  const seed = integer(o['seed'], '--seed', 0);
  const confidence = Number(o['confidence'] ?? 0.95);
  if (!(confidence > 0 && confidence < 1)) throw new UsageError(`--confidence ${String(o['confidence'])}: expected a number between 0 and 1, e.g. 0.95`);
  const weights = o['weights'] as 'linear' | 'quadratic' | undefined;
  const gates = parseGates(o['min'] as string[] | undefined);

  let rows: Row[];
  let meta: Record<string, unknown>;
  let coders: string[];
  if (o['matrix'] !== undefined || o['long'] !== undefined) {
    const level = (o['level'] ?? 'nominal') as string;
    if (!(LEVELS as readonly string[]).includes(level)) throw new UsageError(`--level ${level}: for reliability data use one of ${LEVELS.join(', ')}`);
    const { ratings, coders: names, file } = o['matrix'] !== undefined ? readMatrix(ctx, String(o['matrix'])) : readLong(ctx, String(o['long']));
    coders = names;
    const result = agreement(ratings, { level: level as Level, resamples, seed, confidence, ...(weights ? { weights } : {}) });
    rows = [{ name: file, label: `${ratings.units} units`, result }];
    meta = { source: file, level, coders, categories: ratings.categories };
  } else {
    const study = await ctx.study();
    coders = selectCoders(study, o['coders'] as string[] | undefined);
    const level = (o['level'] ?? 'code') as string;
    if (level !== 'code' && level !== 'theme') throw new UsageError(`--level ${level}: on a study use code or theme (nominal..ratio are for --matrix)`);
    const waves = o['wave'] as string[] | undefined;
    const codes = o['codes'] as string[] | undefined;
    const where = parseWheres(o['where'] as string[] | undefined);
    checkFilters(study, { ...(codes ? { codes } : {}), ...(waves ? { waves } : {}), where });
    const unit = (o['unit'] ?? 'segment') as AgreementUnit;
    if (!['segment', 'document', 'character'].includes(unit)) throw new UsageError(`--unit ${unit}: on a study use segment, document or character`);
    const data = studyAgreement(study, { coders, unit, level, ...(codes ? { codes } : {}), ...(waves ? { waves } : {}), where, includeInterviewer: o['includeInterviewer'] === true, masi: o['masi'] === true, resamples, seed, confidence });
    rows = data.rows;
    meta = { coders, unit, level, units: data.units, waves: waves ?? null };
  }

  const failed = gates.flatMap((g) => check(rows, g, o['pooled'] === true));
  emit(ctx, format, rows, coders, { ...meta, seed, resamples, confidence, gates: gates.map((g) => `${g.name}>=${g.min}`), failed });
  for (const f of failed) ctx.info(ctx.err.red(`✗ ${f}`));
  if (gates.length > 0 && failed.length === 0) ctx.info(ctx.err.green(`✓ agreement meets ${gates.map((g) => `${g.name} >= ${g.min}`).join(', ')}`));
  return failed.length > 0 ? EXIT.checkFailed : EXIT.ok;
}

function integer(v: unknown, flag: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} ${String(v)}: expected a whole number${min > 0 ? ` of at least ${min}` : ''}`);
  return n;
}

interface Gate {
  name: string;
  coefficients: CoefficientName[];
  min: number;
}

function parseGates(raw: string[] | undefined): Gate[] {
  return (raw ?? []).map((g) => {
    const m = /^([a-z0-9]+)\s*=\s*(-?[0-9.]+)$/i.exec(g.trim());
    const names = m ? GATE_NAMES[m[1]!.toLowerCase()] : undefined;
    if (!m || !names || !Number.isFinite(Number(m[2]))) throw new UsageError(`--min ${g}: expected NAME=VALUE with NAME one of ${Object.keys(GATE_NAMES).join(', ')}`, 'e.g. --min alpha=0.8 --min kappa=0.7');
    return { name: m[1]!.toLowerCase(), coefficients: names, min: Number(m[2]) };
  });
}

function check(rows: Row[], gate: Gate, pooledOnly: boolean): string[] {
  const out: string[] = [];
  for (const row of rows) {
    if (pooledOnly && row.name !== 'pooled' && rows.length > 1) continue;
    for (const c of gate.coefficients) {
      const v = row.result.coefficients[c]?.value;
      if (v === undefined) continue;
      if (v === null) out.push(`${row.name}: ${c} is undefined (e.g. a code nobody applied), below ${gate.name} >= ${gate.min}`);
      else if (v < gate.min) out.push(`${row.name}: ${c} = ${v.toFixed(3)} < ${gate.min}`);
    }
  }
  return out;
}

function readCsv(ctx: Context, file: string): string[][] {
  const decoded = decodeText(readUserFile(ctx, file), file);
  if (!decoded.ok) throw new UsageError(`${file}: ${decoded.diagnostic.message}`, decoded.diagnostic.hint);
  return parseDelimited(decoded.text);
}

/** d3-dsv parses large matrices several times faster than csv-parse (npm run bench). */
function parseDelimited(text: string): string[][] {
  const first = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = first.includes('\t') && !first.includes(',') ? '\t' : first.includes(';') && !first.includes(',') ? ';' : ',';
  return dsvFormat(delimiter).parseRows(text.replace(/^\ufeff/, '')).filter((r) => !(r.length === 1 && r[0] === ''));
}

/** Units x coders, header row of coder names, optional first column of unit ids (--unit-ids). */
function readMatrix(ctx: Context, file: string): { ratings: Ratings; coders: string[]; file: string } {
  const rows = readCsv(ctx, file);
  const unitIds = ctx.opts['unitIds'] === true;
  const header = rows[0];
  if (!header || header.length - (unitIds ? 1 : 0) < 2) throw new UsageError(`${file}: expected a header row naming two or more coders`, 'rows are units, columns are coders; empty cells are missing values');
  const coders = header.slice(unitIds ? 1 : 0).map((c) => c.trim());
  const body = rows.slice(1).map((r, i) => {
    const cells = r.slice(unitIds ? 1 : 0);
    if (cells.length > coders.length) throw new UsageError(`${file}:${i + 2}: ${cells.length} values but ${coders.length} coders in the header`);
    return cells;
  });
  return { ratings: toRatings(ctx, file, body, coders.length), coders, file };
}

/** Long data: one row per (unit, coder, value), columns named by --unit, --coder, --value. */
function readLong(ctx: Context, file: string): { ratings: Ratings; coders: string[]; file: string } {
  const rows = readCsv(ctx, file);
  const header = (rows[0] ?? []).map((h) => h.trim());
  const col = (flag: string, fallback: string): number => {
    const name = String(ctx.opts[flag] ?? fallback);
    const i = header.indexOf(name);
    if (i < 0) throw new UsageError(`${file}: no column '${name}'${didYouMeanSuffix(name, header)}`, `columns: ${header.join(', ')}; name them with --unit, --coder and --value`);
    return i;
  };
  const [u, c, v] = [col('unit', 'unit'), col('coder', 'coder'), col('value', 'value')];
  const units = new Map<string, Map<string, string>>();
  const coders: string[] = [];
  rows.slice(1).forEach((r, i) => {
    const unit = (r[u] ?? '').trim();
    const coder = (r[c] ?? '').trim();
    if (!unit || !coder) throw new UsageError(`${file}:${i + 2}: a row needs a unit and a coder`);
    if (!coders.includes(coder)) coders.push(coder);
    let m = units.get(unit);
    if (!m) units.set(unit, (m = new Map()));
    if (m.has(coder)) throw new UsageError(`${file}:${i + 2}: coder '${coder}' rated unit '${unit}' twice`);
    m.set(coder, (r[v] ?? '').trim());
  });
  const body = [...units.values()].map((m) => coders.map((coder) => m.get(coder) ?? ''));
  return { ratings: toRatings(ctx, file, body, coders.length), coders, file };
}

function toRatings(ctx: Context, file: string, body: string[][], coders: number): Ratings {
  const declared = ctx.opts['categories'] as string[] | undefined;
  const { ratings, unknown } = ratingsFromRows(body, coders, declared ? { categories: declared } : {});
  if (unknown.length > 0) {
    const u = unknown[0]!;
    throw new UsageError(`${file}:${u.row + 2}: value '${u.value}' is not one of the declared --categories (${declared!.join(', ')})`);
  }
  if (ratings.categories.length < 2 && !declared) ctx.info(ctx.err.yellow('only one category is used: chance-corrected coefficients are undefined (declare the scale with --categories)'));
  return ratings;
}

const SHOWN: Array<[CoefficientName, string]> = [
  ['percentAgreement', 'agreement'],
  ['cohenKappa', 'Cohen κ'],
  ['weightedKappa', 'weighted κ'],
  ['scottPi', 'Scott π'],
  ['fleissKappa', 'Fleiss κ'],
  ['krippendorffAlpha', 'Krippendorff α'],
  ['gwetAC1', 'Gwet AC'],
  ['brennanPrediger', 'Brennan–Prediger'],
];

function fmt(e: Estimate | undefined, digits = 2): string {
  if (!e) return '';
  if (e.value === null) return '—';
  // No "-0.00": a value that rounds to zero is shown as zero.
  const r = (x: number) => (Math.abs(x) < 0.5 * Math.pow(10, -digits) ? 0 : x).toFixed(digits);
  const ci = e.ciLow !== null && e.ciHigh !== null ? ` [${r(e.ciLow)}, ${r(e.ciHigh)}]` : '';
  return `${r(e.value)}${ci}`;
}

function emit(ctx: Context, format: Format, rows: Row[], coders: string[], meta: Record<string, unknown>): void {
  const all = SHOWN.filter(([name]) => rows.some((r) => r.result.coefficients[name] !== undefined));
  // Tables show one kappa (Cohen's for two coders, Fleiss' for more) and leave Scott's pi to CSV/JSON.
  const two = coders.length === 2;
  const present = all.filter(([name]) => name !== 'scottPi' && (two ? name !== 'fleissKappa' : true));
  if (format === 'json') {
    ctx.emit(
      JSON.stringify(
        {
          ...meta,
          rows: rows.map((r) => ({
            name: r.name,
            label: r.label,
            units: r.result.units,
            ...(r.prevalence ? { prevalence: Object.fromEntries(coders.map((c, i) => [c, r.prevalence![i] ?? null])) } : {}),
            coefficients: r.result.coefficients,
            interpretation: {
              kappa: landisKoch(r.result.coefficients.cohenKappa?.value ?? r.result.coefficients.fleissKappa?.value ?? NaN),
              alpha: krippendorffLabel(r.result.coefficients.krippendorffAlpha?.value ?? NaN),
            },
          })),
        },
        null,
        2,
      ),
    );
    return;
  }
  const prevalenceCols = rows.some((r) => r.prevalence) ? coders.map((c) => ({ header: `${c} %`, align: 'right' as const })) : [];
  const table: Table = {
    title: `Agreement (${coders.join(', ')}; ${meta['unit'] ?? meta['level']}; ${Math.round(Number(meta['confidence']) * 100)}% CI from ${meta['resamples']} bootstrap resamples, seed ${meta['seed']})`,
    columns: [{ header: 'code' }, { header: 'units', align: 'right' }, ...prevalenceCols, ...present.map(([, h]) => ({ header: h, align: 'right' as const }))],
    rows: rows.map((r) => [
      r.name,
      r.result.units,
      ...(r.prevalence ? r.prevalence.map((p) => (p === null ? '—' : (p * 100).toFixed(0))) : prevalenceCols.map(() => '')),
      ...present.map(([name]) => fmt(r.result.coefficients[name], format === 'csv' || format === 'tsv' ? 3 : 2)),
    ]),
  };
  ctx.emit(renderTable(ctx, format === 'csv' || format === 'tsv' ? csvTable(rows, coders, all) : table, format));
}

/** CSV: one column per number (value, ciLow, ciHigh per coefficient). */
function csvTable(rows: Row[], coders: string[], present: Array<[CoefficientName, string]>): Table {
  const hasPrevalence = rows.some((r) => r.prevalence);
  const cols = ['code', 'units', ...(hasPrevalence ? coders.map((c) => `prevalence_${c}`) : []), ...present.flatMap(([n]) => [n, `${n}_ciLow`, `${n}_ciHigh`])];
  const num = (x: number | null | undefined): string | number => (x === null || x === undefined ? '' : Number(x.toFixed(6)));
  return {
    columns: cols.map((header) => ({ header })),
    rows: rows.map((r) => [r.name, r.result.units, ...(hasPrevalence ? (r.prevalence ?? coders.map(() => null)).map(num) : []), ...present.flatMap(([n]) => [num(r.result.coefficients[n]?.value), num(r.result.coefficients[n]?.ciLow), num(r.result.coefficients[n]?.ciHigh)])]),
  };
}
