import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Document, Study } from '../study/types.js';
import { didYouMeanSuffix } from '../text/suggest.js';
import { cachedLineIndex, describeSpan, hasColumns, LineIndex, lineIndexOf } from './span.js';
import { spanHash } from './text.js';
import { codingKey, type Coding } from './types.js';

/** What validate and the coding session say about drift: the command that fixes it. */
export const REANCHOR_HINT = 'run qualwave codings reanchor (--dry-run first to see what it would move): it moves each coding to where its text now is';

/**
 * Check codings against the study: known participant, wave and interview; the span inside the
 * transcript (lines inside the file, columns inside their lines); a code of the codebook; no
 * duplicates (same span and code); and the coded text still where it was (a transcript edited
 * after coding moves or changes coded text: drift, reported with the command that fixes it).
 */
export function checkCodings(study: Pick<Study, 'config' | 'participants' | 'documents' | 'codebook'>, codings: Iterable<Coding>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const docs = new Map(study.documents.map((d) => [d.id, d]));
  const participants = new Set(study.participants.map((p) => p.id));
  const waves = study.config.waves.map((w) => w.id);
  // Each coding's key, with the line of the first coding that had it (the codings themselves are not kept: they may be made one at a time).
  const seen = new Map<string, number | '?'>();
  // Suggestions per distinct unknown value (a file of 300,000 rows of one misspelt code asks once).
  const suggestions = new Map<string, string>();
  const suggest = (kind: string, value: string, candidates: () => Iterable<string>): string => {
    const k = `${kind}\u0000${value}`;
    let s = suggestions.get(k);
    if (s === undefined) suggestions.set(k, (s = didYouMeanSuffix(value, candidates())));
    return s;
  };
  const where = (c: Coding) => c.source ?? { file: `codings/${c.coder}.tsv`, line: undefined };
  // A transcript's lines: kept with the document when its text is held anyway (lineIndexOf);
  // else its text is read for the run of codings on it and let go after the run (a coder file is
  // in transcript order: each text read once, not every transcript's held at once: 181 MB at
  // 3,000 transcripts); a transcript met again after its text was let go keeps it from then on.
  let current: { doc: Document; index: LineIndex } | undefined;
  const letGo = new Set<Document>();
  const release = (): void => {
    if (!current) return;
    current.doc.segmentList.releaseText();
    letGo.add(current.doc);
    current = undefined;
  };
  const linesOf = (doc: Document): LineIndex => {
    if (current?.doc === doc) return current.index;
    release();
    if (doc.segmentList.holdsText || letGo.has(doc) || cachedLineIndex(doc.segmentList)) return lineIndexOf(doc);
    current = { doc, index: new LineIndex(doc.segmentList.sourceTextValue) };
    return current.index;
  };
  try {
    for (const c of codings) check(c);
  } finally {
    release();
  }
  return diagnostics;

  function check(c: Coding): void {
    const at = where(c);
    const doc = docs.get(`${c.participant}/${c.wave}`);
    if (!participants.has(c.participant)) {
      diagnostics.push(error(at.file, at.line, `unknown participant '${c.participant}'${suggest('participant', c.participant, () => participants)}`, 'participants are listed in participants.csv'));
      return;
    }
    if (!waves.includes(c.wave)) {
      diagnostics.push(error(at.file, at.line, `unknown wave '${c.wave}'${suggest('wave', c.wave, () => waves)}`, `waves: ${waves.join(', ')}`));
      return;
    }
    if (!doc) {
      diagnostics.push(error(at.file, at.line, `${c.participant} has no transcript at wave '${c.wave}'`, 'check the participant and wave of this coding'));
      return;
    }
    if (c.endLine > doc.lineCount) {
      diagnostics.push(drifted(c, error(at.file, at.line, `${hasColumns(c) ? `span ${describeSpan(c)} is` : `lines ${c.startLine}-${c.endLine} are`} outside ${doc.file} (${doc.lineCount} lines)`, c.hash ? `if the transcript was edited since, ${REANCHOR_HINT}` : 'check the line numbers against the transcript')));
      return;
    }
    let index: LineIndex | undefined;
    if (hasColumns(c)) {
      index = linesOf(doc);
      const r = index.range(c);
      if ('problem' in r) {
        diagnostics.push(drifted(c, error(at.file, at.line, `span ${r.problem} in ${doc.file}`, c.hash ? `if the transcript was edited since, ${REANCHOR_HINT}` : 'columns count characters (code points) from 1 as an editor shows them; the end column is included')));
        return;
      }
    }
    if (!study.codebook.byId.has(c.code)) {
      diagnostics.push(error(at.file, at.line, `unknown code '${c.code}'${suggest('code', c.code, () => study.codebook.byId.keys())}`, 'codes are the ids in the codebook (qualwave codebook show)'));
      return;
    }
    const key = codingKey(c);
    const first = seen.get(key);
    if (first !== undefined) {
      diagnostics.push(error(at.file, at.line, `duplicate coding (same as line ${first})`, 'delete one of the two lines'));
      return;
    }
    seen.set(key, c.source?.line ?? '?');
    if (c.hash) {
      index ??= linesOf(doc);
      if (spanHash(index, c) !== c.hash) diagnostics.push(drift(c, doc, index, at));
    }
  }
}

function drift(c: Coding, doc: Document, index: LineIndex, at: { file: string; line: number | undefined }): Diagnostic {
  // Where the same text is now, when only lines moved (the same shape, shifted): said in the message.
  const found: number[] = [];
  const lines = c.endLine - c.startLine;
  for (let s = 1; s + lines <= index.lineCount; s++) {
    if (s === c.startLine) continue;
    const moved = hasColumns(c) ? { startLine: s, endLine: s + lines, startColumn: c.startColumn, endColumn: c.endColumn } : { startLine: s, endLine: s + lines };
    if (spanHash(index, moved) === c.hash) found.push(s);
  }
  found.sort((a, b) => Math.abs(a - c.startLine) - Math.abs(b - c.startLine));
  const where = found.length === 1 ? `is now at ${describeSpan({ ...c, startLine: found[0]!, endLine: found[0]! + lines })}` : found.length > 1 ? `is now in ${found.length} places` : 'is no longer there';
  return { ...warning(at.file, at.line, `${doc.file} changed after coding: the text coded '${c.code}' at ${describeSpan(c)} ${where}`, REANCHOR_HINT), kind: 'drift' };
}

/** A span outside its transcript is drift when the coding has a hash (the transcript was edited since). */
function drifted(c: Coding, d: Diagnostic): Diagnostic {
  return c.hash ? { ...d, kind: 'drift' } : d;
}
