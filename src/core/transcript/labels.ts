import type { SpeakerRole } from './types.js';

/**
 * Speaker labels and timestamps at the start of a transcript line.
 *
 * A label is what precedes the first colon of a line (`Interviewer:`, `MS07:`, `Researcher 1:`,
 * French `AP :`), when it looks like a name: at most 4 words of at most 40 characters, each word
 * starting with a capital letter or a digit. "The thing is: ..." or "so: ..." are speech, not labels.
 */
const MAX_LABEL = 40;
const LABEL_SHAPE = /^[\p{Lu}\p{N}][\p{L}\p{N}_.'’()#-]*(?: [\p{Lu}\p{N}(][\p{L}\p{N}_.'’()#-]*){0,3}$/u;
/** `[00:12:31]`, `[12:31]`, `(00:12:31.5)`, or bare `00:12:31` (bare needs hours to avoid "10:30 was…"). */
const TIMESTAMP = /(?:[[(]((?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)[\])]|(\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?)(?=[ \t]|$))[ \t]*/y;

const shapeCache = new Map<string, boolean>();
const interned = new Map<string, string>();

export function looksLikeLabel(label: string): boolean {
  let v = shapeCache.get(label);
  if (v === undefined) {
    v = label.length > 0 && label.length <= MAX_LABEL && LABEL_SHAPE.test(label);
    if (shapeCache.size < 10_000) shapeCache.set(label, v);
  }
  return v;
}

/** One string per distinct label, shared by every segment that carries it. */
function intern(label: string): string {
  const known = interned.get(label);
  if (known !== undefined) return known;
  if (interned.size < 10_000) interned.set(label, label);
  return label;
}

/**
 * What starts a line. readLineHead returns one shared object, overwritten by the next call (it
 * runs once per line of every transcript, so it allocates nothing): read it before calling again.
 */
export interface LineHead {
  /** Offset where the line's speech starts (after label and timestamps). */
  textStart: number;
  label: string | undefined;
  timestamp: string | undefined;
}

/**
 * Read the label and timestamps at the start of the line `text[start, end)`.
 * `markdown` also accepts bold labels: `**Interviewer:** text` or `**Interviewer**: text`.
 */
export function readLineHead(text: string, start: number, end: number, markdown: boolean, known?: readonly string[]): LineHead {
  let p = start;
  let timestamp: string | undefined;
  const c0 = text.charCodeAt(p);
  if (c0 === 91 /* [ */ || c0 === 40 /* ( */ || (c0 >= 48 && c0 <= 57)) {
    const ts = matchTimestamp(text, p, end);
    if (ts) {
      timestamp = ts.value;
      p = ts.next;
    }
  }
  // Bold markdown label.
  if (markdown && text.charCodeAt(p) === 42 && text.charCodeAt(p + 1) === 42) {
    const close = text.indexOf('**', p + 2);
    if (close > 0 && close - p <= MAX_LABEL + 4 && close < end) {
      let inner = text.slice(p + 2, close).trim();
      let after = close + 2;
      let hasColon = false;
      if (inner.endsWith(':')) {
        inner = inner.slice(0, -1).trimEnd();
        hasColon = true;
      } else {
        while (after < end && text.charCodeAt(after) === 32) after++;
        if (text.charCodeAt(after) === 58) {
          hasColon = true;
          after++;
        }
      }
      if (hasColon && looksLikeLabel(inner)) return finishLabel(text, intern(inner), after, end, timestamp);
    }
  }
  // Look for the label's colon within the first few characters only (a bounded scan: most
  // lines are speech, and indexOf would run on to the next colon anywhere in the file).
  // Fast path: a label already seen in this document, compared in place (no slicing or hashing).
  if (known !== undefined) {
    for (let k = 0; k < known.length; k++) {
      const label = known[k]!;
      if (text.startsWith(label, p)) {
        let q = p + label.length;
        while (text.charCodeAt(q) === 32) q++;
        if (text.charCodeAt(q) === 58 && q < end) {
          const next = text.charCodeAt(q + 1);
          if (q + 1 === end || next === 32 || next === 9 || next === 160) return finishLabel(text, label, q + 1, end, timestamp);
        }
      }
    }
  }
  const limit = Math.min(end, p + MAX_LABEL + 2);
  let colon = -1;
  for (let k = p + 1; k < limit; k++) {
    if (text.charCodeAt(k) === 58) {
      colon = k;
      break;
    }
  }
  if (colon > p) {
    const next = text.charCodeAt(colon + 1);
    // A label's colon ends the line or is followed by a space (not "10:30", not "http://").
    if (colon + 1 === end || next === 32 || next === 9 || next === 160) {
      const label = text.slice(p, colon).trimEnd();
      if (looksLikeLabel(label)) return finishLabel(text, intern(label), colon + 1, end, timestamp);
    }
  }
  return setHead(p, undefined, timestamp);
}

const HEAD: LineHead = { textStart: 0, label: undefined, timestamp: undefined };

function setHead(textStart: number, label: string | undefined, timestamp: string | undefined): LineHead {
  HEAD.textStart = textStart;
  HEAD.label = label;
  HEAD.timestamp = timestamp;
  return HEAD;
}

function finishLabel(text: string, label: string, p: number, end: number, timestamp: string | undefined): LineHead {
  while (p < end && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9 || text.charCodeAt(p) === 160)) p++;
  if (timestamp === undefined) {
    const ts = matchTimestamp(text, p, end);
    if (ts) {
      timestamp = ts.value;
      p = ts.next;
    }
  }
  return setHead(p, label, timestamp);
}

function matchTimestamp(text: string, p: number, end: number): { value: string; next: number } | undefined {
  TIMESTAMP.lastIndex = p;
  const m = TIMESTAMP.exec(text);
  if (!m || TIMESTAMP.lastIndex > end) return undefined;
  return { value: normaliseTimestamp(m[1] ?? m[2] ?? ''), next: TIMESTAMP.lastIndex };
}

/** `2:03` → `00:02:03`, `1:02:03,5` → `01:02:03.5`. */
export function normaliseTimestamp(t: string): string {
  if (t.length === 8 && t.charCodeAt(2) === 58 && t.charCodeAt(5) === 58) return t;
  const [main, frac] = t.replace(',', '.').split('.');
  const parts = (main ?? '').split(':');
  while (parts.length < 3) parts.unshift('0');
  const hms = parts.map((x) => x.padStart(2, '0')).join(':');
  return frac === undefined ? hms : `${hms}.${frac}`;
}

/**
 * Decides whose speech a label is: an interviewer (study config or the document's front matter),
 * the participant (their id, or a generic label such as "Participant"), or someone else.
 */
export function speakerClassifier(opts: { interviewers: readonly string[]; participantLabels: readonly string[]; participant?: string | undefined }): (label: string) => SpeakerRole {
  const interviewers = new Set(opts.interviewers.map(fold));
  const participants = new Set(opts.participantLabels.map(fold));
  if (opts.participant) participants.add(fold(opts.participant));
  const cache = new Map<string, SpeakerRole>();
  return (label) => {
    let role = cache.get(label);
    if (role === undefined) {
      const f = fold(label);
      role = interviewers.has(f) ? 'interviewer' : participants.has(f) ? 'participant' : 'other';
      cache.set(label, role);
    }
    return role;
  };
}

/** Case- and accent-insensitive comparison key for labels ("Enquêtrice" = "enquetrice"). */
export function fold(s: string): string {
  let f = folded.get(s);
  if (f === undefined) {
    f = s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
    if (folded.size < 10_000) folded.set(s, f);
  }
  return f;
}
const folded = new Map<string, string>();
