import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wrapText } from '../../src/core/format/wrap.js';
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
