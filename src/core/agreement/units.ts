import { matchesWhere, type Where } from '../study/filters.js';
import { hasColumns, lineIndexOf } from '../coding/span.js';
import { codingAt, codingTable, touchedAt, type CodingPart } from '../coding/table.js';
import type { Document, Study } from '../study/types.js';
import { paragraphLineRanges } from '../transcript/paragraph.js';
import { sinceIndex } from '../codebook/versions.js';
import { masiDistance } from './coefficients.js';
import { materialise, type MarkedByUnit, type MarkedCode, type MarkedSpace } from './marked.js';
import type { Ratings } from './table.js';
import { selectTranscripts, type TranscriptSelection, type Uncoded } from './transcripts.js';

/**
 * From a coded study to reliability data, one binary table per code: for every unit of the
 * transcripts compared (transcripts.ts), whether each coder applied the code (1) or not (0).
 *
 * Units: `segment` (default: each participant-speech paragraph; a coding applies to every segment
 * its span touches), `document` (the code anywhere in the transcript, as MAXQDA counts),
 * `character` (every character of participant speech, as NVivo's coding comparison counts them:
 * the speech of each line of a paragraph, without speaker label, leading timestamp or surrounding
 * whitespace, cut wherever a coder's exact span begins or ends, each piece weighted by its
 * characters in code points; a whole-line coding covers the speech of its lines). Sampling units
 * (for intervals and standard errors): the segment for segments and characters, the transcript
 * for documents; pooled over codes, a segment's decisions on every code form one sampling unit.
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
  /** The full units x coders table (made on demand: codes x units cells in all). */
  ratings: () => Ratings;
  /** The units some coder marked (marked.ts). */
  marked: MarkedCode;
  /** Per coder: share of the units in which they applied the code. */
  prevalence: Array<number | null>;
  /** Units at waves before the code's `since:` (nobody coded for it there): missing for every coder, left out. */
  beforeSince: number;
}

interface UnitRef {
  doc: Document;
  /** Segment index in the document (-1: the whole document). */
  seg: number;
  /** Character units: the lines (one, but for a caption turn), and the piece's UTF-16 range [start, end) in the document's text. */
  line: number;
  lastLine: number;
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

export function codeRatings(study: Study, opts: UnitOptions): { perCode: CodeRatings[]; units: number; selection: TranscriptSelection; marked?: { space: MarkedSpace; byUnit: MarkedByUnit } } {
  const selection = selectTranscripts(study, documentsInScope(study, opts), opts.coders, opts.uncoded ?? 'absent');
  const docs = selection.compared;
  const codes = (opts.codes?.length ? opts.codes.map((id) => study.codebook.byId.get(id)!) : opts.level === 'theme' ? study.codebook.themes : study.codebook.codes).filter(Boolean);
  const target = (code: string): string => (opts.level === 'theme' ? (study.codebook.byId.get(code)?.theme ?? code) : code);

  const R = opts.coders.length;
  const codeIndex = new Map(codes.map((c, i) => [c.id, i]));
  const coderIndex = new Map(opts.coders.map((c, i) => [c, i]));
  const inScope = (c: { coder: string; code: string }): boolean => coderIndex.has(c.coder) && codeIndex.has(target(c.code));
  // Each document's codings in scope, in study order, as (part, row) pairs of the codings' table:
  // read from the columns when the codings are kept so (no object made per coding); a coding is
  // made an object only where its span is needed (exact spans, character units).
  // With each coding, its coder's and code's indexes (as coderIndex and codeIndex give them).
  const byDoc = new Map<string, { parts: CodingPart[]; rows: number[]; coders: number[]; codes: number[] }>();
  const listOf = (id: string) => {
    let list = byDoc.get(id);
    if (!list) byDoc.set(id, (list = { parts: [], rows: [], coders: [], codes: [] }));
    return list;
  };
  for (const part of codingTable(study).parts) {
    if (part.objects) {
      for (let i = 0; i < part.objects.length; i++) {
        const c = part.objects[i]!;
        if (!inScope(c)) continue;
        const list = listOf(`${c.participant}/${c.wave}`);
        list.parts.push(part);
        list.rows.push(i);
        list.coders.push(coderIndex.get(c.coder)!);
        list.codes.push(codeIndex.get(target(c.code))!);
      }
      continue;
    }
    const p = part.packed;
    const r = coderIndex.get(p.coder);
    if (r === undefined) continue;
    // Per string of the part: its code's index (-1: not in scope), looked up once.
    const codeOf = new Int32Array(p.strings.length).fill(-2);
    // The document's list by (participant, wave) strings, looked up once per pair.
    const lists = new Map<number, ReturnType<typeof listOf>>();
    for (let i = 0; i < p.participant.length; i++) {
      const ci = p.code[i]!;
      let k = codeOf[ci]!;
      if (k === -2) codeOf[ci] = k = codeIndex.get(target(p.strings[ci]!)) ?? -1;
      if (k < 0) continue;
      const pair = p.participant[i]! * p.strings.length + p.wave[i]!;
      let list = lists.get(pair);
      if (!list) lists.set(pair, (list = listOf(`${p.strings[p.participant[i]!]}/${p.strings[p.wave[i]!]}`)));
      list.parts.push(part);
      list.rows.push(i);
      list.coders.push(r);
      list.codes.push(k);
    }
  }
  const codingsOf = (id: string): Study['codings'] => {
    const list = byDoc.get(id);
    return list ? list.rows.map((i, k) => codingAt(list.parts[k]!, i)) : [];
  };

  // Units, in text order within each document: docUnits[d] = [first, end) indices into units.
  const units: UnitRef[] = [];
  const docUnits = new Map<string, [number, number]>();
  let cluster = 0;
  for (const doc of docs) {
    const first = units.length;
    if (opts.unit === 'document') units.push({ doc, seg: -1, line: 1, lastLine: doc.lineCount, start: 0, end: 0, weight: 1, cluster: cluster++ });
    else {
      const list = doc.segmentList;
      // Character units are cut where an exact span of a compared coder begins or ends.
      let cuts: number[] = [];
      if (opts.unit === 'character') {
        const index = lineIndexOf(doc);
        for (const c of codingsOf(doc.id)) {
          if (!hasColumns(c)) continue;
          const r = index.range(c);
          if (!('problem' in r)) cuts.push(r.start, r.end);
        }
        cuts = [...new Set(cuts)].sort((a, b) => a - b);
      }
      for (let i = 0; i < list.length; i++) {
        const role = list.role(i);
        if (role !== 'participant' && !(opts.includeInterviewer && role === 'interviewer')) continue;
        const c = cluster++;
        if (opts.unit === 'segment') {
          // A segment unit is found by its index (its lines and offsets serve character units only).
          units.push({ doc, seg: i, line: 0, lastLine: 0, start: 0, end: 0, weight: 1, cluster: c });
          continue;
        }
        if (list.hasExplicitText(i)) {
          // A caption turn or a segment of a JSON transcript: its text is not the file's: one unit, weighted by its characters.
          units.push({ doc, seg: i, line: list.startLine(i), lastLine: list.endLine(i), start: list.startOffset(i), end: list.endOffset(i), weight: [...list.text(i)].length, cluster: c });
          continue;
        }
        for (const piece of paragraphLineRanges(list.sourceTextValue, list.startOffset(i), list.endOffset(i), list.startLine(i))) {
          let from = piece.from;
          // The cuts inside the piece, in order.
          let k = lowerBound(cuts, from + 1);
          for (; k < cuts.length && cuts[k]! < piece.to; k++) {
            units.push({ doc, seg: i, line: piece.line, lastLine: piece.line, start: from, end: cuts[k]!, weight: codePoints(doc, from, cuts[k]!), cluster: c });
            from = cuts[k]!;
          }
          units.push({ doc, seg: i, line: piece.line, lastLine: piece.line, start: from, end: piece.to, weight: codePoints(doc, from, piece.to), cluster: c });
        }
      }
    }
    docUnits.set(doc.id, [first, units.length]);
  }

  const N = units.length;
  const K = codes.length;
  // Who applied which code to which unit: one number per mark, (unit * K + code) * R + coder
  // (exact below 2^53), sorted: unit by unit, code by code. Only marked units are kept (marked.ts).
  // Documents' units follow one another: each document's marks sorted in turn are all of them sorted.
  let found = new Float64Array(1024);
  let nFound = 0;
  for (const doc of docs) {
    const range = docUnits.get(doc.id)!;
    const [first, end] = range;
    const list = byDoc.get(doc.id);
    if (!list) continue;
    const from = nFound;
    for (let n = 0; n < list.rows.length; n++) {
      const part = list.parts[n]!;
      const row = list.rows[n]!;
      const r = list.coders[n]!;
      const k = list.codes[n]!;
      const mark = (i: number): void => {
        if (nFound === found.length) {
          const grown = new Float64Array(found.length * 2);
          grown.set(found);
          found = grown;
        }
        found[nFound++] = (i * K + k) * R + r;
      };
      if (opts.unit === 'document') {
        if (first < end) mark(first);
        continue;
      }
      if (opts.unit === 'segment') {
        // Every unit whose segment the coding's span touches.
        const [lo, hi] = touchedAt(doc, part, row);
        for (let i = search(units, first, end, (u) => u.seg >= lo); i < end && units[i]!.seg < hi; i++) mark(i);
        continue;
      }
      const c = codingAt(part, row);
      if (!hasColumns(c)) {
        // Whole lines cover the speech of those lines.
        for (let i = search(units, first, end, (u) => u.lastLine >= c.startLine); i < end && units[i]!.line <= c.endLine; i++) mark(i);
        continue;
      }
      const span = lineIndexOf(doc).range(c);
      if ('problem' in span) continue;
      // Pieces are cut at the span's ends: those it covers are the ones it shares a character with.
      for (let i = search(units, first, end, (u) => u.end > span.start); i < end && units[i]!.start < span.end; i++) mark(i);
    }
    found.subarray(from, nFound).sort();
  }
  const keys = found.subarray(0, nFound);
  // Per code, its marked units (ascending) and who marked them; per unit, its marked codes.
  const perCount = new Int32Array(K);
  const byUnitStart = new Int32Array(N + 1);
  let pairs = 0;
  for (let e = 0, last = -1; e < keys.length; e++) {
    const uk = Math.floor(keys[e]! / R);
    if (uk === last) continue;
    last = uk;
    const k = uk % K;
    perCount[k]!++;
    byUnitStart[(uk - k) / K + 1]!++;
    pairs++;
  }
  for (let i = 0; i < N; i++) byUnitStart[i + 1]! += byUnitStart[i]!;
  const marked: MarkedCode[] = codes.map((_, k) => ({ units: new Int32Array(perCount[k]!), marks: new Uint8Array(perCount[k]! * R), from: 0 }));
  const byUnit = { start: byUnitStart, code: new Int32Array(pairs), at: new Int32Array(pairs) };
  const fill = new Int32Array(K);
  for (let e = 0, last = -1, p = -1; e < keys.length; e++) {
    const key = keys[e]!;
    const r = key % R;
    const uk = (key - r) / R;
    const k = uk % K;
    if (uk !== last) {
      last = uk;
      p++;
      marked[k]!.units[fill[k]!] = (uk - k) / K;
      byUnit.code[p] = k;
      byUnit.at[p] = fill[k]! * R;
      fill[k]!++;
    }
    marked[k]!.marks[(fill[k]! - 1) * R + r] = 1;
  }
  const weights = opts.unit === 'character' ? Float64Array.from(units.map((u) => u.weight)) : undefined;
  const clusters = Int32Array.from(units.map((u) => u.cluster));
  // A code with `since:` was not looked for at earlier waves: its units there are missing, not "not applied".
  const since = sinceIndex(study.codebook, study.config.waves);
  const waveIndex = new Map(study.config.waves.map((w) => [w.id, w.index]));
  const unitWave = Int32Array.from(units.map((u) => waveIndex.get(u.doc.wave) ?? 0));
  const space: MarkedSpace = { coders: R, units: N, unitWave };
  // Units (or their weight) at or after each code's first wave, added in unit order as a full pass would.
  const seenFrom = new Map<number, { seen: number; before: number }>();
  const seenOf = (from: number): { seen: number; before: number } => {
    let x = seenFrom.get(from);
    if (!x) {
      x = { seen: 0, before: 0 };
      for (let i = 0; i < N; i++) {
        if (unitWave[i]! < from) x.before++;
        else x.seen += weights ? weights[i]! : 1;
      }
      seenFrom.set(from, x);
    }
    return x;
  };
  const perCode: CodeRatings[] = codes.map((code, k) => {
    const m = marked[k]!;
    m.from = since.get(code.id) ?? 0;
    const { seen, before } = seenOf(m.from);
    const yes = new Array<number>(R).fill(0);
    for (let j = 0; j < m.units.length; j++) {
      const i = m.units[j]!;
      if (unitWave[i]! < m.from) continue;
      const wi = weights ? weights[i]! : 1;
      for (let r = 0; r < R; r++) if (m.marks[j * R + r]) yes[r]! += wi;
    }
    const ratings = (): Ratings => {
      const r: Ratings = { coders: R, units: N, values: materialise(space, m), categories: ['0', '1'], numeric: Float64Array.from([0, 1]), ordered: true };
      // Characters belong to their segment; segments and transcripts are their own sampling units.
      if (weights) {
        r.weights = weights;
        r.clusters = clusters;
      }
      return r;
    };
    return { code: code.id, label: code.label, ratings, marked: m, prevalence: yes.map((y) => (seen > 0 ? y / seen : null)), beforeSince: before };
  });
  // Segments and transcripts (weight 1, their own sampling units): pattern tables by subtraction.
  return { perCode, units: N, selection, ...(weights ? {} : { marked: { space, byUnit } }) };
}

/**
 * Code sets: each coder's value for a unit is the set of codes they applied to it (empty set
 * included), for Krippendorff's alpha with MASI distance over multi-label coding.
 */
export function codeSetRatings(perCode: readonly CodeRatings[], coders: number): { ratings: Ratings; differences: Float64Array } {
  const first = perCode[0]?.ratings();
  const R = coders;
  const N = first?.units ?? 0;
  const keys = new Map<string, number>();
  const sets: Array<Set<string>> = [];
  const values = new Int32Array(N * R);
  const tables = perCode.map((c) => c.ratings().values);
  for (let i = 0; i < N * R; i++) {
    const set = perCode.filter((_, k) => tables[k]![i] === 1).map((c) => c.code);
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
  if (first?.weights) ratings.weights = first.weights;
  if (first?.clusters) ratings.clusters = first.clusters;
  return { ratings, differences };
}

/** First index in [lo, hi) where `ok` holds (it holds from some index on). */
function search(units: readonly UnitRef[], lo: number, hi: number, ok: (u: UnitRef) => boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ok(units[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Code points of the document's text in [from, to). */
function codePoints(doc: Document, from: number, to: number): number {
  const text = doc.segmentList.sourceTextValue;
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!(c >= 0xdc00 && c <= 0xdfff && i > from && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff)) n++;
  }
  return n;
}
