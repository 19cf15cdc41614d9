import { relative, resolve } from 'node:path';
import { Chalk, type ChalkInstance } from 'chalk';
import { hasErrors, type Diagnostic } from '../core/diagnostics/diagnostic.js';
import { terminalMessage } from '../core/format/escape.js';
import type { Study } from '../core/study/types.js';
import { recoverStudy } from '../io/codings.js';
import { FileError } from '../io/errors.js';
import { findStudyRoot, loadStudy } from '../io/load-study.js';
import { pendingJournal, readOnly, writeFileAtomic } from '../io/write.js';
import { InputError, UsageError } from './errors.js';
import { formatDiagnostics } from './report.js';

export interface GlobalOptions {
  study?: string;
  format?: string;
  output?: string;
  force?: boolean;
  quiet?: boolean;
  color?: boolean;
  debug?: boolean;
  allowOutside?: boolean;
}

/** Decide colour ourselves (chalk 5 ignores NO_COLOR): --no-color, NO_COLOR, FORCE_COLOR, TTY. */
export function colorEnabled(stream: NodeJS.WriteStream, flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag === false) return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined) return env['FORCE_COLOR'] !== '0' && env['FORCE_COLOR'] !== 'false';
  return stream.isTTY === true;
}

/**
 * While set, commands' output goes here instead of stdout or --output: `qualwave build` runs each
 * of the study's outputs through the ordinary commands and collects what they would print.
 */
export const capture: { text: string | undefined } = { text: undefined };

const EXTENSIONS: Record<string, string> = { qdpx: 'qdpx', qdc: 'qdc', svg: 'svg', docx: 'docx', csv: 'csv', tsv: 'tsv', md: 'md', markdown: 'md', tex: 'latex', json: 'json', html: 'html', htm: 'html', txt: 'table' };

/** The format an output file's extension asks for, when the command supports it. */
export function formatFromExtension<F extends string>(file: string | undefined, supported: readonly F[]): F | undefined {
  const ext = file?.slice(file.lastIndexOf('.') + 1).toLowerCase();
  const f = ext ? EXTENSIONS[ext] : undefined;
  return f !== undefined && (supported as readonly string[]).includes(f) ? (f as F) : undefined;
}

/** What a command gets: parsed options, output helpers and study loading. */
export class Context {
  readonly cwd = process.cwd();
  /** Colours for stdout (tables) and stderr (messages). */
  readonly out: ChalkInstance;
  readonly err: ChalkInstance;

  constructor(readonly opts: GlobalOptions & Record<string, unknown>) {
    this.out = new Chalk({ level: colorEnabled(process.stdout, opts.color) && !opts.output ? 1 : 0 });
    this.err = new Chalk({ level: colorEnabled(process.stderr, opts.color) ? 1 : 0 });
  }

  /** A progress or summary message on stderr (silenced by --quiet). */
  info(message: string): void {
    if (!this.opts.quiet) process.stderr.write(terminalMessage(message) + '\n');
  }

  /** The --format value, checked against what the command supports. */
  format<F extends string>(supported: readonly F[], fallback: F): F {
    const f = this.opts.format ?? formatFromExtension(this.opts.output, supported) ?? fallback;
    if (!(supported as readonly string[]).includes(f)) {
      throw new UsageError(`--format ${f} is not supported by this command`, `use one of: ${supported.join(', ')}`);
    }
    return f as F;
  }

  /** Machine-readable or table output: to stdout, or atomically to --output. */
  emit(content: string): void {
    const text = content.endsWith('\n') || content === '' ? content : content + '\n';
    if (capture.text !== undefined) {
      capture.text += text;
      return;
    }
    if (this.opts.output) this.writeOutput(text);
    else process.stdout.write(text);
  }

  /** Binary output (a .docx, a .qdpx): only to --output, atomically. */
  emitBytes(bytes: Uint8Array, what: string): void {
    if (capture.text !== undefined || !this.opts.output) throw new UsageError(`${what} is a binary file: give --output FILE`, `e.g. --output quotes.docx`);
    this.writeOutput(bytes);
  }

  /** To --output, atomically; an existing file only with --force. */
  private writeOutput(content: string | Uint8Array): void {
    const path = resolve(this.cwd, this.opts.output!);
    // Failures (exists without --force, a folder, a device or a link in its place, a full disk)
    // are FileErrors naming the path: the command exits 2 and the file is as it was.
    writeFileAtomic(path, content, { force: this.opts.force === true });
    this.info(`wrote ${this.opts.output}`);
  }

  /** The study folder: positional argument, --study, or the nearest folder upwards with qualwave.yaml. */
  studyRoot(positional?: string): string {
    if (positional !== undefined && this.opts.study !== undefined && resolve(positional) !== resolve(this.opts.study)) {
      throw new UsageError(`two different studies given: '${positional}' and --study '${this.opts.study}'`, 'give the study folder once');
    }
    const given = positional ?? this.opts.study;
    const start = resolve(this.cwd, given ?? '.');
    const root = findStudyRoot(start);
    if (!root || (given !== undefined && root !== start)) {
      throw new UsageError(
        given !== undefined ? `no qualwave.yaml in ${given}` : 'no study here: no qualwave.yaml in this folder or any folder above it',
        given !== undefined ? 'give the folder that holds qualwave.yaml, or create one with: qualwave init DIR' : 'run inside a study folder, pass --study DIR, or create one with: qualwave init DIR',
      );
    }
    return root;
  }

  /**
   * A change that a crash interrupted (a journal in .qualwave/) is finished or undone before the
   * study is read, and said so. When nothing may be written (build --check), it is an error.
   */
  recover(root: string): void {
    const journal = pendingJournal(root);
    if (!journal) return;
    if (readOnly.reason !== undefined) {
      throw new FileError(journal, `an interrupted change to the study is waiting in ${this.display(root, journal)}, and ${readOnly.reason}`, 'run qualwave validate, which finishes or undoes it, then run this again');
    }
    const r = recoverStudy(root);
    if (r) this.info(this.err.yellow(`${r.action === 'finished' ? 'finished' : 'undid'} a change that process ${r.pid} left unfinished (interrupted): ${r.files.join(', ')}${r.action === 'undone' ? ' (kept as they were)' : ''}`));
  }

  /** Path of a study file as shown to the user: relative to where they ran the command. */
  display(root: string, file: string): string {
    const rel = relative(this.cwd, resolve(root, file));
    return rel === '' ? '.' : rel;
  }

  /** Print diagnostics to stderr, with paths the user can click. */
  printDiagnostics(root: string, diagnostics: readonly Diagnostic[], opts: { warnings?: boolean } = {}): void {
    const shown = opts.warnings === false ? diagnostics.filter((d) => d.severity === 'error') : diagnostics;
    if (shown.length === 0) return;
    process.stderr.write(formatDiagnostics(shown, { color: this.err, path: (f) => this.display(root, f) }));
  }

  /**
   * Load the study for a command that needs it whole: errors are printed and stop the command
   * (exit 2); warnings are counted in one line pointing at `qualwave validate`.
   */
  async study(positional?: string): Promise<Study> {
    const root = this.studyRoot(positional);
    this.recover(root);
    const { study, diagnostics } = await loadStudy(root, { allowOutside: this.opts.allowOutside === true });
    if (!study || hasErrors(diagnostics)) {
      this.printDiagnostics(root, diagnostics, { warnings: false });
      const n = diagnostics.filter((d) => d.severity === 'error').length;
      throw new InputError(`the study has ${n} error${n === 1 ? '' : 's'}; fix them (qualwave validate lists every problem) and run again`);
    }
    const warnings = diagnostics.length;
    if (warnings > 0) this.info(this.err.yellow(`${warnings} warning${warnings === 1 ? '' : 's'} (run qualwave validate to see them)`));
    return study;
  }
}
