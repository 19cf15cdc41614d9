import { matrix, type Scope } from '../../api/analyses.js';
import type { Matrix } from '../../core/matrix/matrix.js';
import { matrixTable } from '../../core/matrix/tables.js';
import type { Where } from '../../core/study/filters.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { renderTable } from '../render.js';

export { boldThemes, NOT_CODED_FOR_TEXT as NOT_CODED_FOR } from '../../core/matrix/tables.js';

/** qualwave matrix: themes (or codes) x waves, attrition-aware, optionally split by an attribute. */
export async function run(ctx: Ctx<'matrix'>): Promise<number> {
  const o = ctx.opts;
  const study = await ctx.study();
  const m = matrix(study, { ...scopeOf(o), rows: o.rows, ...(o.by !== undefined ? { by: o.by } : {}) });
  if (o.format === 'json') {
    ctx.emit(JSON.stringify(toJson(m, o.decimals), null, 2));
    return EXIT.ok;
  }
  ctx.emit(renderTable(ctx, matrixTable(m, { value: o.value, ids: o.cells === 'ids', decimals: o.decimals, numeric: o.format === 'csv' || o.format === 'tsv' }), o.format));
  return EXIT.ok;
}

/** The scope options (--coder, --wave, --where) as the API takes them. */
export function scopeOf(o: { coder?: string | undefined; wave?: string[] | undefined; where: Where[] }): Scope {
  return { ...(o.coder !== undefined ? { coder: o.coder } : {}), ...(o.wave ? { waves: o.wave } : {}), where: o.where };
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
