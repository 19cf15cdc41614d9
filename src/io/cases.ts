import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { glob } from 'tinyglobby';
import { CASES_DIR, readCaseSummary, type CaseFile, type CaseSummary } from '../core/cases/summary.js';
import { warning, type Diagnostic } from '../core/diagnostics/diagnostic.js';
import type { Study } from '../core/study/types.js';
import { didYouMeanSuffix } from '../core/text/suggest.js';
import { readText } from './read.js';

/**
 * The analysts' case summaries: `cases/PARTICIPANT.md` in the study folder, one per participant
 * (optional). A file whose name is not a participant is reported, not read.
 */
export async function readCaseFiles(study: Pick<Study, 'root' | 'participants'>): Promise<{ files: CaseFile[]; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const files: CaseFile[] = [];
  if (!existsSync(join(study.root, CASES_DIR))) return { files, diagnostics };
  const ids = new Set(study.participants.map((p) => p.id));
  const found = (await glob(`${CASES_DIR}/*.md`, { cwd: study.root, onlyFiles: true, dot: false })).map((f) => f.replace(/\\/g, '/')).sort();
  for (const f of found) {
    const participant = f.slice(CASES_DIR.length + 1, -'.md'.length);
    if (!ids.has(participant)) {
      diagnostics.push(warning(f, undefined, `case summary for '${participant}', who is not in the participants file${didYouMeanSuffix(participant, ids)}`, `name case summaries after a participant id: ${CASES_DIR}/ID.md`));
      continue;
    }
    const read = readText(join(study.root, f), f);
    if (read.text === undefined) {
      diagnostics.push(read.diagnostic!);
      continue;
    }
    files.push({ file: f, participant, text: read.text });
  }
  return { files, diagnostics };
}

/** Every case summary, read and checked (quotations verified, codes looked up); by participant. */
export async function readCaseSummaries(study: Study): Promise<{ summaries: Map<string, CaseSummary>; diagnostics: Diagnostic[] }> {
  const { files, diagnostics } = await readCaseFiles(study);
  const summaries = new Map<string, CaseSummary>();
  for (const f of files) summaries.set(f.participant, readCaseSummary(study, f));
  return { summaries, diagnostics };
}

/** What `validate` says about the case summaries: unknown participants, quotations not verified, unknown codes. */
export function caseDiagnostics(summaries: ReadonlyMap<string, CaseSummary>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const s of summaries.values()) {
    for (const q of s.quotes) {
      const v = q.verdict;
      if (v.status === 'verified') continue;
      out.push(
        warning(
          s.file,
          q.line,
          v.status === 'misattributed'
            ? `quotation attributed ${q.attribution} is found under ${v.participant} at ${v.wave} (${v.file}:${v.line})`
            : `quotation attributed ${q.attribution} is not in the transcript${v.closest ? ` (closest: ${v.closest.file}:${v.closest.line}, similarity ${v.closest.similarity.toFixed(2)})` : ''}`,
          'quote the transcript word for word (mark cuts with ... and insertions with [brackets]), or fix the attribution',
        ),
      );
    }
    for (const c of s.codes) {
      if (!c.known) out.push(warning(s.file, c.line, `\`${c.code}\` is not a code of the codebook${c.suggestion ? `; did you mean '${c.suggestion}'?` : ''}`, 'write code ids in backticks as the codebook spells them (qualwave codebook show)'));
    }
  }
  return out;
}
