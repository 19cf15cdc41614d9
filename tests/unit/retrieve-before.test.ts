import { isAscii } from 'node:buffer';
import { closeSync, fstatSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { retrieving, type RetrieveFilters } from '../../src/core/coding/retrieve.js';
import type { Study } from '../../src/core/study/types.js';
import { loadStudy } from '../../src/io/load-study.js';
import { linesReader } from '../../src/io/read-lines.js';
import * as before from '../helpers/retrieve-before.js';
import { writeStudy } from '../helpers/study.js';

/**
 * Retrieval as it is (a transcript's coded lines read in pieces near each group of codings, the
 * segments read from their columns, a transcript's attribution made once per speaking participant
 * unless the template shows the time) against retrieval as it was (tests/helpers/retrieve-before.ts):
 * the same rows, field for field and in order, on random studies with group interviews (another
 * participant speaking), timestamps, multi-line paragraphs, accents, emoji and CRLF, for templates
 * with and without {timestamp}, whether each text is in memory or read in part from its file.
 */

const WORDS = ['we', 'talked', 'about', 'the', 'hospital', 'and', 'school', 'kids', 'felt', 'ok', 'café', 'naïve', '😀', '中文'];

const paragraphArb = fc.record({
  speaker: fc.constantFrom('I', 'P1', 'P2', ''),
  stamp: fc.option(fc.tuple(fc.nat(59), fc.nat(59)), { freq: 2 }),
  lines: fc.array(fc.tuple(fc.integer({ min: 1, max: 30 }), fc.nat(1000)), { minLength: 1, maxLength: 3 }),
  ascii: fc.boolean(),
  blank: fc.integer({ min: 1, max: 2 }),
});

const transcriptArb = fc.record({ eol: fc.constantFrom('\n', '\r\n'), paragraphs: fc.array(paragraphArb, { minLength: 1, maxLength: 40 }), long: fc.nat(3) }).map((t) => {
  const lines: string[] = [];
  for (const p of t.paragraphs) {
    p.lines.forEach(([n, seed], i) => {
      // Some lines long enough that codings a few paragraphs apart are read in pieces of their own.
      const count = t.long === 0 && i === 0 ? n * 40 : n;
      const words = Array.from({ length: count }, (_, k) => WORDS[(seed + k * 7) % (p.ascii ? 10 : WORDS.length)]!).join(' ');
      const head = i === 0 ? `${p.stamp ? `[00:${String(p.stamp[0]).padStart(2, '0')}:${String(p.stamp[1]).padStart(2, '0')}] ` : ''}${p.speaker ? `${p.speaker}: ` : ''}` : '';
      lines.push(head + words);
    });
    for (let b = 0; b < p.blank; b++) lines.push('');
  }
  return { text: lines.join(t.eol), lines: lines.length };
});

const codingArb = (lines: number) =>
  fc.record({
    start: fc.integer({ min: 1, max: lines }),
    length: fc.integer({ min: 0, max: 3 }),
    columns: fc.option(fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 })), { freq: 3 }),
    code: fc.constantFrom('t.a', 't.b'),
    coder: fc.constantFrom('x', 'y'),
  });

const TEMPLATES = [undefined, '({participant}, {timestamp})', '{participant} {group} {wave.label} [{timestamp}] {interviewer} {date}', '({participant})'];

const studyArb = fc.tuple(fc.array(transcriptArb, { minLength: 1, maxLength: 3 }), fc.nat(TEMPLATES.length - 1)).chain(([ts, template]) => fc.tuple(fc.constant(ts), fc.constant(template), fc.tuple(...ts.map((t) => fc.array(codingArb(t.lines), { maxLength: 25 })))));

function filesOf([ts, template, codings]: [Array<{ text: string }>, number, Array<Array<{ start: number; length: number; columns: [number, number] | null; code: string; coder: string }>>]): Record<string, string> {
  const files: Record<string, string> = {};
  const rows: Record<string, string[]> = { x: [], y: [] };
  ts.forEach((t, i) => {
    files[`transcripts/P${i + 1}_w1.txt`] = `---\ninterviewer: Sam\ndate: 2024-0${i + 1}-01\n---\n${t.text}`;
    for (const c of codings[i]!) {
      // Lines counted after the 4 lines of front matter.
      const s = c.start + 4;
      const span = c.columns ? `${s}:${c.columns[0]}-${s + Math.min(c.length, 1)}:${c.length === 0 ? Math.max(...c.columns) : c.columns[1]}` : c.length === 0 ? `${s}` : `${s}-${s + c.length}`;
      rows[c.coder]!.push(`P${i + 1}\tw1\t${span}\t${c.code}\t\t\t`);
    }
  });
  for (const coder of ['x', 'y']) files[`codings/${coder}.tsv`] = ['participant\twave\tlines\tcode\texemplar\tmemo\thash', ...rows[coder]!, ''].join('\n');
  const t = TEMPLATES[template];
  if (t !== undefined) files['attribution.txt'] = t;
  return files;
}

/** Each ASCII transcript given a lines reader of its file (as the loader gives one to a settled file), its text let go. */
function lazy(study: Study): void {
  for (const doc of study.documents) {
    doc.segmentList.releaseText();
    const path = join(study.root, doc.file);
    const bytes = readFileSync(path);
    if (!isAscii(bytes)) continue;
    const fd = openSync(path, 'r');
    const st = fstatSync(fd, { bigint: true });
    closeSync(fd);
    doc.segmentList.linesReader = linesReader(path, bytes.length, { size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, ino: st.ino, dev: st.dev }, 0);
  }
}

const FILTERS: RetrieveFilters[] = [{}, { codes: ['t'] }, { codes: ['t.a'], speaker: 'participant' }, { coders: ['x'], speaker: 'interviewer' }, { participants: ['P2'] }];

describe('retrieval: the same rows as before its reads in pieces and its column reads', () => {
  it('random studies (group interviews, timestamps, multi-line paragraphs, accents, emoji, CRLF), templates with and without {timestamp}, texts in memory or read in part', async () => {
    let rows = 0;
    let timed = 0;
    await fc.assert(
      fc.asyncProperty(studyArb, async (s) => {
        const files = filesOf(s);
        const template = files['attribution.txt'];
        delete files['attribution.txt'];
        const root = writeStudy(files);
        if (template !== undefined) {
          const yaml = join(root, 'qualwave.yaml');
          writeFileSync(yaml, `${readFileSync(yaml, 'utf8')}attribution: "${template}"\n`);
        }
        for (const part of [false, true]) {
          const study = (await loadStudy(root, { cache: false })).study!;
          expect(study.config.attribution).toBe(template ?? study.config.attribution);
          if (part) lazy(study);
          for (const f of FILTERS) {
            const expected = [...before.retrieving(study, f)];
            if (part) lazy(study);
            const got = [...retrieving(study, f)];
            expect(got).toEqual(expected);
            // Field order too (JSON output writes them in this order).
            expect(got.map((r) => Object.keys(r))).toEqual(expected.map((r) => Object.keys(r)));
            rows += got.length;
            timed += got.filter((r) => /\d\d:\d\d:\d\d/.test(r.attribution)).length;
          }
        }
      }),
      { numRuns: 60 },
    );
    // Rows were compared, some of them attributed with a time.
    expect(rows).toBeGreaterThan(1000);
    expect(timed).toBeGreaterThan(50);
  }, 120_000);
});
