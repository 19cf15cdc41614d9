import { naturalCompare } from '../text/sort.js';
import { codedFor, rowKeys, rowsOf, type CodedStudy, type RowKey } from './coded.js';

/**
 * Change within each person: for every theme and every pair of consecutive waves, among the
 * participants interviewed at both, who had the theme at both (persisted), only later (emerged),
 * only earlier (faded) or at neither (absent); and each participant's pattern across waves:
 * `+` theme present, `-` interviewed without it, `.` not interviewed, `?` not coded for (the wave is
 * before the code's `since:`). A pair of waves with either one not coded for is left out: nobody
 * emerges at the wave a code was introduced.
 */
export type Mark = '+' | '-' | '.' | '?';

export interface Transition {
  from: string;
  to: string;
  /** False when the row was not coded for at `from` or `to`: every list is empty. */
  codedFor: boolean;
  /** Participants interviewed at both waves. */
  both: number;
  persisted: string[];
  emerged: string[];
  faded: string[];
  absent: string[];
}

export interface ThemeTrajectory extends RowKey {
  transitions: Transition[];
  /** participant -> one mark per wave */
  patterns: Array<{ participant: string; marks: Mark[] }>;
}

/** Which rows each participant has at each wave, and who was interviewed when. */
export function presence(cs: CodedStudy, rows: 'theme' | 'code'): { interviewed: Map<string, Set<string>>; has: Map<string, Map<string, Set<string>>> } {
  const interviewed = new Map<string, Set<string>>(cs.waves.map((w) => [w.id, new Set()]));
  // has[row][wave] = participants
  const has = new Map<string, Map<string, Set<string>>>();
  for (const r of rowKeys(cs, rows)) has.set(r.id, new Map(cs.waves.map((w) => [w.id, new Set()])));
  for (const doc of cs.documents) {
    interviewed.get(doc.wave)?.add(doc.participant);
    for (const seg of cs.coded.get(doc.id) ?? []) for (const key of rowsOf(cs, seg, rows)) has.get(key)?.get(doc.wave)?.add(doc.participant);
  }
  return { interviewed, has };
}

export function trajectories(cs: CodedStudy, opts: { rows: 'theme' | 'code'; only?: string[] }): ThemeTrajectory[] {
  const { interviewed, has } = presence(cs, opts.rows);
  const people = [...new Set(cs.documents.map((d) => d.participant))].sort(naturalCompare);
  return rowKeys(cs, opts.rows)
    .filter((r) => !opts.only?.length || opts.only.includes(r.id))
    .map((r) => {
      const at = has.get(r.id)!;
      const transitions: Transition[] = [];
      for (let i = 1; i < cs.waves.length; i++) {
        const a = cs.waves[i - 1]!.id;
        const b = cs.waves[i]!.id;
        const on = codedFor(cs, r.id, cs.waves[i - 1]!) && codedFor(cs, r.id, cs.waves[i]!);
        const t: Transition = { from: a, to: b, codedFor: on, both: 0, persisted: [], emerged: [], faded: [], absent: [] };
        transitions.push(t);
        if (!on) continue;
        for (const p of people) {
          if (!interviewed.get(a)!.has(p) || !interviewed.get(b)!.has(p)) continue;
          t.both++;
          const x = at.get(a)!.has(p);
          const y = at.get(b)!.has(p);
          (x && y ? t.persisted : y ? t.emerged : x ? t.faded : t.absent).push(p);
        }
      }
      const patterns = people.map((p) => ({ participant: p, marks: cs.waves.map((w): Mark => (!interviewed.get(w.id)!.has(p) ? '.' : !codedFor(cs, r.id, w) ? '?' : at.get(w.id)!.has(p) ? '+' : '-')) }));
      return { ...r, transitions, patterns };
    });
}
