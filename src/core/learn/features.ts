import type { SpeakerLimit } from '../codebook/types.js';
import { Int32List } from '../arrays.js';
import { tokenize, type Stem } from '../coding/autocode.js';
import type { Document } from '../study/types.js';
import type { SpeakerRole } from '../transcript/types.js';
import type { SparseRows } from './logistic.js';

/**
 * The study's segments as bags of word stems, and TF-IDF vectors over them. Words are split and
 * stemmed as auto-coding does (autocode.ts `tokenize`, the study language's stemmer), so "visits",
 * "visited" and "visiting" are one feature. Everything comes from the study's own text: there is
 * no vocabulary, word list or embedding from elsewhere.
 *
 * A row is one segment that some code may be applied to (participant speech, unless a code allows
 * other speakers: `speakers:` in the codebook).
 */
export interface Corpus {
  docs: readonly Document[];
  /** Per row: its document (index in `docs`) and segment (index in the document). */
  rowDoc: Int32Array;
  rowSeg: Int32Array;
  rowRole: Uint8Array;
  /** Rows of document d: docStart[d] .. docStart[d + 1]. */
  docStart: Int32Array;
  /**
   * Row r's terms are term[ptr[r] .. ptr[r + 1]) (distinct, ascending; 16 bits while the terms are
   * fewer than 65,537), each with its count in the segment: countOf(corpus, k) (in 8 bits, a count
   * of 255 or more as 255 with the count in `countAbove`; a corpus without `countAbove` holds the
   * counts themselves).
   */
  ptr: Int32Array;
  term: Uint16Array | Int32Array;
  count: Uint8Array | Uint16Array;
  /** Entry k's count when count[k] is 255 (in 8 bits: 255 or more; at most 65,535). */
  countAbove?: ReadonlyMap<number, number>;
  /** The terms (stems), by number. */
  terms: string[];
}

/** Entry k's count in its segment (Corpus.count). */
export function countOf(corpus: Corpus, k: number): number {
  const c = corpus.count[k]!;
  return c === 255 && corpus.countAbove ? corpus.countAbove.get(k)! : c;
}

export const ROLE_NUMBER: Record<SpeakerRole, number> = { interviewer: 0, participant: 1, other: 2, note: 3 };

/** A code's speakers rule (autocode.ts): may it be applied to a segment of this role? */
export function allows(speakers: SpeakerLimit, role: number): boolean {
  return speakers === 'any' || ROLE_NUMBER[speakers] === role;
}

/** Every segment whose role is in `roles` (numbers of ROLE_NUMBER), tokenised and stemmed once. */
export interface CorpusOptions {
  /** Also the stems of the interviewer's turn before the segment, as features of their own. */
  context?: boolean;
  /** Terms of a segment beyond its words (e.g. the codes whose keywords match it). */
  extra?: (doc: number, segment: number) => readonly string[];
  /** Pairs of consecutive stems too. */
  bigrams?: boolean;
}

export function buildCorpus(docs: readonly Document[], stem: Stem, roles: ReadonlySet<number>, opts: CorpusOptions = {}): Corpus {
  const ids = new Map<string, number>();
  const terms: string[] = [];
  // One lookup per word: the word's term number (its stem's), cached.
  const byWord = new Map<string, number>();
  const termOf = (word: string): number => {
    let t = byWord.get(word);
    if (t === undefined) {
      const s = stem(word);
      t = ids.get(s);
      if (t === undefined) {
        t = terms.length;
        ids.set(s, t);
        terms.push(s);
      }
      byWord.set(word, t);
    }
    return t;
  };
  const rowDoc = new Int32List(1024);
  const rowSeg = new Int32List(1024);
  const rowRole = new Int32List(1024);
  const ptr = new Int32List(1024);
  const term = new EntryList();
  const count = new CountList();
  const docStart = new Int32Array(docs.length + 1);
  ptr.push(0);
  const named = (name: string): number => {
    let t = ids.get(name);
    if (t === undefined) {
      t = terms.length;
      ids.set(name, t);
      terms.push(name);
    }
    return t;
  };
  // The term of a word of the interviewer's question (`?stem`), cached as termOf is.
  const byQuestionWord = new Map<string, number>();
  const questionTermOf = (word: string): number => {
    let t = byQuestionWord.get(word);
    if (t === undefined) {
      t = named(`?${stem(word)}`);
      byQuestionWord.set(word, t);
    }
    return t;
  };
  let scratch = new Int32Array(256);
  for (let d = 0; d < docs.length; d++) {
    docStart[d] = rowDoc.n;
    const list = docs[d]!.segmentList;
    // A text read only to be counted here is let go after it (read again when needed): the corpus
    // never holds every transcript at once.
    const held = list.holdsText;
    let question: number[] = [];
    for (let i = 0; i < list.length; i++) {
      const role = ROLE_NUMBER[list.role(i)];
      if (opts.context && role === ROLE_NUMBER.interviewer) question = [...new Set(tokenize(list.text(i)).map(questionTermOf))];
      if (!roles.has(role)) continue;
      const words = tokenize(list.text(i));
      const more = opts.extra ? opts.extra(d, i) : [];
      const need = words.length * (opts.bigrams ? 2 : 1) + more.length + (role === ROLE_NUMBER.interviewer ? 0 : question.length);
      if (need > scratch.length) scratch = new Int32Array(need * 2);
      let n = 0;
      for (let k = 0; k < words.length; k++) scratch[n++] = termOf(words[k]!);
      if (opts.bigrams) for (let k = 0; k + 1 < words.length; k++) scratch[n++] = named(`${terms[scratch[k]!]} ${terms[scratch[k + 1]!]}`);
      for (const m of more) scratch[n++] = named(m);
      if (opts.context && role !== ROLE_NUMBER.interviewer) for (const q of question) scratch[n++] = q;
      const ts = scratch.subarray(0, n).sort();
      for (let k = 0; k < ts.length; ) {
        let e = k + 1;
        while (e < ts.length && ts[e] === ts[k]) e++;
        term.push(ts[k]!);
        count.push(Math.min(e - k, 65535));
        k = e;
      }
      rowDoc.push(d);
      rowSeg.push(i);
      rowRole.push(role);
      ptr.push(term.n);
    }
    if (!held) list.releaseText();
  }
  docStart[docs.length] = rowDoc.n;
  return { docs, rowDoc: rowDoc.done(), rowSeg: rowSeg.done(), rowRole: Uint8Array.from(rowRole.done()), docStart, ptr: ptr.done(), term: term.done(), count: count.done(), countAbove: count.above, terms };
}

/**
 * A growing list of a corpus's counts in 8 bits, grown by half: a count of 255 or more is kept as
 * 255 and, by its entry number, in `above` (at 3,000 transcripts: 23 million counts, 23 MB held
 * through every fit instead of 47; a word 255 times in one segment is rare).
 */
class CountList {
  a = new Uint8Array(16384);
  n = 0;
  readonly above = new Map<number, number>();
  push(x: number): void {
    if (this.n === this.a.length) {
      const grown = new Uint8Array(Math.ceil(this.a.length * 1.5));
      grown.set(this.a);
      this.a = grown;
    }
    if (x >= 255) {
      this.above.set(this.n, x);
      x = 255;
    }
    this.a[this.n++] = x;
  }
  done(): Uint8Array {
    return this.a.slice(0, this.n);
  }
}

/**
 * A growing list of a corpus's term numbers: 16 bits a value while every value
 * fits, 32 from the first that does not, grown by half: at 3,000 transcripts (23 million entries,
 * 37,000 terms) the array buffers at the corpus's end were 151 MB, 378 MB with two 32-bit lists.
 */
class EntryList {
  a: Uint16Array | Int32Array = new Uint16Array(16384);
  n = 0;
  push(x: number): void {
    if (x > 65535 && this.a instanceof Uint16Array) this.a = Int32Array.from(this.a);
    if (this.n === this.a.length) {
      const grown = new (this.a.constructor as Uint16ArrayConstructor | Int32ArrayConstructor)(Math.ceil(this.a.length * 1.5));
      grown.set(this.a);
      this.a = grown;
    }
    this.a[this.n++] = x;
  }
  /** The values pushed, as an array of their own. */
  done(): Uint16Array | Int32Array {
    return this.a.slice(0, this.n);
  }
}

/** The rows of these documents (indices into corpus.docs), in order. */
export function rowsOf(corpus: Corpus, docs: readonly number[]): Int32Array {
  let n = 0;
  for (const d of docs) n += corpus.docStart[d + 1]! - corpus.docStart[d]!;
  const out = new Int32Array(n);
  let k = 0;
  for (const d of docs) for (let r = corpus.docStart[d]!; r < corpus.docStart[d + 1]!; r++) out[k++] = r;
  return out;
}

/**
 * Inverse document frequencies from the training rows only (what a model may know), smoothed as
 * scikit-learn does: idf = ln((1 + n) / (1 + df)) + 1. Terms absent from the training rows get 0
 * (no feature: a model trained on these rows has nothing to say about them).
 */
export function inverseFrequencies(corpus: Corpus, rows: Int32Array): Float64Array {
  const df = new Int32Array(corpus.terms.length);
  for (const r of rows) for (let k = corpus.ptr[r]!; k < corpus.ptr[r + 1]!; k++) df[corpus.term[k]!]!++;
  const idf = new Float64Array(corpus.terms.length);
  const n = rows.length;
  for (let t = 0; t < idf.length; t++) if (df[t]! > 0) idf[t] = Math.log((1 + n) / (1 + df[t]!)) + 1;
  return idf;
}

/**
 * Row r's TF-IDF vector: (1 + ln count) · idf for each term the training rows know, scaled to
 * length 1 (L2). Written into idx/val from 0; returns how many entries.
 */
export function tfidf(corpus: Corpus, idf: Float64Array, r: number, idx: Int32Array, val: Float64Array): number {
  let n = 0;
  let norm = 0;
  for (let k = corpus.ptr[r]!; k < corpus.ptr[r + 1]!; k++) {
    const t = corpus.term[k]!;
    const w = idf[t]!;
    if (w === 0) continue;
    const x = (1 + Math.log(countOf(corpus, k))) * w;
    idx[n] = t;
    val[n] = x;
    norm += x * x;
    n++;
  }
  if (norm > 0) {
    const s = 1 / Math.sqrt(norm);
    for (let k = 0; k < n; k++) val[k]! *= s;
  }
  return n;
}

/** The longest row (terms), for scratch buffers. */
export function longestRow(corpus: Corpus): number {
  let m = 0;
  for (let r = 0; r + 1 < corpus.ptr.length; r++) m = Math.max(m, corpus.ptr[r + 1]! - corpus.ptr[r]!);
  return m;
}

/** The TF-IDF matrix of the training rows (row i of the result is corpus row rows[i]). */
export function trainingMatrix(corpus: Corpus, idf: Float64Array, rows: Int32Array): SparseRows {
  let total = 0;
  for (const r of rows) total += corpus.ptr[r + 1]! - corpus.ptr[r]!;
  const ptr = new Int32Array(rows.length + 1);
  const idx = new Int32Array(total);
  const val = new Float32Array(total);
  const bi = new Int32Array(longestRow(corpus));
  const bv = new Float64Array(bi.length);
  let k = 0;
  for (let i = 0; i < rows.length; i++) {
    const n = tfidf(corpus, idf, rows[i]!, bi, bv);
    for (let j = 0; j < n; j++) {
      idx[k] = bi[j]!;
      val[k] = bv[j]!;
      k++;
    }
    ptr[i + 1] = k;
  }
  // (Every term of a training row is known to the training rows, so k is the total: no copy.)
  return { n: rows.length, dim: corpus.terms.length, ptr, idx: k === total ? idx : idx.slice(0, k), val: k === total ? val : val.slice(0, k) };
}

/** 1 + ln c for each count a corpus keeps (16 bits): tfidf's factor of a term's count, the same numbers, made once. */
let onePlusLog: Float64Array | undefined;
export function onePlusLogOfCounts(): Float64Array {
  if (!onePlusLog) {
    onePlusLog = new Float64Array(65536);
    for (let c = 0; c < 65536; c++) onePlusLog[c] = 1 + Math.log(c);
  }
  return onePlusLog;
}

/**
 * What scales each training row's TF-IDF vector to length 1 (tfidf's 1 / sqrt of the sum of
 * squares; 1 for a row with no term): row i's value of its corpus entry k is
 * fround(onePlusLog[count[k]] · idf[term[k]] · scale[i]), bit for bit what tfidf gives, as a 32-bit
 * float (the values the fits take), without an array of values as long as the corpus. The inverse
 * frequencies must come from these rows (inverseFrequencies), so that every term of a row is known.
 */
export function trainingScales(corpus: Corpus, idf: Float64Array, rows: Int32Array, room?: Float64Array): Float64Array {
  const lg = onePlusLogOfCounts();
  // (Into `room` when it is long enough: a scratch array reused from fit to fit; every value is written.)
  const scale = room && room.length >= rows.length ? room.subarray(0, rows.length) : new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    let norm = 0;
    for (let k = corpus.ptr[r]!; k < corpus.ptr[r + 1]!; k++) {
      const w = idf[corpus.term[k]!]!;
      if (w === 0) throw new Error('trainingScales: inverse frequencies not from the training rows');
      const x = lg[countOf(corpus, k)]! * w;
      norm += x * x;
    }
    scale[i] = norm > 0 ? 1 / Math.sqrt(norm) : 1;
  }
  return scale;
}

/**
 * For each term, the training rows holding it (as numbers 0.. in `rows`, ascending): rows of term t
 * are idx[ptr[t] .. ptr[t + 1]). With `only`, only the terms t where only[t] is 1 have their rows
 * (the others none).
 */
export function trainingColumns(corpus: Corpus, rows: Int32Array, only?: Uint8Array, room?: ColumnRoom): { ptr: Int32Array; idx: Int32Array } {
  const T = corpus.terms.length;
  const ptr = room && room.ptr.length === T + 1 ? room.ptr.fill(0) : new Int32Array(T + 1);
  for (const r of rows) for (let k = corpus.ptr[r]!; k < corpus.ptr[r + 1]!; k++) ptr[corpus.term[k]! + 1]!++;
  if (only) for (let t = 0; t < T; t++) if (!only[t]) ptr[t + 1] = 0;
  for (let t = 0; t < T; t++) ptr[t + 1]! += ptr[t]!;
  const fill = room && room.fill.length === T ? room.fill : new Int32Array(T);
  fill.set(ptr.subarray(0, T));
  let idx: Int32Array;
  if (!room) idx = new Int32Array(ptr[T]!);
  else {
    // A longer array than this fit needs is kept for the next fits (grown by an eighth when short).
    if (room.idx.length < ptr[T]!) room.idx = new Int32Array(room.idx.length === 0 ? ptr[T]! : Math.ceil(ptr[T]! * 1.125));
    idx = room.idx.subarray(0, ptr[T]!);
  }
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    for (let k = corpus.ptr[r]!; k < corpus.ptr[r + 1]!; k++) {
      const t = corpus.term[k]!;
      if (!only || only[t]) idx[fill[t]!++] = i;
    }
  }
  return { ptr, idx };
}

/**
 * Arrays trainingColumns may fill instead of making its own, reused from fit to fit (a fit's columns
 * were about 42 MB at 3,000 transcripts): ptr of the corpus's terms + 1, fill of its terms, and idx
 * (replaced by a longer one when short). The columns returned are views of them, good until the next call.
 */
export interface ColumnRoom {
  ptr: Int32Array;
  fill: Int32Array;
  idx: Int32Array;
}

/** The same matrix by column: for each term, the rows holding it (ascending) and the values. */
export function byColumn(m: SparseRows): SparseRows {
  const { ptr, idx } = columnRows(m);
  const fill = ptr.slice(0, m.dim);
  const val = new Float32Array(idx.length);
  for (let i = 0; i < m.n; i++) for (let k = m.ptr[i]!; k < m.ptr[i + 1]!; k++) val[fill[m.idx[k]!]!++] = m.val[k]!;
  return { n: m.dim, dim: m.n, ptr, idx, val };
}

/** The rows holding each term (ascending): byColumn without the values (rows of term t: idx[ptr[t] .. ptr[t + 1])). */
export function columnRows(m: SparseRows): { ptr: Int32Array; idx: Int32Array } {
  const ptr = new Int32Array(m.dim + 1);
  for (let k = 0; k < m.ptr[m.n]!; k++) ptr[m.idx[k]! + 1]!++;
  for (let t = 0; t < m.dim; t++) ptr[t + 1]! += ptr[t]!;
  const fill = ptr.slice(0, m.dim);
  const idx = new Int32Array(m.ptr[m.n]!);
  for (let i = 0; i < m.n; i++) for (let k = m.ptr[i]!; k < m.ptr[i + 1]!; k++) idx[fill[m.idx[k]!]!++] = i;
  return { ptr, idx };
}
