import { createHash } from 'node:crypto';
import type { CorpusStore, PassageTexts } from '../core/quotes/select.js';
import type { CorpusSnapshot } from '../core/quotes/text.js';
import type { Study } from '../core/study/types.js';
import { stemmerId } from './stemmer.js';
import { setCodec, StudyIndex, type FileKey } from './study-index.js';

/**
 * The quote corpus's counts in the study index (`.qualwave/index/corpus.bin`): what `report`
 * counts in every coded passage's text (31 M characters at 3,000 transcripts) is counted once and
 * read back while the same texts are counted with the same stemmer. The entry is keyed by the
 * stemmer and by exactly which texts were counted, in order (each document's content key: its
 * transcript's hash and the setup's; each passage's segment and offsets), so a changed
 * transcript, coding, codebook or setting makes the corpus again. One entry (the last coder's):
 * the file never grows past one corpus.
 */
const KIND = 'corpus';

/** The snapshot's arrays as columns (read back as views of the file's bytes), the rest serialized. */
setCodec<CorpusSnapshot>(KIND, {
  encode(entries) {
    // (One entry: put prunes the others.)
    const e = entries[entries.length - 1];
    if (!e) return { files: [] };
    const [file, key, s] = e;
    return { files: [file], keys: [key], passages: s.passages, vocabulary: s.vocabulary, words: s.words, stems: s.stems, wordTerms: s.wordTerms, df: s.df, start: s.start, ids: s.ids, counts: s.counts, lengths: s.lengths, wordCounts: s.wordCounts };
  },
  decode(payload) {
    const p = payload as Partial<CorpusSnapshot> & { files?: string[]; keys?: FileKey[] };
    const file = p.files?.[0];
    const key = p.keys?.[0];
    if (typeof file !== 'string' || !key) return [];
    const ints = [p.wordTerms, p.df, p.start, p.ids, p.counts, p.lengths, p.wordCounts];
    if (!ints.every((a) => a instanceof Int32Array) || !Array.isArray(p.words) || !Array.isArray(p.stems) || typeof p.passages !== 'number' || typeof p.vocabulary !== 'number') throw new Error('damaged');
    return [[file, key, p as CorpusSnapshot]];
  },
});

/** The store of `coder`'s corpus stemmed for `language` in the study's index; undefined with the index off or no stemmer. */
export function corpusStore(study: Study, coder: string, language: string): CorpusStore | undefined {
  const stemmer = stemmerId(language);
  const index = new StudyIndex(study.root);
  if (!stemmer || !index.enabled) return undefined;
  const keyOf = (texts: PassageTexts): FileKey => {
    const h = createHash('sha256').update(JSON.stringify([stemmer, coder, texts.documents]));
    h.update(new Uint8Array(texts.passages.buffer, texts.passages.byteOffset, texts.passages.byteLength));
    return { size: texts.passages.length, mtimeMs: 0, hash: h.digest('base64url').slice(0, 32) };
  };
  return {
    get: (texts) => index.get<CorpusSnapshot>(KIND, coder, keyOf(texts)),
    put(texts, snapshot) {
      // Only this corpus is kept; written now (it is not held until the command ends).
      index.prune(KIND, new Set([coder]));
      index.put(KIND, coder, keyOf(texts), snapshot);
      index.flush();
    },
  };
}
