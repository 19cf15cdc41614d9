import type { PairsStore, StoredPairs } from '../core/matrix/coded.js';
import type { Study } from '../core/study/types.js';
import { loadedAsRead, studyInputsKey } from './load-study.js';
import { combinedKey, setCodec, StudyIndex } from './study-index.js';

/**
 * Each coder's (segment, code) pairs in the study index (`.qualwave/index/pairs.bin`): what the
 * tables that only count (matrix, co-occurrence, summary) read of a coder's codings, made once
 * and read back while none of the files the load read changed (studyInputsKey: the coder files,
 * transcripts, codebooks, config) and the study object is still as the load made it
 * (loadedAsRead). One entry per coder of the study; the others are pruned.
 */
const KIND = 'pairs';

/** The pairs' numbers as columns (read back as views of the file's bytes). */
setCodec<StoredPairs>(KIND, {
  encode(entries) {
    return {
      files: entries.map((e) => e[0]),
      keys: entries.map((e) => e[1]),
      values: entries.map(([, , p]) => ({ documents: p.documents, codes: p.codes, width: p.width, beforeSince: p.beforeSince, book: p.book, since: p.since })),
      ...Object.fromEntries(
        entries.flatMap(([, , p], i) => [
          [`at.${i}`, p.at],
          [`pairs.${i}`, p.keys],
        ]),
      ),
    };
  },
  decode(payload) {
    const { files, keys, values } = payload as { files?: unknown; keys?: unknown; values?: unknown };
    if (!Array.isArray(files) || !Array.isArray(keys) || !Array.isArray(values) || keys.length !== files.length || values.length !== files.length) throw new Error('damaged');
    return files.map((file, i) => {
      const v = values[i] as Partial<StoredPairs> | undefined;
      const at = payload[`at.${i}`];
      const pairs = payload[`pairs.${i}`];
      if (typeof file !== 'string' || !Array.isArray(v?.documents) || !Array.isArray(v.codes) || typeof v.width !== 'number' || typeof v.beforeSince !== 'number' || !Array.isArray(v.book) || !Array.isArray(v.since) || !(at instanceof Uint32Array) || !(pairs instanceof Float64Array)) throw new Error('damaged');
      return [file, keys[i], { documents: v.documents, codes: v.codes, width: v.width, beforeSince: v.beforeSince, book: v.book, since: v.since, at, keys: pairs }];
    });
  },
});

/** The store of `study`'s pairs; undefined with the index off, or for a study not loaded from its files or changed since. */
export function pairsStore(study: Study): PairsStore | undefined {
  const inputs = studyInputsKey(study);
  if (inputs === undefined || !loadedAsRead(study)) return undefined;
  const index = new StudyIndex(study.root).afterLoad();
  if (!index.enabled) return undefined;
  const key = (coder: string) => combinedKey([inputs, coder]);
  return {
    get: (coder) => (loadedAsRead(study) ? index.get<StoredPairs>(KIND, coder, key(coder)) : undefined),
    put(coder, pairs) {
      if (!loadedAsRead(study)) return;
      index.prune(KIND, new Set(study.coders));
      index.put(KIND, coder, key(coder), pairs);
      // Written now (an in-process caller never flushes the index).
      index.flush();
    },
  };
}
