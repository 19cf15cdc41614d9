import { anticipations } from '../../core/matrix/anticipation.js';
import { anticipationMarkdown } from '../../core/matrix/documents.js';
import { anticipationSummaryTable, anticipationTable } from '../../core/matrix/tables.js';
import { evidence } from '../../core/quotes/evidence.js';
import type { Context } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { checkFilters } from '../filters.js';
import { rankingStem } from '../longitudinal.js';
import { renderTable, TABLE_FORMATS } from '../render.js';
import { scope } from './matrix.js';

/**
 * qualwave anticipated: anticipated vs experienced (Lewis 2007), per participant, for every code
 * marked `anticipates:` in the codebook; Markdown adds each participant's quotes.
 */
export async function run(ctx: Context): Promise<number> {
  const format = ctx.format(TABLE_FORMATS, 'md');
  const study = await ctx.study();
  const s = scope(ctx, study, { decimals: 0 });
  const only = ctx.opts['code'] as string[] | undefined;
  if (only) {
    checkFilters(study, { codes: only });
    for (const c of only) if (study.codebook.byId.get(c)?.anticipates === undefined) throw new UsageError(`--code ${c}: the code has no 'anticipates:' in the codebook`, 'mark the anticipation code, e.g. anticipates: emotions.toll');
  }
  const a = anticipations(s.cs, only ? { only } : {});
  if (a.pairs.length === 0) ctx.info("no code in the codebook says what it anticipates: add 'anticipates: CODE' to the anticipation code (see the README, Codebooks)");
  const summary = ctx.opts['summary'] === true;
  if (format === 'json' || format === 'md') {
    const rows = a.pairs.flatMap((p) => [p.anticipation.id, p.experience.id]);
    const ev = summary || rows.length === 0 ? undefined : evidence(s.cs, await rankingStem(ctx, study), { rows: 'code', only: rows });
    if (format === 'md') ctx.emit(anticipationMarkdown(a, ev, { title: (ctx.opts['caption'] as string | undefined) ?? `Anticipated vs experienced: ${study.config.title}` }));
    else ctx.emit(JSON.stringify({ ...a, ...(ev ? { evidence: [...ev.values()] } : {}) }, null, 2));
    return EXIT.ok;
  }
  const numeric = format === 'csv' || format === 'tsv';
  ctx.emit(renderTable(ctx, summary ? anticipationSummaryTable(a, { numeric }) : anticipationTable(a, { numeric }), format));
  return EXIT.ok;
}
