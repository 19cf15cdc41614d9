import type { Stem } from '../core/coding/autocode.js';
import type { CaseSummary } from '../core/cases/summary.js';
import type { Study } from '../core/study/types.js';
import { caseDiagnostics, readCaseSummaries } from '../io/cases.js';
import { loadStemmer } from '../io/stemmer.js';
import type { AnyCtx as Context } from './context.js';

/**
 * What the longitudinal displays (change, case, brief, report) share in the command line: the
 * stemmer the quote ranking needs, and the analysts' case summaries with their checks.
 */
export async function rankingStem(ctx: Context, study: Study): Promise<Stem> {
  const stem = await loadStemmer(study.config.language);
  if (stem) return stem;
  ctx.info(`no stemmer for the study language '${study.config.language}': quotes are ranked on whole words`);
  return (w) => w;
}

/** The case summaries in cases/, checked; problems counted on stderr (qualwave validate lists them). */
export async function caseSummaries(ctx: Context, study: Study): Promise<Map<string, CaseSummary>> {
  const { summaries, diagnostics } = await readCaseSummaries(study);
  const problems = [...diagnostics, ...caseDiagnostics(summaries)];
  if (problems.length > 0) ctx.info(ctx.err.yellow(`${problems.length} problem${problems.length === 1 ? '' : 's'} in the case summaries (cases/): run qualwave validate to see them`));
  return summaries;
}
