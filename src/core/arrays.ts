/**
 * Array helpers that scale: `target.push(...items)` and `Math.max(...items)` pass every item as a
 * function argument, which overflows the call stack beyond about 120,000 items ("Maximum call
 * stack size exceeded"). These loop instead; use them for anything whose length the data decide.
 */

/** Append `items` to `target` (in place) and return `target`. */
export function append<T>(target: T[], items: Iterable<T>): T[] {
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
