import type { Codebook } from '../codebook/types.js';
import type { Coding, Finished } from '../coding/types.js';
import type { SegmentList } from '../transcript/segment-list.js';
import type { Segment, TranscriptFormat } from '../transcript/types.js';

/** One time point of a longitudinal study; a cross-sectional study has exactly one. */
export interface Wave {
  id: string;
  label: string;
  /** 0-based position in the study's wave order. */
  index: number;
}

/** A person interviewed, with the attribute columns of participants.csv. */
export interface Participant {
  id: string;
  attributes: Record<string, string>;
  /** Line of the row in participants.csv. */
  line: number;
}

/** One transcript: one participant at one wave. */
export interface Document {
  /** `participant/wave`, e.g. `MS07/post`. */
  id: string;
  participant: string;
  wave: string;
  /** Path relative to the study folder, with forward slashes. */
  file: string;
  format: TranscriptFormat;
  /** Interviewer name from front matter, if any. */
  interviewer?: string;
  /** Interview date (YYYY-MM-DD) from front matter, if any. */
  date?: string;
  language: string;
  /** Extra front-matter keys. */
  attributes: Record<string, unknown>;
  /** The document's segments as objects (made on first use from `segmentList`). */
  readonly segments: readonly Segment[];
  /** The same segments in compact columns: counts and roles without making objects. */
  segmentList: SegmentList;
  /** Distinct speaker labels in order of first appearance. */
  speakers: string[];
  lineCount: number;
}

export interface StudyConfig {
  title: string;
  language: string;
  waves: Wave[];
  participants: { file: string; id: string };
  transcripts: { paths: string[]; name: string };
  codebooks: string[];
  speakers: { interviewers: string[]; participants: string[] };
  attribution: string;
  /** Manuscript outputs written by `qualwave build`: a command line and the file it goes to. */
  outputs: OutputSpec[];
}

export interface OutputSpec {
  /** Path relative to the study folder. */
  file: string;
  /** The qualwave command line, split into arguments (without "qualwave"). */
  args: string[];
  /** Line in qualwave.yaml, for messages. */
  line?: number;
}

export interface Study {
  /** Absolute path of the study folder (the one holding qualwave.yaml). */
  root: string;
  config: StudyConfig;
  participants: Participant[];
  documents: Document[];
  codebook: Codebook;
  /** Every coder's codings (codings/CODER.tsv), in file order per coder. */
  codings: Coding[];
  /** Coders with a codings file (or a finished-transcripts file), sorted. */
  coders: string[];
  /** Transcripts each coder marked finished (codings/CODER.finished.tsv). */
  finished: Finished[];
}
