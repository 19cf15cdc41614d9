import type { Coding } from '../coding/types.js';
import type { CodingColumns } from './coding-columns.js';

/**
 * A study to write, made from another tool's project (REFI-QDA, Taguette), and the report of what
 * became of the project: how many codings were placed on text that verifies them, which could not
 * be verified (listed), and everything left out, by kind. Pure data: src/io/import-study.ts writes it.
 */
export interface PlannedTranscript {
  participant: string;
  wave: string;
  /** The text as the project stores it (line breaks as stored). */
  text: string;
  /** The source's name in the project. */
  source: string;
  /** Path in the study (from a qualwave export's note); default transcripts/PARTICIPANT_WAVE.txt. */
  file?: string;
  /** Write a UTF-8 byte order mark (the transcript had one when qualwave exported it). */
  bom: boolean;
}

export interface UnverifiedCoding {
  coder: string;
  participant: string;
  wave: string;
  code: string;
  /** The span it was given ('' when it could not be placed at all). */
  lines: string;
  /** The text at that span (shortened). */
  text: string;
  why: string;
  /** Whether the coding is in the study (at `lines`), or left out. */
  placed: boolean;
  /** The selection's or highlight's id in the project. */
  selection?: string;
}

export interface TagCount {
  tag: string;
  code: string;
  /** Highlights (database) or rows (CSV) with this tag in the project. */
  highlights: number;
  codings: number;
  placed: number;
  unverified: number;
  /** Left out (duplicates, no text); the report's lists say which. */
  dropped: number;
}

export interface ImportReport {
  format: 'refi-qda' | 'taguette-database' | 'taguette-csv';
  /** How selection positions were read, and why (REFI-QDA). */
  reading?: { id: string; description: string; evidence: string; considered: Array<{ id: string; byName: number; byWords: number }> };
  codes: number;
  codings: number;
  placed: number;
  unverified: number;
  sources: number;
  cases: number;
  users: number;
  coders: number;
  dropped: Record<string, number>;
  unverifiedCodings: UnverifiedCoding[];
  /** Sources left out, and why (no text anywhere, a format that cannot be read). */
  skipped: Array<{ source: string; reason: string; selections: number }>;
  /** qualwave's own files given back as they were exported (a qualwave project, unchanged). */
  restored: string[];
  /** Per tag (Taguette): counts that add up. */
  tags?: TagCount[];
  notes: string[];
}

export interface ImportPlan {
  title: string;
  waves: Array<{ id: string; label: string }>;
  participants: Array<{ id: string; attributes: Record<string, string> }>;
  attributes: string[];
  transcripts: PlannedTranscript[];
  codebooks: Array<{ file: string; text: string }>;
  /** Per coder, the codings (a REFI-QDA import keeps them in columns: coding-columns.ts). */
  codings: Map<string, readonly Coding[] | CodingColumns>;
  report: ImportReport;
  /** qualwave.yaml as exported (restored), else made from the fields here. */
  config?: string;
  participantsFile?: { file: string; text: string };
  /** Per coder, the finished-transcripts file as exported; else every transcript of the project. */
  finished?: Map<string, string>;
  attribution?: string;
  names?: string[];
  /** Other files of the study to write as they are (case summaries from a qualwave export). */
  others?: Array<{ file: string; text: string }>;
}

export function emptyReport(format: ImportReport['format']): ImportReport {
  return { format, codes: 0, codings: 0, placed: 0, unverified: 0, sources: 0, cases: 0, users: 0, coders: 0, dropped: {}, unverifiedCodings: [], skipped: [], restored: [], notes: [] };
}
