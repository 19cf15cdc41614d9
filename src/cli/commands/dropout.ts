import { dropout } from '../../api/analyses.js';
import { dropoutTable } from '../../core/matrix/tables.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { renderTable } from '../render.js';
import { scopeOf } from './matrix.js';

/** qualwave dropout: those lost after each wave vs those retained, on attributes and on what they said there. */
export async function run(ctx: Ctx<'dropout'>): Promise<number> {
  const { format, after, rows, cells, decimals } = ctx.opts;
  const study = await ctx.study();
  const { coder, blocks } = dropout(study, { ...scopeOf(ctx.opts), rows, ...(after ? { after } : {}) });
  if (format === 'json') {
    ctx.emit(JSON.stringify({ coder, blocks }, null, 2));
    return EXIT.ok;
  }
  ctx.emit(renderTable(ctx, dropoutTable(blocks, { numeric: format === 'csv' || format === 'tsv', decimals, ids: cells === 'ids' }), format));
  return EXIT.ok;
}
