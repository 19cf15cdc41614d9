import type { Where } from '../study/filters.js';
import type { Study } from '../study/types.js';
import { agreement, type AgreementResult } from './report.js';
import { mergePatterns, toPatterns } from './table.js';
import { codeRatings, codeSetRatings, type AgreementUnit } from './units.js';

export interface StudyAgreementRow {
  name: string;
  label: string;
  prevalence?: Array<number | null>;
  result: AgreementResult;
}

/** Agreement per code (or theme), pooled, and optionally over code sets (MASI), on a coded study. */
export function studyAgreement(
  study: Study,
  opts: { coders: string[]; unit: AgreementUnit; level: 'code' | 'theme'; codes?: string[]; waves?: string[]; where?: Where[]; includeInterviewer?: boolean; masi?: boolean; resamples: number; seed: number; confidence?: number },
): { rows: StudyAgreementRow[]; units: number } {
  const scope = { coders: opts.coders, unit: opts.unit, level: opts.level, ...(opts.codes ? { codes: opts.codes } : {}), ...(opts.waves ? { waves: opts.waves } : {}), ...(opts.where ? { where: opts.where } : {}), includeInterviewer: opts.includeInterviewer === true };
  const data = codeRatings(study, scope);
  const a = { level: 'nominal' as const, resamples: opts.resamples, seed: opts.seed, ...(opts.confidence ? { confidence: opts.confidence } : {}) };
  const tables = data.perCode.map((c) => toPatterns(c.ratings));
  const rows: StudyAgreementRow[] = data.perCode.map((c, i) => ({ name: c.code, label: c.label, prevalence: c.prevalence, result: agreement(tables[i]!, a) }));
  // Pooled over codes: every (unit, code) decision; the bootstrap resamples those decisions.
  if (tables.length > 0) rows.push({ name: 'pooled', label: `all ${data.perCode.length} ${opts.level}s`, result: agreement(mergePatterns(tables), a) });
  if (opts.masi) {
    const sets = codeSetRatings(study, scope);
    rows.push({ name: 'code sets (MASI α)', label: 'the set of codes on each unit', result: agreement(sets.ratings, { ...a, differences: sets.differences }) });
  }
  return { rows, units: data.units };
}
