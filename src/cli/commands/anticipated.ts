import { anticipated, evidence } from '../../api/analyses.js';
import { anticipationMarkdown } from '../../core/matrix/documents.js';
import { anticipationSummaryTable, anticipationTable } from '../../core/matrix/tables.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { rankingStem } from '../longitudinal.js';
import { renderTable } from '../render.js';
import { scopeOf } from './matrix.js';

/**
 * qualwave anticipated: anticipated vs experienced (Lewis 2007), per participant, for every code
 * marked `anticipates:` in the codebook; Markdown adds each participant's quotes.
 */
export async function run(ctx: Ctx<'anticipated'>): Promise<number> {
  const { format, code, summary } = ctx.opts;
  const study = await ctx.study();
  const { cs, ...a } = anticipated(study, { ...scopeOf(ctx.opts), ...(code ? { only: code } : {}) });
  if (a.pairs.length === 0) ctx.info("no code in the codebook says what it anticipates: add 'anticipates: CODE' to the anticipation code (see the README, Codebooks)");
  if (format === 'json' || format === 'md') {
    const rows = a.pairs.flatMap((p) => [p.anticipation.id, p.experience.id]);
    const ev = summary || rows.length === 0 ? undefined : evidence(cs, await rankingStem(ctx, study), { rows: 'code', only: rows });
    if (format === 'md') ctx.emit(anticipationMarkdown(a, ev, { title: ctx.opts.caption ?? `Anticipated vs experienced: ${study.config.title}` }));
    else ctx.emit(JSON.stringify({ ...a, ...(ev ? { evidence: [...ev.values()] } : {}) }, null, 2));
    return EXIT.ok;
  }
  const numeric = format === 'csv' || format === 'tsv';
  ctx.emit(renderTable(ctx, summary ? anticipationSummaryTable(a, { numeric }) : anticipationTable(a, { numeric }), format));
  return EXIT.ok;
}
