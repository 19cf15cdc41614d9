import { brief } from '../../core/cases/brief.js';
import { briefMarkdown } from '../../core/cases/render.js';
import { codingsWithMemos, memoThreads } from '../../core/cases/summary.js';
import { briefData } from '../../core/cases/data.js';
import { codedStudy } from '../../core/matrix/coded.js';
import { didYouMeanSuffix } from '../../core/text/suggest.js';
import type { Ctx } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { checkFilters, tableCoder } from '../../api/analyses.js';
import { caseSummaries, rankingStem } from '../longitudinal.js';

/**
 * qualwave brief: the next-wave brief for the interviewers: per participant interviewed at the
 * wave before the one being prepared, what they said there per theme, open threads and what to
 * feed back. Reads nothing from the prepared wave on.
 */
export async function run(ctx: Ctx<'brief'>): Promise<number> {
  const format = ctx.format;
  const study = await ctx.study();
  const waves = study.config.waves;
  const forWave = ctx.opts.for;
  let next: (typeof waves)[number] | undefined;
  if (forWave !== undefined) {
    next = waves.find((w) => w.id === forWave);
    if (!next)
      throw new UsageError(
        `--for ${forWave}: no such wave${didYouMeanSuffix(
          forWave,
          waves.map((w) => w.id),
        )}`,
        `waves: ${waves.map((w) => w.id).join(', ')}`,
      );
    if (next.index === 0) throw new UsageError(`--for ${forWave}: the first wave has no wave before it to brief from`);
  } else {
    // The first wave with no interview yet; when every wave has some, the interview after the last.
    next = waves.find((w) => !study.documents.some((d) => d.wave === w.id));
    if (next?.index === 0) throw new UsageError('no interview yet: a brief reads the last wave held');
  }
  const before = waves.filter((w) => next === undefined || w.index < next.index).map((w) => w.id);
  const participants = ctx.opts.participant;
  if (participants) checkFilters(study, { participants });
  const coder = tableCoder(study, ctx.opts.coder);
  const cs = codedStudy(study, coder, { waves: before });
  const data = briefData(cs, await rankingStem(ctx, study), participants ? { participants } : {});
  const lastWave = cs.waves[cs.waves.length - 1]!;
  const threads = memoThreads(codingsWithMemos(study, before));
  const b = brief(cs, {
    next: next ? { id: next.id, label: next.label } : null,
    ...data,
    threads,
    summaries: await caseSummaries(ctx, study),
    ...(participants ? { participants } : {}),
    nextHeld: next !== undefined && study.documents.some((d) => d.wave === next!.id),
  });
  const title = study.config.title;
  if (format === 'json') ctx.emit(JSON.stringify(b, null, 2));
  else if (format === 'docx') {
    const { briefDocx } = await import('../../io/docx-write.js');
    ctx.emitBytes(await briefDocx(b, title), 'a Word document', 'brief.docx');
  } else ctx.emit(briefMarkdown(b, title));
  ctx.info(`brief for the ${next ? next.label : 'interview after the last wave'}: ${b.entries.length} participant${b.entries.length === 1 ? '' : 's'} interviewed at ${lastWave.id}${b.notInterviewed.length ? `; ${b.notInterviewed.length} not interviewed there (${b.notInterviewed.join(', ')})` : ''}`);
  return EXIT.ok;
}
