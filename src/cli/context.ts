import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { Chalk, type ChalkInstance } from 'chalk';
import type { Diagnostic } from '../core/diagnostics/diagnostic.js';
import { InputError, UsageError } from '../core/errors.js';
import { terminalMessage } from '../core/format/escape.js';
import type { Table } from '../core/format/table.js';
import type { Study } from '../core/study/types.js';
import { recoverStudy } from '../io/codings.js';
import { FileError } from '../io/errors.js';
import { findStudyRoot } from '../io/load-study.js';
import { checkTarget, pendingJournal, readOnly, writeFileAtomic } from '../io/write.js';
import { cacheWanted, indexSettings } from '../io/study-index.js';
import { openStudy } from '../api/study.js';
import type { ShellIo } from './io.js';
import type { ParsedOptions } from './options/command.js';
import type { COMMANDS, CommandName } from './options/commands.js';
import { formatDiagnostics } from './report.js';
import { progress, type Progress } from './progress.js';

export { colorEnabled } from './color.js';
import { colorEnabled } from './color.js';

/**
 * How a command runs when it is not run alone: `build` gives every output's command the study it
 * loaded once, collects what it emits, and handles its errors.
 */
export interface Session {
  study?: Study;
  /** Where emitted output (text, or a binary file's bytes) goes instead of stdout or --output. */
  sink?: (content: string | Uint8Array) => void;
  /** An error of the command, instead of printing it. */
  onError?: (e: unknown) => number;
}

/** The typed context of a command: `Ctx<'matrix'>`; AnyCtx for helpers several commands share. */
export type Ctx<K extends CommandName> = Context<ParsedOptions<(typeof COMMANDS)[K]>>;
// biome-ignore lint/suspicious/noExplicitAny: a helper shared by commands reads only the program's options.
export type AnyCtx = Context<any>;

export type Base = { format: unknown; study?: string | undefined; output?: string | undefined; force: boolean; quiet: boolean; color: boolean; cache: boolean; allowOutside: boolean; debug: boolean };

/** What a command gets: its parsed, typed options, output helpers and study loading. */
export class Context<O extends Base = Base & Record<string, unknown>> {
  readonly cwd: string;
  /** Colours for stdout (tables) and stderr (messages). */
  readonly out: ChalkInstance;
  readonly err: ChalkInstance;

  constructor(
    readonly opts: O,
    /** The options given on the command line (by key). */
    readonly given: ReadonlySet<string>,
    readonly io: ShellIo,
    readonly session: Session = {},
  ) {
    this.cwd = io.cwd;
    this.out = new Chalk({ level: colorEnabled(io.stdout, opts.color, io.env) && !opts.output && !session.sink ? 1 : 0 });
    this.err = new Chalk({ level: colorEnabled(io.stderr, opts.color, io.env) && !session.sink ? 1 : 0 });
    // The study index (io/study-index.ts): on unless --no-cache or QUALWAVE_NO_CACHE=1; its notices are messages.
    if (!session.sink) {
      indexSettings.enabled = opts.cache !== false && cacheWanted(io.env);
      indexSettings.notice = (message) => this.info(this.err.yellow(message));
    }
  }

  /** The --format value, resolved and checked against the command's formats. */
  get format(): O['format'] {
    return this.opts.format;
  }

  /** Width for terminal tables: the terminal's when stdout is one (and no --output). */
  get width(): number | undefined {
    return this.io.stdout.isTTY && !this.opts.output && !this.session.sink ? this.io.stdout.columns : undefined;
  }

  /** A progress or summary message on stderr (silenced by --quiet, and inside build). */
  info(message: string): void {
    if (!this.opts.quiet && !this.session.sink) this.io.stderr.write(terminalMessage(message) + '\n');
  }

  /** Progress of long work on stderr (a terminal only; never with --format json, --quiet or inside build): progress.ts. */
  progress(label: string): Progress {
    return progress(label, { enabled: !this.opts.quiet && this.opts.format !== 'json' && !this.session.sink, stream: this.io.stderr as NodeJS.WriteStream });
  }

  /** Text already formatted for stderr (diagnostics). */
  stderr(text: string): void {
    if (!this.session.sink) this.io.stderr.write(text);
  }

  /**
   * Tables for a Word document (--format docx): collected while the command runs, written as one
   * .docx when it has finished (finish()), so that a command with several tables gives one file.
   */
  private wordTables: Table[] | undefined;
  /** The Word document's title, when the command gives one (report). */
  wordTitle: string | undefined;

  addWordTable(table: Table): void {
    (this.wordTables ??= []).push(table);
  }

  /** After the command: the collected Word tables, as one document. */
  async finish(): Promise<void> {
    if (!this.wordTables) return;
    const { tablesDocx } = await import('../io/docx-write.js');
    const tables = this.wordTables;
    this.wordTables = undefined;
    this.emitBytes(await tablesDocx(tables, this.wordTitle ? { title: this.wordTitle } : {}), 'a Word document', 'tables.docx');
  }

  /** Machine-readable or table output: to stdout, or atomically to --output. */
  emit(content: string): void {
    // Word tables are written by finish(); the text a command emits around them (nothing) is not.
    if (this.wordTables !== undefined && content === '') return;
    const text = content.endsWith('\n') || content === '' ? content : content + '\n';
    if (this.session.sink) this.session.sink(text);
    else if (this.opts.output) this.writeOutput(text);
    else this.io.stdout.write(text);
  }

  /** Binary output (a .docx; a .qdpx made in pieces while it is written): only to --output, atomically. */
  emitBytes(bytes: Uint8Array | Iterable<Uint8Array>, what: string, example: string): void {
    if (this.session.sink) this.session.sink(bytes instanceof Uint8Array ? bytes : Buffer.concat([...bytes]));
    else if (!this.opts.output) throw new UsageError(`${what} is a binary file: give --output FILE`, `e.g. --output ${example}`);
    else this.writeOutput(bytes);
  }

  /**
   * Text output made in pieces while it is written (one transcript's rows at a time): the same
   * bytes as emit() of the pieces joined, written as they come to stdout, or atomically to --output.
   * Into a pipe, the next piece is made once the reader has taken the last (else a reader slower
   * than the command would leave the whole output waiting in memory); and every MB or so the event
   * loop gets a turn, where the stream finishes its writes and the garbage collector its work
   * (without one, memory grew to 3x what the output needs).
   */
  async emitTextPieces(pieces: Iterable<string>): Promise<void> {
    if (this.session.sink || this.wordTables !== undefined) {
      this.emit([...pieces].join(''));
      return;
    }
    let last = '';
    const withEnd = function* (): Generator<string> {
      for (const p of pieces) {
        if (p === '') continue;
        last = p;
        // A long piece (a report's section of quotes: 30 MB) goes in parts of a MB: encoded whole, its
        // bytes would be a second copy of it in memory (at the report's peak).
        if (p.length > PART) yield* parts(p);
        else yield p;
      }
      if (last !== '' && !last.endsWith('\n')) yield '\n';
    };
    if (this.opts.output) {
      const encoded = (function* () {
        for (const p of batched(withEnd())) yield Buffer.from(p, 'utf8');
      })();
      this.writeOutput(encoded);
    } else {
      const out = this.io.stdout;
      let since = 0;
      for (const p of batched(withEnd())) {
        since += p.length;
        if (out.write(p) === false && out.once) await new Promise<void>((done) => out.once!('drain', done));
        else if (since > 1 << 20) await new Promise<void>((done) => setImmediate(done));
        else continue;
        since = 0;
      }
    }
  }

  /** To --output, atomically; an existing file only with --force. */
  private writeOutput(content: string | Uint8Array | Iterable<Uint8Array>): void {
    const path = resolve(this.cwd, this.opts.output!);
    // Failures (exists without --force, a folder, a device or a link in its place, a full disk)
    // are FileErrors naming the path: the command exits 2 and the file is as it was.
    writeFileAtomic(path, content, { force: this.opts.force === true });
    this.info(`wrote ${this.opts.output}`);
  }

  /** A file the user named (relative to the working folder), or standard input for `-`. */
  input(file: string): { bytes: Buffer; name: string } {
    if (file === '-') {
      const bytes = this.io.stdinIsTTY ? undefined : this.io.readStdin();
      if (!bytes) throw new UsageError('- reads standard input, and standard input is a terminal', 'pipe the file in (… | qualwave …) or give its path');
      return { bytes, name: '(stdin)' };
    }
    return { bytes: readUserFile(resolve(this.cwd, file), file), name: file };
  }

  /** The study folder: positional argument, --study, or the nearest folder upwards with qualwave.yaml. */
  studyRoot(positional?: string): string {
    const study = this.opts.study;
    if (positional !== undefined && study !== undefined && resolve(this.cwd, positional) !== resolve(this.cwd, study)) {
      throw new UsageError(`two different studies given: '${positional}' and --study '${study}'`, 'give the study folder once');
    }
    const given = positional ?? study;
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
  printDiagnostics(root: string | undefined, diagnostics: readonly Diagnostic[], opts: { warnings?: boolean } = {}): void {
    const shown = opts.warnings === false ? diagnostics.filter((d) => d.severity === 'error') : diagnostics;
    if (shown.length === 0) return;
    this.stderr(formatDiagnostics(shown, { color: this.err, ...(root !== undefined ? { path: (f: string) => this.display(root, f) } : {}) }));
  }

  /**
   * The study, for a command that needs it whole (the one `build` loaded, when run by build):
   * errors are printed and stop the command (exit 2); warnings are counted in one line pointing
   * at `qualwave validate`.
   */
  async study(positional?: string): Promise<Study> {
    if (this.session.study) return this.session.study;
    // An --output that will be refused (there without --force, a folder, a link) is refused before
    // the study is read, not after minutes of work: the write itself checks again.
    if (this.opts.output && !this.session.sink) checkTarget(resolve(this.cwd, this.opts.output), { force: this.opts.force === true });
    const root = this.studyRoot(positional);
    this.recover(root);
    let warnings = 0;
    try {
      const shown = this.progress('reading the study');
      const study = await openStudy(root, { allowOutside: this.opts.allowOutside === true, recover: false, onWarnings: (w) => (warnings = w.length), onProgress: (done, of) => shown.update(done, of) }).finally(() => shown.done());
      if (warnings > 0) this.info(this.err.yellow(`${warnings} warning${warnings === 1 ? '' : 's'} (run qualwave validate to see them)`));
      return study;
    } catch (e) {
      if (e instanceof InputError && e.diagnostics.length > 0) {
        this.printDiagnostics(root, e.diagnostics, { warnings: false });
        throw new InputError(e.message, [], e.hint);
      }
      throw e;
    }
  }
}

/** The bytes of a file the user named on the command line, or a usage error naming it. */
function readUserFile(path: string, shown: string): Buffer {
  return readFileOr(path, (e) => {
    throw new UsageError(`cannot read ${shown}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a folder' : e.message}`);
  });
}

function readFileOr(path: string, fail: (e: NodeJS.ErrnoException) => never): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    return fail(e as NodeJS.ErrnoException);
  }
}

/** The length of the parts a long text is written in. */
const PART = 1 << 20;
/** Pieces shorter than this are joined into one write of about this many characters (`batched`). */
const BATCH = 1 << 16;

/**
 * The pieces joined into runs of about `size` characters (a piece longer than that on its own):
 * one write per run rather than per piece (a listing's pieces are a passage or a row each, some
 * hundreds of bytes, and each write costs its own trip through the stream). Never joined where a
 * piece ends in the first half of a surrogate pair and the next begins with a second half: written
 * apart, each half encodes on its own (U+FFFD), as the pieces did one by one, so the bytes are those
 * of the pieces written one after another (tests/unit/batched-pieces.test.ts).
 */
export function* batched(pieces: Iterable<string>, size = BATCH): Generator<string> {
  let run: string[] = [];
  let length = 0;
  let lastUnit = 0;
  for (const p of pieces) {
    if (p === '') continue;
    const first = p.charCodeAt(0);
    if (length > 0 && (length + p.length > size || (lastUnit >= 0xd800 && lastUnit <= 0xdbff && first >= 0xdc00 && first <= 0xdfff))) {
      yield run.length === 1 ? run[0]! : run.join('');
      run = [];
      length = 0;
    }
    run.push(p);
    length += p.length;
    lastUnit = p.charCodeAt(p.length - 1);
  }
  if (length > 0) yield run.length === 1 ? run[0]! : run.join('');
}

/** A text in parts of about PART characters, never between the two halves of a surrogate pair (so each part encodes to its own bytes: the same bytes joined). */
export function* parts(text: string): Generator<string> {
  let from = 0;
  while (text.length - from > PART) {
    let to = from + PART;
    const c = text.charCodeAt(to - 1);
    if (c >= 0xd800 && c <= 0xdbff) to--;
    yield text.slice(from, to);
    from = to;
  }
  yield text.slice(from);
}
