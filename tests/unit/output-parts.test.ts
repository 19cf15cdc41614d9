import { describe, expect, it } from 'vitest';
import { parts } from '../../src/cli/context.js';

// A long text is written in parts of 2^20 characters (UTF-16 code units), never between the two
// halves of a surrogate pair: each part encodes to UTF-8 on its own, and the parts' bytes joined
// must be the text's bytes (an emoji cut in two would be two U+FFFD instead).
const PART = 1 << 20;
const bytes = (xs: Iterable<string>) => Buffer.concat([...xs].map((x) => Buffer.from(x, 'utf8')));

describe('parts of a long output text', () => {
  it('a short text is one part, itself', () => {
    expect([...parts('abc')]).toEqual(['abc']);
    const exact = 'x'.repeat(PART);
    expect([...parts(exact)]).toEqual([exact]);
  });

  it('cuts every 2^20 code units', () => {
    const text = 'ab'.repeat(PART) + 'c'; // 2^21 + 1 units: parts of 2^20, 2^20 and 1
    const got = [...parts(text)];
    expect(got.map((p) => p.length)).toEqual([PART, PART, 1]);
    expect(got.join('')).toBe(text);
  });

  it('never between the halves of a surrogate pair', () => {
    // '😀' is two code units (U+D83D U+DE00); its high half at unit 2^20 - 1 would be cut from its low half.
    const text = 'a'.repeat(PART - 1) + '😀' + 'é'.repeat(10);
    const got = [...parts(text)];
    expect(got.map((p) => p.length)).toEqual([PART - 1, 2 + 10]);
    expect(got[1]!.startsWith('😀')).toBe(true);
    expect(bytes(got).equals(Buffer.from(text, 'utf8'))).toBe(true);
    // The pair just before the cut (ending at unit 2^20) is whole: cut right after it.
    const before = 'a'.repeat(PART - 2) + '😀' + 'b';
    expect([...parts(before)].map((p) => p.length)).toEqual([PART, 1]);
    expect(bytes(parts(before)).equals(Buffer.from(before, 'utf8'))).toBe(true);
  });

  it('the bytes of any text cut so are its bytes (emoji everywhere)', () => {
    const text = '😀x'.repeat(PART) + 'ü'; // pairs at every alignment around the cuts
    expect(bytes(parts(text)).equals(Buffer.from(text, 'utf8'))).toBe(true);
  });
});
