import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { packCodings, setCodingTable, tableOf, type CodingPart } from '../../src/core/coding/table.js';
import type { Coding } from '../../src/core/coding/types.js';
import { codedStudy } from '../../src/core/matrix/coded.js';
import { evidence, evidenceKey } from '../../src/core/quotes/evidence.js';
import { forgetCorpus, hasQuote, quotable, selectQuotes, trim, type CorpusStore, type PassageTexts, type QuoteOptions } from '../../src/core/quotes/select.js';
import { clean as cleanText, TermCorpus, wordCount, type CorpusSnapshot } from '../../src/core/quotes/text.js';
import type { Study } from '../../src/core/study/types.js';
import { fixtureStudies, randomCodings, scenario } from '../helpers/random-codings.js';

/**
 * Every participant's quote (perCell infinite: the evidence of the change matrix, the dossiers and
 * the briefs) is found document by document, each transcript read once for all its quotes and
 * let go after them. Walking each cell's ranking and taking each participant's first passage
 * whose quote has the words asked for (what a finite perCell still does) is the straightforward
 * definition: with a perCell larger than any cell, both give the same quotes, in the same order,
 * with the same ranks, texts and scores.
 */

let studies: Study[];
beforeAll(async () => {
  studies = await fixtureStudies();
});

const stem = (w: string) => w.replace(/(ing|ed|s)$/, '');

const options = fc.record({
  rows: fc.constantFrom<'theme' | 'code'>('theme', 'code'),
  minWords: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 40 })),
  maxWords: fc.integer({ min: 3, max: 120 }),
  repeatParticipants: fc.boolean(),
  clean: fc.boolean(),
});

/** The scenario's codings, some marked exemplars (as the coder files' exemplar column does). */
function withExemplars(study: Study, flags: boolean[]): Study {
  const codings = (study.codings as Coding[]).map((c, i) => ({ ...c, exemplar: flags.length > 0 && flags[i % flags.length]! }));
  return { ...study, codings };
}

/** The same study with its codings in columns (as a warm load keeps them), one part per coder. */
function inColumns(study: Study): Study {
  const copy: Study = { ...study };
  const parts: CodingPart[] = [];
  for (const coder of [...new Set(study.codings.map((c) => c.coder))]) {
    const file = `codings/${coder}.tsv`;
    const mine = study.codings.filter((c) => c.coder === coder).map((c, i) => ({ ...c, source: { file, line: i + 2 } }));
    const packed = packCodings(coder, file, mine);
    if (!packed) throw new Error('not packable');
    parts.push({ packed });
  }
  setCodingTable(copy, tableOf(parts));
  return copy;
}

/** Whether quoteOf makes a quote of this passage: its definition, written out (select.ts quoteTextOf). */
function selectQuotesText(opts: { minWords: number; maxWords: number; clean: boolean }, tfidf: TermCorpus, profile: ReturnType<TermCorpus['profile']>, original: string): boolean {
  const all = wordCount(original);
  if (all < opts.minWords) return false;
  const { text, trimmed } = trim(original, (s) => tfidf.textCosine(s, profile), opts.maxWords, all);
  const words = trimmed || opts.clean ? wordCount(opts.clean ? cleanText(text) : text) : all;
  return words >= opts.minWords && words <= opts.maxWords;
}

describe('quotes: every participant found document by document', () => {
  it('gives what walking each cell ranking gives (property)', () => {
    fc.assert(
      fc.property(scenario, fc.array(fc.boolean(), { maxLength: 7 }), options, fc.boolean(), (sc, flags, o, dense) => {
        // Dense: each coding also on the next segments, so that participants have several passages in a cell (and one with too few words gives way to the next).
        const picks = dense ? sc.picks.slice(0, 4).flatMap((p) => Array.from({ length: 30 }, (_, k) => ({ ...p, seg: p.seg + k, more: k % 2 }))) : sc.picks;
        const study = withExemplars(randomCodings(studies, { ...sc, picks }), flags);
        const opts: QuoteOptions = { ...o, perCell: Number.POSITIVE_INFINITY };
        const cs = codedStudy(study, 'x');
        const everyone = selectQuotes(cs, stem, opts);
        const walked = selectQuotes(codedStudy(study, 'x'), stem, { ...opts, perCell: Number.MAX_SAFE_INTEGER });
        expect(everyone).toEqual(walked);
        // Again on the same coded study: from the rankings made the first time.
        expect(selectQuotes(cs, stem, { ...opts, perCell: Number.MAX_SAFE_INTEGER })).toEqual(walked);
        expect(selectQuotes(cs, stem, opts)).toEqual(walked);
        // The corpus let go (as the report does after its quotes section): made again, the same quotes.
        forgetCorpus(cs);
        expect(selectQuotes(cs, stem, opts)).toEqual(walked);
        // The ranks are 1, 2, ... in each cell, as the walk numbers them.
        for (const cell of everyone) expect(cell.quotes.map((q) => q.rank)).toEqual(cell.quotes.map((_, i) => i + 1));
      }),
      { numRuns: 60 },
    );
  });

  it('made for some speakers and cells only: exactly those quotes of the whole selection, ranks included (property)', () => {
    fc.assert(
      fc.property(scenario, fc.array(fc.boolean(), { maxLength: 7 }), options, fc.boolean(), fc.integer({ min: 0, max: 1 << 20 }), fc.integer({ min: 0, max: 1 << 10 }), (sc, flags, o, dense, who, where) => {
        const picks = dense ? sc.picks.slice(0, 4).flatMap((p) => Array.from({ length: 30 }, (_, k) => ({ ...p, seg: p.seg + k, more: k % 2 }))) : sc.picks;
        const study = withExemplars(randomCodings(studies, { ...sc, picks }), flags);
        const opts: QuoteOptions = { ...o, perCell: Number.POSITIVE_INFINITY };
        const whole = selectQuotes(codedStudy(study, 'x'), stem, opts);
        // Some speakers (a bit of \`who\` each), some waves (a bit of \`where\` each).
        const people = [...new Set(whole.flatMap((c) => c.quotes.map((q) => q.participant)))].sort();
        const speakers = new Set(people.filter((_, i) => (who >> (i % 20)) & 1));
        const waves = study.config.waves.map((w) => w.id).filter((_, i) => (where >> i) & 1);
        const cells = (_: string, wave: string) => waves.includes(wave);
        const part = selectQuotes(codedStudy(study, 'x'), stem, { ...opts, speakers, cells });
        const expected = whole.filter((c) => waves.includes(c.wave)).map((c) => ({ ...c, quotes: c.quotes.filter((q) => speakers.has(q.participant)) }));
        expect(part).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('hasQuote: whether a passage makes a quote, as making it says (property)', () => {
    const sentence = fc.array(fc.constantFrom('we', 'walked', 'Home', 'and', '...', '-', 'it', 'was', 'fine', '2024', 'ok'), { minLength: 0, maxLength: 30 }).map((w) => w.join(' '));
    const stop = fc.constantFrom('.', '!', '?', '', '…', '."');
    const text = fc.array(fc.tuple(sentence, stop, fc.constantFrom(' ', '  ', '\n')), { minLength: 1, maxLength: 8 }).map((parts) => parts.map(([s, p, gap]) => `${s}${p}${gap}`).join(''));
    const tfidf = new TermCorpus(stem);
    tfidf.add('we walked home and it was fine');
    tfidf.seal();
    const profile = tfidf.profile([{ text: 'walked home', k: 3 }], [0]);
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 50 }), fc.boolean(), (t, minWords, maxWords, clean) => {
        const opts = { minWords, maxWords, clean };
        const made = selectQuotesText(opts, tfidf, profile, t);
        expect(hasQuote(opts, tfidf, profile, quotable(t))).toBe(made);
      }),
      { numRuns: 500 },
    );
  });

  it('reads the exemplar flags from the columns as from the objects (property)', () => {
    fc.assert(
      fc.property(scenario, fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 4 }), (sc, flags, perCell) => {
        const study = withExemplars(randomCodings(studies, sc), flags);
        const opts: QuoteOptions = { rows: 'theme', perCell, minWords: 1, maxWords: 40, repeatParticipants: false, clean: false };
        const columns = inColumns(study);
        expect(selectQuotes(codedStudy(columns, 'x'), stem, opts)).toEqual(selectQuotes(codedStudy(study, 'x'), stem, opts));
        // (The objects were not made to find them.)
        expect(Object.getOwnPropertyDescriptor(columns, 'codings')?.get).toBeDefined();
      }),
      { numRuns: 40 },
    );
  });

  it('gives each participant their best passage with enough words, and the next one when the best has too few', () => {
    // Hand-made: a whole-line coding of a one-word participant segment and of a longer one, same code, same document.
    const words = (t: string) => t.split(/\s+/).filter((w) => /[a-z]/i.test(w)).length;
    const found = studies.flatMap((base) =>
      base.documents.flatMap((doc) => {
        const l = doc.segmentList;
        const idx = [...Array(l.length).keys()].filter((i) => l.role(i) === 'participant' && l.participant(i) === undefined);
        const short = idx.find((i) => words(l.text(i)) >= 1 && words(l.text(i)) <= 3);
        const long = idx.find((i) => words(l.text(i)) > 6);
        return short !== undefined && long !== undefined ? [{ base, doc, short, long }] : [];
      }),
    )[0]!;
    const { base, doc, short, long } = found;
    const l = doc.segmentList;
    const code = base.codebook.codes[0]!.id;
    const coding = (i: number, exemplar: boolean): Coding => ({ coder: 'x', participant: doc.participant, wave: doc.wave, startLine: l.startLine(i), endLine: l.endLine(i), code, exemplar });
    // The short passage is the exemplar (ranked first) but has fewer words than asked for: the longer one is the quote.
    const study: Study = { ...base, codings: [coding(short, true), coding(long, false)], coders: ['x'] };
    const ev = evidence(codedStudy(study, 'x'), stem, { rows: 'code', only: [code] });
    expect(ev.get(evidenceKey(code, doc.wave, doc.participant))?.segment).toBe(l.id(short));
    const opts: QuoteOptions = { rows: 'code', only: [code], perCell: Number.POSITIVE_INFINITY, minWords: 5, maxWords: 200, repeatParticipants: false, clean: false };
    const [cell] = selectQuotes(codedStudy(study, 'x'), stem, opts).filter((c) => c.wave === doc.wave);
    expect(cell!.quotes.map((q) => q.segment)).toEqual([l.id(long)]);
    expect(cell!.quotes[0]!.rank).toBe(1);
    expect(cell!.candidates).toBe(2);
  });
});

describe('quotes: the corpus kept between runs (a CorpusStore: the study index)', () => {
  /** A store in memory, keyed by the texts exactly (what io/corpus-store.ts hashes). */
  function memoryStore() {
    const kept = new Map<string, CorpusSnapshot>();
    const asked: PassageTexts[] = [];
    let puts = 0;
    const keyOf = (t: PassageTexts) => JSON.stringify([t.documents, [...t.passages]]);
    const store: CorpusStore = {
      get(t) {
        asked.push(t);
        // Cloned, as read back from a file: nothing shared with the corpus it was taken of.
        const s = kept.get(keyOf(t));
        return s && structuredClone(s);
      },
      put(t, s) {
        puts++;
        kept.set(keyOf(t), structuredClone(s));
      },
    };
    return { store, asked, puts: () => puts, size: () => kept.size };
  }
  const keyed = (study: Study) => {
    for (const [i, d] of study.documents.entries()) d.segmentList.contentKey = `${study.root}:${i}:${d.id}`;
    return study;
  };

  it('gives the quotes made without it, counted once and then read back; other codings are other texts (property)', () => {
    fc.assert(
      fc.property(scenario, scenario, options, fc.integer({ min: 1, max: 3 }), (sc, other, o, perCell) => {
        const study = keyed(randomCodings(studies, sc));
        const opts: QuoteOptions = { ...o, perCell };
        const expected = selectQuotes(codedStudy(study, 'x'), stem, opts);
        const m = memoryStore();
        expect(selectQuotes(codedStudy(study, 'x'), stem, opts, m.store)).toEqual(expected);
        expect(m.puts()).toBe(1);
        // A second run: the snapshot, not counted again (nothing put), the same quotes.
        expect(selectQuotes(codedStudy(study, 'x'), stem, opts, m.store)).toEqual(expected);
        expect(m.puts()).toBe(1);
        expect(m.asked[1]).toEqual(m.asked[0]);
        // Another coding of the study: its own texts (and its own quotes, as made without the store).
        const second = keyed(randomCodings(studies, { ...other, study: sc.study }));
        expect(selectQuotes(codedStudy(second, 'x'), stem, opts, m.store)).toEqual(selectQuotes(codedStudy(second, 'x'), stem, opts));
        const same = JSON.stringify([m.asked[2]!.documents, [...m.asked[2]!.passages]]) === JSON.stringify([m.asked[0]!.documents, [...m.asked[0]!.passages]]);
        expect(m.size()).toBe(same ? 1 : 2);
      }),
      { numRuns: 40 },
    );
  });

  it('passage k of the texts is the place of the k-th text counted (hand-checked on one document)', () => {
    const base = keyed(studies[0]!);
    const doc = base.documents[0]!;
    const l = doc.segmentList;
    const idx = [...Array(l.length).keys()].filter((i) => l.role(i) === 'participant').slice(0, 2);
    const code = base.codebook.codes[0]!.id;
    const codings: Coding[] = idx.map((i) => ({ coder: 'x', participant: doc.participant, wave: doc.wave, startLine: l.startLine(i), endLine: l.endLine(i), code, exemplar: false }));
    const m = memoryStore();
    selectQuotes(codedStudy({ ...base, codings, coders: ['x'] }, 'x'), stem, { rows: 'code', perCell: 1, minWords: 1, maxWords: 99, repeatParticipants: false, clean: false }, m.store);
    const t = m.asked[0]!;
    expect(t.documents).toEqual(base.documents.map((d, i) => `${base.root}:${i}:${d.id}`));
    expect([...t.passages]).toEqual(idx.flatMap((i) => [0, i, l.startOffset(i), l.endOffset(i), 0]));
  });

  it('is not asked when a document has no content key (the index off)', () => {
    const study = keyed(randomCodings(studies, { study: 0, picks: [], since: null, wave: null, shuffle: null }));
    const m = memoryStore();
    const doc = study.documents[0]!;
    doc.segmentList.contentKey = undefined;
    selectQuotes(codedStudy(study, 'x'), stem, { rows: 'theme', perCell: 1, minWords: 1, maxWords: 99, repeatParticipants: false, clean: false }, m.store);
    expect(m.asked).toEqual([]);
    expect(m.puts()).toBe(0);
    keyed(study);
  });
});
