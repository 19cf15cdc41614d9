import { matchesWhere, type Where } from '../study/filters.js';
import type { Document, Study } from '../study/types.js';
import { masiDistance } from './coefficients.js';
import type { Ratings } from './table.js';
import { selectTranscripts, type TranscriptSelection, type Uncoded } from './transcripts.js';

/**
 * From a coded study to reliability data, one binary table per code: for every unit of the
 * transcripts compared (transcripts.ts), whether each coder applied the code (1) or not (0).
 *
 * Units: `segment` (default: each participant-speech paragraph), `document` (the code anywhere in
 * the transcript, as MAXQDA counts), `character` (each line of participant speech, weighted by its
 * characters, close to NVivo's character-level comparison). Sampling units (for intervals and
 * standard errors): the segment for segments and characters, the transcript for documents; pooled
 * over codes, a segment's decisions on every code form one sampling unit.
 */
export type AgreementUnit = 'segment' | 'document' | 'character';

export interface UnitOptions {
  coders: string[];
  unit: AgreementUnit;
  /** `theme`: a theme is applied when the theme or any of its sub-codes is. */
  level: 'code' | 'theme';
  codes?: string[];
  waves?: string[];
  where?: Where[];
  includeInterviewer?: boolean;
  /** What a coder's silence in a transcript means (default `absent`). */
  uncoded?: Uncoded;
}

export interface CodeRatings {
  code: string;
  label: string;
  ratings: Ratings;
  /** Per coder: share of the units in which they applied the code. */
  prevalence: Array<number | null>;
}

interface UnitRef {
  doc: Document;
  start: number;
  end: number;
  weight: number;
  cluster: number;
}

/** The transcripts in scope (waves and participant filters), in study order. */
export function documentsInScope(study: Study, opts: { waves?: string[]; where?: Where[] }): Document[] {
  const people = new Map(study.participants.map((p) => [p.id, p]));
  return study.documents.filter((d) => (!opts.waves?.length || opts.waves.includes(d.wave)) && (!opts.where?.length || matchesWhere(people.get(d.participant), opts.where)));
}

export function codeRatings(study: Study, opts: UnitOptions): { perCode: CodeRatings[]; units: number; selection: TranscriptSelection } {
  const selection = selectTranscripts(study, documentsInScope(study, opts), opts.coders, opts.uncoded ?? 'absent');
  const docs = selection.compared;
  const codes = (opts.codes?.length ? opts.codes.map((id) => study.codebook.byId.get(id)!) : opts.level === 'theme' ? study.codebook.themes : study.codebook.codes).filter(Boolean);
  const target = (code: string): string => (opts.level === 'theme' ? study.codebook.byId.get(code)?.theme ?? code : code);

  // Units, in line order within each document: docUnits[d] = [first, end) indices into units.
  const units: UnitRef[] = [];
  const docUnits = new Map<string, [number, number]>();
  let cluster = 0;
  for (const doc of docs) {
    const first = units.length;
    if (opts.unit === 'document') units.push({ doc, start: 1, end: doc.lineCount, weight: 1, cluster: cluster++ });
    else {
      for (const s of doc.segments) {
        if (s.role !== 'participant' && !(opts.includeInterviewer && s.role === 'interviewer')) continue;
        const c = cluster++;
        if (opts.unit === 'segment') units.push({ doc, start: s.startLine, end: s.endLine, weight: 1, cluster: c });
        else s.text.split('\n').forEach((text, k) => units.push({ doc, start: s.startLine + k, end: s.startLine + k, weight: text.length, cluster: c }));
      }
    }
    docUnits.set(doc.id, [first, units.length]);
  }

  const R = opts.coders.length;
  const N = units.length;
  const codeIndex = new Map(codes.map((c, i) => [c.id, i]));
  const coderIndex = new Map(opts.coders.map((c, i) => [c, i]));
  // applied[(code * N + u) * R + r]: every coder covers every unit of a compared transcript.
  const applied = new Uint8Array(codes.length * N * R);
  for (const c of study.codings) {
    const r = coderIndex.get(c.coder);
    const range = docUnits.get(`${c.participant}/${c.wave}`);
    if (r === undefined || !range) continue;
    const [first, end] = range;
    const k = codeIndex.get(target(c.code));
    if (k === undefined) continue;
    // Units are in line order: find the first that ends at or after the coding's start.
    let lo = first;
    let hi = end;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (units[mid]!.end < c.startLine) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < end && units[i]!.start <= c.endLine; i++) applied[(k * N + i) * R + r] = 1;
  }
  const weights = opts.unit === 'character' ? Float64Array.from(units.map((u) => u.weight)) : undefined;
  const clusters = Int32Array.from(units.map((u) => u.cluster));
  const perCode: CodeRatings[] = codes.map((code, k) => {
    const values = new Int32Array(N * R);
    const yes = new Array<number>(R).fill(0);
    let seen = 0;
    for (let i = 0; i < N; i++) {
      const wi = weights ? weights[i]! : 1;
      seen += wi;
      for (let r = 0; r < R; r++) {
        const v = applied[(k * N + i) * R + r]!;
        values[i * R + r] = v;
        if (v) yes[r]! += wi;
      }
    }
    const ratings: Ratings = { coders: R, units: N, values, categories: ['0', '1'], numeric: Float64Array.from([0, 1]), ordered: true };
    // Characters belong to their segment; segments and transcripts are their own sampling units.
    if (weights) {
      ratings.weights = weights;
      ratings.clusters = clusters;
    }
    return { code: code.id, label: code.label, ratings, prevalence: yes.map((y) => (seen > 0 ? y / seen : null)) };
  });
  return { perCode, units: N, selection };
}

/**
 * Code sets: each coder's value for a unit is the set of codes they applied to it (empty set
 * included), for Krippendorff's alpha with MASI distance over multi-label coding.
 */
export function codeSetRatings(perCode: readonly CodeRatings[], coders: number): { ratings: Ratings; differences: Float64Array } {
  const first = perCode[0];
  const R = coders;
  const N = first?.ratings.units ?? 0;
  const keys = new Map<string, number>();
  const sets: Array<Set<string>> = [];
  const values = new Int32Array(N * R);
  for (let i = 0; i < N * R; i++) {
    const set = perCode.filter((c) => c.ratings.values[i] === 1).map((c) => c.code);
    const key = set.join('+') || '∅';
    let k = keys.get(key);
    if (k === undefined) {
      k = sets.length;
      keys.set(key, k);
      sets.push(new Set(set));
    }
    values[i] = k;
  }
  const q = sets.length;
  const differences = new Float64Array(q * q);
  for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) differences[a * q + b] = masiDistance(sets[a]!, sets[b]!);
  const ratings: Ratings = { coders: R, units: N, values, categories: [...keys.keys()], ordered: false };
  if (first?.ratings.weights) ratings.weights = first.ratings.weights;
  if (first?.ratings.clusters) ratings.clusters = first.ratings.clusters;
  return { ratings, differences };
}
