import { trajectories } from '../../api/analyses.js';
import { anyNotCodedFor } from '../../core/matrix/coded.js';
import type { Table } from '../../core/format/table.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { fixed, renderTable } from '../render.js';
import { boldThemes, NOT_CODED_FOR, scopeOf } from './matrix.js';

/** qualwave trajectories: persisted / emerged / faded / absent between waves, and per-person patterns. */
export async function run(ctx: Ctx<'trajectories'>): Promise<number> {
  const format = ctx.format;
  const study = await ctx.study();
  const t = trajectories(study, { ...scopeOf(ctx.opts), rows: ctx.opts.rows, ...(ctx.opts.theme ? { only: ctx.opts.theme } : {}) });
  const list = t.rows;
  const s = { coder: t.coder, rows: ctx.opts.rows, decimals: ctx.opts.decimals, cs: t.cs };
  if (format === 'json') {
    ctx.emit(JSON.stringify({ coder: s.coder, waves: s.cs.waves.map((w) => w.id), rows: list.map((t) => ({ ...t, patterns: t.patterns.map((p) => ({ participant: p.participant, pattern: p.marks.join(' ') })) })) }, null, 2));
    return EXIT.ok;
  }
  const pct = (n: number, d: number) => (d > 0 ? ` (${fixed((100 * n) / d, s.decimals)}%)` : '');
  const numeric = format === 'csv' || format === 'tsv';
  const label = (t: (typeof list)[number]) => (numeric ? t.id : `${'\u00a0\u00a0'.repeat(t.depth)}${t.label}`);
  const rowsOut = list.flatMap((t) => t.transitions.map((x) => ({ t, x })));
  const bold = numeric ? undefined : boldThemes(rowsOut.map((r) => r.t));
  const transitions: Table = {
    title: `Trajectories between consecutive waves, among participants interviewed at both (coder ${s.coder})`,
    columns: [{ header: s.rows }, ...(numeric ? [{ header: 'level' }] : []), { header: 'from → to' }, { header: 'both', align: 'right' }, ...['persisted', 'emerged', 'faded', 'absent'].map((h) => ({ header: h, align: 'right' as const }))],
    rows: rowsOut.map(({ t, x }) => [
      label(t),
      ...(numeric ? [t.level] : []),
      `${x.from} → ${x.to}`,
      ...(x.codedFor ? [x.both, ...[x.persisted, x.emerged, x.faded, x.absent].map((g) => (numeric ? g.length : `${g.length}${pct(g.length, x.both)}`))] : [NOT_CODED_FOR, NOT_CODED_FOR, NOT_CODED_FOR, NOT_CODED_FOR, NOT_CODED_FOR]),
    ]),
    ...(bold ? { bold } : {}),
  };
  if (ctx.opts.patterns !== true) {
    ctx.emit(renderTable(ctx, transitions, format));
    return EXIT.ok;
  }
  // Per participant: one row each, one column per theme, the marks across waves.
  const people = list[0]?.patterns.map((p) => p.participant) ?? [];
  const late = anyNotCodedFor(s.cs, list);
  const patterns: Table = {
    title: `Pattern across ${s.cs.waves.map((w) => w.id).join(', ')}: + theme present, - interviewed without it, . not interviewed${late ? ", ? not coded for (before the code's since:)" : ''}`,
    // Sub-code columns are marked with "›" (a header cannot be bold in every format).
    columns: [{ header: 'participant' }, ...list.map((t) => ({ header: numeric ? t.id : `${t.level === 'sub-code' && list.some((x) => x.level === 'theme') ? '› ' : ''}${t.label}`, align: 'center' as const }))],
    rows: people.map((p, i) => [p, ...list.map((t) => t.patterns[i]!.marks.join(' '))]),
  };
  ctx.emit(renderTable(ctx, patterns, format));
  return EXIT.ok;
}
