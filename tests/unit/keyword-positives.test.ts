import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { autocode } from '../../src/core/coding/autocode.js';
import type { Document } from '../../src/core/study/types.js';
import { keywordPositives } from '../../src/core/learn/evaluate.js';
import { learnerView, positivesOf } from '../../src/core/learn/study.js';
import { loadStudy } from '../../src/io/load-study.js';
import { loadStemmer } from '../../src/io/stemmer.js';
import { copyStudy } from '../helpers/copy-study.js';

const stem = (await loadStemmer('en'))!;

describe('keywordPositives', () => {
  it('gives the rows positivesOf gives of every document coded at once, however the documents are run (the example study)', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'qw-kwpos-')), 'study');
    copyStudy(new URL('../../fixtures/buddy-study', import.meta.url), dir);
    const study = (await loadStudy(dir)).study!;
    const view = learnerView(study, stem, { context: true });
    const codes = study.codebook.codes;
    const keywords = (docs: readonly Document[]) => autocode({ documents: [...docs], codebook: study.codebook }, stem, 'auto').codings;
    const docs = study.documents;
    const want = positivesOf(view, codes, keywords(docs), undefined);
    // The auto-coder finds something in this study (else the comparison would prove nothing).
    expect(want.reduce((n, rows) => n + rows.length, 0)).toBeGreaterThan(50);
    for (const run of [1, 5, 36, 64]) {
      const sizes: number[] = [];
      const got = keywordPositives(view, codes, docs, (d) => (sizes.push(d.length), keywords(d)), run);
      expect(got.map((rows) => Array.from(rows))).toEqual(want.map((rows) => Array.from(rows)));
      // Runs of `run` documents (36 in the study), the last one what is left.
      expect(sizes.length).toBe(Math.ceil(docs.length / run));
      expect(sizes.slice(0, -1).every((n) => n === run)).toBe(true);
    }
  });
});
