import { caseData } from '../../core/cases/data.js';
import { dossier } from '../../core/cases/dossier.js';
import { dossierHtml, dossierMarkdown, penPortraitTemplate } from '../../core/cases/render.js';
import { codedStudy } from '../../core/matrix/coded.js';
import { report } from '../../core/report/html.js';
import { didYouMeanSuffix } from '../../core/text/suggest.js';
import type { Ctx } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { tableCoder } from '../../api/analyses.js';
import { caseSummaries, rankingStem } from '../longitudinal.js';

/**
 * qualwave case PARTICIPANT: the case dossier, one participant across every wave (attributes,
 * interviews, codes per wave, trajectory per theme, best quotes per wave, the analyst's summary
 * from cases/PARTICIPANT.md with its quotations checked); --template: a pen portrait to start from.
 */
export async function run(ctx: Ctx<'case'>, participant: string): Promise<number> {
  const format = ctx.format;
  const study = await ctx.study();
  const ids = study.participants.map((p) => p.id);
  if (!ids.includes(participant)) throw new UsageError(`no participant '${participant}'${didYouMeanSuffix(participant, ids)}`, `participants: ${ids.slice(0, 12).join(', ')}${ids.length > 12 ? ', …' : ''}`);
  if (!study.documents.some((d) => d.participant === participant)) throw new UsageError(`'${participant}' has no transcript at any wave`, 'a dossier needs at least one interview');
  const coder = tableCoder(study, ctx.opts.coder);
  const cs = codedStudy(study, coder);
  const template = ctx.opts.template === true;
  if (template && format !== 'md') throw new UsageError('--template is Markdown only');
  const summaries = template ? new Map() : await caseSummaries(ctx, study);
  const data = caseData(cs, await rankingStem(ctx, study), { speakers: new Set([participant]) });
  const d = dossier(cs, participant, { ...data, summary: summaries.get(participant) ?? null });
  if (template) ctx.emit(penPortraitTemplate(d));
  else if (format === 'json') ctx.emit(JSON.stringify(d, null, 2));
  else if (format === 'html')
    ctx.emit(report({ title: `Case ${participant}: ${study.config.title}`, language: study.config.language, subtitle: `qualwave case dossier · codings of ${coder}`, sections: [{ id: `case-${participant.replace(/[^A-Za-z0-9_-]/g, '-')}`, title: `Case ${participant}`, html: dossierHtml(d) }] }));
  else ctx.emit(dossierMarkdown(d));
  return EXIT.ok;
}
