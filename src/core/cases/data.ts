import type { Stem } from '../coding/autocode.js';
import { anticipations, type Anticipations } from '../matrix/anticipation.js';
import { changeMatrix, type ChangeMatrix } from '../matrix/change.js';
import type { CodedStudy } from '../matrix/coded.js';
import { grid, type Grid } from '../matrix/grid.js';
import { evidence, type Evidence } from '../quotes/evidence.js';

/** What dossiers and briefs are made from, computed once for every participant. */
export interface CaseData {
  themes: Grid;
  codes: Grid;
  change: ChangeMatrix;
  evidence: Evidence;
}

export function caseData(cs: CodedStudy, stem: Stem, opts: { evidenceRows?: 'theme' | 'code' } = {}): CaseData {
  const themes = grid(cs, 'theme');
  return { themes, codes: grid(cs, 'code'), change: changeMatrix(cs, { rows: 'theme', grid: themes }), evidence: evidence(cs, stem, { rows: opts.evidenceRows ?? 'theme' }) };
}

/** What a next-wave brief is made from: the case data, the anticipations, and quotes for the anticipation codes too. */
export function briefData(cs: CodedStudy, stem: Stem): CaseData & { anticipations: Anticipations } {
  const data = caseData(cs, stem);
  const a = anticipations(cs, { grid: data.codes });
  const rows = a.pairs.map((p) => p.anticipation.id);
  if (rows.length) for (const [k, q] of evidence(cs, stem, { rows: 'code', only: rows })) data.evidence.set(k, q);
  return { ...data, anticipations: a };
}
