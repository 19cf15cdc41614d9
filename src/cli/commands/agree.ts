import { contingencyTable, countsTable, idHeader, looksLikeUnitIds, looksLikeUnitIdsIn, weightsTable, type CellRows, type ReadTable } from '../../core/agreement/input.js';
import { krippendorffLabel, landisKoch } from '../../core/agreement/interpret.js';
import type { AgreementResult, CoefficientName, Estimate } from '../../core/agreement/report.js';
import { toPatterns, toPatternsCounted, type Level, type PatternTable, type Ratings } from '../../core/agreement/table.js';
import type { TranscriptSelection, Uncoded } from '../../core/agreement/transcripts.js';
import { ratingsFromCells, ratingsFromRows, type ValueProblem } from '../../core/agreement/values.js';
import { detectDelimiter, detectDelimiterBytes, parseTable, readTable } from '../../core/format/read-table.js';
import { decodeText, isUtf8WithoutBom, type Decoded } from '../../core/text/decode.js';
import { internDistinctRows, internFields, internRows, rowCount, rowOf, type InternedRows } from '../../core/text/delimited.js';
import type { Table } from '../../core/format/table.js';
import { didYouMeanSuffix } from '../../core/text/suggest.js';
import { agreementInWorkers, type BootstrapWorkers, earlyWorkers, workersFromEnv } from '../../io/bootstrap-workers.js';
import type { Ctx } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import type { Gate } from '../options/parsers.js';
import { renderTable } from '../render.js';
import { plural } from '../report.js';
import { minOf } from '../../core/arrays.js';

type Format = Ctx<'agree'>['opts']['format'];
type AgreeCtx = Ctx<'agree'>;

interface Row {
  name: string;
  label: string;
  prevalence?: Array<number | null>;
  /** Units at waves before the code's since: (left out: nobody coded for it there). */
  beforeSince?: number;
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
export async function run(ctx: Ctx<'agree'>): Promise<number> {
  const format = ctx.format;
  const o = ctx.opts;
  const { resamples, seed, confidence, interval, chance } = o;
  const gates = o.min;
  const inputs = (['matrix', 'long', 'counts', 'contingency'] as const).filter((k) => o[k] !== undefined);
  if (inputs.length > 1) throw new UsageError(`give one of --${inputs.join(', --')}`, 'each reads reliability data in its own shape');
  if ([o.matrix, o.long, o.counts, o.contingency, o.weights].filter((f) => f === '-').length > 1) throw new UsageError('only one file can be read from standard input (-)');

  let rows: Row[];
  let meta: Record<string, unknown>;
  let coders: string[];
  let kind: Kind;
  if (inputs.length === 1) {
    const level = o.level;
    if (ctx.given.has('rows')) throw new UsageError('--rows is for a study (per code or per theme); reliability data have one row', 'remove --rows');
    if (o.unitizing === true) throw new UsageError("--unitizing works on a study's codings, not on reliability data");
    const asked = workersFromEnv(ctx.io.env);
    // Big reliability data: the bootstrap's worker thread starts while they are read.
    let pool: BootstrapWorkers | undefined;
    try {
      const data = readData(ctx, inputs[0]!, level, (bytes) => {
        pool = earlyWorkers(bytes, resamples, asked);
      });
      coders = data.coders;
      for (const n of data.notes) ctx.info(ctx.err.yellow(`note: ${n}`));
      const table = data.table;
      const weights = readWeights(ctx, table);
      if (table.q < 2 && !o.categories) ctx.info(ctx.err.yellow('only one category is used: chance-corrected coefficients are undefined (declare the scale with --categories)'));
      const singles = singleValued(table);
      if (singles > 0)
        ctx.info(
          ctx.err.yellow(
            `note: ${plural(singles, 'unit')} with a single value ${singles === 1 ? 'is' : 'are'} not compared: ${chance === 'compared' ? `no coefficient uses ${singles === 1 ? 'it' : 'them'} (irrCAC and Gwet (2014) count such units in the chance agreement of AC1, Fleiss, Conger and Brennan–Prediger: --chance rated does too)` : "with --chance rated they count in the chance agreement of Gwet's coefficients, as irrCAC does"}`,
          ),
        );
      const shown = ctx.progress('bootstrap resamples');
      const result = await agreementInWorkers(
        table,
        { level, resamples, seed, confidence, interval, units: chance, anonymousCoders: data.anonymous, onResample: (done, of) => shown.update(done, of), ...(weights ? { weights } : {}), ...(data.differences ? { differences: data.differences } : {}) },
        { workers: asked, ...(pool ? { pool } : {}) },
      );
      shown.done();
      rows = [{ name: data.source, label: `${result.units} units`, result }];
      kind = { coders: coders.length, anonymous: data.anonymous, weights: weights !== undefined, unitizing: false };
      meta = { source: data.source, input: inputs[0], level, coders: data.anonymous ? null : coders, ratersPerUnit: data.anonymous ? table.coders : undefined, categories: table.categories, weights: weights === undefined ? null : typeof o.weights === 'string' ? o.weights : null, chance };
    } finally {
      pool?.close();
    }
  } else {
    const study = await ctx.study();
    if (ctx.given.has('level')) throw new UsageError(`--level ${o.level}: the level of measurement is for reliability data (--matrix, --long, --counts, --contingency)`, 'on a study, per code or per theme is --rows code or --rows theme');
    if (o.weights !== undefined) throw new UsageError('--weights is for ordered reliability data (--matrix, --long, --counts, --contingency)', "a study's codes are present or absent: there is nothing between them to weigh");
    const { wave: waves, code: codes, where, uncoded, unit } = o;
    const level = o.rows;
    const shown = ctx.progress('agreement per code');
    // Loaded here: reliability data (--matrix and the others) need none of the study's analyses.
    const { agreement: studyAgreementOf } = await import('../../api/analyses.js');
    const data = studyAgreementOf(study, {
      ...(o.coders ? { coders: o.coders } : {}),
      unit,
      rows: level,
      ...(codes ? { codes } : {}),
      ...(waves ? { waves } : {}),
      where,
      includeInterviewer: o.includeInterviewer,
      uncoded,
      unitizing: o.unitizing,
      masi: o.masi,
      resamples,
      seed,
      confidence,
      interval,
      onProgress: (done, of) => shown.update(done, of),
    });
    shown.done();
    coders = data.coders;
    rows = data.rows;
    const selection: TranscriptSelection = data.selection;
    if (o.unitizing) {
      if (data.merged > 0) ctx.info(ctx.err.yellow(`note: ${plural(data.merged, 'coding')} overlapping another coding of the same code by the same coder ${data.merged === 1 ? 'was' : 'were'} merged with it into one stretch`));
      meta = { coders, unit: 'character', unitizing: true, level, characters: data.units, transcripts: selection.compared.length, waves: waves ?? null, uncoded };
    } else {
      meta = { coders, unit, level, units: data.units, transcripts: selection.compared.length, waves: waves ?? null, uncoded, chance };
      const late = data.rows.filter((r) => (r.beforeSince ?? 0) > 0);
      if (late.length > 0) {
        const list = late.map((r) => `${r.name} (${r.beforeSince})`);
        ctx.info(
          ctx.err.yellow(
            `note: ${plural(late.length, level)} with since: ${late.length === 1 ? 'is' : 'are'} compared only from that wave on; the ${unit === 'document' ? 'transcripts' : 'units'} before it are left out, not counted as "not applied": ${list.length > 10 ? `${list.slice(0, 10).join(', ')} and ${list.length - 10} more` : list.join(', ')}`,
          ),
        );
      }
    }
    reportSelection(ctx, selection, uncoded, coders);
    meta['excluded'] = selection.excluded;
    meta['readAsAbsent'] = selection.readAsAbsent;
    meta['notFinished'] = selection.notFinished;
    kind = { coders: coders.length, anonymous: false, weights: false, unitizing: o.unitizing === true };
  }

  const resolved = gates.map((g) => ({ ...g, coefficient: resolveGate(g, kind) }));
  const failed = resolved.flatMap((g) => check(rows, g, o.pooled === true));
  emit(ctx, format, rows, coders, kind, { ...meta, interval, seed, resamples, confidence, gates: resolved.map((g) => ({ gate: `${g.name}>=${g.min}`, coefficient: g.coefficient })), failed });
  for (const f of failed) ctx.info(ctx.err.red(`✗ ${f}`));
  if (gates.length > 0 && failed.length === 0) ctx.info(ctx.err.green(`✓ agreement meets ${resolved.map((g) => `${g.name} (${g.coefficient}) >= ${g.min}`).join(', ')}`));
  return failed.length > 0 ? EXIT.checkFailed : EXIT.ok;
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
function reportSelection(ctx: AgreeCtx, s: TranscriptSelection, uncoded: Uncoded, coders: string[]): void {
  const list = (items: string[]): string => `${items.slice(0, 8).join(', ')}${items.length > 8 ? `, and ${items.length - 8} more` : ''}`;
  const partial = s.excluded.filter((e) => e.reason !== 'no compared coder coded or finished it');
  const nobody = s.excluded.length - partial.length;
  if (partial.length > 0) {
    ctx.info(ctx.err.yellow(`${plural(partial.length, 'transcript')} left out because a coder neither coded nor finished ${partial.length === 1 ? 'it' : 'them'} (--uncoded missing): ${list(partial.map((e) => `${e.transcript} (${e.reason.replace(' neither coded nor finished it', '')})`))}`));
    ctx.info(ctx.err.yellow(`  if they read ${partial.length === 1 ? 'it' : 'them'} and found nothing to code, mark ${partial.length === 1 ? 'it' : 'them'} finished (qualwave code P W --coder NAME --done), or count silence as "absent" with --uncoded absent`));
  }
  if (nobody > 0) ctx.info(ctx.err.yellow(`${plural(nobody, 'transcript')} that none of ${coders.join(', ')} coded or finished ${nobody === 1 ? 'is' : 'are'} left out`));
  if (s.readAsAbsent.length > 0 && uncoded === 'absent') {
    ctx.info(
      ctx.err.yellow(`${plural(s.readAsAbsent.length, 'transcript')} where a coder coded nothing and did not mark ${s.readAsAbsent.length === 1 ? 'it' : 'them'} finished count as "nothing applies" for that coder (--uncoded absent): ${list(s.readAsAbsent.map((r) => `${r.transcript} (${r.coders.join(', ')})`))}`),
    );
    ctx.info(ctx.err.yellow('  if those coders have not coded them yet, compare only what everyone coded with --uncoded missing'));
  }
  if (s.notFinished.length > 0) ctx.info(ctx.err.yellow(`${plural(s.notFinished.length, 'transcript')} coded but not marked finished (in progress?): ${list(s.notFinished.map((r) => `${r.transcript} (${r.coders.join(', ')})`))}`));
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

/** A reliability-data file (or standard input for -) through the one table reader: rows with their file lines. */
function readCsv(ctx: AgreeCtx, file: string): Rows & { name: string } {
  const input = ctx.input(file);
  const read = readTable(input.bytes, input.name);
  if (!read.table) {
    const d = read.diagnostic;
    throw new UsageError(`${d.file}${d.line !== undefined ? `:${d.line}` : ''}: ${d.message}`, d.hint);
  }
  const t = read.table;
  return { rows: [t.header, ...t.rows.map((r) => r.cells)], lines: [1, ...t.rows.map((r) => r.line)], name: input.name };
}

/**
 * A file's rows with interned fields (one string per distinct value: text/delimited.ts), as the
 * table reader reads them; text it cannot split itself (quotes, mixed line ends) goes through it.
 */
function readInterned(input: { bytes: Buffer; name: string }, decoded: Decoded): { t: InternedRows; name: string } {
  const read = decoded.ok ? undefined : { diagnostic: decoded.diagnostic };
  if (decoded.ok) {
    const fast = internFields(decoded.text, detectDelimiter(decoded.text));
    if (fast) return { t: fast, name: input.name };
  }
  const table = read ?? parseTable((decoded as { text: string }).text, input.name);
  if (!('table' in table) || !table.table) {
    const d = table.diagnostic!;
    throw new UsageError(`${d.file}${d.line !== undefined ? `:${d.line}` : ''}: ${d.message}`, d.hint);
  }
  const t = table.table;
  return { t: internRows([t.header, ...t.rows.map((r) => r.cells)], [1, ...t.rows.map((r) => r.line)]), name: input.name };
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

function readData(ctx: AgreeCtx, input: 'matrix' | 'long' | 'counts' | 'contingency', level: Level, onBytes?: (bytes: number) => void): Data {
  if (input === 'matrix') return readMatrix(ctx, ctx.opts.matrix!, level, onBytes);
  const { rows, lines, name: file } = readCsv(ctx, ctx.opts[input]!);
  const header = (rows[0] ?? []).map((h) => h.trim());
  const body = rows.slice(1);
  const lineOf = (row: number): number | undefined => lines[row + 1];
  const declared = ctx.opts.categories;
  if (input === 'counts' || input === 'contingency') {
    if (declared) throw new UsageError(`--categories does not apply to --${input}: the header names the categories, in order`);
    let read: ReadTable;
    if (input === 'counts') {
      const unitIds = idColumn(ctx, file, header, body, 'categories');
      read = countsTable(header, body, { unitIds });
    } else {
      const n = ctx.opts.n;
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
  {
    const col = (name: string): number => {
      const i = header.indexOf(name);
      if (i < 0) throw new UsageError(`${file}: no column '${name}'${didYouMeanSuffix(name, header)}`, `columns: ${header.join(', ')}; name them with --unit-column, --coder-column and --value-column`);
      return i;
    };
    const [u, c, v] = [col(ctx.opts.unitColumn), col(ctx.opts.coderColumn), col(ctx.opts.valueColumn)];
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
    cellLine = (row) => minOf([...list[row]!.values()].map((x) => x.line));
  }
  const parsed = ratingsFromRows(cells, coders.length, { level, ...(declared ? { categories: declared } : {}) });
  if (parsed.problems.length > 0 || !parsed.ratings) fail(file, parsed.problems, cellLine);
  const table = toPatterns(parsed.ratings as Ratings);
  return { table, coders, source: file, anonymous: false, ...(parsed.differences ? { differences: parsed.differences } : {}), notes: parsed.notes };
}

/**
 * --matrix: units x coders. Read with interned fields (a million units make a dozen strings, and
 * each distinct value is interpreted once), with the same checks and results as rows of strings.
 */
function readMatrix(ctx: AgreeCtx, path: string, level: Level, onBytes?: (bytes: number) => void): Data {
  const input = ctx.input(path);
  onBytes?.(input.bytes.length);
  // UTF-8 as it was read (no byte order mark): its bytes are what the decoded text says, read without
  // making the text (a copy of the whole file) unless the distinct rows do not do.
  const distinct = isUtf8WithoutBom(input.bytes) ? readDistinct(ctx, input.name, input.bytes, detectDelimiterBytes(input.bytes), level) : undefined;
  if (distinct) return distinct;
  const decoded = decodeText(input.bytes, input.name);
  const { t, name: file } = readInterned(input, decoded);
  const rows = rowCount(t);
  const header = rows > 0 ? rowOf(t, 0).map((h) => h.trim()) : [];
  const units = Math.max(0, rows - 1);
  const lineOf = (row: number): number | undefined => t.lines[row + 1];
  const width = (u: number): number => t.rowStart[u + 2]! - t.rowStart[u + 1]!;
  const body: CellRows = { rows: units, width, cell: (u, c) => (c < width(u) ? t.values[t.fields[t.rowStart[u + 1]! + c]!]! : '') };
  const unitIds = idColumn(ctx, file, header, body, 'coders');
  const skip = unitIds ? 1 : 0;
  const coders = codersOf(file, header, skip);
  const C = coders.length;
  const ids = new Int32Array(units * C);
  for (let u = 0; u < units; u++) {
    const w = Math.max(0, width(u) - skip);
    if (w > C) throw new UsageError(`${file}:${lineOf(u)}: ${w} values but ${C} coders in the header`, 'a trailing comma adds an empty value; remove it, or name the column');
    const o = t.rowStart[u + 1]! + skip;
    for (let c = 0; c < C; c++) ids[u * C + c] = c < w ? t.fields[o + c]! : -1;
  }
  const declared = ctx.opts.categories;
  const parsed = ratingsFromCells({ ids, values: t.values, units, coders: C }, { level, ...(declared ? { categories: declared } : {}) });
  if (parsed.problems.length > 0 || !parsed.ratings) fail(file, parsed.problems, lineOf);
  const table = toPatterns(parsed.ratings as Ratings);
  return { table, coders, source: file, anonymous: false, ...(parsed.differences ? { differences: parsed.differences } : {}), notes: parsed.notes };
}

/** The matrix's coders: its header after the unit ids (if any), checked; two or more. */
function codersOf(file: string, header: string[], skip: number): string[] {
  const coders = header.slice(skip);
  checkHeader(file, coders, skip + 1);
  if (coders.length < 2) throw new UsageError(`${file}: expected a header row naming two or more coders`, 'rows are units, columns are coders; empty cells are missing values');
  return coders;
}

/**
 * --matrix read as its distinct rows with their counts (text/delimited.ts, internDistinctRows):
 * the same table, categories and notes as `readMatrix` (tests/e2e/agree.test.ts), or undefined
 * when `readMatrix` must read every row: rows mostly distinct, or anything `readMatrix` refuses or
 * handles otherwise (a row too wide, a problem with a value, sets of labels, a first column that
 * may be unit ids), which it then refuses or handles in the very same words.
 */
function readDistinct(ctx: AgreeCtx, file: string, bytes: Uint8Array, delimiter: string, level: Level): Data | undefined {
  const read = internDistinctRows(bytes, delimiter);
  if (!read || read.count.length < 2) return undefined;
  const t = read.rows;
  const header = rowOf(t, 0).map((h) => h.trim());
  // Every row counted once is every row distinct: readMatrix reads them (and asks of the first column whether it holds ids).
  const units = read.count.length - 1;
  let repeated = false;
  for (let u = 1; u <= units && !repeated; u++) repeated = read.count[u]! > 1;
  if (!repeated) return undefined;
  // A repeated row repeats its first value, which ids never do: only the header can make that column look like ids.
  const flag = ctx.opts.unitIds;
  if (flag === undefined && idHeader(header) !== undefined) return undefined;
  const skip = flag === true ? 1 : 0;
  const coders = codersOf(file, header, skip);
  const C = coders.length;
  const ids = new Int32Array(units * C);
  for (let u = 0; u < units; u++) {
    const o = t.rowStart[u + 1]! + skip;
    const w = Math.max(0, t.rowStart[u + 2]! - t.rowStart[u + 1]! - skip);
    if (w > C) return undefined;
    for (let c = 0; c < C; c++) ids[u * C + c] = c < w ? t.fields[o + c]! : -1;
  }
  const declared = ctx.opts.categories;
  const parsed = ratingsFromCells({ ids, values: t.values, units, coders: C }, { level, ...(declared ? { categories: declared } : {}) });
  if (parsed.problems.length > 0 || !parsed.ratings || parsed.sets || parsed.differences) return undefined;
  const table = toPatternsCounted(parsed.ratings as Ratings, read.count.subarray(1));
  return { table, coders, source: file, anonymous: false, notes: parsed.notes };
}

/** Whether the first column holds unit ids: --unit-ids / --no-unit-ids, or an error when it looks like it and neither is given. */
function idColumn(ctx: AgreeCtx, file: string, header: string[], body: string[][] | CellRows, what: 'coders' | 'categories'): boolean {
  const flag = ctx.opts.unitIds;
  if (flag !== undefined) return flag;
  const why = Array.isArray(body) ? looksLikeUnitIds(header, body) : looksLikeUnitIdsIn(header, body);
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
function readWeights(ctx: AgreeCtx, t: PatternTable): 'linear' | 'quadratic' | Float64Array | undefined {
  const w = ctx.opts.weights;
  if (w === undefined) return undefined;
  if (w === 'linear' || w === 'quadratic') {
    if (!t.ordered) throw new UsageError(`--weights ${w} needs ordered categories; these are text labels (${t.categories.slice(0, 4).join(', ')})`, 'declare their order with --categories, lowest first');
    return w;
  }
  const { rows, lines, name } = readCsv(ctx, w);
  const read = weightsTable(rows[0] ?? [], rows.slice(1), t.categories);
  if (read.problems.length > 0 || !read.weights) fail(name, read.problems, (row) => lines[row + 1]);
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

function emit(ctx: AgreeCtx, format: Format, rows: Row[], coders: string[], kind: Kind, meta: Record<string, unknown>): void {
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
            ...(r.beforeSince ? { unitsBeforeSince: r.beforeSince } : {}),
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
    title: `Agreement (${who}; ${meta['unitizing'] ? 'unitizing, characters' : (meta['unit'] ?? meta['level'])}; ${Math.round(Number(meta['confidence']) * 100)}% ${method} bootstrap intervals, ${meta['resamples']} resamples, seed ${meta['seed']})`,
    columns: [{ header: 'code' }, { header: unitName, align: 'right' }, ...prevalenceCols, ...present.map(([, h]) => ({ header: h, align: 'right' as const }))],
    rows: rows.map((r) => [r.name, r.result.units, ...(r.prevalence ? r.prevalence.map((p) => (p === null ? '—' : (p * 100).toFixed(0))) : prevalenceCols.map(() => '')), ...present.map(([name]) => fmt(r.result.coefficients[name]))]),
  };
  // The notes say what † marks: under the table in every format.
  ctx.emit(renderTable(ctx, notes.length > 0 ? { ...table, notes: notes.map((n) => `${MARK} ${n}`) } : table, format));
}

/** CSV: one column per number (value, bootstrap interval, analytic SE and interval, z and p where they exist). */
function csvTable(rows: Row[], coders: string[], present: CoefficientName[]): Table {
  const hasPrevalence = rows.some((r) => r.prevalence);
  const fields: Array<keyof Estimate> = ['value', 'ciLow', 'ciHigh', 'se', 'seLow', 'seHigh', 'z', 'p'];
  const cols: Array<[CoefficientName, keyof Estimate]> = present.flatMap((n) => fields.filter((f) => f === 'value' || rows.some((r) => r.result.coefficients[n]?.[f] !== undefined)).map((f): [CoefficientName, keyof Estimate] => [n, f]));
  const num = (x: unknown): string | number => (typeof x === 'number' ? Number(x.toPrecision(10)) : '');
  return {
    columns: ['code', 'units', 'samplingUnits', ...(hasPrevalence ? coders.map((c) => `prevalence_${c}`) : []), ...cols.map(([n, f]) => (f === 'value' ? n : `${n}_${f}`)), 'warnings'].map((header) => ({ header })),
    rows: rows.map((r) => [r.name, r.result.units, r.result.samplingUnits, ...(hasPrevalence ? (r.prevalence ?? coders.map(() => null)).map(num) : []), ...cols.map(([n, f]) => num(r.result.coefficients[n]?.[f])), present.flatMap((n) => (r.result.coefficients[n]?.warnings ?? []).map((w) => `${n}: ${w}`)).join('; ')]),
  };
}
