import { createHash } from 'node:crypto';

/**
 * GUIDs that stay the same across exports of the same study: a name-based UUID (version 5 layout)
 * from the study title and the entity's key, so re-exporting does not make NVivo or ATLAS.ti see
 * new codes, sources or users.
 */
export function stableGuid(namespace: string, key: string): string {
  const h = createHash('sha1').update(`${namespace}\u0000${key}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** UTF-16 offset → Unicode code point offset (REFI-QDA positions count code points). */
export function toCodePoints(text: string, utf16: number): number {
  let n = 0;
  for (let i = 0; i < utf16 && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const p = text.charCodeAt(i - 1);
      if (p >= 0xd800 && p <= 0xdbff) continue;
    }
    n++;
  }
  return n;
}

/** Code point offset → UTF-16 offset. */
export function fromCodePoints(text: string, points: number): number {
  let i = 0;
  let n = 0;
  while (i < text.length && n < points) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
    n++;
  }
  return i;
}

/** A code or coder id from a display name: lower case, letters and digits, dots and dashes. */
export function slug(name: string, taken: Set<string>): string {
  let base = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '');
  if (!base) base = 'code';
  let id = base;
  for (let k = 2; taken.has(id); k++) id = `${base}-${k}`;
  taken.add(id);
  return id;
}

/**
 * Code point offset → UTF-16 offset, as a function made once per text: the identity when the
 * text has no surrogate pairs, else a table (one pass). Same results as fromCodePoints.
 */
export function codePointTable(text: string): (points: number) => number {
  if (!/[\ud800-\udbff]/.test(text)) return (points) => Math.min(Math.max(0, points), text.length);
  const starts: number[] = [];
  for (let i = 0; i < text.length; ) {
    starts.push(i);
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  return (points) => (points <= 0 ? 0 : points >= starts.length ? text.length : starts[points]!);
}

/** UTF-16 offset → code point offset, as a function made once per text (see codePointTable). */
export function utf16Table(text: string): (utf16: number) => number {
  if (!/[\ud800-\udbff]/.test(text)) return (utf16) => Math.min(Math.max(0, utf16), text.length);
  const counts = new Uint32Array(text.length + 1);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    counts[i] = n;
    const c = text.charCodeAt(i);
    if (!(c >= 0xdc00 && c <= 0xdfff && i > 0 && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff)) n++;
  }
  counts[text.length] = n;
  return (utf16) => counts[Math.min(Math.max(0, utf16), text.length)]!;
}
