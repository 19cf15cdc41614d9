import { tokenize, type Stem } from '../coding/autocode.js';

/** Sentences of a passage: split after . ! ? (and …) followed by a space, kept with their punctuation. */
export function sentences(text: string): string[] {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (!flat) return [];
  return flat.split(/(?<=[.!?…]["”’)]?)\s+(?=["“‘(]?[\p{Lu}\p{N}])/u).filter(Boolean);
}

export function wordCount(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** Term frequencies of stemmed words. */
export function terms(text: string, stem: Stem): Map<string, number> {
  const tf = new Map<string, number>();
  for (const w of tokenize(text)) {
    if (w.length < 3 && !/\d/.test(w)) continue; // "a", "is", "to": too short to say anything
    const s = stem(w);
    tf.set(s, (tf.get(s) ?? 0) + 1);
  }
  return tf;
}

/** TF-IDF weighting over a corpus of term-frequency maps; cosine similarity of weighted vectors. */
export class TfIdf {
  private readonly df = new Map<string, number>();
  private readonly n: number;

  constructor(corpus: ReadonlyArray<Map<string, number>>) {
    this.n = corpus.length;
    for (const tf of corpus) for (const t of tf.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
  }

  /** Each term's log((1 + n) / (1 + df)) and each frequency's 1 + log(f), computed once (the same numbers, to the last bit). */
  private readonly idf = new Map<string, number>();
  private readonly logTf: number[] = [];

  weight(tf: Map<string, number>): Map<string, number> {
    const out = new Map<string, number>();
    for (const [t, f] of tf) {
      let idf = this.idf.get(t);
      if (idf === undefined) this.idf.set(t, (idf = Math.log((1 + this.n) / (1 + (this.df.get(t) ?? 0)))));
      let lf = Number.isInteger(f) && f < 256 ? this.logTf[f] : undefined;
      if (lf === undefined) {
        lf = 1 + Math.log(f);
        if (Number.isInteger(f) && f < 256) this.logTf[f] = lf;
      }
      out.set(t, lf * idf);
    }
    return out;
  }

  /** Cosine similarity; iterates the smaller vector, norms are cached per vector. */
  static cosine(a: Map<string, number>, b: Map<string, number>): number {
    const [small, large] = a.size <= b.size ? [a, b] : [b, a];
    let dot = 0;
    for (const [t, x] of small) {
      const y = large.get(t);
      if (y !== undefined) dot += x * y;
    }
    const na = norm(a);
    const nb = norm(b);
    return na > 0 && nb > 0 ? dot / (na * nb) : 0;
  }
}

const norms = new WeakMap<Map<string, number>, number>();
function norm(v: Map<string, number>): number {
  let x = norms.get(v);
  if (x === undefined) {
    x = 0;
    for (const y of v.values()) x += y * y;
    x = Math.sqrt(x);
    norms.set(v, x);
  }
  return x;
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
