import type { CodedStudy, RowKey } from './coded.js';
import { grid, valuesOf, type Grid } from './grid.js';

/**
 * Anticipated versus experienced (Lewis 2007): a code marked `anticipates: B` in the codebook
 * (say emotions.anticipated, anticipates: emotions.toll) holds what a participant expected; B holds
 * what they lived. For each participant, the anticipation at an earlier wave is paired with B at a
 * later one. "Present" below means coded at a wave where the participant was interviewed and the
 * code was in use; other waves are skipped, never read as absent. Rules, in order:
 *
 * - anticipated-experienced: A present at some wave, and B present at a later wave.
 * - anticipated-not-experienced: A present, B not present at any later wave, though the participant
 *   was interviewed later at a wave where B was in use.
 * - anticipated-not-followed: A present, and no later interview at which B was in use (attrition).
 * - experienced-not-anticipated: A never present; B present at a wave after one where the
 *   participant was interviewed with A in use (so the expectation could have been voiced).
 * - neither: everything else (neither code, or B only at a first interview).
 *
 * Later and earlier are counted from the first wave A is present at.
 */
export type AnticipationStatus = 'anticipated-experienced' | 'anticipated-not-experienced' | 'anticipated-not-followed' | 'experienced-not-anticipated' | 'neither';

export const ANTICIPATION_STATUSES: ReadonlyArray<{ id: AnticipationStatus; label: string }> = [
  { id: 'anticipated-experienced', label: 'anticipated, experienced later' },
  { id: 'anticipated-not-experienced', label: 'anticipated, not experienced later' },
  { id: 'anticipated-not-followed', label: 'anticipated, not interviewed later' },
  { id: 'experienced-not-anticipated', label: 'experienced, not anticipated' },
  { id: 'neither', label: 'neither' },
];

export interface AnticipationEntry {
  participant: string;
  status: AnticipationStatus;
  /** Waves where the anticipation code is present. */
  anticipatedAt: string[];
  /** Waves (after the first anticipation, or any for experienced-not-anticipated) where the experience code is present. */
  experiencedAt: string[];
  /** Per wave: the anticipation's and the experience's values (counts, or -1 not interviewed, -2 not coded for). */
  anticipation: number[];
  experience: number[];
}

export interface AnticipationPair {
  anticipation: RowKey;
  experience: RowKey;
  entries: AnticipationEntry[];
  counts: Record<AnticipationStatus, number>;
}

export interface Anticipations {
  coder: string;
  waves: Array<{ id: string; label: string }>;
  participants: string[];
  pairs: AnticipationPair[];
}

/** Every `anticipates:` pair of the codebook (or only those whose anticipation code is in `only`). */
export function anticipations(cs: CodedStudy, opts: { only?: readonly string[]; grid?: Grid } = {}): Anticipations {
  const book = cs.study.codebook;
  const pairs = book.codes.filter((c) => c.anticipates !== undefined && book.byId.has(c.anticipates) && (!opts.only?.length || opts.only.includes(c.id)));
  const g = opts.grid ?? grid(cs, 'code');
  const rIndex = new Map(g.rows.map((r, i) => [r.id, i]));
  const waves = g.waves;
  return {
    coder: cs.coder,
    waves: waves.map((w) => ({ id: w.id, label: w.label })),
    participants: g.participants,
    pairs: pairs.map((c) => {
      const a = rIndex.get(c.id)!;
      const b = rIndex.get(c.anticipates!)!;
      const counts = Object.fromEntries(ANTICIPATION_STATUSES.map((s) => [s.id, 0])) as Record<AnticipationStatus, number>;
      const entries = g.participants.map((participant, p): AnticipationEntry => {
        const va = valuesOf(g, a, p);
        const vb = valuesOf(g, b, p);
        const e = pairStatus(va, vb);
        counts[e.status]++;
        return { participant, status: e.status, anticipatedAt: e.anticipatedAt.map((w) => waves[w]!.id), experiencedAt: e.experiencedAt.map((w) => waves[w]!.id), anticipation: va, experience: vb };
      });
      return { anticipation: g.rows[a]!, experience: g.rows[b]!, entries, counts };
    }),
  };
}

/** The rule above on one participant's values per wave (counts, or negative for no observation). */
export function pairStatus(a: readonly number[], b: readonly number[]): { status: AnticipationStatus; anticipatedAt: number[]; experiencedAt: number[] } {
  const anticipatedAt = a.flatMap((v, w) => (v > 0 ? [w] : []));
  if (anticipatedAt.length > 0) {
    const first = anticipatedAt[0]!;
    const later = b.flatMap((v, w) => (w > first && v >= 0 ? [w] : []));
    const experiencedAt = later.filter((w) => b[w]! > 0);
    const status: AnticipationStatus = experiencedAt.length > 0 ? 'anticipated-experienced' : later.length > 0 ? 'anticipated-not-experienced' : 'anticipated-not-followed';
    return { status, anticipatedAt, experiencedAt };
  }
  const experiencedAt = b.flatMap((v, w) => (v > 0 && a.slice(0, w).some((x) => x >= 0) ? [w] : []));
  return { status: experiencedAt.length > 0 ? 'experienced-not-anticipated' : 'neither', anticipatedAt, experiencedAt };
}
