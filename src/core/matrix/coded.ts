import { sinceIndex } from '../codebook/versions.js';
import { hasColumns, touchedSegments } from '../coding/span.js';
import { anyColumnsIn, codingAt, codingTable, hasColumnsAt, touchedAt, type CodingPart, type CodingTable } from '../coding/table.js';
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
  /**
   * Per document id in scope that has codings: every (segment, code) they touch, as the sorted
   * distinct numbers segment x pairWidth + code, where pairCodes[code] is the code's id (the
   * codebook's codes in its order, then those it lacks). The same facts as `coded`, for tables
   * that only count: `coded` is made (once) only when read.
   */
  pairs: Map<string, Float64Array>;
  pairCodes: readonly string[];
  pairWidth: number;
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

/**
 * Where a coder's (segment, code) pairs are kept between runs (the study index, src/io/pairs-store.ts):
 * what codedStudy computes for every document of the study, read back while the study is the one
 * they were made from. Tables that only count (matrix, co-occurrence, summary) then make no pair.
 */
export interface PairsStore {
  get(coder: string): StoredPairs | undefined;
  put(coder: string, pairs: StoredPairs): void;
}

/** A coder's pairs for every document of the study with codings (CodedStudy.pairs, before any scope). */
export interface StoredPairs {
  /** The ids of the documents with codings of the coder, in the study's order. */
  documents: string[];
  /** Where each document's keys start in `keys` (documents.length + 1 offsets). */
  at: Uint32Array;
  keys: Float64Array;
  /** CodedStudy.pairCodes and pairWidth. */
  codes: string[];
  width: number;
  beforeSince: number;
  /** The codebook's codes and the wave index each was in use from (CodedStudy.since): which codings the pairs leave out. */
  book: string[];
  since: number[];
}

export function codedStudy(study: Study, coder: string, opts: { waves?: string[]; where?: Where[] } = {}, store?: PairsStore): CodedStudy {
  const participants = new Map(study.participants.map((p) => [p.id, p]));
  const waves = study.config.waves.filter((w) => !opts.waves?.length || opts.waves.includes(w.id));
  const documents = study.documents.filter((d) => waves.some((w) => w.id === d.wave) && (!opts.where?.length || matchesWhere(participants.get(d.participant), opts.where)));
  const since = sinceIndex(study.codebook, study.config.waves);
  const lineage = new Map<string, string[]>();
  for (const c of study.codebook.codes) lineage.set(c.id, c.parent === undefined ? [c.id] : [c.id, ...(lineage.get(c.parent) ?? [c.parent])]);
  const shared = { study, coder, documents, waves, participants, since, lineage };
  // (A study two of whose documents read alike as ids, as participant and wave can, is never stored: their pairs would be one entry.)
  if (store && new Set(study.documents.map((d) => d.id)).size !== study.documents.length) store = undefined;
  const stored = store ? storedPairs(study, coder, since, store) : undefined;
  if (stored) {
    // The pairs read back; what only the segments' codings can say (coded, exact) is made when first read, from the codings as they are now.
    const pairs = new Map<string, Float64Array>();
    for (const doc of documents) {
      const keys = stored.byDoc.get(doc.id);
      if (keys) pairs.set(doc.id, keys);
    }
    let made: CodedStudy | undefined;
    const table = codingTable(study);
    const full = (): CodedStudy => (made ??= computed(study, coder, shared, table, since).cs);
    return {
      ...shared,
      get coded(): Map<string, CodedSegment[]> {
        return full().coded;
      },
      beforeSince: stored.pairs.beforeSince,
      get exact(): Map<string, Coding[]> {
        return full().exact;
      },
      pairs,
      pairCodes: stored.pairs.codes,
      pairWidth: stored.pairs.width,
    };
  }
  const { cs, every } = computed(study, coder, shared, codingTable(study), since, store !== undefined);
  if (store && every) store.put(coder, kept(study, cs, every));
  return cs;
}

/** What codedStudy shares between its two paths: the study, coder and scope. */
type Shared = Pick<CodedStudy, 'study' | 'coder' | 'documents' | 'waves' | 'participants' | 'since' | 'lineage'>;

/** What a store keeps: the pairs of every document of the study (`byDoc`: the scope's and the others'), with the codes and width of `cs`. */
function kept(study: Study, cs: CodedStudy, byDoc: ReadonlyMap<string, Float64Array>): StoredPairs {
  const documents: string[] = [];
  let n = 0;
  for (const doc of study.documents) {
    const keys = byDoc.get(doc.id);
    if (keys === undefined) continue;
    documents.push(doc.id);
    n += keys.length;
  }
  const at = new Uint32Array(documents.length + 1);
  const keys = new Float64Array(n);
  documents.forEach((id, i) => {
    const k = byDoc.get(id)!;
    keys.set(k, at[i]);
    at[i + 1] = at[i]! + k.length;
  });
  const book = study.codebook.codes.map((c) => c.id);
  return { documents, at, keys, codes: [...cs.pairCodes], width: cs.pairWidth, beforeSince: cs.beforeSince, book, since: book.map((id) => cs.since.get(id) ?? 0) };
}

/**
 * A store's pairs when they can stand for this study's: made with the codes in use from the same
 * waves (`since`: which codings they leave out), each document's keys within its segments; else
 * undefined (then they are made again).
 */
function storedPairs(study: Study, coder: string, since: ReadonlyMap<string, number>, store: PairsStore): { pairs: StoredPairs; byDoc: Map<string, Float64Array> } | undefined {
  const p = store.get(coder);
  if (!p) return undefined;
  if (p.at.length !== p.documents.length + 1 || p.at[p.documents.length] !== p.keys.length || !(p.width >= Math.max(1, p.codes.length)) || p.book.length !== p.since.length || p.book.length !== since.size) return undefined;
  for (let i = 0; i < p.book.length; i++) if (since.get(p.book[i]!) !== p.since[i]) return undefined;
  const docs = new Map(study.documents.map((d) => [d.id, d]));
  const byDoc = new Map<string, Float64Array>();
  for (let i = 0; i < p.documents.length; i++) {
    const doc = docs.get(p.documents[i]!);
    if (!doc || byDoc.has(doc.id) || p.at[i]! > p.at[i + 1]!) return undefined;
    const keys = p.keys.subarray(p.at[i], p.at[i + 1]);
    if (keys.length > 0 && keys[keys.length - 1]! >= doc.segmentList.length * p.width) return undefined;
    byDoc.set(doc.id, keys);
  }
  return { pairs: p, byDoc };
}

/** The coded study made from the codings; with `every`, the pairs of every document of the study too (for a store). */
function computed(study: Study, coder: string, shared: Shared, table: CodingTable, since: Map<string, number>, every = false): { cs: CodedStudy; every?: Map<string, Float64Array> } {
  const { documents } = shared;
  const { byDoc, beforeSince, count } = codingsByDocument(table, study, coder, since);
  const exact = new Map<string, Coding[]>();
  const pairs = new Map<string, Float64Array>();
  const codes = new SegmentCodes(study, count);
  for (const doc of documents) {
    const codings = byDoc.get(doc.id);
    if (!codings) continue;
    // (Only a document with a coding that may have columns is searched for them: most have none.)
    if (codings.columns) {
      const columns: Coding[] = [];
      for (let j = 0; j < codings.rows.length; j++) if (hasColumnsAt(codings.parts[j]!, codings.rows[j]!)) columns.push(codingAt(codings.parts[j]!, codings.rows[j]!));
      if (columns.length > 0) exact.set(doc.id, columns);
    }
    pairs.set(doc.id, codes.pairs(doc, codings));
  }
  let coded: Map<string, CodedSegment[]> | undefined;
  const cs: CodedStudy = {
    ...shared,
    get coded(): Map<string, CodedSegment[]> {
      if (!coded) {
        coded = new Map();
        for (const doc of documents) {
          const codings = byDoc.get(doc.id);
          coded.set(doc.id, codings ? codes.segments(doc, codings, pairs.get(doc.id)!, exact.has(doc.id)) : []);
        }
      }
      return coded;
    },
    beforeSince,
    exact,
    pairs,
    pairCodes: codes.ids,
    pairWidth: codes.k,
  };
  if (!every) return { cs };
  // For a store: the pairs of the documents out of scope too (the same codes and width).
  const all = new Map<string, Float64Array>();
  for (const doc of study.documents) {
    const codings = byDoc.get(doc.id);
    if (codings) all.set(doc.id, pairs.get(doc.id) ?? codes.pairs(doc, codings));
  }
  return { cs, every: all };
}

/**
 * Per document id (every document of the study), how many segments carry at least one of the
 * coder's codes: codedStudy(study, coder).coded.get(id).length, without making the segments
 * (with a store: from the pairs it keeps).
 */
export function codedSegmentCounts(study: Study, coder: string, store?: PairsStore): Map<string, number> {
  if (store) {
    // From the coder's pairs (read back, or made and kept): a document's distinct segments in them.
    const cs = codedStudy(study, coder, {}, store);
    const out = new Map<string, number>();
    for (const doc of study.documents) {
      const keys = cs.pairs.get(doc.id);
      let n = 0;
      if (keys)
        for (let j = 0, seg = -1; j < keys.length; j++)
          if (keys[j]! >= (seg + 1) * cs.pairWidth) {
            seg = Math.floor(keys[j]! / cs.pairWidth);
            n++;
          }
      out.set(doc.id, n);
    }
    return out;
  }
  const { byDoc } = codingsByDocument(codingTable(study), study, coder, sinceIndex(study.codebook, study.config.waves));
  const out = new Map<string, number>();
  let seen = new Int32Array(0);
  let stamp = 0;
  for (const doc of study.documents) {
    const codings = byDoc.get(doc.id);
    let n = 0;
    if (codings) {
      const length = doc.segmentList.length;
      if (seen.length < length) seen = new Int32Array(length);
      stamp++;
      for (let j = 0; j < codings.rows.length; j++) {
        // Indexed, not destructured: destructuring goes through the iterator protocol until optimised.
        const range = touchedAt(doc, codings.parts[j]!, codings.rows[j]!);
        const hi = range[1];
        for (let i = range[0]; i < hi; i++) {
          if (seen[i] === stamp) continue;
          seen[i] = stamp;
          n++;
        }
      }
    }
    out.set(doc.id, n);
  }
  return out;
}

/**
 * A document's codings (of one coder) as rows of the study's coding table: each one's part and
 * index in it, in study order; `columns` false: none of them has an exact span (columns).
 */
interface Rows {
  parts: CodingPart[];
  rows: number[];
  columns: boolean;
}

/**
 * The coder's codings per document id (in study order), those before their code's `since` left
 * out and counted. One pass over the coding table's columns, no string or object made per coding.
 */
function codingsByDocument(table: CodingTable, study: Study, coder: string, since: Map<string, number>): { byDoc: Map<string, Rows>; beforeSince: number; count: number } {
  const waveIndex = new Map(study.config.waves.map((w) => [w.id, w.index]));
  const byDoc = new Map<string, Rows>();
  let beforeSince = 0;
  let count = 0;
  // Most codebooks have no `since:`: then no coding lies before one, and none is looked up.
  let anySince = false;
  for (const v of since.values()) if (v > 0) anySince = true;
  /** The document's list for a participant and wave, found by its id as the documents have it (two pairs that read alike share a list). */
  const listOf = (participant: string, wave: string): Rows => {
    const id = `${participant}/${wave}`;
    let list = byDoc.get(id);
    if (!list) byDoc.set(id, (list = { parts: [], rows: [], columns: false }));
    return list;
  };
  for (const part of table.parts) {
    if (part.objects) {
      // Codings as objects (a study whose codings were read or changed as objects).
      const all = part.objects;
      const byParticipant = new Map<string, Map<string, Rows>>();
      let lastParticipant: string | undefined;
      let lastWave: string | undefined;
      let list: Rows | undefined;
      for (let i = 0; i < all.length; i++) {
        const c = all[i]!;
        if (c.coder !== coder) continue;
        if (anySince && (waveIndex.get(c.wave) ?? 0) < (since.get(c.code) ?? 0)) {
          beforeSince++;
          continue;
        }
        if (c.participant !== lastParticipant || c.wave !== lastWave || list === undefined) {
          lastParticipant = c.participant;
          lastWave = c.wave;
          let waves = byParticipant.get(c.participant);
          if (!waves) byParticipant.set(c.participant, (waves = new Map()));
          list = waves.get(c.wave);
          if (!list) waves.set(c.wave, (list = listOf(c.participant, c.wave)));
        }
        if (!list.columns && hasColumns(c)) list.columns = true;
        list.parts.push(part);
        list.rows.push(i);
        count++;
      }
      continue;
    }
    // A coder file's codings in columns: no string or object made per coding.
    const p = part.packed;
    if (p.coder !== coder) continue;
    const { strings, participant, wave, code } = p;
    const width = strings.length;
    // Per (participant, wave) of this part's strings: the document's list.
    const lists = new Map<number, Rows>();
    const columns = anyColumnsIn(p);
    let last = -1;
    let list: Rows | undefined;
    for (let i = 0, n = participant.length; i < n; i++) {
      if (anySince && (waveIndex.get(strings[wave[i]!]!) ?? 0) < (since.get(strings[code[i]!]!) ?? 0)) {
        beforeSince++;
        continue;
      }
      const key = participant[i]! * width + wave[i]!;
      if (key !== last || list === undefined) {
        last = key;
        list = lists.get(key);
        if (!list) lists.set(key, (list = listOf(strings[participant[i]!]!, strings[wave[i]!]!)));
        if (columns) list.columns = true;
      }
      list.parts.push(part);
      list.rows.push(i);
      count++;
    }
  }
  return { byDoc, beforeSince, count };
}

/**
 * Which codes each segment of a document carries, computed as numbers: every (segment, code) a
 * coding touches is the key segment x k + code index, the keys sorted and their repeats skipped,
 * so each segment's codes come out in codebook order with no set or map per segment. Codes the
 * codebook lacks get the indices after its codes (k leaves room for one per coding); a document
 * with one takes the general path to its segments (such codes sort after the codebook's in the
 * order the codings first bring them, which keys cannot say).
 */
class SegmentCodes {
  /** The codebook's order (what segments' codes sort by). */
  private readonly book: Map<string, number>;
  /** Every code's index: the codebook's, then the others' as met. */
  private readonly index: Map<string, number>;
  readonly ids: string[];
  readonly k: number;
  private readonly known: number;
  private all: Float64Array = new Float64Array(1024);

  constructor(study: Study, codings: number) {
    this.book = new Map(study.codebook.codes.map((c, i) => [c.id, i]));
    this.index = new Map(this.book);
    this.ids = study.codebook.codes.map((c) => c.id);
    this.known = this.ids.length;
    this.k = Math.max(1, this.known + codings);
  }

  private code(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      this.index.set(id, (i = this.ids.length));
      this.ids.push(id);
    }
    return i;
  }

  /** Per part of the coding table: each of its strings' code index, once looked up (-1: not yet). */
  private readonly byPart = new Map<CodingPart, Int32Array>();

  /** The last part looked up and its code indices (a document's codings come from one part, mostly). */
  private lastPart: CodingPart | undefined;
  private lastIds: Int32Array | undefined;

  private codeAt(part: CodingPart, row: number): number {
    if (part.objects) return this.code(part.objects[row]!.code);
    const p = part.packed;
    let ids = part === this.lastPart ? this.lastIds : this.byPart.get(part);
    if (!ids) this.byPart.set(part, (ids = new Int32Array(p.strings.length).fill(-1)));
    this.lastPart = part;
    this.lastIds = ids;
    const s = p.code[row]!;
    let i = ids[s]!;
    if (i < 0) ids[s] = i = this.code(p.strings[s]!);
    return i;
  }

  /** The sorted distinct keys of the (segment, code) pairs that `codings` (whole lines or not: `lines` only those without columns) touch. */
  pairs(doc: Document, codings: Rows, lines = false): Float64Array {
    const k = this.k;
    let n = 0;
    const { parts, rows } = codings;
    for (let j = 0; j < rows.length; j++) {
      const part = parts[j]!;
      const row = rows[j]!;
      if (lines && hasColumnsAt(part, row)) continue;
      const code = this.codeAt(part, row);
      // Indexed, not destructured: destructuring goes through the iterator protocol until optimised.
      const range = touchedAt(doc, part, row);
      const lo = range[0];
      const hi = range[1];
      if (hi <= lo) continue;
      if (n + hi - lo > this.all.length) this.all = grown(this.all, n + hi - lo);
      for (let i = lo; i < hi; i++) this.all[n++] = i * k + code;
    }
    const all = this.all.subarray(0, n).sort();
    let m = 0;
    for (let j = 0; j < n; j++) if (j === 0 || all[j] !== all[j - 1]) all[m++] = all[j]!;
    return all.slice(0, m);
  }

  /** The document's coded segments, by segment index, from its pairs; `exact`: some coding has columns (then lineCodes where a span touches). */
  segments(doc: Document, codings: Rows, pairs: Float64Array, exact: boolean): CodedSegment[] {
    const k = this.k;
    for (let j = 0; j < pairs.length; j++) {
      if (pairs[j]! % k >= this.known) return slowSegments(doc, codingsOf(codings), this.book);
    }
    const out = this.group(doc, pairs);
    if (!exact) return out;
    // Segments an exact span touches get the codes of the whole-line codings alone (lineCodes).
    const touched = new Uint8Array(doc.segmentList.length);
    for (let j = 0; j < codings.rows.length; j++) {
      if (!hasColumnsAt(codings.parts[j]!, codings.rows[j]!)) continue;
      const range = touchedAt(doc, codings.parts[j]!, codings.rows[j]!);
      for (let i = range[0]; i < range[1]; i++) touched[i] = 1;
    }
    const lines = this.pairs(doc, codings, true);
    let j = 0;
    for (const seg of out) {
      if (touched[seg.index] !== 1) continue;
      while (j < lines.length && lines[j]! < seg.index * k) j++;
      const codes: string[] = [];
      for (; j < lines.length && lines[j]! < (seg.index + 1) * k; j++) codes.push(this.ids[lines[j]! - seg.index * k]!);
      seg.lineCodes = codes;
    }
    return out;
  }

  /** Pairs grouped by segment: each segment's codes in key (codebook) order. */
  private group(doc: Document, pairs: Float64Array): CodedSegment[] {
    const k = this.k;
    const out: CodedSegment[] = [];
    for (let j = 0; j < pairs.length; ) {
      const seg = Math.floor(pairs[j]! / k);
      const codes: string[] = [];
      for (; j < pairs.length && pairs[j]! < (seg + 1) * k; j++) codes.push(this.ids[pairs[j]! - seg * k]!);
      out.push({ doc, index: seg, codes });
    }
    return out;
  }
}

/** The codings of a document's rows as objects (the study's own, or made as the parser makes them). */
function codingsOf(rows: Rows): Coding[] {
  return rows.rows.map((row, j) => codingAt(rows.parts[j]!, row));
}

function grown(a: Float64Array, need: number): Float64Array {
  const b = new Float64Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** The general path (a code outside the codebook): sets per segment, codes sorted by codebook order, unknown codes last. */
function slowSegments(doc: Document, codings: readonly Coding[], order: Map<string, number>): CodedSegment[] {
  const perSegment = new Map<number, Set<string>>();
  let byLines: Map<number, Set<string>> | undefined;
  const spanTouched = new Set<number>();
  for (const c of codings) {
    const [lo, hi] = touchedSegments(doc, c);
    if (hasColumns(c)) {
      byLines ??= new Map();
      for (let i = lo; i < hi; i++) spanTouched.add(i);
    }
    for (let i = lo; i < hi; i++) {
      let set = perSegment.get(i);
      if (!set) perSegment.set(i, (set = new Set()));
      set.add(c.code);
    }
  }
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
  const sortCodes = (codes: Iterable<string>): string[] => [...codes].sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9));
  return [...perSegment]
    .sort((a, b) => a[0] - b[0])
    .map(([index, codes]) => {
      const seg: CodedSegment = { doc, index, codes: sortCodes(codes) };
      if (spanTouched.has(index)) seg.lineCodes = sortCodes(byLines?.get(index) ?? []);
      return seg;
    });
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

/**
 * For each of the coded study's pair codes (`cs.pairCodes`, in order), the distinct indices of the
 * rows it counts for, as `index` numbers the rows (row keys not in `index` are left out).
 */
export function rowIndicesByCode(cs: CodedStudy, rows: 'theme' | 'code', index: ReadonlyMap<string, number>): Int32Array[] {
  return cs.pairCodes.map((code) => {
    const found: number[] = [];
    for (const key of rowsOfCode(cs, code, rows)) {
      const i = index.get(key);
      if (i !== undefined && !found.includes(i)) found.push(i);
    }
    return Int32Array.from(found);
  });
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
