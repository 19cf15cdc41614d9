import { longestRow, tfidf, type Corpus } from '../../src/core/learn/features.js';

/**
 * (The fits' values as they were made before trainingScales, src/core/learn/features.ts: the oracle
 * of tests/unit/training-scales.test.ts.) The TF-IDF values of the training rows where the corpus keeps their terms: value k is term
 * corpus.term[k]'s (as a 32-bit float, as trainingMatrix keeps them; 0 outside the rows). The
 * inverse frequencies must come from these rows (inverseFrequencies): then every term of a row is
 * known and the row's values are its terms', in their order (what trainingMatrix would hold,
 * without a copy of the terms).
 */
export function trainingValues(corpus: Corpus, idf: Float64Array, rows: Int32Array): Float32Array {
  const val = new Float32Array(corpus.term.length);
  const bi = new Int32Array(longestRow(corpus));
  const bv = new Float64Array(bi.length);
  for (const r of rows) {
    const from = corpus.ptr[r]!;
    const n = tfidf(corpus, idf, r, bi, bv);
    if (n !== corpus.ptr[r + 1]! - from) throw new Error('trainingValues: inverse frequencies not from the training rows');
    for (let j = 0; j < n; j++) val[from + j] = bv[j]!;
  }
  return val;
}
