import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { CONFIG_FILE } from '../core/study/config.js';
import type { Study } from '../core/study/types.js';
import type { SourceText } from '../core/pseudonymisation/plan.js';
import { compareRecord, memosText, parseRecord, RECORD_FILE, type PseudonymRecord } from '../core/pseudonymisation/record.js';
import { CODINGS_DIR } from './codings.js';
import { coderCodings } from '../core/coding/table.js';
import { readCaseFiles } from './cases.js';
import { fileErrorFrom } from './errors.js';
import { fsOps } from './fs-ops.js';

export { RECORD_FILE };

/** A text of the study that may hold a name, as pseudonymisation reads it and the record fingerprints it. */
export interface StudyTextFile {
  file: string;
  kind: SourceText['kind'];
  format?: SourceText['format'];
}

/**
 * Every text of the study that qualwave puts into its outputs and that may hold a name:
 * qualwave.yaml (title, labels), the participants file, the codebooks (definitions, examples),
 * every transcript and the case summaries (cases/ID.md of known participants). The codings'
 * memos come from the loaded study.
 */
export async function studyTextFiles(study: Study): Promise<StudyTextFile[]> {
  const out: StudyTextFile[] = [
    { file: CONFIG_FILE, kind: 'config' },
    { file: study.config.participants.file, kind: 'participants' },
  ];
  for (const f of study.codebook.files) out.push({ file: f.file, kind: 'codebook' });
  for (const d of study.documents) out.push({ file: d.file, kind: 'transcript', format: d.format });
  const { files } = await readCaseFiles(study);
  for (const f of files) out.push({ file: f.file, kind: 'case' });
  const seen = new Set<string>();
  return out.filter((t) => !seen.has(t.file) && seen.add(t.file));
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The file's bytes now (a FileError naming it when it cannot be read). */
export function readStudyFile(root: string, file: string): Buffer {
  try {
    return fsOps().readFile(join(root, file));
  } catch (e) {
    throw fileErrorFrom(e, file, 'cannot read');
  }
}

/** The fingerprints the record keeps, for the study as it is on disk now. */
export async function currentFingerprints(study: Study): Promise<Map<string, string>> {
  const now = new Map<string, string>();
  for (const t of await studyTextFiles(study)) now.set(t.file, sha256(readStudyFile(study.root, t.file)));
  for (const coder of study.coders) now.set(`${CODINGS_DIR}/${coder}.tsv`, sha256(memosText(coderCodings(study, coder))));
  return now;
}

/** The record in the study folder, if there is one (a FileError when it cannot be read or is not one). */
export function readRecord(root: string): PseudonymRecord | undefined {
  const path = join(root, RECORD_FILE);
  if (!fsOps().lstat(path)) return undefined;
  const text = readStudyFile(root, RECORD_FILE).toString('utf8');
  const { record, diagnostics } = parseRecord(RECORD_FILE, text);
  if (!record) throw new RecordError(`${RECORD_FILE}: ${diagnostics[diagnostics.length - 1]?.message ?? 'is not a pseudonymisation record'}`, diagnostics[diagnostics.length - 1]?.hint);
  return record;
}

export class RecordError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * Why exports and the report may not be made from the study now, or undefined when they may: the
 * study requires pseudonymisation (`pseudonymisation: required` in qualwave.yaml, or a record
 * written by qualwave pseudonymise) and it has not been pseudonymised, or a text has changed (or
 * come) since it was. Needs no key: the record's fingerprints are compared with the texts.
 */
export async function pseudonymisationProblem(study: Study): Promise<{ reason: string; hint: string; file: string; line?: number } | undefined> {
  let record: PseudonymRecord | undefined;
  try {
    record = readRecord(study.root);
  } catch (e) {
    if (e instanceof RecordError) return { reason: e.message, hint: e.hint ?? '', file: RECORD_FILE };
    throw e;
  }
  const required = study.config.pseudonymisation;
  if (!record) {
    if (!required) return undefined;
    return {
      reason: `${CONFIG_FILE}:${required.line} says pseudonymisation: required, and the study has not been pseudonymised`,
      file: CONFIG_FILE,
      line: required.line,
      hint: 'run qualwave pseudonymise --key FILE (the key of names and pseudonyms, kept outside the study; --dry-run first shows what it changes), then run this again',
    };
  }
  const { changed, added } = compareRecord(record, await currentFingerprints(study));
  if (changed.length === 0 && added.length === 0) return undefined;
  const list = (files: string[]): string => `${files.slice(0, 5).join(', ')}${files.length > 5 ? ` and ${files.length - 5} more` : ''}`;
  const parts = [changed.length > 0 ? `${list(changed)} changed` : '', added.length > 0 ? `${list(added)} ${added.length === 1 ? 'is' : 'are'} new` : ''].filter(Boolean);
  return {
    reason: `the study was pseudonymised (${RECORD_FILE}), and since then ${parts.join('; ')} (texts not yet checked against the key)`,
    file: RECORD_FILE,
    hint: 'run qualwave pseudonymise --key FILE again (it replaces any name of the key in them and records the check; a memo or transcript edited since counts), then run this again',
  };
}
