import type { Codebook } from '../codebook/types.js';
import type { Coding } from '../coding/types.js';
import { AUTO_CODER } from '../coding/types.js';
import { codingAt, codingTable } from '../coding/table.js';
import { findQuotes, verifyQuotes, type DraftQuote, type Verdict } from '../quotes/verify.js';
import type { Study } from '../study/types.js';
import { didYouMean } from '../text/suggest.js';

/**
 * The analyst's case summary: `cases/PARTICIPANT.md` in the study, Markdown written by the analyst
 * (a pen portrait, the through-line, turning points). qualwave does not interpret it; it checks it:
 * every quotation followed by an attribution is looked up in the transcripts (as `quotes verify`
 * does), every code written in backticks (`emotions.toll`) is linked to the codebook and to where
 * the participant was coded with it, and the items under an "Open threads" heading go into the
 * next-wave brief.
 */
export const CASES_DIR = 'cases';

export interface CaseFile {
  /** Path relative to the study folder, e.g. cases/MS07.md. */
  file: string;
  participant: string;
  text: string;
}

export interface CodeReference {
  code: string;
  /** 1-based line in the case file. */
  line: number;
  /** Whether the codebook has it. */
  known: boolean;
  suggestion?: string;
}

export interface CheckedQuote extends DraftQuote {
  verdict: Verdict;
}

export interface CaseSummary extends CaseFile {
  quotes: CheckedQuote[];
  codes: CodeReference[];
  /** Items listed under an "Open threads" (or "Follow-up") heading, with their lines. */
  threads: Array<{ line: number; text: string }>;
}

/** Backticked words that may be code ids: letters, digits, _ - . (at least one letter). */
const BACKTICKED = /`([\p{L}][\p{L}\p{N}_.-]*)`/gu;
const THREADS_HEADING = /^(#{1,6})\s*(open threads?|follow[- ]?ups?|for the next (?:wave|interview))\s*:?\s*$/i;

export function readCaseSummary(study: Pick<Study, 'participants' | 'config' | 'documents' | 'codebook'> & Partial<Pick<Study, 'root'>>, file: CaseFile): CaseSummary {
  const quotes = findQuotes(file.text, study);
  const verdicts = verifyQuotes(study as Study, quotes);
  return { ...file, quotes: quotes.map((q, i) => ({ ...q, verdict: verdicts[i]! })), codes: codeReferences(file.text, study.codebook), threads: openThreads(file.text) };
}

/**
 * Code ids written in backticks. A backticked word counts as meant for a code when it is one, or
 * when it has a dot and starts with a theme's id (`emotions.tol`): then it is reported as unknown.
 */
export function codeReferences(text: string, codebook: Pick<Codebook, 'byId' | 'themes'>): CodeReference[] {
  const out: CodeReference[] = [];
  const themes = new Set(codebook.themes.map((t) => t.id));
  text.split('\n').forEach((lineText, i) => {
    for (const m of lineText.matchAll(BACKTICKED)) {
      const code = m[1]!;
      if (codebook.byId.has(code)) out.push({ code, line: i + 1, known: true });
      else if (code.includes('.') && themes.has(code.split('.')[0]!)) {
        const suggestion = didYouMean(code, codebook.byId.keys());
        out.push({ code, line: i + 1, known: false, ...(suggestion ? { suggestion } : {}) });
      }
    }
  });
  return out;
}

/** List items under an "Open threads" heading (until the next heading of the same or a higher level). */
export function openThreads(text: string): Array<{ line: number; text: string }> {
  const lines = text.split('\n');
  const out: Array<{ line: number; text: string }> = [];
  let level = 0;
  lines.forEach((raw, i) => {
    const l = raw.replace(/\r$/, '');
    const h = /^(#{1,6})\s/.exec(l);
    if (h) {
      const t = THREADS_HEADING.exec(l);
      if (t) level = t[1]!.length;
      else if (level > 0 && h[1]!.length <= level) level = 0;
      return;
    }
    if (level === 0) return;
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(.*\S)\s*$/.exec(l);
    if (item) out.push({ line: i + 1, text: item[1]! });
    else if (out.length > 0 && /^\s{2,}\S/.test(l) && lines[i - 1]?.trim() !== '') out[out.length - 1]!.text += ' ' + l.trim();
  });
  return out;
}

/**
 * Open threads flagged in coding memos: a memo holding `follow-up:` (or `follow up:`) flags what
 * follows it, up to the end of the memo or the next "; name:" of a merged consensus memo.
 */
export interface MemoThread {
  participant: string;
  wave: string;
  coder: string;
  code: string;
  startLine: number;
  endLine: number;
  text: string;
  source?: { file: string; line: number };
}

const FOLLOW_UP = /follow[- ]up:\s*(.+?)\s*(?=;\s*[\p{L}\p{N}_.-]+:\s|$)/giu;

/**
 * The study's codings at these waves that have a memo (the only ones memoThreads reads), in the
 * order of study.codings: made from the columns without making the others.
 */
export function codingsWithMemos(study: Pick<Study, 'codings'>, waves: readonly string[]): Coding[] {
  const out: Coding[] = [];
  for (const part of codingTable(study).parts) {
    if (part.objects) {
      for (const c of part.objects) if (c.memo && waves.includes(c.wave)) out.push(c);
      continue;
    }
    const p = part.packed;
    const at = new Uint8Array(p.strings.length);
    for (let s = 0; s < p.strings.length; s++) at[s] = waves.includes(p.strings[s]!) ? 1 : 0;
    for (let i = 0; i < p.memo.length; i++) if (p.memo[i] !== 0 && at[p.wave[i]!] === 1) out.push(codingAt(part, i));
  }
  return out;
}

export function memoThreads(codings: readonly Coding[], participant?: string): MemoThread[] {
  const out: MemoThread[] = [];
  const seen = new Set<string>();
  for (const c of codings) {
    if (!c.memo || c.coder === AUTO_CODER || (participant !== undefined && c.participant !== participant)) continue;
    for (const m of c.memo.matchAll(FOLLOW_UP)) {
      const text = m[1]!.trim();
      // The same thread copied into several coders' files (or onto several codes) is one thread.
      const key = `${c.participant}\u0000${c.wave}\u0000${text.toLowerCase()}`;
      if (!text || seen.has(key)) continue;
      seen.add(key);
      out.push({ participant: c.participant, wave: c.wave, coder: c.coder, code: c.code, startLine: c.startLine, endLine: c.endLine, text, ...(c.source ? { source: c.source } : {}) });
    }
  }
  return out;
}
