import { matchTimestamp } from './labels.js';
import { SegmentList } from './segment-list.js';

/**
 * Sentences, for `segments: sentence`. A sentence ends at `.`, `!`, `?` or `…` (and any closing
 * quotes or brackets after them) followed by a space or a line break and then anything but a
 * lower-case letter ("Really? yes." stays one sentence); `。`, `！` and `？` end one by
 * themselves. A full stop after a title or a single capital initial ("Dr.", "Mrs.", "J.") does
 * not end one. Deterministic and the same in every language: no locale data is used.
 */
const TITLES = new Set(['mr', 'mrs', 'ms', 'mx', 'dr', 'prof', 'sr', 'jr', 'st', 'mt', 'vs', 'cf', 'e.g', 'i.e', 'eg', 'ie', 'approx', 'no', 'nr', 'mme', 'mlle', 'm', 'hr', 'fr', 'frau', 'sra', 'sr', 'dra']);

function isTerminator(c: number): boolean {
  return c === 46 || c === 33 || c === 63 || c === 0x2026 || c === 0x3002 || c === 0xff01 || c === 0xff1f;
}

function isCjkTerminator(c: number): boolean {
  return c === 0x3002 || c === 0xff01 || c === 0xff1f;
}

/** Closing quotes and brackets that stay with the sentence they end. */
function isCloser(c: number): boolean {
  return c === 34 || c === 39 || c === 41 || c === 93 || c === 0x201d || c === 0x2019 || c === 0xbb || c === 0x300d || c === 0x300f;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 160 || c === 0xfeff || c === 0x3000;
}

export interface SentenceRange {
  start: number;
  end: number;
  /** A timestamp at the start of the line the sentence starts on (text transcripts). */
  timestamp?: string;
}

/**
 * The sentences of `text[from, to)`, trimmed. With `lineTimestamps`, a timestamp at the start of
 * a line inside the range (`[00:12:31] ...`) is skipped, as paragraph text skips it, and given to
 * the sentence that starts after it.
 */
export function sentenceRanges(text: string, from: number, to: number, lineTimestamps = false): SentenceRange[] {
  const out: SentenceRange[] = [];
  let start = from;
  while (start < to && isBlank(text.charCodeAt(start))) start++;
  let startTs: string | undefined;
  let i = start;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (!isTerminator(c)) {
      i++;
      continue;
    }
    let j = i;
    while (j < to && isTerminator(text.charCodeAt(j))) j++;
    while (j < to && isCloser(text.charCodeAt(j))) j++;
    const cjk = isCjkTerminator(text.charCodeAt(j - 1)) || isCjkTerminator(c);
    if (j < to && !cjk && !isBlank(text.charCodeAt(j))) {
      i = j;
      continue;
    }
    if (c === 46 && j - i === 1 && isTitle(text, from, i)) {
      i = j;
      continue;
    }
    // What follows: blanks, and at a line start perhaps a timestamp.
    let k = j;
    let ts: string | undefined;
    let sawNewline = false;
    while (k < to && isBlank(text.charCodeAt(k))) {
      if (text.charCodeAt(k) === 10) sawNewline = true;
      k++;
    }
    if (lineTimestamps && sawNewline && k < to) {
      const m = matchTimestamp(text, k, to);
      if (m) {
        ts = m.value;
        k = m.next;
        while (k < to && isBlank(text.charCodeAt(k))) k++;
      }
    }
    if (k >= to) break;
    if (!cjk && /\p{Ll}/u.test(String.fromCodePoint(text.codePointAt(k)!))) {
      i = k;
      continue;
    }
    out.push(range(start, j, startTs));
    start = k;
    startTs = ts;
    i = k;
  }
  let end = to;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  if (end > start) out.push(range(start, end, startTs));
  return out;
}

function range(start: number, end: number, timestamp: string | undefined): SentenceRange {
  return timestamp === undefined ? { start, end } : { start, end, timestamp };
}

/** The word before the full stop at `dot` is a title ("Dr") or a single capital initial ("J"). */
function isTitle(text: string, from: number, dot: number): boolean {
  let w = dot;
  while (w > from && (/\p{L}/u.test(text[w - 1]!) || (text[w - 1] === '.' && w - 1 > from && /\p{L}/u.test(text[w - 2]!)))) w--;
  const word = text.slice(w, dot);
  if (word.length === 0) return false;
  if (word.length === 1 && /\p{Lu}/u.test(word)) return true;
  return TITLES.has(word.toLowerCase());
}

/**
 * Cut every segment of a text transcript into its sentences: the same speaker, role and turn,
 * line numbers and offsets of the file as it is. A sentence's timestamp is its paragraph's for
 * the first, else the one at the start of the line it starts on, if any.
 */
export function splitSentences(list: SegmentList, text: string, source?: () => string): SegmentList {
  const out = new SegmentList(list.documentId, source ?? text, Math.max(16, list.length * 4));
  for (let i = 0; i < list.length; i++) {
    const start = list.startOffset(i);
    const ranges = list.hasExplicitText(i) ? [] : sentenceRanges(text, start, list.endOffset(i), true);
    if (ranges.length <= 1) {
      out.push(list.speaker(i), list.role(i), list.turn(i), list.startLine(i), list.endLine(i), start, list.endOffset(i), list.hasExplicitText(i) ? list.text(i) : undefined, list.timestamp(i));
      continue;
    }
    let line = list.startLine(i);
    let at = start;
    ranges.forEach((r, k) => {
      line += newlines(text, at, r.start);
      const endLine = line + newlines(text, r.start, r.end);
      out.push(list.speaker(i), list.role(i), list.turn(i), line, endLine, r.start, r.end, undefined, k === 0 ? list.timestamp(i) : r.timestamp);
      at = r.start;
    });
  }
  return out;
}

function newlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let p = text.indexOf('\n', from); p >= 0 && p < to; p = text.indexOf('\n', p + 1)) n++;
  return n;
}
