import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { append } from '../core/arrays.js';
import { dirname, join, relative, resolve } from 'node:path';
import { error, warning, type Diagnostic } from '../core/diagnostics/diagnostic.js';
import { parseKey, type Key } from '../core/pseudonymisation/key.js';
import { KeyMatcher } from '../core/pseudonymisation/match.js';
import { planPseudonymisation, type PseudonymPlan, type SourceText } from '../core/pseudonymisation/plan.js';
import { formatRecord, memosText, RECORD_FILE } from '../core/pseudonymisation/record.js';
import type { Coding } from '../core/coding/types.js';
import { coderCodings } from '../core/coding/table.js';
import type { Study } from '../core/study/types.js';
import { decodeText } from '../core/text/decode.js';
import { assertUnchangedSinceLoaded, CODINGS_DIR, updateStudy } from './codings.js';
import { isInside, realPath, realRootOf } from './confine.js';
import { FileError } from './errors.js';
import { readStudyFile, sha256, studyTextFiles } from './pseudonymised.js';

/**
 * Reading the key: it must be outside the study folder (and outside the git repository holding
 * the study, which would commit it with the study): the key links every pseudonym to a person, and
 * whatever is in the study travels with it (git, copies to co-authors, archives).
 */
export function readKey(root: string, path: string, shown: string): { key?: Key; diagnostics: Diagnostic[] } {
  const realRoot = realRootOf(root);
  const hint = 'keep the key outside the study folder and its git repository (e.g. in ~/keys/, an encrypted volume, or with the data custodian), and give its path with --key';
  if (isInside(realRoot, path)) return { diagnostics: [error(shown, undefined, 'the key is inside the study folder: refused (it links every pseudonym to a real name, and whatever is in the study travels with it: git, copies, exports)', hint)] };
  const repo = gitWorkTree(realRoot);
  if (repo && isInside(repo, path)) return { diagnostics: [error(shown, undefined, `the key is inside the git repository that holds the study (${repo}): refused (it would be committed with it)`, hint)] };
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { diagnostics: [error(shown, undefined, code === 'ENOENT' ? 'key file not found' : code === 'EISDIR' ? 'is a folder, not a key file' : `cannot read the key (${code ?? (e as Error).message})`, 'give the path of the key file (CSV: name,pseudonym)')] };
  }
  const decoded = decodeText(bytes, shown);
  if (!decoded.ok) return { diagnostics: [decoded.diagnostic] };
  const parsed = parseKey(shown, decoded.text);
  const diagnostics = [...parsed.diagnostics];
  const mode = lstatSync(path, { throwIfNoEntry: false })?.mode ?? 0;
  if (parsed.key && (mode & 0o077) !== 0 && process.platform !== 'win32') diagnostics.push(warning(shown, undefined, 'other users of this computer can read the key', `chmod 600 '${shown}' (only you can read it)`));
  return parsed.key ? { key: parsed.key, diagnostics } : { diagnostics };
}

/** The git work tree the folder is in (the folder holding .git), if any. */
function gitWorkTree(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return realPath(d);
    if (dirname(d) === d) return undefined;
  }
}

export interface PseudonymiseResult {
  plan: PseudonymPlan;
  /** Text files written (relative), codings files included, the record last. */
  written: string[];
  /** Outputs of build (tables, the report...) that still hold names of the key from before. */
  staleOutputs: Array<{ file: string; names?: number }>;
}

/**
 * qualwave pseudonymise --key: every text of the study read, the plan made and checked (core), and
 * unless `dryRun` or a problem, written as one change under the study lock and every coder's lock
 * (the journal: all files or none, whatever happens): the transcripts, case summaries, codebooks,
 * qualwave.yaml and participants file that change, every coder's codings whose spans, hashes or
 * memos change, and the record (pseudonymised.yaml). Each file is checked again under the lock:
 * one changed since it was read stops everything.
 */
export async function pseudonymiseStudy(study: Study, key: Key, opts: { dryRun?: boolean } = {}): Promise<PseudonymiseResult> {
  const files = await studyTextFiles(study);
  const read = new Map<string, { bytes: Buffer; bom: boolean }>();
  const texts: SourceText[] = [];
  const diagnostics: Diagnostic[] = [];
  const docs = new Map(study.documents.map((d) => [d.file, d]));
  for (const f of files) {
    const bytes = readStudyFile(study.root, f.file);
    if (f.format === 'docx' || f.format === 'json') {
      // Scanned through the text qualwave reads from it; never rewritten.
      read.set(f.file, { bytes, bom: false });
      texts.push({ file: f.file, kind: f.kind, format: f.format, text: docs.get(f.file)!.segmentList.sourceTextValue });
      continue;
    }
    const decoded = decodeText(bytes, f.file);
    if (!decoded.ok) {
      diagnostics.push(decoded.diagnostic);
      continue;
    }
    read.set(f.file, { bytes, bom: decoded.bom });
    texts.push(f.format ? { file: f.file, kind: f.kind, format: f.format, text: decoded.text } : { file: f.file, kind: f.kind, text: decoded.text });
  }
  const plan = planPseudonymisation(study, key, texts);
  append(plan.diagnostics, diagnostics);
  const staleOutputs = outputsWithNames(study, key);
  if (opts.dryRun || plan.diagnostics.some((d) => d.severity === 'error')) return { plan, written: [], staleOutputs };

  // Never write outside the study: a transcript read with --allow-outside is not rewritten.
  const realRoot = realRootOf(study.root);
  for (const ch of plan.changes) {
    if (!isInside(realRoot, join(study.root, ch.file))) {
      plan.diagnostics.push(error(ch.file, undefined, 'is outside the study folder (read with --allow-outside): qualwave does not write there', 'copy it into the study, or replace its names yourself'));
    }
  }
  if (plan.diagnostics.some((d) => d.severity === 'error')) return { plan, written: [], staleOutputs };

  const out: Array<readonly [string, Uint8Array | string]> = [];
  const fingerprints = new Map<string, string>();
  const changed = new Map(plan.changes.map((c) => [c.file, c]));
  for (const f of files) {
    const r = read.get(f.file)!;
    const ch = changed.get(f.file);
    if (!ch) {
      fingerprints.set(f.file, sha256(r.bytes));
      continue;
    }
    const bytes = Buffer.concat([r.bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(ch.after, 'utf8')]);
    out.push([join(study.root, f.file), bytes]);
    fingerprints.set(f.file, sha256(bytes));
  }
  const finalCodings = (coder: string): Coding[] => plan.codings.get(coder) ?? coderCodings(study, coder);
  for (const coder of study.coders) fingerprints.set(`${CODINGS_DIR}/${coder}.tsv`, sha256(memosText(finalCodings(coder))));
  const record = formatRecord({ texts: fingerprints });
  const recordPath = join(study.root, RECORD_FILE);
  const recordNow = existsSync(recordPath) ? readFileSync(recordPath, 'utf8') : undefined;
  if (recordNow !== record) out.push([recordPath, record]);
  if (out.length === 0 && plan.codings.size === 0) return { plan, written: [], staleOutputs };

  updateStudy(study, plan.codings.keys(), () => {
    // Under the locks: every file as it was read, every coder's file as it was loaded.
    for (const [file, r] of read) {
      if (!readStudyFile(study.root, file).equals(r.bytes)) throw new FileError(join(study.root, file), `${file} changed since qualwave read it (an editor or another qualwave wrote it meanwhile): nothing was written`, 'run the command again');
    }
    for (const coder of plan.codings.keys()) assertUnchangedSinceLoaded(study.root, coder);
    return { codings: plan.codings, files: out };
  });
  const written = [...out.filter(([p]) => p !== recordPath).map(([p]) => relative(study.root, p).split('\\').join('/')), ...[...plan.codings.keys()].map((c) => `${CODINGS_DIR}/${c}.tsv`)].sort();
  if (out.some(([p]) => p === recordPath)) written.push(RECORD_FILE);
  return { plan, written, staleOutputs };
}

const TEXT_OUTPUT = /\.(md|markdown|txt|csv|tsv|tex|html?|svg|json|xml|qdc)$/i;

/**
 * build's outputs that hold names of the key (text ones, counted), or that cannot be searched (a
 * .docx, a .qdpx: `names` undefined): made before the names were replaced, to be made again.
 */
function outputsWithNames(study: Study, key: Key): Array<{ file: string; names?: number }> {
  const matcher = new KeyMatcher(key);
  const out: Array<{ file: string; names?: number }> = [];
  for (const o of study.config.outputs) {
    const path = resolve(study.root, o.file);
    if (!lstatSync(path, { throwIfNoEntry: false })?.isFile()) continue;
    if (!TEXT_OUTPUT.test(o.file)) {
      out.push({ file: o.file });
      continue;
    }
    const n = matcher.find(readFileSync(path, 'utf8')).length;
    if (n > 0) out.push({ file: o.file, names: n });
  }
  return out;
}
