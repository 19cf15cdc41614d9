import type { Stem } from '../coding/autocode.js';
import type { Coding } from '../coding/types.js';
import type { CodedStudy } from '../matrix/coded.js';
import { rowKeys } from '../matrix/coded.js';
import { attribution } from '../study/attribution.js';
import { naturalCompare } from '../text/sort.js';
import { clean, sentences, terms, TfIdf, wordCount } from './text.js';

/**
 * Exemplar quotes per theme (or code) and wave, ranked: coder-flagged exemplars first; then how
 * central the passage is to its theme (TF-IDF cosine to the code's definition, include text and
 * examples and to the other passages coded with it); passages also coded with other themes lose
 * some of their score; at most one quote per participant in a cell (unless asked); ties by id.
 */
export interface QuoteOptions {
  rows: 'theme' | 'code';
  perCell: number;
  minWords: number;
  maxWords: number;
  repeatParticipants: boolean;
  clean: boolean;
  only?: string[];
}

export interface Quote {
  row: string;
  rowLabel: string;
  wave: string;
  waveLabel: string;
  rank: number;
  /** The quote as it goes in the manuscript (trimmed with "..." and, with --clean, without fillers). */
  text: string;
  /** The whole passage as transcribed. */
  original: string;
  attribution: string;
  participant: string;
  speaker: string | null;
  file: string;
  startLine: number;
  endLine: number;
  segment: string;
  codes: string[];
  words: number;
  trimmed: boolean;
  score: { exemplar: boolean; centrality: number; otherThemes: number; final: number };
}

export interface QuoteCell {
  row: string;
  rowLabel: string;
  wave: string;
  waveLabel: string;
  candidates: number;
  quotes: Quote[];
}

export function selectQuotes(cs: CodedStudy, stem: Stem, opts: QuoteOptions): QuoteCell[] {
  const book = cs.study.codebook;
  const themeOf = (code: string) => book.byId.get(code)?.theme ?? code;
  const rows = rowKeys(cs, opts.rows).filter((r) => !opts.only?.length || opts.only.includes(r.id));
  const belongs = (code: string, row: string) => (opts.rows === 'theme' ? themeOf(code) === row : code === row);
  // Exemplar flags of the coder, per document and line.
  const exemplars = new Set<string>();
  for (const c of cs.study.codings as Coding[]) if (c.coder === cs.coder && c.exemplar) exemplars.add(`${c.participant}/${c.wave}\u0000${c.code}\u0000${c.startLine}`);

  // Every coded participant passage, with its terms (the TF-IDF corpus).
  interface Passage { docId: string; index: number; text: string; codes: string[]; tf: Map<string, number> }
  const passages: Passage[] = [];
  for (const doc of cs.documents) {
    for (const seg of cs.coded.get(doc.id) ?? []) {
      if (doc.segmentList.role(seg.index) !== 'participant') continue;
      const text = doc.segmentList.text(seg.index);
      passages.push({ docId: doc.id, index: seg.index, text, codes: seg.codes, tf: terms(text, stem) });
    }
  }
  const tfidf = new TfIdf(passages.map((p) => p.tf));
  const docs = new Map(cs.documents.map((d) => [d.id, d]));
  const people = cs.participants;

  const cells: QuoteCell[] = [];
  for (const row of rows) {
    const members = passages.filter((p) => p.codes.some((c) => belongs(c, row.id)));
    // The row's profile: its codes' definitions, include texts and examples, and its passages.
    const codes = book.codes.filter((c) => belongs(c.id, row.id));
    const profileTf = new Map<string, number>();
    const addTf = (tf: Map<string, number>, k = 1) => tf.forEach((v, t) => profileTf.set(t, (profileTf.get(t) ?? 0) + v * k));
    for (const c of codes) addTf(terms([c.label, c.definition ?? '', c.include ?? '', ...c.examples].join(' '), stem), 3);
    for (const p of members) addTf(p.tf);
    const profile = tfidf.weight(profileTf);
    for (const wave of cs.waves) {
      const pool = members.filter((p) => docs.get(p.docId)!.wave === wave.id);
      const scored = pool.map((p) => {
        const doc = docs.get(p.docId)!;
        const list = doc.segmentList;
        const startLine = list.startLine(p.index);
        const exemplar = p.codes.some((c) => belongs(c, row.id) && exemplars.has(`${doc.id}\u0000${c}\u0000${startLine}`));
        const centrality = TfIdf.cosine(tfidf.weight(p.tf), profile);
        const otherThemes = new Set(p.codes.map(themeOf).filter((t) => t !== (opts.rows === 'theme' ? row.id : themeOf(row.id)))).size;
        const final = centrality / (1 + 0.25 * otherThemes);
        const { text, trimmed } = trim(p.text, stem, profile, tfidf, opts.maxWords);
        const quoteText = opts.clean ? clean(text) : text;
        const participant = people.get(doc.participant);
        const q: Quote = {
          row: row.id,
          rowLabel: row.label,
          wave: wave.id,
          waveLabel: wave.label,
          rank: 0,
          text: quoteText,
          original: p.text,
          attribution: attribution(cs.study.config.attribution, cs.study, doc, participant),
          participant: doc.participant,
          speaker: doc.segments[p.index]?.speaker ?? null,
          file: doc.file,
          startLine,
          endLine: list.endLine(p.index),
          segment: `${doc.id}#L${startLine}`,
          codes: p.codes,
          words: wordCount(quoteText),
          trimmed,
          score: { exemplar, centrality: round(centrality), otherThemes, final: round(final) },
        };
        return q;
      });
      const eligible = scored.filter((q) => q.words >= opts.minWords && q.words <= opts.maxWords);
      eligible.sort((a, b) => Number(b.score.exemplar) - Number(a.score.exemplar) || b.score.final - a.score.final || naturalCompare(a.segment, b.segment));
      const picked: Quote[] = [];
      const used = new Set<string>();
      for (const q of eligible) {
        if (picked.length >= opts.perCell) break;
        if (!opts.repeatParticipants && used.has(q.participant)) continue;
        used.add(q.participant);
        picked.push({ ...q, rank: picked.length + 1 });
      }
      cells.push({ row: row.id, rowLabel: row.label, wave: wave.id, waveLabel: wave.label, candidates: pool.length, quotes: picked });
    }
  }
  return cells;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * A passage longer than `maxWords` is cut at sentence boundaries around its most central sentence,
 * growing towards the more central neighbour while it fits; "..." marks what was left out.
 */
export function trim(text: string, stem: (w: string) => string, profile: Map<string, number>, tfidf: TfIdf, maxWords: number): { text: string; trimmed: boolean } {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (wordCount(flat) <= maxWords) return { text: flat, trimmed: false };
  const parts = sentences(flat);
  const score = parts.map((s) => TfIdf.cosine(tfidf.weight(terms(s, stem)), profile));
  const words = parts.map(wordCount);
  let best = 0;
  score.forEach((s, i) => {
    if (s > score[best]!) best = i;
  });
  let lo = best;
  let hi = best;
  let total = words[best]!;
  for (;;) {
    const left = lo > 0 && total + words[lo - 1]! <= maxWords ? score[lo - 1]! : -1;
    const right = hi < parts.length - 1 && total + words[hi + 1]! <= maxWords ? score[hi + 1]! : -1;
    if (left < 0 && right < 0) break;
    if (right >= left) total += words[++hi]!;
    else total += words[--lo]!;
  }
  let body = parts.slice(lo, hi + 1).join(' ');
  if (total > maxWords) body = body.split(/\s+/).slice(0, maxWords).join(' ');
  return { text: `${lo > 0 ? '... ' : ''}${body}${hi < parts.length - 1 || total > maxWords ? ' ...' : ''}`, trimmed: true };
}
