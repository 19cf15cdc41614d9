import type { Anticipations } from '../matrix/anticipation.js';
import type { CodedStudy, RowKey } from '../matrix/coded.js';
import { NOT_CODED_FOR, valuesOf, type Grid } from '../matrix/grid.js';
import { evidenceKey, type Evidence } from '../quotes/evidence.js';
import type { Quote } from '../quotes/select.js';
import type { CaseSummary, MemoThread } from './summary.js';

/**
 * The next-wave brief (recursive interviewing: what the participant said last time goes back into
 * the next interview). For the wave being prepared, it reads the wave just before it (the *last*
 * wave) and, for each participant interviewed at that wave: what they said there per theme (the
 * sub-codes used, and their best passage), the themes they raised earlier but not at the last
 * wave, the open threads the analysts flagged (memos with `follow-up:`, and the "Open threads" of
 * the case summary), and what they anticipated that has not been experienced since (codes marked
 * `anticipates:`), quoted so the interviewer can read it back. Nothing after the last wave is read:
 * memos from the prepared wave on are left out, and so are the case summaries' threads when the
 * prepared wave has already been held (the summaries are written now).
 */
export interface BriefTheme extends RowKey {
  /** Whether the theme (or a sub-code) is coded at the last wave; null when not coded for there. */
  said: boolean | null;
  /** Sub-codes used at the last wave, with their segment counts (none when only the theme itself was applied). */
  codes: Array<{ id: string; label: string; segments: number }>;
  /** Earlier waves at which the theme was present. */
  earlier: string[];
  quote?: Quote;
}

export interface BriefEntry {
  participant: string;
  attributes: Record<string, string>;
  interview: { file: string; date?: string; interviewer?: string };
  themes: BriefTheme[];
  threads: Array<{ source: 'memo' | 'case'; wave?: string; text: string; where: string }>;
  /** Anticipations not (yet) followed by the experience, each with the passage to read back. */
  feedBack: Array<{ anticipation: string; anticipationLabel: string; experienceLabel: string; wave: string; waveLabel: string; quote?: Quote }>;
}

export interface Brief {
  coder: string;
  /** The wave being prepared; null when it comes after every wave in qualwave.yaml. */
  next: { id: string; label: string } | null;
  /** The wave whose interviews the brief reads. */
  last: { id: string; label: string };
  entries: BriefEntry[];
  /** Participants in the study not interviewed at the last wave (not in the brief). */
  notInterviewed: string[];
  /**
   * True when the prepared wave has already been held (a brief made afterwards): the case summaries
   * are written now and may draw on it, so their open threads are left out.
   */
  caseThreadsLeftOut: boolean;
}

export function brief(cs: CodedStudy, data: { next: { id: string; label: string } | null; themes: Grid; codes: Grid; evidence: Evidence; anticipations: Anticipations; threads: readonly MemoThread[]; summaries: ReadonlyMap<string, CaseSummary>; participants?: readonly string[]; nextHeld?: boolean }): Brief {
  const last = cs.waves[cs.waves.length - 1]!;
  const L = cs.waves.length - 1;
  const held = cs.documents.filter((d) => d.wave === last.id);
  const wanted = data.participants?.length ? new Set(data.participants) : undefined;
  const entries: BriefEntry[] = [];
  for (const doc of held) {
    if (wanted && !wanted.has(doc.participant)) continue;
    const p = data.themes.participants.indexOf(doc.participant);
    const pc = data.codes.participants.indexOf(doc.participant);
    const themes: BriefTheme[] = data.themes.rows.map((t, r) => {
      const values = valuesOf(data.themes, r, p);
      const said = values[L] === NOT_CODED_FOR ? null : values[L]! > 0;
      // Its sub-codes used at the last wave (a theme coded only directly has none: said, no codes).
      const codes = data.codes.rows.flatMap((c, i) => {
        if (c.id === t.id || cs.study.codebook.byId.get(c.id)?.theme !== t.id) return [];
        const v = valuesOf(data.codes, i, pc)[L]!;
        return v > 0 ? [{ id: c.id, label: c.label, segments: v }] : [];
      });
      const earlier = cs.waves
        .slice(0, L)
        .filter((_, w) => values[w]! > 0)
        .map((w) => w.id);
      const quote = data.evidence.get(evidenceKey(t.id, last.id, doc.participant));
      return { ...t, said, codes, earlier, ...(quote ? { quote } : {}) };
    });
    const threads: BriefEntry['threads'] = data.threads.filter((m) => m.participant === doc.participant).map((m) => ({ source: 'memo' as const, wave: m.wave, text: m.text, where: `${m.source?.file ?? `codings/${m.coder}.tsv`}${m.source ? `:${m.source.line}` : ''}` }));
    const summary = data.nextHeld ? undefined : data.summaries.get(doc.participant);
    for (const t of summary?.threads ?? []) threads.push({ source: 'case', text: t.text, where: `${summary!.file}:${t.line}` });
    const feedBack: BriefEntry['feedBack'] = [];
    for (const pair of data.anticipations.pairs) {
      const e = pair.entries.find((x) => x.participant === doc.participant);
      if (!e || (e.status !== 'anticipated-not-experienced' && e.status !== 'anticipated-not-followed')) continue;
      // The most recent time they voiced it.
      const wave = e.anticipatedAt[e.anticipatedAt.length - 1]!;
      const w = cs.waves.find((x) => x.id === wave)!;
      const quote = data.evidence.get(evidenceKey(pair.anticipation.id, wave, doc.participant));
      feedBack.push({ anticipation: pair.anticipation.id, anticipationLabel: pair.anticipation.label, experienceLabel: pair.experience.label, wave, waveLabel: w.label, ...(quote ? { quote } : {}) });
    }
    entries.push({
      participant: doc.participant,
      attributes: cs.participants.get(doc.participant)?.attributes ?? {},
      interview: { file: doc.file, ...(doc.date ? { date: doc.date } : {}), ...(doc.interviewer ? { interviewer: doc.interviewer } : {}) },
      themes,
      threads,
      feedBack,
    });
  }
  const inBrief = new Set(held.map((d) => d.participant));
  const notInterviewed = data.themes.participants.filter((p) => !inBrief.has(p));
  return { coder: cs.coder, next: data.next, last: { id: last.id, label: last.label }, entries, notInterviewed, caseThreadsLeftOut: data.nextHeld === true && data.summaries.size > 0 };
}
