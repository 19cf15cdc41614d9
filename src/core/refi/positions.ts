import { normalise } from '../coding/place.js';

/**
 * How a REFI-QDA project counts the positions of its text selections, and which way puts a
 * project's selections on their text.
 *
 * The standard (REFI-QDA 1.5, §10.2): positions count the Unicode code points of the source's
 * plain text as stored, from 0, line breaks included (a CRLF is two). Tools differ:
 * - NVivo for Windows counts UTF-16 code units (.NET strings) of the CRLF text: an emoji is two.
 * - ATLAS.ti (and MAXQDA, which QualCoder writes CRLF text for) count a CRLF line break as one
 *   character although the .txt stores two.
 * - a text converted here from a Word document has "\n" breaks where the tool counted "\r\n".
 * - tools that keep the byte order mark of a UTF-8 file count it as the first character.
 * - a few count UTF-8 bytes (Taguette does inside its own database), or give the end position as
 *   the last character rather than just after it.
 * Every such reading is a way to turn (start, end) into a UTF-16 range of the text. The one used
 * for a project is the one under which its selections land on text consistently: most of them
 * have a name that repeats the text at their position (NVivo, ATLAS.ti), or else start and end at
 * word boundaries. Pure: no I/O.
 */
export type Unit = 'codepoint' | 'utf16' | 'utf8';
/** Line breaks: counted as the text stores them; a CRLF as one character; an LF as two (a CRLF). */
export type Breaks = 'stored' | 'crlf-as-one' | 'lf-as-two';

export interface Reading {
  unit: Unit;
  breaks: Breaks;
  /** The byte order mark of the source file counted as the first character. */
  bom: boolean;
  /** The end position is the selection's last character (not the one just after it). */
  endInclusive: boolean;
}

export const STANDARD: Reading = { unit: 'codepoint', breaks: 'stored', bom: false, endInclusive: false };

/** A short, stable name for a reading ("codepoints", "utf16", "codepoints+crlf-as-one+bom"). */
export function readingId(r: Reading): string {
  const parts = [r.unit === 'codepoint' ? 'codepoints' : r.unit === 'utf16' ? 'utf16' : 'utf8-bytes'];
  if (r.breaks !== 'stored') parts.push(r.breaks);
  if (r.bom) parts.push('bom');
  if (r.endInclusive) parts.push('end-inclusive');
  return parts.join('+');
}

/** The reading in words, with the tools known to count that way. */
export function describeReading(r: Reading): string {
  const unit = r.unit === 'codepoint' ? 'Unicode code points' : r.unit === 'utf16' ? 'UTF-16 code units' : 'UTF-8 bytes';
  const breaks = r.breaks === 'stored' ? 'line breaks as stored' : r.breaks === 'crlf-as-one' ? 'each CRLF line break as one character' : 'each line break as two characters (CRLF)';
  const parts = [`${unit}, ${breaks}`];
  if (r.bom) parts.push('the byte order mark counted as the first character');
  if (r.endInclusive) parts.push('the end position on the last character');
  const who = sameReading(r, STANDARD) ? ' (the REFI-QDA standard)' : r.unit === 'utf16' && !r.bom && !r.endInclusive && r.breaks !== 'crlf-as-one' ? ' (as NVivo for Windows counts)' : r.unit === 'codepoint' && r.breaks === 'crlf-as-one' && !r.bom && !r.endInclusive ? ' (as ATLAS.ti and MAXQDA count)' : '';
  return parts.join('; ') + who;
}

export function sameReading(a: Reading, b: Reading): boolean {
  return a.unit === b.unit && a.breaks === b.breaks && a.bom === b.bom && a.endInclusive === b.endInclusive;
}

/** What of a text makes readings differ. */
export interface TextTraits {
  crlf: boolean;
  lf: boolean;
  astral: boolean;
  nonAscii: boolean;
  bom: boolean;
}

export function traitsOf(text: string, bom: boolean): TextTraits {
  return { crlf: text.includes('\r\n'), lf: /(^|[^\r])\n/.test(text), astral: /[\ud800-\udbff][\udc00-\udfff]/.test(text), nonAscii: /[^\u0000-\u007f]/.test(text), bom };
}

/**
 * The readings worth trying for texts with these traits, standard first, then by how common they
 * are. Readings that cannot differ on any of the texts are left out (they would tie).
 */
export function candidateReadings(traits: readonly TextTraits[]): Reading[] {
  const any = (f: (t: TextTraits) => boolean) => traits.some(f);
  const units: Unit[] = ['codepoint'];
  if (any((t) => t.astral)) units.push('utf16');
  if (any((t) => t.nonAscii)) units.push('utf8');
  const breaks: Breaks[] = ['stored'];
  if (any((t) => t.crlf)) breaks.push('crlf-as-one');
  if (any((t) => t.lf)) breaks.push('lf-as-two');
  const out: Reading[] = [];
  for (const endInclusive of [false, true]) for (const bom of any((t) => t.bom) ? [false, true] : [false]) for (const b of breaks) for (const unit of units) out.push({ unit, breaks: b, bom, endInclusive });
  return out;
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * Positions of one reading over one text: unit index → UTF-16 offset of the character starting
 * there (-1 inside a character). Made in one pass over the text.
 */
export class PositionTable {
  private readonly table: Int32Array;
  private readonly lead: number;

  constructor(
    readonly text: string,
    readonly reading: Reading,
  ) {
    const r = reading;
    this.lead = r.bom ? (r.unit === 'utf8' ? 3 : 1) : 0;
    // One pass to count the units, one to fill the table (no allocation per character).
    const cp = r.unit === 'codepoint';
    const u16 = r.unit === 'utf16';
    const one = r.breaks === 'crlf-as-one';
    const lf2 = r.breaks === 'lf-as-two';
    const len = text.length;
    const pass = (table: Int32Array | undefined): number => {
      let u = 0;
      let i = 0;
      while (i < len) {
        const c = text.charCodeAt(i);
        if (table) table[u] = i;
        if (c === 13 && i + 1 < len && text.charCodeAt(i + 1) === 10) {
          if (one) u += 1;
          else {
            if (table) table[u + 1] = i + 1;
            u += 2;
          }
          i += 2;
        } else if (c === 10 && lf2) {
          u += 2;
          i += 1;
        } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < len && isLow(text.charCodeAt(i + 1))) {
          u += cp ? 1 : u16 ? 2 : 4;
          i += 2;
        } else {
          u += cp || u16 ? 1 : c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
          i += 1;
        }
      }
      if (table) table[u] = len;
      return u;
    };
    const n = pass(undefined);
    const table = new Int32Array(n + 1).fill(-1);
    pass(table);
    this.table = table;
  }

  /** Units in the text (the largest valid position), the byte order mark included when counted. */
  get size(): number {
    return this.table.length - 1 + this.lead;
  }

  /** UTF-16 offset of a start position, undefined outside the text or inside a character. */
  start(pos: number): number | undefined {
    const u = pos - this.lead;
    if (!Number.isInteger(u) || u < 0 || u >= this.table.length) return undefined;
    const o = this.table[u]!;
    return o < 0 ? undefined : o;
  }

  /** UTF-16 offset just after a selection that ends at `pos` (exclusive, or the last character when the reading says so). */
  end(pos: number): number | undefined {
    if (!this.reading.endInclusive) return this.start(pos);
    const o = this.start(pos);
    if (o === undefined || o >= this.text.length) return undefined;
    const c = this.text.charCodeAt(o);
    if (isHigh(c) && isLow(this.text.charCodeAt(o + 1))) return o + 2;
    if (c === 13 && this.text.charCodeAt(o + 1) === 10 && this.reading.breaks === 'crlf-as-one') return o + 2;
    return o + 1;
  }
}

/** A selection to place: its positions and, when it has one, its name. */
export interface Selection {
  start: number;
  end: number;
  name?: string;
}

export type Placement = { ok: true; start: number; end: number; byName: boolean; byWords: boolean } | { ok: false; problem: string };

const WORD = /[\p{L}\p{N}\p{M}]/u;
const isWord = (ch: string | undefined): boolean => ch !== undefined && WORD.test(ch);

/** The character (whole code point) before / at a UTF-16 offset. */
function charBefore(text: string, i: number): string | undefined {
  if (i <= 0) return undefined;
  return isLow(text.charCodeAt(i - 1)) && i >= 2 && isHigh(text.charCodeAt(i - 2)) ? text.slice(i - 2, i) : text[i - 1];
}
function charAt(text: string, i: number): string | undefined {
  if (i >= text.length) return undefined;
  return isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1)) ? text.slice(i, i + 2) : text[i];
}

/** A selection's name as comparable text: "…" or "..." at its end (a shortened quotation name) left out. */
export function nameText(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const t = normalise(name)
    .text.trim()
    .replace(/\s*(\.\.\.|…)$/u, '');
  return t.length >= 3 ? t : undefined;
}

/**
 * Where a selection lands under a table: its UTF-16 range with line breaks at either end left out
 * (a span starts and ends on a character of a line), whether its name repeats the text there, and
 * whether it starts and ends at word boundaries.
 */
export function place(table: PositionTable, sel: Selection): Placement {
  const text = table.text;
  let a = table.start(sel.start);
  let b = table.end(sel.end);
  if (a === undefined || b === undefined) {
    if (sel.start > table.size || sel.end > table.size) return { ok: false, problem: `positions ${sel.start}-${sel.end} are past the end of the text (${table.size} ${table.reading.unit === 'utf8' ? 'bytes' : 'characters'})` };
    return { ok: false, problem: `positions ${sel.start}-${sel.end} fall inside a character` };
  }
  while (a < b && (text[a] === '\n' || text[a] === '\r')) a++;
  while (b > a && (text[b - 1] === '\n' || text[b - 1] === '\r')) b--;
  if (b <= a) return { ok: false, problem: `positions ${sel.start}-${sel.end} select no text` };
  const wanted = nameText(sel.name);
  let byName = false;
  if (wanted !== undefined) {
    // Compare the name with as much of the text as it could cover.
    const here = normalise(text, a, Math.min(b, a + wanted.length * 4 + 16)).text.trim();
    byName = here === wanted || (here.startsWith(wanted) && b - a > wanted.length);
  }
  const first = charAt(text, a);
  const last = charBefore(text, b);
  const startsClean = !isWord(first) || !isWord(charBefore(text, a));
  const endsClean = !isWord(last) || !isWord(charAt(text, b));
  return { ok: true, start: a, end: b, byName, byWords: startsClean && endsClean };
}

export interface SourceSelections {
  text: string;
  bom: boolean;
  selections: readonly Selection[];
}

/** Selections a candidate reading is tried on (at most). */
export const SAMPLE = 2000;

export interface ReadingChoice {
  reading: Reading;
  /** Selections with a name that repeats their text, under the chosen reading, and of those with a text-like name. */
  byName: number;
  named: number;
  byWords: number;
  /** Selections tried (all of them, or an even sample of a large project). */
  total: number;
  /** Whether the project's selection names are its texts (then a name that differs is a warning sign). */
  namesAreText: boolean;
  /** The runner-up and how it did, when it did differently. */
  considered: Array<{ reading: Reading; byName: number; byWords: number; valid: number }>;
}

/**
 * The reading under which the project's selections land on their text most consistently: most
 * names repeated, then most word boundaries, then most inside the text; ties go to the standard
 * (then to the order of candidateReadings).
 */
export function chooseReading(all: readonly SourceSelections[], sample = SAMPLE): ReadingChoice {
  const candidates = candidateReadings(all.filter((s) => s.selections.length > 0).map((s) => traitsOf(s.text, s.bom)));
  const total = all.reduce((n, s) => n + s.selections.length, 0);
  // Every candidate is tried on at most `sample` selections, spread evenly over the project (every
  // k-th): enough to tell readings apart, and the choice stays linear in the project's size. The
  // chosen reading then places and verifies every selection (the caller does).
  const step = Math.max(1, Math.ceil(total / sample));
  let k = 0;
  const sources = all.map((s) => ({ text: s.text, bom: s.bom, selections: s.selections.filter(() => k++ % step === 0) }));
  const named = sources.reduce((n, s) => n + s.selections.filter((x) => nameText(x.name) !== undefined).length, 0);
  const scores = candidates.map((reading) => {
    let byName = 0;
    let byWords = 0;
    let valid = 0;
    for (const s of sources) {
      if (s.selections.length === 0) continue;
      const table = new PositionTable(s.text, reading);
      for (const sel of s.selections) {
        const p = place(table, sel);
        if (!p.ok) continue;
        valid++;
        if (p.byName) byName++;
        if (p.byWords) byWords++;
      }
    }
    return { reading, byName, byWords, valid };
  });
  let best = scores[0]!;
  for (const s of scores) if (s.byName > best.byName || (s.byName === best.byName && (s.byWords > best.byWords || (s.byWords === best.byWords && s.valid > best.valid)))) best = s;
  const namesAreText = named > 0 && best.byName * 2 >= named;
  const tried = sources.reduce((n, s) => n + s.selections.length, 0);
  return {
    reading: best.reading,
    byName: best.byName,
    named,
    byWords: best.byWords,
    total: tried,
    namesAreText,
    considered: scores
      .filter((s) => s !== best)
      .sort((x, y) => y.byName - x.byName || y.byWords - x.byWords)
      .slice(0, 3),
  };
}
