import type { Study } from '../study/types.js';
import { cachedLineIndex, LineIndex } from './span.js';
import { spanHash } from './text.js';
import { codingKey, type Coding } from './types.js';
import { append } from '../arrays.js';
import type { PackedCodings } from './table.js';

/** The codings grouped by coder (every coder of the study present, possibly with none). */
export function byCoder(study: Pick<Study, 'codings' | 'coders'>): Map<string, Coding[]> {
  const out = new Map<string, Coding[]>(study.coders.map((c) => [c, []]));
  for (const c of study.codings) {
    let list = out.get(c.coder);
    if (!list) out.set(c.coder, (list = []));
    list.push(c);
  }
  return out;
}

/** Fresh text hashes for codings whose document exists (what is saved with each coding). */
export function withHashes(study: Pick<Study, 'documents'>, codings: readonly Coding[]): Coding[] {
  const docs = new Map(study.documents.map((d) => [d.id, d]));
  const out = new Array<Coding>(codings.length);
  // A transcript at a time (its codings' places in the list): a text read for the hashes is let go after them.
  const byDoc = new Map<Study['documents'][number], number[]>();
  codings.forEach((c, i) => {
    const doc = docs.get(`${c.participant}/${c.wave}`);
    if (!doc) {
      out[i] = c;
      return;
    }
    let at = byDoc.get(doc);
    if (!at) byDoc.set(doc, (at = []));
    at.push(i);
  });
  for (const [doc, at] of byDoc) {
    const list = doc.segmentList;
    const held = list.holdsText;
    const index = cachedLineIndex(list) ?? new LineIndex(list.sourceTextValue);
    for (const i of at) {
      const c = codings[i]!;
      out[i] = hashedCopy(c, spanHash(index, c));
    }
    if (!held) list.releaseText();
  }
  return out;
}

/**
 * The coding without its source and old hash, with `hash` (when defined) last: what
 * `{ ...rest, hash }` of `{ source, hash, ...rest } = c` makes, the same keys in the same order,
 * built by assignment (V8 makes that spread a dictionary-like object of about 440 bytes; this one
 * is about 150: at 231,000 codings, 65 MB less).
 */
function hashedCopy(c: Coding, hash: string | undefined): Coding {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(c)) if (k !== 'source' && k !== 'hash') out[k] = (c as unknown as Record<string, unknown>)[k];
  if (hash !== undefined) out['hash'] = hash;
  return out as unknown as Coding;
}

/** Add codings that are not there yet (same coder, document, span and code); returns how many were new. */
export function addCodings(list: Coding[], add: readonly Coding[]): number {
  const keys = new Set(list.map(codingKey));
  let added = 0;
  for (const c of add) {
    const k = codingKey(c);
    if (keys.has(k)) continue;
    keys.add(k);
    list.push(c);
    added++;
  }
  return added;
}

/** Codings with code `from` now coded `to`; returns the new list and how many changed. */
export function renameInCodings(codings: readonly Coding[], from: readonly string[], to: string): { codings: Coding[]; changed: number; merged: number } {
  const out: Coding[] = [];
  const keys = new Set<string>();
  let changed = 0;
  let merged = 0;
  // Keep codings already coded `to` first, so a merge folds the others into them.
  const sorted = [...codings.filter((c) => c.code === to), ...codings.filter((c) => c.code !== to)];
  for (const c of sorted) {
    const next = from.includes(c.code) ? { ...c, code: to } : c;
    if (next !== c) changed++;
    const k = codingKey(next);
    if (keys.has(k)) {
      merged++;
      continue;
    }
    keys.add(k);
    out.push(next);
  }
  return { codings: out, changed, merged };
}

export interface CodingDiff {
  /** Keys (codingKey) of codings that went. */
  removed: string[];
  /** Codings that are new or changed (exemplar, memo). */
  upserts: Coding[];
}

const fields = (c: Coding): string => `${c.exemplar ? 1 : 0}\u0000${c.memo ?? ''}`;

/** What changed from `before` to `after` (a session's change): removed keys and new or changed codings. */
export function diffCodings(before: readonly Coding[], after: readonly Coding[]): CodingDiff {
  const old = new Map(before.map((c) => [codingKey(c), c]));
  const now = new Map(after.map((c) => [codingKey(c), c]));
  const removed = [...old.keys()].filter((k) => !now.has(k));
  const upserts = [...now].filter(([k, c]) => !old.has(k) || fields(old.get(k)!) !== fields(c)).map(([, c]) => c);
  return { removed, upserts };
}

/** `list` with a diff applied: removed keys dropped, upserts replacing the coding of their key or added. */
export function applyDiff(list: readonly Coding[], diff: CodingDiff): Coding[] {
  const removed = new Set(diff.removed);
  const upserts = new Map(diff.upserts.map((c) => [codingKey(c), c]));
  const out: Coding[] = [];
  for (const c of list) {
    const k = codingKey(c);
    if (removed.has(k)) continue;
    const u = upserts.get(k);
    if (u) {
      out.push(u);
      upserts.delete(k);
    } else out.push(c);
  }
  append(out, upserts.values());
  return out;
}

/**
 * renameInCodings on a coder file's columns (the loader's parse), without making a coding: the
 * same renaming, the same folding of duplicates (codings already coded `to` kept first, then the
 * first of each key in file order) and the same counts; the pack returned holds the codings kept,
 * in the order renameInCodings returns them (its code column renamed; `p` is not changed).
 * Undefined when a participant, wave or code holds U+0000, which codingKey uses as its separator
 * (its keys could then meet where these columns differ): the caller renames the codings instead.
 */
export function renameInPacked(p: PackedCodings, from: readonly string[], to: string): { packed: PackedCodings; changed: number; merged: number } | undefined {
  const n = p.participant.length;
  const { strings } = p;
  const usedInKeys = new Uint8Array(strings.length);
  for (let i = 0; i < n; i++) usedInKeys[p.participant[i]!] = usedInKeys[p.wave[i]!] = usedInKeys[p.code[i]!] = 1;
  for (let s = 0; s < strings.length; s++) if (usedInKeys[s] && strings[s]!.includes('\u0000')) return undefined;
  // Strings are kept once in a pack: equal strings have equal numbers.
  const renamed = new Uint8Array(strings.length);
  for (let s = 0; s < strings.length; s++) if (from.includes(strings[s]!)) renamed[s] = 1;
  let target = strings.indexOf(to);
  const out: PackedCodings = { ...p };
  if (target < 0) {
    target = strings.length;
    out.strings = [...strings, to];
  }
  const code = new Uint32Array(n);
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const c = p.code[i]!;
    if (renamed[c]) changed++;
    code[i] = renamed[c] ? target : c;
  }
  // Codings coded `to` before the rename first, then the others, each in file order.
  const order = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) if (p.code[i] === target) order[k++] = i;
  for (let i = 0; i < n; i++) if (p.code[i] !== target) order[k++] = i;
  // The first of each key is kept (codingKey's fields: the coder is the file's), found in a hash table of row numbers.
  const same = (a: number, b: number): boolean => code[a] === code[b] && p.participant[a] === p.participant[b] && p.wave[a] === p.wave[b] && p.startLine[a] === p.startLine[b] && p.endLine[a] === p.endLine[b] && p.startColumn[a] === p.startColumn[b] && p.endColumn[a] === p.endColumn[b];
  let size = 16;
  while (size < 2 * n) size *= 2;
  const slots = new Int32Array(size).fill(-1);
  const kept = new Int32Array(n);
  let m = 0;
  for (let o = 0; o < n; o++) {
    const i = order[o]!;
    let h = Math.imul(code[i]!, 0x9e3779b1);
    h = mix(h, p.participant[i]!);
    h = mix(h, p.wave[i]!);
    h = mix(h, p.startLine[i]!);
    h = mix(h, p.endLine[i]!);
    h = mix(h, p.startColumn[i]!);
    h = mix(h, p.endColumn[i]!);
    let s = (h ^ (h >>> 16)) & (size - 1);
    let dup = false;
    for (; slots[s] !== -1; s = (s + 1) & (size - 1))
      if (same(slots[s]!, i)) {
        dup = true;
        break;
      }
    if (dup) continue;
    slots[s] = i;
    kept[m++] = i;
  }
  const take = <A extends Uint32Array | Int32Array | Uint8Array>(a: A): A => {
    const b = new (a.constructor as new (n: number) => A)(m);
    for (let j = 0; j < m; j++) b[j] = a[kept[j]!]!;
    return b;
  };
  Object.assign(out, {
    participant: take(p.participant),
    wave: take(p.wave),
    code: take(code),
    memo: take(p.memo),
    hash: take(p.hash),
    startLine: take(p.startLine),
    endLine: take(p.endLine),
    startColumn: take(p.startColumn),
    endColumn: take(p.endColumn),
    exemplar: take(p.exemplar),
    line: take(p.line),
  });
  return { packed: out, changed, merged: n - m };
}

/** One step of the row hash of renameInPacked. */
function mix(h: number, v: number): number {
  const x = Math.imul(h ^ v, 0x85ebca6b);
  return x ^ (x >>> 13);
}
