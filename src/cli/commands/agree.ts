import { dsvFormat } from 'd3-dsv';
import type { IntervalMethod } from '../../core/agreement/bootstrap.js';
import type { ChanceUnits } from '../../core/agreement/coefficients.js';
import { contingencyTable, countsTable, looksLikeUnitIds, weightsTable, type ReadTable } from '../../core/agreement/input.js';
import { krippendorffLabel, landisKoch } from '../../core/agreement/interpret.js';
import { agreement, type AgreementResult, type CoefficientName, type Estimate } from '../../core/agreement/report.js';
import { studyAgreement, studyUnitizing } from '../../core/agreement/study.js';
import { toPatterns, type Level, type PatternTable, type Ratings } from '../../core/agreement/table.js';
import type { TranscriptSelection, Uncoded } from '../../core/agreement/transcripts.js';
import type { AgreementUnit } from '../../core/agreement/units.js';
import { ratingsFromRows, type ValueProblem } from '../../core/agreement/values.js';
import type { Table } from '../../core/format/table.js';
import { decodeText } from '../../core/text/decode.js';
import { didYouMeanSuffix } from '../../core/text/suggest.js';
import type { Context } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { readUserFile } from '../user-file.js';
import { parseWheres } from '../options.js';
import { renderTable } from '../render.js';
import { checkFilters, selectCoders } from '../filters.js';
import { plural } from '../report.js';

const FORMATS = ['table', 'md', 'csv', 'tsv', 'latex', 'html', 'json'] as const;
type Format = (typeof FORMATS)[number];
const LEVELS: readonly Level[] = ['nominal', 'ordinal', 'interval', 'ratio'];
const INTERVALS: readonly IntervalMethod[] = ['bca', 'percentile'];

/** `--min alpha=0.8`: the names accepted on the command line. */
const GATE_NAMES = ['alpha', 'kappa', 'cohen', 'fleiss', 'conger', 'pi', 'scott', 'ac1', 'ac2', 'bp', 'agreement', 'weighted', 'ualpha'] as const;
type GateName = (typeof GATE_NAMES)[number];

interface Row {
  name: string;
  label: string;
  prevalence?: Array<number | null>;
  result: AgreementResult;
}

interface Kind {
  coders: number;
  /** Coders are not identified (counts tables). */
  anonymous: boolean;
  weights: boolean;
  unitizing: boolean;
}

/** qualwave agree: inter-coder agreement per code (or on reliability data) with intervals and standard errors. */
export async function run(ctx: Context): Promise<number> {
  const format = ctx.format(FORMATS, 'table');
  const o = ctx.opts;
  const resamples = integer(o['resamples'], '--resamples', 0);
  const seed = integer(o['seed'], '--seed', 0);
  const confidence = Number(o['confidence'] ?? 0.95);
  if (!(confidence > 0 && confidence < 1)) throw new UsageError(`--confidence ${String(o['confidence'])}: expected a number between 0 and 1, e.g. 0.95`);
  const interval = String(o['interval'] ?? 'bca') as IntervalMethod;
  if (!INTERVALS.includes(interval)) throw new UsageError(`--interval ${interval}: use bca or percentile`);
  const chance = String(o['chance'] ?? 'compared') as ChanceUnits;
  if (chance !== 'compared' && chance !== 'rated') throw new UsageError(`--chance ${chance}: use compared or rated`);
  const gates = parseGates(o['min'] as string[] | undefined);
  const inputs = ['matrix', 'long', 'counts', 'table'].filter((k) => o[k] !== undefined);
  if (inputs.length > 1) throw new UsageError(`give one of --${inputs.join(', --')}`, 'each reads reliability data in its own shape');

  let rows: Row[];
  let meta: Record<string, unknown>;
  let coders: string[];
  let kind: Kind;
  if (inputs.length === 1) {
    const level = String(o['level'] ?? 'nominal') as Level;
    if (!LEVELS.includes(level)) throw new UsageError(`--level ${level}: for reliability data use one of ${LEVELS.join(', ')}`);
    if (o['unitizing'] === true) throw new UsageError('--unitizing works on a study\'s codings, not on reliability data');
    const data = readData(ctx, inputs[0] as 'matrix' | 'long' | 'counts' | 'table', level);
    coders = data.coders;
    for (const n of data.notes) ctx.info(ctx.err.yellow(`note: ${n}`));
    const table = data.table;
    const weights = readWeights(ctx, table);
    if (table.q < 2 && !o['categories']) ctx.info(ctx.err.yellow('only one category is used: chance-corrected coefficients are undefined (declare the scale with --categories)'));
    const singles = singleValued(table);
    if (singles > 0) ctx.info(ctx.err.yellow(`note: ${plural(singles, 'unit')} with a single value ${singles === 1 ? 'is' : 'are'} not compared: ${chance === 'compared' ? `no coefficient uses ${singles === 1 ? 'it' : 'them'} (irrCAC and Gwet (2014) count such units in the chance agreement of AC1, Fleiss, Conger and Brennan–Prediger: --chance rated does too)` : "with --chance rated they count in the chance agreement of Gwet's coefficients, as irrCAC does"}`));
    const result = agreement(table, { level, resamples, seed, confidence, interval, units: chance, anonymousCoders: data.anonymous, ...(weights ? { weights } : {}), ...(data.differences ? { differences: data.differences } : {}) });
    rows = [{ name: data.source, label: `${result.units} units`, result }];
    kind = { coders: coders.length, anonymous: data.anonymous, weights: weights !== undefined, unitizing: false };
    meta = { source: data.source, input: inputs[0], level, coders: data.anonymous ? null : coders, ratersPerUnit: data.anonymous ? table.coders : undefined, categories: table.categories, weights: weights === undefined ? null : typeof o['weights'] === 'string' ? o['weights'] : null, chance };
  } else {
    const study = await ctx.study();
    coders = selectCoders(study, o['coders'] as string[] | undefined);
    const level = String(o['level'] ?? 'code');
    if (level !== 'code' && level !== 'theme') throw new UsageError(`--level ${level}: on a study use code or theme (nominal..ratio are for --matrix, --long, --counts)`);
    if (o['weights'] !== undefined) throw new UsageError('--weights is for ordered reliability data (--matrix, --long, --counts, --table)', "a study's codes are present or absent: there is nothing between them to weigh");
    const waves = o['wave'] as string[] | undefined;
    const codes = o['codes'] as string[] | undefined;
    const where = parseWheres(o['where'] as string[] | undefined);
    checkFilters(study, { ...(codes ? { codes } : {}), ...(waves ? { waves } : {}), where });
    const uncoded = String(o['uncoded'] ?? 'absent') as Uncoded;
    if (uncoded !== 'absent' && uncoded !== 'missing') throw new UsageError(`--uncoded ${uncoded}: use absent or missing`, 'absent: a coder who did not code a transcript found nothing there (the default); missing: that transcript is left out');
    const unit = String(o['unit'] ?? 'segment') as AgreementUnit;
    if (!['segment', 'document', 'character'].includes(unit)) throw new UsageError(`--unit ${unit}: on a study use segment, document or character`);
    const common = { coders, unit, level: level as 'code' | 'theme', ...(codes ? { codes } : {}), ...(waves ? { waves } : {}), where, includeInterviewer: o['includeInterviewer'] === true, uncoded, resamples, seed, confidence, interval };
    let selection: TranscriptSelection;
    if (o['unitizing'] === true) {
      if (o['masi'] === true) throw new UsageError('--masi and --unitizing are different comparisons: give one');
      const data = studyUnitizing(study, common);
      rows = data.rows;
      selection = data.selection;
      if (data.merged > 0) ctx.info(ctx.err.yellow(`note: ${plural(data.merged, 'coding')} overlapping another coding of the same code by the same coder ${data.merged === 1 ? 'was' : 'were'} merged with it into one stretch`));
      meta = { coders, unit: 'character', unitizing: true, level, characters: data.characters, transcripts: selection.compared.length, waves: waves ?? null, uncoded };
    } else {
      const data = studyAgreement(study, { ...common, masi: o['masi'] === true });
      rows = data.rows;
      selection = data.selection;
      meta = { coders, unit, level, units: data.units, transcripts: selection.compared.length, waves: waves ?? null, uncoded, chance };
    }
    reportSelection(ctx, selection, uncoded, coders);
    meta['excluded'] = selection.excluded;
    meta['readAsAbsent'] = selection.readAsAbsent;
    meta['notFinished'] = selection.notFinished;
    kind = { coders: coders.length, anonymous: false, weights: false, unitizing: o['unitizing'] === true };
  }

  const resolved = gates.map((g) => ({ ...g, coefficient: resolveGate(g, kind) }));
  const failed = resolved.flatMap((g) => check(rows, g, o['pooled'] === true));
  emit(ctx, format, rows, coders, kind, { ...meta, interval, seed, resamples, confidence, gates: resolved.map((g) => ({ gate: `${g.name}>=${g.min}`, coefficient: g.coefficient })), failed });
  for (const f of failed) ctx.info(ctx.err.red(`✗ ${f}`));
  if (gates.length > 0 && failed.length === 0) ctx.info(ctx.err.green(`✓ agreement meets ${resolved.map((g) => `${g.name} (${g.coefficient}) >= ${g.min}`).join(', ')}`));
  return failed.length > 0 ? EXIT.checkFailed : EXIT.ok;
}

function integer(v: unknown, flag: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} ${String(v)}: expected a whole number${min > 0 ? ` of at least ${min}` : ''}`);
  return n;
}

function singleValued(t: PatternTable): number {
  let n = 0;
  for (let p = 0; p < t.counts.length; p++) {
    let m = 0;
    for (let c = 0; c < t.coders; c++) if (t.tuples[p * t.coders + c]! >= 0) m++;
    if (m === 1) n += t.counts[p]!;
  }
  return n;
}

/** What the transcript rule did: transcripts left out, and silent coders counted as finding nothing. */
function reportSelection(ctx: Context, s: TranscriptSelection, uncoded: Uncoded, coders: string[]): void {
  const list = (items: string[]): string => `${items.slice(0, 8).join(', ')}${items.length > 8 ? `, and ${items.length - 8} more` : ''}`;
  const partial = s.excluded.filter((e) => e.reason !== 'no compared coder coded or finished it');
  const nobody = s.excluded.length - partial.length;
  if (partial.length > 0) {
    ctx.info(ctx.err.yellow(`${plural(partial.length, 'transcript')} left out because a coder neither coded nor finished ${partial.length === 1 ? 'it' : 'them'} (--uncoded missing): ${list(partial.map((e) => `${e.transcript} (${e.reason.replace(' neither coded nor finished it', '')})`))}`));
    ctx.info(ctx.err.yellow(`  if they read ${partial.length === 1 ? 'it' : 'them'} and found nothing to code, mark ${partial.length === 1 ? 'it' : 'them'} finished (qualwave code P W --coder NAME --done), or count silence as "absent" with --uncoded absent`));
  }
  if (nobody > 0) ctx.info(ctx.err.yellow(`${plural(nobody, 'transcript')} that none of ${coders.join(', ')} coded or finished ${nobody === 1 ? 'is' : 'are'} left out`));
  if (s.readAsAbsent.length > 0 && uncoded === 'absent') {
    ctx.info(ctx.err.yellow(`${plural(s.readAsAbsent.length, 'transcript')} where a coder coded nothing and did not mark ${s.readAsAbsent.length === 1 ? 'it' : 'them'} finished count as "nothing applies" for that coder (--uncoded absent): ${list(s.readAsAbsent.map((r) => `${r.transcript} (${r.coders.join(', ')})`))}`));
    ctx.info(ctx.err.yellow('  if those coders have not coded them yet, compare only what everyone coded with --uncoded missing'));
  }
  if (s.notFinished.length > 0) ctx.info(ctx.err.yellow(`${plural(s.notFinished.length, 'transcript')} coded but not marked finished (in progress?): ${list(s.notFinished.map((r) => `${r.transcript} (${r.coders.join(', ')})`))}`));
}

interface Gate {
  name: GateName;
  min: number;
}

function parseGates(raw: string[] | undefined): Gate[] {
  return (raw ?? []).map((g) => {
    const m = /^([a-z0-9]+)\s*=\s*(-?[0-9.]+)$/i.exec(g.trim());
    const name = m?.[1]!.toLowerCase();
    if (!m || !name || !(GATE_NAMES as readonly string[]).includes(name) || !Number.isFinite(Number(m[2]))) {
      throw new UsageError(`--min ${g}: expected NAME=VALUE with NAME one of ${GATE_NAMES.join(', ')}${name ? didYouMeanSuffix(name, GATE_NAMES) : ''}`, 'e.g. --min alpha=0.8 --min kappa=0.7');
    }
    return { name: name as GateName, min: Number(m[2]) };
  });
}

/** The coefficient a gate checks for these data, or a usage error saying why it is not computed. */
function resolveGate(g: Gate, k: Kind): CoefficientName {
  const no = (why: string, hint?: string): never => {
    throw new UsageError(`--min ${g.name}=${g.min}: ${why}`, hint);
  };
  if (k.unitizing && g.name !== 'ualpha') no('with --unitizing the coefficient is unitizing alpha', `use --min ualpha=${g.min}`);
  const named = !k.anonymous;
  const two = k.coders === 2;
  switch (g.name) {
    case 'ualpha':
      return k.unitizing ? 'unitizingAlpha' : no('unitizing alpha is computed with --unitizing', 'qualwave agree --unitizing --min ualpha=...');
    case 'alpha':
      return 'krippendorffAlpha';
    case 'kappa':
      if (!named) no("Cohen's kappa needs to know which coder gave which value, and a counts table does not say", `use --min fleiss=${g.min}`);
      return two ? 'cohenKappa' : 'fleissKappa';
    case 'cohen':
      if (!named) no("Cohen's kappa needs to know which coder gave which value, and a counts table does not say", `use --min fleiss=${g.min}`);
      return two ? 'cohenKappa' : no(`Cohen's kappa is for two coders; these data have ${k.coders}`, `use --min fleiss=${g.min} or --min conger=${g.min}`);
    case 'fleiss':
      return 'fleissKappa';
    case 'conger':
      if (!named) no("Conger's kappa needs to know which coder gave which value, and a counts table does not say", `use --min fleiss=${g.min}`);
      return two ? no("with two coders Conger's kappa is Cohen's", `use --min kappa=${g.min}`) : 'congerKappa';
    case 'pi':
    case 'scott':
      if (!named) no("Scott's pi needs two identified coders; a counts table does not name them", `use --min fleiss=${g.min} (with two values per unit it is Scott's pi)`);
      return two ? 'scottPi' : no(`Scott's pi is for two coders; these data have ${k.coders}`, `use --min fleiss=${g.min} (Fleiss' kappa generalises it)`);
    case 'ac1':
      return 'gwetAC1';
    case 'ac2':
      return k.weights ? 'gwetAC2' : no('AC2 is computed only with --weights', 'add --weights linear, quadratic or a weights file');
    case 'bp':
      return 'brennanPrediger';
    case 'agreement':
      return 'percentAgreement';
    case 'weighted':
      if (!k.weights) no('weighted kappa is computed only with --weights', 'add --weights linear, quadratic or a weights file');
      if (!named || !two) no(`weighted kappa is for two identified coders; these data have ${k.anonymous ? 'unnamed coders' : k.coders}`, `use --min ac2=${g.min}`);
      return 'weightedKappa';
  }
}

function check(rows: Row[], gate: Gate & { coefficient: CoefficientName }, pooledOnly: boolean): string[] {
  const out: string[] = [];
  for (const row of rows) {
    if (pooledOnly && row.name !== 'pooled' && rows.length > 1) continue;
    const v = row.result.coefficients[gate.coefficient]?.value;
    if (v === undefined) continue;
    if (v === null) out.push(`${row.name}: ${gate.coefficient} is undefined (e.g. a code nobody applied), below ${gate.name} >= ${gate.min}`);
    else if (v < gate.min) out.push(`${row.name}: ${gate.coefficient} = ${v.toFixed(3)} < ${gate.min}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reliability data files

interface Rows {
  rows: string[][];
  /** The file line of each row (1-based). */
  lines: number[];
}

function readCsv(ctx: Context, file: string): Rows {
  const decoded = decodeText(readUserFile(ctx, file), file);
  if (!decoded.ok) throw new UsageError(`${file}: ${decoded.diagnostic.message}`, decoded.diagnostic.hint);
  return parseDelimited(decoded.text);
}

/** d3-dsv parses large matrices several times faster than csv-parse (npm run bench). Blank lines are skipped. */
function parseDelimited(text: string): Rows {
  const first = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = first.includes('\t') && !first.includes(',') ? '\t' : first.includes(';') && !first.includes(',') ? ';' : ',';
  const all = dsvFormat(delimiter).parseRows(text.replace(/^\ufeff/, ''));
  const rows: string[][] = [];
  const lines: number[] = [];
  all.forEach((r, i) => {
    if (r.length === 1 && r[0]!.trim() === '') return;
    rows.push(r);
    lines.push(i + 1);
  });
  return { rows, lines };
}

interface Data {
  table: PatternTable;
  coders: string[];
  source: string;
  anonymous: boolean;
  differences?: Float64Array;
  notes: string[];
}

function fail(file: string, problems: readonly ValueProblem[], lineOf: (row: number) => number | undefined): never {
  const p = problems[0]!;
  const line = p.row !== undefined ? (p.row < 0 ? 1 : lineOf(p.row)) : undefined;
  const more = problems.length > 1 ? ` (and ${plural(problems.length - 1, 'more problem')})` : '';
  throw new UsageError(`${p.message.startsWith('--') ? '' : `${file}${line !== undefined ? `:${line}` : ''}: `}${p.message}${more}`, p.hint);
}

function readData(ctx: Context, input: 'matrix' | 'long' | 'counts' | 'table', level: Level): Data {
  const file = String(ctx.opts[input]);
  const { rows, lines } = readCsv(ctx, file);
  const header = (rows[0] ?? []).map((h) => h.trim());
  const body = rows.slice(1);
  const lineOf = (row: number): number | undefined => lines[row + 1];
  const declared = ctx.opts['categories'] as string[] | undefined;
  if (input === 'counts' || input === 'table') {
    if (declared) throw new UsageError(`--categories does not apply to --${input}: the header names the categories, in order`);
    let read: ReadTable;
    if (input === 'counts') {
      const unitIds = idColumn(ctx, file, header, body, 'categories');
      read = countsTable(header, body, { unitIds });
    } else {
      const n = ctx.opts['n'] === undefined ? undefined : Number(ctx.opts['n']);
      if (n !== undefined && !(n > 0)) throw new UsageError(`--n ${String(ctx.opts['n'])}: expected the number of units, e.g. --n 100`);
      read = contingencyTable(header, body, n !== undefined ? { n } : {});
    }
    if (read.problems.length > 0 || !read.table) fail(file, read.problems, lineOf);
    checkLevel(file, level, read.table);
    const coders = read.coders ?? [];
    return { table: read.table, coders: input === 'counts' ? [] : coders, source: file, anonymous: input === 'counts', notes: read.notes };
  }
  let coders: string[];
  let cells: string[][];
  let cellLine: (row: number) => number | undefined = lineOf;
  if (input === 'matrix') {
    const unitIds = idColumn(ctx, file, header, body, 'coders');
    coders = header.slice(unitIds ? 1 : 0);
    checkHeader(file, coders, unitIds ? 2 : 1);
    if (coders.length < 2) throw new UsageError(`${file}: expected a header row naming two or more coders`, 'rows are units, columns are coders; empty cells are missing values');
    cells = body.map((r, i) => {
      const c = r.slice(unitIds ? 1 : 0);
      if (c.length > coders.length) throw new UsageError(`${file}:${lineOf(i)}: ${c.length} values but ${coders.length} coders in the header`, 'a trailing comma adds an empty value; remove it, or name the column');
      return c;
    });
  } else {
    const col = (flag: string, fallback: string): number => {
      const name = String(ctx.opts[flag] ?? fallback);
      const i = header.indexOf(name);
      if (i < 0) throw new UsageError(`${file}: no column '${name}'${didYouMeanSuffix(name, header)}`, `columns: ${header.join(', ')}; name them with --unit, --coder and --value`);
      return i;
    };
    const [u, c, v] = [col('unit', 'unit'), col('coder', 'coder'), col('value', 'value')];
    const units = new Map<string, Map<string, { value: string; line: number }>>();
    coders = [];
    body.forEach((r, i) => {
      const unit = (r[u] ?? '').trim();
      const coder = (r[c] ?? '').trim();
      if (!unit || !coder) throw new UsageError(`${file}:${lineOf(i)}: a row needs a unit and a coder`);
      if (!coders.includes(coder)) coders.push(coder);
      let m = units.get(unit);
      if (!m) units.set(unit, (m = new Map()));
      if (m.has(coder)) throw new UsageError(`${file}:${lineOf(i)}: coder '${coder}' rated unit '${unit}' twice (also line ${m.get(coder)!.line})`);
      m.set(coder, { value: (r[v] ?? '').trim(), line: lineOf(i)! });
    });
    const list = [...units.values()];
    cells = list.map((m) => coders.map((coder) => m.get(coder)?.value ?? ''));
    // Problems name the line of the first rating of the unit.
    cellLine = (row) => Math.min(...[...list[row]!.values()].map((x) => x.line));
  }
  const parsed = ratingsFromRows(cells, coders.length, { level, ...(declared ? { categories: declared } : {}) });
  if (parsed.problems.length > 0 || !parsed.ratings) fail(file, parsed.problems, cellLine);
  const table = toPatterns(parsed.ratings as Ratings);
  return { table, coders, source: file, anonymous: false, ...(parsed.differences ? { differences: parsed.differences } : {}), notes: parsed.notes };
}

/** Whether the first column holds unit ids: --unit-ids / --no-unit-ids, or an error when it looks like it and neither is given. */
function idColumn(ctx: Context, file: string, header: string[], body: string[][], what: 'coders' | 'categories'): boolean {
  const flag = ctx.opts['unitIds'] as boolean | undefined;
  if (flag !== undefined) return flag;
  const why = looksLikeUnitIds(header, body);
  if (why) throw new UsageError(`${file}: the first column '${header[0]}' looks like unit ids (${why})`, `say --unit-ids to use it as ids, or --no-unit-ids to count it as one of the ${what}`);
  return false;
}

function checkHeader(file: string, names: string[], firstColumn: number): void {
  names.forEach((n, i) => {
    if (n === '') throw new UsageError(`${file}:1: column ${i + firstColumn} of the header has no name`, 'name every coder (a trailing comma adds an empty, nameless column)');
  });
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new UsageError(`${file}:1: coder '${n}' appears twice in the header`, 'give each coder one column');
    seen.add(n);
  }
}

function checkLevel(file: string, level: Level, t: PatternTable): void {
  if (level === 'ordinal' || level === 'nominal') return;
  if (!t.hasNumbers) throw new UsageError(`${file}: ${level} data need numbers; the categories (${t.categories.slice(0, 4).join(', ')}) are labels`, 'name the categories by their numbers in the header');
  if (level === 'ratio' && [...t.numeric].some((x) => x < 0)) throw new UsageError(`${file}: ratio data cannot be negative`, 'use --level interval for signed values');
}

/** --weights linear|quadratic|FILE: a scheme (ordered categories only) or a weight matrix over the data's categories. */
function readWeights(ctx: Context, t: PatternTable): 'linear' | 'quadratic' | Float64Array | undefined {
  const w = ctx.opts['weights'] as string | undefined;
  if (w === undefined) return undefined;
  if (w === 'linear' || w === 'quadratic') {
    if (!t.ordered) throw new UsageError(`--weights ${w} needs ordered categories; these are text labels (${t.categories.slice(0, 4).join(', ')})`, 'declare their order with --categories, lowest first');
    return w;
  }
  const { rows, lines } = readCsv(ctx, w);
  const read = weightsTable(rows[0] ?? [], rows.slice(1), t.categories);
  if (read.problems.length > 0 || !read.weights) fail(w, read.problems, (row) => lines[row + 1]);
  return read.weights;
}

// ---------------------------------------------------------------------------------------------
// Output

const SHOWN: Array<[CoefficientName, string]> = [
  ['percentAgreement', 'agreement'],
  ['cohenKappa', 'Cohen κ'],
  ['weightedKappa', 'weighted κ'],
  ['fleissKappa', 'Fleiss κ'],
  ['krippendorffAlpha', 'Krippendorff α'],
  ['gwetAC1', 'Gwet AC1'],
  ['gwetAC2', 'Gwet AC2'],
  ['brennanPrediger', 'Brennan–Prediger'],
  ['unitizingAlpha', 'unitizing α'],
];

const MARK = '†';

function fmt(e: Estimate | undefined, digits = 2): string {
  if (!e) return '';
  if (e.value === null) return '—';
  // No "-0.00": a value that rounds to zero is shown as zero.
  const r = (x: number) => (Math.abs(x) < 0.5 * Math.pow(10, -digits) ? 0 : x).toFixed(digits);
  const ci = e.ciLow !== null && e.ciHigh !== null ? ` [${r(e.ciLow)}, ${r(e.ciHigh)}]` : '';
  return `${r(e.value)}${ci}${e.warnings ? MARK : ''}`;
}

function emit(ctx: Context, format: Format, rows: Row[], coders: string[], kind: Kind, meta: Record<string, unknown>): void {
  const all = SHOWN.filter(([name]) => rows.some((r) => r.result.coefficients[name] !== undefined));
  // Tables show one kappa: Cohen's for two coders, Fleiss' for more (and for counts tables).
  const cohen = kind.coders === 2 && !kind.anonymous;
  const present = all.filter(([name]) => (cohen ? name !== 'fleissKappa' : true));
  const everyCoefficient = [...new Set(rows.flatMap((r) => Object.keys(r.result.coefficients)))] as CoefficientName[];
  if (format === 'json') {
    ctx.emit(
      JSON.stringify(
        {
          ...meta,
          rows: rows.map((r) => ({
            name: r.name,
            label: r.label,
            units: r.result.units,
            samplingUnits: r.result.samplingUnits,
            ...(r.prevalence ? { prevalence: Object.fromEntries(coders.map((c, i) => [c, r.prevalence![i] ?? null])) } : {}),
            coefficients: r.result.coefficients,
            interpretation: kind.unitizing
              ? { alpha: krippendorffLabel(r.result.coefficients.unitizingAlpha?.value ?? NaN) }
              : {
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
  const notes = rows.flatMap((r) => {
    // One line per row: each reason once, with the coefficients it marks.
    const reasons = new Map<string, string[]>();
    for (const [name, h] of present) for (const w of r.result.coefficients[name]?.warnings ?? []) reasons.set(w, [...(reasons.get(w) ?? []), h]);
    return reasons.size ? [`${r.name}: ${[...reasons].map(([w, hs]) => `${w} (${hs.join(', ')})`).join('; ')}`] : [];
  });
  if (format === 'csv' || format === 'tsv') {
    ctx.emit(renderTable(ctx, csvTable(rows, coders, everyCoefficient), format));
    for (const n of notes) ctx.info(ctx.err.yellow(`${MARK} ${n}`));
    return;
  }
  const prevalenceCols = rows.some((r) => r.prevalence) ? coders.map((c) => ({ header: `${c} %`, align: 'right' as const })) : [];
  const unitName = kind.unitizing ? 'characters' : 'units';
  const who = coders.length ? coders.join(', ') : `${rows[0]?.result.coders ?? ''} ratings per unit at most`;
  const method = meta['interval'] === 'percentile' ? 'percentile' : 'BCa';
  const table: Table = {
    title: `Agreement (${who}; ${meta['unitizing'] ? 'unitizing, characters' : meta['unit'] ?? meta['level']}; ${Math.round(Number(meta['confidence']) * 100)}% ${method} bootstrap intervals, ${meta['resamples']} resamples, seed ${meta['seed']})`,
    columns: [{ header: 'code' }, { header: unitName, align: 'right' }, ...prevalenceCols, ...present.map(([, h]) => ({ header: h, align: 'right' as const }))],
    rows: rows.map((r) => [
      r.name,
      r.result.units,
      ...(r.prevalence ? r.prevalence.map((p) => (p === null ? '—' : (p * 100).toFixed(0))) : prevalenceCols.map(() => '')),
      ...present.map(([name]) => fmt(r.result.coefficients[name])),
    ]),
  };
  let text = renderTable(ctx, table, format);
  if (notes.length > 0) {
    if (format === 'table' || format === 'md') text = `${text.replace(/\n+$/, '')}\n\n${notes.map((n) => `${MARK} ${format === 'md' ? n.replace(/([\\`*_[\]<>|])/g, '\\$1') : n}`).join(format === 'md' ? '  \n' : '\n')}\n`;
    else for (const n of notes) ctx.info(ctx.err.yellow(`${MARK} ${n}`));
  }
  ctx.emit(text);
}

/** CSV: one column per number (value, bootstrap interval, analytic SE and interval, z and p where they exist). */
function csvTable(rows: Row[], coders: string[], present: CoefficientName[]): Table {
  const hasPrevalence = rows.some((r) => r.prevalence);
  const fields: Array<keyof Estimate> = ['value', 'ciLow', 'ciHigh', 'se', 'seLow', 'seHigh', 'z', 'p'];
  const cols: Array<[CoefficientName, keyof Estimate]> = present.flatMap((n) => fields.filter((f) => f === 'value' || rows.some((r) => r.result.coefficients[n]?.[f] !== undefined)).map((f): [CoefficientName, keyof Estimate] => [n, f]));
  const num = (x: unknown): string | number => (typeof x === 'number' ? Number(x.toPrecision(10)) : '');
  return {
    columns: ['code', 'units', 'samplingUnits', ...(hasPrevalence ? coders.map((c) => `prevalence_${c}`) : []), ...cols.map(([n, f]) => (f === 'value' ? n : `${n}_${f}`)), 'warnings'].map((header) => ({ header })),
    rows: rows.map((r) => [
      r.name,
      r.result.units,
      r.result.samplingUnits,
      ...(hasPrevalence ? (r.prevalence ?? coders.map(() => null)).map(num) : []),
      ...cols.map(([n, f]) => num(r.result.coefficients[n]?.[f])),
      present.flatMap((n) => (r.result.coefficients[n]?.warnings ?? []).map((w) => `${n}: ${w}`)).join('; '),
    ]),
  };
}
