import type { RowKey } from './coded.js';
import { grid, valuesOf, type Grid } from './grid.js';
import type { CodedStudy } from './coded.js';

/**
 * The change matrix: for each theme (or code), how it behaves within each participant across the
 * ordered waves, in the categories of Saldaña's (2003) descriptive questions. Every participant in
 * scope falls in exactly one category per row (the rules below are tried in order).
 *
 * A participant's *observed waves* for a row are the waves (in scope, in order) at which they were
 * interviewed and the row's code was in use; waves they were not interviewed at and waves before
 * the code's `since:` are skipped, never read as "absent". At each observed wave the *value* is
 * the number of their segments coded with the row (a theme counts its sub-codes), or with
 * `measure: 'presence'` 1 if there is any and 0 if not. The *steps* are the changes from one
 * observed wave to the next: up, down or level; level steps are ignored when reading the shape.
 *
 * 1. too-few-waves: fewer than two observed waves (attrition, or a late code): change cannot be read.
 * 2. missing: the value is 0 at every observed wave.
 * 3. constant: present at every observed wave, the same value throughout (no up or down step).
 * 4. increased ("emerged/increased"): exactly one up step and no down step. `emerged` when the
 *    first observed value is 0, `increased` when it was already present.
 * 5. cumulative: two or more up steps and no down step: it builds up wave after wave.
 * 6. decreased ("decreased/ceased"): one or more down steps and no up step. `ceased` when the last
 *    observed value is 0, `decreased` otherwise.
 * 7. surged: up steps, then down steps (rises to a peak at an inner wave, then falls back).
 * 8. idiosyncratic: anything else: down then up, or more than one change of direction.
 */
export type ChangeCategory = 'too-few-waves' | 'missing' | 'constant' | 'increased' | 'cumulative' | 'decreased' | 'surged' | 'idiosyncratic';

/** Categories in the order tables show them, with their labels (Saldaña's words). */
export const CHANGE_CATEGORIES: ReadonlyArray<{ id: ChangeCategory; label: string }> = [
  { id: 'increased', label: 'emerged/increased' },
  { id: 'cumulative', label: 'cumulative' },
  { id: 'surged', label: 'surged' },
  { id: 'decreased', label: 'decreased/ceased' },
  { id: 'constant', label: 'constant' },
  { id: 'idiosyncratic', label: 'idiosyncratic' },
  { id: 'missing', label: 'missing' },
  { id: 'too-few-waves', label: 'too few waves' },
];

export type ChangeMeasure = 'segments' | 'presence';

export interface Classified {
  category: ChangeCategory;
  /** The finer word inside emerged/increased and decreased/ceased; null otherwise. */
  kind: 'emerged' | 'increased' | 'ceased' | 'decreased' | null;
}

/** Classify the values at a participant's observed waves (counts >= 0, in wave order). */
export function classify(observed: readonly number[], measure: ChangeMeasure = 'segments'): Classified {
  const v = measure === 'presence' ? observed.map((x) => (x > 0 ? 1 : 0)) : [...observed];
  if (v.length < 2) return { category: 'too-few-waves', kind: null };
  if (v.every((x) => x === 0)) return { category: 'missing', kind: null };
  const steps: Array<1 | -1> = [];
  for (let i = 1; i < v.length; i++) if (v[i] !== v[i - 1]) steps.push(v[i]! > v[i - 1]! ? 1 : -1);
  const ups = steps.filter((s) => s === 1).length;
  const downs = steps.length - ups;
  if (steps.length === 0) return { category: 'constant', kind: null };
  if (downs === 0) return ups === 1 ? { category: 'increased', kind: v[0] === 0 ? 'emerged' : 'increased' } : { category: 'cumulative', kind: null };
  if (ups === 0) return { category: 'decreased', kind: v[v.length - 1] === 0 ? 'ceased' : 'decreased' };
  const firstDown = steps.indexOf(-1);
  if (steps[0] === 1 && steps.slice(firstDown).every((s) => s === -1)) return { category: 'surged', kind: null };
  return { category: 'idiosyncratic', kind: null };
}

export interface ParticipantChange extends Classified {
  participant: string;
  /** One value per wave in scope: a count, or NOT_INTERVIEWED (-1) / NOT_CODED_FOR (-2). */
  values: number[];
  /** Waves (ids) that were observed: interviewed and coded for. */
  observed: string[];
}

export interface RowChange extends RowKey {
  participants: ParticipantChange[];
  /** Participant ids per category, in natural order: a partition of the participants in scope. */
  cells: Record<ChangeCategory, string[]>;
}

export interface ChangeMatrix {
  coder: string;
  measure: ChangeMeasure;
  waves: Array<{ id: string; label: string }>;
  /** Participants in scope (interviewed at least once at the waves in scope). */
  participants: string[];
  rows: RowChange[];
}

export function changeMatrix(cs: CodedStudy, opts: { rows: 'theme' | 'code'; measure?: ChangeMeasure; only?: readonly string[]; grid?: Grid }): ChangeMatrix {
  const measure = opts.measure ?? 'segments';
  const g = opts.grid ?? grid(cs, opts.rows, opts.only ? { only: opts.only } : {});
  const rows = g.rows.map((key, r): RowChange => {
    const cells = Object.fromEntries(CHANGE_CATEGORIES.map((c) => [c.id, [] as string[]])) as unknown as Record<ChangeCategory, string[]>;
    const participants = g.participants.map((participant, p): ParticipantChange => {
      const values = valuesOf(g, r, p);
      const observed = g.waves.filter((_, w) => values[w]! >= 0).map((w) => w.id);
      const c = classify(
        values.filter((x) => x >= 0),
        measure,
      );
      cells[c.category].push(participant);
      return { participant, ...c, values, observed };
    });
    return { ...key, participants, cells };
  });
  return { coder: cs.coder, measure, waves: g.waves.map((w) => ({ id: w.id, label: w.label })), participants: g.participants, rows };
}
