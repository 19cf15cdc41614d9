import { change, evidence } from '../../api/analyses.js';
import { changeMarkdown } from '../../core/matrix/documents.js';
import { changeDetailTable, changeTable } from '../../core/matrix/tables.js';
import type { Ctx } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { rankingStem } from '../longitudinal.js';
import { renderTable } from '../render.js';
import { scopeOf } from './matrix.js';

/**
 * qualwave change: the change matrix (Saldaña 2003), per theme or code, computed within each
 * participant across the ordered waves; with --detail each participant's values, with --evidence
 * (Markdown, JSON) an attributed passage per participant and wave.
 */
export async function run(ctx: Ctx<'change'>): Promise<number> {
  const format = ctx.format;
  const study = await ctx.study();
  const only = ctx.opts.theme;
  const cells = ctx.opts.cells;
  const withEvidence = ctx.opts.evidence === true;
  if (withEvidence && format !== 'md' && format !== 'json') throw new UsageError('--evidence needs --format md or json (the quotes do not fit in a table)', 'e.g. qualwave change --evidence --format md > change.md');
  const { cs, ...cm } = change(study, { ...scopeOf(ctx.opts), rows: ctx.opts.rows, measure: ctx.opts.measure, ...(only ? { only } : {}) });
  const ev = withEvidence ? evidence(cs, await rankingStem(ctx, study), { rows: ctx.opts.rows, ...(only ? { only } : {}) }) : undefined;
  if (format === 'json') {
    // Evidence: one quote per row, wave and participant (each names its row, wave and participant).
    ctx.emit(JSON.stringify({ ...cm, ...(ev ? { evidence: [...ev.values()] } : {}) }, null, 2));
    return EXIT.ok;
  }
  if (withEvidence) {
    ctx.emit(changeMarkdown(cm, ev, { title: ctx.opts.caption ?? `Change across waves: ${study.config.title}`, ids: cells === 'ids' }));
    return EXIT.ok;
  }
  const numeric = format === 'csv' || format === 'tsv';
  ctx.emit(renderTable(ctx, ctx.opts.detail === true ? changeDetailTable(cm, { numeric }) : changeTable(cm, { ids: cells === 'ids', numeric }), format));
  return EXIT.ok;
}
