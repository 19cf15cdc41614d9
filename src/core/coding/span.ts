import type { Document } from '../study/types.js';
import type { LinesRequest, SegmentList } from '../transcript/segment-list.js';

/**
 * Spans: the exact text a coding marks. A span runs from (line, column) to (line, column), lines
 * 1-based as an editor numbers them (front matter included), columns 1-based in Unicode code
 * points of the line without its line break, the end inclusive: `12:5-12:40` is the 36 characters
 * from column 5 to column 40 of line 12; `12:5-14:3` runs from column 5 of line 12 to column 3 of
 * line 14, line breaks included. Whole lines keep the short form: `12`, `12-14`.
 *
 * Code points, not graphemes: an emoji outside the Basic Multilingual Plane (😀) is one column
 * although JavaScript, Java and .NET count it as two UTF-16 units; "é" written as e + a combining
 * accent is two columns (as most editors' column counters, and REFI-QDA's positions, count it).
 */
export interface Position {
  line: number;
  column: number;
}

/** A span as stored on a coding: columns both present (a sub-line span) or both absent (whole lines). */
export interface SpanFields {
  startLine: number;
  endLine: number;
  startColumn?: number;
  endColumn?: number;
}

export function hasColumns(s: SpanFields): s is SpanFields & { startColumn: number; endColumn: number } {
  return s.startColumn !== undefined && s.endColumn !== undefined;
}

const SPAN = /^(\d+)(?::(\d+))?(?:\s*-\s*(\d+)(?::(\d+))?)?$/;
export const SPAN_HINT = 'write whole lines as 12 or 12-14, an exact span as 12:5-12:40 or 12:5-14:3 (line:column, columns in characters from 1, the end included)';

/** `12`, `12-14`, `12:5-12:40`, `12:5-14:3` into span fields, or what is wrong with it. */
export function parseSpan(text: string): { span: SpanFields } | { problem: string } {
  const m = SPAN.exec(text.trim());
  if (!m) return { problem: `'${text}' is not a line, a line range or a span` };
  const startLine = Number(m[1]);
  const endLine = m[3] === undefined ? startLine : Number(m[3]);
  const withCols = m[2] !== undefined || m[4] !== undefined;
  if (withCols && (m[2] === undefined || m[4] === undefined || m[3] === undefined)) {
    return { problem: `'${text}' gives a column for one end only: an exact span gives line:column at both ends` };
  }
  if (startLine < 1) return { problem: `'${text}' starts before line 1` };
  if (!withCols) {
    if (endLine < startLine) return { problem: `'${text}' ends before it starts` };
    return { span: { startLine, endLine } };
  }
  const startColumn = Number(m[2]);
  const endColumn = Number(m[4]);
  if (startColumn < 1 || endColumn < 1) return { problem: `'${text}' has column 0: columns count from 1` };
  if (endLine < startLine || (endLine === startLine && endColumn < startColumn)) return { problem: `'${text}' ends before it starts` };
  return { span: { startLine, endLine, startColumn, endColumn } };
}

/** The span as written in a codings file: `12`, `12-14`, `12:5-12:40`. */
export function formatSpan(s: SpanFields): string {
  return hasColumns(s) ? spanText(s.startLine, s.endLine, s.startColumn, s.endColumn) : spanText(s.startLine, s.endLine);
}

/** formatSpan of a span given by its numbers (columns both or neither), as the coder files' columns hold them. */
export function spanText(startLine: number, endLine: number, startColumn?: number, endColumn?: number): string {
  if (startColumn !== undefined && endColumn !== undefined) return `${startLine}:${startColumn}-${endLine}:${endColumn}`;
  return startLine === endLine ? String(startLine) : `${startLine}-${endLine}`;
}

/** Human wording: "line 12", "lines 12-14", "12:5-12:40". */
export function describeSpan(s: SpanFields): string {
  if (hasColumns(s)) return formatSpan(s);
  return s.startLine === s.endLine ? `line ${s.startLine}` : `lines ${s.startLine}-${s.endLine}`;
}

/** A document's text by lines: where each line starts and ends, and columns (code points) in it. */
export class LineIndex {
  /** UTF-16 offset of the first character of line l at starts[l - 1]. */
  readonly starts: Int32Array;
  /** UTF-16 offset just after the last character of line l (before its "\r\n" or "\n"). */
  readonly ends: Int32Array;

  constructor(readonly text: string) {
    let n = 1;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    let pos = 0;
    for (let l = 0; l < n; l++) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = text.length;
      this.starts[l] = pos;
      this.ends[l] = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      pos = nl + 1;
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Line l's text without its line break. */
  line(l: number): string {
    return this.text.slice(this.starts[l - 1]!, this.ends[l - 1]!);
  }

  /** Per line: its characters (code points), and whether it has any outside the BMP (then columns are not UTF-16 offsets). Made on first use. */
  private counts: Int32Array | undefined;
  private astral: Uint8Array | undefined;
  /** Whether the text has a UTF-16 surrogate (a character outside the BMP, or half of one); found on first use. */
  private surrogates: boolean | undefined;

  private info(l: number): number {
    const counts = (this.counts ??= new Int32Array(this.starts.length).fill(-1));
    let n = counts[l - 1]!;
    if (n >= 0) return n;
    const s = this.starts[l - 1]!;
    const e = this.ends[l - 1]!;
    // No surrogate anywhere in the text (one search, on the first line asked for): every unit a character.
    if (!(this.surrogates ??= SURROGATE.test(this.text))) return (counts[l - 1] = e - s);
    n = 0;
    for (let i = s; i < e; i++) {
      const c = this.text.charCodeAt(i);
      if (c < 0xdc00 || c > 0xdfff || i === s || !isHigh(this.text.charCodeAt(i - 1))) n++;
    }
    counts[l - 1] = n;
    if (n !== e - s) (this.astral ??= new Uint8Array(this.starts.length))[l - 1] = 1;
    return n;
  }

  /** Characters (code points) of line l. */
  columns(l: number): number {
    return this.info(l);
  }

  /** UTF-16 offset of column `column` of line `line` (column = characters + 1 is the line's end), or undefined past it. */
  offset(line: number, column: number): number | undefined {
    if (line < 1 || line > this.lineCount || column < 1) return undefined;
    const n = this.info(line);
    if (column > n + 1) return undefined;
    let i = this.starts[line - 1]!;
    // Only the Basic Multilingual Plane on this line: a column is a UTF-16 offset.
    if (this.astral?.[line - 1] !== 1) return i + column - 1;
    const e = this.ends[line - 1]!;
    for (let k = 1; k < column; k++) i += isHigh(this.text.charCodeAt(i)) && i + 1 < e && isLow(this.text.charCodeAt(i + 1)) ? 2 : 1;
    return i;
  }

  /** Line of a UTF-16 offset (1-based). */
  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /**
   * The (line, column) of a UTF-16 offset; undefined when the offset falls between the two halves
   * of a surrogate pair (inside one character) or inside a line break. `end`: the offset is just
   * after a character (a span's end), so the position given is of that last character.
   */
  position(offset: number, end = false): Position | undefined {
    if (offset < 0 || offset > this.text.length) return undefined;
    if (end) {
      if (offset === 0) return undefined;
      // The character that ends at `offset`.
      let start = offset - 1;
      if (isLow(this.text.charCodeAt(start)) && start > 0 && isHigh(this.text.charCodeAt(start - 1))) start--;
      else if (isHigh(this.text.charCodeAt(start)) && isLow(this.text.charCodeAt(offset))) return undefined;
      const p = this.position(start);
      return p;
    }
    if (offset > 0 && isLow(this.text.charCodeAt(offset)) && isHigh(this.text.charCodeAt(offset - 1))) return undefined;
    const line = this.lineAt(offset);
    const s = this.starts[line - 1]!;
    if (offset > this.ends[line - 1]!) return undefined;
    // Only the Basic Multilingual Plane on this line (info: no pair counted as one): a column is a UTF-16 offset.
    this.info(line);
    if (this.astral?.[line - 1] !== 1) return { line, column: offset - s + 1 };
    let column = 1;
    for (let i = s; i < offset; i++) if (!(isLow(this.text.charCodeAt(i)) && i > s && isHigh(this.text.charCodeAt(i - 1)))) column++;
    return { line, column };
  }

  /** The span's UTF-16 range [start, end) in the text, or what is wrong with it (past a line's or the file's end). */
  range(s: SpanFields): { start: number; end: number } | { problem: string } {
    if (s.endLine > this.lineCount) return { problem: `${describeSpan(s)} runs past the end of the file (${this.lineCount} lines)` };
    if (!hasColumns(s)) return { start: this.starts[s.startLine - 1]!, end: this.ends[s.endLine - 1]! };
    const startLen = this.columns(s.startLine);
    if (s.startColumn > startLen) return { problem: `${formatSpan(s)} starts past the end of line ${s.startLine} (${startLen} character${startLen === 1 ? '' : 's'})` };
    const endLen = s.endLine === s.startLine ? startLen : this.columns(s.endLine);
    if (s.endColumn > endLen) return { problem: `${formatSpan(s)} runs past the end of line ${s.endLine} (${endLen} character${endLen === 1 ? '' : 's'})` };
    return { start: this.offset(s.startLine, s.startColumn)!, end: this.offset(s.endLine, s.endColumn + 1)! };
  }

  /** The span for a UTF-16 range [start, end) (not empty, not starting or ending inside a character or a line break). */
  spanOf(start: number, end: number): SpanFields | undefined {
    if (end <= start) return undefined;
    const a = this.position(start);
    const b = this.position(end, true);
    // Neither end may be a line break: a span starts and ends on a character of a line.
    if (!a || !b || a.column > this.columns(a.line) || b.column > this.columns(b.line)) return undefined;
    return { startLine: a.line, startColumn: a.column, endLine: b.line, endColumn: b.column };
  }
}

const SURROGATE = /[\ud800-\udfff]/;

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Text of a range as a coding gives it: line breaks as "\n" whatever the file uses (so a CRLF checkout hashes the same). */
export function exactText(text: string, start: number, end: number): string {
  const s = text.slice(start, end);
  return s.includes('\r\n') ? s.replace(/\r\n/g, '\n') : s;
}

const indexes = new WeakMap<SegmentList, LineIndex>();

/** The line index kept with a document's segments, if one was made (lineIndexOf). */
export function cachedLineIndex(list: Document['segmentList']): LineIndex | undefined {
  return indexes.get(list);
}

/** The document's line index (made on first use and kept with the document). */
export function lineIndexOf(doc: Pick<Document, 'segmentList'>): LineIndex {
  let index = indexes.get(doc.segmentList);
  if (!index) indexes.set(doc.segmentList, (index = new LineIndex(doc.segmentList.sourceTextValue)));
  return index;
}

/**
 * The segments a coding touches, as [first, end) indices of the document's segments: whole lines
 * touch the segments with a line among them (as always); an exact span touches the segments
 * whose text it shares at least one character with.
 */
export function touchedSegments(doc: Pick<Document, 'segmentList'>, c: SpanFields): [number, number] {
  const list = doc.segmentList;
  let lo = 0;
  let hi = list.length;
  if (!hasColumns(c)) {
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list.endLine(mid) < c.startLine) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < list.length && list.startLine(end) <= c.endLine) end++;
    return [lo, end];
  }
  const r = lineIndexOf(doc).range(c);
  if ('problem' in r) return [0, 0];
  return segmentsSharing(list, r.start, r.end);
}

/** The segments whose text shares at least one character with the UTF-16 range [start, end) of the document's text, as [first, end) indices. */
export function segmentsSharing(list: SegmentList, start: number, end: number): [number, number] {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list.endOffset(mid) <= start) lo = mid + 1;
    else hi = mid;
  }
  let to = lo;
  while (to < list.length && list.startOffset(to) < end) to++;
  return [lo, to];
}

/**
 * Some lines of a document's text with their index: `index.text` is lines `firstLine` onwards,
 * starting at offset `base` of the whole text (1 and 0 for the whole text). `lo`..`hi`: the
 * segments it is known to hold whole.
 */
export interface LinesView {
  index: LineIndex;
  base: number;
  firstLine: number;
  lo: number;
  hi: number;
}

/**
 * The lines some codings mark and the segments on them (every segment a coding of those lines,
 * whole or exact, touches), read in one piece without the rest of the text
 * (SegmentList.linesReader), or undefined when they cannot be (no reader, no segment there, a
 * caption's own text, anything that does not add up): the caller reads the whole text then. What
 * is read is checked against the segments' columns: each segment within it, starting and ending on
 * its own lines. `previous`: lines read before from the same list, given again when they hold what
 * these codings need.
 */
export function codedLines(list: SegmentList, spans: readonly SpanFields[], previous?: LinesView): LinesView | undefined {
  const reader = list.linesReader;
  if (!reader) return undefined;
  const want = linesWanted(list, spans);
  if (!want) return undefined;
  // The lines read before, when they hold these (the same passage, another coder).
  if (previous && holds(previous, want)) return previous;
  if (!readable(list, want)) return undefined;
  const read = reader(list.startOffset(want.lo), list.startLine(want.lo), want.firstLine, want.lastLine, list.endOffset(want.hi - 1));
  return read ? linesView(list, want, read) : undefined;
}

/**
 * codedLines of each group of codings (each group's lines in one piece, as codedLines reads them),
 * the file opened once for all of them when the reader can (LinesReader.many): the lines a
 * transcript's codings mark, read as a few pieces near them rather than one piece from the first
 * coded line to the last. A group with nothing to read, or whose read does not add up, is undefined.
 */
export function codedLinesMany(list: SegmentList, groups: ReadonlyArray<readonly SpanFields[]>): Array<LinesView | undefined> {
  const out: Array<LinesView | undefined> = groups.map(() => undefined);
  const reader = list.linesReader;
  if (!reader) return out;
  const wants: Array<LinesWanted | undefined> = groups.map((g) => {
    const want = linesWanted(list, g);
    return want && readable(list, want) ? want : undefined;
  });
  const asked: number[] = [];
  const requests: LinesRequest[] = [];
  wants.forEach((want, i) => {
    if (!want) return;
    asked.push(i);
    requests.push({ anchor: list.startOffset(want.lo), anchorLine: list.startLine(want.lo), from: want.firstLine, to: want.lastLine, hint: list.endOffset(want.hi - 1) });
  });
  if (requests.length === 0) return out;
  const reads = reader.many ? reader.many(requests) : requests.map((q) => reader(q.anchor, q.anchorLine, q.from, q.to, q.hint));
  asked.forEach((i, k) => {
    const read = reads[k];
    if (read) out[i] = linesView(list, wants[i]!, read);
  });
  return out;
}

/** The segments [lo, hi) some codings touch and the lines firstLine..lastLine that hold them and the codings. */
interface LinesWanted {
  lo: number;
  hi: number;
  firstLine: number;
  lastLine: number;
}

function linesWanted(list: SegmentList, spans: readonly SpanFields[]): LinesWanted | undefined {
  const touched = [0, 0];
  let lo = list.length;
  let hi = 0;
  let firstLine = Number.MAX_SAFE_INTEGER;
  let lastLine = 0;
  for (const c of spans) {
    list.linesTouched(c.startLine, c.endLine, touched);
    const [from, to] = touched as [number, number];
    // No segment there: that coding's text is made from the whole text.
    if (from >= to) continue;
    lo = Math.min(lo, from);
    hi = Math.max(hi, to);
    firstLine = Math.min(firstLine, c.startLine, list.startLine(from));
    lastLine = Math.max(lastLine, c.endLine, list.endLine(to - 1));
  }
  return lo < hi ? { lo, hi, firstLine, lastLine } : undefined;
}

function holds(view: LinesView, want: LinesWanted): boolean {
  return want.lo >= view.lo && want.hi <= view.hi && want.firstLine >= view.firstLine && want.lastLine < view.firstLine + view.index.lineCount;
}

/** No segment there with a text of its own (a caption's): those are not in the file's lines. */
function readable(list: SegmentList, want: LinesWanted): boolean {
  for (let i = want.lo; i < want.hi; i++) if (list.hasExplicitText(i)) return false;
  return true;
}

/** The view of what was read, checked against the segments' columns: each segment within it, starting and ending on its own lines; else undefined. */
function linesView(list: SegmentList, want: LinesWanted, read: { text: string; start: number }): LinesView | undefined {
  const { lo, hi, firstLine, lastLine } = want;
  const index = new LineIndex(read.text);
  if (index.lineCount !== lastLine - firstLine + 1) return undefined;
  const base = read.start;
  const { starts } = index;
  const n = starts.length;
  for (let i = lo; i < hi; i++) {
    const s = list.startOffset(i) - base;
    const e = list.endOffset(i) - base;
    if (s < 0 || e < s || e > read.text.length) return undefined;
    // On their own lines (what index.lineAt would find, without a search: the line is known).
    const a = list.startLine(i) - firstLine;
    const b = list.endLine(i) - firstLine;
    if (a < 0 || b >= n || starts[a]! > s || (a + 1 < n && starts[a + 1]! <= s) || starts[b]! > e || (b + 1 < n && starts[b + 1]! <= e)) return undefined;
  }
  return { index, base, firstLine, lo, hi };
}
