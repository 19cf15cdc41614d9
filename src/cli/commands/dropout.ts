import { dropout } from '../../core/matrix/dropout.js';
import { dropoutTable } from '../../core/matrix/tables.js';
import type { Context } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { checkFilters } from '../filters.js';
import { renderTable, TABLE_FORMATS } from '../render.js';
import { scope } from './matrix.js';

/** qualwave dropout: those lost after each wave vs those retained, on attributes and on what they said there. */
export async function run(ctx: Context): Promise<number> {
  const format = ctx.format(TABLE_FORMATS, 'table');
  const study = await ctx.study();
  const s = scope(ctx, study, { decimals: 0 });
  const after = ctx.opts['after'] as string[] | undefined;
  if (after) {
    checkFilters(study, { waves: after });
    const last = s.cs.waves[s.cs.waves.length - 1];
    for (const w of after) {
      if (!s.cs.waves.some((x) => x.id === w)) throw new UsageError(`--after ${w}: the wave is not in scope (--wave)`);
      if (w === last?.id) throw new UsageError(`--after ${w}: nobody can be lost after the last wave in scope`, 'give an earlier wave');
    }
  }
  const cells = (ctx.opts['cells'] ?? 'count') as string;
  if (cells !== 'count' && cells !== 'ids') throw new UsageError(`--cells ${cells}: use count or ids`);
  const blocks = dropout(s.cs, { rows: s.rows, ...(after ? { after } : {}) });
  if (blocks.length === 0) throw new UsageError('the drop-out check needs two waves or more in scope');
  if (format === 'json') {
    ctx.emit(JSON.stringify({ coder: s.coder, blocks }, null, 2));
    return EXIT.ok;
  }
  ctx.emit(renderTable(ctx, dropoutTable(blocks, { numeric: format === 'csv' || format === 'tsv', decimals: s.decimals, ids: cells === 'ids' }), format));
  return EXIT.ok;
}
