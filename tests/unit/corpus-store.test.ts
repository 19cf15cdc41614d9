import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PassageTexts } from '../../src/core/quotes/select.js';
import { flatSentences, flatSpaces, TermCorpus } from '../../src/core/quotes/text.js';
import type { Study } from '../../src/core/study/types.js';
import { corpusStore } from '../../src/io/corpus-store.js';
import { indexSettings } from '../../src/io/study-index.js';

/**
 * The quote corpus kept in the study index (src/io/corpus-store.ts): what is read back is the
 * corpus that was put, its ids and frequencies in the fewest bits that hold them, for the same
 * texts only.
 */

const stem = (w: string) => w.replace(/(ing|ed|s)$/, '');
const studyAt = (root: string) => ({ root }) as unknown as Study;
const texts = (n: number, salt = 0): PassageTexts => ({ documents: ['doc-key'], passages: Int32Array.from({ length: 5 * n }, (_, i) => (i % 5 === 1 ? i + salt : 0)) });

function corpusOf(passages: string[]): TermCorpus {
  const c = new TermCorpus(stem);
  for (const p of passages) {
    c.add(p);
    c.addSentences(flatSentences(flatSpaces(p)));
  }
  c.seal();
  return c;
}

function same(a: TermCorpus, b: TermCorpus, passages: string[]): void {
  expect(b.size).toBe(a.size);
  const pa = a.profile([{ text: 'working rent money', k: 3 }], [0]);
  const pb = b.profile([{ text: 'working rent money', k: 3 }], [0]);
  for (let k = 0; k < passages.length; k++) {
    expect(Object.is(b.cosine(k, pb), a.cosine(k, pa))).toBe(true);
    const parts = flatSentences(flatSpaces(passages[k]!));
    expect([...b.sentenceVectors(k, parts)!.weights]).toEqual([...a.sentenceVectors(k, parts)!.weights]);
  }
}

describe('the quote corpus in the study index', () => {
  it('is read back for the same texts (and stemmer, coder), not for others; one entry is kept', () => {
    expect(indexSettings.enabled).toBe(true);
    const root = mkdtempSync(join(tmpdir(), 'qualwave-corpus-'));
    const passages = ['Work is hard. Working pays the rent.', 'Rent, money and work! Money worries.', 'quiet'];
    const c = corpusOf(passages);
    corpusStore(studyAt(root), 'alice', 'en')!.put(texts(3), c.snapshot());
    const back = corpusStore(studyAt(root), 'alice', 'en')!.get(texts(3))!;
    // Small: ids and frequencies in 8 bits.
    expect(back.ids).toBeInstanceOf(Uint8Array);
    expect(back.counts).toBeInstanceOf(Uint8Array);
    expect(back.sentences.ids).toBeInstanceOf(Uint8Array);
    same(c, TermCorpus.restore(stem, back)!, passages);
    expect(corpusStore(studyAt(root), 'alice', 'en')!.get(texts(3, 1))).toBeUndefined();
    expect(corpusStore(studyAt(root), 'alice', 'fr')!.get(texts(3))).toBeUndefined();
    expect(corpusStore(studyAt(root), 'ben', 'en')!.get(texts(3))).toBeUndefined();
    // Another coder's corpus replaces it.
    corpusStore(studyAt(root), 'ben', 'en')!.put(texts(3), c.snapshot());
    expect(corpusStore(studyAt(root), 'alice', 'en')!.get(texts(3))).toBeUndefined();
    expect(corpusStore(studyAt(root), 'ben', 'en')!.get(texts(3))).toBeDefined();
    // No stemmer for the language: no store.
    expect(corpusStore(studyAt(root), 'ben', 'xx')).toBeUndefined();
  });

  it('frequencies past 255 and more than 65,536 terms are kept in wider arrays, the same numbers', () => {
    const root = mkdtempSync(join(tmpdir(), 'qualwave-corpus-'));
    // 300 times "rent" in one passage; 70,000 distinct words ("w0" ... "w69999") in another.
    const many = Array.from({ length: 70_000 }, (_, i) => `w${i}`).join(' ');
    const passages = [`${'rent '.repeat(300)}money.`, many, 'working rent money'];
    const c = corpusOf(passages);
    corpusStore(studyAt(root), 'alice', 'en')!.put(texts(3), c.snapshot());
    const back = corpusStore(studyAt(root), 'alice', 'en')!.get(texts(3))!;
    expect(back.ids).toBeInstanceOf(Int32Array);
    expect(back.counts).toBeInstanceOf(Uint16Array);
    expect(Math.max(...back.counts)).toBe(300);
    same(c, TermCorpus.restore(stem, back)!, passages);
  });
});
