import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderPassages } from '../../src/core/format/passages.js';
import { wrapText } from '../../src/core/format/wrap.js';
import type { Passage } from '../../src/core/coding/retrieve.js';
import * as before from '../helpers/wrap-before.js';

/**
 * wrapText's path for text below U+0300 (each line a slice of the text, no split into words): the
 * same lines as the wrap before it (tests/helpers/wrap-before.ts) for any text and width, the
 * characters either side of U+0300, every kind of white space, CRLF, emoji and wide characters
 * among them (those take the general path, which must agree too).
 */

/** Characters a wrap has to tell apart: letters, each white space `\s` matches below U+0300 and a few above, Latin-1 and the edge of U+0300, combining marks, wide characters, emoji. */
const CHARS = ['a', 'b', 'Z', '-', '.', ' ', ' ', ' ', '  ', '\t', '\r', '\n', '\r\n', '\v', '\f', '\u00a0', '\u0085', 'é', 'ü', 'ÿ', '\u02ff', '\u0300', 'e\u0301', '\u2003', '\u3000', '\ufeff', '中', '文', '😀', '👩‍⚕️', 'ｱ'];
const ASCII = ['a', 'b', 'c', 'w', 'o', 'r', 'd', ' ', ' ', ' ', ' ', '  ', '\n', '\t'];

const textArb = (alphabet: string[]) => fc.array(fc.constantFrom(...alphabet), { maxLength: 120 }).map((cs) => cs.join(''));

describe('wrapText: the plain path gives the lines of the wrap before it', () => {
  it('hand-computed: one space apart, several spaces and tabs, no-break space, a word longer than the width, blank lines, CRLF', () => {
    expect(wrapText('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    // White space of any kind and length between words is one space in the line.
    expect(wrapText('aaa  \t bbb\u00a0ccc', 11)).toEqual(['aaa bbb ccc']);
    expect(wrapText('  lead and trail  ', 20)).toEqual(['lead and trail']);
    // 12 letters at width 5: 5 + 5 + 2, and what follows goes on with the rest.
    expect(wrapText('x abcdefghijkl y', 5)).toEqual(['x', 'abcde', 'fghij', 'kl y']);
    expect(wrapText('abcdefghij', 5)).toEqual(['abcde', 'fghij']);
    expect(wrapText('one\n\ntwo\n', 10)).toEqual(['one', '', 'two', '']);
    // CR before LF is white space at the end of its paragraph.
    expect(wrapText('café au lait\r\nnaïve', 8)).toEqual(['café au', 'lait', 'naïve']);
    expect(wrapText('', 10)).toEqual(['']);
    expect(wrapText('a b', 0)).toEqual(['a', 'b']);
    // Words one space apart: each line ends at the last space within the width; exactly the width fits.
    expect(wrapText('aa bb cc dd', 5)).toEqual(['aa bb', 'cc dd']);
    expect(wrapText('aa bb cc dd', 4)).toEqual(['aa', 'bb', 'cc', 'dd']);
    expect(wrapText('ab abcdefgh c', 3)).toEqual(['ab', 'abc', 'def', 'gh', 'c']);
    expect(wrapText('abcdefg hi', 3)).toEqual(['abc', 'def', 'g', 'hi']);
    expect(wrapText('x\n\nyy zz\n', 2)).toEqual(['x', '', 'yy', 'zz', '']);
  });

  it('hand-computed: at or above U+0300 (combining accent, emoji, wide characters), the general path', () => {
    // e + combining acute is one column: "cafe\u0301 ok" is 7 columns.
    expect(wrapText('cafe\u0301 ok', 7)).toEqual(['cafe\u0301 ok']);
    expect(wrapText('Café 😀 ok', 9)).toEqual(['Café 😀', 'ok']);
    expect(wrapText('日本 語', 6)).toEqual(['日本', '語']);
    // U+3000 (ideographic space) splits words there, not below U+0300.
    expect(wrapText('a\u3000b', 10)).toEqual(['a b']);
  });

  it('random text of letters and spaces, widths 1-30: the same lines', () => {
    fc.assert(
      fc.property(textArb(ASCII), fc.integer({ min: -1, max: 30 }), (text, width) => {
        expect(wrapText(text, width)).toEqual(before.wrapText(text, width));
      }),
      { numRuns: 3000 },
    );
  });

  it('random words one space apart in paragraphs (the path that breaks at the last space within the width), widths 1-30: the same lines', () => {
    const word = fc.array(fc.constantFrom('a', 'b', 'é', 'x', '-', ','), { minLength: 1, maxLength: 14 }).map((cs) => cs.join(''));
    const para = fc.array(word, { maxLength: 20 }).map((ws) => ws.join(' '));
    fc.assert(
      fc.property(fc.array(para, { minLength: 1, maxLength: 4 }), fc.integer({ min: -1, max: 30 }), (paras, width) => {
        const text = paras.join('\n');
        expect(wrapText(text, width)).toEqual(before.wrapText(text, width));
      }),
      { numRuns: 3000 },
    );
  });

  it('random text of every kind of character and white space, widths 1-12: the same lines', () => {
    fc.assert(
      fc.property(textArb(CHARS), fc.integer({ min: 1, max: 12 }), (text, width) => {
        expect(wrapText(text, width)).toEqual(before.wrapText(text, width));
      }),
      { numRuns: 3000 },
    );
  });

  it('random text below U+0300 (Latin-1 and all its white space), widths 1-12: the same lines', () => {
    fc.assert(
      fc.property(textArb(CHARS.filter((c) => [...c].every((ch) => ch.charCodeAt(0) < 0x300))), fc.integer({ min: 1, max: 12 }), (text, width) => {
        expect(wrapText(text, width)).toEqual(before.wrapText(text, width));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('renderPassages: the same text as before (its entries made as one string each)', () => {
  it('random passages (texts of every kind of character, empty and multi-line, control sequences, long attributions), widths 20-100, with and without a style', () => {
    const passage = fc.record({
      file: fc.constantFrom('transcripts/P1_pre.txt', 'transcripts/a-very-long-file-name-for-one-participant_4-month.txt'),
      lines: fc.constantFrom('3', '3-5', '3:2-4:7'),
      attribution: fc.oneof(textArb(CHARS), fc.constant('(P1, pre interview)'), fc.constant('\x1b[31m(P1)\x1b[0m')),
      text: fc.oneof(textArb(CHARS), textArb(ASCII), fc.constant(''), fc.constant('line one\n\nline \x1b]0;title\x07two')),
      codes: fc.array(fc.record({ code: fc.constantFrom('t.a', 'theme3.code4', 'x'), coders: fc.array(fc.record({ coder: fc.constantFrom('a', 'ben'), exemplar: fc.boolean() }), { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 3 }),
    });
    const styled = { bold: (x: string) => `<b>${x}</b>`, dim: (x: string) => `<d>${x}</d>` };
    fc.assert(
      fc.property(
        fc.array(
          passage.map((p): Passage => ({ ...p, participant: 'P1', wave: 'pre' })),
          { maxLength: 4 },
        ),
        fc.integer({ min: 20, max: 100 }),
        fc.boolean(),
        (list, width, style) => {
          const opts = style ? { width, style: styled } : { width };
          expect(renderPassages(list, opts)).toBe(before.renderPassages(list, opts));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
