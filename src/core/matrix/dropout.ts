import { naturalCompare } from '../text/sort.js';
import type { CodedStudy, RowKey } from './coded.js';
import { grid, NOT_CODED_FOR, type Grid } from './grid.js';

/**
 * The drop-out check: did the participants lost after wave k differ from those retained, on their
 * attributes or on what they said at wave k? Among the participants interviewed at wave k, *lost*
 * are those interviewed at no later wave in scope and *retained* those interviewed at a later wave.
 * Each row counts, in each group, the participants with an attribute value or with a theme (or
 * code) at wave k. Counts and percentages of each group only: with groups this small a test would
 * mislead, and the table is for reading (who left, and what they had said), not for p-values.
 */
export interface DropoutRow {
  kind: 'attribute' | 'row';
  /** The attribute, or the row's id. */
  name: string;
  /** The attribute value ('' for none), or the row's label. */
  value: string;
  /** For rows: theme or sub-code. */
  level?: RowKey['level'];
  depth?: number;
  /** Participants of each group with it; null when the row was not coded for at wave k. */
  lost: string[] | null;
  retained: string[] | null;
}

export interface DropoutBlock {
  after: { id: string; label: string };
  lost: string[];
  retained: string[];
  rows: DropoutRow[];
}

export function dropout(cs: CodedStudy, opts: { rows: 'theme' | 'code'; after?: readonly string[]; grid?: Grid }): DropoutBlock[] {
  const g = opts.grid ?? grid(cs, opts.rows);
  const W = g.waves.length;
  const held = new Set(cs.documents.map((d) => `${d.participant}/${d.wave}`));
  const interviewed = g.participants.map((p) => g.waves.map((w) => held.has(`${p}/${w.id}`)));
  const attributes = [...new Set(cs.study.participants.flatMap((p) => Object.keys(p.attributes)))];
  const blocks: DropoutBlock[] = [];
  for (let k = 0; k < W - 1; k++) {
    const wave = g.waves[k]!;
    if (opts.after?.length && !opts.after.includes(wave.id)) continue;
    const lost: number[] = [];
    const retained: number[] = [];
    g.participants.forEach((_, p) => {
      if (!interviewed[p]![k]) return;
      (interviewed[p]!.slice(k + 1).some(Boolean) ? retained : lost).push(p);
    });
    const ids = (list: number[]) => list.map((p) => g.participants[p]!);
    const rows: DropoutRow[] = [];
    for (const a of attributes) {
      const values = [...new Set([...lost, ...retained].map((p) => cs.participants.get(g.participants[p]!)?.attributes[a] ?? ''))].sort(naturalCompare);
      for (const v of values) {
        const has = (list: number[]) => ids(list.filter((p) => (cs.participants.get(g.participants[p]!)?.attributes[a] ?? '') === v));
        rows.push({ kind: 'attribute', name: a, value: v, lost: has(lost), retained: has(retained) });
      }
    }
    g.rows.forEach((r, ri) => {
      const at = (p: number) => g.values[(ri * g.participants.length + p) * W + k]!;
      const notCodedFor = [...lost, ...retained].some((p) => at(p) === NOT_CODED_FOR);
      const has = (list: number[]) => (notCodedFor ? null : ids(list.filter((p) => at(p) > 0)));
      rows.push({ kind: 'row', name: r.id, value: r.label, level: r.level, depth: r.depth, lost: has(lost), retained: has(retained) });
    });
    blocks.push({ after: { id: wave.id, label: wave.label }, lost: ids(lost), retained: ids(retained), rows });
  }
  return blocks;
}
