import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparable, findText, placeText } from '../../src/core/coding/place.js';
import { reanchorCoding, sellers, similarity } from '../../src/core/coding/reanchor.js';
import { exactText, formatSpan, LineIndex, parseSpan, type SpanFields } from '../../src/core/coding/span.js';
import { formatCodingsFile, parseCodingsFile } from '../../src/core/coding/store.js';
import { spanText, textHash } from '../../src/core/coding/text.js';
import type { Coding } from '../../src/core/coding/types.js';
import { addCodeToText } from '../../src/core/codebook/edit.js';
import { parseCodebookFile } from '../../src/core/codebook/parse.js';

/**
 * Spans: the exact text a coding marks, (line, column) to (line, column), columns in code points,
 * 1-based, end included. Every expected value is counted by hand in the comment beside it.
 */
describe('span syntax', () => {
  it('reads whole lines and exact spans, and refuses what is not one, with why', () => {
    expect(parseSpan('12')).toEqual({ span: { startLine: 12, endLine: 12 } });
    expect(parseSpan('12-14')).toEqual({ span: { startLine: 12, endLine: 14 } });
    expect(parseSpan('12:5-12:40')).toEqual({ span: { startLine: 12, endLine: 12, startColumn: 5, endColumn: 40 } });
    expect(parseSpan('12:5-14:3')).toEqual({ span: { startLine: 12, endLine: 14, startColumn: 5, endColumn: 3 } });
    // One column-less end, an end before the start, column 0, line 0: refused.
    expect(parseSpan('12:5-14')).toEqual({ problem: "'12:5-14' gives a column for one end only: an exact span gives line:column at both ends" });
    expect(parseSpan('12:5')).toMatchObject({ problem: expect.stringContaining('one end only') });
    expect(parseSpan('12:40-12:5')).toEqual({ problem: "'12:40-12:5' ends before it starts" });
    expect(parseSpan('14:1-12:5')).toEqual({ problem: "'14:1-12:5' ends before it starts" });
    expect(parseSpan('14-12')).toEqual({ problem: "'14-12' ends before it starts" });
    expect(parseSpan('12:0-12:3')).toEqual({ problem: "'12:0-12:3' has column 0: columns count from 1" });
    expect(parseSpan('0-3')).toEqual({ problem: "'0-3' starts before line 1" });
    expect(parseSpan('a-b')).toEqual({ problem: "'a-b' is not a line, a line range or a span" });
  });

  it('property: format then parse gives the span back', () => {
    const span = fc
      .tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 400 }), fc.boolean())
      .map(([line, extra, a, b, cols]): SpanFields => (cols ? { startLine: line, endLine: line + extra, startColumn: a, endColumn: extra === 0 ? Math.max(a, b) : b } : { startLine: line, endLine: line + extra }));
    fc.assert(
      fc.property(span, (s) => {
        expect(parseSpan(formatSpan(s))).toEqual({ span: s });
      }),
    );
  });
});

describe('columns are code points of the line without its line break', () => {
  // Line 1: "Café 😀 ok" = C,a,f,é,space,😀,space,o,k: 9 code points (10 UTF-16 units: the emoji is 2).
  // Line 2: "e" + U+0301 (combining acute) + "t": 3 code points (2 graphemes): columns are not graphemes.
  // Line 3: "" (empty). Lines end in CRLF, the last has no line break.
  const text = 'Café 😀 ok\r\ne\u0301t\r\n\r\nlast';
  const index = new LineIndex(text);

  it('counts lines, columns and ranges as an editor shows them', () => {
    expect(index.lineCount).toBe(4);
    expect([1, 2, 3, 4].map((l) => index.columns(l))).toEqual([9, 3, 0, 4]);
    expect(index.line(1)).toBe('Café 😀 ok');
    // Column 6 of line 1 is the emoji (UTF-16 offsets 5 and 6).
    expect(index.range({ startLine: 1, endLine: 1, startColumn: 6, endColumn: 6 })).toEqual({ start: 5, end: 7 });
    expect(exactText(text, 5, 7)).toBe('😀');
    // 1:7-1:9 is " ok" (after the emoji: UTF-16 7..10).
    expect(spanText(index, { startLine: 1, endLine: 1, startColumn: 7, endColumn: 9 })).toBe(' ok');
    // 2:1-2:2 is "e" + the combining accent: two columns for one grapheme.
    expect(spanText(index, { startLine: 2, endLine: 2, startColumn: 1, endColumn: 2 })).toBe('e\u0301');
    // Across lines, the CRLF is one line break, given as "\n": 1:8-2:1 = "ok" + break + "e".
    expect(spanText(index, { startLine: 1, endLine: 2, startColumn: 8, endColumn: 1 })).toBe('ok\ne');
    // Whole lines: each line trimmed, joined with "\n" (what the hash of a whole-line coding has always fingerprinted).
    expect(spanText(index, { startLine: 1, endLine: 2 })).toBe('Café 😀 ok\ne\u0301t');
  });

  it('refuses a span past the end of a line or of the file, with the line length', () => {
    expect(index.range({ startLine: 1, endLine: 1, startColumn: 5, endColumn: 10 })).toEqual({ problem: '1:5-1:10 runs past the end of line 1 (9 characters)' });
    expect(index.range({ startLine: 3, endLine: 4, startColumn: 1, endColumn: 2 })).toEqual({ problem: '3:1-4:2 starts past the end of line 3 (0 characters)' });
    expect(index.range({ startLine: 4, endLine: 5, startColumn: 1, endColumn: 1 })).toEqual({ problem: '4:1-5:1 runs past the end of the file (4 lines)' });
  });

  it('a UTF-16 offset inside a surrogate pair has no position (it is inside one character)', () => {
    expect(index.position(5)).toEqual({ line: 1, column: 6 });
    expect(index.position(6)).toBeUndefined();
    expect(index.position(7)).toEqual({ line: 1, column: 7 });
    expect(index.spanOf(6, 9)).toBeUndefined();
    expect(index.spanOf(5, 7)).toEqual({ startLine: 1, endLine: 1, startColumn: 6, endColumn: 6 });
  });

  it('property: offsets and (line, column) convert both ways on random text with CRLF, emoji and accents', () => {
    const piece = fc.constantFrom('a', 'Z', ' ', 'é', 'e\u0301', '😀', '𝄞', '\n', '\r\n', '\t', '’');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (parts) => {
        const t = parts.join('');
        const ix = new LineIndex(t);
        // Code-point boundaries that are characters of a line (not line breaks).
        const starts: number[] = [];
        for (let i = 0; i < t.length; ) {
          const cp = t.codePointAt(i)!;
          const w = cp > 0xffff ? 2 : 1;
          if (t[i] !== '\n' && !(t[i] === '\r' && t[i + 1] === '\n')) starts.push(i);
          i += w;
        }
        for (const off of starts) {
          const p = ix.position(off)!;
          expect(p).toBeDefined();
          expect(ix.offset(p.line, p.column)).toBe(off);
          // The column counts the code points before it on its line.
          expect(p.column).toBe([...t.slice(ix.starts[p.line - 1]!, off)].length + 1);
        }
        for (let l = 1; l <= ix.lineCount; l++) expect(ix.columns(l)).toBe([...ix.line(l)].length);
        // Any range from a character to a character: its span gives the same range back.
        for (let k = 0; k + 1 < starts.length; k += 3) {
          const a = starts[k]!;
          const last = starts[Math.min(starts.length - 1, k + 4)]!;
          const b = last + (t.codePointAt(last)! > 0xffff ? 2 : 1);
          const span = ix.spanOf(a, b)!;
          expect(span).toBeDefined();
          expect(ix.range(span)).toEqual({ start: a, end: b });
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('columns of a text without surrogates (every UTF-16 unit a character: counted without a scan of the line)', () => {
  it('property: columns, offsets and ranges as [...line] counts them, on text of the Basic Multilingual Plane only (accents, combining marks, CJK, CRLF), and the same text with an emoji added on its last line', () => {
    const piece = fc.constantFrom('a', 'Z', ' ', 'é', 'e\u0301', '中', '\n', '\r\n', '\t', '’', '\ufeff');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.boolean(), (parts, emoji) => {
        const t = parts.join('') + (emoji ? ' 😀x' : '');
        const ix = new LineIndex(t);
        for (let l = 1; l <= ix.lineCount; l++) {
          const line = ix.line(l);
          const n = [...line].length;
          expect(ix.columns(l)).toBe(n);
          // Each column's offset: the code points before it.
          for (let c = 1; c <= n + 1; c++) expect(ix.offset(l, c)).toBe(ix.starts[l - 1]! + [...line].slice(0, c - 1).join('').length);
          expect(ix.offset(l, n + 2)).toBeUndefined();
          if (n > 0) expect(ix.range({ startLine: l, endLine: l, startColumn: 1, endColumn: n })).toEqual({ start: ix.starts[l - 1], end: ix.ends[l - 1] });
          expect('problem' in ix.range({ startLine: l, endLine: l, startColumn: 1, endColumn: n + 1 })).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('codings file: sub-line spans round-trip, overlapping codings with different memos are two codings', () => {
  const c = (o: Partial<Coding>): Coding => ({ coder: 'ann', participant: 'P1', wave: 'w1', startLine: 3, endLine: 3, code: 't.a', exemplar: false, ...o });
  it('writes the span form, sorted (whole lines before a span on the same line), and reads it back exactly', () => {
    const list = [c({ startColumn: 9, endColumn: 20, memo: 'second' }), c({ startColumn: 5, endColumn: 12, memo: 'first' }), c({}), c({ startLine: 3, endLine: 5, startColumn: 2, endColumn: 1 })];
    const text = formatCodingsFile(list, ['w1']);
    expect(text).toBe(['participant\twave\tlines\tcode\texemplar\tmemo\thash', 'P1\tw1\t3\tt.a\t\t\t', 'P1\tw1\t3:2-5:1\tt.a\t\t\t', 'P1\tw1\t3:5-3:12\tt.a\t\tfirst\t', 'P1\tw1\t3:9-3:20\tt.a\t\tsecond\t', ''].join('\n'));
    const back = parseCodingsFile('codings/ann.tsv', text, 'ann');
    expect(back.diagnostics).toEqual([]);
    expect(back.codings.map((x) => `${formatSpan(x)} ${x.memo ?? ''}`)).toEqual(['3 ', '3:2-5:1 ', '3:5-3:12 first', '3:9-3:20 second']);
  });

  it('a bad span is a file:line error', () => {
    const { diagnostics } = parseCodingsFile('codings/ann.tsv', 'participant\twave\tlines\tcode\nP1\tw1\t3:9-3:2\tt.a\nP1\tw1\t3:0-3:2\tt.a\nP1\tw1\t3:2-4\tt.a\n', 'ann');
    expect(diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`)).toEqual([
      "codings/ann.tsv:2: lines '3:9-3:2' ends before it starts",
      "codings/ann.tsv:3: lines '3:0-3:2' has column 0: columns count from 1",
      "codings/ann.tsv:4: lines '3:2-4' gives a column for one end only: an exact span gives line:column at both ends",
    ]);
  });
});

describe('placing by text: whitespace- and quote-style-insensitive, everything else exact', () => {
  const text = 'P1: I said “don’t worry”,\r\n  and   it was fine.\nP1: It was fine, really. It was fine.';
  const index = new LineIndex(text);
  it('finds the words across a line break and a curly/straight quote difference', () => {
    expect(comparable('  "don\'t   worry", and it ')).toBe('"don\'t worry", and it');
    const placed = placeText(index, '"don\'t worry", and it was', { startLine: 1, endLine: 2 });
    // “ is column 12 of line 1 ("P1: I said " is 11 characters); "was" ends at column 14 of line 2
    // ("  and   it was": 2 spaces, and, 3 spaces, it, a space, was = 2 + 3 + 3 + 2 + 1 + 3 = 14).
    expect(placed).toEqual({ span: { startLine: 1, endLine: 2, startColumn: 12, endColumn: 14 } });
    expect(spanText(index, (placed as { span: SpanFields }).span)).toBe('“don’t worry”,\n  and   it was');
  });
  it('not found, or found twice without lines to choose: refused, saying where', () => {
    expect(placeText(index, 'It was fine')).toMatchObject({ problem: 'the text "It was fine" occurs 2 times in the transcript (3:5-3:15, 3:26-3:36)' });
    expect(findText(text, 'was fine')).toHaveLength(3);
    expect(placeText(index, 'it was fin.', { startLine: 2, endLine: 2 })).toMatchObject({ problem: 'the text "it was fin." is not in line 2' });
    expect(placeText(index, 'It was fine, really', { startLine: 3, endLine: 3 })).toEqual({ span: { startLine: 3, endLine: 3, startColumn: 5, endColumn: 23 } });
  });
});

describe('re-anchoring (core)', () => {
  const before = ['P1: The first answer is here.', '', 'P1: I fixed the tpyo in this sentence.', '', 'P1: Same words.', '', 'P1: Same words.'].join('\n');
  // Two lines added at the top, the typo fixed; "Same words." still twice.
  const after = ['I: Hello', '', ...['P1: The first answer is here.', '', 'P1: I fixed the typo in this sentence.', '', 'P1: Same words.', '', 'P1: Same words.']].join('\n');
  const old = new LineIndex(before);
  const now = new LineIndex(after);
  const coding = (span: SpanFields, index = old): Coding => ({ coder: 'ann', participant: 'P1', wave: 'w1', ...span, code: 't.a', exemplar: false, hash: textHash(spanText(index, span)!) });

  it('moves exactly, fuzzily above the threshold, and uses the unchanged text after the edits to choose between equal places', () => {
    expect(reanchorCoding(coding({ startLine: 1, endLine: 1, startColumn: 5, endColumn: 13 }), now, [old])).toEqual({ kind: 'exact', span: { startLine: 3, endLine: 3, startColumn: 5, endColumn: 13 } });
    const fixed = reanchorCoding(coding({ startLine: 3, endLine: 3, startColumn: 5, endColumn: 38 }), now, [old]);
    // "I fixed the tpyo in this sentence." is 34 characters (1+1+5+1+3+1+4+1+2+1+4+1+9); tpyo -> typo is 2 substitutions: 1 - 2/34.
    expect(fixed).toEqual({ kind: 'fuzzy', span: { startLine: 5, endLine: 5, startColumn: 5, endColumn: 38 }, similarity: 1 - 2 / 34 });
    // "Same words." at old line 7 lies after the last edit: shifted by the 10 characters added.
    expect(reanchorCoding(coding({ startLine: 7, endLine: 7, startColumn: 5, endColumn: 15 }), now, [old])).toEqual({ kind: 'exact', span: { startLine: 9, endLine: 9, startColumn: 5, endColumn: 15 } });
    // Whole lines, exactly and fuzzily.
    expect(reanchorCoding(coding({ startLine: 1, endLine: 1 }), now, [old])).toEqual({ kind: 'exact', span: { startLine: 3, endLine: 3 } });
    expect(reanchorCoding(coding({ startLine: 3, endLine: 3 }), now, [old])).toMatchObject({ kind: 'fuzzy', span: { startLine: 5, endLine: 5 } });
  });

  it('leaves alone what it cannot place: no earlier text and two places; too different', () => {
    // Without the earlier text: the same shape shifted by lines, where the hash matches: two places for "Same words.".
    expect(reanchorCoding(coding({ startLine: 5, endLine: 5, startColumn: 5, endColumn: 15 }), now, [])).toMatchObject({ kind: 'unplaced', reason: expect.stringContaining('now in 2 places') });
    const gone = new LineIndex(after.replace('I fixed the typo in this sentence.', 'Something else entirely, nothing alike.'));
    expect(reanchorCoding(coding({ startLine: 3, endLine: 3, startColumn: 5, endColumn: 38 }), gone, [old])).toMatchObject({ kind: 'unplaced', reason: expect.stringContaining('below 80%') });
  });

  it('Sellers: the best approximate occurrence and whether a second place is as close', () => {
    // "kitten" in "a sitting kitten": exact at 10..16.
    expect(sellers('kitten', 'a sitting kitten', 0.8)).toEqual({ start: 10, end: 16, similarity: 1, others: 0 });
    // "abcde" twice with one change each: both at 80%: the best is the first, one other.
    expect(sellers('abcde', 'xxabXdexxabcYexx', 0.8)).toMatchObject({ similarity: 0.8, others: 1 });
    expect(similarity('kitten', 'sitting')).toBeCloseTo(1 - 3 / 7, 12);
  });
});

describe('codebook add: a text edit that keeps the rest of the file', () => {
  const file = ['# my codebook', 'title: T', 'codes:', '  - id: t', '    label: Theme  # the first', '    children:', '      - id: t.a', '        label: A', '', '  # the second theme', '  - id: u', '    label: U', ''].join('\n');
  it('as the last child, as a new child list, and as a theme; comments and blank lines kept byte for byte', () => {
    const child = addCodeToText(file, { id: 't.b', label: 'B: two', parent: 't' })!;
    expect(child).toBe(file.replace('        label: A\n', '        label: A\n      - id: t.b\n        label: "B: two"\n'));
    const made = addCodeToText(file, { id: 'u.x', label: 'X', parent: 'u' })!;
    expect(made).toBe(file.replace('    label: U\n', '    label: U\n    children:\n      - id: u.x\n        label: X\n'));
    const theme = addCodeToText(file, { id: 'v', label: 'V' })!;
    expect(theme).toBe(`${file}  - id: v\n    label: V\n`);
    for (const t of [child, made, theme]) expect(parseCodebookFile('c.yaml', t).diagnostics).toEqual([]);
    expect(addCodeToText('title: T\ncodes: [{ id: t, label: T }]\n', { id: 'v', label: 'V' })).toBeUndefined();
  });
});
