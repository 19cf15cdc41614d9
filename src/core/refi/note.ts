import { createHash } from 'node:crypto';

/**
 * What qualwave knows that REFI-QDA has no element for, kept in the standard's own extension
 * point: a project note (a Note, referenced from the Project) named "qualwave", whose text is this
 * JSON. Other tools show it as a memo and keep or drop it; qualwave reads it back on import.
 *
 * - `study`: title, waves with their labels, the attribution template, transcript name patterns,
 *   the codebook title (used whenever the study is rebuilt from the project).
 * - `files`: qualwave's own files as they were (qualwave.yaml, participants.csv, the codebooks,
 *   finished-transcript lists), each with a digest of what of the project came from it. On import
 *   a file is given back as it was only when that part of the project is unchanged (nobody edited
 *   the codes, the cases, ... in another tool); otherwise it is rebuilt from the project.
 * - `sources`: per source GUID its transcript file, participant, wave, byte order mark.
 * - `selections`: per selection GUID what a selection cannot say: that the coding was whole lines
 *   (and which), its hash and exemplar flag, with the positions it was exported at (used only while
 *   the selection is still there).
 */
export const NOTE_NAME = 'qualwave';
export const NOTE_VERSION = 1;

export interface StudyNote {
  qualwave: number;
  study: {
    title: string;
    waves: Array<{ id: string; label: string }>;
    attribution?: string;
    names?: string[];
    codebookTitle?: string;
  };
  files: Array<{ path: string; text: string; of: string; digest: string }>;
  sources: Record<string, { file: string; participant: string; wave: string; bom?: boolean }>;
  selections: Record<string, { start: number; end: number; lines?: string; hash?: string; exemplar?: boolean }>;
}

export function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** What the note says of one selection (as written by export; a hand-edited note may hold anything). */
export interface NoteSelection {
  start: number;
  end: number;
  lines?: string;
  hash?: string;
  exemplar?: boolean;
}

/** The note's selections, by GUID: the value JSON.parse gives the note's `selections[guid]` (an own member), or undefined. */
export interface NoteSelections {
  get(guid: string): NoteSelection | undefined;
}

/** A note as import reads it: its selections looked up one at a time (see readNote). */
export type ReadNote = Omit<StudyNote, 'selections'> & { selections: NoteSelections };

/**
 * The note's JSON, or undefined (with why) when the text is not one. Its `selections` (one entry
 * per coding: ~700,000 at 3,000 documents, ~100 MB as objects) are not made objects: where the
 * note ends with them, as export writes it, they are indexed where they lie in the text and each
 * is parsed when asked for (selectionIndex); otherwise the note is parsed whole. Either way every
 * lookup gives what the whole parse gives.
 */
export function readNote(text: string | undefined, keep?: KeepText): { note?: ReadNote; problem?: string } {
  if (!text) return {};
  let v: unknown;
  let selections: NoteSelections | undefined;
  try {
    const split = splitSelections(text, keep);
    if (split) {
      v = split.rest;
      selections = split.selections;
    } else v = JSON.parse(text);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    return { problem: 'its qualwave note is not readable JSON (edited in another tool?): rebuilt from the project' };
  }
  const n = v as Partial<StudyNote>;
  if (!n || typeof n !== 'object' || n.qualwave !== NOTE_VERSION || typeof n.study !== 'object' || !Array.isArray(n.files) || typeof n.sources !== 'object' || (!selections && typeof n.selections !== 'object')) {
    return { problem: `its qualwave note is not one this version reads (version ${String(n?.qualwave)}): rebuilt from the project` };
  }
  if (!selections) {
    const all = n.selections as unknown as Record<string, NoteSelection>;
    selections = { get: (guid) => (Object.hasOwn(all, guid) ? all[guid] : undefined) };
  }
  return { note: { ...(n as Omit<StudyNote, 'selections'>), selections } };
}

const KEY = '"selections":';
/**
 * The entries are checked (JSON.parse) a run of about this many UTF-16 units at a time (an entry is
 * never split). Each check parses a string made for it: kept below V8's 128 KB for an object in
 * its young generation (at most 64 KB, two bytes a unit), that string is garbage the next
 * scavenge takes. Runs of 4,096 entries (~530 KB each at 3,000 documents) went to the
 * large-object space, which only a full collection empties: about 85 MB of them piled up and made
 * the peak of `import` (535,732 KiB at 3,000 documents).
 */
export const RUN = 1 << 15;
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * A note whose last member is `"selections":{...}` whose entries are all objects without objects
 * or arrays in them (as export writes it): the rest of the note as its own JSON text (the same
 * object without that member), and the selections indexed in place. Undefined when the note is not
 * that shape or any part of it is not valid JSON (then it is parsed whole, as before, and says
 * what is wrong). A JSON object is valid when its members are: the rest is parsed (and given),
 * the selections by parsing their entries (a run at a time), and the commas and braces between
 * by the scan here.
 */
export function splitSelections(text: string, keep?: KeepText): { rest: Record<string, unknown>; selections: NoteSelections } | undefined {
  const at = text.lastIndexOf(KEY);
  if (at < 0) return undefined;
  // Before the member: a comma after the previous member, or the opening brace (selections the only member).
  let b = at - 1;
  while (b >= 0 && isSpace(text.charCodeAt(b))) b--;
  const before = text.charCodeAt(b);
  if (before !== 0x2c /* , */ && before !== 0x7b /* { */) return undefined;
  // A comma follows a member: `{,"selections":…}` is not JSON (without its comma the rest would be).
  if (before === 0x2c) {
    let c = b - 1;
    while (c >= 0 && isSpace(text.charCodeAt(c))) c--;
    if (text.charCodeAt(c) === 0x7b || text.charCodeAt(c) === 0x2c) return undefined;
  }
  // The rest must be an object's text (so `at` is a member of the root object, not inside a string or a deeper value).
  let parsed: Record<string, unknown>;
  try {
    const r: unknown = JSON.parse(`${text.slice(0, before === 0x2c ? b : b + 1)}}`);
    if (!r || typeof r !== 'object' || Array.isArray(r)) return undefined;
    parsed = r as Record<string, unknown>;
  } catch (e) {
    if (e instanceof SyntaxError) return undefined;
    throw e;
  }
  let i = at + KEY.length;
  while (isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 0x7b) return undefined;
  i++;
  // Per entry: where its quoted key starts and ends, and where its value does (after the colon).
  // (Four numbers per entry in one typed array, grown by doubling: ~700,000 entries at 3,000
  // documents, where four arrays of numbers had held 32 MB and their copies.)
  let spans = new Int32Array(4 * 1024);
  let n = 0;
  let runFrom = -1;
  const check = (to: number): boolean => {
    if (runFrom < 0) return true;
    try {
      JSON.parse(`{${text.slice(runFrom, to)}}`);
    } catch (e) {
      if (e instanceof SyntaxError) return false;
      throw e;
    }
    runFrom = -1;
    return true;
  };
  while (isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) === 0x7d /* } */) i++;
  else
    for (;;) {
      while (isSpace(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) !== 0x22 /* " */) return undefined;
      const ka = i;
      i++;
      for (;;) {
        const c = text.charCodeAt(i);
        if (Number.isNaN(c)) return undefined;
        if (c === 0x5c /* \ */) i += 2;
        else if (c === 0x22) break;
        else i++;
      }
      i++;
      const ke = i;
      while (isSpace(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) !== 0x3a /* : */) return undefined;
      i++;
      while (isSpace(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) !== 0x7b) return undefined;
      const va = i;
      i++;
      // The value's closing brace: the first "}" outside its strings (no object or array inside it).
      let inString = false;
      for (;;) {
        const c = text.charCodeAt(i);
        if (Number.isNaN(c)) return undefined;
        if (inString) {
          if (c === 0x5c) i++;
          else if (c === 0x22) inString = false;
        } else if (c === 0x22) inString = true;
        else if (c === 0x7b || c === 0x5b /* [ */) return undefined;
        else if (c === 0x7d) break;
        i++;
      }
      i++;
      if (4 * n === spans.length) {
        const grown = new Int32Array(2 * spans.length);
        grown.set(spans);
        spans = grown;
      }
      spans[4 * n] = ka;
      spans[4 * n + 1] = ke;
      spans[4 * n + 2] = va;
      spans[4 * n + 3] = i;
      n++;
      if (runFrom < 0) runFrom = ka;
      if (i - runFrom >= RUN && !check(i)) return undefined;
      while (isSpace(text.charCodeAt(i))) i++;
      const sep = text.charCodeAt(i);
      i++;
      if (sep === 0x7d) break;
      if (sep !== 0x2c) return undefined;
    }
  if (!check(n > 0 ? spans[4 * n - 1]! : 0)) return undefined;
  // Then the root object's closing brace, and nothing but white space.
  while (isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 0x7d) return undefined;
  i++;
  while (isSpace(text.charCodeAt(i))) i++;
  if (i !== text.length) return undefined;
  // Up to 2^21 entries: each entry as (hash of its key) * 2^21 + its number, sorted (exact in a double).
  if (n >= 1 << 21) return undefined;
  const index: SelectionIndex = { text, order: new Float64Array(n), spans: spans.subarray(0, 4 * n) };
  for (let k = 0; k < n; k++) index.order[k] = hashOf(keyIn(index, k)) * (1 << 21) + k;
  index.order.sort();
  // Looked up from here on in the kept text (the text itself let go: ~55 MB at 3,000 documents).
  if (keep) index.text = keep(text);
  return { rest: parsed, selections: lookUpIn(index) };
}

/**
 * The selections of an index. (A function of its own: a closure made in splitSelections would hold
 * that function's whole scope, the note's text with it, which the index lets go when it keeps it.)
 */
function lookUpIn(index: SelectionIndex): NoteSelections {
  return { get: (guid) => lookUp(index, guid) };
}

/**
 * A text kept another way (compressed, by the I/O layer) while its parts are looked up: `slice`
 * gives what the text's own slice gives, for 0 <= a <= b <= its length.
 */
export interface KeptText {
  slice(a: number, b: number): string;
}

/** How a text is kept (given the text, which the caller then lets go). */
export type KeepText = (text: string) => KeptText;

/** Where a note's selections lie in its text (splitSelections), each entry's key hash and number sorted in `order`. */
interface SelectionIndex {
  text: KeptText;
  order: Float64Array;
  /** Per entry k: where its key starts and ends, and its value (spans[4k] to spans[4k + 3]). */
  spans: Int32Array;
}

/** Entry k's key, as JSON.parse reads it. */
function keyIn(x: SelectionIndex, k: number): string {
  const raw = x.text.slice(x.spans[4 * k]!, x.spans[4 * k + 1]!);
  return raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
}

/** The value of the last entry keyed `guid` (the one JSON.parse keeps), parsed now; undefined when none is. */
function lookUp(x: SelectionIndex, guid: string): NoteSelection | undefined {
  const h = hashOf(guid) * (1 << 21);
  const n = x.order.length;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x.order[mid]! < h) lo = mid + 1;
    else hi = mid;
  }
  let found = -1;
  for (let m = lo; m < n && x.order[m]! < h + (1 << 21); m++) {
    const k = x.order[m]! - h;
    if (k > found && keyIn(x, k) === guid) found = k;
  }
  return found < 0 ? undefined : (JSON.parse(x.text.slice(x.spans[4 * found + 2]!, x.spans[4 * found + 3]!)) as NoteSelection);
}

/** FNV-1a of a string's UTF-16 units (32 bits, unsigned). */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
