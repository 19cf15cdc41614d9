export type TranscriptFormat = 'text' | 'markdown' | 'vtt' | 'srt' | 'docx';

/** Whose speech a segment is. `other`: a speaker who is neither an interviewer nor the participant. */
export type SpeakerRole = 'interviewer' | 'participant' | 'other';

/**
 * The unit of text that is coded and counted: one paragraph of a speaker turn (one merged run of
 * cues in WebVTT/SRT). Lines are 1-based as an editor shows them in the source file (front matter
 * included); offsets are 0-based UTF-16 offsets into the decoded file text (after any BOM).
 *
 * A class rather than a plain object so that a study of half a million segments stays small: the
 * id is derived on demand instead of stored (see the load benchmark).
 */
export class Segment {
  constructor(
    /** `participant/wave` of the document. */
    readonly documentId: string,
    /** 0-based position in the document. */
    public index: number,
    /** Speaker label as written (`Interviewer`, `MS07`), or null for text before any label. */
    public speaker: string | null,
    public role: SpeakerRole,
    /** 0-based index of the speaker turn this paragraph belongs to. */
    public turn: number,
    public startLine: number,
    public endLine: number,
    public start: number,
    public end: number,
    /** The paragraph's text without speaker label and timestamps; lines joined with "\n". */
    public text: string,
    /** `hh:mm:ss` (or `hh:mm:ss.mmm` from subtitles) when the source gave one. */
    public timestamp: string | undefined = undefined,
  ) {}

  /** Stable id: `participant/wave#Lline`, e.g. `MS07/post#L23`; the same for an unchanged file. */
  get id(): string {
    return segmentId(this.documentId, this.startLine);
  }

  toJSON(): Record<string, unknown> {
    const { documentId, ...rest } = this;
    const out: Record<string, unknown> = { id: this.id, document: documentId, ...rest };
    if (this.timestamp === undefined) delete out['timestamp'];
    return out;
  }
}

export function segmentId(documentId: string, startLine: number): string {
  return `${documentId}#L${startLine}`;
}
