import { codedStudy } from '../../core/matrix/coded.js';
import { matrix, type Matrix, type MatrixValue } from '../../core/matrix/matrix.js';
import type { Table } from '../../core/format/table.js';
import type { Study } from '../../core/study/types.js';
import { didYouMeanSuffix } from '../../core/text/suggest.js';
import type { Context } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { checkFilters, tableCoder, wholeNumber } from '../filters.js';
import { parseWheres } from '../options.js';
import { fixed, renderTable, TABLE_FORMATS } from '../render.js';

export interface ScopeOptions {
  coder: string;
  rows: 'theme' | 'code';
  waves?: string[];
  decimals: number;
}

/** Options every longitudinal table shares: coder, rows, waves, attribute filter, decimals. */
export function scope(ctx: Context, study: Study, defaults: { decimals: number }): ScopeOptions & { cs: ReturnType<typeof codedStudy> } {
  const coder = tableCoder(study, ctx.opts['coder'] as string | undefined);
  const rows = (ctx.opts['rows'] ?? 'theme') as string;
  if (rows !== 'theme' && rows !== 'code') throw new UsageError(`--rows ${rows}: use theme or code`);
  const waves = ctx.opts['wave'] as string[] | undefined;
  const where = parseWheres(ctx.opts['where'] as string[] | undefined);
  checkFilters(study, { ...(waves ? { waves } : {}), where });
  const decimals = wholeNumber(ctx.opts['decimals'], '--decimals', defaults.decimals);
  const cs = codedStudy(study, coder, { ...(waves ? { waves } : {}), where });
  return { coder, rows, ...(waves ? { waves } : {}), decimals, cs };
}

const VALUES: readonly MatrixValue[] = ['participants', 'percent', 'documents', 'segments', 'words'];

/** qualwave matrix: themes (or codes) x waves, attrition-aware, optionally split by an attribute. */
export async function run(ctx: Context): Promise<number> {
  const format = ctx.format(TABLE_FORMATS, 'table');
  const study = await ctx.study();
  const s = scope(ctx, study, { decimals: 0 });
  const value = (ctx.opts['value'] ?? 'participants') as MatrixValue;
  if (!VALUES.includes(value)) throw new UsageError(`--value ${value}: use one of ${VALUES.join(', ')}`);
  const by = ctx.opts['by'] as string | undefined;
  if (by !== undefined) {
    const attributes = new Set(study.participants.flatMap((p) => Object.keys(p.attributes)));
    if (!attributes.has(by)) throw new UsageError(`--by ${by}: no participant attribute '${by}'${didYouMeanSuffix(by, attributes)}`, `attributes: ${[...attributes].join(', ')}`);
  }
  const cells = (ctx.opts['cells'] ?? 'count') as string;
  if (cells !== 'count' && cells !== 'ids') throw new UsageError(`--cells ${cells}: use count or ids`);
  const m = matrix(s.cs, { rows: s.rows, ...(by ? { by } : {}) });
  if (format === 'json') {
    ctx.emit(JSON.stringify(toJson(m, s.decimals), null, 2));
    return EXIT.ok;
  }
  ctx.emit(renderTable(ctx, matrixTable(m, { value, ids: cells === 'ids', decimals: s.decimals, numeric: format === 'csv' || format === 'tsv' }), format));
  return EXIT.ok;
}

export function columnHeader(c: Matrix['columns'][number]): string {
  return `${c.wave}${c.group !== undefined ? ` · ${c.group || '(none)'}` : ''} (n=${c.interviewed})`;
}

/** The words a cell shows before its code was in use (`since:`): never a zero. */
export const NOT_CODED_FOR = 'not coded for';

/** Theme rows in bold above their sub-codes, when the table has both (every format but CSV/TSV, which have `level`). */
export function boldThemes(rows: ReadonlyArray<{ level: 'theme' | 'sub-code' }>): boolean[] | undefined {
  return rows.some((r) => r.level === 'sub-code') ? rows.map((r) => r.level === 'theme') : undefined;
}

/**
 * The matrix as a table; `numeric` (CSV/TSV) gives numbers, a `level` column (theme or sub-code)
 * and a % column beside each count. A cell before its code was in use reads "not coded for".
 */
export function matrixTable(m: Matrix, opts: { value: MatrixValue; ids: boolean; decimals: number; numeric: boolean }): Table {
  const pct = (x: number | null) => (x === null ? '—' : `${fixed(x, opts.decimals)}%`);
  const rowLabel = (r: Matrix['rows'][number]) => (opts.numeric ? r.id : `${'\u00a0\u00a0'.repeat(r.depth)}${r.label}`);
  const first = { header: m.rows.some((r) => r.depth > 0) ? 'code' : 'theme' };
  const level = opts.numeric ? [{ header: 'level' }] : [];
  const levelOf = (r: Matrix['rows'][number]) => (opts.numeric ? [r.level] : []);
  const bold = opts.numeric ? undefined : boldThemes(m.rows);
  if (opts.numeric && !opts.ids && opts.value === 'participants') {
    return {
      columns: [first, ...level, ...m.columns.flatMap((c) => [{ header: `${columnHeader(c)} n` }, { header: `${columnHeader(c)} %` }])],
      rows: m.rows.map((r, i) => [rowLabel(r), ...levelOf(r), ...m.cells[i]!.flatMap((cell) => (cell.codedFor ? [cell.participants, cell.percent === null ? '' : Number(cell.percent.toFixed(opts.decimals))] : [NOT_CODED_FOR, NOT_CODED_FOR]))]),
    };
  }
  const show = (cell: Matrix['cells'][number][number]): string | number => {
    if (!cell.codedFor) return NOT_CODED_FOR;
    if (opts.ids) return cell.ids.join(', ');
    switch (opts.value) {
      case 'participants':
        return `${cell.participants} (${pct(cell.percent)})`;
      case 'percent':
        return opts.numeric ? (cell.percent === null ? '' : Number(cell.percent.toFixed(opts.decimals))) : pct(cell.percent);
      default:
        return cell[opts.value];
    }
  };
  return {
    title: `${first.header === 'theme' ? 'Themes' : 'Codes'} by wave: ${opts.ids ? 'participants' : opts.value} (coder ${m.coder}${m.by ? `; by ${m.by}` : ''})`,
    columns: [first, ...level, ...m.columns.map((c) => ({ header: columnHeader(c), align: opts.ids ? ('left' as const) : ('right' as const) }))],
    rows: m.rows.map((r, i) => [rowLabel(r), ...levelOf(r), ...m.cells[i]!.map(show)]),
    ...(bold ? { bold } : {}),
  };
}

function toJson(m: Matrix, decimals: number): unknown {
  return {
    coder: m.coder,
    by: m.by ?? null,
    columns: m.columns.map((c) => ({ wave: c.wave, label: c.waveLabel, group: c.group ?? null, interviewed: c.interviewed, documents: c.documents })),
    rows: m.rows.map((r, i) => ({
      id: r.id,
      label: r.label,
      level: r.level,
      depth: r.depth,
      cells: m.cells[i]!.map((cell) =>
        cell.codedFor
          ? { codedFor: true, participants: cell.participants, percent: cell.percent === null ? null : Number(cell.percent.toFixed(decimals)), documents: cell.documents, segments: cell.segments, words: cell.words, ids: cell.ids }
          : { codedFor: false, participants: null, percent: null, documents: null, segments: null, words: null, ids: [] },
      ),
    })),
  };
}
