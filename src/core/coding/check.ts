import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Document, Study } from '../study/types.js';
import { didYouMeanSuffix } from '../text/suggest.js';
import { hashLines, sourceLines } from './text.js';
import { codingKey, type Coding } from './types.js';

/**
 * Check codings against the study: known participant, wave and interview; lines inside the
 * transcript; a code of the codebook; no duplicates; and the coded text still where it was (a
 * transcript edited after coding moves or changes coded lines: reported with where the text went).
 */
export function checkCodings(study: Pick<Study, 'config' | 'participants' | 'documents' | 'codebook'>, codings: readonly Coding[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const docs = new Map(study.documents.map((d) => [d.id, d]));
  const participants = new Set(study.participants.map((p) => p.id));
  const waves = study.config.waves.map((w) => w.id);
  const seen = new Map<string, Coding>();
  const linesCache = new Map<string, string[]>();
  const where = (c: Coding) => c.source ?? { file: `codings/${c.coder}.tsv`, line: undefined };
  for (const c of codings) {
    const at = where(c);
    const doc = docs.get(`${c.participant}/${c.wave}`);
    if (!participants.has(c.participant)) {
      diagnostics.push(error(at.file, at.line, `unknown participant '${c.participant}'${didYouMeanSuffix(c.participant, participants)}`, 'participants are listed in participants.csv'));
      continue;
    }
    if (!waves.includes(c.wave)) {
      diagnostics.push(error(at.file, at.line, `unknown wave '${c.wave}'${didYouMeanSuffix(c.wave, waves)}`, `waves: ${waves.join(', ')}`));
      continue;
    }
    if (!doc) {
      diagnostics.push(error(at.file, at.line, `${c.participant} has no transcript at wave '${c.wave}'`, 'check the participant and wave of this coding'));
      continue;
    }
    if (c.endLine > doc.lineCount) {
      diagnostics.push(error(at.file, at.line, `lines ${c.startLine}-${c.endLine} are outside ${doc.file} (${doc.lineCount} lines)`, 'check the line numbers against the transcript'));
      continue;
    }
    if (!study.codebook.byId.has(c.code)) {
      diagnostics.push(error(at.file, at.line, `unknown code '${c.code}'${didYouMeanSuffix(c.code, study.codebook.byId.keys())}`, 'codes are the ids in the codebook (qualwave codebook show)'));
      continue;
    }
    const key = codingKey(c);
    const first = seen.get(key);
    if (first) {
      diagnostics.push(error(at.file, at.line, `duplicate coding (same as line ${first.source?.line ?? '?'})`, 'delete one of the two lines'));
      continue;
    }
    seen.set(key, c);
    if (c.hash) {
      let lines = linesCache.get(doc.id);
      if (!lines) linesCache.set(doc.id, (lines = sourceLines(doc)));
      if (hashLines(lines, c.startLine, c.endLine) !== c.hash) diagnostics.push(drift(c, doc, lines, at));
    }
  }
  return diagnostics;
}

function drift(c: Coding, doc: Document, lines: string[], at: { file: string; line: number | undefined }): Diagnostic {
  const span = c.endLine - c.startLine;
  const found: number[] = [];
  for (let s = 1; s + span <= lines.length; s++) if (hashLines(lines, s, s + span) === c.hash) found.push(s);
  found.sort((a, b) => Math.abs(a - c.startLine) - Math.abs(b - c.startLine));
  const range = (s: number) => (span === 0 ? `line ${s}` : `lines ${s}-${s + span}`);
  if (found.length > 0) {
    return warning(at.file, at.line, `${doc.file} changed after coding: the text coded '${c.code}' at ${range(c.startLine)} is now at ${range(found[0]!)}`, `change this coding's lines to ${found[0]}${span ? `-${found[0]! + span}` : ''}`);
  }
  return warning(at.file, at.line, `${doc.file} changed after coding: the text coded '${c.code}' at ${range(c.startLine)} is no longer there`, 'look at the transcript\'s history (git log -p) and re-code those lines');
}
