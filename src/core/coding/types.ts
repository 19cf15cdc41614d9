/**
 * One application of one code to a span of one document by one coder (span.ts): whole lines
 * (startLine..endLine, no columns) or the exact characters from startLine:startColumn to
 * endLine:endColumn. Lines are 1-based as an editor shows them in the transcript file (front
 * matter included); columns 1-based in code points, the end included.
 */
export interface Coding {
  coder: string;
  participant: string;
  wave: string;
  startLine: number;
  endLine: number;
  /** With endColumn: an exact span. Both absent: whole lines. */
  startColumn?: number;
  endColumn?: number;
  code: string;
  exemplar: boolean;
  memo?: string;
  /** Hash of the coded text when the coding was saved (text.ts): detects transcripts edited since. */
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

/** The coder `qualwave suggest` writes by default (learned suggestions: a machine coder, never a person). */
export const SUGGEST_CODER = 'suggest';

/** Suggestion coders are named `suggest` or `suggest-…`/`suggest_…`/`suggest.…`: never taken for a human coder. */
export function isSuggestionCoder(name: string): boolean {
  return name === SUGGEST_CODER || /^suggest[-_.]/.test(name);
}

/** A coder whose codings a person made: not the keyword auto-coder, not a suggestion coder (the consensus counts as human work). */
export function isHumanCoder(name: string): boolean {
  return name !== AUTO_CODER && !isSuggestionCoder(name);
}

/** A coding's identity: coder, transcript, span and code (two memos on the same span and code are one coding). */
export function codingKey(c: Pick<Coding, 'coder' | 'participant' | 'wave' | 'startLine' | 'endLine' | 'startColumn' | 'endColumn' | 'code'>): string {
  // Joined, the key is one flat string (about 50 bytes); a template literal of these 15 pieces
  // makes a tree of string pieces (about 340 bytes a key kept in a map: 79 MB for a coder file of
  // 231,000 codings checked for duplicates). The same string either way.
  return [c.coder, c.participant, c.wave, c.startLine, c.endLine, c.startColumn ?? '', c.endColumn ?? '', c.code].join('\u0000');
}

/** Just the span fields of a coding (for a copy that changes only its place). */
export function spanOf(c: Pick<Coding, 'startLine' | 'endLine' | 'startColumn' | 'endColumn'>): Pick<Coding, 'startLine' | 'endLine' | 'startColumn' | 'endColumn'> {
  return c.startColumn !== undefined && c.endColumn !== undefined ? { startLine: c.startLine, endLine: c.endLine, startColumn: c.startColumn, endColumn: c.endColumn } : { startLine: c.startLine, endLine: c.endLine };
}

/** The coding moved to another span (columns dropped for whole lines). */
export function withSpan(c: Coding, span: Pick<Coding, 'startLine' | 'endLine' | 'startColumn' | 'endColumn'>): Coding {
  const { startColumn: _a, endColumn: _b, ...rest } = c;
  return { ...rest, ...spanOf(span) };
}
