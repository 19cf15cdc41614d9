import type { ChangeCategory, ChangeMatrix } from '../matrix/change.js';
import { rowsOf, type CodedStudy, type RowKey } from '../matrix/coded.js';
import { NOT_INTERVIEWED, valuesOf, type Grid } from '../matrix/grid.js';
import { evidenceKey, type Evidence } from '../quotes/evidence.js';
import type { Quote } from '../quotes/select.js';
import type { CaseSummary } from './summary.js';

/**
 * A case dossier (Thomson & Holland's case history; Grossoehme & Lipstein's per-case matrix): one
 * participant across every wave. Facts only: attributes, interviews, codes per wave, the
 * participant's change category per theme, their best quote per theme and wave, and the analyst's
 * own summary (checked, never rewritten).
 */
export interface DossierInterview {
  wave: { id: string; label: string };
  interviewed: boolean;
  file?: string;
  date?: string;
  interviewer?: string;
  segments?: number;
  words?: number;
}

export interface CodeLink {
  code: string;
  label: string;
  /** Line of the mention in the case file. */
  line: number;
  known: boolean;
  suggestion?: string;
  /** Where the participant was coded with it (a theme: or any of its sub-codes). */
  coded: Array<{ wave: string; file: string; startLine: number; endLine: number }>;
}

export interface Dossier {
  participant: string;
  coder: string;
  attributes: Record<string, string>;
  waves: Array<{ id: string; label: string }>;
  interviews: DossierInterview[];
  /** Participation in words: "interviewed at every wave", "lost after 4-month", "missed 4-month". */
  participation: string;
  /** Codes per wave (segment counts; -1 not interviewed, -2 not coded for): every theme, and the sub-codes used at some wave. */
  codes: Array<RowKey & { values: number[] }>;
  /** Per theme: the participant's values across waves and change category. */
  themes: Array<RowKey & { values: number[]; category: ChangeCategory; kind: string | null }>;
  /** Per wave, per theme present: the participant's best passage. */
  quotes: Array<{ wave: string; waveLabel: string; row: string; rowLabel: string; quote: Quote }>;
  summary: CaseSummary | null;
  codeLinks: CodeLink[];
}

/** Participation in words, from which waves (in order) the participant was interviewed at. */
export function participationWords(waves: ReadonlyArray<{ id: string }>, interviewed: readonly boolean[]): string {
  const at = interviewed.flatMap((x, i) => (x ? [i] : []));
  if (at.length === 0) return 'not interviewed';
  if (at.length === waves.length) return 'interviewed at every wave';
  const parts: string[] = [];
  const first = at[0]!;
  const last = at[at.length - 1]!;
  if (first > 0) parts.push(`joined at ${waves[first]!.id}`);
  const missed = waves.filter((_, i) => i > first && i < last && !interviewed[i]).map((w) => w.id);
  if (missed.length) parts.push(`missed ${missed.join(', ')}`);
  if (last < waves.length - 1) parts.push(`lost after ${waves[last]!.id}`);
  return parts.join('; ');
}

export function dossier(cs: CodedStudy, participant: string, data: { themes: Grid; codes: Grid; change: ChangeMatrix; evidence: Evidence; summary: CaseSummary | null }): Dossier {
  const p = data.themes.participants.indexOf(participant);
  if (p < 0) throw new Error(`participant '${participant}' has no interview in scope`);
  const docs = cs.documents.filter((d) => d.participant === participant);
  const interviews: DossierInterview[] = cs.waves.map((w) => {
    const d = docs.find((x) => x.wave === w.id);
    if (!d) return { wave: { id: w.id, label: w.label }, interviewed: false };
    let words = 0;
    for (let i = 0; i < d.segmentList.length; i++) words += d.segmentList.words(i);
    return { wave: { id: w.id, label: w.label }, interviewed: true, file: d.file, ...(d.date ? { date: d.date } : {}), ...(d.interviewer ? { interviewer: d.interviewer } : {}), segments: d.segmentList.length, words };
  });
  const pc = data.codes.participants.indexOf(participant);
  const codes = data.codes.rows.map((r, i) => ({ ...r, values: valuesOf(data.codes, i, pc) })).filter((r) => r.level === 'theme' || r.values.some((v) => v > 0));
  const themes = data.themes.rows.map((r, i) => {
    const ch = data.change.rows.find((x) => x.id === r.id)?.participants.find((x) => x.participant === participant);
    return { ...r, values: valuesOf(data.themes, i, p), category: ch?.category ?? 'too-few-waves', kind: ch?.kind ?? null };
  });
  const quotes: Dossier['quotes'] = [];
  for (const w of cs.waves) {
    for (const t of themes) {
      const q = data.evidence.get(evidenceKey(t.id, w.id, participant));
      if (q) quotes.push({ wave: w.id, waveLabel: w.label, row: t.id, rowLabel: t.label, quote: q });
    }
  }
  const codeLinks: CodeLink[] = (data.summary?.codes ?? []).map((ref) => {
    const code = cs.study.codebook.byId.get(ref.code);
    const coded: CodeLink['coded'] = [];
    if (code) {
      for (const d of docs) {
        for (const seg of cs.coded.get(d.id) ?? []) {
          if (rowsOf(cs, seg, 'code').has(code.id)) coded.push({ wave: d.wave, file: d.file, startLine: d.segmentList.startLine(seg.index), endLine: d.segmentList.endLine(seg.index) });
        }
      }
    }
    return { code: ref.code, label: code?.label ?? '', line: ref.line, known: ref.known, ...(ref.suggestion ? { suggestion: ref.suggestion } : {}), coded };
  });
  return {
    participant,
    coder: cs.coder,
    attributes: cs.participants.get(participant)?.attributes ?? {},
    waves: cs.waves.map((w) => ({ id: w.id, label: w.label })),
    interviews,
    participation: participationWords(
      cs.waves,
      interviews.map((i) => i.interviewed),
    ),
    codes,
    themes,
    quotes,
    summary: data.summary,
    codeLinks,
  };
}

/** Whether the value at a wave means the participant was interviewed there. */
export function wasInterviewed(v: number): boolean {
  return v !== NOT_INTERVIEWED;
}
