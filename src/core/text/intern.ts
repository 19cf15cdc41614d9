/**
 * A copy of `s` that shares no memory with the string it was sliced from (V8 keeps a slice's whole
 * parent alive: a label or passage kept in a cache or a result would keep its whole transcript).
 * Slicing `s + ' '` makes V8 flatten the concatenation into a new string first: one copy, several
 * times cheaper than a round trip through JSON (tests/unit/own-copy.test.ts checks that nothing of
 * the parent is kept). `(' ' + s).slice(1)` would not do (V8 slices the concatenation's second part,
 * which is `s` itself).
 */
export function ownCopy(s: string): string {
  return (s + ' ').slice(0, -1);
}

/**
 * Distinct strings, looked up by a span of a text (no string made per look-up): an open-addressing
 * table of ids with their hashes. Empty and one-character spans go through a direct table. Used to
 * read delimited files (delimited.ts) and to scan words (coding/autocode.ts).
 */
export class Interner {
  values: string[] = [];
  private slots = new Int32Array(64).fill(-1);
  private hashes = new Int32Array(64);
  private mask = 63;

  /** Ids of the empty field and of one-character fields (by character code), the usual cells of a rating matrix. */
  private empty = -1;
  private single = new Int32Array(65536).fill(-1);

  constructor(private text: string) {}

  /** Look spans up in another text from now on (ids stay). */
  setText(text: string): void {
    this.text = text;
  }

  /** Id of a whole string. */
  intern(s: string): number {
    const keep = this.text;
    this.text = s;
    const id = this.span(0, s.length);
    this.text = keep;
    return id;
  }

  /** Id of text[start, end) with its FNV-1a hash h already computed (a scanner computes it as it goes). */
  spanHashed(start: number, end: number, h: number): number {
    if (end - start <= 1) return this.span(start, end);
    return this.lookup(start, end, h);
  }

  /** Id of text[start, end). */
  span(start: number, end: number): number {
    const text = this.text;
    if (end - start <= 1) {
      if (end === start) return this.empty >= 0 ? this.empty : (this.empty = this.add(start, end, 0));
      const c = text.charCodeAt(start);
      const id = this.single[c]!;
      return id >= 0 ? id : (this.single[c] = this.add(start, end, 0));
    }
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    return this.lookup(start, end, h);
  }

  private lookup(start: number, end: number, h: number): number {
    const text = this.text;
    let slot = h & this.mask;
    for (;;) {
      const id = this.slots[slot]!;
      if (id < 0) break;
      if (this.hashes[id] === h) {
        const v = this.values[id]!;
        if (v.length === end - start) {
          let same = true;
          for (let i = 0; i < v.length; i++) {
            if (v.charCodeAt(i) !== text.charCodeAt(start + i)) {
              same = false;
              break;
            }
          }
          if (same) return id;
        }
      }
      slot = (slot + 1) & this.mask;
    }
    const id = this.add(start, end, h);
    this.slots[slot] = id;
    if (this.values.length * 2 > this.mask) this.grow();
    return id;
  }

  /** A new distinct text (its hash h; the short ones are not in the hash table). */
  private add(start: number, end: number, h: number): number {
    const id = this.values.length;
    this.values.push(this.text.slice(start, end));
    if (id >= this.hashes.length) {
      const grown = new Int32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[id] = h;
    return id;
  }

  private grow(): void {
    const size = (this.mask + 1) * 2;
    this.mask = size - 1;
    this.slots = new Int32Array(size).fill(-1);
    for (let id = 0; id < this.values.length; id++) {
      let slot = this.hashes[id]! & this.mask;
      while (this.slots[slot]! >= 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = id;
    }
  }
}

/**
 * Distinct whole strings numbered in the order first seen, the empty string first (id 0: "none" in
 * a column of ids). `strings[id]` gives each back. For the coding columns (coding/table.ts,
 * refi/coding-columns.ts), whose strings are a few hundred names looked up whole.
 */
export class StringIds {
  readonly strings: string[] = [''];
  private readonly ids = new Map<string, number>([['', 0]]);

  id(s: string): number {
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, i);
    }
    return i;
  }
}
