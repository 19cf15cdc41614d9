/**
 * A problem found while loading or checking a study. Every problem names the file and, where it
 * applies, the 1-based line and column, says what is wrong and (in `hint`) what to do about it.
 */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** Path of the file, relative to the study folder when inside it. */
  file: string;
  line?: number;
  column?: number;
  message: string;
  /** What the researcher can do about it. */
  hint?: string;
  /** `drift`: a coding whose text moved or changed because the transcript was edited (qualwave codings reanchor fixes it). */
  kind?: 'drift';
}

export function error(file: string, line: number | undefined, message: string, hint?: string, column?: number): Diagnostic {
  return make('error', file, line, message, hint, column);
}

export function warning(file: string, line: number | undefined, message: string, hint?: string, column?: number): Diagnostic {
  return make('warning', file, line, message, hint, column);
}

function make(severity: Severity, file: string, line: number | undefined, message: string, hint: string | undefined, column: number | undefined): Diagnostic {
  const d: Diagnostic = { severity, file, message };
  if (line !== undefined) d.line = line;
  if (column !== undefined) d.column = column;
  if (hint !== undefined) d.hint = hint;
  return d;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** `file:line:column` as editors and terminals understand it. */
export function location(d: Pick<Diagnostic, 'file' | 'line' | 'column'>): string {
  let s = d.file;
  if (d.line !== undefined) {
    s += `:${d.line}`;
    if (d.column !== undefined) s += `:${d.column}`;
  }
  return s;
}

/** Deterministic order: by file, then line, then column, errors before warnings, then message. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => compareStrings(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) || compareStrings(a.message, b.message));
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
