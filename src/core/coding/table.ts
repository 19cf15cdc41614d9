import { StringIds } from '../text/intern.js';
import type { Document, Study } from '../study/types.js';
import { hasColumns, touchedSegments, type SpanFields } from './span.js';
import type { Coding } from './types.js';

/**
 * The study's codings in columns: what the analyses that only count (summary, matrix,
 * co-occurrence, retrieval, validate) read, without making an object per coding. A warm load fills
 * it straight from the study index's packs (a coder file's parse in columns); `study.codings`, the
 * objects, are made from it on first access, the same as the parser makes them (same order, same
 * fields in the same order, the optional ones present exactly when the parser sets them).
 *
 * Once the objects exist they are the truth (code may change them or the array): the columns are
 * let go, and the analyses read the objects, as they did before there were columns.
 */

/**
 * A coder file's parsed codings in columns (what the study index stores: reading columns and
 * making the objects is several times faster than deserializing the objects themselves).
 */
export interface PackedCodings {
  coder: string;
  file: string;
  strings: string[];
  /** Per coding: participant, wave and code as indexes into `strings`. */
  participant: Uint32Array;
  wave: Uint32Array;
  code: Uint32Array;
  /** Per coding: its memo and hash as indexes into `strings` (0, '': none; the parser never keeps an empty one). */
  memo: Uint32Array;
  hash: Uint32Array;
  startLine: Int32Array;
  endLine: Int32Array;
  /** 0: whole lines (no columns). */
  startColumn: Int32Array;
  endColumn: Int32Array;
  exemplar: Uint8Array;
  line: Int32Array;
}

type CodingLike = { coder: string; participant: string; wave: string; startLine: number; endLine: number; startColumn?: number; endColumn?: number; code: string; exemplar: boolean; memo?: string; hash?: string; source?: { file: string; line: number } };

/** A coder file's codings in columns; undefined when they are not all what the parser makes from that file (then none is packed). */
export function packCodings(coder: string, file: string, codings: ReadonlyArray<CodingLike>): PackedCodings | undefined {
  const packer = new CodingPacker(coder, file, codings.length);
  for (let i = 0; i < codings.length; i++) if (!packer.add(codings[i]!)) return undefined;
  return packer.finish();
}

/**
 * packCodings one coding at a time (the parser packs a coder file's rows as it reads them: no
 * object per coding kept, no array of them): room for `capacity` codings, grown when more come;
 * `finish` gives the pack packCodings gives for the same codings in the same order.
 */
export class CodingPacker {
  private readonly names = new StringIds();
  private readonly strings = this.names.strings;
  private n = 0;
  private p: PackedCodings;
  /** False once a coding was refused (not what the parser makes): finish() then gives none. */
  private ok = true;

  constructor(
    private readonly coder: string,
    private readonly file: string,
    capacity: number,
  ) {
    this.p = columnsOf(coder, file, this.strings, Math.max(0, capacity));
  }

  /** Add coding `c`; false (and the pack is none) when it is not what the parser makes from this file. */
  add(c: CodingLike): boolean {
    // Only what the parser makes: anything else is not stored (and the file is parsed each time).
    if (!this.ok || c.coder !== this.coder || c.source?.file !== this.file || (c.startColumn === undefined) !== (c.endColumn === undefined) || c.startColumn === 0 || c.memo === '' || c.hash === '') return (this.ok = false);
    if (this.n === this.p.participant.length) this.p = resized(this.p, Math.max(16, 2 * this.n));
    const p = this.p;
    const i = this.n++;
    p.participant[i] = this.names.id(c.participant);
    p.wave[i] = this.names.id(c.wave);
    p.code[i] = this.names.id(c.code);
    p.memo[i] = c.memo === undefined ? 0 : this.names.id(c.memo);
    p.hash[i] = c.hash === undefined ? 0 : this.names.id(c.hash);
    p.startLine[i] = c.startLine;
    p.endLine[i] = c.endLine;
    p.startColumn[i] = c.startColumn ?? 0;
    p.endColumn[i] = c.endColumn ?? 0;
    p.exemplar[i] = c.exemplar ? 1 : 0;
    p.line[i] = c.source.line;
    return true;
  }

  /** The pack of the codings added (columns of exactly their number), or undefined when one was refused. */
  finish(): PackedCodings | undefined {
    if (!this.ok) return undefined;
    return this.n === this.p.participant.length ? this.p : resized(this.p, this.n);
  }
}

function columnsOf(coder: string, file: string, strings: string[], n: number): PackedCodings {
  return {
    coder,
    file,
    strings,
    participant: new Uint32Array(n),
    wave: new Uint32Array(n),
    code: new Uint32Array(n),
    memo: new Uint32Array(n),
    hash: new Uint32Array(n),
    startLine: new Int32Array(n),
    endLine: new Int32Array(n),
    startColumn: new Int32Array(n),
    endColumn: new Int32Array(n),
    exemplar: new Uint8Array(n),
    line: new Int32Array(n),
  };
}

/** The pack's columns copied into columns of `n` codings (the first min(n, its length) kept). */
function resized(p: PackedCodings, n: number): PackedCodings {
  const q = columnsOf(p.coder, p.file, p.strings, n);
  const m = Math.min(n, p.participant.length);
  for (const k of PACK_COLUMNS) (q[k] as Uint32Array).set((p[k] as Uint32Array).subarray(0, m));
  return q;
}

const PACK_COLUMNS = ['participant', 'wave', 'code', 'memo', 'hash', 'startLine', 'endLine', 'startColumn', 'endColumn', 'exemplar', 'line'] as const;

/** Coding `i` of a pack as the parser made it: the same fields in the same order. */
function unpackOne<C>(p: PackedCodings, i: number): C {
  const { coder, file, strings } = p;
  const c: Record<string, unknown> =
    p.startColumn[i] === 0
      ? { coder, participant: strings[p.participant[i]!], wave: strings[p.wave[i]!], startLine: p.startLine[i], endLine: p.endLine[i], code: strings[p.code[i]!], exemplar: p.exemplar[i] === 1, source: { file, line: p.line[i] } }
      : { coder, participant: strings[p.participant[i]!], wave: strings[p.wave[i]!], startLine: p.startLine[i], endLine: p.endLine[i], startColumn: p.startColumn[i], endColumn: p.endColumn[i], code: strings[p.code[i]!], exemplar: p.exemplar[i] === 1, source: { file, line: p.line[i] } };
  if (p.memo[i] !== 0) c['memo'] = strings[p.memo[i]!];
  if (p.hash[i] !== 0) c['hash'] = strings[p.hash[i]!];
  return c as C;
}

/** The codings as the parser made them: the same fields in the same order. */
export function unpackCodings<C>(p: PackedCodings): C[] {
  const n = p.participant.length;
  const out = new Array<C>(n);
  for (let i = 0; i < n; i++) out[i] = unpackOne<C>(p, i);
  return out;
}

/**
 * A run of the study's codings: a coder file's parse in columns (`packed`: the objects are made
 * from it when asked for), or codings that exist as objects already (`objects`: then they are the
 * codings, read as they are, by the same code as before there were columns).
 */
export type CodingPart = { readonly packed: PackedCodings; readonly objects?: undefined } | { readonly objects: readonly Coding[]; readonly packed?: undefined };

/** Every coding of the study in parts, in the order of `study.codings`. */
export interface CodingTable {
  readonly parts: readonly CodingPart[];
  readonly length: number;
}

export function partLength(part: CodingPart): number {
  return part.objects ? part.objects.length : part.packed.participant.length;
}

export function tableOf(parts: readonly CodingPart[]): CodingTable {
  let n = 0;
  for (const p of parts) n += partLength(p);
  return { parts, length: n };
}

/** Coding `i` of a part: the object itself, or made as the parser makes it. */
export function codingAt(part: CodingPart, i: number): Coding {
  return part.objects ? part.objects[i]! : unpackOne<Coding>(part.packed, i);
}

/** A part's codings, each made when reached (for a pass that keeps none of them: no array of them all). */
export function partCodings(part: CodingPart): Iterable<Coding> {
  if (part.objects) return part.objects;
  const p = part.packed;
  return {
    *[Symbol.iterator]() {
      for (let i = 0, n = p.participant.length; i < n; i++) yield unpackOne<Coding>(p, i);
    },
  };
}

/** Whether coding `i` of a part has an exact span (columns), as hasColumns says of the object. */
export function hasColumnsAt(part: CodingPart, i: number): boolean {
  return part.objects ? hasColumns(part.objects[i]!) : part.packed.startColumn[i] !== 0;
}

/** Whether any coding of a coder file's columns has an exact span, as hasColumnsAt says of each (one pass over the start columns). */
export function anyColumnsIn(p: PackedCodings): boolean {
  const s = p.startColumn;
  for (let i = 0; i < s.length; i++) if (s[i] !== 0) return true;
  return false;
}

const exact: Required<SpanFields> = { startLine: 0, endLine: 0, startColumn: 0, endColumn: 0 };
const touched: [number, number] = [0, 0];

/**
 * touchedSegments(doc, coding i of the part), without making the coding. The pair returned for a
 * whole-line coding of a coder file's columns is the same array at each call: read it before the next.
 */
export function touchedAt(doc: Pick<Document, 'segmentList'>, part: CodingPart, i: number): readonly [number, number] {
  if (part.objects) return touchedSegments(doc, part.objects[i]!);
  const p = part.packed;
  if (p.startColumn[i] === 0) {
    doc.segmentList.linesTouched(p.startLine[i]!, p.endLine[i]!, touched);
    return touched;
  }
  exact.startLine = p.startLine[i]!;
  exact.endLine = p.endLine[i]!;
  exact.startColumn = p.startColumn[i]!;
  exact.endColumn = p.endColumn[i]!;
  return touchedSegments(doc, exact);
}

const tables = new WeakMap<object, CodingTable>();

/**
 * Give the study its codings as columns: `study.codings` becomes the objects made from them on
 * first access (then an ordinary property; the columns are let go). Assigning `study.codings`
 * replaces them as before.
 */
export function setCodingTable(study: Study, table: CodingTable): void {
  tables.set(study, table);
  const plain = (value: Coding[]): void => {
    tables.delete(study);
    Object.defineProperty(study, 'codings', { value, writable: true, enumerable: true, configurable: true });
  };
  Object.defineProperty(study, 'codings', {
    enumerable: true,
    configurable: true,
    get(): Coding[] {
      const out: Coding[] = new Array<Coding>(table.length);
      let at = 0;
      for (const part of table.parts) {
        if (part.objects) for (let i = 0; i < part.objects.length; i++) out[at++] = part.objects[i]!;
        else for (let i = 0, n = part.packed.participant.length; i < n; i++) out[at++] = unpackOne<Coding>(part.packed, i);
      }
      plain(out);
      return out;
    },
    set: plain,
  });
}

/** The study's codings in columns while its objects have not been made; else `study.codings` as they are now (one part of objects). */
export function codingTable(study: Pick<Study, 'codings'>): CodingTable {
  return tables.get(study) ?? { parts: [{ objects: study.codings }], length: study.codings.length };
}

/** The study's codings in columns as it was given them (setCodingTable), while no code has made or replaced the objects; else undefined. */
export function packedTable(study: Pick<Study, 'codings'>): CodingTable | undefined {
  return tables.get(study);
}

/** One coder's codings, in the study's order, without making the other coders' (as study.codings.filter would). */
export function coderCodings(study: Pick<Study, 'codings'>, coder: string): Coding[] {
  const out: Coding[] = [];
  for (const part of codingTable(study).parts) {
    if (part.objects) {
      for (const c of part.objects) if (c.coder === coder) out.push(c);
    } else if (part.packed.coder === coder) for (let i = 0, n = part.packed.participant.length; i < n; i++) out.push(unpackOne<Coding>(part.packed, i));
  }
  return out;
}

/**
 * The codings of these coders, in the study's order, without making the others' (as study.codings.filter
 * would); with `inDocument`, only those of the transcripts (participant, wave) it keeps, tested before a
 * coding is made.
 */
export function codersCodings(study: Pick<Study, 'codings'>, coders: ReadonlySet<string>, inDocument?: (participant: string, wave: string) => boolean): Coding[] {
  const out: Coding[] = [];
  for (const part of codingTable(study).parts) {
    if (part.objects) {
      for (const c of part.objects) if (coders.has(c.coder) && (!inDocument || inDocument(c.participant, c.wave))) out.push(c);
    } else if (coders.has(part.packed.coder)) {
      const p = part.packed;
      for (let i = 0, n = p.participant.length; i < n; i++) if (!inDocument || inDocument(p.strings[p.participant[i]!]!, p.strings[p.wave[i]!]!)) out.push(unpackOne<Coding>(p, i));
    }
  }
  return out;
}

/** How many codings one coder has, without making any (as study.codings.filter(...).length would make them all). */
export function coderCodingCount(study: Pick<Study, 'codings'>, coder: string): number {
  let n = 0;
  for (const part of codingTable(study).parts) {
    if (part.objects) {
      for (const c of part.objects) if (c.coder === coder) n++;
    } else if (part.packed.coder === coder) n += part.packed.participant.length;
  }
  return n;
}

/** How many codings the study has (without making them). */
export function codingCount(study: Pick<Study, 'codings'>): number {
  return tables.get(study)?.length ?? study.codings.length;
}
