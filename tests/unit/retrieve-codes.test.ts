import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codingsOf } from '../../src/core/coding/retrieve.js';

/** The straightforward version: every coding's code tested, in the part's order. */
function oracle(strings: readonly string[], code: Uint32Array, codes: ReadonlySet<string>): number[] {
  const out: number[] = [];
  for (let i = 0; i < code.length; i++) if (codes.has(strings[code[i]!]!)) out.push(i);
  return out;
}

describe('codingsOf: the codings of a few codes found by searching the columns', () => {
  it('are those whose code is asked for, in increasing order (strings repeated in the table, codes absent, none asked)', () => {
    const name = fc.constantFrom('', 't', 't.a', 't.b', 'T.a', 'Zoë', 'Ma\u0301ria', '😀.x', 'w1', 'P1');
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 200 }), fc.uniqueArray(name, { maxLength: 4 }), (strings, picks, asked) => {
        const code = Uint32Array.from(picks.map((k) => k % strings.length));
        const codes = new Set(asked);
        expect(codingsOf({ strings, code }, codes)).toEqual(oracle(strings, code, codes));
      }),
      { numRuns: 1000 },
    );
  });

  it('a hand case: codes t.a and t.b, the table holding t.a twice', () => {
    // strings: 0 '', 1 't.a', 2 't.b', 3 'x', 4 't.a' again; codings' codes: x t.a t.b t.a(4) x t.b
    const p = { strings: ['', 't.a', 't.b', 'x', 't.a'], code: Uint32Array.from([3, 1, 2, 4, 3, 2]) };
    expect(codingsOf(p, new Set(['t.a', 't.b']))).toEqual([1, 2, 3, 5]);
    expect(codingsOf(p, new Set(['t.b']))).toEqual([2, 5]);
    expect(codingsOf(p, new Set(['nope']))).toEqual([]);
    expect(codingsOf(p, new Set())).toEqual([]);
  });
});
