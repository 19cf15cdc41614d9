import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { naturalCompare } from '../../src/core/text/sort.js';
import { naturalCompareBefore } from '../helpers/natural-compare-before.js';

describe('naturalCompare (in place) against the version that listed the runs', () => {
  // Ids, digits with leading zeros and past 2^53, surrogate halves, emoji, accents, empty.
  const unit = fc.constantFrom('0', '1', '2', '9', '00', '007', '12345678901234567890', 'P', 'p', 'MS', '_', '-', ' ', '.', 'é', 'e\u0301', '😀', '\ud800', '\udfff', '\n', '\u0660');
  const id = fc.array(unit, { maxLength: 7 }).map((u) => u.join(''));
  it('gives the same number for any two strings (not only its sign)', () => {
    fc.assert(
      fc.property(id, id, (a, b) => {
        expect(naturalCompare(a, b)).toBe(naturalCompareBefore(a, b));
        expect(naturalCompare(b, a)).toBe(naturalCompareBefore(b, a));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }), (a, b) => {
        expect(naturalCompare(a, b)).toBe(naturalCompareBefore(a, b));
      }),
      { numRuns: 2000 },
    );
  });
  it('hand cases: P2 < P10, MS07 < MS10, 7 < 007 (same value, shorter first), a < a1', () => {
    expect(naturalCompare('P2', 'P10')).toBe(-8);
    expect(naturalCompare('MS07', 'MS10')).toBe(-3);
    expect(naturalCompare('7', '007')).toBe(-2);
    expect(naturalCompare('a', 'a1')).toBe(-1);
    expect(naturalCompare('', 'x1y')).toBe(-3);
    expect(naturalCompare('b', 'a10')).toBe(1);
    expect(naturalCompare('x', 'x')).toBe(0);
  });
});
