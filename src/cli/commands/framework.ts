import { framework, frameworkInRows } from '../../api/analyses.js';
import { jsonObjectPieces } from '../../core/format/json.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { renderTable } from '../render.js';
import { NOT_CODED_FOR, scopeOf } from './matrix.js';

/** qualwave framework: participants (per wave) x themes, each cell the coded passages' references. */
export async function run(ctx: Ctx<'framework'>): Promise<number> {
  const format = ctx.format;
  const study = await ctx.study();
  const cells = ctx.opts.cells;
  if (format === 'json') {
    // Written a row (one transcript) at a time, each text let go after its row: the same bytes as
    // the whole object at once.
    const f = frameworkInRows(study, { ...scopeOf(ctx.opts), rows: ctx.opts.rows });
    await ctx.emitTextPieces(jsonObjectPieces({ coder: f.coder, themes: f.themes }, 'rows', eachAlone(f.rows)));
    return EXIT.ok;
  }
  const f = framework(study, { ...scopeOf(ctx.opts), rows: ctx.opts.rows });
  const s = { coder: f.coder };
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

function* eachAlone<T>(items: Iterable<T>): Generator<T[]> {
  for (const x of items) yield [x];
}
