import { countWords } from '../text/words.js';
import { paragraphText } from './paragraph.js';
import { Segment, segmentId, type SpeakerRole } from './types.js';

const ROLES: readonly SpeakerRole[] = ['interviewer', 'participant', 'other', 'note'];
const ROLE_CODE: Record<SpeakerRole, number> = { interviewer: 0, participant: 1, other: 2, note: 3 };
/** Columns per segment: startLine, endLine, start, end, turn, speaker index (-1: none). */
const W = 6;

/**
 * Lines `from`..`to` (1-based) of a document's text read without the rest of it: the text from the
 * start of line `from` to the end of line `to` (its line break left out) and the UTF-16 offset of
 * that start in the whole text. `anchor` is an offset on line `anchorLine` (from..to); reading is
 * likely to end near `hint`. Undefined when the lines cannot be read so (the file has fewer, or
 * cannot vouch that its bytes are those the segments were made from): the whole text is read then.
 */
export type LinesReader = ((anchor: number, anchorLine: number, from: number, to: number, hint: number) => LinesRead) & {
  /**
   * Several such reads of the same file at once (the file opened once, its stamp checked once
   * after all of them): each request's answer as the reader itself would give it, or undefined.
   * Optional: a reader without it is called once per request.
   */
  many?: (requests: readonly LinesRequest[]) => LinesRead[];
};

/** What a LinesReader gives: the lines' text and the offset of its start in the whole text, or undefined. */
export type LinesRead = { text: string; start: number } | undefined;

/** One read of a LinesReader's `many`: the reader's arguments. */
export interface LinesRequest {
  anchor: number;
  anchorLine: number;
  from: number;
  to: number;
  hint: number;
}

/** A SegmentList as plain data (SegmentList.toColumns). */
export interface SegmentColumns {
  n: number;
  data: Int32Array;
  roles: Uint8Array;
  speakers: string[];
  speakerParticipants: Array<string | undefined> | undefined;
  texts: Map<number, string> | undefined;
  /** (Or made when first asked for: the study index's documents, most of which a command never asks the time of.) */
  timestamps: Map<number, string> | undefined | (() => Map<number, string> | undefined);
  parts: Map<number, number> | undefined;
}

/** Columns of `capacity` segments up to this size are cut from a shared slab. */
const SLAB = 1 << 20;
let slab = new ArrayBuffer(0);
let slabUsed = 0;

/**
 * Zeroed columns (`data`, `roles`) for `capacity` segments: small ones are views of a shared slab
 * of memory, cut one after another and never reused (a typed array of its own costs an allocation
 * outside the heap each, several per transcript: a tenth of the segmenting of a big study).
 */
function columns(capacity: number): [Int32Array, Uint8Array] {
  const bytes = capacity * W * 4 + ((capacity + 7) & ~7);
  if (bytes > SLAB / 8) return [new Int32Array(capacity * W), new Uint8Array(capacity)];
  if (slabUsed + bytes > slab.byteLength) {
    slab = new ArrayBuffer(SLAB);
    slabUsed = 0;
  }
  const at = slabUsed;
  slabUsed += bytes;
  return [new Int32Array(slab, at, capacity * W), new Uint8Array(slab, at + capacity * W * 4, capacity)];
}

/** Pushed timestamps as toColumns gives them: by segment, in the segments' order. */
function stampMap(stamps: ReadonlyArray<string | undefined>, n: number): Map<number, string> {
  const out = new Map<number, string>();
  for (let i = 0; i < n && i < stamps.length; i++) {
    const t = stamps[i];
    if (t !== undefined) out.set(i, t);
  }
  return out;
}

/**
 * One document's segments, stored as columns of integers over the document's text rather than as
 * one object per segment: a study of half a million segments then loads at close to the speed of
 * reading its files (see `npm run bench`). `toArray()` gives the Segment objects, made once on
 * first use. A segment's text is read from the document's text when asked for (captions keep
 * theirs explicitly), and the document's text itself may be given lazily, so that a loaded study
 * holds its files' bytes rather than a second, decoded copy of every transcript.
 */
export class SegmentList {
  private data: Int32Array;
  private roles: Uint8Array;
  private n = 0;
  /** Distinct speaker labels in order of first appearance. */
  readonly speakers: string[] = [];
  /** For each of `speakers`: the participant speaking, when not the document's (group interviews). */
  private speakerParticipants: Array<string | undefined> | undefined;
  private texts: Map<number, string> | undefined;
  /** Timestamps by segment: as pushed (`stamps`, holes where none), or as the study index gave them (`timestamps`). */
  private stamps: Array<string | undefined> | undefined;
  private timestamps: SegmentColumns['timestamps'];
  /** Segments that start on the same line as the one before (sentences): their part number. */
  private parts: Map<number, number> | undefined;
  private cache: Segment[] | undefined;

  private sourceText: string | undefined;
  /** Set by the loader when lines of the text can be read without the rest (see LinesReader). */
  linesReader: LinesReader | undefined;

  constructor(
    readonly documentId: string,
    private readonly source: string | (() => string),
    capacity = 64,
  ) {
    if (typeof source === 'string') this.sourceText = source;
    [this.data, this.roles] = columns(capacity);
  }

  get length(): number {
    return this.n;
  }

  push(speaker: string | null, role: SpeakerRole, turn: number, startLine: number, endLine: number, start: number, end: number, text: string | undefined, timestamp: string | undefined): void {
    if (this.n === this.roles.length) this.grow();
    const i = this.n++;
    const o = i * W;
    let s = -1;
    if (speaker !== null) {
      // (The first two labels compared before a search: an interview's two speakers.)
      const sp = this.speakers;
      s = sp[0] === speaker ? 0 : sp[1] === speaker ? 1 : sp.indexOf(speaker);
      if (s < 0) s = sp.push(speaker) - 1;
    }
    const d = this.data;
    d[o] = startLine;
    d[o + 1] = endLine;
    d[o + 2] = start;
    d[o + 3] = end;
    d[o + 4] = turn;
    d[o + 5] = s;
    // (Compared, not looked up in ROLE_CODE: a look-up by a string that varies is slow in V8.)
    this.roles[i] = role === 'participant' ? 1 : role === 'interviewer' ? 0 : role === 'other' ? 2 : 3;
    if (text !== undefined) (this.texts ??= new Map()).set(i, text);
    if (timestamp !== undefined) (this.stamps ??= [])[i] = timestamp;
    if (i > 0 && d[o - W] === startLine) (this.parts ??= new Map()).set(i, (this.parts?.get(i - 1) ?? 1) + 1);
    this.cache = undefined;
  }

  /** Record that `label` is participant `id` speaking (group interviews). */
  setSpeakerParticipant(label: string, id: string): void {
    const s = this.speakers.indexOf(label);
    if (s < 0) return;
    (this.speakerParticipants ??= [])[s] = id;
    this.cache = undefined;
  }

  private grow(): void {
    const [data, roles] = columns(Math.max(16, this.roles.length * 2));
    data.set(this.data);
    this.data = data;
    roles.set(this.roles);
    this.roles = roles;
  }

  startLine(i: number): number {
    return this.data[i * W]!;
  }

  /**
   * The segments a whole-line coding of lines `from`..`to` touches, found as touchedSegments
   * (span.ts) finds them (the first segment ending on or after `from`, then those starting on or
   * before `to`), into out[0]..out[1] (end exclusive): the analyses call it once per coding.
   */
  linesTouched(from: number, to: number, out: number[]): void {
    const d = this.data;
    const n = this.n;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (d[mid * W + 1]! < from) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < n && d[end * W]! <= to) end++;
    out[0] = lo;
    out[1] = end;
  }

  endLine(i: number): number {
    return this.data[i * W + 1]!;
  }

  role(i: number): SpeakerRole {
    return ROLES[this.roles[i]!]!;
  }

  /** Speaker label as written, or null for text outside any turn. */
  speaker(i: number): string | null {
    const s = this.data[i * W + 5]!;
    return s < 0 ? null : this.speakers[s]!;
  }

  /** Index of the segment's label in `speakers`, or -1. */
  speakerIndex(i: number): number {
    return this.data[i * W + 5]!;
  }

  /** The participant speaking when not the document's participant (group interviews). */
  participant(i: number): string | undefined {
    const s = this.data[i * W + 5]!;
    return s < 0 ? undefined : this.speakerParticipants?.[s];
  }

  turn(i: number): number {
    return this.data[i * W + 4]!;
  }

  /** Offsets of the segment's text in the document's text (0-based UTF-16, end exclusive). */
  startOffset(i: number): number {
    return this.data[i * W + 2]!;
  }

  endOffset(i: number): number {
    return this.data[i * W + 3]!;
  }

  timestamp(i: number): string | undefined {
    if (this.stamps !== undefined) return this.stamps[i];
    return this.timestampMap()?.get(i);
  }

  private timestampMap(): Map<number, string> | undefined {
    const t = this.timestamps;
    return typeof t === 'function' ? (this.timestamps = t()) : t;
  }

  /** Whether the segment's text was given explicitly (captions, Whisper) rather than read from the file. */
  hasExplicitText(i: number): boolean {
    return this.texts?.has(i) === true;
  }

  /** The segment's stable id (see Segment.id). */
  id(i: number): string {
    return segmentId(this.documentId, this.data[i * W]!, this.parts?.get(i) ?? 1);
  }

  /** Number of segments spoken by `role`. */
  count(role: SpeakerRole): number {
    const code = ROLE_CODE[role];
    let c = 0;
    for (let i = 0; i < this.n; i++) if (this.roles[i] === code) c++;
    return c;
  }

  /** The document's decoded text (decoded on first use when given lazily). */
  get sourceTextValue(): string {
    if (this.sourceText === undefined) this.sourceText = (this.source as () => string)();
    return this.sourceText;
  }

  /** Whether the text is in memory: given as a string, or read (lazily) and not let go since. */
  get holdsText(): boolean {
    return this.sourceText !== undefined;
  }

  /** Lets go of a text read lazily (it is read again when next asked for); a text given as a string is kept. */
  releaseText(): void {
    if (typeof this.source !== 'string') this.sourceText = undefined;
  }

  /**
   * Whether segment i's text is exactly sourceTextValue.slice(startOffset(i), endOffset(i)): one
   * line, no text of its own (captions keep theirs). Scanners then read it in place.
   */
  isSlice(i: number): boolean {
    if (this.texts?.has(i)) return false;
    const o = i * W;
    const nl = this.sourceTextValue.indexOf('\n', this.data[o + 2]!);
    return nl < 0 || nl >= this.data[o + 3]!;
  }

  /**
   * What the segments' texts are made from, as the loader keys them (the transcript's hash and the
   * setup's: the study index); undefined when unknown. Equal keys, equal texts.
   */
  contentKey: string | undefined;

  /** Word counts kept per segment (-1: not counted yet), when the loader keeps them (the study index). */
  private wordCounts: Int32Array | undefined;
  /** Where the kept counts come from, until they are first asked for (the study index reads them only then). */
  private wordCountsFrom: (() => Int32Array | undefined) | undefined;
  /**
   * Set by the loader when it can keep the counts (the study index): called once, at the first
   * count this list did not have; `wordCountsSoFar` then gives them.
   */
  onWordsCounted: (() => void) | undefined;

  /** countWords of segment i's text: from counts the loader gave, else counted (and kept when the loader keeps them). */
  words(i: number): number {
    const w = this.wordCountsFrom === undefined ? this.wordCounts : this.keptCounts();
    if (w === undefined) return countWords(this.text(i));
    let n = w[i]!;
    if (n < 0) {
      n = w[i] = countWords(this.text(i));
      const tell = this.onWordsCounted;
      this.onWordsCounted = undefined;
      tell?.();
    }
    return n;
  }

  /**
   * Keep word counts from here on, starting from `known` (the loader's, from the study index; -1:
   * not counted), or from what `known()` gives when a count is first asked for.
   */
  keepWordCounts(known?: Int32Array | (() => Int32Array | undefined)): void {
    if (typeof known === 'function') {
      this.wordCounts = undefined;
      this.wordCountsFrom = known;
      return;
    }
    this.wordCountsFrom = undefined;
    this.wordCounts = known !== undefined && known.length === this.n ? known : new Int32Array(this.n).fill(-1);
  }

  private keptCounts(): Int32Array {
    const from = this.wordCountsFrom!;
    this.wordCountsFrom = undefined;
    const known = from();
    return (this.wordCounts = known !== undefined && known.length === this.n ? known : new Int32Array(this.n).fill(-1));
  }

  /** The counts so far (-1: not counted), for the study index. */
  wordCountsSoFar(): Int32Array | undefined {
    return this.wordCountsFrom === undefined ? this.wordCounts : this.keptCounts();
  }

  text(i: number): string {
    const explicit = this.texts?.get(i);
    if (explicit !== undefined) return explicit;
    const o = i * W;
    return paragraphText(this.sourceTextValue, this.data[o + 2]!, this.data[o + 3]!);
  }

  /** Segment i's text as `text` gives it, read from `source`: the part of the document's text that starts at offset `base` and holds the segment (LinesReader). */
  textIn(i: number, source: string, base: number): string {
    const explicit = this.texts?.get(i);
    if (explicit !== undefined) return explicit;
    const o = i * W;
    return paragraphText(source, this.data[o + 2]! - base, this.data[o + 3]! - base);
  }

  /** Segment i as an object (its text given, or read from the document's text). */
  at(i: number, text?: string): Segment {
    const d = this.data;
    const o = i * W;
    const s = d[o + 5]!;
    return new Segment(this.documentId, i, s < 0 ? null : this.speakers[s]!, this.role(i), d[o + 4]!, d[o]!, d[o + 1]!, d[o + 2]!, d[o + 3]!, text ?? this.text(i), this.timestamp(i), s < 0 ? undefined : this.speakerParticipants?.[s], this.parts?.get(i) ?? 1);
  }

  /** The list as plain data (typed columns and maps), for the study index; fromColumns makes it again. */
  toColumns(): SegmentColumns & { timestamps: Map<number, string> | undefined } {
    return { n: this.n, data: this.data.slice(0, this.n * W), roles: this.roles.slice(0, this.n), speakers: [...this.speakers], speakerParticipants: this.speakerParticipants, texts: this.texts, timestamps: this.stamps !== undefined ? stampMap(this.stamps, this.n) : this.timestampMap(), parts: this.parts };
  }

  /** A list from toColumns' data, over the same source text (given lazily, as the loader does). */
  static fromColumns(documentId: string, source: string | (() => string), c: SegmentColumns): SegmentList {
    const list = new SegmentList(documentId, source, 0);
    list.n = c.n;
    list.data = c.data;
    list.roles = c.roles;
    for (const s of c.speakers) list.speakers.push(s);
    list.speakerParticipants = c.speakerParticipants;
    list.texts = c.texts;
    list.timestamps = c.timestamps;
    list.parts = c.parts;
    return list;
  }

  toArray(): Segment[] {
    if (!this.cache) {
      const out = new Array<Segment>(this.n);
      for (let i = 0; i < this.n; i++) out[i] = this.at(i);
      this.cache = out;
    }
    return this.cache;
  }
}
