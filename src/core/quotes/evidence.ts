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

export function evidence(cs: CodedStudy, stem: Stem, opts: { rows: 'theme' | 'code'; only?: string[]; maxWords?: number }): Evidence {
  const cells = selectQuotes(cs, stem, {
    rows: opts.rows,
    // One quote per participant per cell, as many participants as have one.
    perCell: Number.POSITIVE_INFINITY,
    minWords: 1,
    maxWords: opts.maxWords ?? EVIDENCE_MAX_WORDS,
    repeatParticipants: false,
    clean: false,
    ...(opts.only?.length ? { only: opts.only } : {}),
  });
  const out: Evidence = new Map();
  for (const cell of cells) for (const q of cell.quotes) out.set(evidenceKey(q.row, q.wave, q.participant), q);
  return out;
}
