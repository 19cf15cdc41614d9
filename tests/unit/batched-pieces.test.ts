import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batched } from '../../src/cli/context.js';

// A listing's pieces (a passage or a row each) are joined into writes of about 2^16 characters.
// What must hold: the bytes written are those of the pieces written one by one, each encoded to
// UTF-8 on its own (a lone half of a surrogate pair becomes U+FFFD, EF BF BD, in its own piece).
const bytesApart = (xs: Iterable<string>) => Buffer.concat([...xs].map((x) => Buffer.from(x, 'utf8')));

describe('pieces of output joined into larger writes', () => {
  it('joins small pieces up to the size, and starts a new run before a piece that would pass it', () => {
    expect([...batched(['ab', 'cd', 'e'], 4)]).toEqual(['abcd', 'e']);
    expect([...batched(['abc', 'de'], 4)]).toEqual(['abc', 'de']);
    // A piece longer than the size alone goes on its own.
    expect([...batched(['a', 'bcdefg', 'h'], 4)]).toEqual(['a', 'bcdefg', 'h']);
    // Empty pieces are nothing (the unbatched loop skips them too).
    expect([...batched(['', 'a', '', 'b', ''], 4)]).toEqual(['ab']);
    expect([...batched([], 4)]).toEqual([]);
  });

  it('never joins a lone high surrogate to a lone low surrogate in the next piece', () => {
    // '\uD83D' then '\uDE00': written apart they are two U+FFFD (6 bytes); joined they would be
    // one emoji (4 bytes, F0 9F 98 80): other bytes.
    const pieces = ['x\uD83D', '\uDE00y'];
    expect([...batched(pieces, 100)]).toEqual(pieces);
    expect(bytesApart(batched(pieces, 100))).toEqual(Buffer.from([0x78, 0xef, 0xbf, 0xbd, 0xef, 0xbf, 0xbd, 0x79]));
    // Whole pairs inside pieces, and a high half followed by anything else, are joined as usual.
    expect([...batched(['😀', 'é😀', '\uD83Dz'], 100)]).toEqual(['😀é😀\uD83Dz']);
  });

  it('the same bytes as the pieces written one by one (any pieces, any size)', () => {
    const unit = fc.oneof(fc.constantFrom('a', 'é', '😀', '\uD83D', '\uDE00', '\n', '\r\n', '\u0000', '🇫🇷'), fc.string({ unit: 'binary', maxLength: 3 }));
    const piece = fc.array(unit, { maxLength: 6 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), fc.integer({ min: 1, max: 30 }), (pieces, size) => {
        const runs = [...batched(pieces, size)];
        expect(bytesApart(runs).equals(bytesApart(pieces))).toBe(true);
        expect(runs.join('')).toBe(pieces.join(''));
        // Each run is one piece, or pieces together within the size; none empty.
        for (const r of runs) expect(r.length > 0).toBe(true);
        const nonEmpty = pieces.filter((p) => p !== '');
        let i = 0;
        for (const r of runs) {
          let joined = nonEmpty[i++]!;
          while (joined.length < r.length) joined += nonEmpty[i++]!;
          expect(joined).toBe(r);
          if (r !== nonEmpty[i - 1] || joined.length !== r.length) expect(r.length).toBeLessThanOrEqual(size);
        }
        expect(i).toBe(nonEmpty.length);
      }),
      { numRuns: 2000 },
    );
  });
});
