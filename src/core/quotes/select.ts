import type { Stem } from '../coding/autocode.js';
import type { Coding } from '../coding/types.js';
import type { CodedStudy } from '../matrix/coded.js';
import { rowKeys, rowsOfCode } from '../matrix/coded.js';
import { attribution } from '../study/attribution.js';
import { naturalCompare } from '../text/sort.js';
import { clean, sentences, TermCorpus, wordCount } from './text.js';
import { exactText, formatSpan, lineIndexOf, type Position } from '../coding/span.js';

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
  /** Where the quoted passage is, as a span: the segment's lines (`12`, `12-14`), or the exact span a coder marked (`12:5-12:40`). */
  lines: string;
  /** First and last character of the passage. */
  start: Position;
  end: Position;
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

/** A coded participant passage: one document of the TF-IDF corpus (its terms: `k` in the corpus). */
interface Passage {
  k: number;
  doc: CodedStudy['documents'][number];
  index: number;
  from: number;
  to: number;
  /** The text of an exact span's part; a whole segment's is read from its document when needed (passageText). */
  exactText: string | undefined;
  codes: string[];
  members: string[];
  exemplar: ReadonlySet<string>;
  /** The distinct themes of `codes`. */
  themes: string[];
}

interface Corpus {
  stemWord: Stem;
  passages: Passage[];
  tfidf: TermCorpus;
  /** Per code: the passages it is a member of, in passage order. */
  byCode: Map<string, number[]>;
}

const NO_EXEMPLAR: ReadonlySet<string> = new Set();

function passageText(p: Passage): string {
  return p.exactText ?? p.doc.segmentList.text(p.index);
}

/**
 * The corpus of a coded study for one stemmer, made once: `report` ranks quotes and evidence (by
 * theme and by code) from the same passages, which are the same whatever the options.
 */
const corpora = new WeakMap<CodedStudy, Corpus>();

export function selectQuotes(cs: CodedStudy, stemWord: Stem, opts: QuoteOptions): QuoteCell[] {
  const book = cs.study.codebook;
  const themeOf = (code: string) => book.byId.get(code)?.theme ?? code;
  const rows = rowKeys(cs, opts.rows).filter((r) => !opts.only?.length || opts.only.includes(r.id));
  // A passage belongs to a row when coded with it or one of its sub-codes (a theme row counts them all).
  const rowsOf = new Map<string, readonly string[]>();
  const belongs = (code: string, row: string) => {
    let r = rowsOf.get(code);
    if (r === undefined) rowsOf.set(code, (r = rowsOfCode(cs, code, opts.rows)));
    return r.includes(row);
  };
  // Exemplar flags of the coder, per document and line (whole-line codings).
  const exemplars = new Set<string>();
  for (const c of cs.study.codings as Coding[]) if (c.coder === cs.coder && c.exemplar && c.startColumn === undefined) exemplars.add(`${c.participant}/${c.wave}\u0000${c.code}\u0000${c.startLine}`);
  let corpus = corpora.get(cs);
  if (!corpus || corpus.stemWord !== stemWord) corpora.set(cs, (corpus = corpusOf(cs, stemWord, themeOf)));
  const people = cs.participants;

  return selectCells(cs, opts, { rows, belongs, themeOf, exemplars, corpus, people });
}

/**
 * Every coded participant passage, with its terms (the TF-IDF corpus): each segment coded with
 * whole lines; and each exact span's text within a segment (`members`: the codes that coded
 * exactly this passage; `codes`: every code on text it shares).
 */
function corpusOf(cs: CodedStudy, stemWord: Stem, themeOf: (code: string) => string): Corpus {
  const tfidf = new TermCorpus(stemWord);
  const themesOf = (codes: string[]) => [...new Set(codes.map(themeOf))];
  const book = cs.study.codebook;
  const passages: Passage[] = [];
  const order = new Map(book.codes.map((c, i) => [c.id, i]));
  const byOrder = (a: string, b: string) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9);
  for (const doc of cs.documents) {
    const exact = cs.exact.get(doc.id) ?? [];
    const list = doc.segmentList;
    // A text read only to make the corpus is let go once its passages are counted (it is read
    // again for the quotes taken): the corpus never holds every transcript at once.
    let keep = list.holdsText;
    for (const seg of cs.coded.get(doc.id) ?? []) {
      if (list.role(seg.index) !== 'participant') continue;
      const whole = seg.lineCodes ?? seg.codes;
      if (whole.length > 0) {
        passages.push({ k: tfidf.add(list.text(seg.index)), doc, index: seg.index, from: list.startOffset(seg.index), to: list.endOffset(seg.index), exactText: undefined, codes: seg.codes, members: whole, exemplar: NO_EXEMPLAR, themes: themesOf(seg.codes) });
      }
      if (seg.lineCodes === undefined) continue;
      // The exact spans' parts inside this segment, one passage per distinct part.
      const s0 = list.startOffset(seg.index);
      const s1 = list.endOffset(seg.index);
      const parts = new Map<string, { from: number; to: number; members: Set<string>; exemplar: Set<string> }>();
      const index = lineIndexOf(doc);
      keep = true; // the line index holds the text: the quotes' positions and texts come from this one reading
      for (const c of exact) {
        const r = index.range(c);
        if ('problem' in r) continue;
        const from = Math.max(r.start, s0);
        const to = Math.min(r.end, s1);
        if (to <= from) continue;
        const key = `${from}-${to}`;
        let part = parts.get(key);
        if (!part) parts.set(key, (part = { from, to, members: new Set(), exemplar: new Set() }));
        part.members.add(c.code);
        if (c.exemplar) part.exemplar.add(c.code);
      }
      const all = [...parts.values()].sort((a, b) => a.from - b.from || a.to - b.to);
      for (const part of all) {
        const codes = new Set([...whole, ...part.members]);
        for (const other of all) if (other.from < part.to && other.to > part.from) for (const c of other.members) codes.add(c);
        const text = exactText(index.text, part.from, part.to).trim();
        if (!text) continue;
        const sorted = [...codes].sort(byOrder);
        passages.push({ k: tfidf.add(text), doc, index: seg.index, from: part.from, to: part.to, exactText: text, codes: sorted, members: [...part.members].sort(byOrder), exemplar: part.exemplar.size ? part.exemplar : NO_EXEMPLAR, themes: themesOf(sorted) });
      }
    }
    if (!keep) list.releaseText();
  }
  tfidf.seal();
  const byCode = new Map<string, number[]>();
  for (const [i, p] of passages.entries())
    for (const c of p.members) {
      let list = byCode.get(c);
      if (!list) byCode.set(c, (list = []));
      if (list[list.length - 1] !== i) list.push(i);
    }
  return { stemWord, passages, tfidf, byCode };
}

function selectCells(cs: CodedStudy, opts: QuoteOptions, c: { rows: Array<{ id: string; label: string }>; belongs: (code: string, row: string) => boolean; themeOf: (code: string) => string; exemplars: Set<string>; corpus: Corpus; people: CodedStudy['participants'] }): QuoteCell[] {
  const { rows, belongs, themeOf, exemplars, corpus, people } = c;
  const { passages, tfidf, byCode } = corpus;
  const book = cs.study.codebook;
  const cells: QuoteCell[] = [];
  for (const row of rows) {
    // The row's passages (coded with one of its codes), in passage order.
    const lists = [...byCode].filter(([code]) => belongs(code, row.id)).map(([, list]) => list);
    const mine = new Int32Array(lists.reduce((n, l) => n + l.length, 0));
    let at = 0;
    for (const list of lists) for (const i of list) mine[at++] = i;
    mine.sort();
    const members: Passage[] = [];
    for (let i = 0; i < mine.length; i++) if (i === 0 || mine[i] !== mine[i - 1]) members.push(passages[mine[i]!]!);
    // The row's profile: its codes' definitions, include texts and examples (counted 3 times), and its passages.
    const codes = book.codes.filter((c) => belongs(c.id, row.id));
    const profile = tfidf.profile(
      codes.map((c) => ({ text: [c.label, c.definition ?? '', c.include ?? '', ...c.examples].join(' '), k: 3 })),
      members.map((p) => p.k),
    );
    const ownTheme = opts.rows === 'theme' ? row.id : themeOf(row.id);
    const byWave = new Map<string, Passage[]>();
    for (const p of members) {
      const w = p.doc.wave;
      let list = byWave.get(w);
      if (!list) byWave.set(w, (list = []));
      list.push(p);
    }
    for (const wave of cs.waves) {
      const pool = byWave.get(wave.id) ?? [];
      // Rank first (cheap); trim only the passages that are taken, in rank order.
      const ranked = pool.map((p) => {
        const doc = p.doc;
        const startLine = doc.segmentList.startLine(p.index);
        const exemplar = (exemplars.size > 0 || p.exemplar.size > 0) && p.members.some((c) => belongs(c, row.id) && (exemplars.has(`${doc.id}\u0000${c}\u0000${startLine}`) || p.exemplar.has(c)));
        const centrality = tfidf.cosine(p.k, profile);
        const otherThemes = p.themes.length - (p.themes.includes(ownTheme) ? 1 : 0);
        return { p, doc, startLine, exemplar, centrality, otherThemes, final: centrality / (1 + 0.25 * otherThemes), segment: undefined as string | undefined };
      });
      // The segment's id (a string) is made only for ties and for the quotes taken.
      const segmentOf = (r: (typeof ranked)[number]) => (r.segment ??= r.doc.segmentList.id(r.p.index));
      ranked.sort((a, b) => Number(b.exemplar) - Number(a.exemplar) || b.final - a.final || naturalCompare(segmentOf(a), segmentOf(b)) || a.p.from - b.p.from || a.p.to - b.p.to);
      const picked: Quote[] = [];
      const used = new Set<string>();
      for (const r of ranked) {
        if (picked.length >= opts.perCell) break;
        const speaking = r.doc.segmentList.participant(r.p.index) ?? r.doc.participant;
        if (!opts.repeatParticipants && used.has(speaking)) continue;
        const original = passageText(r.p);
        const all = wordCount(original);
        if (all < opts.minWords) continue;
        const { text, trimmed } = trim(original, (sentence) => tfidf.textCosine(sentence, profile), opts.maxWords, all);
        const quoteText = opts.clean ? clean(text) : text;
        // Untrimmed and not cleaned, the quote is the passage with its spaces collapsed: the same words.
        const words = trimmed || opts.clean ? wordCount(quoteText) : all;
        if (words < opts.minWords || words > opts.maxWords) continue;
        used.add(speaking);
        const index = lineIndexOf(r.doc);
        const whole = r.p.exactText === undefined;
        const start = index.position(r.p.from) ?? { line: r.startLine, column: 1 };
        const end = index.position(r.p.to, true) ?? { line: r.doc.segmentList.endLine(r.p.index), column: 1 };
        picked.push({
          row: row.id,
          rowLabel: row.label,
          wave: wave.id,
          waveLabel: wave.label,
          rank: picked.length + 1,
          text: quoteText,
          original,
          attribution: attribution(cs.study.config.attribution, cs.study, r.doc, people.get(speaking), { timestamp: r.doc.segmentList.timestamp(r.p.index), participant: speaking }),
          participant: speaking,
          speaker: r.doc.segments[r.p.index]?.speaker ?? null,
          file: r.doc.file,
          startLine: start.line,
          endLine: whole ? r.doc.segmentList.endLine(r.p.index) : end.line,
          lines: whole ? formatSpan({ startLine: r.startLine, endLine: r.doc.segmentList.endLine(r.p.index) }) : formatSpan({ startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column }),
          start,
          end,
          segment: segmentOf(r),
          codes: r.p.codes,
          words,
          trimmed,
          score: { exemplar: r.exemplar, centrality: round(r.centrality), otherThemes: r.otherThemes, final: round(r.final) },
        });
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
export function trim(text: string, score: (sentence: string) => number, maxWords: number, words = wordCount(text)): { text: string; trimmed: boolean } {
  const flat = text.replace(/\s+/g, ' ').trim();
  // Collapsing spaces changes no word: `words` counts the flat text too.
  if (words <= maxWords) return { text: flat, trimmed: false };
  const parts = sentences(flat);
  const scores = parts.map(score);
  const counts = parts.map(wordCount);
  let best = 0;
  scores.forEach((s, i) => {
    if (s > scores[best]!) best = i;
  });
  let lo = best;
  let hi = best;
  let total = counts[best]!;
  for (;;) {
    const left = lo > 0 && total + counts[lo - 1]! <= maxWords ? scores[lo - 1]! : -1;
    const right = hi < parts.length - 1 && total + counts[hi + 1]! <= maxWords ? scores[hi + 1]! : -1;
    if (left < 0 && right < 0) break;
    if (right >= left) total += counts[++hi]!;
    else total += counts[--lo]!;
  }
  let body = parts.slice(lo, hi + 1).join(' ');
  if (total > maxWords) body = body.split(/\s+/).slice(0, maxWords).join(' ');
  return { text: `${lo > 0 ? '... ' : ''}${body}${hi < parts.length - 1 || total > maxWords ? ' ...' : ''}`, trimmed: true };
}
