import type { Codebook } from '../codebook/types.js';
import type { Coding, Finished } from '../coding/types.js';
import type { SpeakerMapEntry } from '../transcript/front-matter.js';
import type { SpeakerInfo } from '../transcript/labels.js';
import type { SegmentList } from '../transcript/segment-list.js';
import type { Segment, SegmentMode, TranscriptFormat, TranscriptSource, UnlabelledRole } from '../transcript/types.js';
import type { NamePattern } from './naming.js';

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
  /** The transcription service or tool whose export layout the file has, when recognised. */
  source?: TranscriptSource;
  /** How the document was cut into segments, and who said so. */
  segmentation: { mode: SegmentMode; from: 'default' | 'study' | 'front matter' };
  /** Whose text outside any turn is, and who said so. */
  unlabelled: { role: UnlabelledRole; from: 'default' | 'study' | 'front matter'; skipped?: { lines: number; words: number } };
  /** Lines of front-matter keys (participant, wave, date, ...), for messages that name them. */
  frontMatterLines?: Record<string, number>;
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
  /** For each of `speakers`: its role, the participant it is (group interviews), and the rule that said so. */
  speakerInfo: SpeakerInfo[];
  lineCount: number;
}

export interface StudyConfig {
  title: string;
  language: string;
  waves: Wave[];
  participants: { file: string; id: string };
  /**
   * `name`: the name pattern as written (the first, when several); `names`: every pattern, tried
   * in order; `segments`: how transcripts are cut into segments unless their front matter says.
   */
  transcripts: { paths: string[]; name: string; names: NamePattern[]; segments: SegmentMode; segmentsLine?: number };
  codebooks: string[];
  /**
   * Speaker labels; `unlabelled`: whose text outside any turn is; `map`: labels to roles or
   * participant ids. `…Line`: where qualwave.yaml sets it (absent: the default).
   */
  speakers: { interviewers: string[]; participants: string[]; unlabelled: UnlabelledRole; unlabelledLine?: number; map: SpeakerMapEntry[] };
  attribution: string;
  /** Manuscript outputs written by `qualwave build`: a command line and the file it goes to. */
  outputs: OutputSpec[];
  /**
   * `pseudonymisation: required`: exports and the report are made only from the pseudonymised
   * study (core/pseudonymisation/record.ts), even before it has been pseudonymised once.
   */
  pseudonymisation?: { required: true; line: number };
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
