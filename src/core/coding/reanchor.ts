import { hasColumns, type LineIndex, type SpanFields } from './span.js';
import { spanText, textHash } from './text.js';
import type { Coding } from './types.js';

/**
 * Re-anchoring: a drifted coding (its hash no longer matches the text at its span, because the
 * transcript was edited) moved to where its text now is. The text it marked is found in an earlier
 * version of the transcript (from git, newest first) as the version where the span's text has the
 * coding's hash; then it is looked for in the transcript as it is now:
 *
 * 1. exactly: the same characters (whole lines: the same lines' text, as many lines). One place:
 *    moved there. Several: the one where the unchanged text around the edit puts it (the old
 *    position shifted past the edits before it), else ambiguous and left alone.
 * 2. fuzzily: the best approximate match (edit distance over characters, Sellers' algorithm), when
 *    its similarity (1 - distance / length) reaches `threshold` and no other place not overlapping
 *    it does: moved there (whole lines: to the lines the match covers). Else left alone.
 *
 * Without an earlier version holding the text, only an exact move is possible: the same span shape
 * (the same lines and columns, shifted by whole lines) where the text has the coding's hash.
 * Nothing is ever guessed: a coding that cannot be placed is reported with why and kept as it is.
 */
export const REANCHOR_THRESHOLD = 0.8;

export type Placement = { kind: 'exact'; span: SpanFields } | { kind: 'fuzzy'; span: SpanFields; similarity: number } | { kind: 'unplaced'; reason: string };

/** Where a drifted coding's text now is in `now`, given earlier versions of the transcript (newest first). */
export function reanchorCoding(c: Coding, now: LineIndex, earlier: readonly LineIndex[], threshold = REANCHOR_THRESHOLD): Placement {
  if (!c.hash) return { kind: 'unplaced', reason: 'it has no hash (fingerprint) to recognise its text by' };
  let old: LineIndex | undefined;
  let text: string | undefined;
  for (const e of earlier) {
    const t = spanText(e, c);
    if (t !== undefined && textHash(t) === c.hash) {
      old = e;
      text = t;
      break;
    }
  }
  if (!old || text === undefined) return sameShape(c, now);
  const nowText = lf(now.text);
  const oldRange = hasColumns(c) ? old.range(c) : { start: old.starts[c.startLine - 1]!, end: old.ends[c.endLine - 1]! };
  if ('problem' in oldRange) return { kind: 'unplaced', reason: 'internal: its span does not fit the earlier version' };
  const expected = shifted(old.text, now.text, oldRange.start);
  // 1. Exactly.
  const exact: SpanFields[] = [];
  if (!hasColumns(c)) {
    const n = c.endLine - c.startLine;
    for (let s = 1; s + n <= now.lineCount; s++) if (spanText(now, { startLine: s, endLine: s + n }) === text) exact.push({ startLine: s, endLine: s + n });
  } else {
    for (let k = nowText.text.indexOf(text); k >= 0 && text.length > 0; k = nowText.text.indexOf(text, k + 1)) {
      const span = now.spanOf(nowText.original(k), nowText.original(k + text.length - 1) + 1);
      if (span) exact.push(span);
    }
  }
  if (exact.length === 1) return { kind: 'exact', span: exact[0]! };
  if (exact.length > 1) {
    const at = expected === undefined ? undefined : exact.find((s) => startOffset(now, s) === expected);
    if (at) return { kind: 'exact', span: at };
    return { kind: 'unplaced', reason: `its text is now in ${exact.length} places (${exact.slice(0, 4).map(show).join(', ')}${exact.length > 4 ? ', …' : ''}) and the edits do not say which` };
  }
  // 2. Fuzzily.
  const m = sellers(text, nowText.text, threshold);
  if (!m) return { kind: 'unplaced', reason: 'its text is no longer in the transcript, not even approximately' };
  if (m.similarity < threshold) return { kind: 'unplaced', reason: `its text is no longer in the transcript: the closest passage is ${percent(m.similarity)} similar (below ${percent(threshold)})` };
  if (m.others > 0) return { kind: 'unplaced', reason: `its text matches ${m.others + 1} places about equally (best ${percent(m.similarity)} similar)` };
  let start = m.start;
  let end = m.end;
  while (start < end && /\s/.test(nowText.text[start]!)) start++;
  while (end > start && /\s/.test(nowText.text[end - 1]!)) end--;
  const a = nowText.original(start);
  const b = nowText.original(end - 1) + 1;
  if (!hasColumns(c)) {
    const span = { startLine: now.lineAt(a), endLine: now.lineAt(b - 1) };
    const sim = similarity(text, spanText(now, span) ?? '');
    if (sim < threshold) return { kind: 'unplaced', reason: `the closest lines are ${percent(sim)} similar (below ${percent(threshold)})` };
    return { kind: 'fuzzy', span, similarity: sim };
  }
  const span = now.spanOf(a, b);
  if (!span) return { kind: 'unplaced', reason: 'the closest passage starts or ends inside a character' };
  return { kind: 'fuzzy', span, similarity: m.similarity };
}

/** No earlier text: the same span shape shifted by whole lines, where its text has the coding's hash. */
function sameShape(c: Coding, now: LineIndex): Placement {
  const n = c.endLine - c.startLine;
  const found: SpanFields[] = [];
  for (let s = 1; s + n <= now.lineCount; s++) {
    const span: SpanFields = hasColumns(c) ? { startLine: s, endLine: s + n, startColumn: c.startColumn, endColumn: c.endColumn } : { startLine: s, endLine: s + n };
    const t = spanText(now, span);
    if (t !== undefined && textHash(t) === c.hash) found.push(span);
  }
  if (found.length === 1) return { kind: 'exact', span: found[0]! };
  if (found.length > 1) return { kind: 'unplaced', reason: `its text is now in ${found.length} places (${found.slice(0, 4).map(show).join(', ')}) and no earlier version of the transcript (git) says which` };
  return { kind: 'unplaced', reason: 'its text is not in the transcript unchanged, and no earlier version of the transcript (committed to git) holds it to look for it approximately' };
}

function show(s: SpanFields): string {
  return hasColumns(s) ? `${s.startLine}:${s.startColumn}-${s.endLine}:${s.endColumn}` : s.startLine === s.endLine ? `line ${s.startLine}` : `lines ${s.startLine}-${s.endLine}`;
}

function percent(x: number): string {
  return `${Math.floor(x * 100)}%`;
}

function startOffset(index: LineIndex, s: SpanFields): number | undefined {
  if (!hasColumns(s)) return index.starts[s.startLine - 1];
  const r = index.range(s);
  return 'problem' in r ? undefined : r.start;
}

/**
 * Where an offset of the old text is in the new one when it lies in the part the edits left alone:
 * before the first change, or after the last one (shifted by the change in length). Else undefined.
 */
function shifted(oldText: string, newText: string, offset: number): number | undefined {
  let p = 0;
  const max = Math.min(oldText.length, newText.length);
  while (p < max && oldText.charCodeAt(p) === newText.charCodeAt(p)) p++;
  let q = 0;
  while (q < max - p && oldText.charCodeAt(oldText.length - 1 - q) === newText.charCodeAt(newText.length - 1 - q)) q++;
  if (offset < p) return offset;
  if (offset >= oldText.length - q) return offset + newText.length - oldText.length;
  return undefined;
}

/** The text with "\r\n" as "\n", and the way back to offsets of the original. */
function lf(text: string): { text: string; original(k: number): number } {
  if (!text.includes('\r\n')) return { text, original: (k) => k };
  const removed: number[] = [];
  let out = '';
  let from = 0;
  for (let i = text.indexOf('\r\n'); i >= 0; i = text.indexOf('\r\n', i + 2)) {
    out += text.slice(from, i);
    removed.push(out.length);
    from = i + 1;
  }
  out += text.slice(from);
  return {
    text: out,
    original(k) {
      // Each "\r" removed at or before position k shifts it by one.
      let lo = 0;
      let hi = removed.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (removed[mid]! <= k) lo = mid + 1;
        else hi = mid;
      }
      return k + lo;
    },
  };
}

/** 1 - edit distance / the longer length. */
export function similarity(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  if (n === 0) return 1;
  let prev = new Int32Array(b.length + 1);
  let cur = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j - 1]! + (ca === b.charCodeAt(j - 1) ? 0 : 1), prev[j]! + 1, cur[j - 1]! + 1);
    [prev, cur] = [cur, prev];
  }
  return 1 - prev[b.length]! / n;
}

/**
 * The best approximate occurrence of `pattern` in `text` (Sellers 1980: edit distance with a free
 * start and end in the text): its range [start, end), similarity 1 - distance / pattern length,
 * and how many other places not overlapping it are within the threshold too.
 */
export function sellers(pattern: string, text: string, threshold: number): { start: number; end: number; similarity: number; others: number } | undefined {
  const m = pattern.length;
  if (m === 0 || text.length === 0) return undefined;
  const limit = Math.floor((1 - threshold) * m + 1e-9);
  let dist = new Int32Array(m + 1);
  let from = new Int32Array(m + 1);
  let nd = new Int32Array(m + 1);
  let nf = new Int32Array(m + 1);
  for (let i = 0; i <= m; i++) {
    dist[i] = i;
    from[i] = 0;
  }
  const ends: Array<{ end: number; start: number; d: number }> = [];
  let best: { end: number; start: number; d: number } | undefined = { end: 0, start: 0, d: m };
  for (let j = 1; j <= text.length; j++) {
    const cj = text.charCodeAt(j - 1);
    nd[0] = 0;
    nf[0] = j;
    for (let i = 1; i <= m; i++) {
      const sub = dist[i - 1]! + (pattern.charCodeAt(i - 1) === cj ? 0 : 1);
      const del = dist[i]! + 1;
      const ins = nd[i - 1]! + 1;
      if (sub <= del && sub <= ins) {
        nd[i] = sub;
        nf[i] = from[i - 1]!;
      } else if (del <= ins) {
        nd[i] = del;
        nf[i] = from[i]!;
      } else {
        nd[i] = ins;
        nf[i] = nf[i - 1]!;
      }
    }
    [dist, nd] = [nd, dist];
    [from, nf] = [nf, from];
    const d = dist[m]!;
    if (d < best!.d) best = { end: j, start: from[m]!, d };
    if (d <= limit) ends.push({ end: j, start: from[m]!, d });
  }
  const b = best!;
  // Other places within the threshold that do not overlap the best one (one per run of end positions).
  let others = 0;
  let lastEnd = -1;
  for (const e of ends) {
    if (e.end > b.start && e.start < b.end) continue;
    if (lastEnd >= 0 && e.start < lastEnd) continue;
    others++;
    lastEnd = e.end;
  }
  return { start: b.start, end: b.end, similarity: 1 - b.d / m, others };
}
