import { isAscii } from 'node:buffer';
import { fstatSync, openSync, closeSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { retrieve, type Retrieved } from '../../src/core/coding/retrieve.js';
import type { Study } from '../../src/core/study/types.js';
import type { LinesRead, LinesReader } from '../../src/core/transcript/segment-list.js';
import { loadStudy, StudyChangedError } from '../../src/io/load-study.js';
import { linesReader } from '../../src/io/read-lines.js';
import type { FileStamp } from '../../src/io/study-index.js';
import { writeStudy } from '../helpers/study.js';

/**
 * Retrieval reads only the coded lines of a transcript whose text is not in memory (read-lines.ts,
 * codedLines in span.ts): its results must be those of the whole text, byte for byte, whatever the
 * file holds (CRLF, a BOM, accents and emoji, long lines, blank lines, a last line with or without
 * its line break, spans past the end), and a file changed behind the index must never give text
 * of other bytes. The oracle is retrieval with every text in memory (the whole-text path, as
 * before the partial reads).
 */

const stampOf = (path: string): FileStamp => {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd, { bigint: true });
    return { size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, ino: st.ino, dev: st.dev };
  } finally {
    closeSync(fd);
  }
};

/** Where the text starts in the file when each of its UTF-16 units is one byte (as the loader records it), else undefined. */
function asciiAt(bytes: Buffer): number | undefined {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return isAscii(bytes.subarray(bom)) ? bom : undefined;
}

interface Calls {
  /** Lines read in part and checked against the whole text. */
  read: number;
  /** Asked, and refused (the whole text read instead). */
  refused: number;
  /** Calls of the reader's `many` (a transcript's groups of coded lines read at once). */
  many: number;
}

/**
 * Each ASCII transcript of the study given a lines reader (as the loader gives one to a file whose
 * settled stamp vouches for it), each call checked against the whole text: what it gives is the
 * text from the start of line `from` to the end of line `to`, at its offset. Every text is let go
 * first (the load's checks of the codings may have read it).
 */
function withReaders(study: Study, calls: Calls): void {
  for (const doc of study.documents) {
    doc.segmentList.releaseText();
    const path = join(study.root, doc.file);
    const bytes = readFileSync(path);
    const at = asciiAt(bytes);
    if (at === undefined) continue;
    const whole = bytes.subarray(at).toString('latin1');
    const lineStarts = [0];
    for (let i = whole.indexOf('\n'); i >= 0; i = whole.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    const reader = linesReader(path, bytes.length, stampOf(path), at);
    const check = (got: LinesRead, from: number, to: number): LinesRead => {
      if (!got) {
        calls.refused++;
        return got;
      }
      calls.read++;
      expect(got.start).toBe(lineStarts[from - 1]);
      const end = to < lineStarts.length ? lineStarts[to]! - 1 : whole.length;
      expect(got.text).toBe(whole.slice(got.start, end));
      return got;
    };
    const checked: LinesReader = (anchor, anchorLine, from, to, hint) => check(reader(anchor, anchorLine, from, to, hint), from, to);
    // Several reads at once (the file opened once): each as the reader itself gives it.
    checked.many = (requests) => {
      calls.many++;
      const got = reader.many!(requests);
      expect(got).toHaveLength(requests.length);
      return got.map((g, i) => {
        expect(g).toEqual(reader(requests[i]!.anchor, requests[i]!.anchorLine, requests[i]!.from, requests[i]!.to, requests[i]!.hint));
        return check(g, requests[i]!.from, requests[i]!.to);
      });
    };
    doc.segmentList.linesReader = checked;
  }
}

/** The study with every transcript's text in memory: retrieval reads no file. */
async function held(root: string): Promise<Study> {
  const study = (await loadStudy(root, { cache: false })).study!;
  for (const d of study.documents) expect(d.segmentList.sourceTextValue.length).toBeGreaterThanOrEqual(0);
  return study;
}

const WORDS = ['we', 'talked', 'about', 'the', 'hospital', 'and', 'school', 'kids', 'felt', 'ok'];
const ACCENTED = ['café', 'naïve', 'élève', 'Zoë', '😀', '👩‍⚕️', '中文', 'e\u0301'];

/** A random transcript: paragraphs of one to three lines by I or the participant, blank lines between, lines long or short. */
const transcriptArb = fc
  .record({
    eol: fc.constantFrom('\n', '\r\n'),
    bom: fc.boolean(),
    ascii: fc.boolean(),
    frontMatter: fc.boolean(),
    finalEol: fc.boolean(),
    paragraphs: fc.array(
      fc.record({
        speaker: fc.constantFrom('I', 'P1', ''),
        lines: fc.array(fc.record({ words: fc.integer({ min: 1, max: 12 }), long: fc.integer({ min: 0, max: 9 }), seed: fc.nat(1000), lead: fc.constantFrom('', ' ', '\t', '[00:01:02] ') }), { minLength: 1, maxLength: 3 }),
        blank: fc.integer({ min: 1, max: 2 }),
      }),
      { minLength: 1, maxLength: 8 },
    ),
  })
  .map((t) => {
    const lines: string[] = [];
    if (t.frontMatter) lines.push('---', 'interviewer: Sam', '---');
    for (const p of t.paragraphs) {
      p.lines.forEach((l, i) => {
        // One line in ten is longer than the reader's first read (512 bytes either side).
        const n = l.long === 0 ? 150 + l.words * 10 : l.words;
        const words = Array.from({ length: n }, (_, k) => (!t.ascii && (l.seed + k) % 7 === 0 ? ACCENTED[(l.seed + k) % ACCENTED.length]! : WORDS[(l.seed + k * 3) % WORDS.length]!));
        const text = words.join(' ');
        lines.push(i === 0 ? (p.speaker ? `${p.speaker}: ${text}` : text) : `${l.lead}${text}`);
      });
      for (let b = 0; b < p.blank; b++) lines.push('');
    }
    while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    return { text: (t.bom ? '\ufeff' : '') + lines.join(t.eol) + (t.finalEol ? t.eol : ''), lines: lines.length };
  });

/** Codings of random lines (some past the end, some on blank lines) and random exact spans (some past a line's end). */
const codingsArb = (lines: number) =>
  fc.array(
    fc.oneof(
      fc.record({ start: fc.integer({ min: 1, max: lines + 1 }), length: fc.integer({ min: 0, max: 4 }) }).map((c) => (c.length === 0 ? `${c.start}` : `${c.start}-${c.start + c.length}`)),
      fc.record({ start: fc.integer({ min: 1, max: lines }), length: fc.integer({ min: 0, max: 2 }), a: fc.integer({ min: 1, max: 40 }), b: fc.integer({ min: 1, max: 40 }) }).map((c) => `${c.start}:${c.a}-${c.start + c.length}:${c.length === 0 ? Math.max(c.a, c.b) : c.b}`),
    ),
    { minLength: 1, maxLength: 8 },
  );

const studyArb = fc.array(transcriptArb, { minLength: 1, maxLength: 3 }).chain((ts) => fc.tuple(fc.constant(ts), fc.tuple(...ts.map((t) => codingsArb(t.lines))), fc.tuple(...ts.map((t) => codingsArb(t.lines)))));

function filesOf([ts, x, y]: [Array<{ text: string }>, string[][], string[][]]): Record<string, string> {
  const files: Record<string, string> = {};
  const rows = (spans: string[][], code: string) => ['participant\twave\tlines\tcode\texemplar\tmemo\thash', ...spans.flatMap((list, i) => list.map((s) => `P${i + 1}\tw1\t${s}\t${code}\t\t\t`)), ''].join('\n');
  ts.forEach((t, i) => {
    files[`transcripts/P${i + 1}_w1.txt`] = t.text;
  });
  files['codings/x.tsv'] = rows(x, 't.a');
  files['codings/y.tsv'] = rows(y, 't.b');
  return files;
}

describe('retrieval reads only the coded lines (read-lines.ts): the same results as from the whole text', () => {
  it('random transcripts (CRLF, BOM, accents and emoji, long lines, front matter) and random codings: equal to the whole-text retrieval, every read checked', async () => {
    const calls: Calls = { read: 0, refused: 0, many: 0 };
    await fc.assert(
      fc.asyncProperty(studyArb, async (s) => {
        const root = writeStudy(filesOf(s));
        const expected: Retrieved[] = retrieve(await held(root), {});
        const lazy = (await loadStudy(root, { cache: false })).study!;
        withReaders(lazy, calls);
        const got = retrieve(lazy, {});
        expect(got).toEqual(expected);
        expect(lazy.documents.filter((d) => d.segmentList.holdsText)).toEqual([]);
        // With a speaker filter too (decided before any text is read).
        const participant = retrieve(lazy, { speaker: 'participant' });
        expect(participant).toEqual(expected.filter((r) => r.role === 'participant'));
      }),
      { numRuns: 120 },
    );
    // The partial reads were used (not every call refused), and refused only where the lines are not all in the file.
    expect(calls.read).toBeGreaterThan(100);
    expect(calls.refused).toBeLessThan(calls.read);
    expect(calls.many).toBeGreaterThan(50);
  }, 120_000);

  it("a transcript's codings far apart are read as pieces near each (one for codings close together), the file opened once; nothing else of it read", async () => {
    // 300 lines: a question on each line 4k+1, an answer on 4k+3 (about 40 characters each), blank lines between.
    const lines = Array.from({ length: 300 }, (_, i) => (i % 4 === 0 ? `I: question ${i + 1}?` : i % 4 === 2 ? `P1: answer ${i + 1} with some words in it` : ''));
    const text = lines.join('\n') + '\n';
    const coded = ['3', '7', '3:5-3:10', '151-155', '299'];
    const root = writeStudy({ 'transcripts/P1_w1.txt': text, 'codings/x.tsv': ['participant\twave\tlines\tcode\texemplar\tmemo\thash', ...coded.map((l) => `P1\tw1\t${l}\tt.a\t\t\t`), ''].join('\n') });
    const expected = retrieve(await held(root), {});
    const study = (await loadStudy(root, { cache: false })).study!;
    const doc = study.documents[0]!;
    doc.segmentList.releaseText();
    const path = join(root, doc.file);
    const reader = linesReader(path, statSync(path).size, stampOf(path), 0);
    const asked: Array<Array<[number, number]>> = [];
    const single: Array<[number, number]> = [];
    const spy: LinesReader = (anchor, anchorLine, from, to, hint) => {
      single.push([from, to]);
      return reader(anchor, anchorLine, from, to, hint);
    };
    spy.many = (requests) => {
      asked.push(requests.map((q) => [q.from, q.to]));
      return reader.many!(requests);
    };
    doc.segmentList.linesReader = spy;
    expect(retrieve(study, {})).toEqual(expected);
    // Lines 3 and 7 (and the span on 3) are 4 lines apart: one piece; 151-155 and 299 each their own (the segments they touch: 151-155 holds the answers on 151 and 155).
    expect(asked).toEqual([
      [
        [3, 7],
        [151, 155],
        [299, 299],
      ],
    ]);
    expect(single).toEqual([]);
    expect(doc.segmentList.holdsText).toBe(false);
  });

  it('the reader: lines at the start and the end of the file, CRLF and a BOM, a line far longer than the first read, lines past the end refused', () => {
    const root = writeStudy({});
    const check = (text: string, cases: Array<[anchor: number, anchorLine: number, from: number, to: number, expected: string | undefined]>) => {
      const path = join(root, 'sample.txt');
      writeFileSync(path, text);
      const bytes = readFileSync(path);
      const at = asciiAt(bytes)!;
      const read = linesReader(path, bytes.length, stampOf(path), at);
      for (const [anchor, anchorLine, from, to, expected] of cases) expect(read(anchor, anchorLine, from, to, anchor)?.text, `${JSON.stringify(text.slice(0, 20))} ${anchor}@${anchorLine} ${from}-${to}`).toBe(expected);
      // All of them at once (the file opened once): each the same, refused ones too.
      expect(read.many!(cases.map(([anchor, anchorLine, from, to]) => ({ anchor, anchorLine, from, to, hint: anchor }))).map((r) => r?.text)).toEqual(cases.map((c) => c[4]));
      // The file's stamp changed (the same bytes): every one refused, by one and at once.
      const mtime = statSync(path).mtime;
      utimesSync(path, new Date(), new Date());
      utimesSync(path, mtime, mtime);
      expect(read.many!(cases.map(([anchor, anchorLine, from, to]) => ({ anchor, anchorLine, from, to, hint: anchor })))).toEqual(cases.map(() => undefined));
      for (const [anchor, anchorLine, from, to] of cases) expect(read(anchor, anchorLine, from, to, anchor)).toBeUndefined();
    };
    // Lines: 1 "ab", 2 "cd", 3 "" , 4 "ef" (offsets 0, 3, 6, 7).
    check('ab\ncd\n\nef', [
      [0, 1, 1, 1, 'ab'],
      [4, 2, 1, 2, 'ab\ncd'],
      [4, 2, 2, 4, 'cd\n\nef'],
      [8, 4, 4, 4, 'ef'],
      [8, 4, 4, 5, undefined],
      // An anchor said to be on line 2 at the file's start (line 1): refused.
      [0, 2, 1, 2, undefined],
    ]);
    // A final line break: the line after it is an empty last line.
    check('ab\ncd\n', [
      [3, 2, 2, 3, 'cd\n'],
      [3, 2, 2, 4, undefined],
    ]);
    // CRLF after a BOM: offsets are the text's (after the BOM), line breaks kept as they are.
    check('\ufeffab\r\ncd\r\nef', [
      [0, 1, 1, 2, 'ab\r\ncd\r'],
      [8, 3, 2, 3, 'cd\r\nef'],
    ]);
    const long = 'x'.repeat(5000);
    check(`a\n${long}\nb\n${long}y\nc`, [
      [5003, 3, 1, 3, `a\n${long}\nb`],
      [2, 2, 2, 4, `${long}\nb\n${long}y`],
      [10005, 4, 1, 5, `a\n${long}\nb\n${long}y\nc`],
    ]);
  });

  it('a transcript changed behind the index after the load: an error, as when the whole text is read, or (the same bytes, only its stamp changed) the same results', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? `I: question ${i}?` : i % 4 === 2 ? `P1: answer ${i} with some words` : '')).join('\n');
    const root = writeStudy({ 'transcripts/P1_w1.txt': lines, 'transcripts/P2_w1.txt': lines.replace(/P1:/g, 'P2:'), 'codings/x.tsv': 'participant\twave\tlines\tcode\texemplar\tmemo\thash\nP1\tw1\t3\tt.a\t\t\t\nP2\tw1\t7\tt.a\t\t\t\n' });
    const expected = retrieve(await held(root), {});
    const calls: Calls = { read: 0, refused: 0, many: 0 };
    // Edited to the same size, its mtime put back: only the ctime tells.
    const edited = join(root, 'transcripts', 'P1_w1.txt');
    const lazy = (await loadStudy(root, { cache: false })).study!;
    withReaders(lazy, calls);
    const mtime = statSync(edited).mtime;
    writeFileSync(edited, lines.replace('answer 2 with', 'ANSWER 2 WITH'));
    utimesSync(edited, mtime, mtime);
    expect(() => retrieve(lazy, {})).toThrow(StudyChangedError);
    expect(calls.read).toBe(0);
    // Touched (the same bytes, a new stamp): the reader refuses, the whole text is read and checked by its hash.
    writeFileSync(edited, lines);
    const again = (await loadStudy(root, { cache: false })).study!;
    withReaders(again, calls);
    utimesSync(edited, new Date(), new Date());
    utimesSync(edited, mtime, mtime);
    expect(retrieve(again, {})).toEqual(expected);
    expect(calls.refused).toBeGreaterThan(0);
    expect(calls.read).toBeGreaterThan(0);
  });

  it('the loader gives a reader to plain-text transcripts whose stamp is settled and whose bytes are ASCII (with the index, cold and warm, and without it), and to no other', async () => {
    const ascii = 'I: how was it?\r\n\r\nP1: fine, thanks\r\nreally fine\r\n';
    const root = writeStudy({
      'transcripts/P1_w1.txt': ascii,
      'transcripts/P2_w1.txt': `\ufeff${ascii.replace(/P1/g, 'P2')}`,
      'transcripts/P3_w1.txt': ascii.replace(/P1/g, 'P3').replace('fine, thanks', 'très bien 😀'),
      'codings/x.tsv': 'participant\twave\tlines\tcode\texemplar\tmemo\thash\nP1\tw1\t3-4\tt.a\t\t\t\nP2\tw1\t3\tt.a\t\t\t\nP3\tw1\t3-4\tt.a\t\t\t\nP3\tw1\t3:3-3:6\tt.b\t\t\t\n',
    });
    // Just written: not settled, no reader (the whole text, checked by its hash, is read).
    const fresh = (await loadStudy(root, { cache: false })).study!;
    expect(fresh.documents.map((d) => d.segmentList.linesReader)).toEqual([undefined, undefined, undefined]);
    const expected = retrieve(await held(root), {});
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    for (const cache of [true, true, false]) {
      const study = (await loadStudy(root, { cache })).study!;
      expect(
        study.documents.map((d) => d.segmentList.linesReader !== undefined),
        `cache ${cache}`,
      ).toEqual([true, true, false]);
      expect(retrieve(study, {})).toEqual(expected);
    }
  }, 20_000);
});
