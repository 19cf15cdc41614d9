import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { FINISHED_SUFFIX, formatFinishedFile, parseFinishedFile } from '../core/coding/finished.js';
import { formatCodingsFile, formatPackedCodingsFile, parseCodingsFile } from '../core/coding/store.js';
import { unpackCodings, type PackedCodings } from '../core/coding/table.js';
import type { Coding, Finished } from '../core/coding/types.js';
import type { Diagnostic } from '../core/diagnostics/diagnostic.js';
import type { Study } from '../core/study/types.js';
import { FileError, UnreadableRowsError, fileErrorFrom } from './errors.js';
import { fsOps } from './fs-ops.js';
import { isAlive, withLocks } from './lock.js';
import { makeFolder, pendingJournal, recoverJournal, removeStrayTemps, shown, writeFileAtomic, writeFilesTogether, type Recovery } from './write.js';

/** Where coders' codings live, relative to the study folder. */
export const CODINGS_DIR = 'codings';

export function codingsFile(coder: string): string {
  return `${CODINGS_DIR}/${coder}.tsv`;
}

type StudyFiles = Pick<Study, 'root' | 'config'>;

/**
 * The coder's file on disk. Names are compared in Unicode NFC, so a file a Mac wrote in NFD
 * (`codings/jose\u0301.tsv`) is the file of coder `josé`, not a second one beside it.
 */
export function coderPath(root: string, coder: string): string {
  const want = `${coder}.tsv`.normalize('NFC');
  let names: string[] = [];
  try {
    names = fsOps().readdir(join(root, CODINGS_DIR));
  } catch (e) {
    // No codings folder yet; any other reason (permission...) is reported.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const found = names.find((n) => n === `${coder}.tsv`) ?? names.find((n) => n.normalize('NFC') === want);
  return join(root, CODINGS_DIR, found ?? `${coder}.tsv`);
}

// What each codings file held when the study was loaded, to notice a change made meanwhile.
const loaded = new Map<string, string>();
const digest = (text: string | undefined): string => (text === undefined ? 'absent' : createHash('sha256').update(text).digest('hex'));

/** Called by the loader for every codings file it read (and for the coders it did not find). */
export function rememberLoaded(path: string, text: string | undefined): void {
  loadedBytes.delete(path);
  loaded.set(path, digest(text));
}

/** Files the loader did not read (the study index vouched for them): the hash of their bytes, and the function that made it. */
const loadedBytes = new Map<string, { hash: string; hashOf: (bytes: Uint8Array) => string }>();

/** Called by the loader for a codings file it did not read again: `hash` is hashOf(its bytes). */
export function rememberLoadedBytes(path: string, hash: string, hashOf: (bytes: Uint8Array) => string): void {
  loaded.delete(path);
  loadedBytes.set(path, { hash, hashOf });
}

/**
 * The loader's parse of a coder file (in columns), by its path: a command that rewrites the file
 * reads its bytes again under the lock and, when they are the bytes that parse was made from,
 * takes the parse instead of making it again (the same codings: unpackCodings gives them as the
 * parser made them). Held weakly: it lives as long as the loaded study keeps it.
 */
const parsedAtLoad = new Map<string, { hash: string; hashOf: (bytes: Uint8Array) => string; packed: WeakRef<PackedCodings> }>();

/**
 * Called by the loader for every coder file it parsed or took from the index: `hash` is hashOf(its
 * bytes), `packed` its parse. Kept only when the parse had no errors: a file with a row that cannot
 * be read is parsed again by a rewrite, which refuses it with that row's file:line.
 */
export function rememberParsed(path: string, hash: string, hashOf: (bytes: Uint8Array) => string, packed: PackedCodings, diagnostics: readonly Diagnostic[]): void {
  if (diagnostics.some((d) => d.severity === 'error')) parsedAtLoad.delete(path);
  else parsedAtLoad.set(path, { hash, hashOf, packed: new WeakRef(packed) });
}

/** The loader's parse of the file at `path` (in columns) if `bytes` are the bytes it was made from (a byte order mark aside, which the loader takes off). */
function packedAtLoad(path: string, rel: string, bytes: Buffer, coder: string): PackedCodings | undefined {
  const p = parsedAtLoad.get(path);
  if (!p || (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)) return undefined;
  const packed = p.packed.deref();
  if (!packed || packed.coder !== coder || packed.file !== rel || p.hashOf(bytes) !== p.hash) return undefined;
  return packed;
}

/** What rememberLoaded would have kept for the file whose bytes hash to `hash`, if `now` are those bytes; 'changed' (no digest) if they are not or it is gone. */
function loadedDigest(path: string, now: Buffer | undefined): string | undefined {
  const b = loadedBytes.get(path);
  if (!b) return loaded.get(path);
  if (!now || b.hashOf(now) !== b.hash) return 'changed';
  return digest(textAsLoaded(now));
}

/** A codings file's bytes as the loader decodes them: UTF-8 without its byte order mark (an editor's or Excel's BOM is not text). */
function textAsLoaded(bytes: Buffer): string {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return bytes.subarray(bom ? 3 : 0).toString('utf8');
}

/**
 * The coder's codings as they are on disk now; a row that cannot be read stops everything. With
 * `need: 'readable'` (the file is replaced whatever it holds) only that check is made: when the
 * bytes are those of the loader's error-free parse, no coding is made again (`codings` is empty).
 * With `need: 'packed'`, that parse itself when the bytes are its (`packed`; `codings` empty), else the codings.
 */
function readNow(root: string, coder: string, need: 'codings' | 'readable' | 'packed' = 'codings'): { path: string; codings: Coding[]; packed?: PackedCodings } {
  const path = coderPath(root, coder);
  const rel = `${CODINGS_DIR}/${path.slice(join(root, CODINGS_DIR).length + 1)}`;
  if (!fsOps().lstat(path)) return { path, codings: [] };
  let bytes: Buffer;
  try {
    bytes = fsOps().readFile(path);
  } catch (e) {
    throw fileErrorFrom(e, shown(path), 'cannot read');
  }
  const known = packedAtLoad(path, rel, bytes, coder);
  if (known) return need === 'packed' ? { path, codings: [], packed: known } : { path, codings: need === 'codings' ? unpackCodings<Coding>(known) : [] };
  const parsed = parseCodingsFile(rel, bytes.toString('utf8'), coder);
  const bad = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (bad.length > 0) {
    const first = bad[0]!;
    throw new UnreadableRowsError(path, `${rel}${first.line ? `:${first.line}` : ''}: ${first.message}${bad.length > 1 ? ` (and ${bad.length - 1} more)` : ''}: qualwave will not rewrite a file with rows it cannot read`, bad);
  }
  return { path, codings: need === 'readable' ? [] : parsed.codings };
}

const isPacked = (x: readonly Coding[] | PackedCodings): x is PackedCodings => !Array.isArray(x);

function coderLocks(coders: Iterable<string>): Array<[string, string]> {
  return [...new Set(coders)].sort().map((c) => [`coder-${c}`, `coder ${c}`]);
}

/**
 * Before a command reads or changes the study: finish (or undo) a change that a crash interrupted.
 * Takes the study lock only when there is something to do.
 */
export function recoverStudy(root: string): Recovery | undefined {
  if (!pendingJournal(root)) return undefined;
  return withLocks(root, [['study', 'the study']], () => recoverJournal(root));
}

function tidy(root: string): void {
  removeStrayTemps(join(root, CODINGS_DIR), isAlive);
}

/**
 * Change one coder's codings as they are on disk now (read again under the coder's lock, so a
 * coding added meanwhile from another terminal is kept): `change` gets the current codings and
 * returns the new ones. Returns them.
 */
export function updateCodings(study: StudyFiles, coder: string, change: (current: Coding[]) => Coding[], need: 'codings' | 'readable' = 'codings'): Coding[] {
  recoverStudy(study.root);
  const waves = study.config.waves.map((w) => w.id);
  return withLocks(study.root, coderLocks([coder]), () => {
    const now = readNow(study.root, coder, need);
    const next = change(now.codings);
    if (!fsOps().lstat(join(study.root, CODINGS_DIR))) makeFolder(join(study.root, CODINGS_DIR));
    tidy(study.root);
    const text = formatCodingsFile(next, waves);
    writeFileAtomic(now.path, text, { force: true });
    rememberLoaded(now.path, text);
    return next;
  });
}

/** What a change of the study writes besides the coders' codings: other files (a codebook), and coders' finished transcripts. */
interface StudyChangeFiles {
  files?: ReadonlyArray<readonly [string, string | Uint8Array]>;
  finished?: ReadonlyMap<string, (current: Finished[]) => Finished[]>;
}

/**
 * Change several coders' codings, and other files of the study (a codebook), as one change:
 * under the study lock and every coder's lock, each coder's file read again; `change` gets them
 * and returns the new codings per changed coder and the other files to write.
 */
export function updateStudy(study: StudyFiles, coders: Iterable<string>, change: (current: Map<string, Coding[]>) => StudyChangeFiles & { codings: ReadonlyMap<string, readonly Coding[]> }, need: 'codings' | 'readable' = 'codings'): void {
  changeStudy(study, coders, (list, read, write) => {
    const current = new Map<string, Coding[]>();
    for (const c of list) current.set(c, read(c, need).codings);
    const result = change(current);
    for (const [c, codings] of result.codings) write(c, codings);
    return result;
  });
}

/**
 * A coder's file as read again under the lock: the loader's parse of it in columns when the bytes
 * are those it was made from (no coding made), else its codings.
 */
export type CoderFile = { readonly packed: PackedCodings; readonly codings?: undefined } | { readonly codings: Coding[]; readonly packed?: undefined };

/**
 * The same one change, made one coder at a time (a code renamed in every coder's file): under the
 * same locks, each coder's file is read again and `each` gives its new codings, as objects or in
 * columns (undefined: left as it is), written out as text before the next coder's file is read, so
 * that only one coder's codings are in memory at a time. `files` is asked for once every coder has
 * been seen.
 */
export function updateStudyEach(study: StudyFiles, coders: Iterable<string>, each: (coder: string, current: CoderFile) => readonly Coding[] | PackedCodings | undefined, files: () => StudyChangeFiles): void {
  changeStudy(study, coders, (list, read, write) => {
    for (const c of list) {
      const now = read(c, 'packed');
      const next = each(c, now.packed ? { packed: now.packed } : { codings: now.codings });
      if (next) write(c, next);
    }
    return files();
  });
}

/** What updateStudy and updateStudyEach share: the locks, each coder's file read again, every file written together. */
function changeStudy(study: StudyFiles, coders: Iterable<string>, make: (list: string[], read: (coder: string, need: 'codings' | 'readable' | 'packed') => { codings: Coding[]; packed?: PackedCodings }, write: (coder: string, codings: readonly Coding[] | PackedCodings) => void) => StudyChangeFiles): void {
  recoverStudy(study.root);
  const list = [...new Set(coders)];
  const waves = study.config.waves.map((w) => w.id);
  withLocks(study.root, [['study', 'the study'], ...coderLocks(list)], () => {
    const paths = new Map(list.map((c) => [c, coderPath(study.root, c)] as const));
    const codings: Array<readonly [string, string]> = [];
    const result = make(
      list,
      // Each coder's file as it is now; one with a row that cannot be read stops the change (nothing written).
      (c, need) => readNow(study.root, c, need),
      (c, next) => {
        if (!paths.has(c)) throw new Error(`internal: coder ${c} changed without its lock`);
        codings.push([paths.get(c)!, isPacked(next) ? formatPackedCodingsFile(next, waves) : formatCodingsFile(next, waves)]);
      },
    );
    for (const c of result.finished?.keys() ?? []) if (!paths.has(c)) throw new Error(`internal: coder ${c}'s finished transcripts changed without its lock`);
    if ((codings.length > 0 || (result.finished?.size ?? 0) > 0) && !fsOps().lstat(join(study.root, CODINGS_DIR))) makeFolder(join(study.root, CODINGS_DIR));
    tidy(study.root);
    // A coder's finished transcripts are read again under the coder's lock, like their codings.
    const finished = [...(result.finished ?? [])].map(([c, fn]) => [finishedPath(study.root, c), formatFinishedFile(fn(readFinishedNow(study.root, c)), waves)] as const);
    const files: Array<readonly [string, string | Uint8Array]> = [...(result.files ?? []), ...codings, ...finished];
    writeFilesTogether(study.root, files);
    for (const [path, text] of codings) rememberLoaded(path, text);
  });
}

/** The coder's finished-transcripts file on disk (codings/CODER.finished.tsv; names compared in NFC as for codings). */
export function finishedPath(root: string, coder: string): string {
  const codings = coderPath(root, coder);
  return `${codings.slice(0, -'.tsv'.length)}${FINISHED_SUFFIX}`;
}

/** The coder's finished transcripts as they are on disk now; a row that cannot be read stops everything. */
function readFinishedNow(root: string, coder: string): Finished[] {
  const path = finishedPath(root, coder);
  const rel = `${CODINGS_DIR}/${path.slice(join(root, CODINGS_DIR).length + 1)}`;
  if (!fsOps().lstat(path)) return [];
  let text: string;
  try {
    text = fsOps().readFile(path).toString('utf8');
  } catch (e) {
    throw fileErrorFrom(e, shown(path), 'cannot read');
  }
  const parsed = parseFinishedFile(rel, text, coder);
  const bad = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (bad.length > 0) {
    const first = bad[0]!;
    throw new UnreadableRowsError(path, `${rel}${first.line ? `:${first.line}` : ''}: ${first.message}: qualwave will not rewrite a file with rows it cannot read`, bad);
  }
  return parsed.finished;
}

/**
 * Change one coder's finished transcripts as they are on disk now, under the coder's lock (a
 * transcript finished meanwhile in another terminal is kept). Returns them.
 */
export function updateFinished(study: StudyFiles, coder: string, change: (current: Finished[]) => Finished[]): Finished[] {
  recoverStudy(study.root);
  const waves = study.config.waves.map((w) => w.id);
  return withLocks(study.root, coderLocks([coder]), () => {
    const next = change(readFinishedNow(study.root, coder));
    if (!fsOps().lstat(join(study.root, CODINGS_DIR))) makeFolder(join(study.root, CODINGS_DIR));
    tidy(study.root);
    writeFileAtomic(finishedPath(study.root, coder), formatFinishedFile(next, waves), { force: true });
    return next;
  });
}

/**
 * Replace the codings of the given coders with these (auto-coding, reconciliation): crash-safe,
 * under the coders' locks, and refused when a file changed since the study was loaded (another
 * process wrote it meanwhile), so nothing written meanwhile is lost.
 */
export function saveCodings(study: StudyFiles, byCoder: ReadonlyMap<string, readonly Coding[]>, finished?: ReadonlyMap<string, (current: Finished[]) => Finished[]>): void {
  const unchanged = (coder: string): void => assertUnchangedSinceLoaded(study.root, coder);
  if (byCoder.size === 1 && !finished) {
    const [coder, list] = [...byCoder][0]!;
    updateCodings(
      study,
      coder,
      () => {
        unchanged(coder);
        return [...list];
      },
      'readable',
    );
    return;
  }
  // The files are replaced: each is only checked readable (and unchanged), its codings not made again.
  updateStudy(
    study,
    [...byCoder.keys(), ...(finished?.keys() ?? [])],
    () => {
      for (const coder of byCoder.keys()) unchanged(coder);
      return finished ? { codings: byCoder, finished } : { codings: byCoder };
    },
    'readable',
  );
}

/**
 * Under the coder's lock: the coder's file as it is now against the file as the study was loaded
 * with; a change made meanwhile (another qualwave, an editor) is a FileError, nothing written.
 */
export function assertUnchangedSinceLoaded(root: string, coder: string): void {
  const path = coderPath(root, coder);
  const bytes = fsOps().lstat(path) ? fsOps().readFile(path) : undefined;
  const text = bytes ? textAsLoaded(bytes) : undefined;
  const before = (loadedBytes.has(path) ? loadedDigest(path, bytes) : loaded.get(path)) ?? digest(undefined);
  if (before !== digest(text)) {
    throw new FileError(path, `${shown(path)} changed since qualwave read it (another qualwave or an editor wrote it meanwhile): nothing was written`, 'run the command again');
  }
}

/** A coder's finished transcripts as loaded. */
export function finishedOf(study: Pick<Study, 'finished'>, coder: string): Finished[] {
  return study.finished.filter((f) => f.coder === coder);
}
