import { framework } from '../../api/analyses.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { renderTable } from '../render.js';
import { NOT_CODED_FOR, scopeOf } from './matrix.js';

/** qualwave framework: participants (per wave) x themes, each cell the coded passages' references. */
export async function run(ctx: Ctx<'framework'>): Promise<number> {
  const format = ctx.format;
  const study = await ctx.study();
  const cells = ctx.opts.cells;
  const f = framework(study, { ...scopeOf(ctx.opts), rows: ctx.opts.rows });
  const s = { coder: f.coder };
  if (format === 'json') {
    ctx.emit(JSON.stringify({ coder: s.coder, themes: f.themes, rows: f.rows }, null, 2));
    return EXIT.ok;
  }
  const words = (text: string) => text.split(/\s+/).slice(0, 8).join(' ') + (text.split(/\s+/).length > 8 ? '…' : '');
  const range = (r: { startLine: number; endLine: number }) => (r.startLine === r.endLine ? `L${r.startLine}` : `L${r.startLine}-${r.endLine}`);
  const show = (refs: Array<{ startLine: number; endLine: number; text: string }> | null): string | number => {
    if (refs === null) return NOT_CODED_FOR;
    if (cells === 'count') return refs.length;
    if (refs.length === 0) return '';
    return cells === 'lines' ? `${refs.length}: ${refs.map(range).join(', ')}` : refs.map((r) => `${range(r)} "${words(r.text)}"`).join(format === 'table' ? ' · ' : '\n');
  };
  ctx.emit(
    renderTable(
      ctx,
      {
        title: `Framework matrix (coder ${s.coder})`,
        // Sub-code columns are marked with "›" (a header cannot be bold in every format).
        columns: [{ header: 'participant' }, { header: 'wave' }, ...f.themes.map((t) => ({ header: `${t.level === 'sub-code' && f.themes.some((x) => x.level === 'theme') ? '› ' : ''}${t.label}` }))],
        rows: f.rows.map((r) => [r.participant, r.wave, ...r.cells.map(show)]),
      },
      format,
    ),
  );
  return EXIT.ok;
}
