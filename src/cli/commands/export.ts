import { readFileSync } from 'node:fs';
import { codebookXml, exportProject } from '../../core/refi/export.js';
import { zipProject } from '../../io/refi.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { checkFilters } from '../../api/analyses.js';

/** qualwave export --format qdpx|qdc: the study as a REFI-QDA project, or its codebook. */
export async function run(ctx: Ctx<'export'>): Promise<number> {
  const format = ctx.format;
  const study = await ctx.study();
  if (format === 'qdc') {
    ctx.emit(codebookXml(study));
    return EXIT.ok;
  }
  const coders = ctx.opts.coders ?? study.coders;
  checkFilters(study, { coders });
  const version = (JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  const project = exportProject(study, { coders, version });
  ctx.emitBytes(zipProject(project.xml, project.sources), 'a .qdpx project');
  const c = project.counts;
  ctx.info(`${c.sources} sources, ${c.codes} codes, ${c.codings} codings by ${c.users} coder${c.users === 1 ? '' : 's'}, ${c.cases} cases`);
  if (project.removed > 0) ctx.info(ctx.err.yellow(`note: ${project.removed} control character${project.removed === 1 ? '' : 's'} that XML 1.0 cannot hold (in memos, labels or attributes) left out of project.qde; the transcripts in sources/ are unchanged`));
  return EXIT.ok;
}
