import { changeMatrix, type ChangeMeasure } from '../../core/matrix/change.js';
import { changeMarkdown } from '../../core/matrix/documents.js';
import { changeDetailTable, changeTable } from '../../core/matrix/tables.js';
import { evidence } from '../../core/quotes/evidence.js';
import type { Context } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { checkFilters } from '../filters.js';
import { rankingStem } from '../longitudinal.js';
import { renderTable, TABLE_FORMATS } from '../render.js';
import { scope } from './matrix.js';

/**
 * qualwave change: the change matrix (Saldaña 2003), per theme or code, computed within each
 * participant across the ordered waves; with --detail each participant's values, with --evidence
 * (Markdown, JSON) an attributed passage per participant and wave.
 */
export async function run(ctx: Context): Promise<number> {
  const format = ctx.format(TABLE_FORMATS, 'table');
  const study = await ctx.study();
  const s = scope(ctx, study, { decimals: 0 });
  const only = ctx.opts['theme'] as string[] | undefined;
  if (only) checkFilters(study, { codes: only });
  const measure = (ctx.opts['measure'] ?? 'segments') as ChangeMeasure;
  if (measure !== 'segments' && measure !== 'presence') throw new UsageError(`--measure ${String(measure)}: use segments or presence`);
  const cells = (ctx.opts['cells'] ?? 'count') as string;
  if (cells !== 'count' && cells !== 'ids') throw new UsageError(`--cells ${cells}: use count or ids`);
  const withEvidence = ctx.opts['evidence'] === true;
  if (withEvidence && format !== 'md' && format !== 'json') throw new UsageError('--evidence needs --format md or json (the quotes do not fit in a table)', 'e.g. qualwave change --evidence --format md > change.md');
  if (s.cs.waves.length < 2) throw new UsageError('change needs two waves or more in scope', s.cs.waves.length === 1 ? 'drop --wave, or give two waves or more' : undefined);
  const cm = changeMatrix(s.cs, { rows: s.rows, measure, ...(only ? { only } : {}) });
  const ev = withEvidence ? evidence(s.cs, await rankingStem(ctx, study), { rows: s.rows, ...(only ? { only } : {}) }) : undefined;
  if (format === 'json') {
    // Evidence: one quote per row, wave and participant (each names its row, wave and participant).
    ctx.emit(JSON.stringify({ ...cm, ...(ev ? { evidence: [...ev.values()] } : {}) }, null, 2));
    return EXIT.ok;
  }
  if (withEvidence) {
    ctx.emit(changeMarkdown(cm, ev, { title: (ctx.opts['caption'] as string | undefined) ?? `Change across waves: ${study.config.title}`, ids: cells === 'ids' }));
    return EXIT.ok;
  }
  const numeric = format === 'csv' || format === 'tsv';
  ctx.emit(renderTable(ctx, ctx.opts['detail'] === true ? changeDetailTable(cm, { numeric }) : changeTable(cm, { ids: cells === 'ids', numeric }), format));
  return EXIT.ok;
}
