import type { Code } from '../codebook/types.js';
import { coderStatus } from '../agreement/transcripts.js';
import type { Stem } from '../coding/autocode.js';
import { lineIndexOf, touchedSegments, type SpanFields } from '../coding/span.js';
import { touchedAt, type CodingTable } from '../coding/table.js';
import type { Coding } from '../coding/types.js';
import type { Document, Study } from '../study/types.js';
import { naturalCompare } from '../text/sort.js';
import { buildCorpus, ROLE_NUMBER, type Corpus } from './features.js';
import type { Positives } from './model.js';

/**
 * A study seen by the learner: its segments as a corpus (features.ts), a coder's decisions on
 * them, and which transcripts those decisions can be learned from.
 *
 * A transcript is learned from when the coder *finished* it (codings/CODER.finished.tsv: what
 * they did not code there means "no code applies"), or, for a coder who never marks transcripts
 * finished, when they *coded* it (it counts as read, as `agree` counts it). A transcript a coder
 * coded but did not finish while they finish others is *in progress*: its uncoded segments may
 * just not be read yet, so it is not learned from (it is suggested for, like the transcripts they
 * have not coded).
 */
export interface LearnerView {
  corpus: Corpus;
  /** The documents of the corpus, by id. */
  docIndex: Map<string, number>;
  /** Participant number of each document (natural order of ids). */
  docParticipant: Int32Array;
  participants: string[];
}

export function learnerView(study: Pick<Study, 'documents' | 'codebook'>, stem: Stem, opts: { context?: boolean; bigrams?: boolean; rules?: readonly Coding[] } = {}): LearnerView {
  const roles = new Set<number>();
  for (const c of study.codebook.codes) {
    if (c.speakers === 'any') for (const r of Object.values(ROLE_NUMBER)) roles.add(r);
    else roles.add(ROLE_NUMBER[c.speakers]);
  }
  let extra: ((d: number, i: number) => readonly string[]) | undefined;
  if (opts.rules) {
    const byDoc = new Map(study.documents.map((d, i) => [d.id, i]));
    const marks = new Map<string, string[]>();
    for (const c of opts.rules) {
      const d = byDoc.get(`${c.participant}/${c.wave}`);
      if (d === undefined) continue;
      const [lo, hi] = touchedSegments(study.documents[d]!, c);
      for (let i = lo; i < hi; i++) {
        const key = `${d}/${i}`;
        const list = marks.get(key) ?? [];
        list.push(`\u0001${c.code}`);
        marks.set(key, list);
      }
    }
    extra = (d, i) => marks.get(`${d}/${i}`) ?? [];
  }
  const corpus = buildCorpus(study.documents, stem, roles, { ...(opts.context ? { context: true } : {}), ...(opts.bigrams ? { bigrams: true } : {}), ...(extra ? { extra } : {}) });
  const participants = [...new Set(study.documents.map((d) => d.participant))].sort(naturalCompare);
  const pIndex = new Map(participants.map((p, i) => [p, i]));
  return { corpus, docIndex: new Map(study.documents.map((d, i) => [d.id, i])), docParticipant: Int32Array.from(study.documents, (d) => pIndex.get(d.participant)!), participants };
}

export interface Transcripts {
  /** Learned from: finished, or coded by a coder who marks none finished. */
  learned: Document[];
  /** Coded but not finished, by a coder who marks others finished. */
  inProgress: Document[];
  /** Neither coded nor finished. */
  notCoded: Document[];
}

export function transcriptsOf(study: Pick<Study, 'documents' | 'codings' | 'finished'>, coder: string): Transcripts {
  const status = coderStatus(study, [coder]);
  const marks = study.finished.some((f) => f.coder === coder);
  const out: Transcripts = { learned: [], inProgress: [], notCoded: [] };
  for (const d of study.documents) {
    const s = status(d, coder);
    if (s === 'finished' || (s === 'coded' && !marks)) out.learned.push(d);
    else if (s === 'coded') out.inProgress.push(d);
    else out.notCoded.push(d);
  }
  return out;
}

/**
 * The coder's decisions as positives per code: a code is applied to every segment its coding's
 * span touches (as `agree` counts segment units). A coding of a code not in `codes` is ignored;
 * `coder` undefined: every coding given.
 */
export function positivesOf(view: LearnerView, codes: readonly Code[], codings: readonly Coding[] | CodingTable, coder: string | undefined): Positives {
  const { corpus } = view;
  const codeIndex = new Map(codes.map((c, i) => [c.id, i]));
  const lists: number[][] = codes.map(() => []);
  // (The study's codings read from their columns when kept so: no object made per coding.)
  const table: CodingTable = isCodingArray(codings) ? { parts: [{ objects: codings }], length: codings.length } : codings;
  const add = (k: number | undefined, d: number | undefined, lo: number, hi: number): void => {
    if (k === undefined || d === undefined) return;
    for (let r = lowerBound(corpus.rowSeg, corpus.docStart[d]!, corpus.docStart[d + 1]!, lo); r < corpus.docStart[d + 1]! && corpus.rowSeg[r]! < hi; r++) lists[k]!.push(r);
  };
  for (const part of table.parts) {
    if (part.objects) {
      for (const c of part.objects) {
        if (coder !== undefined && c.coder !== coder) continue;
        const k = codeIndex.get(c.code);
        const d = view.docIndex.get(`${c.participant}/${c.wave}`);
        if (k === undefined || d === undefined) continue;
        const [lo, hi] = touchedSegments(corpus.docs[d]!, c);
        add(k, d, lo, hi);
      }
      continue;
    }
    const p = part.packed;
    if (coder !== undefined && p.coder !== coder) continue;
    const codeOf = p.strings.map((s) => codeIndex.get(s));
    // Codings come grouped by transcript: its document looked up once per run.
    let lastP = -1;
    let lastW = -1;
    let d: number | undefined;
    for (let i = 0; i < p.participant.length; i++) {
      const k = codeOf[p.code[i]!];
      if (k === undefined) continue;
      if (p.participant[i] !== lastP || p.wave[i] !== lastW) {
        lastP = p.participant[i]!;
        lastW = p.wave[i]!;
        d = view.docIndex.get(`${p.strings[lastP]}/${p.strings[lastW]}`);
      }
      if (d === undefined) continue;
      const [lo, hi] = touchedAt(corpus.docs[d]!, part, i);
      add(k, d, lo, hi);
    }
  }
  return lists.map((l) => Int32Array.from(new Set(l)).sort());
}

function isCodingArray(x: readonly Coding[] | CodingTable): x is readonly Coding[] {
  return Array.isArray(x);
}

function lowerBound(a: Int32Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Where a suggestion on a segment goes: its whole lines, as the coding session codes a segment,
 * unless another segment shares one of those lines (sentences of one paragraph), then the exact
 * characters of the segment.
 */
export function segmentSpan(doc: Document, i: number): SpanFields {
  const list = doc.segmentList;
  const start = list.startLine(i);
  const end = list.endLine(i);
  const shared = (i > 0 && list.endLine(i - 1) >= start) || (i + 1 < list.length && list.startLine(i + 1) <= end);
  if (!shared) return { startLine: start, endLine: end };
  return lineIndexOf(doc).spanOf(list.startOffset(i), list.endOffset(i)) ?? { startLine: start, endLine: end };
}
