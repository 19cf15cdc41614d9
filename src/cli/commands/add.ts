import { resolve } from 'node:path';
import { sortDiagnostics } from '../../core/diagnostics/diagnostic.js';
import { terminalText } from '../../core/format/escape.js';
import type { AddPlan } from '../../core/study/add.js';
import { documentSummary } from '../../core/summary/summary.js';
import type { TranscriptFormat, TranscriptSource } from '../../core/transcript/types.js';
import { OutsideError, planFiles, transcriptFiles, writePlans } from '../../io/add.js';
import { withLocks } from '../../io/lock.js';
import { loadStudy } from '../../io/load-study.js';
import type { Ctx } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { plural } from '../report.js';

/**
 * qualwave add FILES...: bring raw transcripts into the study under its naming pattern, with
 * front matter where the format has it, after showing what qualwave understood of each. All or
 * nothing: when one file cannot be added, none is. Never overwrites, never writes outside the study.
 */
export async function run(ctx: Ctx<'add'>, files: string[]): Promise<number> {
  const format = ctx.format;
  const root = ctx.studyRoot();
  ctx.recover(root);
  const { study, diagnostics: loadDiagnostics } = await loadStudy(root, { allowOutside: ctx.opts.allowOutside === true });
  if (!study) {
    ctx.printDiagnostics(root, loadDiagnostics, { warnings: false });
    throw new UsageError('the study could not be loaded: fix qualwave.yaml first (qualwave validate)');
  }
  const flags: { participant?: string; wave?: string; date?: string } = {};
  for (const k of ['participant', 'wave', 'date'] as const) {
    const v = ctx.opts[k];
    if (v !== undefined) flags[k] = v;
  }
  const existing = new Map(study.documents.map((d) => [d.id, d.file]));
  const { plans, diagnostics } = await planFiles({
    root,
    config: study.config,
    participantIds: study.participants.map((p) => p.id),
    existing,
    files: await transcriptFiles(root, study.config),
    inputs: files.map((f) => ({ path: resolve(ctx.cwd, f), shown: f })),
    flags,
  });
  const dry = ctx.opts.dryRun;
  const refused = diagnostics.length > 0;
  if (format === 'json') {
    ctx.emit(JSON.stringify({ added: !dry && !refused, files: plans.map(({ plan }) => planJson(plan)), diagnostics }, null, 2));
  } else {
    // Names and labels come from the files: no control sequence reaches the terminal.
    ctx.emit(terminalText(plans.map(({ plan }) => describe(plan, dry || refused)).join('\n')));
  }
  const warnings = sortDiagnostics(plans.flatMap(({ plan }) => plan.diagnostics));
  if (format !== 'json' && warnings.length > 0) ctx.printDiagnostics(root, warnings);
  if (refused) {
    ctx.printDiagnostics(ctx.cwd, sortDiagnostics(diagnostics));
    ctx.info(`nothing added: ${plural(diagnostics.length, 'file')} could not be${plans.length > 0 ? ` (the other ${plural(plans.length, 'file')} would have been)` : ''}`);
    return EXIT.badInput;
  }
  if (dry) {
    ctx.info(`--dry-run: nothing written (${plural(plans.length, 'transcript')} would be added)`);
    return EXIT.ok;
  }
  let written: string[];
  try {
    // Under the study lock: another qualwave add (or build, or import) waits for this one.
    written = withLocks(root, [['study', 'the study']], () => writePlans(root, plans));
  } catch (e) {
    if (e instanceof OutsideError) throw new UsageError(e.message, 'add writes only inside the study: check the transcripts folder is not a link to elsewhere');
    throw e;
  }
  ctx.info(`added ${plural(written.length, 'transcript')}; next: qualwave validate${warnings.length > 0 ? ' (see the warnings above; speakers.map says who a label is)' : ''}`);
  return EXIT.ok;
}

const FORMAT_NAMES: Record<TranscriptFormat, string> = { text: 'plain text', markdown: 'Markdown', vtt: 'WebVTT captions', srt: 'SRT captions', docx: 'Word document', json: 'JSON' };
const SOURCE_NAMES: Record<TranscriptSource, string> = { otter: 'Otter', rev: 'Rev', teams: 'Microsoft Teams', zoom: 'Zoom', whisper: 'Whisper', whisperx: 'WhisperX (diarised)' };

const EXPORT_NAMES: Partial<Record<TranscriptFormat, string>> = { text: 'text export (.txt)', markdown: 'export (.md)', docx: 'Word export (.docx)', vtt: 'captions (.vtt)', srt: 'captions (.srt)', json: 'JSON' };

/** "Otter text export (.txt)", "Zoom captions (.vtt)", "WhisperX (diarised) JSON", "plain text". */
export function formatName(format: TranscriptFormat, source: TranscriptSource | undefined): string {
  return source ? `${SOURCE_NAMES[source]} ${EXPORT_NAMES[format] ?? FORMAT_NAMES[format]}` : FORMAT_NAMES[format];
}

function describe(plan: AddPlan, notWritten: boolean): string {
  const doc = plan.document;
  const s = documentSummary(doc);
  const wave = doc.wave;
  const lines = [`${notWritten ? 'would add' : 'added'} ${plan.file}  ← ${plan.source.shown}`];
  lines.push(`  format: ${formatName(doc.format, doc.source)}`);
  const from = (f: string, option: string) => `(from ${f === 'option' ? option : f === 'only wave' ? "the study's only wave" : `the ${f}`})`;
  lines.push(`  participant ${plan.participant} ${from(plan.from.participant, '--participant')}, wave ${wave} ${from(plan.from.wave, '--wave')}${plan.date ? `, date ${plan.date} ${from(plan.from.date!, '--date')}` : ', no date'}`);
  if (plan.frontMatter !== undefined) {
    const n = plan.frontMatter.split('\n').length - 1;
    lines.push(`  front matter written: lines 1-${n} (participant, wave${plan.date ? ', date' : ''}); the file's own text starts on line ${n + 1}`);
  } else if (doc.frontMatterLines) lines.push('  front matter: kept as it is in the file');
  else lines.push(`  front matter: none (${doc.format === 'text' || doc.format === 'markdown' ? 'kept as it is' : `a ${doc.format} file has none`}); participant and wave come from the file name`);
  lines.push(`  segments: ${s.segments} by ${s.segmentation}${doc.segmentation.from === 'default' ? ' (the default)' : ` (${doc.segmentation.from === 'study' ? 'qualwave.yaml' : 'front matter'})`}, ${plural(s.words, 'word')}`);
  lines.push('  speakers:');
  const rows = s.speakers.map((sp) => [
    sp.label ?? '(no label)',
    sp.participant !== undefined ? `participant ${sp.participant}` : sp.role,
    sp.rule === 'unknown' ? 'not recognised' : sp.rule === 'unlabelled' ? 'no label (outside any turn)' : ruleName(sp.rule),
    plural(sp.turns, 'turn'),
    plural(sp.segments, 'segment'),
    plural(sp.words, 'word'),
  ]);
  if (s.skipped) rows.push(['(no label)', 'none', 'left out (unlabelled: none)', '', '', plural(s.skipped.words, 'word')]);
  const widths = rows.reduce((w, r) => r.map((c, i) => Math.max(w[i] ?? 0, c.length)), [] as number[]);
  for (const r of rows)
    lines.push(
      `    ${r
        .map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd()}`,
    );
  return lines.join('\n') + '\n';
}

function ruleName(rule: string): string {
  return ({ map: 'speakers.map', participant: "participant's id", interviewer: 'interviewer label', label: 'participant label', id: "another participant's id", numbered: 'numbered label' } as Record<string, string>)[rule] ?? rule;
}

function planJson(plan: AddPlan): Record<string, unknown> {
  const s = documentSummary(plan.document);
  return {
    file: plan.file,
    source: plan.source.shown,
    format: plan.document.format,
    service: plan.document.source ?? null,
    participant: plan.participant,
    wave: plan.wave,
    date: plan.date ?? null,
    from: plan.from,
    frontMatter: plan.frontMatter ?? null,
    segments: { mode: s.segmentation, count: s.segments, words: s.words },
    speakers: s.speakers,
    diagnostics: plan.diagnostics,
  };
}
