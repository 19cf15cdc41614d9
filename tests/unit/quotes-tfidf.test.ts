import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/core/coding/autocode.js';
import { quotable, trim, trimQuotable } from '../../src/core/quotes/select.js';
import { flatSentences, flatSpaces, sentences, TermCorpus, wordCount } from '../../src/core/quotes/text.js';

/**
 * The quote ranking's TF-IDF on interned term ids and typed arrays (TermCorpus) against the plain
 * definition on Maps keyed by stem, as the ranking computed it before: every cosine must be the
 * same double (Object.is), so the ranking's order and its ties cannot change.
 */
function refTerms(text: string, stem: (w: string) => string): Map<string, number> {
  const tf = new Map<string, number>();
  for (const w of tokenize(text)) {
    if (w.length < 3 && !/\d/.test(w)) continue;
    const s = stem(w);
    tf.set(s, (tf.get(s) ?? 0) + 1);
  }
  return tf;
}

class RefTfIdf {
  private readonly df = new Map<string, number>();
  private readonly n: number;
  constructor(corpus: ReadonlyArray<Map<string, number>>) {
    this.n = corpus.length;
    for (const tf of corpus) for (const t of tf.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
  }
  weight(tf: Map<string, number>): Map<string, number> {
    const out = new Map<string, number>();
    for (const [t, f] of tf) out.set(t, (1 + Math.log(f)) * Math.log((1 + this.n) / (1 + (this.df.get(t) ?? 0))));
    return out;
  }
  static cosine(a: Map<string, number>, b: Map<string, number>): number {
    const [small, large] = a.size <= b.size ? [a, b] : [b, a];
    let dot = 0;
    for (const [t, x] of small) {
      const y = large.get(t);
      if (y !== undefined) dot += x * y;
    }
    const norm = (v: Map<string, number>) => {
      let x = 0;
      for (const y of v.values()) x += y * y;
      return Math.sqrt(x);
    };
    const na = norm(a);
    const nb = norm(b);
    return na > 0 && nb > 0 ? dot / (na * nb) : 0;
  }
}

/** The row profile as the ranking made it: code texts counted 3 times, then the member passages. */
function refProfile(texts: string[], members: Array<Map<string, number>>, stem: (w: string) => string, tfidf: RefTfIdf): Map<string, number> {
  const tf = new Map<string, number>();
  const add = (m: Map<string, number>, k = 1) => m.forEach((v, t) => tf.set(t, (tf.get(t) ?? 0) + v * k));
  for (const t of texts) add(refTerms(t, stem), 3);
  for (const m of members) add(m);
  return tfidf.weight(tf);
}

// A small vocabulary so that passages repeat words, share terms and tie; words of 1-2 letters
// (dropped unless they hold a digit), digits, accents, an apostrophe, case, and words that stem alike.
// ASCII-only texts take the scanner's path (no strings per word), the others tokenize's: both are drawn.
const ASCII_WORDS = ['a', 'is', 'to', 'B2', '7', '42x', 'Work', 'WORKING', 'worked', 'x-ray', "don't", 'bus.', '(money)', 'family,', 'quiet!', 'job', 'Jobs', 'rent_', '@fear', 'hope`', '[hope]', '{rent}', '~', 'zz9', 'Z'];
const WORDS = ['a', 'is', 'to', 'b2', '7', 'work', 'working', 'worked', 'Work', 'café', 'naïve', 'l’hôpital', "don't", 'bus', 'money', 'family', 'quiet', 'Überall', '😀', 'x', 'job', 'jobs', 'rent', 'fear', 'hope'];
const stem = (w: string) => w.replace(/(ing|ed|s)$/, '');
const text = fc.tuple(fc.oneof(fc.array(fc.constantFrom(...WORDS), { minLength: 0, maxLength: 25 }), fc.array(fc.constantFrom(...ASCII_WORDS), { minLength: 0, maxLength: 25 })), fc.constantFrom(' ', '  ', '\n', ', ', '. ')).map(([ws, sep]) => ws.join(sep));

describe('TermCorpus: the same doubles as the Map-based TF-IDF', () => {
  it('a hand-computed corpus', () => {
    // Two passages, identity stems: "apple" is in both (idf log(3/3) = 0), "banana" in one (idf log(3/2)).
    const c = new TermCorpus((w) => w);
    const p0 = c.add('apple banana');
    const p1 = c.add('apple cherry');
    c.seal();
    const prof = c.profile([], [p0]);
    // Passage 0 against its own profile: the same vector, cosine 1. Passage 1 shares only "apple" (weight 0): 0.
    expect(c.cosine(p0, prof)).toBe(1);
    expect(c.cosine(p1, prof)).toBe(0);
    // A profile of passage 1 only: "cherry" weighted (1 + log 1) * log(3/2); the sentence "cherry cherry": (1 + log 2) * log(3/2), same direction: 1.
    expect(c.textCosine('cherry cherry', c.profile([], [p1]))).toBeCloseTo(1, 15);
    // A word in no passage has idf log(3); against a profile without it: 0.
    expect(c.textCosine('durian', prof)).toBe(0);
  });

  it('every passage, profile and sentence cosine is identical (property, with ties and profiles smaller than the vector)', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 30 }), fc.array(text, { minLength: 0, maxLength: 3 }), fc.array(fc.nat(), { minLength: 0, maxLength: 12 }), fc.array(text, { minLength: 1, maxLength: 5 }), (passages, codeTexts, pick, sentences) => {
        const tfs = passages.map((p) => refTerms(p, stem));
        const ref = new RefTfIdf(tfs);
        const weighted = tfs.map((tf) => ref.weight(tf));
        const c = new TermCorpus(stem);
        const ks = passages.map((p) => c.add(p));
        c.seal();
        expect(c.size).toBe(passages.length);
        const members = [...new Set(pick.map((i) => i % passages.length))].sort((a, b) => a - b);
        const refProf = refProfile(
          codeTexts,
          members.map((i) => tfs[i]!),
          stem,
          ref,
        );
        const prof = c.profile(
          codeTexts.map((t) => ({ text: t, k: 3 })),
          members.map((i) => ks[i]!),
        );
        expect(prof.terms.length).toBe(refProf.size);
        for (const [i, k] of ks.entries()) expect(Object.is(c.cosine(k, prof), RefTfIdf.cosine(weighted[i]!, refProf))).toBe(true);
        for (const s of [...sentences, ...passages]) expect(Object.is(c.textCosine(s, prof), RefTfIdf.cosine(ref.weight(refTerms(s, stem)), refProf))).toBe(true);
        // The same texts' vectors made once, scored against the profile: the same doubles.
        const texts = [...sentences, ...passages];
        const v = c.vectors(texts);
        for (const [j, s] of texts.entries()) expect(Object.is(c.vectorCosine(v, j, prof), c.textCosine(s, prof))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('trimQuotable: trim from sentences and vectors made once', () => {
  // Passages of sentences (a capital after ". ", "? " or "! "), spaces and line breaks, as quotes are cut from them.
  const sentence = fc.tuple(fc.array(fc.constantFrom(...WORDS, ...ASCII_WORDS), { minLength: 1, maxLength: 12 }), fc.constantFrom('.', '?', '!', '…', '.”', ''), fc.constantFrom(' ', '  ', '\n', ' \r\n ')).map(([ws, stop, sep]) => {
    const [first, ...rest] = ws;
    return `${first!.charAt(0).toUpperCase()}${first!.slice(1)} ${rest.join(' ')}${stop}${sep}`;
  });
  const passage = fc.array(sentence, { minLength: 1, maxLength: 9 }).map((ss) => ss.join(''));
  it('gives trim’s text (scored with textCosine) and its wordCount, for every profile and maxWords (property)', () => {
    fc.assert(
      fc.property(fc.array(passage, { minLength: 1, maxLength: 8 }), fc.array(fc.array(fc.nat(), { maxLength: 5 }), { minLength: 1, maxLength: 3 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 3 }), (passages, picks, maxes) => {
        const c = new TermCorpus(stem);
        const ks = passages.map((p) => c.add(p));
        c.seal();
        const profiles = picks.map((pick) => c.profile([{ text: 'work money Überall', k: 3 }], [...new Set(pick.map((i) => ks[i % ks.length]!))]));
        for (const p of passages) {
          // One quotable per passage, quoted in several cells (profiles) and lengths, as quotesByDocument does.
          const q = quotable(p);
          expect(q.words).toBe(wordCount(p));
          for (const prof of profiles)
            for (const max of maxes) {
              const plain = trim(p, (s) => c.textCosine(s, prof), max);
              const made = trimQuotable(q, c, prof, max);
              expect({ text: made.text, trimmed: made.trimmed }).toEqual(plain);
              expect(made.words).toBe(wordCount(plain.text));
            }
        }
      }),
      { numRuns: 300 },
    );
  });
  it('the words the corpus counts while adding a passage or making vectors are wordCount’s, and the quotes made with them trim’s (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(passage, fc.boolean()), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 5 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 3 }), (drawn, pick, maxes) => {
        const passages = drawn.map(([p, flat]) => (flat ? flatSpaces(p) : p));
        const c = new TermCorpus(stem);
        const ks = passages.map((p) => c.add(p));
        c.seal();
        const prof = c.profile([{ text: 'work money rent', k: 3 }], [...new Set(pick.map((i) => ks[i % ks.length]!))]);
        for (const [i, p] of passages.entries()) {
          const k = ks[i]!;
          // Counted while adding: an ASCII text's words; another text (or one not ASCII) is not answered for.
          const w = c.wordsOf(k, p);
          if (/^[\x00-\x7f]*$/.test(p)) expect(w).toBe(wordCount(p));
          else expect(w).toBeUndefined();
          expect(c.wordsOf(k, `${p}x`)).toBeUndefined();
          const parts = sentences(p);
          expect([...c.vectors(parts).words]).toEqual(parts.map(wordCount));
          const q = quotable(p, k, c);
          expect(q.words).toBe(wordCount(p));
          for (const max of maxes) {
            const made = trimQuotable(q, c, prof, max);
            expect({ text: made.text, trimmed: made.trimmed }).toEqual(trim(p, (x) => c.textCosine(x, prof), max));
            expect(made.words).toBe(wordCount(made.text));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
  it('counts the words of a passage while adding it (hand-counted)', () => {
    // "Work was hard then. The rent went up again and again.": 11 words (4 + 7).
    const text = 'Work was hard then. The rent went up again and again.';
    // Every ASCII space of JavaScript's \s parts words: "one" "two" "three" "four" "two-five" "6"; "--" holds no letter or digit.
    const spaced = 'one\rtwo\u000bthree\ffour\ttwo-five -- 6\n';
    const c = new TermCorpus((w) => w);
    const k0 = c.add(text);
    const k1 = c.add(spaced);
    const k2 = c.add('Café, très bien.');
    expect(c.wordsOf(k0, text)).toBeUndefined(); // (before seal)
    c.seal();
    expect(c.wordsOf(k0, text)).toBe(11);
    expect(c.wordsOf(k1, spaced)).toBe(6);
    expect(c.wordsOf(k2, 'Café, très bien.')).toBeUndefined();
    expect([...c.vectors(['Work was hard then.', spaced, 'Café, très bien.', '', ' -- ']).words]).toEqual([4, 6, 3, 0, 0]);
  });
  it('cuts around the most central sentence (hand-made)', () => {
    // Identity stems; "rent" is only in the second sentence: against a profile of "rent", it is the most central one.
    const c = new TermCorpus((w) => w);
    const k = c.add('Work was hard. The rent went up again. We moved out.');
    c.add('Work and family.');
    c.seal();
    const prof = c.profile([{ text: 'rent', k: 3 }], []);
    // 11 words (3 + 5 + 3); at most 6: the rent sentence (5 words) alone, since neither neighbour (3 and 3 words) fits beside it.
    expect(trimQuotable(quotable('Work was hard. The rent went up again. We moved out.'), c, prof, 6)).toEqual({ text: '... The rent went up again. ...', trimmed: true, words: 5 });
    // At most 8: it grows towards the neighbour scored higher, or to the right on a tie (both 0 here).
    expect(trimQuotable(quotable('Work was hard. The rent went up again. We moved out.'), c, prof, 8)).toEqual({ text: '... The rent went up again. We moved out.', trimmed: true, words: 8 });
    expect(k).toBe(0);
  });
});

describe('wordCount', () => {
  const plain = (t: string) => t.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  it('counts runs of non-space holding a letter or digit (hand-counted)', () => {
    // "Well," "I" "-" "don't" "know" "..." "42" "😀" "café": 6 words ("-", "...", "😀" hold no letter or digit).
    expect(wordCount("  Well, I - don't\u00a0know ... 42\t😀\r\ncafé ")).toBe(6);
    expect(wordCount('')).toBe(0);
    expect(wordCount('\u2028\u3000\ufeff')).toBe(0);
    // A letter beyond the BMP (mathematical bold A) and a digit of another script (Devanagari 4).
    expect(wordCount('𝐀 \u096a')).toBe(2);
  });
  it('is the split-and-filter definition on any text (property)', () => {
    const ch = fc.constantFrom(' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u1680', '\u2000', '\u200a', '\u200b', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u0085', 'a', 'Z', '0', '9', '-', '.', "'", 'é', 'ß', '\u096a', '😀', '𝐀', '\ud800', '\udc00', '_', '@', '[', '`', '{');
    fc.assert(
      fc.property(fc.array(ch, { maxLength: 40 }), (cs) => {
        const t = cs.join('');
        expect(wordCount(t)).toBe(plain(t));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (t) => {
        expect(wordCount(t)).toBe(plain(t));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('sentences and flatSpaces', () => {
  // The definitions they replace (regular expressions), as the quotes were trimmed before.
  const plainFlat = (t: string) => t.replace(/\s+/g, ' ').trim();
  const plainSentences = (t: string) => {
    const flat = plainFlat(t);
    return flat ? flat.split(/(?<=[.!?…]["”’)]?)\s+(?=["“‘(]?[\p{Lu}\p{N}])/u).filter(Boolean) : [];
  };
  it('split where a sentence ends before a capital or a number (hand-made)', () => {
    expect(sentences('Yes. I did! And then? 42 of them… "Really." (Maybe.) No. e.g. this.')).toEqual(['Yes.', 'I did!', 'And then?', '42 of them…', '"Really."', '(Maybe.)', 'No. e.g. this.']);
    // After a closing quote; before an opening one; not before a lower-case word; spaces and line breaks collapsed.
    expect(sentences('  He said “stop.”  “Now”  \r\n she said. ok. É is upper. 𝐀 too.  ')).toEqual(['He said “stop.”', '“Now” she said. ok.', 'É is upper.', '𝐀 too.']);
    expect(sentences(' \n ')).toEqual([]);
    expect(flatSpaces('one line, single spaces')).toBe('one line, single spaces');
    expect(flatSpaces(' two  spaces\u00a0here\n')).toBe('two spaces here');
  });
  it('are the regular expressions on any text (property)', () => {
    const ch = fc.constantFrom(' ', ' ', ' ', '\t', '\n', '\r\n', '\u00a0', '\u2028', '\u3000', '\ufeff', '.', '.', '!', '?', '…', '"', '”', '’', ')', '“', '‘', '(', 'a', 'z', 'A', 'Z', '0', '9', 'É', 'é', 'Σ', 'σ', 'ß', '\u096a', '𝐀', '𝐚', '😀', '\ud835', '\udc00', ',', "'");
    fc.assert(
      fc.property(fc.array(ch, { maxLength: 50 }), (cs) => {
        const t = cs.join('');
        expect(sentences(t)).toEqual(plainSentences(t));
        expect(flatSpaces(t)).toBe(plainFlat(t));
        // A flat text is flat (so flatSentences, which does not flatten again, splits what sentences would).
        const flat = flatSpaces(t);
        expect(flatSpaces(flat)).toBe(flat);
        expect(flatSentences(flat)).toEqual(plainSentences(t));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (t) => {
        expect(sentences(t)).toEqual(plainSentences(t));
        expect(flatSpaces(t)).toBe(plainFlat(t));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('TermCorpus.snapshot and restore: the same corpus without counting its texts again', () => {
  it('a hand-made corpus: its words, stems, frequencies and lengths, given back', () => {
    const c = new TermCorpus((w) => w.replace(/s$/, ''));
    // "apples" and "apple" share the stem "apple" (term 0); "is" is too short (-1); "pie" is term 1.
    c.add('Apples is apple');
    c.add('pie pie');
    c.seal();
    const s = c.snapshot();
    expect(s.words).toEqual(['apples', 'is', 'apple', 'pie']);
    expect([...s.wordTerms]).toEqual([0, -1, 0, 1]);
    expect(s.stems).toEqual(['apple', 'pie']);
    expect([...s.df]).toEqual([1, 1]);
    expect([...s.start]).toEqual([0, 1, 2]);
    expect([...s.ids]).toEqual([0, 1]);
    expect([...s.counts]).toEqual([2, 2]);
    expect([...s.lengths]).toEqual([15, 7]);
    expect([...s.wordCounts]).toEqual([3, 2]);
    const r = TermCorpus.restore((w) => w.replace(/s$/, ''), structuredClone(s))!;
    expect(r.size).toBe(2);
    // Passage 0 against a profile of itself: 1; idf of "pie" is log(3/2), of "apple" log(3/2).
    expect(r.cosine(0, r.profile([], [0]))).toBe(1);
    expect(r.wordsOf(1, 'pie pie')).toBe(2);
    expect(() => new TermCorpus((w) => w).snapshot()).toThrow(/before seal/);
  });

  it('scores, profiles, vectors, word counts and the words interned after are those of the corpus it was taken of, and nothing seen before is stemmed again (property)', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 20 }), fc.array(text, { minLength: 0, maxLength: 3 }), fc.array(fc.nat(), { minLength: 0, maxLength: 8 }), fc.array(text, { minLength: 1, maxLength: 5 }), (passages, codeTexts, pick, sentences) => {
        const c = new TermCorpus(stem);
        for (const p of passages) c.add(p);
        c.seal();
        let stemmed = 0;
        const counting = (w: string) => {
          stemmed++;
          return stem(w);
        };
        // Through structured cloning, as the study index stores it (no array shared with c).
        const r = TermCorpus.restore(counting, structuredClone(c.snapshot()))!;
        expect(r).toBeDefined();
        expect(r.size).toBe(c.size);
        for (const [k, p] of passages.entries()) expect(r.wordsOf(k, p)).toBe(c.wordsOf(k, p));
        for (const p of passages) r.textCosine(p, r.profile([], []));
        expect(stemmed).toBe(0);
        const members = [...new Set(pick.map((i) => i % passages.length))];
        const profiles = [c, r].map((x) =>
          x.profile(
            codeTexts.map((t) => ({ text: t, k: 3 })),
            members,
          ),
        );
        expect(Object.is(profiles[1]!.norm, profiles[0]!.norm)).toBe(true);
        expect([...profiles[1]!.terms]).toEqual([...profiles[0]!.terms]);
        expect([...profiles[1]!.weights]).toEqual([...profiles[0]!.weights]);
        for (let k = 0; k < passages.length; k++) expect(Object.is(r.cosine(k, profiles[1]!), c.cosine(k, profiles[0]!))).toBe(true);
        for (const s of [...sentences, ...passages]) expect(Object.is(r.textCosine(s, profiles[1]!), c.textCosine(s, profiles[0]!))).toBe(true);
        const vs = [c, r].map((x) => x.vectors(sentences));
        expect(vs[1]).toEqual(vs[0]);
        // Every word interned since (the code texts' and sentences' new words) got the same id.
        expect(r.snapshot()).toEqual(c.snapshot());
      }),
      { numRuns: 200 },
    );
  });

  it('a snapshot that does not hold together is refused (undefined), not used', () => {
    const c = new TermCorpus(stem);
    c.add('work and family');
    c.add('rent money rent');
    c.seal();
    const s = c.snapshot();
    const broken: Array<Partial<typeof s>> = [
      { passages: 3 },
      { vocabulary: s.vocabulary + 1 },
      { ids: Int32Array.from(s.ids, (t, j) => (j === 0 ? s.vocabulary : t)) },
      { counts: Int32Array.from(s.counts, (f, j) => (j === 0 ? 0 : f)) },
      { start: Int32Array.from([0, 4, 3]) },
      { wordTerms: Int32Array.from(s.wordTerms, (t, i) => (i === 0 ? s.vocabulary : t)) },
      { words: s.words.slice(1) },
      { stems: [...s.stems.slice(0, -1), s.stems[0]!] },
      { lengths: s.lengths.subarray(1) },
    ];
    for (const b of broken) expect(TermCorpus.restore(stem, { ...structuredClone(s), ...b })).toBeUndefined();
    expect(TermCorpus.restore(stem, structuredClone(s))?.size).toBe(2);
  });
});

describe('TermCorpus sentences kept (addSentences, sentenceVectors): the vectors made by counting the sentences', () => {
  const sentence = fc.tuple(fc.array(fc.constantFrom(...WORDS, ...ASCII_WORDS), { minLength: 1, maxLength: 12 }), fc.constantFrom('.', '?', '!', '…', '.”', ''), fc.constantFrom(' ', '  ', '\n', ' \r\n ')).map(([ws, stop, sep]) => `${ws.join(' ')}${stop}${sep}`);
  const passage = fc.array(sentence, { minLength: 1, maxLength: 9 }).map((ss) => ss.join(''));
  const ids = (v: { ids: ArrayLike<number> }) => Array.from(v.ids);
  it('the same terms, weights, norms and word counts, before and after a snapshot in narrow arrays; other sentences are not answered for (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(passage, fc.boolean()), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 5 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 3 }), (drawn, pick, maxes) => {
        const c = new TermCorpus(stem);
        const plain = new TermCorpus(stem);
        for (const [p, keep] of drawn) {
          c.add(p);
          plain.add(p);
          if (keep) c.addSentences(flatSentences(flatSpaces(p)));
        }
        c.seal();
        plain.seal();
        const s = c.snapshot();
        // As the study index keeps them: ids in 16 bits, frequencies in 8.
        const narrowed = structuredClone({ ...s, ids: Uint16Array.from(s.ids), counts: Uint8Array.from(s.counts), sentences: { ...s.sentences, ids: Uint16Array.from(s.sentences.ids), counts: Uint8Array.from(s.sentences.counts) } });
        const r = TermCorpus.restore(stem, narrowed)!;
        expect(r).toBeDefined();
        const profile = plain.profile([], [...new Set(pick.map((i) => i % drawn.length))]);
        for (const [k, [p, keep]] of drawn.entries()) {
          const parts = flatSentences(flatSpaces(p));
          const made = plain.vectors(parts);
          for (const x of [c, r]) {
            const v = x.sentenceVectors(k, parts);
            if (!keep) {
              expect(v).toBeUndefined();
              continue;
            }
            expect(ids(v!)).toEqual(ids(made));
            expect([...v!.start]).toEqual([...made.start]);
            expect([...v!.weights]).toEqual([...made.weights]);
            expect([...v!.norms]).toEqual([...made.norms]);
            expect([...v!.words]).toEqual([...made.words]);
            for (let j = 0; j < parts.length; j++) expect(Object.is(x.vectorCosine(v!, j, profile), plain.vectorCosine(made, j, profile))).toBe(true);
            // Not the sentences of this passage (one fewer, or one longer): not answered for.
            expect(x.sentenceVectors(k, parts.slice(1))).toBeUndefined();
            expect(x.sentenceVectors(k, [...parts.slice(0, -1), `${parts[parts.length - 1]}x`])).toBeUndefined();
          }
          // The quotes trimmed with the kept sentences are those trimmed by counting them.
          for (const max of maxes) expect(trimQuotable(quotable(p, k, r), r, profile, max)).toEqual(trimQuotable(quotable(p), plain, profile, max));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a hand-made passage: two sentences, their terms and words', () => {
    const c = new TermCorpus((w) => w);
    c.add('Work is hard. Work pays rent');
    c.addSentences(['Work is hard.', 'Work pays rent']);
    c.seal();
    const s = c.snapshot().sentences;
    // "work" 0, "hard" 1, "pays" 2, "rent" 3 ("is" too short): sentence 0 has work, hard; sentence 1 work, pays, rent.
    expect([...s.from]).toEqual([0, 2]);
    expect([...s.start]).toEqual([0, 2, 5]);
    expect([...s.ids]).toEqual([0, 1, 0, 2, 3]);
    expect([...s.counts]).toEqual([1, 1, 1, 1, 1]);
    expect([...s.words]).toEqual([3, 3]);
    expect([...s.lengths]).toEqual([13, 14]);
    expect(() => c.addSentences(['x'])).toThrow(/after seal/);
  });
});
