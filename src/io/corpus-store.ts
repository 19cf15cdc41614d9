import { createHash } from 'node:crypto';
import type { CorpusStore, PassageTexts } from '../core/quotes/select.js';
import type { CorpusSnapshot, SentenceRuns } from '../core/quotes/text.js';
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

const SENTENCE_COLUMNS = ['from', 'start', 'ids', 'counts', 'words', 'lengths'] as const;

/** The snapshot's arrays as columns (read back as views of the file's bytes), the rest serialized. */
setCodec<CorpusSnapshot>(KIND, {
  encode(entries) {
    // (One entry: put prunes the others.)
    const e = entries[entries.length - 1];
    if (!e) return { files: [] };
    const [file, key, s] = e;
    // Term ids and frequencies in the fewest bits that hold them (16 and 8 at 3,000 transcripts: 46 MB -> 19 MB).
    const sentences = { ...s.sentences, ids: narrow(s.sentences.ids), counts: narrow(s.sentences.counts) };
    return {
      files: [file],
      keys: [key],
      passages: s.passages,
      vocabulary: s.vocabulary,
      words: s.words,
      stems: s.stems,
      wordTerms: s.wordTerms,
      df: s.df,
      start: s.start,
      ids: narrow(s.ids),
      counts: narrow(s.counts),
      lengths: s.lengths,
      wordCounts: s.wordCounts,
      ...Object.fromEntries(SENTENCE_COLUMNS.map((c) => [`sentences.${c}`, sentences[c]])),
    };
  },
  decode(payload) {
    const p = payload as Partial<CorpusSnapshot> & { files?: string[]; keys?: FileKey[] };
    const file = p.files?.[0];
    const key = p.keys?.[0];
    if (typeof file !== 'string' || !key) return [];
    const q = payload as Record<string, unknown>;
    const sentences = Object.fromEntries(SENTENCE_COLUMNS.map((c) => [c, q[`sentences.${c}`]])) as unknown as SentenceRuns;
    const ints = [p.wordTerms, p.df, p.start, p.lengths, p.wordCounts, sentences.from, sentences.start, sentences.words, sentences.lengths];
    const narrowed = [p.ids, p.counts, sentences.ids, sentences.counts];
    if (!ints.every((a) => a instanceof Int32Array) || !narrowed.every((a) => a instanceof Int32Array || a instanceof Uint16Array || a instanceof Uint8Array) || !Array.isArray(p.words) || !Array.isArray(p.stems) || typeof p.passages !== 'number' || typeof p.vocabulary !== 'number') throw new Error('damaged');
    return [[file, key, { ...(p as CorpusSnapshot), sentences }]];
  },
});

/** The values in 8 bits when all lie in 0 .. 255, in 16 when in 0 .. 65,535, else as they are. */
function narrow<T extends Int32Array | Uint16Array | Uint8Array>(a: T): Int32Array | Uint16Array | Uint8Array {
  if (a instanceof Uint8Array) return a;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x < 0) return a;
    if (x > max) max = x;
  }
  return max <= 0xff ? Uint8Array.from(a) : max <= 0xffff && !(a instanceof Uint16Array) ? Uint16Array.from(a) : a;
}

/** The store of `coder`'s corpus stemmed for `language` in the study's index; undefined with the index off or no stemmer. */
export function corpusStore(study: Study, coder: string, language: string): CorpusStore | undefined {
  const stemmer = stemmerId(language);
  const index = new StudyIndex(study.root).afterLoad();
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
