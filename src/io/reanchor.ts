import { withHashes } from '../core/coding/edit.js';
import { reanchorCoding, REANCHOR_THRESHOLD, type Placement } from '../core/coding/reanchor.js';
import { formatSpan, LineIndex, lineIndexOf } from '../core/coding/span.js';
import { spanHash } from '../core/coding/text.js';
import { codingKey, withSpan, type Coding } from '../core/coding/types.js';
import type { Document, Study } from '../core/study/types.js';
import { codingsFile, updateStudy } from './codings.js';
import { earlierVersions } from './git-history.js';

/** One drifted coding and what re-anchoring did (or would do) with it. */
export interface ReanchorRow {
  coder: string;
  participant: string;
  wave: string;
  code: string;
  /** Where the coding is written: codings/CODER.tsv and its line. */
  source: string;
  file: string;
  from: string;
  /** The new span, when placed. */
  to?: string;
  how: 'exact' | 'fuzzy' | 'not placed';
  similarity?: number;
  reason?: string;
}

export interface ReanchorReport {
  threshold: number;
  rows: ReanchorRow[];
  moved: number;
  unplaced: number;
  /** Transcripts whose earlier versions came from git (the others: exact moves only). */
  withHistory: string[];
}

/** The study's drifted codings (of these coders): a hash that no longer matches the text at the span. */
export function driftedCodings(study: Study, coders?: readonly string[]): Array<{ coding: Coding; doc: Document }> {
  const docs = new Map(study.documents.map((d) => [d.id, d]));
  const out: Array<{ coding: Coding; doc: Document }> = [];
  for (const c of study.codings) {
    if (coders?.length && !coders.includes(c.coder)) continue;
    const doc = docs.get(`${c.participant}/${c.wave}`);
    if (!doc || !c.hash) continue;
    if (spanHash(lineIndexOf(doc), c) !== c.hash) out.push({ coding: c, doc });
  }
  return out;
}

/**
 * qualwave codings reanchor: every drifted coding moved to where its text now is (reanchor.ts),
 * the earlier texts of each transcript read from git; written (unless `dryRun`) as one change of
 * every coder's file, each read again under the study and coder locks: a coding changed meanwhile
 * is left alone. Codings that cannot be placed are reported and never touched.
 */
export function reanchorStudy(study: Study, opts: { coders?: readonly string[]; dryRun?: boolean; threshold?: number } = {}): ReanchorReport {
  const threshold = opts.threshold ?? REANCHOR_THRESHOLD;
  const drifted = driftedCodings(study, opts.coders);
  const earlier = new Map<string, LineIndex[]>();
  const withHistory: string[] = [];
  const rows: ReanchorRow[] = [];
  const moves = new Map<string, Coding>();
  for (const { coding: c, doc } of drifted) {
    let versions = earlier.get(doc.id);
    if (!versions) {
      // A .docx is read through its converted text: its history is not compared (exact moves only).
      const texts = doc.format === 'docx' ? [] : earlierVersions(study.root, doc.file, doc.segmentList.sourceTextValue);
      earlier.set(doc.id, (versions = texts.map((t) => new LineIndex(t))));
      if (versions.length) withHistory.push(doc.file);
    }
    const p: Placement = reanchorCoding(c, lineIndexOf(doc), versions, threshold);
    const row: ReanchorRow = { coder: c.coder, participant: c.participant, wave: c.wave, code: c.code, source: `${c.source?.file ?? codingsFile(c.coder)}${c.source ? `:${c.source.line}` : ''}`, file: doc.file, from: formatSpan(c), how: p.kind === 'unplaced' ? 'not placed' : p.kind };
    if (p.kind === 'unplaced') row.reason = p.reason;
    else {
      row.to = formatSpan(p.span);
      if (p.kind === 'fuzzy') row.similarity = Math.round(p.similarity * 1000) / 1000;
      moves.set(`${codingKey(c)}\u0000${c.hash}`, withHashes(study, [withSpan(c, p.span)])[0]!);
    }
    rows.push(row);
  }
  // Two drifted codings moved onto the same span and code, or onto an existing coding: not moved.
  const apply = (current: Map<string, Coding[]>): Map<string, Coding[]> => {
    const changed = new Map<string, Coding[]>();
    for (const [coder, list] of current) {
      const planned = list.map((c) => moves.get(`${codingKey(c)}\u0000${c.hash}`));
      // The codings as they would be after every move: a move onto a span and code taken by another is not made.
      const count = new Map<string, number>();
      list.forEach((c, i) => {
        const k = codingKey(planned[i] ?? c);
        count.set(k, (count.get(k) ?? 0) + 1);
      });
      let touched = false;
      const next = list.map((c, i) => {
        const moved = planned[i];
        if (!moved) return c;
        if (count.get(codingKey(moved))! > 1) {
          const row = rows.find((r) => r.coder === coder && r.code === c.code && r.from === formatSpan(c) && r.participant === c.participant && r.wave === c.wave);
          if (row) Object.assign(row, { how: 'not placed', reason: `${formatSpan(moved)} would then have this code twice (another coding of it is there): move or delete one by hand`, to: undefined, similarity: undefined });
          return c;
        }
        touched = true;
        return moved;
      });
      if (touched) changed.set(coder, next);
    }
    return changed;
  };
  const coders = [...new Set(drifted.map((d) => d.coding.coder))];
  if (opts.dryRun || moves.size === 0) {
    const current = new Map<string, Coding[]>();
    for (const c of study.codings) if (coders.includes(c.coder)) (current.get(c.coder) ?? current.set(c.coder, []).get(c.coder)!).push(c);
    apply(current);
  } else {
    updateStudy(study, coders, (current) => ({ codings: apply(current) }));
  }
  for (const r of rows) {
    if (r.to === undefined) delete r.to;
    if (r.similarity === undefined) delete r.similarity;
  }
  const moved = rows.filter((r) => r.how !== 'not placed').length;
  return { threshold, rows, moved, unplaced: rows.length - moved, withHistory };
}
