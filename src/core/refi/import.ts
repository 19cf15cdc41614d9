import { Buffer, isUtf8 } from 'node:buffer';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { EXIT, QualwaveError } from '../errors.js';
import { stringify as yamlStringify } from 'yaml';
import { LineIndex, formatSpan, parseSpan, type SpanFields } from '../coding/span.js';
import { spanHash } from '../coding/text.js';
import { codingKey, type Coding } from '../coding/types.js';
import { decodeCharRefs, restoreCarriageReturns } from '../format/escape.js';
import { readDescription } from './description.js';
import { slug } from './ids.js';
import { digest, NOTE_NAME, readNote, type KeepText, type ReadNote } from './note.js';
import { chooseReading, describeReading, PositionTable, place, readingId, STANDARD, type ReadingChoice, type Selection } from './positions.js';
import { CodingColumns } from './coding-columns.js';
import { emptyReport, type ImportPlan, type PlannedTranscript, type UnverifiedCoding } from './plan.js';

export type { ImportPlan, ImportReport } from './plan.js';

/**
 * A REFI-QDA project (its .qde XML, with the texts of its sources read and converted by the
 * caller) as a qualwave study to write: transcripts, participants with attributes, a codebook, each
 * user's codings as exact spans, verified against their text. Pure: the caller reads the archive and
 * writes the files. Everything not carried over is counted by kind; every coding that cannot be
 * shown to sit on its text is listed.
 */
export type Mapping = { from: 'case' } | { from: 'variable'; name: string } | { from: 'pattern'; pattern: string };

/** A project or codebook that cannot be imported as it is; nothing was written. */
export class ImportError extends QualwaveError {
  constructor(message: string) {
    super(message, EXIT.badInput, 'nothing was written');
  }
}

type El = Record<string, unknown>;

const ARRAYS = new Set([
  'User',
  'Code',
  'Variable',
  'Case',
  'VariableValue',
  'SourceRef',
  'TextSource',
  'PictureSource',
  'PDFSource',
  'AudioSource',
  'VideoSource',
  'PlainTextSelection',
  'PDFSelection',
  'Coding',
  'Note',
  'Link',
  'Set',
  'Graph',
  'CodeRef',
  'SelectionRef',
  'NoteRef',
  'MemberCode',
  'MemberSource',
  'MemberNote',
  'Representation',
]);

const list = (x: unknown): El[] => (Array.isArray(x) ? (x as El[]) : x === undefined || x === null || x === '' ? [] : [x as El]);
const attr = (e: El | undefined, name: string): string | undefined => {
  const v = e?.[`@_${name}`];
  return v === undefined ? undefined : String(v);
};
const textOf = (x: unknown): string | undefined => (x === undefined || x === null ? undefined : typeof x === 'object' ? String((x as El)['#text'] ?? '') : String(x));
const lower = (s: string | undefined): string => (s ?? '').toLowerCase().replace(/^\{|\}$/g, '');

/** Deepest element nesting accepted (a REFI-QDA project nests codes a few levels; 200 is plenty). */
const MAX_DEPTH = 200;

/** Line and column (1-based) of the end of a text. */
function endOf(text: string): { line: number; col: number } {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, col: text.length - last };
}

export function parseXml(xml: string, what: string): El {
  checkXml(xml, what);
  return parseTree(decodeCharRefs(xml), what);
}

/** Refuse a document that declares a DTD or entities, or that is not well-formed XML (said where, and whether it looks cut short). */
function checkXml(xml: string, what: string): void {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new ImportError(`${what}: declares a DTD or entities, which qualwave does not read (they could pull in outside files or expand without end)`);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { line, col } = endOf(xml);
    const open = /^Invalid '\[(.*)\]' found/s.exec(valid.err.msg)?.[1]?.replace(/["\s]/g, '').split(',').filter(Boolean);
    const unclosed = /^Unclosed tag '([^']+)'/.exec(valid.err.msg)?.[1];
    const nearEnd = valid.err.line === line || (valid.err.line === line - 1 && xml.slice(xml.lastIndexOf('\n', xml.length - 2) + 1).trim() === '');
    if (open?.length || unclosed || (nearEnd && /closing|unclosed|expected/i.test(valid.err.msg))) {
      const still = open?.length ? ` (still open: <${open.join('> <')}>)` : unclosed ? ` (<${unclosed}> is never closed)` : '';
      throw new ImportError(`${what}:${line}:${col}: the file ends before its XML does${still}: it is probably cut short (an interrupted download or copy); export it again`);
    }
    throw new ImportError(`${what}:${valid.err.line}:${valid.err.col}: malformed XML: ${valid.err.msg}`);
  }
}

/** A checked document (its character references decoded) as a tree, by fast-xml-parser. */
function parseTree(xml: string, what: string): El {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', removeNSPrefix: true, parseTagValue: false, parseAttributeValue: false, trimValues: false, isArray: (name) => ARRAYS.has(name), processEntities: true, htmlEntities: false, maxNestedTags: MAX_DEPTH });
  try {
    // Character references (&#233;, &#xD;&#xA;) are text like any other: decoded before parsing.
    return restoreAll(parser.parse(xml)) as El;
  } catch (e) {
    if (/nested/i.test((e as Error).message)) throw new ImportError(`${what}: elements nested more than ${MAX_DEPTH} deep: not a REFI-QDA project (or a hostile one)`);
    throw new ImportError(`${what}: cannot read the XML: ${(e as Error).message}`);
  }
}

/**
 * Where the <TextSource> children of <Project><Sources> lie in a well-formed document (checked by
 * checkXml, its character references decoded: the same markup), so that the parser can read them
 * one at a time: [start, end) of each, in order. Undefined where the document is not that simple
 * shape (then it is parsed whole): not one <Project> root holding one <Sources>, or nested deeper
 * than a real project is (the parser's own depth limit then applies to the whole). Every "<"
 * outside a comment, CDATA section or processing instruction begins a tag in well-formed XML (a
 * "<" in text or in an attribute value is always escaped); a start tag ends at the first ">"
 * outside its quoted attribute values.
 */
export function textSourceRanges(xml: string): Array<[number, number]> | undefined {
  return textSourcePieces(xml)?.map((p) => p.at);
}

/** Texts longer than this (UTF-16 units) are decoded in pieces (see longTextsOf). */
export const LONG_TEXT = 1 << 18;

/** A <TextSource> of Project > Sources: where it lies, and where its own <PlainTextSelection> children lie (each [start, end)). */
export interface TextSourcePiece {
  at: [number, number];
  selections: Array<[number, number]>;
}

/**
 * textSourceRanges with, for each text source, the ranges of its <PlainTextSelection> children
 * (the elements directly inside it: the same scan, one level further), in order.
 */
export function textSourcePieces(xml: string, longTexts?: Array<[number, number]>, long = LONG_TEXT): TextSourcePiece[] | undefined {
  return scanPieces(stringDoc(xml), longTexts, long);
}

/**
 * A document as the scan (scanPieces) and parseProject read it: a string (positions in UTF-16
 * units) or its UTF-8 bytes (positions in bytes; every position the scan gives lies at an ASCII
 * character, so each slice decodes exactly).
 */
interface Doc {
  readonly length: number;
  /** The unit (or byte) at i; NaN past the end. */
  code(i: number): number;
  /** The first s at or after `from`; given `to`, one that begins after `to` may be given as -1 (nothing past it is read). */
  indexOf(s: string, from: number, to?: number): number;
  startsWith(s: string, at: number): boolean;
  includes(s: string): boolean;
  slice(a: number, b: number): string;
  /** The first `"`, `'` or `>` at or after `from`, -1 when there is none. */
  tagChar(from: number): number;
  /** Whether its slices are strings of their own (a string's slices can be views into it). */
  readonly fresh: boolean;
}

function stringDoc(xml: string): Doc {
  const inTag = /["'>]/g;
  return {
    length: xml.length,
    code: (i) => xml.charCodeAt(i),
    indexOf: (s, from) => xml.indexOf(s, from),
    startsWith: (s, at) => xml.startsWith(s, at),
    includes: (s) => xml.includes(s),
    slice: (a, b) => xml.slice(a, b),
    tagChar: (from) => {
      inTag.lastIndex = from;
      return inTag.exec(xml)?.index ?? -1;
    },
    fresh: false,
  };
}

/**
 * A document's bytes in blocks, as the I/O layer holds a big one (each block kept compressed, given
 * back when asked): every block `size` bytes but the last, `length` in all.
 */
export interface ByteBlocks {
  readonly length: number;
  readonly size: number;
  block(k: number): Uint8Array;
}

/** Whether the blocks' bytes from `start` on are UTF-8 (isUtf8 of them as one array: each block checked up to its last whole character). */
function blocksUtf8(src: ByteBlocks, start: number): boolean {
  let carry: Uint8Array = new Uint8Array(0);
  const count = Math.ceil(src.length / src.size);
  for (let k = 0; k < count; k++) {
    let b = src.block(k);
    if (k * src.size < start) b = b.subarray(Math.min(start - k * src.size, b.length));
    const all = carry.length ? Buffer.concat([carry, b]) : b;
    // A character cut by the block's end waits for the next block: its lead byte within the last 3.
    let cut = all.length;
    if (k + 1 < count) {
      for (let j = all.length - 1; j >= Math.max(0, all.length - 3); j--) {
        const c = all[j]!;
        if (c < 0x80) break;
        if (c >= 0xc0) {
          const n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
          if (j + n > all.length) cut = j;
          break;
        }
      }
    }
    if (!isUtf8(all.subarray(0, cut))) return false;
    carry = all.slice(cut);
  }
  return carry.length === 0 || isUtf8(carry);
}

/**
 * ByteBlocks from `start` on (a byte order mark left out) as a Doc: the same answers bytesDoc gives
 * on those bytes as one array, two blocks at a time given back (the scan and the cuts read the
 * document front to back).
 */
function blocksDoc(src: ByteBlocks, start: number): Doc {
  const size = src.size;
  const end = src.length;
  const cache: Array<[number, Buffer]> = [];
  const get = (k: number): Buffer => {
    for (const [n, b] of cache) if (n === k) return b;
    const got = src.block(k);
    const b = Buffer.from(got.buffer, got.byteOffset, got.byteLength);
    cache.unshift([k, b]);
    if (cache.length > 2) cache.pop();
    return b;
  };
  // A byte at its place in the whole (not from `start`).
  const at = (p: number): number => (p < 0 || p >= end ? Number.NaN : get(Math.floor(p / size))[p % size]!);
  const length = end - start;
  const needles = new Map<string, Buffer>();
  return {
    length,
    code: (i) => (i < 0 || i >= length ? Number.NaN : at(i + start)),
    indexOf: (s, from, to = length) => {
      const needle = needles.get(s) ?? Buffer.from(s, 'utf8');
      if (needles.size < 64) needles.set(s, needle);
      const m = needle.length;
      for (let p = Math.max(0, from) + start; p < end && p <= to + start; ) {
        const k = Math.floor(p / size);
        const off = k * size;
        const b = get(k);
        const found = b.indexOf(needle, p - off);
        if (found >= 0) return found + off - start;
        const next = off + b.length;
        // One that begins in this block and ends in a later one.
        for (let q = Math.max(p, next - m + 1); q < next; q++) {
          let j = 0;
          while (j < m && at(q + j) === needle[j]) j++;
          if (j === m) return q - start;
        }
        p = next;
      }
      return -1;
    },
    startsWith: (s, i) => {
      for (let j = 0; j < s.length; j++) if (i + j < 0 || i + j >= length || at(i + j + start) !== s.charCodeAt(j)) return false;
      return true;
    },
    includes(s) {
      return this.indexOf(s, 0) >= 0;
    },
    slice: (x, y) => {
      const a = Math.max(0, Math.min(x, length)) + start;
      const b = Math.max(0, Math.min(y, length)) + start;
      if (b <= a) return '';
      const first = Math.floor(a / size);
      const last = Math.floor((b - 1) / size);
      if (first === last) return get(first).toString('utf8', a - first * size, b - first * size);
      const parts: Buffer[] = [];
      for (let k = first; k <= last; k++) parts.push(get(k).subarray(k === first ? a - k * size : 0, k === last ? b - k * size : size));
      return Buffer.concat(parts).toString('utf8');
    },
    tagChar: (from) => {
      for (let p = Math.max(0, from) + start; p < end; ) {
        const k = Math.floor(p / size);
        const off = k * size;
        const b = get(k);
        for (let i = p - off; i < b.length; i++) {
          const c = b[i]!;
          if (c === 0x22 || c === 0x27 || c === 0x3e) return i + off - start;
        }
        p = off + b.length;
      }
      return -1;
    },
    fresh: true,
  };
}

/** UTF-8 bytes (valid, no byte order mark) as a Doc. */
function bytesDoc(bytes: Uint8Array): Doc {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    length: b.length,
    code: (i) => b[i] ?? Number.NaN,
    indexOf: (s, from) => b.indexOf(s, from),
    startsWith: (s, at) => b.toString('latin1', at, at + s.length) === s,
    includes: (s) => b.includes(s),
    slice: (x, y) => b.toString('utf8', x, y),
    tagChar: (from) => {
      for (let i = from; i < b.length; i++) {
        const c = b[i]!;
        if (c === 0x22 || c === 0x27 || c === 0x3e) return i;
      }
      return -1;
    },
    fresh: true,
  };
}

/** The scan of textSourcePieces, on a string or its bytes (the same pieces, positions in its units). */
function scanPieces(xml: Doc, longTexts?: Array<[number, number]>, long = LONG_TEXT): TextSourcePiece[] | undefined {
  const local = (name: string): string => name.slice(name.indexOf(':') + 1);
  const ranges: TextSourcePiece[] = [];
  const stack: string[] = [];
  let roots = 0;
  let sources = 0;
  let start = -1;
  let selections: Array<[number, number]> = [];
  let selStart = -1;
  // Where the text after the last start tag begins (-1 when other markup came since).
  let textAt = -1;
  for (let i = xml.indexOf('<', 0); i >= 0; i = xml.indexOf('<', i)) {
    const next = xml.code(i + 1);
    const after = textAt;
    textAt = -1;
    if (next === 0x3f /* ? */) {
      const end = xml.indexOf('?>', i + 2);
      if (end < 0) return undefined;
      i = end + 2;
      continue;
    }
    if (next === 0x21 /* ! */) {
      const close = xml.startsWith('<!--', i) ? '-->' : xml.startsWith('<![CDATA[', i) ? ']]>' : undefined;
      if (!close) return undefined;
      const end = xml.indexOf(close, i + 4);
      if (end < 0) return undefined;
      i = end + close.length;
      continue;
    }
    if (next === 0x2f /* / */) {
      const end = xml.indexOf('>', i + 2);
      if (end < 0) return undefined;
      const name = local(xml.slice(i + 2, end).trim());
      if (stack.pop() !== name) return undefined;
      // The whole content of an element outside the text sources, a long text and nothing else.
      if (longTexts && after >= 0 && start < 0 && i - after > long) longTexts.push([after, i]);
      i = end + 1;
      if (stack.length === 3 && selStart >= 0) {
        selections.push([selStart, i]);
        selStart = -1;
      }
      if (stack.length === 2 && start >= 0) {
        ranges.push({ at: [start, i], selections });
        selections = [];
        start = -1;
      }
      continue;
    }
    // A start tag: its end is the first ">" outside quotes.
    const tagStart = i;
    let end = -1;
    for (let from = i + 1; ; ) {
      const at = xml.tagChar(from);
      if (at < 0) return undefined;
      const c = xml.code(at);
      if (c === 0x3e /* > */) {
        end = at;
        break;
      }
      const q = xml.indexOf(c === 0x22 ? '"' : "'", at + 1);
      if (q < 0) return undefined;
      from = q + 1;
    }
    // Its name: at most 199 units (the string's slice; 800 bytes hold them in UTF-8).
    const name = local(/^[^\s/>]+/.exec(xml.slice(i + 1, Math.min(end, i + (xml.fresh ? 800 : 200))))?.[0]?.slice(0, 199) ?? '');
    const selfClosing = xml.code(end - 1) === 0x2f;
    const depth = stack.length;
    if (depth === 0) {
      roots++;
      if (name !== 'Project' || roots > 1) return undefined;
    } else if (depth === 1 && name === 'Sources') {
      sources++;
      if (sources > 1) return undefined;
    }
    const inSources = depth === 2 && stack[1] === 'Sources';
    i = end + 1;
    if (inSources && name === 'TextSource') {
      if (selfClosing) ranges.push({ at: [tagStart, i], selections: [] });
      else start = tagStart;
    }
    // A selection directly inside a text source of Project > Sources.
    if (depth === 3 && start >= 0 && name === 'PlainTextSelection') {
      if (selfClosing) selections.push([tagStart, i]);
      else selStart = tagStart;
    }
    if (!selfClosing) {
      stack.push(name);
      if (stack.length > 100) return undefined;
      textAt = i;
    }
  }
  if (stack.length > 0 || roots !== 1) return undefined;
  return ranges;
}

function restoreAll(node: unknown): unknown {
  if (typeof node === 'string') return restoreCarriageReturns(node);
  if (Array.isArray(node)) return node.map(restoreAll);
  if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) (node as Record<string, unknown>)[k] = restoreAll(v);
  }
  return node;
}

/**
 * The <PlainTextSelection> children of text sources that parseProject left unparsed (`defer`):
 * per source its count and how to parse them (the same elements the whole parse gives, in order).
 */
const deferred = new WeakMap<El, { count: number; parse: () => unknown }>();

/** A text source's own <PlainTextSelection> elements (parsed now when parseProject deferred them). */
export function ownSelections(el: El): El[] {
  const d = deferred.get(el);
  return list(d ? d.parse() : el['PlainTextSelection']);
}

/** How many <PlainTextSelection> elements a text source holds itself (without parsing deferred ones). */
/**
 * Let a text source's deferred selections go (a planner that took them with ownSelections and will
 * not ask again): their count stays for ownSelectionCount; asking for them again is a bug.
 */
export function releaseSelections(el: El): void {
  const d = deferred.get(el);
  if (d) deferred.set(el, { count: d.count, parse: selectionsReleased });
}

function selectionsReleased(): never {
  throw new Error("a text source's selections were asked for after they were let go (report this: it is a bug)");
}

export function ownSelectionCount(el: El): number {
  return deferred.get(el)?.count ?? list(el['PlainTextSelection']).length;
}

/** How parseProject reads a .qde (see there). */
export interface ParseProjectOptions {
  /** Leave each text source's own selections out of its element, parsed when ownSelections asks. */
  defer?: boolean;
  /** Texts longer than this (UTF-16 units) are parsed in pieces (default LONG_TEXT; tests make it small). */
  longText?: number;
  /**
   * With `defer`: how a source's deferred selections are kept until asked for, given as their XML
   * (a string of its own) and giving it back exactly (the reader keeps them compressed). When given,
   * nothing parseProject returns holds the document itself, so the caller can let it go: a big
   * project's .qde is hundreds of megabytes. Without it, each source's selections are cut from
   * the document when asked.
   */
  keep?: (xml: string) => () => string;
}

/**
 * A .qde as parseXml gives it, its <TextSource> elements parsed one at a time (the parser's
 * working tree of a whole 400 MB project took gigabytes): the same tree, element for element.
 * With `defer`, each text source's own <PlainTextSelection> children are left out of its element
 * and parsed when ownSelections asks for them (each time it asks: a planner takes a source's
 * selections, uses them and lets them go, so the selections of the whole project are never one
 * tree); ownSelections and ownSelectionCount give them.
 */
export function parseProject(xml: string, what: string, opts: ParseProjectOptions = {}): El {
  checkXml(xml, what);
  const decoded = decodeCharRefs(xml);
  return parsePieces(stringDoc(decoded), what, opts, false) ?? parseTree(decoded, what);
}

/**
 * parseProject on a .qde's bytes, never decoded as one string (a 400 MB project would be a
 * 400 MB string, on top of its bytes): its parts are checked and parsed one at a time, each
 * decoded from its bytes (the document without its text sources, each text source, each long
 * text in pieces). Undefined whenever that cannot be done exactly; the caller then decodes the
 * bytes and reads them whole (parseProject), which also gives every refusal (its file:line and
 * message). That is: bytes that are not UTF-8, that hold a character reference (`&#`: decoded
 * in the whole text before parsing), whose shape the scan does not take (textSourcePieces), or
 * any part that is not well-formed or cannot be parsed. Each part well-formed makes the whole
 * well-formed: every cut lies at a tag the scan found, between markup, and each text source's
 * place is checked holding an empty <TextSource/>.
 */
export function parseProjectBytes(bytes: Uint8Array | ByteBlocks, what: string, opts: ParseProjectOptions = {}): El | undefined {
  let doc: Doc;
  if (bytes instanceof Uint8Array) {
    if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return undefined;
    const body = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
    if (!isUtf8(body)) return undefined;
    doc = bytesDoc(body);
  } else {
    const head = blocksDoc(bytes, 0);
    if (head.length >= 2 && ((head.code(0) === 0xff && head.code(1) === 0xfe) || (head.code(0) === 0xfe && head.code(1) === 0xff))) return undefined;
    const start = head.length >= 3 && head.code(0) === 0xef && head.code(1) === 0xbb && head.code(2) === 0xbf ? 3 : 0;
    if (!blocksUtf8(bytes, start)) return undefined;
    doc = blocksDoc(bytes, start);
  }
  if (doc.includes('&#')) return undefined;
  try {
    return parsePieces(doc, what, opts, true);
  } catch (e) {
    if (e instanceof ImportError) return undefined;
    throw e;
  }
}

/**
 * The work of parseProject on a document (its character references decoded): undefined where
 * it is to be parsed whole. With `check`, each part is checked (checkXml) before it is parsed
 * (the document itself was not).
 */
function parsePieces(decoded: Doc, what: string, opts: ParseProjectOptions, check: boolean): El | undefined {
  const keep = opts.defer ? opts.keep : undefined;
  const longs: Array<[number, number]> = [];
  const long = opts.longText ?? LONG_TEXT;
  const found = scanPieces(decoded, longs, long);
  const pieces = opts.defer ? found : found?.map((p) => ({ at: p.at, selections: [] as Array<[number, number]> }));
  if (!pieces?.length) return undefined;
  // The document without its text sources, an empty <TextSource/> holding each one's place (so
  // that the texts around each are parsed as the whole document has them: a CR before a source and
  // a LF after it are two line ends, not one); its long
  // texts (the qualwave note: ~90 MB at 3,000 documents) each as a placeholder, parsed in pieces
  // (the parser builds a text a character at a time: gigabytes of garbage for one such text).
  const useLong = longs.length > 0 && !decoded.includes(LONG_MARK);
  const cuts = [...pieces.map((p) => ({ at: p.at, put: '<TextSource/>' })), ...(useLong ? longs.map((at, k) => ({ at, put: `${LONG_MARK}${k}@@` })) : [])].sort((a, b) => a.at[0] - b.at[0]);
  const restOf = (withLong: boolean): string => {
    const rest: string[] = [];
    let pos = 0;
    for (const c of cuts) {
      if (!withLong && c.put.startsWith(LONG_MARK)) continue;
      rest.push(decoded.slice(pos, c.at[0]), c.put);
      pos = c.at[1];
    }
    rest.push(decoded.slice(pos, decoded.length));
    return rest.join('');
  };
  // (Checked with each text source's place held: a text before a source and one after it are not one text.)
  const rest = restOf(useLong);
  if (check) checkXml(rest, what);
  let root = parseTree(rest, what);
  if (useLong) {
    const texts = longs.map(([a, b]) => longText(decoded, a, b, what, Math.max(1, long >> 2), check));
    if (!putLongTexts(root, texts)) {
      if (check) return undefined;
      root = parseTree(restOf(false), what);
    }
  }
  const sources = (root['Project'] as El | undefined)?.['Sources'] as El | undefined;
  if (!sources || typeof sources !== 'object' || !Array.isArray(sources['TextSource'])) return undefined;
  // (A copy of its own when the document is to be let go: a parsed value can be a slice of the string it came from.)
  const own = (s: string): string => (keep && !decoded.fresh ? ownCopy(s) : s);
  const all: El[] = [];
  for (const { at, selections } of pieces) {
    const whole = check || selections.length === 0 ? own(decoded.slice(at[0], at[1])) : undefined;
    if (check) checkXml(whole!, what);
    // The source without its own selections (the text around them stays: the element's text is the same).
    let one: unknown;
    let deferring = selections.length > 0;
    if (deferring) {
      const parts: string[] = [decoded.slice(at[0], selections[0]![0])];
      for (let k = 0; k < selections.length; k++) parts.push(decoded.slice(selections[k]![1], k + 1 < selections.length ? selections[k + 1]![0] : at[1]));
      one = parseTree(parts.join(''), what)['TextSource'];
      // A source holding nothing but its selections and text is not an element of its own without them: read whole.
      if (Array.isArray(one) && one.length === 1 && (typeof one[0] !== 'object' || one[0] === null)) deferring = false;
    }
    if (!deferring) one = parseTree(whole ?? own(decoded.slice(at[0], at[1])), what)['TextSource'];
    if (!Array.isArray(one) || one.length !== 1) return undefined;
    const el = one[0] as El;
    if (deferring) {
      const cut = (): string => selections.map(([a, b]) => decoded.slice(a, b)).join('');
      deferSelections(el, selections.length, keep ? keep(own(cut())) : cut, what);
    }
    all.push(el);
  }
  sources['TextSource'] = all;
  return root;
}

/**
 * A string equal to `s` that shares no memory with the string `s` was cut from (V8 keeps a cut
 * of 13 or more characters as a view into its whole: holding it holds the whole).
 */
function ownCopy(s: string): string {
  return `${s}\u0000`.slice(0, -1);
}

/**
 * A text source's `count` deferred selections, given by `xml` as their XML, parsed when asked. (A
 * function of its own: a closure made inside parseProject would hold that function's whole scope,
 * the document with it.)
 */
function deferSelections(el: El, count: number, xml: () => string, what: string): void {
  deferred.set(el, {
    count,
    parse: () => {
      const wrapped = parseTree(`<TextSource>${xml()}</TextSource>`, what)['TextSource'];
      const got = list((list(wrapped)[0] as El | undefined)?.['PlainTextSelection']);
      if (got.length !== count) throw new ImportError(`${what}: cannot read the XML: a text source's selections were not read whole (report this: it is a bug)`);
      return got;
    },
  });
}

/** How a long text's place is held while the rest of a document is parsed (parseProject; never used when the document holds it). */
const LONG_MARK = '@@qualwave-long-text-';

/**
 * A long text of a checked document (the whole content of an element: no markup in it), as the
 * parser gives it, parsed in pieces of about `piece` units (64 K), each cut just before a "&" or a space
 * (never inside a reference, a line break or a surrogate pair: the pieces' values are the whole's).
 * Undefined when a piece does not give a text (or, with `check`, is not well-formed).
 */
function longText(doc: Doc, start: number, end: number, what: string, piece: number, check = false): string | undefined {
  const parts: string[] = [];
  // (Each piece decoded on its own: the text is never one string before its value is.)
  // (Each search's answer kept: a later search from a place before it has the same answer, so the
  // text is searched once, not once per piece, when a character is rare in it.)
  const found = new Map<string, [number, number]>();
  const next = (c: string, from: number): number => {
    const known = found.get(c);
    if (known && from >= known[0] && from <= known[1]) return known[1];
    const at = doc.indexOf(c, from, end);
    const got = at < 0 || at > end ? end : at;
    found.set(c, [from, got]);
    return got;
  };
  let from = start;
  while (from < end) {
    const at = from + piece >= end ? end : Math.min(next('&', from + piece), next(' ', from + piece));
    let v: unknown;
    try {
      const xml = `<t>${doc.slice(from, at)}</t>`;
      // (Checked where the document was not: a reference never spans a cut, each ending at its ";".)
      if (check) checkXml(xml, what);
      v = parseTree(xml, what)['t'];
    } catch (e) {
      // The whole document is then parsed as it is (and says what is wrong with it, as before).
      if (e instanceof ImportError) return undefined;
      throw e;
    }
    if (typeof v !== 'string') return undefined;
    parts.push(v);
    from = at;
  }
  return parts.join('');
}

/** The long texts put back where their marks are in a parsed tree (each mark once); false when that cannot be done exactly. */
function putLongTexts(root: El, texts: Array<string | undefined>): boolean {
  if (texts.some((t) => t === undefined)) return false;
  const put = new Set<number>();
  let ok = true;
  const walk = (node: Record<string, unknown> | unknown[]): void => {
    for (const k of Object.keys(node)) {
      const v = (node as Record<string, unknown>)[k];
      if (typeof v === 'string') {
        if (!v.includes(LONG_MARK)) continue;
        const m = /^@@qualwave-long-text-(\d+)@@$/.exec(v);
        const n = m ? Number(m[1]) : -1;
        if (n < 0 || n >= texts.length || put.has(n)) ok = false;
        else {
          put.add(n);
          (node as Record<string, unknown>)[k] = texts[n];
        }
      } else if (v && typeof v === 'object') walk(v as Record<string, unknown>);
    }
  };
  walk(root);
  return ok && put.size === texts.length;
}

/** The <Project> element of a .qde (with `defer`: its text sources' selections parsed when asked, kept as `keep` says; see parseProject). */
export function readProject(xml: string, qdeName: string, opts: Pick<ParseProjectOptions, 'defer' | 'keep'> = {}): El {
  const root = parseProject(xml, qdeName, opts);
  const project = root['Project'] as El | undefined;
  if (!project) throw new ImportError(`${qdeName}: no <Project> element: not a REFI-QDA project`);
  return project;
}

/**
 * readProject on a .qde's bytes, never decoded as one string (parseProjectBytes): undefined when
 * it is to be decoded and read whole (readProject, which gives every refusal).
 */
export function readProjectBytes(bytes: Uint8Array | ByteBlocks, qdeName: string, opts: Pick<ParseProjectOptions, 'defer' | 'keep'> = {}): El | undefined {
  return parseProjectBytes(bytes, qdeName, opts)?.['Project'] as El | undefined;
}

/** A source of the project whose text the caller is to find: inline, in its plain text file, or converted from its rich text, PDF or representation. */
export interface SourceRef {
  guid: string;
  name?: string;
  kind: 'text' | 'pdf';
  inline?: string;
  /** Files that may hold its plain text, most authoritative first (archive paths, `internal://` removed). */
  plain: string[];
  /** Files to convert when no plain text is found (.docx, .rtf, .pdf). */
  rich: string[];
  /** A path that is not internal:// (an outside file), as written. */
  external?: string;
  /** Whether the project names a plain text file or content for it (else its text is looked for by GUID and name). */
  named: boolean;
}

function internalPath(p: string | undefined): { path?: string; external?: string } {
  if (!p) return {};
  const m = /^internal:\/\/(.*)$/i.exec(p);
  if (m) return { path: m[1]!.replace(/\\/g, '/') };
  return {
    path: p
      .replace(/\\/g, '/')
      .replace(/^file:\/\/\/?/i, '')
      .split('/')
      .pop()!,
    external: p,
  };
}

export function sourcesOf(project: El): SourceRef[] {
  const sourcesEl = (project['Sources'] as El | undefined) ?? {};
  const out: SourceRef[] = [];
  const named = (p: string | undefined) => (p ? [p, `sources/${p.split('/').pop()}`] : []);
  for (const src of list(sourcesEl['TextSource'])) {
    const guid = lower(attr(src, 'guid'));
    const name = attr(src, 'name');
    const plain = internalPath(attr(src, 'plainTextPath'));
    const rich = internalPath(attr(src, 'richTextPath'));
    const inline = textOf(src['PlainTextContent']);
    const ref: SourceRef = { guid, kind: 'text', plain: [...named(plain.path), `sources/${guid}.txt`, ...(name ? [`sources/${name}.txt`] : [])], rich: named(rich.path), named: plain.path !== undefined || inline !== undefined || rich.path !== undefined };
    if (name) ref.name = name;
    if (inline !== undefined) ref.inline = inline;
    if (plain.external ?? rich.external) ref.external = (plain.external ?? rich.external)!;
    out.push(ref);
  }
  for (const src of list(sourcesEl['PDFSource'])) {
    const guid = lower(attr(src, 'guid'));
    const name = attr(src, 'name');
    const rep = list(src['Representation'])[0];
    const repPath = internalPath(attr(rep, 'plainTextPath'));
    const pdf = internalPath(attr(src, 'path'));
    const inline = textOf(rep?.['PlainTextContent']);
    const ref: SourceRef = { guid, kind: 'pdf', plain: [...named(repPath.path), ...(rep ? [`sources/${lower(attr(rep, 'guid'))}.txt`] : [])], rich: named(pdf.path), named: true };
    if (name) ref.name = name;
    if (inline !== undefined) ref.inline = inline;
    if (pdf.external) ref.external = pdf.external;
    out.push(ref);
  }
  return out;
}

/** What the caller found for a source: its text (and where), or why there is none. */
export type SourceText = { text: string; bom: boolean; from: string; how?: string } | { problem: string };

export interface ImportOptions {
  /** As given on the command line; absent: the defaults (see planImport). */
  participant?: Mapping;
  wave?: Mapping;
  namePattern?: string;
  /** The text of each source (by lower-case GUID). */
  texts: ReadonlyMap<string, SourceText>;
  /**
   * How the qualwave note's text is kept while its selections are looked up (the I/O layer keeps
   * it compressed). Given, the note's text is taken out of `project` (its element no longer holds
   * it): for a caller that holds the project only to plan it.
   */
  keepNote?: KeepText;
}

const VALID_ID = /^[\p{L}\p{N}][\p{L}\p{N}_.-]*$/u;
/** A participant or wave id from a name: spaces as dashes, other characters left out. */
export function asId(name: string): string {
  const cleaned = name
    .trim()
    .normalize('NFC')
    .replace(/\s+/g, '-')
    .replace(/[^\p{L}\p{N}_.-]/gu, '')
    .replace(/^[_.-]+/, '');
  return VALID_ID.test(cleaned) ? cleaned : `P-${cleaned.replace(/^[^\p{L}\p{N}]+/u, '') || 'x'}`;
}

function variableValue(v: El): string | undefined {
  for (const k of ['TextValue', 'BooleanValue', 'IntegerValue', 'FloatValue', 'DateValue', 'DateTimeValue']) {
    if (v[k] !== undefined) return textOf(v[k])?.trim();
  }
  return undefined;
}

/** A `{participant}_{wave}` pattern applied to a name. */
export function patternMatch(pattern: string, name: string): { participant?: string; wave?: string } | undefined {
  const order: string[] = [];
  const re = new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, (ch) => (ch === '{' || ch === '}' ? ch : `\\${ch}`)).replace(/\{(participant|wave)\}/g, (_, f: string) => (order.push(f), '(.+?)'))}$`, 'u');
  const m = re.exec(name);
  if (!m) return undefined;
  const out: { participant?: string; wave?: string } = {};
  order.forEach((f, i) => (out[f as 'participant' | 'wave'] = m[i + 1]!));
  return out;
}

function describe(m: Mapping): string {
  return m.from === 'case' ? 'case' : m.from === 'variable' ? `variable ${m.name}` : `file name pattern ${m.pattern}`;
}

interface Planned {
  guid: string;
  name: string;
  participant: string;
  wave: string;
  /** The source's text, taken from the caller's SourceText each time it is asked for (which may keep it compressed). */
  readonly text: string;
  bom: boolean;
  el: El;
}

export function planImport(project: El, _qdeName: string, opts: ImportOptions): ImportPlan {
  const report = emptyReport('refi-qda');
  const notes = report.notes;
  const dropInto =
    (into: Record<string, number>) =>
    (k: string, n = 1): void => {
      if (n > 0) into[k] = (into[k] ?? 0) + n;
    };
  const drop = dropInto(report.dropped);

  // The qualwave note, when the project came from qualwave.
  const noteEls = list((project['Notes'] as El | undefined)?.['Note']);
  const noteEl = noteEls.find((n) => attr(n, 'name') === NOTE_NAME && /^qualwave/.test(attr(project, 'origin') ?? ''));
  const { note, problem: noteProblem } = noteEl ? readNote(textOf(noteEl['PlainTextContent']), opts.keepNote) : {};
  // Its text taken out of the project (kept by keepNote): the caller holds the project only to plan it.
  if (noteEl && opts.keepNote && typeof noteEl['PlainTextContent'] === 'string') delete noteEl['PlainTextContent'];
  if (noteProblem) notes.push(noteProblem);
  drop('notes', noteEls.length - (noteEl ? 1 : 0));

  // Users → coders.
  const coderIds = new Set<string>();
  const users = new Map<string, string>();
  const userEls = list((project['Users'] as El | undefined)?.['User']);
  for (const u of userEls) users.set(lower(attr(u, 'guid')), slug(attr(u, 'name') || attr(u, 'id') || 'coder', coderIds));
  report.users = userEls.length;

  // Codes → codebook (sets become themes where they can).
  const codes = new Map<string, string>();
  const codebookEl = project['CodeBook'] as El | undefined;
  const themes = readCodes(list((codebookEl?.['Codes'] as El | undefined)?.['Code']), codes);
  const sets = list((project['Sets'] as El | undefined)?.['Set']);
  const grouped = setsAsThemes(themes, sets, codes, notes);
  drop('code sets', grouped.dropped);
  drop('source sets', sets.filter((s) => list(s['MemberSource']).length > 0 && list(s['MemberCode']).length === 0).length);
  report.codes = codes.size;

  // Variables and cases.
  const variables = new Map<string, string>();
  const variableEls = list((project['Variables'] as El | undefined)?.['Variable']);
  for (const v of variableEls) variables.set(lower(attr(v, 'guid')), attr(v, 'name') ?? 'variable');
  const valuesOf = (e: El): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const vv of list(e['VariableValue'])) {
      const name = variables.get(lower(attr(vv['VariableRef'] as El, 'targetGUID')));
      const value = variableValue(vv);
      if (name && value !== undefined) out[name] = value;
    }
    return out;
  };
  const caseEls = list((project['Cases'] as El | undefined)?.['Case']);
  const cases = caseEls.map((c) => ({ name: attr(c, 'name') || lower(attr(c, 'guid')), values: valuesOf(c), sources: list(c['SourceRef']).map((r) => lower(attr(r, 'targetGUID'))) }));
  const caseOfSource = new Map<string, (typeof cases)[number]>();
  for (const c of cases) for (const s of c.sources) if (!caseOfSource.has(s)) caseOfSource.set(s, c);
  report.cases = cases.length;

  // Sources.
  const sourcesEl = (project['Sources'] as El | undefined) ?? {};
  drop('picture sources', list(sourcesEl['PictureSource']).length);
  drop('audio sources', list(sourcesEl['AudioSource']).length);
  drop('video sources', list(sourcesEl['VideoSource']).length);
  drop('graphs', list((project['Graphs'] as El | undefined)?.['Graph']).length);
  drop('links', list((project['Links'] as El | undefined)?.['Link']).length);

  const waveVar = (values: Record<string, string>): string | undefined => {
    const k = Object.keys(values).find((n) => n.trim().toLowerCase() === 'wave');
    return k === undefined ? undefined : values[k];
  };
  const planned: Planned[] = [];
  const seen = new Map<string, string>();
  const participants = new Map<string, Record<string, string>>();
  const elements = [...list(sourcesEl['TextSource']).map((el) => ({ el, kind: 'text' })), ...list(sourcesEl['PDFSource']).map((el) => ({ el, kind: 'pdf' }))];
  for (const { el, kind } of elements) {
    const guid = lower(attr(el, 'guid'));
    const name = attr(el, 'name') || undefined;
    const found = opts.texts.get(guid);
    const shown = name ?? guid;
    if (!found || 'problem' in found) {
      const selections = ownSelectionCount(el) + list(list(el['Representation'])[0]?.['PlainTextSelection']).length + list(el['PDFSelection']).length;
      report.skipped.push({ source: shown, reason: found !== undefined && 'problem' in found ? found.problem : 'no text found for it', selections });
      drop(kind === 'pdf' ? 'PDF sources without text' : 'text sources without text');
      drop('selections of sources without text', selections);
      continue;
    }
    if (found.how) notes.push(`${shown}: ${found.how}`);
    // Participant: as asked; else the case holding the source, the name pattern, the source's name, its file name.
    const kase = caseOfSource.get(guid);
    const own = valuesOf(el);
    const noteSource = note?.sources[guid];
    const fileName = found.from
      .split('/')
      .pop()!
      .replace(/\.[^.]+$/, '');
    const label = name ?? fileName;
    const pattern = opts.namePattern ? patternMatch(opts.namePattern, label) : undefined;
    const pick = (m: Mapping, field: 'participant' | 'wave'): string | undefined => {
      if (m.from === 'case') return kase?.name;
      if (m.from === 'variable') return own[m.name] ?? kase?.values[m.name];
      return patternMatch(m.pattern, label)?.[field];
    };
    let participantRaw: string | undefined;
    if (opts.participant) {
      participantRaw = pick(opts.participant, 'participant');
      if (!participantRaw) throw new ImportError(`source '${shown}' has no participant by ${describe(opts.participant)}: leave --participant-from out (the case, else the source's name) or choose another (case, variable:NAME or filename-pattern)`);
    } else participantRaw = noteSource?.participant ?? kase?.name ?? pattern?.participant ?? name ?? fileName;
    const participant = noteSource?.participant ?? asId(participantRaw);
    let waveRaw: string | undefined;
    if (opts.wave) {
      waveRaw = pick(opts.wave, 'wave');
      if (!waveRaw) throw new ImportError(`source '${shown}' has no wave by ${describe(opts.wave)}: leave --wave-from out (a variable named wave, else --name-pattern, else one wave) or choose another`);
    } else waveRaw = noteSource?.wave ?? waveVar(own) ?? (kase ? waveVar(kase.values) : undefined) ?? pattern?.wave ?? (opts.participant?.from === 'pattern' ? pick(opts.participant, 'wave') : undefined);
    const wave = noteSource?.wave ?? (waveRaw ? asId(waveRaw) : 'interview');
    const key = `${participant}/${wave}`;
    if (seen.has(key)) throw new ImportError(`sources '${seen.get(key)}' and '${shown}' are both participant ${participant} at wave ${wave}: say which wave each is (--wave-from variable:NAME, or --name-pattern '{participant}_{wave}' for names such as ${participant}_t1)`);
    seen.set(key, shown);
    if (!participants.has(participant)) {
      const attributes: Record<string, string> = kase ? { ...kase.values } : Object.fromEntries(Object.entries(own).filter(([k]) => k.trim().toLowerCase() !== 'wave'));
      if (participant !== participantRaw.trim()) attributes['original_name'] = participantRaw.trim();
      participants.set(participant, attributes);
    }
    const given = found;
    planned.push({
      guid,
      name: shown,
      participant,
      wave,
      get text() {
        return given.text;
      },
      bom: found.bom,
      el,
    });
  }
  report.sources = planned.length;

  // Selections: every one of every source, then the reading that puts them on their text. A
  // qualwave export is read the standard's way, so each source's selections are taken as its turn
  // comes (and let go after it); what the sources' selections add to the report then goes in the
  // order it would have had, every source's selections first.
  const fromQualwave = note !== undefined;
  type Sel = Selection & { el: El; src: Planned };
  const selectionsOf = (p: Planned, dropHere: (k: string, n?: number) => void, unplaced: UnverifiedCoding[]) => {
    const holder = p.el['Representation'] ? (list(p.el['Representation'])[0] ?? {}) : p.el;
    dropHere('PDF region selections', list(p.el['PDFSelection']).length);
    const sels: Sel[] = [];
    for (const s of holder === p.el ? ownSelections(p.el) : list(holder['PlainTextSelection'])) {
      const a = Number(attr(s, 'startPosition'));
      const b = Number(attr(s, 'endPosition'));
      if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < a) {
        dropHere('selections with bad positions');
        unplaced.push({ coder: '', participant: p.participant, wave: p.wave, code: '', lines: '', text: '', why: `selection ${attr(s, 'guid') ?? ''} has positions '${attr(s, 'startPosition') ?? ''}'-'${attr(s, 'endPosition') ?? ''}': not placed`, placed: false });
        continue;
      }
      const name = attr(s, 'name');
      sels.push({ start: a, end: b, ...(name ? { name } : {}), el: s, src: p });
    }
    // (Taken once: what kept them is let go now, not when the whole plan is made.)
    if (holder === p.el) releaseSelections(p.el);
    return { text: p.text, bom: p.bom, selections: sels, planned: p };
  };
  const bySource = fromQualwave ? undefined : planned.map((p) => selectionsOf(p, drop, report.unverifiedCodings));
  const setReading = (choice: ReadingChoice, all: number): void => {
    report.reading = {
      id: readingId(choice.reading),
      description: describeReading(choice.reading),
      evidence: fromQualwave
        ? 'exported by qualwave (the standard)'
        : (choice.namesAreText ? `${choice.byName} of ${choice.named} selection names repeat the text at their positions` : `${choice.byWords} of ${choice.total} selections start and end at word boundaries`) + (choice.total < all ? ` (of an even sample of ${choice.total} selections)` : ''),
      considered: choice.considered.map((c) => ({ id: readingId(c.reading), byName: c.byName, byWords: c.byWords })),
    };
  };
  const choice: ReadingChoice | undefined = bySource ? (bySource.some((s) => s.selections.length) ? chooseReading(bySource) : undefined) : standardChoice([]);
  if (bySource && choice)
    setReading(
      choice,
      bySource.reduce((n, s) => n + s.selections.length, 0),
    );
  // Taken a source at a time (a qualwave export): what its selections dropped and could not place, kept apart until every source is done.
  const droppedBySelections: Record<string, number> = {};
  const droppedByCodings: Record<string, number> = {};
  const unplacedSelections: UnverifiedCoding[] = [];
  const dropCoding = bySource ? drop : dropInto(droppedByCodings);
  let selectionsInAll = 0;

  const codings = new Map<string, CodingColumns>();
  const seenCodings = new Set<string>();
  const addCoding = (c: Coding, verified: boolean, why: string | undefined, text: string): void => {
    const k = codingKey(c);
    if (seenCodings.has(k)) {
      dropCoding('duplicate codings (same coder, span and code)');
      return;
    }
    seenCodings.add(k);
    let l = codings.get(c.coder);
    if (!l) codings.set(c.coder, (l = new CodingColumns(c.coder)));
    l.add(c);
    report.codings++;
    if (verified) report.placed++;
    else {
      report.unverified++;
      report.unverifiedCodings.push({ coder: c.coder, participant: c.participant, wave: c.wave, code: c.code, lines: formatSpan(c), text: short(text), why: why ?? 'not verified', placed: true });
    }
  };
  const codingsOf = (holder: El, creator: string | undefined): Array<{ code: string; coder: string }> => {
    const out: Array<{ code: string; coder: string }> = [];
    for (const coding of list(holder['Coding'])) {
      const code = codes.get(lower(attr(list(coding['CodeRef'])[0], 'targetGUID')));
      if (!code) {
        dropCoding('codings of unknown codes');
        continue;
      }
      const user = attr(coding, 'creatingUser') ?? creator;
      out.push({ code, coder: (user && users.get(lower(user))) || 'imported' });
    }
    return out;
  };
  const transcripts: PlannedTranscript[] = [];
  for (const [k, source] of planned.entries()) {
    const s = bySource ? bySource[k]! : selectionsOf(source, dropInto(droppedBySelections), unplacedSelections);
    // A coding's key holds its participant and wave, which are this source's alone: no later source repeats one.
    seenCodings.clear();
    const p = s.planned;
    // (The text as selectionsOf took it, once: a source's text is asked for once here and once when it is written.)
    const text = s.text;
    const index = new LineIndex(text);
    selectionsInAll += s.selections.length;
    const table = bySource ? (choice ? new PositionTable(text, choice.reading) : undefined) : s.selections.length ? new PositionTable(text, choice!.reading) : undefined;
    for (const sel of s.selections) {
      const selGuid = lower(attr(sel.el, 'guid'));
      const description = textOf(sel.el['Description']);
      const exemplarMark = /^\s*\[exemplar\]/i.test(description ?? '');
      const memo = (description ?? '')
        .replace(/^\s*\[exemplar\]\s*/i, '')
        .replace(/\r\n?/g, '\n')
        .trim();
      const targets = codingsOf(sel.el, attr(sel.el, 'creatingUser'));
      if (targets.length === 0) {
        if (list(sel.el['Coding']).length === 0) dropCoding(memo ? 'selections without a code (annotations)' : 'selections without a code');
        continue;
      }
      const extra = note?.selections.get(selGuid);
      const placed = place(table!, sel);
      let span: SpanFields | undefined;
      let verified = false;
      let why: string | undefined;
      let hash: string | undefined;
      let exemplar = exemplarMark;
      if (placed.ok) {
        span = index.spanOf(placed.start, placed.end);
        if (!span) why = 'its positions start or end inside a line break';
      } else why = placed.problem;
      if (extra && extra.start === sel.start && extra.end === sel.end) {
        // Exported by qualwave and not moved since: the coding as it was (whole lines stay whole lines).
        if (extra.lines) {
          const parsed = parseSpan(extra.lines);
          if (!('problem' in parsed)) span = parsed.span;
        }
        if (extra.hash) hash = extra.hash;
        if (extra.exemplar !== undefined) exemplar = extra.exemplar;
        verified = span !== undefined;
        why = verified ? undefined : why;
      } else if (span && placed.ok) {
        if (placed.byName) verified = true;
        else if (choice?.namesAreText && nameOf(sel)) why = `its name "${short(sel.name!)}" is not the text at its position`;
        else if (placed.byWords) verified = true;
        else why = 'it starts or ends inside a word (positions read as ' + readingId(choice!.reading) + ')';
      }
      const at = placed.ok ? text.slice(placed.start, placed.end) : '';
      if (!span) {
        dropCoding('selections that could not be placed');
        for (const t of targets) report.unverifiedCodings.push({ coder: t.coder, participant: p.participant, wave: p.wave, code: t.code, lines: '', text: short(at), why: why ?? 'not placed', placed: false, selection: selGuid });
        continue;
      }
      for (const t of targets) {
        const c: Coding = { coder: t.coder, participant: p.participant, wave: p.wave, ...span, code: t.code, exemplar };
        if (memo) c.memo = memo;
        c.hash = hash ?? spanHash(index, span);
        if (c.hash === undefined) delete c.hash;
        addCoding(c, verified, why, at);
      }
    }
    // Codings of the whole source: every line of it.
    const whole = codingsOf(p.el, undefined);
    if (whole.length) {
      let last = index.lineCount;
      while (last > 1 && index.line(last).trim() === '') last--;
      for (const t of whole) {
        const c: Coding = { coder: t.coder, participant: p.participant, wave: p.wave, startLine: 1, endLine: last, code: t.code, exemplar: false };
        const h = spanHash(index, c);
        if (h) c.hash = h;
        addCoding(c, true, undefined, '');
      }
    }
    const file = note?.sources[p.guid]?.file;
    // (Its text taken when it is written: the caller may keep it compressed till then.)
    transcripts.push({
      participant: p.participant,
      wave: p.wave,
      get text() {
        return p.text;
      },
      source: p.name,
      ...(file ? { file } : {}),
      bom: note?.sources[p.guid]?.bom ?? false,
    });
  }
  if (!bySource) {
    // In the order the report had when every source's selections were read first.
    for (const [k, n] of Object.entries(droppedBySelections)) drop(k, n);
    for (const [k, n] of Object.entries(droppedByCodings)) drop(k, n);
    if (unplacedSelections.length) report.unverifiedCodings = unplacedSelections.concat(report.unverifiedCodings);
    if (selectionsInAll > 0) setReading(choice!, selectionsInAll);
  }
  report.coders = codings.size;

  const title = attr(project, 'name') ?? 'Imported project';
  const waveIds = [...new Set(transcripts.map((t) => t.wave))];
  // A study has at least one wave, even when no source had text.
  if (waveIds.length === 0) waveIds.push('interview');
  const labels = new Map((note?.study.waves ?? []).map((w) => [w.id, w.label]));
  const waveOrder = note ? [...note.study.waves.map((w) => w.id).filter((w) => waveIds.includes(w)), ...waveIds.filter((w) => !labels.has(w))] : waveIds;
  const attributes = [...new Set([...participants.values()].flatMap((v) => Object.keys(v)))].filter((a) => a.trim().toLowerCase() !== 'wave');
  const codebookTitle = note?.study.codebookTitle ?? `${title} (imported)`;
  const codebook = yamlStringify({ title: codebookTitle, codes: grouped.themes.length ? grouped.themes : [{ id: 'uncategorised', label: 'Uncategorised' }] }, { lineWidth: 0 });
  const plan: ImportPlan = {
    title,
    waves: waveOrder.map((id) => ({ id, label: labels.get(id) ?? id })),
    participants: [...participants].map(([id, attributes]) => ({ id, attributes })),
    attributes,
    transcripts,
    codebooks: [{ file: 'codebooks/imported.yaml', text: codebook }],
    codings,
    report,
    ...(note?.study.attribution ? { attribution: note.study.attribution } : {}),
    ...(note?.study.names?.length ? { names: note.study.names } : {}),
  };
  if (note) restoreFiles(plan, note, { codebook: codebookDigest(codebookEl), cases: casesDigest(project), sources: planned.map((p) => p.guid).sort() }, notes);
  return plan;
}

function nameOf(sel: Selection): boolean {
  return sel.name !== undefined && sel.name.trim().length >= 3;
}

/** A qualwave export counts positions the standard's way; its selection names are not texts. */
function standardChoice(sources: ReadonlyArray<{ selections: readonly Selection[] }>): ReadingChoice {
  const total = sources.reduce((n, s) => n + s.selections.length, 0);
  return { reading: STANDARD, byName: 0, named: 0, byWords: 0, total, namesAreText: false, considered: [] };
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 77)}...` : one;
}

/** What of the project a codebook file became, as import sees it (the same on export, which parses its own XML). */
export function codebookDigest(codebookEl: El | undefined): string {
  const tree = (c: El): unknown => [attr(c, 'guid'), attr(c, 'name'), attr(c, 'color') ?? '', textOf(c['Description']) ?? '', list(c['Code']).map(tree)];
  return digest(list((codebookEl?.['Codes'] as El | undefined)?.['Code']).map(tree));
}

/** What of the project participants.csv became: the variables and the cases with their values. */
export function casesDigest(project: El): string {
  const vars = list((project['Variables'] as El | undefined)?.['Variable']).map((v) => [attr(v, 'guid'), attr(v, 'name'), attr(v, 'typeOfVariable')]);
  const cases = list((project['Cases'] as El | undefined)?.['Case']).map((c) => [attr(c, 'guid'), attr(c, 'name'), list(c['VariableValue']).map((vv) => [attr(vv['VariableRef'] as El, 'targetGUID'), variableValue(vv) ?? '']), list(c['SourceRef']).map((r) => attr(r, 'targetGUID'))]);
  return digest([vars, cases]);
}

/**
 * qualwave's own files from the note, given back as they were where the part of the project they
 * became is unchanged; the rest stays rebuilt from the project (and is said).
 */
function restoreFiles(plan: ImportPlan, note: ReadNote, now: { codebook: string; cases: string; sources: string[] }, notes: string[]): void {
  const sameSources = digest(now.sources) === digest(Object.keys(note.sources).sort());
  const restored: string[] = [];
  const rebuilt: string[] = [];
  // The finished transcripts are what the study said (none for a coder without the file), not the project rule.
  if (sameSources) plan.finished = new Map();
  const codebookFiles = note.files.filter((f) => f.of === 'codebook');
  if (codebookFiles.length) {
    if (codebookFiles.every((f) => f.digest === now.codebook)) {
      plan.codebooks = codebookFiles.map((f) => ({ file: f.path, text: f.text }));
      restored.push(...codebookFiles.map((f) => f.path));
    } else rebuilt.push('the codebook (its codes were changed since qualwave exported them)');
  }
  for (const f of note.files) {
    if (f.of === 'cases') {
      if (f.digest === now.cases) {
        plan.participantsFile = { file: f.path, text: f.text };
        restored.push(f.path);
      } else rebuilt.push(`${f.path} (the cases or their variables were changed)`);
    } else if (f.of === 'config') {
      if (sameSources && f.digest === digest([plan.title, plan.waves])) {
        plan.config = f.text;
        restored.push(f.path);
      } else rebuilt.push(`${f.path} (sources or waves were changed)`);
    } else if (f.of === 'file') {
      if (/^cases\/[^/\\]+\.md$/.test(f.path) && !f.path.includes('..')) {
        (plan.others ??= []).push({ file: f.path, text: f.text });
        restored.push(f.path);
      }
    } else if (f.of.startsWith('finished:')) {
      const coder = f.of.slice('finished:'.length);
      if (sameSources && plan.codings.has(coder)) {
        (plan.finished ??= new Map()).set(coder, f.text);
        restored.push(f.path);
      }
    }
  }
  if (!sameSources) {
    for (const t of plan.transcripts) delete t.file;
    rebuilt.push("the transcripts' file names (sources were added or removed)");
  }
  plan.report.restored = restored;
  if (rebuilt.length) notes.push(`exported by qualwave and changed since: rebuilt ${rebuilt.join('; ')}`);
}

/** A .qdc codebook as qualwave codebook YAML (sets become themes where they can, else are reported). */
export function planCodebook(xml: string, name: string): { yaml: string; codes: number; notes: string[]; sets: number } {
  const root = parseXml(xml, name);
  const book = root['CodeBook'] as El | undefined;
  if (!book) throw new ImportError(`${name}: no <CodeBook> element: not a REFI-QDA codebook`);
  const guids = new Map<string, string>();
  const notes: string[] = [];
  const themes = readCodes(list((book['Codes'] as El | undefined)?.['Code']), guids);
  const sets = list((book['Sets'] as El | undefined)?.['Set']);
  const grouped = setsAsThemes(themes, sets, guids, notes);
  return { yaml: yamlStringify({ title: `${name.replace(/\.qdc$/i, '')} (imported)`, codes: grouped.themes }, { lineWidth: 0 }), codes: guids.size, notes, sets: sets.length - grouped.dropped };
}

type CodeEntry = Record<string, unknown> & { id: string; label: string; children?: CodeEntry[] };

/**
 * REFI-QDA codes as qualwave codebook entries: ids from "qualwave-id:" when valid and free, else
 * from the name; the Description's lines as fields (the definition keeps its line breaks);
 * colours kept. Fills guid → id.
 */
function readCodes(elements: El[], guids: Map<string, string>): CodeEntry[] {
  const taken = new Set<string>();
  const tree = (c: El): CodeEntry => {
    const label = attr(c, 'name') || 'code';
    const d = readDescription(textOf(c['Description']));
    const id = d.id && /^[\p{L}][\p{L}\p{N}_.-]*$/u.test(d.id) && !taken.has(d.id) ? (taken.add(d.id), d.id) : slug(label, taken);
    guids.set(lower(attr(c, 'guid')), id);
    const out: CodeEntry = { id, label };
    if (d.definition) out['definition'] = d.definition;
    if (d.include) out['include'] = d.include;
    if (d.exclude) out['exclude'] = d.exclude;
    if (d.examples.length) out['examples'] = d.examples;
    if (d.keywords?.length) out['keywords'] = d.keywords;
    if (d.patterns?.length) out['patterns'] = d.patterns;
    if (d.speakers && ['participant', 'interviewer', 'any'].includes(d.speakers)) out['speakers'] = d.speakers;
    if (d.since) out['since'] = d.since;
    if (d.anticipates && /^[\p{L}][\p{L}\p{N}_.-]*$/u.test(d.anticipates)) out['anticipates'] = d.anticipates;
    const color = attr(c, 'color');
    if (color && /^#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$/.test(color)) out['color'] = color;
    const children = list(c['Code']).map(tree);
    if (children.length) out.children = children;
    return out;
  };
  return elements.map(tree);
}

/**
 * Code sets (ATLAS.ti's code groups, NVivo's sets) as themes: when the codes are flat and no code is
 * in two sets, each set becomes a theme holding its codes (the codes in no set stay themes of their
 * own). Otherwise the sets are left out and named in the notes. Returns the themes and how many
 * code sets were left out.
 */
function setsAsThemes(themes: CodeEntry[], sets: El[], guids: Map<string, string>, notes: string[]): { themes: CodeEntry[]; dropped: number } {
  const codeSets = sets.filter((s) => list(s['MemberCode']).length > 0);
  if (codeSets.length === 0) return { themes, dropped: 0 };
  const member = (m: El) => guids.get(lower(attr(m, 'targetGUID') ?? attr(m, 'guid')));
  const flat = themes.every((t) => !t.children?.length);
  const counts = new Map<string, number>();
  for (const s of codeSets)
    for (const m of list(s['MemberCode'])) {
      const id = member(m);
      if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  const shared = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  const names = codeSets.map((s) => `${attr(s, 'name') ?? 'set'} (${list(s['MemberCode']).length} codes)`).join(', ');
  if (!flat || shared.length) {
    notes.push(`${codeSets.length} code set${codeSets.length === 1 ? '' : 's'} not made themes (${!flat ? 'the codes already form a hierarchy' : `${shared.join(', ')} ${shared.length === 1 ? 'is' : 'are'} in more than one set`}): ${names}`);
    return { themes, dropped: codeSets.length };
  }
  const byId = new Map(themes.map((t) => [t.id, t]));
  const taken = new Set([...guids.values()]);
  const out: CodeEntry[] = [];
  const used = new Set<string>();
  for (const s of codeSets) {
    const label = attr(s, 'name') || 'set';
    const theme: CodeEntry = { id: slug(label, taken), label };
    const d = readDescription(textOf(s['Description']));
    if (d.definition) theme['definition'] = d.definition;
    theme.children = list(s['MemberCode'])
      .map(member)
      .filter((id): id is string => id !== undefined && byId.has(id))
      .map((id) => (used.add(id), byId.get(id)!));
    out.push(theme);
  }
  // Codes in no set keep their place, before the set themes in the project's order.
  const rest = themes.filter((t) => !used.has(t.id));
  notes.push(`${codeSets.length} code set${codeSets.length === 1 ? '' : 's'} made themes: ${names}`);
  return { themes: [...rest, ...out], dropped: 0 };
}

export type { UnverifiedCoding };
