/**
 * Array helpers that scale: `target.push(...items)` and `Math.max(...items)` pass every item as a
 * function argument, which overflows the call stack beyond about 120,000 items ("Maximum call
 * stack size exceeded"). These loop instead; use them for anything whose length the data decide.
 */

/** Append `items` to `target` (in place) and return `target`. */
export function append<T>(target: T[], items: Iterable<T>): T[] {
  if (Array.isArray(items)) {
    // An array by index: for-of goes through the iterator protocol until the code is optimised.
    const list = items as readonly T[];
    for (let i = 0; i < list.length; i++) target.push(list[i]!);
    return target;
  }
  for (const x of items) target.push(x);
  return target;
}

/** The largest of `xs` (and of `floor`, when given); -Infinity for none, as Math.max(). */
export function maxOf(xs: Iterable<number>, floor = -Infinity): number {
  let m = floor;
  for (const x of xs) m = Math.max(m, x);
  return m;
}

/** The smallest of `xs` (and of `ceiling`, when given); Infinity for none, as Math.min(). */
export function minOf(xs: Iterable<number>, ceiling = Infinity): number {
  let m = ceiling;
  for (const x of xs) m = Math.min(m, x);
  return m;
}

/** A list of 32-bit integers that grows by doubling: typed-array columns built one value at a time. */
export class Int32List {
  a: Int32Array;
  n = 0;
  constructor(capacity = 1024) {
    this.a = new Int32Array(Math.max(1, capacity));
  }
  push(x: number): void {
    if (this.n === this.a.length) {
      const grown = new Int32Array(this.a.length * 2);
      grown.set(this.a);
      this.a = grown;
    }
    this.a[this.n++] = x;
  }
  /** The values pushed, as an array of their own. */
  done(): Int32Array {
    return this.a.slice(0, this.n);
  }
}

/**
 * A list of non-negative integers (below 2^31) kept in the narrowest of 8, 16 and 32 bits that
 * holds every value pushed so far (widened when a value needs it), growing by doubling: a column
 * of small numbers (term ids, frequencies) built in a half or a quarter of an Int32List's bytes.
 */
export class SmallUintList {
  a: Uint8Array | Uint16Array | Int32Array;
  n = 0;
  private max = 0xff;
  constructor(capacity = 1024) {
    this.a = new Uint8Array(Math.max(1, capacity));
  }
  push(x: number): void {
    if (x > this.max) this.widen(x);
    if (this.n === this.a.length) {
      const grown = new (this.a.constructor as Uint8ArrayConstructor)(this.a.length * 2);
      grown.set(this.a);
      this.a = grown;
    }
    this.a[this.n++] = x;
  }
  private widen(x: number): void {
    const wide = x > 0xffff ? new Int32Array(this.a.length) : new Uint16Array(this.a.length);
    wide.set(this.a.subarray(0, this.n));
    this.a = wide;
    this.max = x > 0xffff ? 0x7fffffff : 0xffff;
  }
  /** The values pushed, as an array of their own (of the list's width). */
  done(): Uint8Array | Uint16Array | Int32Array {
    return this.a.slice(0, this.n);
  }
}

/** A list of numbers (64-bit floats) that grows by doubling. */
export class Float64List {
  a: Float64Array;
  n = 0;
  constructor(capacity = 16) {
    this.a = new Float64Array(Math.max(1, capacity));
  }
  push(x: number): void {
    if (this.n === this.a.length) {
      const grown = new Float64Array(this.a.length * 2);
      grown.set(this.a);
      this.a = grown;
    }
    this.a[this.n++] = x;
  }
}
