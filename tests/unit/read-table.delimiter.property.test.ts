import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectDelimiter, detectDelimiterBytes } from '../../src/core/format/read-table.js';
import { decodeText, isUtf8WithoutBom } from '../../src/core/text/decode.js';

// agree --matrix asks these of the file's bytes before (and, for the distinct rows, instead of)
// decoding it: each must answer as decodeText and detectDelimiter of the decoded text answer.

/** Header-like text: the delimiters, quotes, line ends and spaces among letters, accents, a BOM's character and astral ones. */
const piece = fc.constantFrom(',', ';', '\t', '"', '\n', '\r', '\r\n', ' ', 'a', 'coder', 'é', 'ü', '\uFEFF', '😀', '中', '1', '');
const text = fc.oneof(
  fc.array(piece, { maxLength: 40 }).map((xs) => xs.join('')),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

describe('detectDelimiterBytes', () => {
  it('is detectDelimiter of the decoded text, for UTF-8 without a byte order mark', () => {
    fc.assert(
      fc.property(text, (s) => {
        const bytes = new TextEncoder().encode(s);
        fc.pre(isUtf8WithoutBom(bytes));
        const decoded = decodeText(bytes, 'm.csv');
        if (!decoded.ok) throw new Error('not decoded');
        expect(detectDelimiterBytes(bytes)).toBe(detectDelimiter(decoded.text));
      }),
      { numRuns: 3000 },
    );
  });

  it('counts by hand: the most used of tab, semicolon, comma on the first line outside quotes; comma on a tie or none', () => {
    const at = (s: string) => detectDelimiterBytes(new TextEncoder().encode(s));
    expect(at('a;b;c,d\n1,2,3,4,5')).toBe(';');
    expect(at('a\tb,c\n')).toBe(','); // one each: the comma
    expect(at('a\tb\tc;d;e')).toBe('\t');
    expect(at('a;b\tc')).toBe('\t'); // tied tab and semicolon: the tab (detectDelimiter's order)
    expect(at('"a;b;c",d')).toBe(',');
    expect(at('x')).toBe(',');
    expect(at('a,b\r;;;;')).toBe(',');
  });
});

describe('isUtf8WithoutBom', () => {
  it('says whether decodeText decodes the bytes and finds no byte order mark', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 12 }),
      text.map((s) => new TextEncoder().encode(s)),
      fc.tuple(fc.constantFrom([0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff], [0xef, 0xbb], []), fc.uint8Array({ max: 0x7f, maxLength: 8 })).map(([head, rest]) => Uint8Array.from([...head, ...rest])),
    );
    fc.assert(
      fc.property(bytes, (b) => {
        const decoded = decodeText(b, 'm.csv');
        expect(isUtf8WithoutBom(b)).toBe(decoded.ok && !decoded.bom);
      }),
      { numRuns: 3000 },
    );
  });

  it('by hand: a UTF-8 mark, a UTF-16 mark and a Latin-1 byte are refused; ASCII and accents are taken', () => {
    expect(isUtf8WithoutBom(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61]))).toBe(false);
    expect(isUtf8WithoutBom(Uint8Array.from([0xff, 0xfe, 0x61, 0x00]))).toBe(false);
    expect(isUtf8WithoutBom(Uint8Array.from([0x61, 0xe9, 0x62]))).toBe(false);
    expect(isUtf8WithoutBom(Uint8Array.from([0x61, 0xc3, 0xa9]))).toBe(true);
    expect(isUtf8WithoutBom(new Uint8Array(0))).toBe(true);
  });
});
