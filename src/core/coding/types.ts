/**
 * One application of one code to a line range of one document by one coder. Lines are 1-based as
 * an editor shows them in the transcript file (front matter included).
 */
export interface Coding {
  coder: string;
  participant: string;
  wave: string;
  startLine: number;
  endLine: number;
  code: string;
  exemplar: boolean;
  memo?: string;
  /** Hash of the coded lines' text when the coding was saved: detects transcripts edited since. */
  hash?: string;
  /** Where the coding was read from, for diagnostics. */
  source?: { file: string; line: number };
}

/**
 * A coder's statement that they read a whole transcript (codings/CODER.finished.tsv): text they
 * did not code there means "no code applies", not "not coded yet".
 */
export interface Finished {
  coder: string;
  participant: string;
  wave: string;
  source?: { file: string; line: number };
}

/** Coder names are file names (`codings/NAME.tsv`) and flag values. */
export const CODER_NAME = /^[\p{L}\p{N}][\p{L}\p{N}_.-]*$/u;

/** A coder name that is usable (and not one that reads as another coder's finished-transcripts file). */
export function isCoderName(name: string): boolean {
  return CODER_NAME.test(name) && !name.endsWith('.finished');
}

/** The machine coder written by `qualwave autocode`, and the coder reconciliation produces. */
export const AUTO_CODER = 'auto';
export const CONSENSUS_CODER = 'consensus';

export function codingKey(c: Pick<Coding, 'coder' | 'participant' | 'wave' | 'startLine' | 'endLine' | 'code'>): string {
  return `${c.coder}\u0000${c.participant}\u0000${c.wave}\u0000${c.startLine}\u0000${c.endLine}\u0000${c.code}`;
}
