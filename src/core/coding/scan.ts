/**
 * Word scanning without making a string per word: tokens are found by a character loop and looked
 * up in an open-addressing table keyed by a hash of their lower-cased characters; a string is made
 * only the first time a word is seen. Same words as `tokenize` (autocode.ts), checked by a
 * property test. Used by auto-coding, where every word of the study is looked up.
 */
export function isWordChar(c: number): boolean {
  if (c < 0x80) return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  if (c <= 0xbf) return false;
  if (c === 0xd7 || c === 0xf7 || c === 0x1680 || c === 0xfeff) return false;
  if (c >= 0x2000 && c <= 0x206f) return false;
  if (c >= 0x3000 && c <= 0x303f) return false;
  return true;
}

export class WordTable<V> {
  private keys: Array<string | undefined>;
  private hashes: Int32Array;
  private values: V[];
  private size = 0;

  constructor(
    private readonly make: (word: string) => V,
    capacity = 1 << 12,
  ) {
    this.keys = new Array<string | undefined>(capacity);
    this.hashes = new Int32Array(capacity);
    this.values = new Array<V>(capacity);
  }

  /** The value for the word text[start, end), lower-cased; made with `make` the first time. */
  get(text: string, start: number, end: number): V {
    let h = 0x811c9dc5 | 0;
    let ascii = true;
    for (let i = start; i < end; i++) {
      let c = text.charCodeAt(i);
      if (c >= 0x41 && c <= 0x5a) c += 32;
      else if (c >= 0x80) ascii = false;
      h = Math.imul(h ^ c, 0x01000193);
    }
    if (!ascii) {
      // Lower-casing beyond ASCII can change a word's length: hash the lower-cased string.
      const word = text.slice(start, end).toLowerCase();
      return this.getString(word);
    }
    const mask = this.keys.length - 1;
    const len = end - start;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const k = this.keys[p];
      if (k === undefined) return this.insert(p, h, text.slice(start, end).toLowerCase());
      if (this.hashes[p] === h && k.length === len && sameLower(k, text, start)) return this.values[p]!;
    }
  }

  private getString(word: string): V {
    let h = 0x811c9dc5 | 0;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
    const mask = this.keys.length - 1;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const k = this.keys[p];
      if (k === undefined) return this.insert(p, h, word);
      if (this.hashes[p] === h && k === word) return this.values[p]!;
    }
  }

  private insert(p: number, h: number, word: string): V {
    const v = this.make(word);
    this.keys[p] = word;
    this.hashes[p] = h;
    this.values[p] = v;
    if (++this.size * 2 > this.keys.length) this.grow();
    return v;
  }

  private grow(): void {
    const keys = this.keys;
    const hashes = this.hashes;
    const values = this.values;
    this.keys = new Array<string | undefined>(keys.length * 2);
    this.hashes = new Int32Array(keys.length * 2);
    this.values = new Array<V>(keys.length * 2);
    const mask = this.keys.length - 1;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k === undefined) continue;
      let p = hashes[i]! & mask;
      while (this.keys[p] !== undefined) p = (p + 1) & mask;
      this.keys[p] = k;
      this.hashes[p] = hashes[i]!;
      this.values[p] = values[i]!;
    }
  }
}

function sameLower(word: string, text: string, start: number): boolean {
  for (let i = 0; i < word.length; i++) {
    let c = text.charCodeAt(start + i);
    if (c >= 0x41 && c <= 0x5a) c += 32;
    if (c !== word.charCodeAt(i)) return false;
  }
  return true;
}

/** Token boundaries of a text, into reusable arrays: starts[k], ends[k] for k < count. */
export class Tokens {
  starts = new Int32Array(256);
  ends = new Int32Array(256);
  count = 0;

  scan(text: string): void {
    this.count = 0;
    let start = -1;
    for (let i = 0; i <= text.length; i++) {
      const word = i < text.length && isWordChar(text.charCodeAt(i));
      if (word && start < 0) start = i;
      else if (!word && start >= 0) {
        if (this.count === this.starts.length) {
          const s = new Int32Array(this.count * 2);
          s.set(this.starts);
          this.starts = s;
          const e = new Int32Array(this.count * 2);
          e.set(this.ends);
          this.ends = e;
        }
        this.starts[this.count] = start;
        this.ends[this.count] = i;
        this.count++;
        start = -1;
      }
    }
  }
}
