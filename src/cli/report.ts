import type { ChalkInstance } from 'chalk';
import { location, type Diagnostic } from '../core/diagnostics/diagnostic.js';
import { terminalText } from '../core/format/escape.js';
import type { BeforeSince } from '../core/agreement/reconcile.js';

/**
 * Diagnostics as `file:line:col: error: message` lines, each followed by its hint, grouped by
 * file (a blank line between files) and counted at the end.
 */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], opts: { color: ChalkInstance; path?: (file: string) => string }): string {
  const c = opts.color;
  const lines: string[] = [];
  let lastFile: string | undefined;
  const files = new Set<string>();
  for (const d of diagnostics) {
    if (lastFile !== undefined && d.file !== lastFile) lines.push('');
    lastFile = d.file;
    files.add(d.file);
    // File names and messages quote the study's text: no control character reaches the terminal.
    const where = terminalText(location({ ...d, file: opts.path ? opts.path(d.file) : d.file }), { oneLine: true });
    const sev = d.severity === 'error' ? c.red.bold('error') : c.yellow.bold('warning');
    lines.push(`${c.bold(where)}: ${sev}: ${terminalText(d.message)}`);
    if (d.hint) lines.push(c.dim(`  hint: ${terminalText(d.hint)}`));
  }
  lines.push('', countLine(diagnostics, files.size));
  return lines.join('\n') + '\n';
}

export function countLine(diagnostics: readonly Diagnostic[], files: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')}`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The differences on codes before their `since:` wave, left out of the meeting (as agree leaves those units out). */
export function beforeSinceNote(list: readonly BeforeSince[], what: string): string {
  const shown = list.slice(0, 5).map((b) => `${b.code} at ${b.participant}/${b.wave}:${b.lines}`);
  return `${plural(list.length, 'difference')} on codes at a wave before their since: wave ${what} (nobody looked for them there; agree leaves those units out too): ${shown.join(', ')}${list.length > 5 ? ', …' : ''} (qualwave validate lists the codings)`;
}
