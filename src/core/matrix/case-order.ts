import { naturalCompare } from '../text/sort.js';
import { CHANGE_CATEGORIES, changeMatrix, type ChangeCategory, type ChangeMeasure } from './change.js';
import type { CodedStudy, RowKey } from './coded.js';
import { grid, valuesOf, type Grid } from './grid.js';

/**
 * The case-ordered matrix (Miles, Huberman & Saldaña): one row per participant, one column group
 * per theme with the participant's values across the waves, the rows sorted by what the analyst
 * wants to compare along: a participant attribute (in natural order of its values), or a theme's
 * change category (in the change matrix's order: emerged/increased first, too few waves last);
 * ties by participant id.
 */
export type CaseOrder = { by: 'participant' } | { by: 'attribute'; attribute: string } | { by: 'change'; row: string };

export interface CaseOrderedRow {
  participant: string;
  /** What the rows are sorted by: the attribute value, the change category's label, or ''. */
  key: string;
  /** Per column row (theme or code), per wave: counts, or -1 not interviewed / -2 not coded for. */
  values: number[][];
  /** Per column row: the participant's change category. */
  change: ChangeCategory[];
}

export interface CaseOrdered {
  coder: string;
  order: CaseOrder;
  waves: Array<{ id: string; label: string }>;
  columns: RowKey[];
  rows: CaseOrderedRow[];
}

export function caseOrdered(cs: CodedStudy, opts: { rows: 'theme' | 'code'; order: CaseOrder; only?: readonly string[]; measure?: ChangeMeasure; grid?: Grid }): CaseOrdered {
  const g = opts.grid ?? grid(cs, opts.rows, opts.only ? { only: opts.only } : {});
  const change = changeMatrix(cs, { rows: opts.rows, grid: g, ...(opts.measure ? { measure: opts.measure } : {}) });
  const rank = new Map(CHANGE_CATEGORIES.map((c, i) => [c.id, i]));
  const label = new Map(CHANGE_CATEGORIES.map((c) => [c.id, c.label]));
  const order = opts.order;
  const sortRow = order.by === 'change' ? change.rows.find((r) => r.id === order.row) : undefined;
  if (order.by === 'change' && !sortRow) throw new Error(`no row '${order.row}' in the case-ordered matrix`);
  const rows = g.participants.map((participant, p): CaseOrderedRow & { rank: number } => {
    const category = sortRow?.participants[p]?.category;
    const key = order.by === 'attribute' ? (cs.participants.get(participant)?.attributes[order.attribute] ?? '') : category ? label.get(category)! : '';
    return {
      participant,
      key,
      rank: category ? rank.get(category)! : 0,
      values: g.rows.map((_, r) => valuesOf(g, r, p)),
      change: change.rows.map((r) => r.participants[p]!.category),
    };
  });
  rows.sort((a, b) => (order.by === 'attribute' ? naturalCompare(a.key, b.key) : a.rank - b.rank) || naturalCompare(a.participant, b.participant));
  return { coder: cs.coder, order, waves: change.waves, columns: g.rows, rows: rows.map(({ rank: _r, ...rest }) => rest) };
}
