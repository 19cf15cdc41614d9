import { isSystemError } from './errors.js';
import { existsSync, readFileSync } from 'node:fs';
import { fsOps } from './fs-ops.js';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { error, type Diagnostic } from '../core/diagnostics/diagnostic.js';
import { planAdd, type AddFlags, type AddPlan, type AddSource } from '../core/study/add.js';
import { formatOf } from '../core/study/documents.js';
import type { StudyConfig } from '../core/study/types.js';
import { decodeText } from '../core/text/decode.js';
import { isInside, realRootOf } from './confine.js';
import { fileError } from './read.js';
import { makeFolder, writeFileAtomic } from './write.js';
import { append } from '../core/arrays.js';

export interface AddRequest {
  root: string;
  config: StudyConfig;
  participantIds: readonly string[];
  /** Document ids already in the study, with their files. */
  existing: ReadonlyMap<string, string>;
  /** Every file already under the study folder's transcripts (relative paths). */
  files: ReadonlySet<string>;
  /** The files to add, as given (absolute or relative to `cwd`), and how to show them. */
  inputs: ReadonlyArray<{ path: string; shown: string }>;
  flags: AddFlags;
}

/**
 * Read the raw files and plan each (see planAdd): nothing is written until every file has a plan.
 * A file inside the study's transcripts already is refused (it is in the study).
 */
export async function planFiles(req: AddRequest): Promise<{ plans: Array<{ plan: AddPlan; bytes: Uint8Array }>; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const plans: Array<{ plan: AddPlan; bytes: Uint8Array }> = [];
  const planned = new Map<string, string>();
  const matchers = req.config.transcripts.paths.map((p) => picomatch(p, { dot: false }));
  const inTranscripts = (file: string): boolean => matchers.some((m) => m(file));
  for (const input of req.inputs) {
    const format = formatOf(input.path);
    if (!format) {
      diagnostics.push(error(input.shown, undefined, `'${basename(input.path)}' is not a transcript format qualwave reads`, 'transcripts are .txt, .md, .vtt, .srt, .docx or Whisper .json (export the transcript as one of them)'));
      continue;
    }
    const inside = relative(req.root, resolve(input.path));
    if (!inside.startsWith('..') && inTranscripts(inside.split(sep).join('/'))) {
      diagnostics.push(error(input.shown, undefined, "is already one of the study's transcripts", 'qualwave add brings files from outside the study'));
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(input.path);
    } catch (e) {
      diagnostics.push(fileError(e, input.shown, 'check the path'));
      continue;
    }
    let text: string;
    if (format === 'docx') {
      const { readDocx } = await import('./docx.js');
      const read = await readDocx(bytes, input.shown);
      if (read.text === undefined) {
        diagnostics.push(read.diagnostic ?? error(input.shown, undefined, 'cannot read Word document'));
        continue;
      }
      text = read.text;
    } else {
      const decoded = decodeText(bytes, input.shown);
      if (!decoded.ok) {
        diagnostics.push(decoded.diagnostic);
        continue;
      }
      text = decoded.text;
    }
    const first = text.indexOf('\n');
    const src: AddSource = { shown: input.shown, name: basename(input.path), format, text, crlf: first > 0 && text.charCodeAt(first - 1) === 13 };
    const r = planAdd(src, req.flags, { config: req.config, participantIds: req.participantIds, existing: req.existing, files: req.files, inTranscripts }, planned);
    if (!r.plan) {
      append(diagnostics, r.diagnostics);
      continue;
    }
    planned.set(r.plan.document.id, r.plan.file);
    plans.push({ plan: r.plan, bytes });
  }
  return { plans, diagnostics };
}

/**
 * Write the planned files into the study, each atomically and never over an existing file (the
 * caller holds the study lock). Text files that had no front matter get it before their bytes
 * (after a BOM, if any); every other byte is the original's. A target whose folder leads outside
 * the study (a symbolic link) is refused before anything is written. Returns the files written;
 * on a failure (a full disk), the ones before it stay, and that is said.
 */
export function writePlans(root: string, plans: ReadonlyArray<{ plan: AddPlan; bytes: Uint8Array }>): string[] {
  const realRoot = realRootOf(root);
  for (const { plan } of plans) {
    const target = resolve(root, plan.file);
    const rel = relative(root, target);
    if (rel.startsWith('..') || rel === '' || resolve(root, rel) !== target || !isInside(realRoot, target)) throw new OutsideError(`${plan.file} leads outside the study folder (through a symbolic link): nothing was added`);
  }
  const written: string[] = [];
  for (const { plan, bytes } of plans) {
    const target = resolve(root, plan.file);
    const dir = dirname(target);
    const made: string[] = [];
    for (let d = dir; !existsSync(d) && d.startsWith(root + sep); d = dirname(d)) made.unshift(d);
    if (made.length > 0) makeFolder(dir);
    let content: Uint8Array = bytes;
    if (plan.frontMatter !== undefined) {
      const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
      const head = Buffer.from(plan.frontMatter, 'utf8');
      const rest = bom ? bytes.subarray(3) : bytes;
      content = Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), head, rest]);
    }
    try {
      writeFileAtomic(target, content);
    } catch (e) {
      if (written.length > 0 && e instanceof Error) e.message += ` (already added: ${written.join(', ')})`;
      for (const d of made.reverse()) {
        try {
          fsOps().rmdir(d);
        } catch (cleanup) {
          // Not empty (or not ours to remove): leave it; the write's own error is the one to report.
          if (!isSystemError(cleanup)) throw cleanup;
        }
      }
      throw e;
    }
    written.push(plan.file);
  }
  return written;
}

export class OutsideError extends Error {}

/** Files under the study folder matched by transcripts.paths, relative, with forward slashes. */
export async function transcriptFiles(root: string, config: StudyConfig): Promise<Set<string>> {
  const { glob } = await import('tinyglobby');
  const found = await glob(config.transcripts.paths, { cwd: root, onlyFiles: true, dot: false, expandDirectories: false });
  return new Set(found.map((f) => f.split(sep).join('/')));
}
