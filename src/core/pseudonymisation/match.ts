import type { Key } from './key.js';

/**
 * Finding the key's names in a text, and what replacing them does to positions in it.
 *
 * Matching rules (README "Pseudonymisation"):
 * - whole words: a name is not replaced inside a longer word (letters, combining marks and digits
 *   of any script are word characters, so "Ana" is not found in "Anatole" or "Ana\u0301"; `_`, `-`
 *   and `'` are not, so "Sofia_pre", "Sofia-like" and "Sofia's" hold Sofia);
 * - the spelling of the key, or the same in capitals ("SOFIA:" in a label); capitals get the
 *   pseudonym in capitals. Other cases and accents ("sofia", "Sofía") are not replaced but listed
 *   (variants), because a lower-case name is often a word ("rose", "will", "may");
 * - composed or decomposed accents alike (a Mac writes "é" as e + U+0301): the text is matched in
 *   either form and never renormalised;
 * - a space in a name matches any run of spaces or tabs (not a line break);
 * - longest first: "Sofia Marquez" is one name, not "Sofia" and then a leftover "Marquez";
 * - one pass, left to right: a pseudonym is never matched again.
 */
export interface Replacement {
  /** UTF-16 range [start, end) of the name in the original text. */
  start: number;
  end: number;
  /** What it becomes. */
  text: string;
  /** Index of the key row in `key.entries`. */
  entry: number;
}

/** A name of the key written differently (another case, other accents): found, not replaced. */
export interface Variant {
  start: number;
  end: number;
  entry: number;
}

const SPACE = '[\\t\\p{Zs}]+';
const BEFORE = '(?<![\\p{L}\\p{M}\\p{N}])';
const AFTER = '(?![\\p{L}\\p{M}\\p{N}])';

/** Escaped for a pattern with the u flag (which refuses escapes of characters that need none, such as -). */
function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** Collapse runs of spaces and tabs and compose accents: the form a found name is looked up by. */
function lookupForm(s: string): string {
  return s.replace(/[\t\p{Zs}]+/gu, ' ').normalize('NFC');
}

/** Letters without their accents, in lower case: "Sofía" → "sofia". */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

// Precomposed Latin letters by their base letter: "i" → "íìîïĩīĭįǐȉȋỉị…" (both cases; the loose
// pattern is case-insensitive anyway).
let accented: Map<string, string> | undefined;
function accentedForms(): Map<string, string> {
  if (accented) return accented;
  accented = new Map();
  for (const [lo, hi] of [
    [0xc0, 0x24f],
    [0x1e00, 0x1eff],
  ] as const) {
    for (let cp = lo; cp <= hi; cp++) {
      const ch = String.fromCodePoint(cp);
      const base = fold(ch);
      if (base.length !== 1 || base === ch.toLowerCase()) continue;
      accented.set(base, (accented.get(base) ?? '') + ch);
    }
  }
  return accented;
}

function spellingPattern(s: string): string {
  return s
    .split(/[\t\p{Zs}]+/u)
    .map((part) => escapeRegex(part))
    .join(SPACE);
}

function loosePattern(name: string): string {
  const forms = accentedForms();
  return fold(name)
    .split(/[\t\p{Zs}]+/u)
    .map((part) =>
      [...part]
        .map((c) => {
          const more = forms.get(c);
          return more ? `[${escapeRegex(c)}${more}]\\p{M}*` : `${escapeRegex(c)}\\p{M}*`;
        })
        .join(''),
    )
    .join(SPACE);
}

/** Longest spelling first, then by code points: the alternation then prefers the longer name. */
function byLength(a: string, b: string): number {
  return b.length - a.length || (a < b ? -1 : a > b ? 1 : 0);
}

export class KeyMatcher {
  private readonly exact: RegExp;
  private readonly loose: RegExp;
  /** Lookup form of every spelling matched → key row, and whether it is the row's name in capitals. */
  private readonly spellings = new Map<string, { entry: number; capitals: boolean }>();

  constructor(readonly key: Key) {
    const sources = new Set<string>();
    // The rows' own spellings first, so that a row written in capitals wins over another row's capitals.
    key.entries.forEach((e, i) => {
      const form = lookupForm(e.name);
      if (!this.spellings.has(form)) this.spellings.set(form, { entry: i, capitals: false });
    });
    key.entries.forEach((e, i) => {
      const caps = lookupForm(e.name.toUpperCase());
      if (!this.spellings.has(caps)) this.spellings.set(caps, { entry: i, capitals: true });
    });
    for (const form of this.spellings.keys()) {
      sources.add(form);
      sources.add(form.normalize('NFD'));
    }
    const alternatives = [...sources].sort(byLength).map(spellingPattern);
    this.exact = new RegExp(`${BEFORE}(?:${alternatives.join('|')})${AFTER}`, 'gu');
    const loose = [...new Set(key.entries.map((e) => loosePattern(e.name)))].sort(byLength);
    this.loose = new RegExp(`${BEFORE}(?:${loose.join('|')})${AFTER}`, 'giu');
  }

  /** Every name of the key in `text`, left to right, not overlapping. */
  find(text: string): Replacement[] {
    const out: Replacement[] = [];
    this.exact.lastIndex = 0;
    for (let m = this.exact.exec(text); m; m = this.exact.exec(text)) {
      const hit = this.spellings.get(lookupForm(m[0]));
      if (!hit) throw new Error('internal: a matched name is not in the key');
      const p = this.key.entries[hit.entry]!.pseudonym;
      out.push({ start: m.index, end: m.index + m[0].length, text: hit.capitals ? p.toUpperCase() : p, entry: hit.entry });
    }
    return out;
  }

  /**
   * Names of the key written another way (case, accents) that `find` does not replace: for the
   * analyst to review (and to add to the key as rows of their own). `found` is what `find` gave.
   */
  variants(text: string, found: readonly Replacement[]): Variant[] {
    const out: Variant[] = [];
    let k = 0;
    this.loose.lastIndex = 0;
    for (let m = this.loose.exec(text); m; m = this.loose.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      while (k < found.length && found[k]!.end <= start) k++;
      // Inside (or overlapping) a name that is replaced: not a variant.
      if (k < found.length && found[k]!.start < end) continue;
      const f = fold(lookupForm(m[0]));
      const entry = this.key.entries.findIndex((e) => fold(lookupForm(e.name)) === f);
      out.push({ start, end, entry: entry < 0 ? 0 : entry });
    }
    return out;
  }

  /** The text with every name replaced. */
  replace(text: string): string {
    return applyReplacements(text, this.find(text));
  }
}

/** The text with the replacements (sorted, not overlapping) made. */
export function applyReplacements(text: string, reps: readonly Replacement[]): string {
  if (reps.length === 0) return text;
  const parts: string[] = [];
  let at = 0;
  for (const r of reps) {
    parts.push(text.slice(at, r.start), r.text);
    at = r.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/**
 * Positions in the text before the replacements → positions after them. A position outside every
 * replaced name moves by what the names before it grew or shrank; a position strictly inside a
 * name (a span that starts or ends in the middle of it) goes to the start of the pseudonym for a
 * span's start and to its end for a span's end, so the span then holds the whole pseudonym: `cut`.
 */
export class OffsetMap {
  /** Sum of the length changes of the replacements before replacement i. */
  private readonly before: Float64Array;

  constructor(private readonly reps: readonly Replacement[]) {
    this.before = new Float64Array(reps.length + 1);
    for (let i = 0; i < reps.length; i++) this.before[i + 1] = this.before[i]! + reps[i]!.text.length - (reps[i]!.end - reps[i]!.start);
  }

  map(offset: number, side: 'start' | 'end'): { offset: number; cut: boolean } {
    // Replacements that end at or before the offset.
    let lo = 0;
    let hi = this.reps.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.reps[mid]!.end <= offset) lo = mid + 1;
      else hi = mid;
    }
    const shifted = offset + this.before[lo]!;
    const r = this.reps[lo];
    if (r && r.start < offset) {
      const newStart = r.start + this.before[lo]!;
      return { offset: side === 'start' ? newStart : newStart + r.text.length, cut: true };
    }
    return { offset: shifted, cut: false };
  }

  /** Whether [start, end) starts or ends inside a replaced name. */
  cuts(start: number, end: number): boolean {
    return this.map(start, 'start').cut || this.map(end, 'end').cut;
  }
}

/** The text of [start, end) with the replacements inside it made (those it holds whole). */
export function replacedWithin(text: string, reps: readonly Replacement[], start: number, end: number): string {
  return applyReplacements(
    text.slice(start, end),
    reps.filter((r) => r.start >= start && r.end <= end).map((r) => ({ ...r, start: r.start - start, end: r.end - start })),
  );
}
