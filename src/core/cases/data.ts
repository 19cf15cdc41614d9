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
  /**
   * The best quotes: for every participant, or (`speakers`) for those only, with the ranks they
   * have among everyone's (the ranking, centrality and ranks are the study's: the other
   * participants' passages are still found, only their quotes are not made).
   */
  evidence: Evidence;
}

export function caseData(cs: CodedStudy, stem: Stem, opts: { evidenceRows?: 'theme' | 'code'; speakers?: ReadonlySet<string>; cells?: (row: string, wave: string) => boolean } = {}): CaseData {
  const themes = grid(cs, 'theme');
  return { themes, codes: grid(cs, 'code'), change: changeMatrix(cs, { rows: 'theme', grid: themes }), evidence: evidence(cs, stem, { rows: opts.evidenceRows ?? 'theme', ...(opts.speakers ? { speakers: opts.speakers } : {}), ...(opts.cells ? { cells: opts.cells } : {}) }) };
}

/**
 * What a next-wave brief is made from: the case data, the anticipations, and quotes for the
 * anticipation codes too. Only the quotes a brief shows are made: the themes' at the last wave,
 * the anticipations' at the waves they are read back from; with `participants`, theirs only.
 */
export function briefData(cs: CodedStudy, stem: Stem, opts: { participants?: readonly string[] } = {}): CaseData & { anticipations: Anticipations } {
  const last = cs.waves[cs.waves.length - 1]?.id;
  const speakers = opts.participants?.length ? new Set(opts.participants) : undefined;
  const data = caseData(cs, stem, { cells: (_, wave) => wave === last, ...(speakers ? { speakers } : {}) });
  const a = anticipations(cs, { grid: data.codes });
  const rows = a.pairs.map((p) => p.anticipation.id);
  // The cells read back (brief.ts): each anticipation at the last wave a participant voiced it, when
  // not experienced since; and, for an anticipation that is a theme, the last wave (its quotes there
  // take the place of the theme's, as every quote of the code rows did).
  const readBack = new Set<string>();
  for (const row of rows) if (data.themes.rows.some((t) => t.id === row)) readBack.add(`${row}\u0000${last}`);
  for (const pair of a.pairs) for (const e of pair.entries) if ((e.status === 'anticipated-not-experienced' || e.status === 'anticipated-not-followed') && (!speakers || speakers.has(e.participant))) readBack.add(`${pair.anticipation.id}\u0000${e.anticipatedAt[e.anticipatedAt.length - 1]!}`);
  if (rows.length) for (const [k, q] of evidence(cs, stem, { rows: 'code', only: rows, cells: (row, wave) => readBack.has(`${row}\u0000${wave}`), ...(speakers ? { speakers } : {}) })) data.evidence.set(k, q);
  return { ...data, anticipations: a };
}
