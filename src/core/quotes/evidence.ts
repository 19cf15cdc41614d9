import type { Stem } from '../coding/autocode.js';
import type { CodedStudy } from '../matrix/coded.js';
import { selectQuotes, type Quote } from './select.js';

/**
 * Evidence for within-person displays: for each row (theme or code), wave and participant, the
 * participant's best passage there by the quote ranking of `qualwave quotes` (exemplars first,
 * then centrality to the theme), of any length, trimmed to `maxWords` at sentences. Only
 * participant speech is quoted, so a participant coded only on interviewer speech has none.
 */
export type Evidence = Map<string, Quote>;

export const EVIDENCE_MAX_WORDS = 60;

export function evidenceKey(row: string, wave: string, participant: string): string {
  return `${row}\u0000${wave}\u0000${participant}`;
}

/**
 * `cells` and `speakers`: only the quotes of these cells (row, wave) and speakers are made (the
 * others are not in the result); each is the one, with the same rank, the whole evidence holds.
 */
export function evidence(cs: CodedStudy, stem: Stem, opts: { rows: 'theme' | 'code'; only?: string[]; maxWords?: number; cells?: (row: string, wave: string) => boolean; speakers?: ReadonlySet<string> }): Evidence {
  const cells = selectQuotes(cs, stem, {
    rows: opts.rows,
    // One quote per participant per cell, as many participants as have one.
    perCell: Number.POSITIVE_INFINITY,
    minWords: 1,
    maxWords: opts.maxWords ?? EVIDENCE_MAX_WORDS,
    repeatParticipants: false,
    clean: false,
    ...(opts.only?.length ? { only: opts.only } : {}),
    ...(opts.cells ? { cells: opts.cells } : {}),
    ...(opts.speakers ? { speakers: opts.speakers } : {}),
  });
  const out: Evidence = new Map();
  for (const cell of cells) for (const q of cell.quotes) out.set(evidenceKey(q.row, q.wave, q.participant), q);
  return out;
}
