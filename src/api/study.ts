import { resolve } from 'node:path';
import { hasErrors, type Diagnostic } from '../core/diagnostics/diagnostic.js';
import { InputError, UsageError } from '../core/errors.js';
import type { Study } from '../core/study/types.js';
import { recoverStudy } from '../io/codings.js';
import { findStudyRoot, loadStudy, loads } from '../io/load-study.js';

export interface OpenOptions {
  /** Read transcripts, codebooks and participants outside the study folder (refused by default). */
  allowOutside?: boolean;
  /** Finish (or undo) a change a crash interrupted before reading (default true). */
  recover?: boolean;
  /** The study's warnings (it loaded: they do not stop anything). */
  onWarnings?: (warnings: readonly Diagnostic[]) => void;
  /** Transcripts read so far, of how many (the CLI shows it on a terminal). */
  onProgress?: (done: number, of: number) => void;
}

/**
 * The study in `dir` (the folder holding qualwave.yaml, or one inside it), loaded whole: config,
 * participants, codebooks, transcripts (segmented), codings and finished marks. A study with
 * errors is an InputError whose `diagnostics` say where (file:line) and what to do.
 */
export async function openStudy(dir: string, opts: OpenOptions = {}): Promise<Study> {
  const start = resolve(dir);
  const root = findStudyRoot(start);
  if (!root) throw new UsageError(`no qualwave.yaml in ${dir} or any folder above it`, 'give the folder that holds qualwave.yaml, or create one with: qualwave init DIR');
  if (opts.recover !== false) recoverStudy(root);
  const { study, diagnostics } = await loadStudy(root, { allowOutside: opts.allowOutside === true, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  if (!study || hasErrors(diagnostics)) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const n = errors.length;
    throw new InputError(`the study has ${n} error${n === 1 ? '' : 's'}; fix them (qualwave validate lists every problem) and run again`, errors);
  }
  if (diagnostics.length > 0) opts.onWarnings?.(diagnostics);
  return study;
}

/** How many times a study was loaded in this process (build loads once for all its outputs). */
export function studyLoads(): number {
  return loads.count;
}
