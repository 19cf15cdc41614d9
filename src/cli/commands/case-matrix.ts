import { caseMatrix } from '../../api/analyses.js';
import { caseOrderedTable } from '../../core/matrix/tables.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { renderTable } from '../render.js';
import { scopeOf } from './matrix.js';

/**
 * qualwave case-matrix: the case-ordered matrix, participants as rows sorted by an attribute
 * (--sort gender) or by a theme's change category (--sort change:learning), themes as columns
 * with each participant's values across the waves.
 */
export async function run(ctx: Ctx<'case-matrix'>): Promise<number> {
  const { format, theme, sort, rows } = ctx.opts;
  const study = await ctx.study();
  const { keyHeader, ...co } = caseMatrix(study, { ...scopeOf(ctx.opts), rows, ...(sort !== undefined ? { sort } : {}), ...(theme ? { only: theme } : {}) });
  if (format === 'json') {
    ctx.emit(JSON.stringify(co, null, 2));
    return EXIT.ok;
  }
  ctx.emit(renderTable(ctx, caseOrderedTable(co, { numeric: format === 'csv' || format === 'tsv', keyHeader }), format));
  return EXIT.ok;
}
