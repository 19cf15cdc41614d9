import { paragraphText } from './paragraph.js';
import { Segment, type SpeakerRole } from './types.js';

const ROLES: readonly SpeakerRole[] = ['interviewer', 'participant', 'other'];
const ROLE_CODE: Record<SpeakerRole, number> = { interviewer: 0, participant: 1, other: 2 };
/** Columns per segment: startLine, endLine, start, end, turn, speaker index (-1: none). */
const W = 6;

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
  private texts: Map<number, string> | undefined;
  private timestamps: Map<number, string> | undefined;
  private cache: Segment[] | undefined;

  private sourceText: string | undefined;

  constructor(
    readonly documentId: string,
    private readonly source: string | (() => string),
    capacity = 64,
  ) {
    if (typeof source === 'string') this.sourceText = source;
    this.data = new Int32Array(capacity * W);
    this.roles = new Uint8Array(capacity);
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
      s = this.speakers.indexOf(speaker);
      if (s < 0) s = this.speakers.push(speaker) - 1;
    }
    const d = this.data;
    d[o] = startLine;
    d[o + 1] = endLine;
    d[o + 2] = start;
    d[o + 3] = end;
    d[o + 4] = turn;
    d[o + 5] = s;
    this.roles[i] = ROLE_CODE[role];
    if (text !== undefined) (this.texts ??= new Map()).set(i, text);
    if (timestamp !== undefined) (this.timestamps ??= new Map()).set(i, timestamp);
    this.cache = undefined;
  }

  private grow(): void {
    const data = new Int32Array(this.data.length * 2);
    data.set(this.data);
    this.data = data;
    const roles = new Uint8Array(this.roles.length * 2);
    roles.set(this.roles);
    this.roles = roles;
  }

  startLine(i: number): number {
    return this.data[i * W]!;
  }

  endLine(i: number): number {
    return this.data[i * W + 1]!;
  }

  role(i: number): SpeakerRole {
    return ROLES[this.roles[i]!]!;
  }

  /** Give every segment the same role (a transcript without any speaker labels). */
  setAllRoles(role: SpeakerRole): void {
    this.roles.fill(ROLE_CODE[role], 0, this.n);
    this.cache = undefined;
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

  text(i: number): string {
    const explicit = this.texts?.get(i);
    if (explicit !== undefined) return explicit;
    const o = i * W;
    return paragraphText(this.sourceTextValue, this.data[o + 2]!, this.data[o + 3]!);
  }

  at(i: number): Segment {
    const d = this.data;
    const o = i * W;
    const s = d[o + 5]!;
    return new Segment(this.documentId, i, s < 0 ? null : this.speakers[s]!, this.role(i), d[o + 4]!, d[o]!, d[o + 1]!, d[o + 2]!, d[o + 3]!, this.text(i), this.timestamps?.get(i));
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
