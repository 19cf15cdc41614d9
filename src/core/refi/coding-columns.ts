import { StringIds } from '../text/intern.js';
import type { PackedCodings } from '../coding/table.js';
import { formatCodingsFile, formatPackedCodingsFile } from '../coding/store.js';
import type { Coding } from '../coding/types.js';

/**
 * One coder's codings as an import plans them, in columns rather than one object per coding (a
 * 3,000-document project has 694,000 codings: about 100 MB as objects, held until the study is
 * written, with the collector's room for growth on top). Each coding is given back as the object
 * it was added as (the same fields and values); its coder file is made from the columns by
 * formatPackedCodingsFile (the same bytes formatCodingsFile makes of the objects). A coding the
 * columns cannot hold exactly (a field of another type or range than the planner makes from a
 * project: a hand-edited qualwave note can give any JSON value) is kept as its object, and then
 * the coder's file is made from the objects, as before.
 */
export class CodingColumns {
  private n = 0;
  private readonly names = new StringIds();
  private readonly strings = this.names.strings;
  private participant = new Uint32Array(16);
  private wave = new Uint32Array(16);
  private code = new Uint32Array(16);
  /** Index into `strings`; 0: none. */
  private memo = new Uint32Array(16);
  private startLine = new Int32Array(16);
  private endLine = new Int32Array(16);
  /** 0: none (whole lines); else both columns, each at least 1. */
  private startColumn = new Int32Array(16);
  private endColumn = new Int32Array(16);
  private exemplar = new Uint8Array(16);
  /** HASH_NONE, HASH_HEX (8 lower-case hex digits, their value in `hash`) or HASH_STRING (an index into `strings` in `hash`). */
  private hashKind = new Uint8Array(16);
  private hash = new Uint32Array(16);
  /** Codings kept as their objects (see the class), by number. */
  private readonly odd = new Map<number, Coding>();

  constructor(readonly coder: string) {}

  get length(): number {
    return this.n;
  }

  private grow(): void {
    const size = this.participant.length * 2;
    const more = <T extends Uint32Array | Int32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.participant = more(this.participant);
    this.wave = more(this.wave);
    this.code = more(this.code);
    this.memo = more(this.memo);
    this.startLine = more(this.startLine);
    this.endLine = more(this.endLine);
    this.startColumn = more(this.startColumn);
    this.endColumn = more(this.endColumn);
    this.exemplar = more(this.exemplar);
    this.hashKind = more(this.hashKind);
    this.hash = more(this.hash);
  }

  /** Add a coding of this coder (its fields are read now; the object is not kept unless it is odd). */
  add(c: Coding): void {
    if (this.n === this.participant.length) this.grow();
    const i = this.n++;
    if (!fits(c, this.coder)) {
      this.odd.set(i, c);
      return;
    }
    this.participant[i] = this.names.id(c.participant);
    this.wave[i] = this.names.id(c.wave);
    this.code[i] = this.names.id(c.code);
    this.memo[i] = c.memo === undefined ? 0 : this.names.id(c.memo);
    this.startLine[i] = c.startLine;
    this.endLine[i] = c.endLine;
    this.startColumn[i] = c.startColumn ?? 0;
    this.endColumn[i] = c.endColumn ?? 0;
    this.exemplar[i] = c.exemplar ? 1 : 0;
    const h = c.hash;
    if (h === undefined) this.hashKind[i] = HASH_NONE;
    else if (HEX8.test(h)) {
      this.hashKind[i] = HASH_HEX;
      this.hash[i] = Number.parseInt(h, 16);
    } else {
      this.hashKind[i] = HASH_STRING;
      this.hash[i] = this.names.id(h);
    }
  }

  /** Coding `i` as it was added: the same fields with the same values. */
  at(i: number): Coding {
    const kept = this.odd.get(i);
    if (kept) return kept;
    const s = this.strings;
    const c: Coding =
      this.startColumn[i] === 0
        ? { coder: this.coder, participant: s[this.participant[i]!]!, wave: s[this.wave[i]!]!, startLine: this.startLine[i]!, endLine: this.endLine[i]!, code: s[this.code[i]!]!, exemplar: this.exemplar[i] === 1 }
        : { coder: this.coder, participant: s[this.participant[i]!]!, wave: s[this.wave[i]!]!, startLine: this.startLine[i]!, endLine: this.endLine[i]!, startColumn: this.startColumn[i]!, endColumn: this.endColumn[i]!, code: s[this.code[i]!]!, exemplar: this.exemplar[i] === 1 };
    if (this.memo[i] !== 0) c.memo = s[this.memo[i]!]!;
    const hash = this.hashText(i);
    if (hash !== undefined) c.hash = hash;
    return c;
  }

  private hashText(i: number): string | undefined {
    const k = this.hashKind[i];
    if (k === HASH_HEX) return this.hash[i]!.toString(16).padStart(8, '0');
    if (k === HASH_STRING) return this.strings[this.hash[i]!]!;
    return undefined;
  }

  /** Every coding, in the order added. */
  toArray(): Coding[] {
    const out = new Array<Coding>(this.n);
    for (let i = 0; i < this.n; i++) out[i] = this.at(i);
    return out;
  }

  /** The coder file of these codings: formatCodingsFile(this.toArray(), waveOrder), byte for byte. */
  format(waveOrder: readonly string[]): string {
    if (this.odd.size > 0) return formatCodingsFile(this.toArray(), waveOrder);
    return formatPackedCodingsFile(this.packed(), waveOrder);
  }

  /** The columns as a coder file's pack (table.ts), each hash a string of the pack's (no odd coding). */
  private packed(): PackedCodings {
    const n = this.n;
    const strings = this.strings.slice();
    const hash = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const k = this.hashKind[i];
      if (k === HASH_STRING) hash[i] = this.hash[i]!;
      else if (k === HASH_HEX) {
        hash[i] = strings.length;
        strings.push(this.hashText(i)!);
      }
    }
    return {
      coder: this.coder,
      file: '',
      strings,
      participant: this.participant.subarray(0, n),
      wave: this.wave.subarray(0, n),
      code: this.code.subarray(0, n),
      memo: this.memo.subarray(0, n),
      hash,
      startLine: this.startLine.subarray(0, n),
      endLine: this.endLine.subarray(0, n),
      startColumn: this.startColumn.subarray(0, n),
      endColumn: this.endColumn.subarray(0, n),
      exemplar: this.exemplar.subarray(0, n),
      line: new Int32Array(n),
    };
  }
}

const HASH_NONE = 0;
const HASH_HEX = 1;
const HASH_STRING = 2;
const HEX8 = /^[0-9a-f]{8}$/;

const isInt32 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff;

/** Whether the columns hold coding `c` exactly (at() gives back its fields and values). */
function fits(c: Coding, coder: string): boolean {
  if (c.coder !== coder || typeof c.participant !== 'string' || typeof c.wave !== 'string' || typeof c.code !== 'string') return false;
  if (!isInt32(c.startLine) || !isInt32(c.endLine) || Object.is(c.startLine, -0) || Object.is(c.endLine, -0)) return false;
  const cols = c.startColumn !== undefined || c.endColumn !== undefined;
  if (cols && (!isInt32(c.startColumn) || !isInt32(c.endColumn) || c.startColumn < 1 || c.endColumn < 1)) return false;
  if (typeof c.exemplar !== 'boolean') return false;
  if (c.memo !== undefined && (typeof c.memo !== 'string' || c.memo === '')) return false;
  if (c.hash !== undefined && typeof c.hash !== 'string') return false;
  if (c.source !== undefined) return false;
  // Only these fields, none of them present as undefined (at() would leave such a field out).
  let keys = 0;
  for (const k in c) {
    if (!FIELDS.has(k) || (c as unknown as Record<string, unknown>)[k] === undefined) return false;
    keys++;
  }
  return keys > 0;
}

const FIELDS = new Set(['coder', 'participant', 'wave', 'startLine', 'endLine', 'startColumn', 'endColumn', 'code', 'exemplar', 'memo', 'hash']);

/** A coder's planned codings as objects (an import's columns, or a list a planner made). */
export function plannedList(x: readonly Coding[] | CodingColumns): readonly Coding[] {
  return x instanceof CodingColumns ? x.toArray() : x;
}

/** The coder file of a coder's planned codings (formatCodingsFile of them). */
export function formatPlanned(x: readonly Coding[] | CodingColumns, waveOrder: readonly string[]): string {
  return x instanceof CodingColumns ? x.format(waveOrder) : formatCodingsFile(x, waveOrder);
}
