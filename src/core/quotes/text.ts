import { Int32List, SmallUintList } from '../arrays.js';
import { tokenize, type Stem } from '../coding/autocode.js';

/**
 * Sentences of a passage: split after . ! ? (and …) followed by a space, kept with their
 * punctuation; what `flatSpaces(text).split(/(?<=[.!?…]["”’)]?)\s+(?=["“‘(]?[\p{Lu}\p{N}])/u).filter(Boolean)`
 * gives, without the regular expression (tests/unit/quotes-tfidf.test.ts checks it on any text).
 * In the flat text every space is one U+0020 between two other characters: a sentence ends at
 * a space after . ! ? or …, or after one of them and a closing quote or bracket, when the next
 * character, or the one after an opening quote or bracket, is an upper-case letter or a number.
 */
export function sentences(text: string): string[] {
  return flatSentences(flatSpaces(text));
}

/** sentences(flat) of a text that is flatSpaces' already (flatSpaces(flat) === flat): not scanned again to flatten it. */
export function flatSentences(flat: string): string[] {
  if (!flat) return [];
  const out: string[] = [];
  let from = 0;
  for (let i = flat.indexOf(' '); i >= 0; i = flat.indexOf(' ', i + 1)) {
    const b = flat.charCodeAt(i - 1);
    if (!(isStop(b) || (isCloser(b) && i >= 2 && isStop(flat.charCodeAt(i - 2))))) continue;
    let j = i + 1;
    if (isOpener(flat.charCodeAt(j))) j++;
    if (j >= flat.length || !isCapitalOrNumber(flat, j)) continue;
    out.push(flat.slice(from, i));
    from = i + 1;
  }
  out.push(flat.slice(from));
  return out;
}

/** . ! ? … */
function isStop(c: number): boolean {
  return c === 0x2e || c === 0x21 || c === 0x3f || c === 0x2026;
}
/** " ” ’ ) */
function isCloser(c: number): boolean {
  return c === 0x22 || c === 0x201d || c === 0x2019 || c === 0x29;
}
/** " “ ‘ ( */
function isOpener(c: number): boolean {
  return c === 0x22 || c === 0x201c || c === 0x2018 || c === 0x28;
}

const CAPITAL_OR_NUMBER = /^[\p{Lu}\p{N}]$/u;

/** Whether the character (code point) at i is \p{Lu} or \p{N}. */
function isCapitalOrNumber(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0x80) return (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
  return CAPITAL_OR_NUMBER.test(String.fromCodePoint(text.codePointAt(i)!));
}

/**
 * `text.replace(/\s+/g, ' ').trim()`: every run of spaces (JavaScript's \s) one space, none at
 * either end; the text itself when it is so already (most passages: one line, single spaces).
 */
export function flatSpaces(text: string): string {
  const n = text.length;
  if (n === 0) return text;
  let prevSpace = true; // (a space at the start is not flat)
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20) {
      if (prevSpace) return text.replace(/\s+/g, ' ').trim();
      prevSpace = true;
    } else if (isBreak(c)) return text.replace(/\s+/g, ' ').trim();
    else prevSpace = false;
  }
  return prevSpace ? text.replace(/\s+/g, ' ').trim() : text;
}

/**
 * Words: runs of non-space characters (JavaScript's \s) holding at least one letter or digit, as
 * `text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length` counts them, in one pass.
 */
export function wordCount(text: string): number {
  let n = 0;
  let counted = false; // the current run of non-space characters is counted already
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isBreak(c)) counted = false;
    else if (!counted && (c < 0x80 ? (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) : LETTER_OR_DIGIT.test(String.fromCodePoint(text.codePointAt(i)!)))) {
      counted = true;
      n++;
    }
  }
  return n;
}

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

function isBreak(c: number): boolean {
  return c <= 0x20 ? c === 0x20 || (c >= 0x09 && c <= 0x0d) : c >= 0xa0 && isSpace(c);
}

/** JavaScript's \s beyond ASCII: no-break space, the Zs spaces, line and paragraph separators, BOM. */
function isSpace(c: number): boolean {
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * TF-IDF over a corpus of passages, with the terms interned: each stemmed word gets an integer id
 * once, and each passage is a run of (term id, frequency, weight) in typed arrays, in the order of
 * the terms' first occurrence. Profiles (a row's weighted sum) are dense arrays over the ids.
 *
 * Every number is computed as the plain definition does it, in the same order, so the scores
 * are the same doubles to the last bit (and ties fall the same way): a term's weight
 * (1 + log f) * log((1 + n) / (1 + df)); a vector's norm summed over its terms in first-occurrence
 * order; a cosine's dot product summed over the terms of the vector with fewer terms, in its order.
 * (tests/unit/quotes-tfidf.test.ts checks this against the plain Map-based definition.)
 */
export class TermCorpus {
  /** Word (lower-cased token) → term id; the term is the word's stem. */
  private readonly wordIds = new Map<string, number>();
  private readonly stemIds = new Map<string, number>();
  /** Passages in which each term occurs. */
  private readonly df = new Int32List();
  private vocabulary = 0;
  /** The passages' terms while they are added; then (after seal) passage k's terms are ids[start[k] .. start[k + 1]). */
  private building: { start: Int32List; ids: SmallUintList; counts: SmallUintList } | undefined = { start: initial(), ids: new SmallUintList(1 << 14), counts: new SmallUintList(1 << 14) };
  private start: Int32Array = new Int32Array(0);
  private ids: TermIds = new Int32Array(0);
  private counts: Counts = new Int32Array(0);
  private norms = new Float64Array(0);
  private idf = new Float64Array(0);
  private passages = 0;
  /** Scratch: frequency per term id while counting one text (all zero between uses). */
  private readonly scratch = new Int32List();
  private readonly touched: number[] = [];
  private readonly asciiWords = new AsciiWords();
  /** wordCount of the text counted last, when it took the ASCII path (counted in the same scan); else -1. */
  private counted = -1;
  /** Per passage: its text's length and wordCount (-1: not counted so, a text not ASCII), after seal. */
  private building2: { lengths: Int32List; words: Int32List } | undefined = { lengths: new Int32List(), words: new Int32List() };
  private lengths: Int32Array = new Int32Array(0);
  private words: Int32Array = new Int32Array(0);
  /**
   * Sentences' terms kept for some passages (addSentences): passage k's sentences are
   * [sentenceFrom[k], sentenceFrom[k + 1]) (none for most), sentence s's terms
   * sentenceIds[sentenceStart[s] .. sentenceStart[s + 1]) with their frequencies, in the order of
   * their first occurrence, its length and its wordCount. Empty until a passage's are added.
   */
  private sentences: SentenceRuns = NO_SENTENCES;
  private sentencesBuilding: { passage: Int32List; start: Int32List; ids: SmallUintList; counts: SmallUintList; words: Int32List; lengths: Int32List } | undefined;

  constructor(private readonly stemWord: Stem) {}

  /** The number of passages (n). */
  get size(): number {
    return this.passages;
  }

  /**
   * What the corpus holds once sealed, to be kept (the study index) and given back to `restore`:
   * the same corpus, every number the same, without counting the passages' texts again.
   */
  snapshot(): CorpusSnapshot {
    if (this.building) throw new Error('TermCorpus: snapshot before seal');
    return {
      passages: this.passages,
      vocabulary: this.vocabulary,
      words: [...this.wordIds.keys()],
      wordTerms: Int32Array.from(this.wordIds.values()),
      stems: [...this.stemIds.keys()],
      df: this.df.a.slice(0, this.df.n),
      start: this.start,
      ids: this.ids,
      counts: this.counts,
      lengths: this.lengths,
      wordCounts: this.words,
      sentences: this.sentences,
    };
  }

  /**
   * The sealed corpus a snapshot was taken of (the same term ids, frequencies, document
   * frequencies, idf and norms), for the same stemmer; undefined when the snapshot does not hold
   * together (then the corpus is made again from the texts).
   */
  static restore(stemWord: Stem, s: CorpusSnapshot): TermCorpus | undefined {
    const n = s.passages;
    const v = s.vocabulary;
    if (!Number.isInteger(n) || !Number.isInteger(v) || n < 0 || v < 0) return undefined;
    if (s.start.length !== n + 1 || s.lengths.length !== n || s.wordCounts.length !== n || s.df.length !== v || s.stems.length !== v) return undefined;
    if (s.words.length !== s.wordTerms.length || s.ids.length !== s.counts.length || s.start[0] !== 0 || s.start[n] !== s.ids.length) return undefined;
    for (let k = 0; k < n; k++) if (s.start[k + 1]! < s.start[k]!) return undefined;
    for (let j = 0; j < s.ids.length; j++) if (!(s.ids[j]! >= 0 && s.ids[j]! < v && s.counts[j]! > 0)) return undefined;
    const c = new TermCorpus(stemWord);
    for (let i = 0; i < s.words.length; i++) {
      const t = s.wordTerms[i]!;
      if (!(t >= -1 && t < v)) return undefined;
      c.wordIds.set(s.words[i]!, t);
    }
    for (let t = 0; t < v; t++) c.stemIds.set(s.stems[t]!, t);
    if (c.wordIds.size !== s.words.length || c.stemIds.size !== v) return undefined;
    c.vocabulary = v;
    c.passages = n;
    c.df.a = s.df.length > 0 ? s.df.slice() : new Int32Array(1);
    c.df.n = v;
    c.scratch.a = new Int32Array(Math.max(1, v));
    c.scratch.n = v;
    c.building = undefined;
    c.building2 = undefined;
    c.start = s.start;
    c.ids = s.ids;
    c.counts = s.counts;
    c.lengths = s.lengths;
    c.words = s.wordCounts;
    const r = s.sentences;
    if (r.from.length > 0) {
      // Sentences' runs: for passages 0 .. n, each run's terms known, their ends in order.
      const m = r.words.length;
      if (r.from.length !== n + 1 || r.from[0] !== 0 || r.from[n] !== m || r.start.length !== m + 1 || r.lengths.length !== m || r.start[0] !== 0 || r.start[m] !== r.ids.length || r.counts.length !== r.ids.length) return undefined;
      for (let k = 0; k < n; k++) if (r.from[k + 1]! < r.from[k]!) return undefined;
      for (let j = 0; j < m; j++) if (r.start[j + 1]! < r.start[j]!) return undefined;
      for (let j = 0; j < r.ids.length; j++) if (!(r.ids[j]! >= 0 && r.ids[j]! < v && r.counts[j]! > 0)) return undefined;
      c.sentences = r;
    }
    c.weigh();
    return c;
  }

  /** The term id of a word (interned on first sight). Words too short to say anything ("a", "is", "to") are -1. */
  private termOf(w: string): number {
    let id = this.wordIds.get(w);
    if (id !== undefined) return id;
    if (w.length < 3 && !/\d/.test(w)) id = -1;
    else {
      const s = this.stemWord(w);
      id = this.stemIds.get(s);
      if (id === undefined) {
        id = this.vocabulary++;
        this.stemIds.set(s, id);
        this.df.push(0);
        this.scratch.push(0);
      }
    }
    this.wordIds.set(w, id);
    return id;
  }

  /** Counts a text's terms into scratch; `touched` lists them in first-occurrence order. */
  private count(text: string): void {
    const touched = this.touched;
    touched.length = 0;
    this.counted = -1;
    if (NOT_ASCII.test(text)) {
      for (const w of tokenize(text)) this.tally(this.termOf(w));
      return;
    }
    // ASCII text: tokenize's words are the runs of [0-9A-Za-z], lower-cased; each is looked up
    // by its characters, and made a string only the first time it is seen.
    // wordCount's words are counted on the way: a word (a run of non-space characters holding a
    // letter or digit) is one whose first [0-9A-Za-z] run follows a space (JavaScript's \s: in
    // ASCII, U+0020 and U+0009-U+000D) or the start of the text.
    let words = 0;
    let space = true;
    const n = text.length;
    let i = 0;
    while (i < n) {
      let c = text.charCodeAt(i);
      if (!isAsciiWord(c)) {
        if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) space = true;
        i++;
        continue;
      }
      const a = i;
      if (space) {
        words++;
        space = false;
      }
      let h = 0x811c9dc5;
      do {
        h = Math.imul(h ^ (c | 0x20), 0x01000193);
        c = ++i < n ? text.charCodeAt(i) : 0;
      } while (i < n && isAsciiWord(c));
      const known = this.asciiWords;
      let id = known.lookup(text, a, i, h >>> 0);
      if (id === MISSING) known.insert(text, a, i, h >>> 0, (id = this.termOf(text.slice(a, i).toLowerCase())));
      this.tally(id);
    }
    this.counted = words;
  }

  private tally(id: number): void {
    if (id < 0) return;
    const scratch = this.scratch.a;
    if (scratch[id]! === 0) this.touched.push(id);
    scratch[id]!++;
  }

  /** Adds a passage (before seal); returns its number. */
  add(text: string): number {
    const b = this.building;
    if (!b) throw new Error('TermCorpus: add after seal');
    this.count(text);
    const scratch = this.scratch.a;
    const df = this.df.a;
    for (const id of this.touched) {
      b.ids.push(id);
      b.counts.push(scratch[id]!);
      scratch[id] = 0;
      df[id]!++;
    }
    b.start.push(b.ids.n);
    this.building2!.lengths.push(text.length);
    this.building2!.words.push(this.counted);
    return this.passages++;
  }

  /** wordCount(text) of the text added last (counted while it was, when ASCII). */
  lastWords(text: string): number {
    return this.counted >= 0 ? this.counted : wordCount(text);
  }

  /**
   * Keeps the terms of the sentences of the passage added last (before seal), `parts` being
   * flatSentences(flatSpaces(its text)): sentenceVectors then gives vectors(parts) without counting
   * them again (what trimming a long passage to a quote asks for).
   */
  addSentences(parts: readonly string[]): void {
    if (!this.building) throw new Error('TermCorpus: addSentences after seal');
    const k = this.passages - 1;
    let b = this.sentencesBuilding;
    if (!b) {
      b = this.sentencesBuilding = { passage: new Int32List(), start: initial(), ids: new SmallUintList(1 << 14), counts: new SmallUintList(1 << 14), words: new Int32List(), lengths: new Int32List() };
      b.passage.push(0);
    }
    // Passages before k (none of whose sentences are kept) have none.
    while (b.passage.n <= k) b.passage.push(b.words.n);
    if (b.passage.n !== k + 1) throw new Error('TermCorpus: addSentences twice for one passage');
    for (const part of parts) {
      this.count(part);
      const scratch = this.scratch.a;
      for (const t of this.touched) {
        b.ids.push(t);
        b.counts.push(scratch[t]!);
        scratch[t] = 0;
      }
      b.start.push(b.ids.n);
      b.words.push(this.counted >= 0 ? this.counted : wordCount(part));
      b.lengths.push(part.length);
    }
    b.passage.push(b.words.n);
  }

  /**
   * vectors(parts) (the same doubles) from the sentences kept for passage k, when `parts` are
   * those sentences (as many, of the same lengths: the sentences of the same text); else undefined.
   */
  sentenceVectors(k: number, parts: readonly string[]): TextVectors | undefined {
    const r = this.sentences;
    if (this.building || !(k >= 0 && k + 1 < r.from.length)) return undefined;
    const first = r.from[k]!;
    const m = r.from[k + 1]! - first;
    if (m === 0 || m !== parts.length) return undefined;
    for (let j = 0; j < m; j++) if (r.lengths[first + j] !== parts[j]!.length) return undefined;
    const base = r.start[first]!;
    const end = r.start[first + m]!;
    // (Plain arrays: a typed array of more than 64 bytes is allocated outside V8's heap, at about
    // 2 µs each; a warm report makes these for some 26,000 passages at 3,000 transcripts.)
    const start: number[] = [0];
    const weights: number[] = [];
    const norms: number[] = [];
    for (let j = 0; j < m; j++) {
      const from = r.start[first + j]!;
      const to = r.start[first + j + 1]!;
      let x = 0;
      for (let i = from; i < to; i++) {
        const w = logTf(r.counts[i]!) * this.idfOf(r.ids[i]!);
        weights.push(w);
        x += w * w;
      }
      norms.push(Math.sqrt(x));
      start.push(to - base);
    }
    return { start, ids: r.ids.subarray(base, end), weights, norms, words: r.words.subarray(first, first + m) };
  }

  /** wordCount(text), for the text passage k was added with (known for an ASCII text; else, or for another text, undefined). */
  wordsOf(k: number, text: string): number | undefined {
    if (this.building || !(k >= 0 && k < this.passages) || this.lengths[k] !== text.length) return undefined;
    const w = this.words[k]!;
    return w < 0 ? undefined : w;
  }

  /**
   * After the last passage: every passage's norm. (A term's weight in a passage, logTf(f) * idf,
   * is not kept: it is made again where it is used, the same double; kept, the weights were the
   * corpus's biggest array, 8 bytes per term of every passage: 27 MB at 3,000 transcripts.)
   */
  seal(): void {
    const b = this.building;
    if (!b) return;
    this.building = undefined;
    this.start = b.start.done();
    this.ids = b.ids.done();
    this.counts = b.counts.done();
    this.lengths = this.building2!.lengths.done();
    this.words = this.building2!.words.done();
    this.building2 = undefined;
    const b2 = this.sentencesBuilding;
    if (b2) {
      this.sentencesBuilding = undefined;
      while (b2.passage.n <= this.passages) b2.passage.push(b2.words.n);
      this.sentences = { from: b2.passage.done(), start: b2.start.done(), ids: b2.ids.done(), counts: b2.counts.done(), words: b2.words.done(), lengths: b2.lengths.done() };
    }
    this.weigh();
  }

  /** Each term's idf and each passage's norm, from the passages' terms (seal, restore). */
  private weigh(): void {
    const n = this.passages;
    const df = this.df.a;
    this.idf = new Float64Array(this.vocabulary);
    for (let t = 0; t < this.vocabulary; t++) this.idf[t] = Math.log((1 + n) / (1 + df[t]!));
    this.norms = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let x = 0;
      for (let j = this.start[k]!; j < this.start[k + 1]!; j++) {
        const w = this.weight(j);
        x += w * w;
      }
      this.norms[k] = Math.sqrt(x);
    }
  }

  /** The weight of the term at j of the passages' terms: logTf(f) * idf, the same double each time. */
  private weight(j: number): number {
    const f = this.counts[j]!;
    return (f < LOG_TF_TABLE.length ? LOG_TF_TABLE[f]! : 1 + Math.log(f)) * this.idf[this.ids[j]!]!;
  }

  private idfOf(t: number): number {
    // Terms first seen after seal (in a codebook text or a sentence) occur in no passage.
    return t < this.idf.length ? this.idf[t]! : Math.log((1 + this.passages) / 1);
  }

  /**
   * A profile: the weighted sum of `texts` (each term counted `k` times per occurrence) and of
   * passages' frequencies, in that order (which fixes the order of its terms).
   */
  profile(texts: ReadonlyArray<{ text: string; k: number }>, passages: Iterable<number>): Profile {
    // Interning the texts' words may grow the vocabulary: count them first.
    const first: number[] = [];
    for (const { text, k } of texts) {
      this.count(text);
      for (const t of this.touched) {
        first.push(t, this.scratch.a[t]! * k);
        this.scratch.a[t] = 0;
      }
    }
    const tf = new Float64Array(this.vocabulary);
    const order: number[] = [];
    const add = (t: number, v: number) => {
      if (tf[t] === 0) order.push(t);
      tf[t] = tf[t]! + v;
    };
    for (let i = 0; i < first.length; i += 2) add(first[i]!, first[i + 1]!);
    for (const p of passages) for (let j = this.start[p]!; j < this.start[p + 1]!; j++) add(this.ids[j]!, this.counts[j]!);
    const weights = new Float64Array(tf.length);
    let x = 0;
    for (const t of order) {
      const w = logTf(tf[t]!) * this.idfOf(t);
      weights[t] = w;
      x += w * w;
    }
    return { terms: Int32Array.from(order), weights, norm: Math.sqrt(x) };
  }

  /** Cosine of passage k's weighted vector and a profile. */
  cosine(k: number, profile: Profile): number {
    const from = this.start[k]!;
    const to = this.start[k + 1]!;
    let dot: number;
    if (to - from <= profile.terms.length) {
      dot = 0;
      const pw = profile.weights;
      for (let j = from; j < to; j++) {
        const t = this.ids[j]!;
        // A term the profile does not have adds x * 0 = +0: the same sum as leaving it out.
        if (t < pw.length) dot += this.weight(j) * pw[t]!;
      }
    } else {
      const own = new Map<number, number>();
      for (let j = from; j < to; j++) own.set(this.ids[j]!, this.weight(j));
      dot = dotOver(profile, own);
    }
    const na = this.norms[k]!;
    const nb = profile.norm;
    return na > 0 && nb > 0 ? dot / (na * nb) : 0;
  }

  /**
   * The weighted vectors of texts (a passage's sentences), made once to be scored against several
   * profiles (a passage quoted in several cells): vectorCosine(v, j, profile) is
   * textCosine(texts[j], profile), the same double (tests/unit/quotes-tfidf.test.ts).
   */
  vectors(texts: readonly string[]): TextVectors {
    // (Plain arrays, as sentenceVectors makes them.)
    const start: number[] = [0];
    const ids: number[] = [];
    const weights: number[] = [];
    const norms: number[] = [];
    const words: number[] = [];
    for (let j = 0; j < texts.length; j++) {
      this.count(texts[j]!);
      words.push(this.counted >= 0 ? this.counted : wordCount(texts[j]!));
      const scratch = this.scratch.a;
      let x = 0;
      for (const t of this.touched) {
        const w = logTf(scratch[t]!) * this.idfOf(t);
        scratch[t] = 0;
        x += w * w;
        ids.push(t);
        weights.push(w);
      }
      norms.push(Math.sqrt(x));
      start.push(ids.length);
    }
    return { start, ids, weights, norms, words };
  }

  /** Cosine of text j of `v` and a profile: textCosine's sums, in its order, from the terms' weights made once. */
  vectorCosine(v: TextVectors, j: number, profile: Profile): number {
    const from = v.start[j]!;
    const to = v.start[j + 1]!;
    let dot = 0;
    if (to - from <= profile.terms.length) {
      const pw = profile.weights;
      for (let i = from; i < to; i++) {
        const t = v.ids[i]!;
        if (t < pw.length) dot += v.weights[i]! * pw[t]!;
      }
    } else {
      const own = new Map<number, number>();
      for (let i = from; i < to; i++) own.set(v.ids[i]!, v.weights[i]!);
      dot = dotOver(profile, own);
    }
    const na = v.norms[j]!;
    const nb = profile.norm;
    return na > 0 && nb > 0 ? dot / (na * nb) : 0;
  }

  /** Cosine of a text's weighted vector (a sentence, not a passage of the corpus) and a profile. */
  textCosine(text: string, profile: Profile): number {
    this.count(text);
    const touched = this.touched;
    const pw = profile.weights;
    let dot = 0;
    let x = 0;
    const small = touched.length <= profile.terms.length;
    const own = small ? undefined : new Map<number, number>();
    for (const t of touched) {
      const w = logTf(this.scratch.a[t]!) * this.idfOf(t);
      this.scratch.a[t] = 0;
      x += w * w;
      if (own) own.set(t, w);
      else if (t < pw.length) dot += w * pw[t]!;
    }
    if (own) dot = dotOver(profile, own);
    const na = Math.sqrt(x);
    const nb = profile.norm;
    return na > 0 && nb > 0 ? dot / (na * nb) : 0;
  }
}

/**
 * A sealed TermCorpus's contents (TermCorpus.snapshot): the words seen and their term ids (-1: too
 * short to count), each term's stem (by id) and document frequency, and passage k's terms
 * ids[start[k] .. start[k + 1]) with their frequencies, its text's length and wordCount (-1: not
 * counted so).
 */
/** Term ids (in 16 or 8 bits when kept so: the study index stores them in the fewest bits that hold them). */
export type TermIds = Int32Array | Uint16Array | Uint8Array;
/** Frequencies (in 8 or 16 bits when kept so). */
export type Counts = Int32Array | Uint16Array | Uint8Array;

/** Sentences' terms kept for some passages (TermCorpus.addSentences); all empty when none are. */
export interface SentenceRuns {
  /** Per passage and one more: passage k's sentences are [from[k], from[k + 1]). */
  from: Int32Array;
  /** Per sentence and one more: sentence s's terms are ids[start[s] .. start[s + 1]). */
  start: Int32Array;
  ids: TermIds;
  counts: Counts;
  /** Per sentence: its wordCount and its length. */
  words: Int32Array;
  lengths: Int32Array;
}

const NO_SENTENCES: SentenceRuns = { from: new Int32Array(0), start: new Int32Array(0), ids: new Int32Array(0), counts: new Int32Array(0), words: new Int32Array(0), lengths: new Int32Array(0) };

export interface CorpusSnapshot {
  passages: number;
  vocabulary: number;
  words: string[];
  wordTerms: Int32Array;
  stems: string[];
  df: Int32Array;
  start: Int32Array;
  ids: TermIds;
  counts: Counts;
  lengths: Int32Array;
  wordCounts: Int32Array;
  sentences: SentenceRuns;
}

/** A weighted vector over a corpus's term ids: its terms in order, dense weights, norm. */
export interface Profile {
  terms: Int32Array;
  weights: Float64Array;
  norm: number;
}

/** Plain arrays or typed arrays (sentenceVectors' ids and words are views of the kept columns). */
type Numbers = ArrayLike<number> & Iterable<number>;

/** Texts' weighted vectors: text j's terms are ids[start[j] .. start[j + 1]) (first-occurrence order), with their weights; norms[j] its norm. */
export interface TextVectors {
  start: Numbers;
  ids: Numbers;
  weights: Numbers;
  norms: Numbers;
  /** wordCount of each text (counted while its terms are). */
  words: Numbers;
}

/** The dot product summed over the profile's terms, in its order (when it has fewer terms than the other vector). */
function dotOver(profile: Profile, other: Map<number, number>): number {
  let dot = 0;
  for (const t of profile.terms) {
    const y = other.get(t);
    if (y !== undefined) dot += profile.weights[t]! * y;
  }
  return dot;
}

const LOG_TF: number[] = [];
/** 1 + log(f) for f < 256, as logTf computes it (the passages' frequencies, looked up in the hot loops). */
const LOG_TF_TABLE = Float64Array.from({ length: 256 }, (_, f) => 1 + Math.log(f));
/** 1 + log(f), computed once per small frequency (the same double each time). */
function logTf(f: number): number {
  if (Number.isInteger(f) && f < 256) {
    let v = LOG_TF[f];
    if (v === undefined) LOG_TF[f] = v = 1 + Math.log(f);
    return v;
  }
  return 1 + Math.log(f);
}

function initial(): Int32List {
  const l = new Int32List();
  l.push(0);
  return l;
}

const NOT_ASCII = /[^\x00-\x7f]/;
const MISSING = -2;

/** 0-9, A-Z, a-z: the ASCII characters of tokenize's words. */
function isAsciiWord(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
}

/**
 * A hash table from lower-cased ASCII words (looked up by their characters in a text, without
 * making a string) to their term ids.
 */
class AsciiWords {
  private slots = new Int32Array(1 << 12); // entry + 1, or 0
  private hashes: number[] = [];
  private starts: number[] = [];
  private lengths: number[] = [];
  private ids: number[] = [];
  private chars = new Uint8Array(1 << 14);
  private used = 0;

  /** The id of the word text[a, b) (lower-cased), or MISSING. */
  lookup(text: string, a: number, b: number, h: number): number {
    const len = b - a;
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const e = this.slots[s]! - 1;
      if (e < 0) break;
      if (this.hashes[e] !== h || this.lengths[e] !== len) continue;
      const o = this.starts[e]!;
      let j = 0;
      while (j < len && this.chars[o + j] === (text.charCodeAt(a + j) | 0x20)) j++;
      if (j === len) return this.ids[e]!;
    }
    return MISSING;
  }

  insert(text: string, a: number, b: number, h: number, id: number): void {
    const len = b - a;
    if (this.used + len > this.chars.length) {
      let n = this.chars.length * 2;
      while (this.used + len > n) n *= 2;
      const c = new Uint8Array(n);
      c.set(this.chars);
      this.chars = c;
    }
    for (let j = 0; j < len; j++) this.chars[this.used + j] = text.charCodeAt(a + j) | 0x20;
    const e = this.ids.length;
    this.hashes.push(h);
    this.starts.push(this.used);
    this.lengths.push(len);
    this.ids.push(id);
    this.used += len;
    if (2 * (e + 1) > this.slots.length) {
      this.slots = new Int32Array(this.slots.length * 2);
      for (let k = 0; k <= e; k++) this.place(k);
    } else this.place(e);
  }

  private place(e: number): void {
    const mask = this.slots.length - 1;
    let s = this.hashes[e]! & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = e + 1;
  }
}

/** Fillers removed by --clean; each removal is marked with an ellipsis. */
const FILLERS = /(?:,\s*)?\b(?:um+|uh+|erm+|er|hmm+|you know|i mean)\b(?:,)?/gi;

/** The passage without fillers, each removal marked "...", spaces and commas tidied. */
export function clean(text: string): string {
  return text
    .replace(FILLERS, ' ... ')
    .replace(/\s+/g, ' ')
    .replace(/(?:\s*\.\.\.\s*)+/g, ' ... ')
    .replace(/^\s*\.\.\.\s*/, '')
    .replace(/\s*\.\.\.\s*$/, '')
    .replace(/\s+([,!?]|\.(?!\.))/g, '$1')
    .trim();
}
