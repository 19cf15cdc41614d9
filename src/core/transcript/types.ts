export type TranscriptFormat = 'text' | 'markdown' | 'vtt' | 'srt' | 'docx';

/** Whose speech a segment is. `other`: a speaker who is neither an interviewer nor the participant. */
export type SpeakerRole = 'interviewer' | 'participant' | 'other';

/**
 * The unit of text that is coded and counted: one paragraph of a speaker turn (one merged run of
 * cues in WebVTT/SRT). Lines are 1-based as an editor shows them in the source file (front matter
 * included); offsets are 0-based UTF-16 offsets into the decoded file text (after any BOM).
 */
export interface Segment {
  /** Stable id: `participant/wave#Lline`, e.g. `MS07/post#L23`. */
  id: string;
  /** 0-based position in the document. */
  index: number;
  /** Speaker label as written (`Interviewer`, `MS07`), or null for text before any label. */
  speaker: string | null;
  role: SpeakerRole;
  /** 0-based index of the speaker turn this paragraph belongs to. */
  turn: number;
  startLine: number;
  endLine: number;
  start: number;
  end: number;
  /** The paragraph's text without speaker label and timestamps; lines joined with "\n". */
  text: string;
  words: number;
  /** `hh:mm:ss` (or `hh:mm:ss.mmm` from subtitles) when the source gave one. */
  timestamp?: string;
}
