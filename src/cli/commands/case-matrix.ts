import { caseOrdered, type CaseOrder } from '../../core/matrix/case-order.js';
import { caseOrderedTable } from '../../core/matrix/tables.js';
import { didYouMeanSuffix } from '../../core/text/suggest.js';
import type { Context } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { checkFilters } from '../filters.js';
import { renderTable, TABLE_FORMATS } from '../render.js';
import { scope } from './matrix.js';

/**
 * qualwave case-matrix: the case-ordered matrix, participants as rows sorted by an attribute
 * (--sort gender) or by a theme's change category (--sort change:learning), themes as columns
 * with each participant's values across the waves.
 */
export async function run(ctx: Context): Promise<number> {
  const format = ctx.format(TABLE_FORMATS, 'table');
  const study = await ctx.study();
  const s = scope(ctx, study, { decimals: 0 });
  const only = ctx.opts['theme'] as string[] | undefined;
  if (only) checkFilters(study, { codes: only });
  const sort = ctx.opts['sort'] as string | undefined;
  let order: CaseOrder = { by: 'participant' };
  let keyHeader = '';
  if (sort?.startsWith('change:')) {
    const row = sort.slice('change:'.length);
    const rows = s.rows === 'theme' ? study.codebook.themes.map((t) => t.id) : study.codebook.codes.map((c) => c.id);
    if (!rows.includes(row)) throw new UsageError(`--sort change:${row}: no ${s.rows} '${row}'${didYouMeanSuffix(row, rows)}`, s.rows === 'theme' ? 'themes are the top-level codes; for a sub-code add --rows code' : undefined);
    if (only && !only.includes(row)) only.push(row);
    order = { by: 'change', row };
    keyHeader = `change: ${study.codebook.byId.get(row)!.label}`;
  } else if (sort !== undefined) {
    const attributes = new Set(study.participants.flatMap((p) => Object.keys(p.attributes)));
    if (!attributes.has(sort)) throw new UsageError(`--sort ${sort}: no participant attribute '${sort}'${didYouMeanSuffix(sort, attributes)}`, `attributes: ${[...attributes].join(', ')}; or change:THEME to sort by a theme's change category`);
    order = { by: 'attribute', attribute: sort };
    keyHeader = sort;
  }
  const co = caseOrdered(s.cs, { rows: s.rows, order, ...(only ? { only } : {}) });
  if (format === 'json') {
    ctx.emit(JSON.stringify(co, null, 2));
    return EXIT.ok;
  }
  ctx.emit(renderTable(ctx, caseOrderedTable(co, { numeric: format === 'csv' || format === 'tsv', keyHeader: keyHeader || 'sorted by' }), format));
  return EXIT.ok;
}
