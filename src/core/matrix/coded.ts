import { sinceIndex } from '../codebook/versions.js';
import { hasColumns, touchedSegments } from '../coding/span.js';
import type { Coding } from '../coding/types.js';
import { CONSENSUS_CODER, isSuggestionCoder } from '../coding/types.js';
import { matchesWhere, type Where } from '../study/filters.js';
import type { Document, Participant, Study, Wave } from '../study/types.js';

/**
 * One coder's codings seen through the study's segments: for every document, which codes (and, by
 * extension, themes) each segment carries. Every longitudinal table is computed from this.
 */
export interface CodedSegment {
  doc: Document;
  /** Index of the segment in its document. */
  index: number;
  /** Codes applied to it, in codebook order. */
  codes: string[];
  /**
   * When an exact span (a coding with columns) touches the segment: the codes applied to it by
   * whole-line codings only (the others mark part of its text: CodedStudy.exact). Absent: all are.
   */
  lineCodes?: string[];
}

export interface CodedStudy {
  study: Study;
  coder: string;
  /** Documents in scope (after wave and attribute filters), in wave then participant order. */
  documents: Document[];
  waves: Wave[];
  /** Coded segments per document id. */
  coded: Map<string, CodedSegment[]>;
  participants: Map<string, Participant>;
  /** Per code, the index of the wave from which it was in use (its `since`, inherited; 0 = every wave). */
  since: Map<string, number>;
  /** Per code, the code and its ancestors up to the theme: the code rows a coding counts for. */
  lineage: Map<string, string[]>;
  /** Codings left out because they lie before their code's `since` (validate reports each one). */
  beforeSince: number;
  /** Per document id, the coder's codings with an exact span (columns), in file order: what quotes quote exactly. */
  exact: Map<string, Coding[]>;
}

/**
 * The coder whose codings tables use: the one asked for; else `consensus` when it exists; else
 * the only coder (suggestion coders aside). Undefined (with the reason) when the choice is ambiguous or there is none.
 */
export function defaultCoder(study: Study, asked?: string): { coder?: string; problem?: string } {
  if (asked !== undefined) return study.coders.includes(asked) ? { coder: asked } : { problem: `no coder '${asked}'` };
  if (study.coders.includes(CONSENSUS_CODER)) return { coder: CONSENSUS_CODER };
  // Suggestions (qualwave suggest) are never the default: the only other coder is.
  const coders = study.coders.filter((c) => !isSuggestionCoder(c));
  if (coders.length === 1) return { coder: coders[0]! };
  return { problem: coders.length === 0 ? 'the study has no codings yet' : `several coders (${coders.join(', ')}) and no consensus coder` };
}

export function codedStudy(study: Study, coder: string, opts: { waves?: string[]; where?: Where[] } = {}): CodedStudy {
  const participants = new Map(study.participants.map((p) => [p.id, p]));
  const waves = study.config.waves.filter((w) => !opts.waves?.length || opts.waves.includes(w.id));
  const documents = study.documents.filter((d) => waves.some((w) => w.id === d.wave) && (!opts.where?.length || matchesWhere(participants.get(d.participant), opts.where)));
  const order = new Map(study.codebook.codes.map((c, i) => [c.id, i]));
  const since = sinceIndex(study.codebook, study.config.waves);
  const waveIndex = new Map(study.config.waves.map((w) => [w.id, w.index]));
  const lineage = new Map<string, string[]>();
  for (const c of study.codebook.codes) lineage.set(c.id, c.parent === undefined ? [c.id] : [c.id, ...(lineage.get(c.parent) ?? [c.parent])]);
  const byDoc = new Map<string, Coding[]>();
  let beforeSince = 0;
  for (const c of study.codings) {
    if (c.coder !== coder) continue;
    if ((waveIndex.get(c.wave) ?? 0) < (since.get(c.code) ?? 0)) {
      beforeSince++;
      continue;
    }
    const id = `${c.participant}/${c.wave}`;
    let list = byDoc.get(id);
    if (!list) byDoc.set(id, (list = []));
    list.push(c);
  }
  const coded = new Map<string, CodedSegment[]>();
  const exact = new Map<string, Coding[]>();
  for (const doc of documents) {
    const codings = byDoc.get(doc.id);
    if (!codings) {
      coded.set(doc.id, []);
      continue;
    }
    const perSegment = new Map<number, Set<string>>();
    let byLines: Map<number, Set<string>> | undefined;
    for (const c of codings) {
      // Every segment the coding's span touches (whole lines: a line in common; a span: a character).
      const [lo, hi] = touchedSegments(doc, c);
      const columns = hasColumns(c);
      if (columns) {
        let list = exact.get(doc.id);
        if (!list) exact.set(doc.id, (list = []));
        list.push(c);
        byLines ??= new Map();
      }
      for (let i = lo; i < hi; i++) {
        let set = perSegment.get(i);
        if (!set) perSegment.set(i, (set = new Set()));
        set.add(c.code);
      }
    }
    const sortCodes = (codes: Iterable<string>): string[] => [...codes].sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9));
    if (byLines) {
      for (const c of codings) {
        if (hasColumns(c)) continue;
        const [lo, hi] = touchedSegments(doc, c);
        for (let i = lo; i < hi; i++) {
          let set = byLines.get(i);
          if (!set) byLines.set(i, (set = new Set()));
          set.add(c.code);
        }
      }
    }
    const spanTouched = new Set<number>();
    for (const c of exact.get(doc.id) ?? []) {
      const [lo, hi] = touchedSegments(doc, c);
      for (let i = lo; i < hi; i++) spanTouched.add(i);
    }
    coded.set(
      doc.id,
      [...perSegment]
        .sort((a, b) => a[0] - b[0])
        .map(([index, codes]) => {
          const seg: CodedSegment = { doc, index, codes: sortCodes(codes) };
          if (spanTouched.has(index)) seg.lineCodes = sortCodes(byLines?.get(index) ?? []);
          return seg;
        }),
    );
  }
  return { study, coder, documents, waves, coded, participants, since, lineage, beforeSince, exact };
}

/** A row of a longitudinal table: a theme, or a code of any depth. */
export interface RowKey {
  id: string;
  label: string;
  depth: number;
  /** `theme` for a top-level code, `sub-code` below it: shown differently in every format. */
  level: 'theme' | 'sub-code';
}

/** Row keys of a table: themes, or every code; either way a row counts its sub-codes too. */
export function rowKeys(cs: CodedStudy, rows: 'theme' | 'code'): RowKey[] {
  const cb = cs.study.codebook;
  return (rows === 'theme' ? cb.themes : cb.codes).map((c) => ({ id: c.id, label: c.label, depth: rows === 'theme' ? 0 : c.depth, level: c.depth === 0 ? 'theme' : 'sub-code' }));
}

/** The row keys a code counts for: its theme; or, for code rows, the code and every code above it. */
export function rowsOfCode(cs: CodedStudy, code: string, rows: 'theme' | 'code'): readonly string[] {
  if (rows === 'theme') return [cs.study.codebook.byId.get(code)?.theme ?? code];
  return cs.lineage.get(code) ?? [code];
}

/** Which row keys a coded segment counts for: a theme row counts the theme and any of its sub-codes. */
export function rowsOf(cs: CodedStudy, seg: CodedSegment, rows: 'theme' | 'code'): Set<string> {
  const out = new Set<string>();
  for (const c of seg.codes) for (const r of rowsOfCode(cs, c, rows)) out.add(r);
  return out;
}

/** Whether a row (a code) was in use at a wave: false means the cell is "not coded for". */
export function codedFor(cs: CodedStudy, row: string, wave: Pick<Wave, 'index'>): boolean {
  return wave.index >= (cs.since.get(row) ?? 0);
}

/** Whether any row of the table has a wave it was not coded for (tables then explain the mark). */
export function anyNotCodedFor(cs: CodedStudy, rows: readonly { id: string }[]): boolean {
  return rows.some((r) => cs.waves.some((w) => !codedFor(cs, r.id, w)));
}
