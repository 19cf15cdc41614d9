import { createHash } from 'node:crypto';

/**
 * What qualwave knows that REFI-QDA has no element for, kept in the standard's own extension
 * point: a project note (a Note, referenced from the Project) named "qualwave", whose text is this
 * JSON. Other tools show it as a memo and keep or drop it; qualwave reads it back on import.
 *
 * - `study`: title, waves with their labels, the attribution template, transcript name patterns,
 *   the codebook title (used whenever the study is rebuilt from the project).
 * - `files`: qualwave's own files as they were (qualwave.yaml, participants.csv, the codebooks,
 *   finished-transcript lists), each with a digest of what of the project came from it. On import
 *   a file is given back as it was only when that part of the project is unchanged (nobody edited
 *   the codes, the cases, ... in another tool); otherwise it is rebuilt from the project.
 * - `sources`: per source GUID its transcript file, participant, wave, byte order mark.
 * - `selections`: per selection GUID what a selection cannot say: that the coding was whole lines
 *   (and which), its hash and exemplar flag, with the positions it was exported at (used only while
 *   the selection is still there).
 */
export const NOTE_NAME = 'qualwave';
export const NOTE_VERSION = 1;

export interface StudyNote {
  qualwave: number;
  study: {
    title: string;
    waves: Array<{ id: string; label: string }>;
    attribution?: string;
    names?: string[];
    codebookTitle?: string;
  };
  files: Array<{ path: string; text: string; of: string; digest: string }>;
  sources: Record<string, { file: string; participant: string; wave: string; bom?: boolean }>;
  selections: Record<string, { start: number; end: number; lines?: string; hash?: string; exemplar?: boolean }>;
}

export function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** The note's JSON, or undefined (with why) when the text is not one. */
export function readNote(text: string | undefined): { note?: StudyNote; problem?: string } {
  if (!text) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    return { problem: 'its qualwave note is not readable JSON (edited in another tool?): rebuilt from the project' };
  }
  const n = v as Partial<StudyNote>;
  if (!n || typeof n !== 'object' || n.qualwave !== NOTE_VERSION || typeof n.study !== 'object' || !Array.isArray(n.files) || typeof n.sources !== 'object' || typeof n.selections !== 'object') {
    return { problem: `its qualwave note is not one this version reads (version ${String(n?.qualwave)}): rebuilt from the project` };
  }
  return { note: n as StudyNote };
}
