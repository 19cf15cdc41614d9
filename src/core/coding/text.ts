import type { Document, Study } from '../study/types.js';
import { exactText, hasColumns, LineIndex, lineIndexOf, type SpanFields } from './span.js';
import { sortCodings } from './store.js';
import type { Coding } from './types.js';

/** FNV-1a, 32 bits, as 8 hex digits: a short fingerprint of coded text (not security). */
export function textHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The document's source lines (1-based: `lines[0]` is line 1), without line endings. */
export function sourceLines(doc: Document): string[] {
  return doc.segmentList.sourceTextValue.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** What a coding of lines start..end fingerprints: those lines, trimmed, joined with "\n". */
export function linesText(lines: readonly string[], start: number, end: number): string {
  return lines
    .slice(start - 1, end)
    .map((l) => l.trim())
    .join('\n');
}

/** The coding's hash for the document's current text. */
export function hashLines(lines: readonly string[], start: number, end: number): string {
  return textHash(linesText(lines, start, end));
}

/**
 * What a coding fingerprints and shows: whole lines as above (each line trimmed, joined with "\n",
 * as always); an exact span its exact characters, line breaks as "\n". Undefined when the span is
 * not inside the text (past a line's or the file's end).
 */
export function spanText(index: LineIndex, s: SpanFields): string | undefined {
  if (!hasColumns(s)) {
    if (s.endLine > index.lineCount) return undefined;
    const out: string[] = [];
    for (let l = s.startLine; l <= s.endLine; l++) out.push(index.line(l).trim());
    return out.join('\n');
  }
  const r = index.range(s);
  return 'problem' in r ? undefined : exactText(index.text, r.start, r.end);
}

/** The coding's hash for the document's current text (undefined when its span is not inside it). */
export function spanHash(index: LineIndex, s: SpanFields): string | undefined {
  const t = spanText(index, s);
  return t === undefined ? undefined : textHash(t);
}

/** The same for a document. */
export function codingHash(doc: Pick<Document, 'segmentList'>, s: SpanFields): string | undefined {
  return spanHash(lineIndexOf(doc), s);
}

/**
 * The codings in the study's order (sortCodings: wave, participant, place, code, coder), one
 * transcript's run at a time, with that transcript's lines: a text the study did not hold is read
 * for its run and let go after it, so writing every coding's text holds one transcript at a time.
 */
export function* codingsByTranscript(study: Pick<Study, 'documents' | 'config'>, codings: readonly Coding[]): Generator<{ doc: Document | undefined; index: LineIndex | undefined; codings: Coding[] }> {
  const docs = new Map(study.documents.map((d) => [d.id, d]));
  const sorted = sortCodings(
    codings,
    study.config.waves.map((w) => w.id),
  );
  for (let i = 0; i < sorted.length; ) {
    const first = sorted[i]!;
    let j = i + 1;
    while (j < sorted.length && sorted[j]!.wave === first.wave && sorted[j]!.participant === first.participant) j++;
    const doc = docs.get(`${first.participant}/${first.wave}`);
    const held = doc === undefined || doc.segmentList.holdsText;
    const index = doc === undefined ? undefined : held ? lineIndexOf(doc) : new LineIndex(doc.segmentList.sourceTextValue);
    yield { doc, index, codings: sorted.slice(i, j) };
    if (!held) doc.segmentList.releaseText();
    i = j;
  }
}
