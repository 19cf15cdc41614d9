import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Study } from '../study/types.js';
import { naturalCompare } from '../text/sort.js';
import { didYouMeanSuffix } from '../text/suggest.js';
import type { Finished } from './types.js';

/**
 * A coder's finished transcripts, `codings/CODER.finished.tsv`, beside their codings: one line per
 * transcript the coder has read to the end, sorted by wave and participant (a diff shows what a
 * coder finished that day). In a finished transcript, text the coder did not code means "no code
 * applies", not "not coded yet".
 *
 *     participant	wave
 *     MS01	pre
 *     MS07	post
 */
export const FINISHED_SUFFIX = '.finished.tsv';
export const FINISHED_COLUMNS = ['participant', 'wave'] as const;

export function finishedFile(coder: string): string {
  return `codings/${coder}${FINISHED_SUFFIX}`;
}

export function parseFinishedFile(file: string, text: string, coder: string): { finished: Finished[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const finished: Finished[] = [];
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { delimiter: '\t', info: true, bom: true, relax_column_count: true, skip_empty_lines: true, relax_quotes: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (e) {
    const err = e as Error & { lines?: number };
    diagnostics.push(error(file, err.lines, `cannot read finished transcripts: ${err.message.replace(/ at line \d+$/, '')}`, 'each line is: participant <tab> wave'));
    return { finished, diagnostics };
  }
  const header = records[0]?.record.map((h) => h.trim());
  if (!header) return { finished, diagnostics };
  const missing = FINISHED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    diagnostics.push(error(file, 1, `the header lacks ${missing.map((m) => `'${m}'`).join(', ')}`, `the first line must be: ${FINISHED_COLUMNS.join(' <tab> ')}`));
    return { finished, diagnostics };
  }
  for (const h of header) if (!(FINISHED_COLUMNS as readonly string[]).includes(h)) diagnostics.push(error(file, 1, `unknown column '${h}'${didYouMeanSuffix(h, FINISHED_COLUMNS)}`, `columns: ${FINISHED_COLUMNS.join(', ')}`));
  const seen = new Map<string, number>();
  for (const { record, info } of records.slice(1)) {
    const get = (name: string): string => (record[header.indexOf(name)] ?? '').trim();
    const participant = get('participant');
    const wave = get('wave');
    if (!participant || !wave) {
      diagnostics.push(error(file, info.lines, 'a finished transcript needs its participant and wave'));
      continue;
    }
    const key = `${participant}/${wave}`;
    const before = seen.get(key);
    if (before !== undefined) {
      diagnostics.push(warning(file, info.lines, `${key} is listed twice (also line ${before})`, 'delete one of the two lines'));
      continue;
    }
    seen.set(key, info.lines);
    finished.push({ coder, participant, wave, source: { file, line: info.lines } });
  }
  return { finished, diagnostics };
}

/** Finished marks naming a transcript the study does not have are errors (a typo would silently change agreement). */
export function checkFinished(study: Pick<Study, 'config' | 'participants' | 'documents'>, finished: readonly Finished[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const docs = new Set(study.documents.map((d) => d.id));
  const participants = study.participants.map((p) => p.id);
  const waves = study.config.waves.map((w) => w.id);
  for (const f of finished) {
    const at = f.source ?? { file: finishedFile(f.coder), line: undefined };
    if (!participants.includes(f.participant)) out.push(error(at.file, at.line, `unknown participant '${f.participant}'${didYouMeanSuffix(f.participant, participants)}`, 'participants are listed in participants.csv'));
    else if (!waves.includes(f.wave)) out.push(error(at.file, at.line, `unknown wave '${f.wave}'${didYouMeanSuffix(f.wave, waves)}`, `waves: ${waves.join(', ')}`));
    else if (!docs.has(`${f.participant}/${f.wave}`)) out.push(error(at.file, at.line, `${f.participant} has no transcript at wave '${f.wave}'`, 'check the participant and wave'));
  }
  return out;
}

/** Deterministic order: wave (study order), then participant (natural order). */
export function sortFinished(list: readonly Finished[], waveOrder: readonly string[]): Finished[] {
  const w = new Map(waveOrder.map((id, i) => [id, i]));
  return [...list].sort((a, b) => (w.get(a.wave) ?? 1e9) - (w.get(b.wave) ?? 1e9) || naturalCompare(a.participant, b.participant));
}

export function formatFinishedFile(list: readonly Finished[], waveOrder: readonly string[]): string {
  const unique = new Map(list.map((f) => [`${f.participant}\u0000${f.wave}`, f]));
  const rows = sortFinished([...unique.values()], waveOrder).map((f) => [f.participant, f.wave]);
  return stringify([[...FINISHED_COLUMNS], ...rows], { delimiter: '\t', record_delimiter: '\n' });
}

/** Whether the coder marked the transcript finished. */
export function isFinished(study: Pick<Study, 'finished'>, coder: string, participant: string, wave: string): boolean {
  return study.finished.some((f) => f.coder === coder && f.participant === participant && f.wave === wave);
}
