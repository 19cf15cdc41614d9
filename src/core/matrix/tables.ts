import { fixed, type Cell, type Column, type Table } from '../format/table.js';
import type { Matrix, MatrixValue } from './matrix.js';
import { ANTICIPATION_STATUSES, type Anticipations } from './anticipation.js';
import type { CaseOrdered } from './case-order.js';
import { CHANGE_CATEGORIES, type ChangeMatrix } from './change.js';
import type { RowKey } from './coded.js';
import type { DropoutBlock } from './dropout.js';
import { mark, NOT_CODED_FOR, NOT_INTERVIEWED } from './grid.js';

/**
 * The longitudinal displays as tables (the same for the terminal, Markdown, LaTeX, HTML and
 * CSV/TSV; `numeric` is CSV/TSV: ids instead of labels, a `level` column, numbers in their own
 * columns). Theme rows are bold above their sub-codes in every other format.
 */
export const MARKS_LEGEND = "segments coded per wave (0: interviewed, not coded); . not interviewed; ? not coded for (before the code's since:)";

const label = (r: RowKey, numeric: boolean): string => (numeric ? r.id : `${'\u00a0\u00a0'.repeat(r.depth)}${r.label}`);

function boldOf(rows: readonly RowKey[], numeric: boolean): boolean[] | undefined {
  if (numeric || !rows.some((r) => r.level === 'sub-code')) return undefined;
  return rows.map((r) => r.level === 'theme');
}

/** Values across waves as marks: "2 0 ." */
export function marks(values: readonly number[]): string {
  return values.map(mark).join(' ');
}

/** The change matrix: one row per theme (or code), one column per category; cells count participants (or list them). */
export function changeTable(cm: ChangeMatrix, opts: { ids: boolean; numeric: boolean }): Table {
  const head = cm.rows.some((r) => r.level === 'sub-code') ? 'code' : 'theme';
  const columns: Column[] = [{ header: head }, ...(opts.numeric ? [{ header: 'level' }] : []), { header: 'participants', align: 'right' }, ...CHANGE_CATEGORIES.map((c) => ({ header: c.label, align: opts.ids ? ('left' as const) : ('right' as const) }))];
  const bold = boldOf(cm.rows, opts.numeric);
  return {
    title: `Change within each participant across ${cm.waves.map((w) => w.id).join(', ')} (coder ${cm.coder}; ${cm.measure === 'presence' ? 'presence' : 'segments coded'})`,
    columns,
    rows: cm.rows.map((r) => [label(r, opts.numeric), ...(opts.numeric ? [r.level] : []), r.participants.length, ...CHANGE_CATEGORIES.map((c) => (opts.ids ? r.cells[c.id].join(', ') : r.cells[c.id].length))]),
    ...(bold ? { bold } : {}),
  };
}

/** One row per theme and participant: the values across waves and the category. */
export function changeDetailTable(cm: ChangeMatrix, opts: { numeric: boolean }): Table {
  const rows: Cell[][] = [];
  const bold: boolean[] = [];
  const catLabel = new Map(CHANGE_CATEGORIES.map((c) => [c.id, c.label]));
  for (const r of cm.rows) {
    for (const p of r.participants) {
      rows.push([label(r, opts.numeric), ...(opts.numeric ? [r.level] : []), p.participant, ...p.values.map((v) => (opts.numeric ? describeNumeric(v) : mark(v))), catLabel.get(p.category)!, p.kind ?? '']);
      bold.push(r.level === 'theme');
    }
  }
  const mixed = !opts.numeric && cm.rows.some((r) => r.level === 'sub-code');
  return {
    title: `Change per participant (${MARKS_LEGEND})`,
    columns: [{ header: cm.rows.some((r) => r.level === 'sub-code') ? 'code' : 'theme' }, ...(opts.numeric ? [{ header: 'level' }] : []), { header: 'participant' }, ...cm.waves.map((w) => ({ header: w.id, align: 'right' as const })), { header: 'category' }, { header: 'kind' }],
    rows,
    ...(mixed ? { bold } : {}),
  };
}

/** In CSV a count stays a number; the other states are words. */
function describeNumeric(v: number): Cell {
  return v === NOT_INTERVIEWED ? 'not interviewed' : v === NOT_CODED_FOR ? 'not coded for' : v;
}

/** Anticipated vs experienced: per pair, the count of participants in each status. */
export function anticipationSummaryTable(a: Anticipations, opts: { numeric: boolean }): Table {
  return {
    title: `Anticipated vs experienced (coder ${a.coder}; ${a.participants.length} participants)`,
    columns: [{ header: 'anticipation' }, { header: 'experience' }, ...ANTICIPATION_STATUSES.map((s) => ({ header: s.label, align: 'right' as const }))],
    rows: a.pairs.map((p) => [opts.numeric ? p.anticipation.id : p.anticipation.label, opts.numeric ? p.experience.id : p.experience.label, ...ANTICIPATION_STATUSES.map((s) => p.counts[s.id])]),
  };
}

/** Anticipated vs experienced, one row per pair and participant. */
export function anticipationTable(a: Anticipations, opts: { numeric: boolean }): Table {
  const status = new Map(ANTICIPATION_STATUSES.map((s) => [s.id, s.label]));
  return {
    title: `Anticipated vs experienced, per participant (${MARKS_LEGEND})`,
    columns: [
      { header: 'anticipation' },
      { header: 'experience' },
      { header: 'participant' },
      // CSV: a column per code and wave (a spreadsheet would read "1/0" as a date).
      ...(opts.numeric ? a.waves.flatMap((w) => [{ header: `${w.id} anticipated` }, { header: `${w.id} experienced` }]) : a.waves.map((w) => ({ header: `${w.id} (anticipated/experienced)`, align: 'center' as const }))),
      { header: 'status' },
      { header: 'anticipated at' },
      { header: 'experienced at' },
    ],
    rows: a.pairs.flatMap((p) =>
      p.entries.map((e) => [
        opts.numeric ? p.anticipation.id : p.anticipation.label,
        opts.numeric ? p.experience.id : p.experience.label,
        e.participant,
        ...(opts.numeric ? a.waves.flatMap((_, w) => [describeNumeric(e.anticipation[w]!), describeNumeric(e.experience[w]!)]) : a.waves.map((_, w) => `${mark(e.anticipation[w]!)}/${mark(e.experience[w]!)}`)),
        opts.numeric ? e.status : status.get(e.status)!,
        e.anticipatedAt.join(', '),
        e.experiencedAt.join(', '),
      ]),
    ),
  };
}

/** The drop-out check: per wave k, lost after k vs retained, on attributes and on what they said at k. */
export function dropoutTable(blocks: readonly DropoutBlock[], opts: { numeric: boolean; decimals: number; ids?: boolean }): Table {
  const pct = (n: number, d: number): string => (d > 0 ? `${((100 * n) / d).toFixed(opts.decimals)}%` : '—');
  const rows: Cell[][] = [];
  const bold: boolean[] = [];
  for (const b of blocks) {
    for (const r of b.rows) {
      const what = r.kind === 'attribute' ? r.name : `${r.level === 'sub-code' ? 'code' : 'theme'} at ${b.after.id}`;
      const value = r.kind === 'attribute' ? r.value || '(none)' : opts.numeric ? r.name : `${'\u00a0\u00a0'.repeat(r.depth ?? 0)}${r.value}`;
      const cells = (list: string[] | null, d: number): Cell[] =>
        list === null ? (opts.numeric ? ['not coded for', 'not coded for'] : ['not coded for']) : opts.ids ? [list.join(', ')] : opts.numeric ? [list.length, d > 0 ? Number(((100 * list.length) / d).toFixed(opts.decimals)) : ''] : [`${list.length} (${pct(list.length, d)})`];
      rows.push([b.after.id, what, value, ...cells(r.lost, b.lost.length), ...cells(r.retained, b.retained.length)]);
      bold.push(r.kind === 'row' && r.level === 'theme' && b.rows.some((x) => x.level === 'sub-code'));
    }
  }
  const group = (name: string, b: readonly DropoutBlock[]): Column[] => {
    const n = b.length === 1 ? ` (n=${name === 'lost' ? b[0]!.lost.length : b[0]!.retained.length})` : '';
    return opts.numeric && !opts.ids
      ? [
          { header: `${name}${n} n`, align: 'right' },
          { header: `${name}${n} %`, align: 'right' },
        ]
      : [{ header: `${name === 'lost' ? 'lost after the wave' : 'retained'}${n}`, align: opts.ids ? 'left' : 'right' }];
  };
  const sizes = blocks.map((b) => `after ${b.after.id}: ${b.lost.length} lost, ${b.retained.length} retained`).join('; ');
  return {
    title: `Drop-out check: participants lost after a wave vs retained, on attributes and on what they said at that wave (counts and % of each group; no tests). ${sizes}`,
    columns: [{ header: 'after' }, { header: 'variable' }, { header: 'value' }, ...group('lost', blocks), ...group('retained', blocks)],
    rows,
    ...(!opts.numeric && bold.some(Boolean) ? { bold } : {}),
  };
}

/** The case-ordered matrix: participants in the chosen order, one column per theme with its values across waves. */
export function caseOrderedTable(co: CaseOrdered, opts: { numeric: boolean; keyHeader: string }): Table {
  const keyed = co.order.by !== 'participant';
  const columns: Column[] = [{ header: 'participant' }, ...(keyed ? [{ header: opts.keyHeader }] : [])];
  if (opts.numeric) for (const c of co.columns) for (const w of co.waves) columns.push({ header: `${c.id} ${w.id}`, align: 'right' });
  else for (const c of co.columns) columns.push({ header: `${c.level === 'sub-code' && co.columns.some((x) => x.level === 'theme') ? '› ' : ''}${c.label}`, align: 'center' });
  return {
    title: `Case-ordered matrix, ${co.order.by === 'participant' ? 'by participant' : `sorted by ${opts.keyHeader}`} (coder ${co.coder}; per theme, across ${co.waves.map((w) => w.id).join(', ')}: ${MARKS_LEGEND})`,
    columns,
    rows: co.rows.map((r) => [r.participant, ...(keyed ? [r.key] : []), ...(opts.numeric ? r.values.flatMap((vs) => vs.map(describeNumeric)) : r.values.map(marks))]),
  };
}

export function columnHeader(c: Matrix['columns'][number]): string {
  return `${c.wave}${c.group !== undefined ? ` · ${c.group || '(none)'}` : ''} (n=${c.interviewed})`;
}

/** The words a cell shows before its code was in use (`since:`): never a zero. */
export const NOT_CODED_FOR_TEXT = 'not coded for';

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
      rows: m.rows.map((r, i) => [rowLabel(r), ...levelOf(r), ...m.cells[i]!.flatMap((cell) => (cell.codedFor ? [cell.participants, cell.percent === null ? '' : Number(cell.percent.toFixed(opts.decimals))] : [NOT_CODED_FOR_TEXT, NOT_CODED_FOR_TEXT]))]),
    };
  }
  const show = (cell: Matrix['cells'][number][number]): string | number => {
    if (!cell.codedFor) return NOT_CODED_FOR_TEXT;
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
