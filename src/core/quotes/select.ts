import type { Stem } from '../coding/autocode.js';
import { codingTable } from '../coding/table.js';
import type { CodedStudy } from '../matrix/coded.js';
import { rowKeys, rowsOfCode } from '../matrix/coded.js';
import { attribution } from '../study/attribution.js';
import { ownCopy } from '../text/intern.js';
import { naturalCompare } from '../text/sort.js';
import { clean, flatSentences, flatSpaces, TermCorpus, wordCount, type CorpusSnapshot, type Profile, type TextVectors } from './text.js';
import { cachedLineIndex, exactText, formatSpan, LineIndex, lineIndexOf, type Position } from '../coding/span.js';

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
  /** Only these cells (row, wave) are filled; the others are left out of the result. */
  cells?: (row: string, wave: string) => boolean;
  /**
   * Every participant's quotes (perCell infinite) made only for these speakers: the others' are only
   * found (whether they have one, and where in the ranking), which the ranks of these need.
   */
  speakers?: ReadonlySet<string>;
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
  /** The rows' rankings made so far (rankingOf), and the bytes of their profiles. */
  rankings: Map<string, RowRanking>;
  rankingBytes: number;
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

/** Lets the corpus of a coded study go (its passages' terms and the rows' rankings): for a caller that takes no more quotes from it while it keeps the coded study (the report's last sections). */
export function forgetCorpus(cs: CodedStudy): void {
  corpora.delete(cs);
}

/**
 * Where a corpus's counts may be kept between runs (the study index): `texts` says exactly which
 * texts were counted, in order (each document's content key and each passage's place in it), so
 * a snapshot is used only for the same texts, with the same stemmer (the store's own key).
 */
export interface CorpusStore {
  get(texts: PassageTexts): CorpusSnapshot | undefined;
  put(texts: PassageTexts, snapshot: CorpusSnapshot): void;
}

/**
 * The texts a corpus counts: `documents[d]` is the content key of the study's document d (what its
 * segments' texts are made from), and passage k is passages[5k .. 5k + 5): d, the segment, the
 * passage's start and end offsets in the document's text and 1 for an exact span's text (0: the
 * whole segment's text).
 */
export interface PassageTexts {
  documents: string[];
  passages: Int32Array;
}

export function selectQuotes(cs: CodedStudy, stemWord: Stem, opts: QuoteOptions, store?: CorpusStore): QuoteCell[] {
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
  // (Read from the columns when the codings are kept so: no object made per coding.)
  for (const part of codingTable(cs.study).parts) {
    if (part.objects) {
      for (const c of part.objects) if (c.coder === cs.coder && c.exemplar && c.startColumn === undefined) exemplars.add(`${c.participant}/${c.wave}\u0000${c.code}\u0000${c.startLine}`);
      continue;
    }
    const p = part.packed;
    if (p.coder !== cs.coder) continue;
    for (let i = 0; i < p.exemplar.length; i++) if (p.exemplar[i] === 1 && p.startColumn[i] === 0) exemplars.add(`${p.strings[p.participant[i]!]}/${p.strings[p.wave[i]!]}\u0000${p.strings[p.code[i]!]}\u0000${p.startLine[i]}`);
  }
  let corpus = corpora.get(cs);
  if (!corpus || corpus.stemWord !== stemWord) corpora.set(cs, (corpus = corpusOf(cs, stemWord, themeOf, store)));
  const people = cs.participants;

  return selectCells(cs, opts, { rows, belongs, themeOf, exemplars, corpus, people });
}

/**
 * Every coded participant passage, with its terms (the TF-IDF corpus): each segment coded with
 * whole lines; and each exact span's text within a segment (`members`: the codes that coded
 * exactly this passage; `codes`: every code on text it shares).
 */
function corpusOf(cs: CodedStudy, stemWord: Stem, themeOf: (code: string) => string, store?: CorpusStore): Corpus {
  const themesOf = (codes: string[]) => [...new Set(codes.map(themeOf))];
  const book = cs.study.codebook;
  const passages: Passage[] = [];
  const order = new Map(book.codes.map((c, i) => [c.id, i]));
  const byOrder = (a: string, b: string) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9);
  // The passages first (passage k is the k-th text the corpus counts), then their terms.
  for (const doc of cs.documents) {
    const exact = cs.exact.get(doc.id) ?? [];
    const list = doc.segmentList;
    for (const seg of cs.coded.get(doc.id) ?? []) {
      if (list.role(seg.index) !== 'participant') continue;
      const whole = seg.lineCodes ?? seg.codes;
      if (whole.length > 0) {
        passages.push({ k: passages.length, doc, index: seg.index, from: list.startOffset(seg.index), to: list.endOffset(seg.index), exactText: undefined, codes: seg.codes, members: whole, exemplar: NO_EXEMPLAR, themes: themesOf(seg.codes) });
      }
      if (seg.lineCodes === undefined) continue;
      // The exact spans' parts inside this segment, one passage per distinct part.
      const s0 = list.startOffset(seg.index);
      const s1 = list.endOffset(seg.index);
      const parts = new Map<string, { from: number; to: number; members: Set<string>; exemplar: Set<string> }>();
      // (The line index holds the text: the quotes' positions and texts come from this one reading.)
      const index = lineIndexOf(doc);
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
        passages.push({ k: passages.length, doc, index: seg.index, from: part.from, to: part.to, exactText: text, codes: sorted, members: [...part.members].sort(byOrder), exemplar: part.exemplar.size ? part.exemplar : NO_EXEMPLAR, themes: themesOf(sorted) });
      }
    }
  }
  const texts = store ? passageTexts(cs, passages) : undefined;
  const kept = texts ? store!.get(texts) : undefined;
  let tfidf = kept ? TermCorpus.restore(stemWord, kept) : undefined;
  if (tfidf?.size !== passages.length) tfidf = undefined;
  if (!tfidf) {
    tfidf = new TermCorpus(stemWord);
    // A text read only to count its passages is let go once they are counted (it is read again
    // for the quotes taken): the corpus never holds every transcript at once.
    for (let i = 0; i < passages.length; ) {
      const list = passages[i]!.doc.segmentList;
      const keep = list.holdsText;
      for (; i < passages.length && passages[i]!.doc.segmentList === list; i++) {
        const text = passageText(passages[i]!);
        tfidf.add(text);
        // Kept, a long passage's sentences' terms: a warm report trims its quotes without counting them.
        if (texts && tfidf.lastWords(text) > SENTENCES_OVER) tfidf.addSentences(flatSentences(flatSpaces(text)));
      }
      if (!keep) list.releaseText();
    }
    tfidf.seal();
    if (texts) store!.put(texts, tfidf.snapshot());
  }
  const byCode = new Map<string, number[]>();
  for (const [i, p] of passages.entries())
    for (const c of p.members) {
      let list = byCode.get(c);
      if (!list) byCode.set(c, (list = []));
      if (list[list.length - 1] !== i) list.push(i);
    }
  return { stemWord, passages, tfidf, byCode, rankings: new Map(), rankingBytes: 0 };
}

/** Passages of more words than this (the evidence's most: EVIDENCE_MAX_WORDS, the fewest the report trims to) keep their sentences' terms where the corpus is kept (a CorpusStore). */
const SENTENCES_OVER = 60;

/** What the passages' texts are made from (see PassageTexts); undefined when a document has no content key (the study index is off). */
function passageTexts(cs: CodedStudy, passages: readonly Passage[]): PassageTexts | undefined {
  const documents: string[] = [];
  const at = new Map<CodedStudy['documents'][number], number>();
  for (const doc of cs.documents) {
    const key = doc.segmentList.contentKey;
    if (key === undefined) return undefined;
    at.set(doc, documents.length);
    documents.push(key);
  }
  const out = new Int32Array(5 * passages.length);
  for (let k = 0; k < passages.length; k++) {
    const p = passages[k]!;
    const d = at.get(p.doc);
    if (d === undefined) return undefined;
    out.set([d, p.index, p.from, p.to, p.exactText === undefined ? 0 : 1], 5 * k);
  }
  return { documents, passages: out };
}

/** A passage of a cell's pool with what its rank rests on. */
interface Ranked {
  p: Passage;
  doc: CodedStudy['documents'][number];
  startLine: number;
  exemplar: boolean;
  centrality: number;
  otherThemes: number;
  final: number;
  /** The segment's id (a string), made only for ties and for the quotes taken. */
  segment: string | undefined;
}

/** A cell being filled: its row, wave and profile, its pool in rank order, and (every participant) the quotes found so far with their place in the ranking. */
interface CellWork {
  row: { id: string; label: string };
  wave: CodedStudy['waves'][number];
  profile: Profile;
  ranked: Ranked[];
  cell: QuoteCell;
  /** quote undefined: another speaker's (opts.speakers), found only to rank these speakers' quotes. */
  found: Array<{ at: number; quote: Quote | undefined }>;
}

/** A dense profile costs 8 bytes per term of the vocabulary: with every participant, the rows whose profiles are kept at once are held under this many bytes. */
const PROFILE_BUDGET = 64 * 1024 * 1024;

function selectCells(cs: CodedStudy, opts: QuoteOptions, c: { rows: Array<{ id: string; label: string }>; belongs: (code: string, row: string) => boolean; themeOf: (code: string) => string; exemplars: Set<string>; corpus: Corpus; people: CodedStudy['participants'] }): QuoteCell[] {
  const { rows, corpus } = c;
  const { tfidf } = corpus;
  const cells: QuoteCell[] = [];
  // Every participant's quote (evidence: perCell infinite) is found document by document (below);
  // a few per cell are found walking the cell's ranking.
  const everyone = !Number.isFinite(opts.perCell);
  let batch: CellWork[] = [];
  let held = 0;
  for (const row of rows) {
    const { profile, byWave } = rankingOf(cs, opts.rows, row.id, c);
    if (everyone && held > 0 && held + profile.weights.byteLength > PROFILE_BUDGET) {
      quotesByDocument(cs, opts, tfidf, batch, c.people);
      batch = [];
      held = 0;
    }
    held += profile.weights.byteLength;
    for (const wave of cs.waves) {
      if (opts.cells && !opts.cells(row.id, wave.id)) continue;
      const ranked = byWave.get(wave.id) ?? [];
      const cell: QuoteCell = { row: row.id, rowLabel: row.label, wave: wave.id, waveLabel: wave.label, candidates: ranked.length, quotes: [] };
      cells.push(cell);
      const work: CellWork = { row, wave, profile, ranked, cell, found: [] };
      if (everyone) {
        batch.push(work);
        continue;
      }
      const picked = cell.quotes;
      const used = new Set<string>();
      for (const r of ranked) {
        if (picked.length >= opts.perCell) break;
        const speaking = speakerOf(r);
        if (!opts.repeatParticipants && used.has(speaking)) continue;
        const quote = quoteOf(cs, opts, tfidf, work, r, speaking, lineIndexOf(r.doc), c.people, quotable(passageText(r.p), r.p.k, tfidf));
        if (!quote) continue;
        used.add(speaking);
        quote.rank = picked.length + 1;
        picked.push(quote);
      }
    }
  }
  if (everyone) quotesByDocument(cs, opts, tfidf, batch, c.people);
  return cells;
}

/** A row's profile and, per wave, its passages in rank order. */
interface RowRanking {
  profile: Profile;
  byWave: Map<string, Ranked[]>;
}

/**
 * A row's ranking, made once per corpus: it rests only on the passages, the codebook and the
 * coder's exemplar flags, not on the options (`report` ranks the evidence and the quotes section
 * by theme from the same rankings). Kept while the profiles kept stay under PROFILE_BUDGET.
 */
function rankingOf(cs: CodedStudy, kind: 'theme' | 'code', rowId: string, c: { belongs: (code: string, row: string) => boolean; themeOf: (code: string) => string; exemplars: Set<string>; corpus: Corpus }): RowRanking {
  const { belongs, themeOf, exemplars, corpus } = c;
  const key = `${kind}\u0000${rowId}`;
  const known = corpus.rankings.get(key);
  if (known) return known;
  const { passages, tfidf, byCode } = corpus;
  const book = cs.study.codebook;
  // The row's passages (coded with one of its codes), in passage order.
  const lists = [...byCode].filter(([code]) => belongs(code, rowId)).map(([, list]) => list);
  const mine = new Int32Array(lists.reduce((n, l) => n + l.length, 0));
  let at = 0;
  for (const list of lists) for (const i of list) mine[at++] = i;
  mine.sort();
  const members: Passage[] = [];
  for (let i = 0; i < mine.length; i++) if (i === 0 || mine[i] !== mine[i - 1]) members.push(passages[mine[i]!]!);
  // The row's profile: its codes' definitions, include texts and examples (counted 3 times), and its passages.
  const codes = book.codes.filter((c) => belongs(c.id, rowId));
  const profile = tfidf.profile(
    codes.map((c) => ({ text: [c.label, c.definition ?? '', c.include ?? '', ...c.examples].join(' '), k: 3 })),
    members.map((p) => p.k),
  );
  const ownTheme = kind === 'theme' ? rowId : themeOf(rowId);
  const pools = new Map<string, Passage[]>();
  for (const p of members) {
    const w = p.doc.wave;
    let list = pools.get(w);
    if (!list) pools.set(w, (list = []));
    list.push(p);
  }
  const byWave = new Map<string, Ranked[]>();
  for (const [wave, pool] of pools) {
    // Rank first (cheap); the quotes are made only for the passages taken, in rank order.
    const ranked = pool.map((p): Ranked => {
      const doc = p.doc;
      const startLine = doc.segmentList.startLine(p.index);
      const exemplar = (exemplars.size > 0 || p.exemplar.size > 0) && p.members.some((c) => belongs(c, rowId) && (exemplars.has(`${doc.id}\u0000${c}\u0000${startLine}`) || p.exemplar.has(c)));
      const centrality = tfidf.cosine(p.k, profile);
      const otherThemes = p.themes.length - (p.themes.includes(ownTheme) ? 1 : 0);
      return { p, doc, startLine, exemplar, centrality, otherThemes, final: centrality / (1 + 0.25 * otherThemes), segment: undefined };
    });
    ranked.sort((a, b) => Number(b.exemplar) - Number(a.exemplar) || b.final - a.final || naturalCompare(segmentOf(a), segmentOf(b)) || a.p.from - b.p.from || a.p.to - b.p.to);
    byWave.set(wave, ranked);
  }
  const ranking = { profile, byWave };
  if (corpus.rankingBytes + profile.weights.byteLength <= PROFILE_BUDGET) {
    corpus.rankings.set(key, ranking);
    corpus.rankingBytes += profile.weights.byteLength;
  }
  return ranking;
}

function segmentOf(r: Ranked): string {
  return (r.segment ??= r.doc.segmentList.id(r.p.index));
}

function speakerOf(r: Ranked): string {
  return r.doc.segmentList.participant(r.p.index) ?? r.doc.participant;
}

/**
 * Every participant's quote in each cell of `batch`, as walking each cell's ranking would take
 * them (the first passage of each participant, in rank order, whose quote has the words asked
 * for; with repeatParticipants, every such passage), found one document at a time: its text is
 * read once for all its quotes and let go after them (unless it was in memory before), so that
 * the quotes never hold every transcript at once. A passage whose quote has too few or too many
 * words gives way to that participant's next passage in the cell's ranking.
 */
function quotesByDocument(cs: CodedStudy, opts: QuoteOptions, tfidf: TermCorpus, batch: CellWork[], people: CodedStudy['participants']): void {
  let pending: Array<{ work: CellWork; at: number }> = [];
  for (const work of batch) {
    const used = new Set<string>();
    work.ranked.forEach((r, at) => {
      if (opts.repeatParticipants) pending.push({ work, at });
      else {
        const speaking = speakerOf(r);
        if (used.has(speaking)) return;
        used.add(speaking);
        pending.push({ work, at });
      }
    });
  }
  const order = new Map(cs.documents.map((d, i) => [d, i]));
  while (pending.length > 0) {
    const byDoc = new Map<CodedStudy['documents'][number], Array<{ work: CellWork; at: number }>>();
    for (const x of pending) {
      const doc = x.work.ranked[x.at]!.doc;
      let list = byDoc.get(doc);
      if (!list) byDoc.set(doc, (list = []));
      list.push(x);
    }
    const failed: Array<{ work: CellWork; at: number }> = [];
    for (const [doc, list] of [...byDoc].sort((a, b) => (order.get(a[0]) ?? 0) - (order.get(b[0]) ?? 0))) {
      const segments = doc.segmentList;
      const release = !segments.holdsText;
      const index = cachedLineIndex(segments) ?? new LineIndex(segments.sourceTextValue);
      // A passage quoted in several cells (rows) is read, counted and split into sentences once for all of them.
      const made = new Map<Passage, Quotable>();
      for (const x of list) {
        const r = x.work.ranked[x.at]!;
        let q = made.get(r.p);
        // A passage kept after the text is let go is a copy (a slice would keep the whole text alive).
        if (!q) made.set(r.p, (q = quotable(release && r.p.exactText === undefined ? ownCopy(passageText(r.p)) : passageText(r.p), r.p.k, tfidf)));
        if (opts.speakers && !opts.speakers.has(speakerOf(r))) {
          if (hasQuote(opts, tfidf, x.work.profile, q)) x.work.found.push({ at: x.at, quote: undefined });
          else failed.push(x);
          continue;
        }
        const quote = quoteOf(cs, opts, tfidf, x.work, r, speakerOf(r), index, people, q);
        if (quote) x.work.found.push({ at: x.at, quote });
        else failed.push(x);
      }
      if (release) segments.releaseText();
    }
    // The participant's next passage in the cell's ranking (with repeatParticipants there is none: each passage stands alone).
    pending = [];
    if (!opts.repeatParticipants)
      for (const x of failed) {
        const ranked = x.work.ranked;
        const speaking = speakerOf(ranked[x.at]!);
        for (let at = x.at + 1; at < ranked.length; at++)
          if (speakerOf(ranked[at]!) === speaking) {
            pending.push({ work: x.work, at });
            break;
          }
      }
  }
  for (const work of batch) {
    work.found.sort((a, b) => a.at - b.at);
    for (const [k, f] of work.found.entries()) {
      if (!f.quote) continue;
      f.quote.rank = k + 1;
      work.cell.quotes.push(f.quote);
    }
    work.found = [];
    work.ranked = [];
  }
}

/** The quote a ranked passage makes in its cell, or undefined when it has fewer than minWords or more than maxWords words (rank: set by the caller). */
function quoteOf(cs: CodedStudy, opts: QuoteOptions, tfidf: TermCorpus, work: CellWork, r: Ranked, speaking: string, index: LineIndex, people: CodedStudy['participants'], q: Quotable): Quote | undefined {
  const made = quoteTextOf(opts, tfidf, work.profile, q);
  if (!made) return undefined;
  const { text: quoteText, trimmed, words } = made;
  const original = q.original;
  const doc = r.doc;
  const whole = r.p.exactText === undefined;
  const start = index.position(r.p.from) ?? { line: r.startLine, column: 1 };
  const end = index.position(r.p.to, true) ?? { line: doc.segmentList.endLine(r.p.index), column: 1 };
  return {
    row: work.row.id,
    rowLabel: work.row.label,
    wave: work.wave.id,
    waveLabel: work.wave.label,
    rank: 0,
    text: quoteText,
    original,
    attribution: attribution(cs.study.config.attribution, cs.study, doc, people.get(speaking), { timestamp: doc.segmentList.timestamp(r.p.index), participant: speaking }),
    participant: speaking,
    speaker: doc.segmentList.speaker(r.p.index),
    file: doc.file,
    startLine: start.line,
    endLine: whole ? doc.segmentList.endLine(r.p.index) : end.line,
    lines: whole ? formatSpan({ startLine: r.startLine, endLine: doc.segmentList.endLine(r.p.index) }) : formatSpan({ startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column }),
    start,
    end,
    segment: segmentOf(r),
    codes: r.p.codes,
    words,
    trimmed,
    score: { exemplar: r.exemplar, centrality: round(r.centrality), otherThemes: r.otherThemes, final: round(r.final) },
  };
}

/** A passage's quote text (trimmed, cleaned) and its words, or undefined when they are fewer than minWords or more than maxWords. */
function quoteTextOf(opts: Pick<QuoteOptions, 'minWords' | 'maxWords' | 'clean'>, tfidf: TermCorpus, profile: Profile, q: Quotable): { text: string; trimmed: boolean; words: number } | undefined {
  if (q.words < opts.minWords) return undefined;
  const { text, trimmed, words: kept } = trimQuotable(q, tfidf, profile, opts.maxWords);
  const out = opts.clean ? clean(text) : text;
  const words = opts.clean ? wordCount(out) : kept;
  if (words < opts.minWords || words > opts.maxWords) return undefined;
  return { text: out, trimmed, words };
}

/**
 * Whether a passage makes a quote (quoteTextOf is not undefined), mostly without scoring its
 * sentences: not cleaned, a passage of minWords..maxWords words is its own quote; a longer one
 * whose every sentence has minWords..maxWords words is trimmed (trim) to whole sentences holding
 * at least the best one's words and at most maxWords. Otherwise: quoteTextOf itself.
 */
export function hasQuote(opts: Pick<QuoteOptions, 'minWords' | 'maxWords' | 'clean'>, tfidf: TermCorpus, profile: Profile, q: Quotable): boolean {
  const all = q.words;
  if (all < opts.minWords) return false;
  if (!opts.clean) {
    if (all <= opts.maxWords) return true;
    let sure = true;
    for (const s of flatSentences((q.flat ??= flatSpaces(q.original)))) {
      const n = wordCount(s);
      if (n < opts.minWords || n > opts.maxWords) {
        sure = false;
        break;
      }
    }
    if (sure) return true;
  }
  return quoteTextOf(opts, tfidf, profile, q) !== undefined;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * A passage longer than `maxWords` is cut at sentence boundaries around its most central sentence,
 * growing towards the more central neighbour while it fits; "..." marks what was left out.
 */
export function trim(text: string, score: (sentence: string) => number, maxWords: number, words = wordCount(text)): { text: string; trimmed: boolean } {
  const flat = flatSpaces(text);
  // Collapsing spaces changes no word: `words` counts the flat text too.
  if (words <= maxWords) return { text: flat, trimmed: false };
  const parts = flatSentences(flat);
  const { text: cutText } = cut(parts, parts.map(score), parts.map(wordCount), maxWords);
  return { text: cutText, trimmed: true };
}

/**
 * A passage as its quotes are made from it, made once however many cells quote it: its text, its
 * words, and (when a quote of it is first trimmed) its sentences with their words and weighted
 * vectors, which each cell then scores against its profile.
 */
export interface Quotable {
  original: string;
  /** wordCount(original). */
  words: number;
  flat?: string;
  sentences?: { parts: string[]; counts: ArrayLike<number>; vectors: TextVectors };
  /** The corpus's passage whose text `original` is (its sentences' terms may be kept: TermCorpus.sentenceVectors). */
  k: number | undefined;
}

/** `k`, `tfidf`: the passage of the corpus it is, whose words the corpus counted while adding it. */
export function quotable(original: string, k?: number, tfidf?: TermCorpus): Quotable {
  const words = k === undefined ? undefined : tfidf?.wordsOf(k, original);
  // (One shape for every quotable: k undefined when the text is not known as passage k's.)
  return words === undefined ? { original, words: wordCount(original), k: undefined } : { original, words, k };
}

/**
 * trim(q.original, (s) => tfidf.textCosine(s, profile), maxWords), from the sentences and vectors
 * made once: the same text, and its wordCount (tests/unit/quotes-select.property.test.ts).
 */
export function trimQuotable(q: Quotable, tfidf: TermCorpus, profile: Profile, maxWords: number): { text: string; trimmed: boolean; words: number } {
  const flat = (q.flat ??= flatSpaces(q.original));
  // Collapsing spaces changes no word.
  if (q.words <= maxWords) return { text: flat, trimmed: false, words: q.words };
  if (!q.sentences) {
    const parts = flatSentences(flat);
    const vectors = (q.k === undefined ? undefined : tfidf.sentenceVectors(q.k, parts)) ?? tfidf.vectors(parts);
    q.sentences = { parts, counts: vectors.words, vectors };
  }
  const { parts, counts, vectors } = q.sentences;
  // (One buffer for every call, grown as needed: cut reads parts.length scores and keeps none.)
  if (scoreBuffer.length < parts.length) scoreBuffer = new Float64Array(Math.max(parts.length, 2 * scoreBuffer.length));
  const scores = scoreBuffer;
  for (let j = 0; j < parts.length; j++) scores[j] = tfidf.vectorCosine(vectors, j, profile);
  return cut(parts, scores, counts, maxWords);
}

/** trimQuotable's sentence scores (a typed array of more than 64 bytes made per call costs about 2 µs outside V8's heap). */
let scoreBuffer = new Float64Array(64);

/** The cut of trim: around the most central sentence (the first of the best), growing towards the more central neighbour while it fits. */
function cut(parts: readonly string[], scores: ArrayLike<number>, counts: ArrayLike<number>, maxWords: number): { text: string; trimmed: true; words: number } {
  let best = 0;
  for (let i = 0; i < parts.length; i++) if (scores[i]! > scores[best]!) best = i;
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
  const text = `${lo > 0 ? '... ' : ''}${body}${hi < parts.length - 1 || total > maxWords ? ' ...' : ''}`;
  // The sentences joined by the spaces between them in the flat text, and "..." (no letter or digit):
  // their words are the sentences' words. A sentence cut at maxWords whitespace runs is counted.
  return { text, trimmed: true, words: total > maxWords ? wordCount(text) : total };
}
