import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { glob } from 'tinyglobby';
import { EXIT, QualwaveError } from '../core/errors.js';
import { combineCodebooks, parseCodebookFile, type ParsedCodebookFile } from '../core/codebook/parse.js';
import { checkCodebookVersions, checkCodingsSince } from '../core/codebook/versions.js';
import { checkCodings } from '../core/coding/check.js';
import { parseCodingsFile, parseCodingsFilePacked } from '../core/coding/store.js';
import { checkFinished, FINISHED_SUFFIX, parseFinishedFile } from '../core/coding/finished.js';
import { isCoderName, type Coding } from '../core/coding/types.js';
import { codingCount, codingTable, packedTable, partCodings, partLength, setCodingTable, tableOf, type CodingPart } from '../core/coding/table.js';
import { error, sortDiagnostics, warning, type Diagnostic } from '../core/diagnostics/diagnostic.js';
import { assembleStudy } from '../core/study/assemble.js';
import { didYouMeanSuffix } from '../core/text/suggest.js';
import { CONFIG_FILE, parseConfig } from '../core/study/config.js';
import { documentFields, documentOf, formatOf, readDocument, resolveMap, type DocumentFields, type ReadResult, type TranscriptInput } from '../core/study/documents.js';
import { SegmentList, type SegmentColumns } from '../core/transcript/segment-list.js';
import { compileNamePattern } from '../core/study/naming.js';
import { parseParticipants } from '../core/study/participants.js';
import type { Document, Participant, Study, StudyConfig } from '../core/study/types.js';
import { decodeText, isAsciiText } from '../core/text/decode.js';
import { attributionFields } from '../core/study/config.js';
import { CODINGS_DIR, rememberLoaded, rememberLoadedBytes, rememberParsed } from './codings.js';
import { isInside, isInsideReal, pointsOutside, realPath, realRootOf } from './confine.js';
import { isSystemError } from './errors.js';
import { fileError, readText } from './read.js';
import { linesReader } from './read-lines.js';
import { combinedKey, hashBytes, keyFromHash, narrowInts, readStamped, sameStamp, setCodec, settled, StudyIndex, widenInts, type FileKey, type FileStamp, type PackedCodings } from './study-index.js';
import { append } from '../core/arrays.js';

export { CODINGS_DIR };

export interface LoadOptions {
  /** Read transcripts, codebooks and participants outside the study folder (--allow-outside). */
  allowOutside?: boolean;
  /** Called as transcripts are read: how many of how many (the CLI shows it on a terminal). */
  onProgress?: (done: number, total: number) => void;
  /** Use the study index in .qualwave/index/ (default: unless --no-cache or QUALWAVE_NO_CACHE=1; see study-index.ts). */
  cache?: boolean;
}

const OUTSIDE_HINT = 'copy the file into the study folder, or run with --allow-outside if you mean to read files outside it';

/** The nearest folder, from `start` upwards, that holds qualwave.yaml. */
export function findStudyRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, CONFIG_FILE))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** How many times a study was loaded in this process (`build` loads once for all its outputs). */
export const loads = { count: 0 };

export interface LoadResult {
  /** Present when the study could be assembled (it may still have errors in `diagnostics`). */
  study?: Study;
  diagnostics: Diagnostic[];
}

/**
 * Load a whole study folder: config, participants, codebooks and every transcript, collecting every
 * problem rather than stopping at the first. Reads files, writes nothing.
 */
export async function loadStudy(root: string, opts: LoadOptions = {}): Promise<LoadResult> {
  loads.count++;
  const index = opts.cache === undefined ? new StudyIndex(root) : new StudyIndex(root, opts.cache);
  try {
    return await load(root, opts, index);
  } finally {
    index.finish();
  }
}

async function load(root: string, opts: LoadOptions, index: StudyIndex): Promise<LoadResult> {
  /** Every input read, with the hash of what was read: the key of the checks (only with the index). */
  const inputs: Array<[string, string]> = [];
  const noted = (file: string, content: string | Uint8Array | undefined): string => {
    if (!index.enabled) return '';
    const hash = content === undefined ? '' : hashBytes(typeof content === 'string' ? Buffer.from(content) : content);
    inputs.push([file, hash]);
    return hash;
  };
  const diagnostics: Diagnostic[] = [];
  const realRoot = realRootOf(root);
  const allowOutside = opts.allowOutside === true;
  /** A configured path that leaves the study: refused (file:line of qualwave.yaml) unless allowed. */
  const outsideConfigured = (p: string, key: string, what: string): boolean => {
    if (allowOutside || !pointsOutside(p)) return false;
    diagnostics.push(error(CONFIG_FILE, lines[key], `${what} '${p}' is outside the study folder: refused`, OUTSIDE_HINT));
    return true;
  };
  /** A file's real path: its folder's (resolved once per folder) and its name, unless it is a link itself (then resolved whole). */
  const realDirs = new Map<string, string>();
  // Which names of a folder are links, from one listing of it (an lstat of each of 3,000 files cost more).
  const plainIn = new Map<string, Set<string> | undefined>();
  const realFile = (abs: string): string => {
    const dir = dirname(abs);
    if (!plainIn.has(dir)) plainIn.set(dir, plainFiles(dir));
    if (!plainIn.get(dir)?.has(basename(abs))) {
      const st = lstatSync(abs, { throwIfNoEntry: false });
      if (!st || st.isSymbolicLink()) return realPath(abs);
    }
    let real = realDirs.get(dir);
    if (real === undefined) realDirs.set(dir, (real = realPath(dir)));
    return join(real, basename(abs));
  };
  /** Per folder of the study's file names (the part before the last '/'): its path, and the names its listing says are regular files. */
  const folders = new Map<string, { abs: string; plain: Set<string> | undefined }>();
  /** A file found inside the study that is a link to somewhere outside it: refused unless allowed. */
  const outsideFile = (f: string): boolean => {
    if (allowOutside) return false;
    // A regular file (not a link) with a plain name: inside when its folder's real path joined
    // with the name is (what realFile gives it), found with one look-up per folder, not path
    // operations per file (they cost 10-20 ms for 1,000 transcripts).
    const slash = f.lastIndexOf('/');
    const name = f.slice(slash + 1);
    if (name !== '' && name !== '.' && name !== '..' && !f.includes('\\')) {
      const key = slash < 0 ? '' : f.slice(0, slash);
      let folder = folders.get(key);
      if (!folder) {
        const abs = dirname(join(root, f));
        if (!plainIn.has(abs)) plainIn.set(abs, plainFiles(abs));
        folders.set(key, (folder = { abs, plain: plainIn.get(abs) }));
      }
      if (folder.plain?.has(name)) {
        let real = realDirs.get(folder.abs);
        if (real === undefined) realDirs.set(folder.abs, (real = realPath(folder.abs)));
        if (isInsideReal(realRoot, real.endsWith(sep) ? real + name : real + sep + name)) return false;
      }
    }
    if (isInsideReal(realRoot, realFile(join(root, f)))) return false;
    diagnostics.push(error(f, undefined, `${f} leads outside the study folder (a symbolic link?): refused`, OUTSIDE_HINT));
    return true;
  };
  const done = (study?: Study): LoadResult => (study ? { study, diagnostics: sortDiagnostics(diagnostics) } : { diagnostics: sortDiagnostics(diagnostics) });

  const configRead = readText(join(root, CONFIG_FILE), CONFIG_FILE);
  if (!configRead.text) {
    diagnostics.push(configRead.diagnostic ?? error(CONFIG_FILE, undefined, 'cannot read'));
    return done();
  }
  const configHash = noted(CONFIG_FILE, configRead.text);
  // The config's parse (its YAML), from the index when it has it for these exact bytes: a warm run parses no YAML.
  const configKey: FileKey | undefined = index.enabled ? { size: configRead.text.length, mtimeMs: 0, hash: configHash } : undefined;
  let parsedConfig = configKey ? index.get<ReturnType<typeof parseConfig>>('config', CONFIG_FILE, configKey) : undefined;
  if (!parsedConfig) {
    parsedConfig = parseConfig(CONFIG_FILE, configRead.text);
    if (configKey) index.put('config', CONFIG_FILE, configKey, parsedConfig);
  }
  const { config, diagnostics: configDiagnostics, lines } = parsedConfig;
  append(diagnostics, configDiagnostics);
  if (!config) return done();

  // Participants.
  let participants: Participant[] = [];
  let participantsLoaded = false;
  const pFile = config.participants.file;
  const pRefused = outsideConfigured(pFile, 'participants', 'participants file') || (!pointsOutside(pFile) && existsSync(resolveIn(root, pFile)) && outsideFile(pFile));
  const pRead = pRefused ? { diagnostic: undefined } : readText(resolveIn(root, pFile), pFile);
  if (pRefused) {
    // Reported above.
  } else if (pRead.text === undefined) {
    const d = pRead.diagnostic!;
    if (d.message === 'file not found') {
      diagnostics.push(error(CONFIG_FILE, lines['participants'], `participants file '${pFile}' not found`, `create ${pFile} with a header row (id,...) and one row per participant, or set participants.file`));
    } else diagnostics.push(d);
  } else {
    const hash = noted(pFile, pRead.text);
    // The participants' parse (CSV), from the index when it has it for these bytes and this id column.
    const key: FileKey | undefined = index.enabled ? { size: pRead.text.length, mtimeMs: 0, hash: `${hash}:${JSON.stringify(config.participants.id)}` } : undefined;
    let parsed = key ? index.get<ReturnType<typeof parseParticipants>>('participants', pFile, key) : undefined;
    if (!parsed) {
      parsed = parseParticipants(pFile, pRead.text, config.participants.id);
      if (key) index.put('participants', pFile, key, parsed);
    }
    append(diagnostics, parsed.diagnostics);
    participants = parsed.participants;
    participantsLoaded = true;
  }

  // What segments depend on besides the transcript itself: the config and the participants.
  const setupInputs = inputs.length;

  // Codebooks.
  const codebookParts: ParsedCodebookFile[] = [];
  const codebookFiles: string[] = [];
  for (const entry of config.codebooks) {
    if (outsideConfigured(entry, 'codebooks', 'codebook')) continue;
    const files = (await expand(root, [entry])).filter((f) => !outsideFile(f));
    if (files.length === 0) {
      const isDefault = lines['codebooks'] === undefined;
      if (!isDefault) diagnostics.push(error(CONFIG_FILE, lines['codebooks'], `codebook '${entry}' not found`, 'check the path under codebooks: (relative to the study folder)'));
      else diagnostics.push(warning(CONFIG_FILE, undefined, `no codebook found (looked for ${entry})`, "add a codebook: 'qualwave init --codebook NAME' copies a starter one"));
      continue;
    }
    for (const f of files) {
      codebookFiles.push(f);
      const read = readText(join(root, f), f);
      if (read.text === undefined) {
        diagnostics.push(read.diagnostic!);
        continue;
      }
      const hash = noted(f, read.text);
      // The codebook's YAML (tens of milliseconds for a few hundred codes), from the index when it has it.
      const key = index.enabled ? keyFromHash(join(root, f), read.text.length, hash) : undefined;
      let part = key ? index.get<ParsedCodebookFile>('codebook', f, key) : undefined;
      if (!part) {
        part = parseCodebookFile(f, read.text);
        if (key) index.put('codebook', f, key, part);
      }
      append(diagnostics, part.diagnostics);
      codebookParts.push(part);
    }
  }
  const { codebook, diagnostics: combineDiagnostics } = combineCodebooks(codebookParts);
  append(diagnostics, combineDiagnostics);
  append(diagnostics, checkCodebookVersions(codebook, config.waves));

  // Transcripts.
  const transcriptPaths = config.transcripts.paths.filter((p) => !outsideConfigured(p, 'transcripts', 'transcripts path'));
  const files = (await expand(root, transcriptPaths)).filter((f) => !outsideFile(f));
  if (files.length === 0 && transcriptPaths.length === config.transcripts.paths.length) {
    diagnostics.push(error(CONFIG_FILE, lines['transcripts'], `no transcripts found (looked for ${config.transcripts.paths.join(', ')})`, 'put one file per interview in transcripts/, or set transcripts.paths'));
  }
  const match = compileNamePattern(
    config.transcripts.names,
    config.waves.map((w) => w.id),
  );
  const participantIds = participantsLoaded ? participants.map((p) => p.id) : undefined;
  if (participantIds) resolveMap(config.speakers.map, new Set(participantIds), (entry, message, hint) => diagnostics.push(error(CONFIG_FILE, entry.line, message, hint)));
  // A transcript's segments depend on its bytes, the config and the participants: its key is its
  // hash and size with one hash of the setup's (made once, not a hash per transcript).
  let setupKey: string | undefined;
  const keyFor = (hash: string, n: number): FileKey => {
    setupKey ??= combinedKey(inputs.slice(0, setupInputs)).hash;
    return { size: n, mtimeMs: 0, hash: `${hash}:${setupKey}` };
  };
  const inRoot = joinerIn(root);
  const documents: Document[] = [];
  const failedParticipants = new Set<string>();
  const documentsFailed: string[] = [];
  let read = 0;
  const scratch = { bytes: Buffer.alloc(0) };
  for (const f of files) {
    opts.onProgress?.(read++, files.length);
    // Names compare in Unicode NFC: a Mac writes file names decomposed (NFD).
    const withoutExt = f.slice(0, f.lastIndexOf('.')).normalize('NFC');
    const name = match(withoutExt);
    const format = formatOf(f);
    if (!format) {
      const ext = f.slice(f.lastIndexOf('.')).toLowerCase();
      const hint = ext === '.doc' ? 'save it as .docx (Word: File > Save As > Word Document)' : ext === '.pdf' ? 'export the transcript as .docx or .txt' : 'transcripts are .txt, .md, .vtt, .srt, .docx or Whisper .json; narrow transcripts.paths if this file is not one';
      diagnostics.push(warning(f, undefined, `skipped: '${ext}' is not a transcript format`, hint));
      continue;
    }
    let text: string | undefined;
    let ascii: Uint8Array | undefined;
    let source: (() => string) | undefined;
    let asciiAt: number | undefined;
    /** The stamp the bytes were read with, when settled (it vouches for them when read again). */
    let readStamp: FileStamp | undefined;
    let fileHash = '';
    let size = 0;
    let docKey: FileKey | undefined;
    let cached: ReadResult | undefined;
    const path = inRoot(f);
    if (format === 'docx') {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(path);
      } catch (e) {
        diagnostics.push(fileError(e, f));
        continue;
      }
      fileHash = noted(f, bytes);
      size = bytes.length;
      const { readDocx } = await import('./docx.js');
      const read = await readDocx(bytes, f);
      if (read.diagnostic) diagnostics.push(read.diagnostic);
      text = read.text;
    } else {
      // The document read from these exact bytes (with this config and these participants), from
      // the index when it has it: its text is then read only if a command asks for it. A Whisper
      // file's document text is qualwave's reading of it, not the file: not kept. A file whose
      // stamp vouches for its hash (see study-index.ts) is not read at all.
      const keep = index.enabled && format !== 'json';
      const known = keep ? index.trustedHash(path, f) : undefined;
      const hit = known ? index.get<CachedDocument>('document', f, (docKey = keyFor(known.hash, known.size))) : undefined;
      if (known && hit) {
        fileHash = known.hash;
        size = known.size;
        cached = cachedResult(hit, rereader(path, f, size, known.stamp, fileHash), path, size, known.stamp);
      } else {
        // (Read into one buffer for all the transcripts: nothing made from them keeps their bytes.)
        const r = readOrReport(path, f, diagnostics, scratch);
        if (!r) continue;
        const bytes = r.bytes;
        readStamp = settled(r.stamp, r.at) ? r.stamp : undefined;
        size = bytes.length;
        // Without the index, bytes are hashed only when their stamp cannot vouch for them when read again.
        const hash = index.enabled || (format !== 'json' && !settled(r.stamp, r.at)) ? hashBytes(bytes) : undefined;
        fileHash = index.enabled ? hash! : '';
        if (keep) index.stamp(f, r.stamp, r.at, size, fileHash);
        const reread = () => rereader(path, f, size, readStamp, hash);
        docKey = keep ? keyFor(fileHash, size) : undefined;
        const again = docKey ? index.get<CachedDocument>('document', f, docKey) : undefined;
        if (again) cached = cachedResult(again, reread(), path, size, readStamp);
        else if ((format === 'text' || format === 'markdown') && isAsciiText(bytes)) {
          // All ASCII (most transcripts in English): parsed from the bytes, never decoded here (parse-ascii.ts).
          ascii = bytes;
          source = reread();
          // No byte order mark (its bytes are not ASCII): offsets in the text are offsets in the file.
          asciiAt = 0;
        } else {
          const decoded = decodeText(bytes, f);
          if (!decoded.ok) diagnostics.push(decoded.diagnostic);
          else {
            text = decoded.text;
            // Each UTF-16 unit of the text one byte of the file (ASCII): offsets in the text are offsets in the file.
            if ((format === 'text' || format === 'markdown') && text.length === size - (decoded.bom ? 3 : 0)) asciiAt = decoded.bom ? 3 : 0;
            // A Whisper file's document text is qualwave's reading of it (one line per segment), kept.
            if (format !== 'json') source = reread();
          }
        }
      }
      if (index.enabled) inputs.push([f, fileHash]);
    }
    const input: TranscriptInput | undefined = ascii !== undefined ? { file: f, ascii, format, name } : text !== undefined ? { file: f, text, format, name } : undefined;
    if (input && source) input.source = source;
    const result = cached ?? (input === undefined ? undefined : readDocument(input, config, participantIds));
    if (result && docKey && !cached) index.put('document', f, docKey, toCached(result, asciiAt));
    if (result?.document && !cached && source && asciiAt !== undefined && readStamp) result.document.segmentList.linesReader = linesReader(path, size, readStamp, asciiAt);
    if (result) append(diagnostics, result.diagnostics);
    if (result?.document) {
      documents.push(result.document);
      // Segments depend on the transcript, the config and the participants: words are kept for all three.
      if (index.enabled && fileHash) {
        const key = docKey ?? keyFor(fileHash, size);
        const list = result.document.segmentList;
        // (words.bin is read when a command first asks for a count: most commands count none.)
        list.keepWordCounts(() => {
          const counts = index.get<Int32Array>('words', f, key);
          return counts instanceof Int32Array ? counts : undefined;
        });
        list.contentKey = key.hash;
        // Counted by the command (only the segments it needed): kept when it ends.
        list.onWordsCounted = () => index.putLater('words', f, key, () => list.wordCountsSoFar());
      }
    } else if (name?.participant && !result?.skipped) {
      failedParticipants.add(name.participant);
      if (name.wave) documentsFailed.push(`${name.participant}/${name.wave}`);
    }
  }

  append(diagnostics, sentenceWarnings(documents, config));

  const { study, diagnostics: studyDiagnostics } = assembleStudy({ root, config, participantsFile: pFile, participants, participantsLoaded, failedParticipants, documents, codebook });
  append(diagnostics, studyDiagnostics);

  // Codings: codings/CODER.tsv, one file per coder, and beside it CODER.finished.tsv (transcripts finished).
  const codingFiles = (await expand(root, [`${CODINGS_DIR}/*.tsv`])).filter((f) => !outsideFile(f));
  const primary = diagnostics.length;
  const coders = new Set<string>();
  // Each coder file's codings in columns (from the index's packs, or as parsed): study.codings is made from them when first read.
  const parts: CodingPart[] = [];
  // Each part's coder file and its hash (the key of its checks).
  const partFiles: Array<[string, string, string]> = [];
  for (const f of codingFiles) {
    const isFinished = f.endsWith(FINISHED_SUFFIX);
    const coder = f.slice(CODINGS_DIR.length + 1, -(isFinished ? FINISHED_SUFFIX : '.tsv').length).normalize('NFC');
    if (!isCoderName(coder)) {
      diagnostics.push(error(f, undefined, `'${coder}' is not a usable coder name`, "rename the file: coder names use letters, digits, '-', '_' and '.' (and do not end in .finished)"));
      continue;
    }
    const path = join(root, f);
    // A coder file whose stamp vouches for its hash (see study-index.ts), parsed before: not read.
    const known = index.enabled && !isFinished ? index.trustedHash(path, f) : undefined;
    const hit = known ? index.get<CachedCodings>('codings', f, { size: known.size, mtimeMs: 0, hash: known.hash }) : undefined;
    if (known && hit && hit.codings.coder === coder && hit.codings.file === f) {
      inputs.push([f, known.hash]);
      rememberLoadedBytes(path, known.hash, hashBytes);
      rememberParsed(path, known.hash, hashBytes, hit.codings, hit.diagnostics);
      append(diagnostics, hit.diagnostics);
      parts.push({ packed: hit.codings });
      partFiles.push([f, known.hash, coder]);
      coders.add(coder);
      continue;
    }
    const r = readOrReport(path, f, diagnostics);
    if (!r) continue;
    const bytes = r.bytes;
    const decoded = decodeText(bytes, f);
    if (!decoded.ok) {
      diagnostics.push(decoded.diagnostic);
      continue;
    }
    const read = { text: decoded.text };
    const hash = noted(f, bytes);
    if (isFinished) {
      const parsed = parseFinishedFile(f, read.text, coder);
      append(diagnostics, parsed.diagnostics);
      append(study.finished, parsed.finished);
    } else {
      rememberLoaded(path, read.text);
      if (index.enabled) index.stamp(f, r.stamp, r.at, bytes.length, hash);
      // The parse of this file's exact bytes, from the index when it has it.
      const key = index.enabled ? { size: bytes.length, mtimeMs: 0, hash } : undefined;
      const cached = key ? index.get<CachedCodings>('codings', f, key) : undefined;
      partFiles.push([f, hash, coder]);
      if (cached && cached.codings.coder === coder && cached.codings.file === f) {
        rememberParsed(path, hash, hashBytes, cached.codings, cached.diagnostics);
        append(diagnostics, cached.diagnostics);
        parts.push({ packed: cached.codings });
      } else {
        // In columns as the rows are read, as a warm run reads them (no object per coding made to be
        // kept), with the index or without: a study whose coder files all changed holds no more than a
        // warm one (export --no-cache at 1,000 transcripts: 232k codings were 67 MB of objects).
        const inColumns = parseCodingsFilePacked(f, read.text, coder);
        const packed = inColumns.packed;
        if (packed) {
          append(diagnostics, inColumns.diagnostics);
          parts.push({ packed });
          rememberParsed(path, hash, hashBytes, packed, inColumns.diagnostics);
          if (key) index.put('codings', f, key, { codings: packed, diagnostics: inColumns.diagnostics });
        } else {
          const parsed = parseCodingsFile(f, read.text, coder);
          append(diagnostics, parsed.diagnostics);
          parts.push({ objects: parsed.codings });
        }
      }
    }
    coders.add(coder);
  }
  setCodingTable(study, tableOf(parts));
  append(study.coders, [...coders].sort());
  append(diagnostics, checkFinished(study, study.finished));
  // Codings of transcripts that could not be read are not checked one by one: the transcript's
  // own error is the cause, and dozens of "no transcript" errors would hide it.
  const failed = new Set(documentsFailed);
  const unchecked = new Map<string, number>();
  // (Every coding when every transcript was read: no key made per coding, no coding made before the checks need them.)
  const checkable =
    failed.size === 0
      ? undefined
      : study.codings.filter((c) => {
          if (!failed.has(`${c.participant}/${c.wave}`)) return true;
          const file = c.source?.file ?? `${CODINGS_DIR}/${c.coder}.tsv`;
          unchecked.set(file, (unchecked.get(file) ?? 0) + 1);
          return false;
        });
  for (const [file, n] of unchecked) diagnostics.push(warning(file, undefined, `${n} coding${n === 1 ? '' : 's'} of transcripts that could not be read were not checked`, 'fix the transcripts first (their errors are listed above)'));
  // The checks against the study are the same for the same inputs: from the index when they are.
  append(diagnostics, codingChecks(study, index, { inputs, codingFiles, partFiles, checkable, allowOutside: opts.allowOutside === true }));
  append(diagnostics, checkAttribution(config.attribution, lines['attribution'], participants, documents));
  append(diagnostics, await checkOutputs(root, realRoot, config, lines, { files, codebookFiles, participantsFile: pFile, codingFiles }));
  const transcriptSet = new Set(files);
  index.prune('document', transcriptSet);
  index.prune('words', transcriptSet);
  index.prune('stamps', new Set([...files, ...codingFiles]));
  index.prune('codebook', new Set(codebookFiles));
  index.prune('participants', new Set(participantsLoaded ? [pFile] : []));
  index.prune('codings', new Set(codingFiles));
  index.prune('checks', new Set([...codingFiles, 'study']));
  // The first cause first: problems of the config, participants, codebooks and transcripts, then
  // those of the codings that follow from them.
  const first = sortDiagnostics(diagnostics.slice(0, primary));
  const then = sortDiagnostics(diagnostics.slice(primary));
  if (index.enabled) {
    inputKeys.set(study, combinedKey([inputs, opts.allowOutside === true]).hash);
    loadedShapes.set(study, shapeOf(study));
  }
  return { study, diagnostics: [...first, ...then] };
}

/**
 * What a loaded study's derived facts hang on, as the load left it: the objects code would replace
 * to change the study (its documents and their segments, its codebook and codes, its waves, its
 * codings: setting or first reading `study.codings` lets the columns go).
 */
interface Shape {
  documents: readonly Document[];
  segmentLists: ReadonlyArray<Document['segmentList']>;
  codebook: Study['codebook'];
  codes: Study['codebook']['codes'];
  codeCount: number;
  config: StudyConfig;
  waves: StudyConfig['waves'];
  table: ReturnType<typeof packedTable>;
}
const loadedShapes = new WeakMap<Study, Shape>();

function shapeOf(study: Study): Shape {
  return { documents: study.documents, segmentLists: study.documents.map((d) => d.segmentList), codebook: study.codebook, codes: study.codebook.codes, codeCount: study.codebook.codes.length, config: study.config, waves: study.config.waves, table: packedTable(study) };
}

/**
 * Whether the study object is still as its load made it (with the index on), as far as these
 * objects tell: none of its documents, segments, codebook, codes, waves or codings replaced, added
 * or removed, and its codings still the columns the load read. What is kept of a study's codings
 * between runs (pairs-store.ts) is used only then: a program that changes a loaded study gets what
 * the study now holds.
 */
export function loadedAsRead(study: Study): boolean {
  const s = loadedShapes.get(study);
  if (!s || s.table === undefined || packedTable(study) !== s.table) return false;
  if (study.documents !== s.documents || s.documents.length !== s.segmentLists.length || study.codebook !== s.codebook || study.codebook.codes !== s.codes || s.codes.length !== s.codeCount || study.config !== s.config || study.config.waves !== s.waves) return false;
  for (let i = 0; i < s.documents.length; i++) if (s.documents[i]!.segmentList !== s.segmentLists[i]) return false;
  return true;
}

/** Each loaded study's inputs key (see studyInputsKey). */
const inputKeys = new WeakMap<Study, string>();

/**
 * A hash of every file the load read (its path and the hash of its bytes: config, participants,
 * codebooks, transcripts, coder files) and of the load's options: what anything made from this
 * study object alone can be keyed by in the study index. Undefined without the index.
 */
export function studyInputsKey(study: Study): string | undefined {
  return inputKeys.get(study);
}

/**
 * The checks of the codings against the study (checkCodings, then checkCodingsSince), from the
 * index when it has them. They are kept per coder file: a coder file's checks depend on its own
 * codings (duplicates are a coder's own) and on every input that is not a coder file, so after one
 * coder edits their file only that file's codings are checked (and made) again. The result is the
 * list the whole check gives: each file's in the study's order, the `since` warnings after them all.
 * Where that cannot be vouched for (a transcript could not be read; two files of one coder, as
 * Unicode normalisation can make), the whole study is checked as one, as it always was. Without
 * the index the files are checked one by one too (nothing kept): one file's codings are objects at
 * a time, never the whole study's.
 */
function codingChecks(study: Study, index: StudyIndex, o: { inputs: ReadonlyArray<[string, string]>; codingFiles: readonly string[]; partFiles: ReadonlyArray<[string, string, string]>; checkable: Coding[] | undefined; allowOutside: boolean }): Diagnostic[] {
  const whole = (all: readonly Coding[]): Diagnostic[] => {
    const checks = checkCodings(study, all);
    append(checks, checkCodingsSince(study.codebook, study.config.waves, all));
    return checks;
  };
  const table = codingTable(study);
  const perFile = o.checkable === undefined && table.parts.length === o.partFiles.length && new Set(o.partFiles.map(([, , coder]) => coder)).size === o.partFiles.length;
  if (!perFile) {
    const key = index.enabled ? combinedKey([o.inputs, o.allowOutside, o.checkable?.length ?? codingCount(study)]) : undefined;
    let checks = key ? index.get<Diagnostic[]>('checks', 'study', key) : undefined;
    if (!checks) {
      checks = whole(o.checkable ?? study.codings);
      if (key) index.put('checks', 'study', key, checks);
    }
    return checks;
  }
  const codingFiles = new Set(o.codingFiles);
  const rest = o.inputs.filter(([f]) => !codingFiles.has(f));
  const checks: Diagnostic[] = [];
  const since: Diagnostic[] = [];
  table.parts.forEach((part, k) => {
    const [file, hash] = o.partFiles[k]!;
    const key = index.enabled ? combinedKey([rest, o.allowOutside, file, hash, partLength(part)]) : undefined;
    let kept = key ? index.get<{ codings: Diagnostic[]; since: Diagnostic[] }>('checks', file, key) : undefined;
    if (!kept) {
      // (Made one at a time for each pass, not all at once.)
      const codings = partCodings(part);
      kept = { codings: checkCodings(study, codings), since: checkCodingsSince(study.codebook, study.config.waves, codings) };
      if (key) index.put('checks', file, key, kept);
    }
    append(checks, kept.codings);
    append(since, kept.since);
  });
  append(checks, since);
  return checks;
}

/** What the index keeps of a coder file: its parse in columns and the parse's diagnostics. */
interface CachedCodings {
  codings: PackedCodings;
  diagnostics: Diagnostic[];
}

/** What the index keeps of a read transcript: its diagnostics and its document as plain data. */
interface CachedDocument {
  diagnostics: Diagnostic[];
  skipped?: boolean;
  /** asciiAt: where the text starts in the file (0, or 3 after a BOM) when each of its UTF-16 units is one byte (ASCII). */
  document?: { fields: DocumentFields; columns: SegmentColumns; asciiAt?: number };
}

/** A coder file's parse in columns, column by column (src/core/coding/table.ts). */
const CODING_COLUMNS = ['participant', 'wave', 'code', 'memo', 'hash', 'startLine', 'endLine', 'startColumn', 'endColumn', 'exemplar', 'line'] as const;
type CodingColumn = (typeof CODING_COLUMNS)[number];
/** Each column's type in PackedCodings (src/core/coding/table.ts). */
const CODING_COLUMN_TYPES: Record<CodingColumn, Int32ArrayConstructor | Uint32ArrayConstructor | Uint8ArrayConstructor> = {
  participant: Uint32Array,
  wave: Uint32Array,
  code: Uint32Array,
  memo: Uint32Array,
  hash: Uint32Array,
  startLine: Int32Array,
  endLine: Int32Array,
  startColumn: Int32Array,
  endColumn: Int32Array,
  exemplar: Uint8Array,
  line: Int32Array,
};

/**
 * codings.bin: every coder file's columns end to end, one array per column (read back as views of
 * the file), with each file's strings and diagnostics.
 */
setCodec<CachedCodings>('codings', {
  encode(entries) {
    const n = entries.length;
    const at = new Uint32Array(n + 1);
    for (let i = 0; i < n; i++) at[i + 1] = at[i]! + entries[i]![2].codings.participant.length;
    const out: Record<string, unknown> = {
      files: entries.map((e) => e[0]),
      keys: entries.map((e) => e[1]),
      diagnostics: entries.map((e) => e[2].diagnostics),
      coders: entries.map((e) => e[2].codings.coder),
      codingFiles: entries.map((e) => e[2].codings.file),
      strings: entries.map((e) => e[2].codings.strings),
      at,
    };
    for (const name of CODING_COLUMNS) {
      const all = new (CODING_COLUMN_TYPES[name] as Int32ArrayConstructor)(at[n]!);
      for (let i = 0; i < n; i++) all.set(entries[i]![2].codings[name], at[i]);
      // (32-bit columns in the bytes their values need: 9.5 MB of codings.bin at 1,000 transcripts was 3.3.)
      out[name] = name === 'exemplar' ? all : narrowInts(all);
    }
    return out;
  },
  decode(payload) {
    const p = payload as { files: string[]; keys: FileKey[]; diagnostics: Diagnostic[][]; coders: string[]; codingFiles: string[]; strings: string[][]; at: Uint32Array } & Record<CodingColumn, unknown>;
    if (!Array.isArray(p.files) || !(p.at instanceof Uint32Array) || p.at.length !== p.files.length + 1) throw new Error('damaged');
    const total = p.at[p.files.length]!;
    const columns = {} as Record<CodingColumn, Int32Array | Uint32Array | Uint8Array>;
    for (const name of CODING_COLUMNS) {
      const T = CODING_COLUMN_TYPES[name];
      const c = T === Uint8Array ? p[name] : widenInts(p[name], T as Int32ArrayConstructor | Uint32ArrayConstructor);
      if (!(c instanceof T) || c.length !== total) throw new Error('damaged');
      columns[name] = c;
    }
    return p.files.map((f, i) => {
      const from = p.at[i]!;
      const to = p.at[i + 1]!;
      const codings = { coder: p.coders[i]!, file: p.codingFiles[i]!, strings: p.strings[i]! } as Record<string, unknown>;
      for (const name of CODING_COLUMNS) codings[name] = columns[name].subarray(from, to);
      return [f, p.keys[i]!, { codings: codings as unknown as PackedCodings, diagnostics: p.diagnostics[i]! }];
    });
  },
});

/**
 * document.bin: every transcript's segment columns end to end in one Int32Array and one
 * Uint8Array (read back as views of the file, no copy), the segments' timestamps, texts and part
 * numbers (a map per document) as columns too, and the rest (diagnostics, fields, speakers) in one
 * list: reading it is a few typed arrays and one small object graph, not a value per transcript.
 */
setCodec<CachedDocument>('document', {
  encode(entries) {
    const n = entries.length;
    const dataAt = new Uint32Array(n + 1);
    const rolesAt = new Uint32Array(n + 1);
    const columns = entries.map((e) => e[2].document?.columns);
    for (let i = 0; i < n; i++) {
      const c = columns[i];
      dataAt[i + 1] = dataAt[i]! + (c ? c.data.length : 0);
      rolesAt[i + 1] = rolesAt[i]! + (c ? c.roles.length : 0);
    }
    const data = new Int32Array(dataAt[n]!);
    const roles = new Uint8Array(rolesAt[n]!);
    const heads = entries.map(([, , v], i) => {
      const c = columns[i];
      if (c) {
        data.set(c.data, dataAt[i]);
        roles.set(c.roles, rolesAt[i]);
      }
      const head: CachedHead = { diagnostics: v.diagnostics };
      if (v.skipped !== undefined) head.skipped = v.skipped;
      if (v.document && c) {
        head.document = { fields: v.document.fields, n: c.n, speakers: c.speakers, speakerParticipants: c.speakerParticipants };
        if (v.document.asciiAt !== undefined) head.document.asciiAt = v.document.asciiAt;
      }
      return head;
    });
    const timestamps = mapColumns(columns.map((c) => (typeof c?.timestamps === 'function' ? c.timestamps() : c?.timestamps)));
    const texts = mapColumns(columns.map((c) => c?.texts));
    const parts = mapColumns(columns.map((c) => c?.parts));
    return {
      files: entries.map((e) => e[0]),
      keys: entries.map((e) => e[1]),
      heads,
      dataAt,
      // (The segments' numbers in the bytes they need: most fit in 16 bits.)
      data: narrowInts(data),
      rolesAt,
      roles,
      timestampsAt: timestamps.at,
      timestampsHas: timestamps.has,
      timestampsKey: timestamps.keys,
      // End to end in one text, each value's end in a column: a document's are read from it when one
      // of its segments' time is first asked for (most commands never ask; a listing asks for a few documents').
      ...timestampTexts(timestamps.values),
      textsAt: texts.at,
      textsHas: texts.has,
      textsKey: texts.keys,
      textsValue: texts.values,
      partsAt: parts.at,
      partsHas: parts.has,
      partsKey: parts.keys,
      partsValue: Float64Array.from(parts.values),
    };
  },
  decode(payload) {
    const p = payload as {
      files: string[];
      keys: FileKey[];
      heads: CachedHead[];
      dataAt: Uint32Array;
      data: unknown;
      rolesAt: Uint32Array;
      roles: Uint8Array;
      timestampsAt: Float64Array;
      timestampsHas: Uint8Array;
      timestampsKey: Float64Array;
      timestampsText: Uint8Array;
      timestampsWide: boolean;
      timestampsEnd: Uint32Array;
      textsAt: Float64Array;
      textsHas: Uint8Array;
      textsKey: Float64Array;
      textsValue: string[];
      partsAt: Float64Array;
      partsHas: Uint8Array;
      partsKey: Float64Array;
      partsValue: Float64Array;
    };
    const { files, keys, heads, dataAt, rolesAt, roles } = p;
    const data = widenInts(p.data, Int32Array);
    if (!Array.isArray(files) || !Array.isArray(heads) || heads.length !== files.length || !(dataAt instanceof Uint32Array) || dataAt.length !== files.length + 1 || data.length !== dataAt[files.length]) throw new Error('damaged');
    let timestampsChecked = false;
    /** Document i's timestamps (its keys from `at[i]` to `at[i + 1]`), their values read from the text column. */
    const timestampsOf = (i: number): Map<number, string> | undefined => {
      const { timestampsText: text, timestampsWide: wide, timestampsEnd: ends, timestampsKey: keys, timestampsAt: at } = p;
      if (!timestampsChecked) {
        // (Once: the ends rise and the last is the text's length.)
        let ok = text instanceof Uint8Array && ends instanceof Uint32Array && typeof wide === 'boolean' && ends.length === keys.length;
        for (let j = 1; ok && j < ends.length; j++) ok = ends[j - 1]! <= ends[j]!;
        if (!ok || (ends.length === 0 ? 0 : ends[ends.length - 1]!) * (wide ? 2 : 1) !== text.length) throw new Error('the study index: damaged timestamps (delete .qualwave/index/)');
        timestampsChecked = true;
      }
      const from = at[i]!;
      const to = at[i + 1]!;
      const start = from === 0 ? 0 : ends[from - 1]!;
      const unit = wide ? 2 : 1;
      const all = Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString(wide ? 'utf16le' : 'latin1', start * unit, (to > from ? ends[to - 1]! : start) * unit);
      // (As mapAt makes a document's map: its keys in order, each with its value.)
      const m = new Map<number, string>();
      for (let j = from, k = 0; j < to; j++) {
        const end = ends[j]! - start;
        m.set(keys[j]!, all.slice(k, end));
        k = end;
      }
      return m;
    };
    return files.map((f, i) => {
      const h = heads[i]!;
      const v: CachedDocument = { diagnostics: h.diagnostics };
      if (h.skipped !== undefined) v.skipped = h.skipped;
      if (h.document) {
        const { fields, n, speakers, speakerParticipants, asciiAt } = h.document;
        // (Made when first asked for: most commands never ask a segment's time.)
        const timestamps = p.timestampsHas[i] === 1 ? () => timestampsOf(i) : undefined;
        const texts = mapAt(p.textsAt, p.textsHas, p.textsKey, p.textsValue, i);
        const parts = mapAt(p.partsAt, p.partsHas, p.partsKey, p.partsValue, i);
        v.document = { fields, columns: { n, speakers, speakerParticipants, texts, timestamps, parts, data: data.subarray(dataAt[i], dataAt[i + 1]), roles: roles.subarray(rolesAt[i], rolesAt[i + 1]) } };
        if (asciiAt !== undefined) v.document.asciiAt = asciiAt;
      }
      return [f, keys[i]!, v];
    });
  },
});

type CachedHead = Omit<CachedDocument, 'document'> & { document?: Pick<SegmentColumns, 'n' | 'speakers' | 'speakerParticipants'> & { fields: DocumentFields; asciiAt?: number } };

/**
 * Maps from numbers (a map or none per document) as columns: document i's entries are keys and
 * values from `at[i]` to `at[i + 1]` in insertion order, `has[i]` 0 when it had no map. Numbers are
 * kept as doubles, exactly; a map of many entries deserialized entry by entry costs more than the
 * rest of a head.
 */
function mapColumns<V>(maps: ReadonlyArray<ReadonlyMap<number, V> | undefined>): { at: Float64Array; has: Uint8Array; keys: Float64Array; values: V[] } {
  const at = new Float64Array(maps.length + 1);
  const has = new Uint8Array(maps.length);
  const keys: number[] = [];
  const values: V[] = [];
  for (let i = 0; i < maps.length; i++) {
    const m = maps[i];
    at[i] = keys.length;
    if (m) {
      has[i] = 1;
      for (const [k, v] of m) {
        keys.push(k);
        values.push(v);
      }
    }
  }
  at[maps.length] = keys.length;
  return { at, has, keys: Float64Array.from(keys), values };
}

/**
 * Timestamps (strings) end to end in one text as bytes, each one's end (in UTF-16 units) in a
 * column: Latin-1 when every unit is below 256 (one byte each), else UTF-16, either way the same
 * units back.
 */
function timestampTexts(values: readonly string[]): { timestampsText: Uint8Array; timestampsWide: boolean; timestampsEnd: Uint32Array } {
  const joined = values.join('');
  const wide = /[^\u0000-\u00ff]/.test(joined);
  const ends = new Uint32Array(values.length);
  let end = 0;
  values.forEach((v, j) => (ends[j] = end += v.length));
  const bytes = Buffer.from(joined, wide ? 'utf16le' : 'latin1');
  // (A plain Uint8Array of those bytes: a column, whatever realm Buffer comes from.)
  return { timestampsText: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), timestampsWide: wide, timestampsEnd: ends };
}

/** Document i's map from mapColumns' columns (undefined when it had none). */
function mapAt<V>(at: Float64Array, has: Uint8Array, keys: Float64Array, values: ArrayLike<V>, i: number): Map<number, V> | undefined {
  if (has[i] !== 1) return undefined;
  const from = at[i]!;
  const to = at[i + 1]!;
  const m = new Map<number, V>();
  for (let j = from; j < to; j++) m.set(keys[j]!, values[j]!);
  return m;
}

/** The names in a folder that its listing says are regular files, or undefined when it cannot be listed (then each file is looked at). */
function plainFiles(dir: string): Set<string> | undefined {
  try {
    return new Set(
      readdirSync(dir, { withFileTypes: true })
        // Only entries the listing says are regular files: a file system that does not report
        // types (some network and FUSE mounts: every test false) leaves each name to lstat, so a
        // link there is still seen.
        .filter((d) => d.isFile())
        .map((d) => d.name),
    );
  } catch (e) {
    if (isSystemError(e)) return undefined;
    throw e;
  }
}

/** A path of the study's own form (relative, '/' between names, none of them '', '.' or '..'): what join() leaves as it is. */
const PLAIN_RELATIVE = /^(?:(?!\.\.?\/)[^/]+\/)*(?!\.\.?$)[^/]+$/;

/**
 * join(root, f) for the files of one study: a file's plain relative path (expand's) appended to
 * the root as join() writes it, without normalising the whole path again for each of thousands of
 * files (a microsecond each); any other path through join() itself. The same string either way.
 */
export function joinerIn(root: string): (f: string) => string {
  // (join() normalises the root alike whatever follows it: its form before a plain name.)
  const prefix = join(root, 'x').slice(0, -1);
  if (sep !== '/') return (f) => join(root, f);
  return (f) => (PLAIN_RELATIVE.test(f) ? prefix + f : join(root, f));
}

/** A study file's bytes with their stamp, or undefined with the reason as a diagnostic at `file`. */
function readOrReport(path: string, file: string, diagnostics: Diagnostic[], scratch?: { bytes: Buffer }): ReturnType<typeof readStamped> | undefined {
  try {
    return readStamped(path, false, scratch);
  } catch (e) {
    diagnostics.push(fileError(e, file));
    return undefined;
  }
}

function toCached(r: ReadResult, asciiAt: number | undefined): CachedDocument {
  const out: CachedDocument = { diagnostics: r.diagnostics };
  if (r.skipped !== undefined) out.skipped = r.skipped;
  if (r.document) {
    out.document = { fields: documentFields(r.document), columns: r.document.segmentList.toColumns() };
    if (asciiAt !== undefined) out.document.asciiAt = asciiAt;
  }
  return out;
}

/** The document the index kept, its text read from `source`, its lines read in part (read-lines.ts) when the file is ASCII and `stamp` (settled) vouches for its bytes. */
function cachedResult(c: CachedDocument, source: () => string, path: string, size: number, stamp: FileStamp | undefined): ReadResult {
  const out: ReadResult = { diagnostics: c.diagnostics };
  if (c.skipped !== undefined) out.skipped = c.skipped;
  if (c.document) {
    const list = SegmentList.fromColumns(c.document.fields.id, source, c.document.columns);
    if (c.document.asciiAt !== undefined && stamp) list.linesReader = linesReader(path, size, stamp, c.document.asciiAt);
    out.document = documentOf(list, c.document.fields);
  }
  return out;
}

/** Fields an attribution template may use; `{constructor}` and typos are refused with file:line. */
function checkAttribution(template: string, line: number | undefined, participants: readonly Participant[], documents: readonly Document[]): Diagnostic[] {
  const known = new Set(['participant', 'wave', 'wave.label', 'date', 'interviewer', 'timestamp']);
  for (const p of participants) for (const k of Object.keys(p.attributes)) known.add(k);
  for (const d of documents) for (const k of Object.keys(d.attributes)) known.add(k);
  const out: Diagnostic[] = [];
  for (const field of new Set(attributionFields(template))) {
    if (!known.has(field)) {
      out.push(error(CONFIG_FILE, line, `attribution '${template}' uses {${field}}, which is not a field${didYouMeanSuffix(field, known)}`, `fields: participant, wave, wave.label, date, interviewer, timestamp, a column of the participants file, or a front-matter key of the transcripts`));
    }
  }
  return out;
}

/**
 * Outputs that `build` writes: inside the study with symbolic links resolved (a linked tables/
 * folder that leads elsewhere is refused), never an input of the study, never a link itself.
 */
async function checkOutputs(root: string, realRoot: string, config: { outputs: ReadonlyArray<{ file: string; line?: number }> }, lines: Record<string, number>, inputs: { files: string[]; codebookFiles: string[]; participantsFile: string; codingFiles: string[] }): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  const taken = new Set([...inputs.files, ...inputs.codebookFiles, inputs.participantsFile, ...inputs.codingFiles].map((f) => f.normalize('NFC').toLowerCase()));
  for (const o of config.outputs) {
    const line = o.line ?? lines['outputs'];
    const abs = join(root, o.file);
    if (!isInside(realRoot, abs)) {
      out.push(error(CONFIG_FILE, line, `output file '${o.file}' leads outside the study folder (through a symbolic link): refused`, 'outputs are written inside the study: use a real folder, not a link to elsewhere'));
      continue;
    }
    if (taken.has(o.file.normalize('NFC').toLowerCase())) {
      out.push(error(CONFIG_FILE, line, `output file '${o.file}' is an input of the study: refused`, 'build would overwrite it: choose another file for this output'));
      continue;
    }
    const st = lstatSync(abs, { throwIfNoEntry: false });
    if (st && !st.isFile()) {
      out.push(error(CONFIG_FILE, line, `output file '${o.file}' exists and is not a regular file (${st.isSymbolicLink() ? 'a symbolic link' : st.isDirectory() ? 'a folder' : 'a device, FIFO or socket'}): refused`, 'remove it, or choose another file for this output'));
    }
  }
  return out;
}

/**
 * Sentences that share a line with another sentence: codings are whole lines, so coding one of
 * them codes them all (until codings have exact spans). Said once for the study's setting, and
 * once per transcript whose front matter asks for sentences.
 */
function sentenceWarnings(documents: readonly Document[], config: StudyConfig): Diagnostic[] {
  const out: Diagnostic[] = [];
  let studyShared = 0;
  let studyDocs = 0;
  for (const d of documents) {
    if (d.segmentation.mode !== 'sentence') continue;
    const list = d.segmentList;
    let shared = 0;
    for (let i = 0; i < list.length; i++) {
      if ((i > 0 && list.endLine(i - 1) >= list.startLine(i)) || (i + 1 < list.length && list.startLine(i + 1) <= list.endLine(i))) shared++;
    }
    if (shared === 0) continue;
    if (d.segmentation.from === 'front matter') out.push(warning(d.file, d.frontMatterLines?.['segments'], `segments: sentence: ${shared} of ${list.length} sentences share a line with another`, sentenceHint));
    else {
      studyShared += shared;
      studyDocs++;
    }
  }
  if (studyDocs > 0) out.push(warning(CONFIG_FILE, config.transcripts.segmentsLine || undefined, `transcripts.segments: sentence: ${studyShared} sentences in ${studyDocs} transcript${studyDocs === 1 ? '' : 's'} share a line with another`, sentenceHint));
  return out;
}

const sentenceHint = 'codings are whole lines: coding one sentence codes every sentence on its lines, and agreement compares them as one; put one sentence per line, or use segments: paragraph or line';

/**
 * The document keeps a way to read its text again rather than the text itself: segments are
 * segmented at load time, their text is read when first asked for. This keeps a loaded study of
 * 150 MB of transcripts near the memory of its segment tables alone (see npm run bench). The bytes
 * read again must be those the segments were made from, or it is an error (never shifted text):
 * their stamp after the read is the settled `stamp` they had (nothing wrote the file since), or
 * their SHA-256 is `hash`.
 */
function rereader(path: string, file: string, size: number, stamp: FileStamp | undefined, hash: string | undefined): () => string {
  return () => {
    const r = readStamped(path, true);
    const same = r.bytes.length === size && ((stamp !== undefined && sameStamp(r.after!, stamp)) || (hash !== undefined && hashBytes(r.bytes) === hash));
    const decoded = same ? decodeText(r.bytes, file) : undefined;
    if (!decoded?.ok) throw new StudyChangedError(file);
    return decoded.text;
  };
}

export class StudyChangedError extends QualwaveError {
  constructor(readonly file: string) {
    super(`${file} changed while qualwave was running`, EXIT.badInput, 'run the command again');
  }
}

/** Files (not folders) matching globs relative to the study folder, sorted, with forward slashes. */
export async function expand(root: string, patterns: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const p of patterns) {
    const abs = resolveIn(root, p);
    if (!/[*?{[]/.test(p)) {
      if (existsSync(abs) && statSync(abs).isFile()) out.add(toStudyPath(root, abs));
      continue;
    }
    const found = await glob(p, { cwd: root, onlyFiles: true, dot: false, expandDirectories: false });
    for (const f of found) out.add(f.split(sep).join('/'));
  }
  return [...out].sort();
}

function resolveIn(root: string, p: string): string {
  return isAbsolute(p) ? p : join(root, p);
}

function toStudyPath(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/');
}
