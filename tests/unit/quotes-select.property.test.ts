import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { packCodings, setCodingTable, tableOf, type CodingPart } from '../../src/core/coding/table.js';
import type { Coding } from '../../src/core/coding/types.js';
import { codedStudy } from '../../src/core/matrix/coded.js';
import { evidence, evidenceKey } from '../../src/core/quotes/evidence.js';
import { forgetCorpus, hasQuote, quotable, selectQuotes, trim, type QuoteOptions } from '../../src/core/quotes/select.js';
import { clean as cleanText, TermCorpus, wordCount } from '../../src/core/quotes/text.js';
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
