import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { glob } from 'tinyglobby';
import { combineCodebooks, parseCodebookFile, type ParsedCodebookFile } from '../core/codebook/parse.js';
import { checkCodebookVersions, checkCodingsSince } from '../core/codebook/versions.js';
import { checkCodings } from '../core/coding/check.js';
import { parseCodingsFile } from '../core/coding/store.js';
import { CODER_NAME } from '../core/coding/types.js';
import { error, sortDiagnostics, warning, type Diagnostic } from '../core/diagnostics/diagnostic.js';
import { assembleStudy } from '../core/study/assemble.js';
import { CONFIG_FILE, parseConfig } from '../core/study/config.js';
import { formatOf, readDocument } from '../core/study/documents.js';
import { compileNamePattern } from '../core/study/naming.js';
import { parseParticipants } from '../core/study/participants.js';
import type { Document, Participant, Study } from '../core/study/types.js';
import { decodeText } from '../core/text/decode.js';
import { fileError, readText } from './read.js';

/** Where coders' codings live, relative to the study folder. */
export const CODINGS_DIR = 'codings';

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

export interface LoadResult {
  /** Present when the study could be assembled (it may still have errors in `diagnostics`). */
  study?: Study;
  diagnostics: Diagnostic[];
}

/**
 * Load a whole study folder: config, participants, codebooks and every transcript, collecting every
 * problem rather than stopping at the first. Reads files, writes nothing.
 */
export async function loadStudy(root: string): Promise<LoadResult> {
  const diagnostics: Diagnostic[] = [];
  const done = (study?: Study): LoadResult => (study ? { study, diagnostics: sortDiagnostics(diagnostics) } : { diagnostics: sortDiagnostics(diagnostics) });

  const configRead = readText(join(root, CONFIG_FILE), CONFIG_FILE);
  if (!configRead.text) {
    diagnostics.push(configRead.diagnostic ?? error(CONFIG_FILE, undefined, 'cannot read'));
    return done();
  }
  const { config, diagnostics: configDiagnostics, lines } = parseConfig(CONFIG_FILE, configRead.text);
  diagnostics.push(...configDiagnostics);
  if (!config) return done();

  // Participants.
  let participants: Participant[] = [];
  let participantsLoaded = false;
  const pFile = config.participants.file;
  const pRead = readText(resolveIn(root, pFile), pFile);
  if (pRead.text === undefined) {
    const d = pRead.diagnostic!;
    if (d.message === 'file not found') {
      diagnostics.push(error(CONFIG_FILE, lines['participants'], `participants file '${pFile}' not found`, `create ${pFile} with a header row (id,...) and one row per participant, or set participants.file`));
    } else diagnostics.push(d);
  } else {
    const parsed = parseParticipants(pFile, pRead.text, config.participants.id);
    diagnostics.push(...parsed.diagnostics);
    participants = parsed.participants;
    participantsLoaded = true;
  }

  // Codebooks.
  const codebookParts: ParsedCodebookFile[] = [];
  for (const entry of config.codebooks) {
    const files = await expand(root, [entry]);
    if (files.length === 0) {
      const isDefault = lines['codebooks'] === undefined;
      if (!isDefault) diagnostics.push(error(CONFIG_FILE, lines['codebooks'], `codebook '${entry}' not found`, 'check the path under codebooks: (relative to the study folder)'));
      else diagnostics.push(warning(CONFIG_FILE, undefined, `no codebook found (looked for ${entry})`, "add a codebook: 'qualwave init --codebook NAME' copies a starter one"));
      continue;
    }
    for (const f of files) {
      const read = readText(join(root, f), f);
      if (read.text === undefined) {
        diagnostics.push(read.diagnostic!);
        continue;
      }
      const part = parseCodebookFile(f, read.text);
      diagnostics.push(...part.diagnostics);
      codebookParts.push(part);
    }
  }
  const { codebook, diagnostics: combineDiagnostics } = combineCodebooks(codebookParts);
  diagnostics.push(...combineDiagnostics);
  diagnostics.push(...checkCodebookVersions(codebook, config.waves));

  // Transcripts.
  const files = await expand(root, config.transcripts.paths);
  if (files.length === 0) {
    diagnostics.push(error(CONFIG_FILE, lines['transcripts'], `no transcripts found (looked for ${config.transcripts.paths.join(', ')})`, 'put one file per interview in transcripts/, or set transcripts.paths'));
  }
  const match = compileNamePattern(config.transcripts.name, config.waves.map((w) => w.id));
  const documents: Document[] = [];
  const failedParticipants = new Set<string>();
  for (const f of files) {
    const withoutExt = f.slice(0, f.lastIndexOf('.'));
    const name = match(withoutExt);
    const format = formatOf(f);
    if (!format) {
      const ext = f.slice(f.lastIndexOf('.')).toLowerCase();
      const hint = ext === '.doc' ? 'save it as .docx (Word: File > Save As > Word Document)' : ext === '.pdf' ? 'export the transcript as .docx or .txt' : 'transcripts are .txt, .md, .vtt, .srt or .docx; narrow transcripts.paths if this file is not one';
      diagnostics.push(warning(f, undefined, `skipped: '${ext}' is not a transcript format`, hint));
      continue;
    }
    let text: string | undefined;
    let source: (() => string) | undefined;
    if (format === 'docx') {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(join(root, f));
      } catch (e) {
        diagnostics.push(fileError(e, f));
        continue;
      }
      const { readDocx } = await import('./docx.js');
      const read = await readDocx(bytes, f);
      if (read.diagnostic) diagnostics.push(read.diagnostic);
      text = read.text;
    } else {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(join(root, f));
      } catch (e) {
        diagnostics.push(fileError(e, f));
        continue;
      }
      const decoded = decodeText(bytes, f);
      if (!decoded.ok) diagnostics.push(decoded.diagnostic);
      else {
        text = decoded.text;
        source = rereader(join(root, f), f, bytes.length);
      }
    }
    const result = text === undefined ? undefined : readDocument(source ? { file: f, text, format, name, source } : { file: f, text, format, name }, config);
    if (result) diagnostics.push(...result.diagnostics);
    if (result?.document) documents.push(result.document);
    else if (name?.participant) failedParticipants.add(name.participant);
  }

  const { study, diagnostics: studyDiagnostics } = assembleStudy({ root, config, participantsFile: pFile, participants, participantsLoaded, failedParticipants, documents, codebook });
  diagnostics.push(...studyDiagnostics);

  // Codings: codings/CODER.tsv, one file per coder.
  const codingFiles = await expand(root, [`${CODINGS_DIR}/*.tsv`]);
  for (const f of codingFiles) {
    const coder = f.slice(CODINGS_DIR.length + 1, -'.tsv'.length);
    if (!CODER_NAME.test(coder)) {
      diagnostics.push(error(f, undefined, `'${coder}' is not a usable coder name`, "rename the file: coder names use letters, digits, '-', '_' and '.'"));
      continue;
    }
    const read = readText(join(root, f), f);
    if (read.text === undefined) {
      diagnostics.push(read.diagnostic!);
      continue;
    }
    const parsed = parseCodingsFile(f, read.text, coder);
    diagnostics.push(...parsed.diagnostics);
    study.codings.push(...parsed.codings);
    study.coders.push(coder);
  }
  diagnostics.push(...checkCodings(study, study.codings));
  diagnostics.push(...checkCodingsSince(study.codebook, config.waves, study.codings));
  return done(study);
}

/**
 * The document keeps a way to read its text again rather than the text itself: segments are
 * segmented at load time, their text is read when first asked for. This keeps a loaded study of
 * 150 MB of transcripts near the memory of its segment tables alone (see npm run bench). A file
 * that changed since loading is an error rather than silently shifted offsets.
 */
function rereader(path: string, file: string, size: number): () => string {
  return () => {
    const bytes = readFileSync(path);
    const decoded = bytes.length === size ? decodeText(bytes, file) : undefined;
    if (!decoded?.ok) throw new StudyChangedError(file);
    return decoded.text;
  };
}

export class StudyChangedError extends Error {
  constructor(readonly file: string) {
    super(`${file} changed while qualwave was running; run the command again`);
  }
}

/** Files (not folders) matching globs relative to the study folder, sorted, with forward slashes. */
async function expand(root: string, patterns: readonly string[]): Promise<string[]> {
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
