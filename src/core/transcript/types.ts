export type TranscriptFormat = 'text' | 'markdown' | 'vtt' | 'srt' | 'docx' | 'json';

/**
 * Whose speech a segment is. `other`: a speaker who is neither an interviewer nor the participant;
 * `note`: text that is nobody's speech (a researcher's note, a title, a service's header line).
 */
export type SpeakerRole = 'interviewer' | 'participant' | 'other' | 'note';

/** The roles a label can be given in `speakers.map`. */
export const SPEAKER_ROLES: readonly SpeakerRole[] = ['interviewer', 'participant', 'other', 'note'];

/**
 * Whose text is text outside any speaker turn (before the first label, or a file without labels):
 * a role, or `none` (not segmented: neither coded nor counted).
 */
export type UnlabelledRole = 'interviewer' | 'participant' | 'note' | 'none';
export const UNLABELLED_ROLES: readonly UnlabelledRole[] = ['interviewer', 'participant', 'note', 'none'];

/**
 * How a transcript is cut into segments: `paragraph` (blank lines separate; in captions and
 * Whisper files, a speaker turn), `line` (every line, caption cue or Whisper segment), `sentence`
 * (every sentence of a paragraph) or `bullet` (paragraphs, and every bullet item on its own).
 */
export type SegmentMode = 'paragraph' | 'line' | 'sentence' | 'bullet';
export const SEGMENT_MODES: readonly SegmentMode[] = ['paragraph', 'line', 'sentence', 'bullet'];

/** Transcription services and tools whose export layout qualwave recognises. */
export type TranscriptSource = 'otter' | 'rev' | 'teams' | 'zoom' | 'whisper' | 'whisperx';

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
    /** `hh:mm:ss` (or `hh:mm:ss.mmm` from subtitles and Whisper) when the source gave one. */
    public timestamp: string | undefined = undefined,
    /**
     * In a group interview, the participant speaking when it is not the document's participant
     * (their label is their id, or `speakers.map` maps it to them).
     */
    public participant: string | undefined = undefined,
    /** 2, 3, ... for the second, third segment starting on the same line (sentences); else 1. */
    readonly part: number = 1,
  ) {}

  /**
   * Stable id: `participant/wave#Lline`, e.g. `MS07/post#L23`; the same for an unchanged file.
   * A second sentence starting on the same line is `MS07/post#L23.2`.
   */
  get id(): string {
    return segmentId(this.documentId, this.startLine, this.part);
  }

  toJSON(): Record<string, unknown> {
    const { documentId, part: _part, ...rest } = this;
    const out: Record<string, unknown> = { id: this.id, document: documentId, ...rest };
    if (this.timestamp === undefined) delete out['timestamp'];
    if (this.participant === undefined) delete out['participant'];
    return out;
  }
}

export function segmentId(documentId: string, startLine: number, part = 1): string {
  return part > 1 ? `${documentId}#L${startLine}.${part}` : `${documentId}#L${startLine}`;
}
