import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { append, maxOf, minOf, SmallUintList } from '../../src/core/arrays.js';

describe('array helpers that do not spread into arguments', () => {
  it('append 300,000 items (push(...items) overflows the stack beyond ~125,000)', () => {
    const items = Array.from({ length: 300_000 }, (_, i) => i);
    expect(() => [].push(...(items as never[]))).toThrow(RangeError);
    const out = append([-1], items);
    expect(out).toHaveLength(300_001);
    expect(out[0]).toBe(-1);
    expect(out.at(-1)).toBe(299_999);
  });

  it('append takes any iterable, and an array with holes as for-of reads it (undefined for a hole)', () => {
    expect(append(['a'], new Set(['b', 'c']))).toEqual(['a', 'b', 'c']);
    expect(append([0], new Map([[1, 2]]).keys())).toEqual([0, 1]);
    const holey = new Array<number | undefined>(3);
    holey[0] = 1;
    holey[2] = 3;
    const out = append<number | undefined>([], holey);
    expect(out).toHaveLength(3);
    expect(1 in out).toBe(true);
    expect(out[1]).toBeUndefined();
  });

  it('maxOf and minOf agree with Math.max and Math.min, NaN and the empty case included', () => {
    for (const xs of [[], [3], [1, 5, 2], [-0, 0], [2, NaN, 1], [-Infinity]]) {
      expect(maxOf(xs)).toBe(Math.max(...xs));
      expect(minOf(xs)).toBe(Math.min(...xs));
      expect(maxOf(xs, 4)).toBe(Math.max(...xs, 4));
      expect(minOf(xs, 0)).toBe(Math.min(...xs, 0));
    }
    const big = Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 300_007);
    expect(maxOf(big)).toBe(big.reduce((a, b) => (b > a ? b : a)));
    expect(minOf(big)).toBe(0);
  });

  it('SmallUintList gives back the values pushed, in 8 bits while all are below 256, 16 while below 65,536, else 32', () => {
    const value = fc.oneof(fc.integer({ min: 0, max: 0xff }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0x7fffffff }));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 3000 }), fc.integer({ min: 1, max: 64 }), (xs, capacity) => {
        const list = new SmallUintList(capacity);
        for (const x of xs) list.push(x);
        const out = list.done();
        expect(list.n).toBe(xs.length);
        expect(Array.from(out)).toEqual(xs);
        const max = xs.reduce((a, b) => (b > a ? b : a), 0);
        expect(out.constructor).toBe(max <= 0xff ? Uint8Array : max <= 0xffff ? Uint16Array : Int32Array);
      }),
    );
    // Widened at the boundaries, the earlier values kept.
    const l = new SmallUintList(2);
    for (const x of [255, 0, 256, 65535, 65536, 1]) l.push(x);
    expect(l.done()).toEqual(Int32Array.from([255, 0, 256, 65535, 65536, 1]));
  });
});
