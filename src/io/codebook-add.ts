import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addCodeToText } from '../core/codebook/edit.js';
import { CODE_ID, combineCodebooks, parseCodebookFile } from '../core/codebook/parse.js';
import type { Codebook } from '../core/codebook/types.js';
import type { NewCode } from '../core/coding/session.js';
import type { Study } from '../core/study/types.js';
import { updateStudy } from './codings.js';

/** Why a code cannot be added, with what to do. */
export class CodebookAddError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * Add a code to the study's codebook (`qualwave codebook add`, and `c` in the coding session): a
 * text edit of the parent's codebook file (or of the first codebook file, for a new theme) that
 * keeps every comment and line as it was, made under the study lock on the file as it is on disk
 * then, checked by parsing the result, and written atomically. Returns the file and the codebook
 * as it now is.
 */
export function addCode(study: Pick<Study, 'root' | 'config' | 'codebook'>, code: NewCode): { file: string; codebook: Codebook } {
  if (!CODE_ID.test(code.id)) throw new CodebookAddError(`'${code.id}' is not a valid code id`, 'use letters, digits, "_", "-" and "." only, starting with a letter (e.g. support.gym)');
  if (!code.label.trim() || /[\r\n]/.test(code.label)) throw new CodebookAddError('the label must be one non-empty line', 'e.g. --label "Time at the gym"');
  let result: { file: string; codebook: Codebook } | undefined;
  updateStudy(study, [], () => {
    // Every codebook file as it is now: the id must be new across all of them.
    const files = study.codebook.files.map((f) => f.file);
    const texts = new Map(files.map((f) => [f, readFileSync(join(study.root, f), 'utf8')]));
    const parts = files.map((f) => parseCodebookFile(f, texts.get(f)!));
    const now = combineCodebooks(parts).codebook;
    if (now.byId.has(code.id)) throw new CodebookAddError(`code '${code.id}' already exists (${now.byId.get(code.id)!.file})`);
    const parent = code.parent === undefined ? undefined : now.byId.get(code.parent);
    if (code.parent !== undefined && !parent) throw new CodebookAddError(`no code '${code.parent}' to add '${code.id}' under`, 'give an existing code as --parent (qualwave codebook show), or none for a new theme');
    const file = parent?.file ?? files[0];
    if (file === undefined) throw new CodebookAddError('the study has no codebook file', 'list one under codebooks: in qualwave.yaml');
    const edited = addCodeToText(texts.get(file)!, code);
    if (edited === undefined) throw new CodebookAddError(`cannot add '${code.id}' to ${file}: ${parent ? `'${parent.id}' or its children are` : "'codes:' is"} written in flow style ([...] or {...}) or missing`, 'add it by hand: - id: ... / label: ...');
    const check = parseCodebookFile(file, edited);
    const after = combineCodebooks(parts.map((p, i) => (files[i] === file ? check : p)));
    const added = after.codebook.byId.get(code.id);
    if (check.diagnostics.some((d) => d.severity === 'error') || after.diagnostics.length > 0 || !added || added.parent !== code.parent) {
      throw new CodebookAddError(`adding '${code.id}' to ${file} would not read back as intended: nothing written`, 'add it by hand');
    }
    result = { file, codebook: after.codebook };
    return { codings: new Map(), files: [[join(study.root, file), edited]] };
  });
  return result!;
}
