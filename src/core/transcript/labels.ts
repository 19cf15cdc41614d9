import { ownCopy } from '../text/intern.js';
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
    if (shapeCache.size < 10_000) shapeCache.set(ownCopy(label), v);
  }
  return v;
}

/**
 * One string per distinct label, shared by every segment that carries it: a copy, not a slice of
 * the transcript (which the label, kept by the study and this table, would keep alive).
 */
function intern(label: string): string {
  const known = interned.get(label);
  if (known !== undefined) return known;
  const own = ownCopy(label);
  if (interned.size < 10_000) interned.set(own, own);
  return own;
}

/**
 * How a line's label was written: `colon` (`Label: text`, the plain-text convention), `header`
 * (`Name  0:03` alone on its line, as Otter and Microsoft Teams write turns), `rev`
 * (`Name (00:03):` alone on its line, as Rev writes them).
 */
export type LabelStyle = 'colon' | 'header' | 'rev';

/**
 * What starts a line. readLineHead returns one shared object, overwritten by the next call (it
 * runs once per line of every transcript, so it allocates nothing): read it before calling again.
 */
export interface LineHead {
  /** Offset where the line's speech starts (after indentation, label and timestamps). */
  textStart: number;
  label: string | undefined;
  timestamp: string | undefined;
  style: LabelStyle;
}

/**
 * Read the label and timestamps at the start of the line `text[start, end)` (`start`: after the
 * line's indentation, which callers skip; `end`: the line's end without trailing spaces). `markdown` also accepts bold labels:
 * `**Interviewer:** text` or `**Interviewer**: text`. `known` are labels already seen in the
 * document (a fast path); `isKnown` accepts labels that do not look like names but are known
 * (a participant id in lower case, a key of speakers.map).
 */
export function readLineHead(text: string, start: number, end: number, markdown: boolean, known?: readonly string[], isKnown?: (label: string) => boolean, colons?: ColonScan): LineHead {
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
      if (hasColon && (looksLikeLabel(inner) || isKnown?.(inner) === true)) return finishLabel(text, intern(inner), after, end, timestamp);
    }
  }
  // Look for the label's colon within the first few characters only (a bounded scan: most
  // lines are speech, and indexOf would run on to the next colon anywhere in the file).
  // Fast path: a label already seen in this document, compared in place (no slicing or hashing).
  if (known !== undefined) {
    const c = text.charCodeAt(p);
    for (let k = 0; k < known.length; k++) {
      const label = known[k]!;
      // (Compared in place, its first character first: a call of startsWith per label and line
      // costs more, lines of speech often starting with a label's first letter.)
      const n = label.length;
      if (n !== 0 && label.charCodeAt(0) !== c) continue;
      let m = n === 0 ? 0 : 1;
      while (m < n && text.charCodeAt(p + m) === label.charCodeAt(m)) m++;
      if (m === n) {
        let q = p + n;
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
  if (colons !== undefined) {
    // The next colon of the text, found once for all the lines up to it (see ColonScan).
    if (colons.next <= p) {
      const c = text.indexOf(':', p + 1);
      colons.next = c < 0 ? text.length : c;
    }
    if (colons.next < limit) colon = colons.next;
  } else {
    for (let k = p + 1; k < limit; k++) {
      if (text.charCodeAt(k) === 58) {
        colon = k;
        break;
      }
    }
  }
  if (colon > p) {
    const next = text.charCodeAt(colon + 1);
    // A label's colon ends the line or is followed by a space (not "10:30", not "http://").
    if (colon + 1 === end || next === 32 || next === 9 || next === 160) {
      const label = text.slice(p, colon).trimEnd();
      if (looksLikeLabel(label) || (isKnown !== undefined && label.length > 0 && isKnown(label))) return finishLabel(text, intern(label), colon + 1, end, timestamp);
    }
  }
  // A turn header alone on its line: `Name  0:03` (Otter, Teams) or `Name (00:03):` (Rev).
  if (timestamp === undefined && end - p > 4) {
    const last = text.charCodeAt(end - 1);
    if (last >= 48 && last <= 57) {
      if (text.charCodeAt(end - 3) === 58) {
        const head = readHeaderLine(text, p, end, isKnown);
        if (head) return head;
      }
    } else if (last === 58 /* : */ || last === 41 /* ) */) {
      const head = readRevLine(text, p, end, last === 58 ? end - 1 : end, isKnown);
      if (head) return head;
    }
  }
  return setHead(p, undefined, timestamp, 'colon');
}

/**
 * readLineHead over the bytes of an ASCII text (every byte below 0x80: offsets in bytes are the
 * offsets in its text), for the lines most transcripts are made of: a blank-free line starting
 * with a label (`Label: text`, a label seen before compared in place), `[hh:mm:ss]`, or speech.
 * Any other line (a timestamp of another form, a bold label, a turn header such as `Name  0:03`
 * or `Name (00:03):`) gives undefined: the caller reads it with readLineHead on the line's text
 * (parse-ascii.ts). The same head as readLineHead(text, start, end, markdown, known, isKnown,
 * colons) gives (a property test compares them); `colons` is this text's scan, over the bytes.
 */
export function readAsciiLineHead(b: Buffer, start: number, end: number, markdown: boolean, known: readonly string[], isKnown: ((label: string) => boolean) | undefined, colons: ColonScan): LineHead | undefined {
  let p = start;
  let timestamp: string | undefined;
  const c0 = b[p]!;
  if (c0 === 91 /* [ */ || c0 === 40 /* ( */ || (c0 >= 48 && c0 <= 57)) {
    const next = asciiBracketTime(b, p, end);
    if (next === -2) return undefined;
    if (next >= 0) {
      timestamp = asciiTime(b, p + 1);
      p = next;
    }
  }
  if (markdown && b[p] === 42 && b[p + 1] === 42) return undefined;
  const c = b[p];
  for (let k = 0; k < known.length; k++) {
    const label = known[k]!;
    const n = label.length;
    if (n !== 0 && label.charCodeAt(0) !== c) continue;
    let m = n === 0 ? 0 : 1;
    while (m < n && b[p + m] === label.charCodeAt(m)) m++;
    if (m === n) {
      let q = p + n;
      while (b[q] === 32) q++;
      if (b[q] === 58 && q < end) {
        const next = b[q + 1];
        if (q + 1 === end || next === 32 || next === 9) return finishAsciiLabel(b, label, q + 1, end, timestamp);
      }
    }
  }
  const limit = Math.min(end, p + MAX_LABEL + 2);
  let colon = -1;
  if (colons.next <= p) {
    const at = b.indexOf(58, p + 1);
    colons.next = at < 0 ? b.length : at;
  }
  if (colons.next < limit) colon = colons.next;
  if (colon > p) {
    const next = b[colon + 1];
    if (colon + 1 === end || next === 32 || next === 9) {
      const label = b.toString('latin1', p, colon).trimEnd();
      if (looksLikeLabel(label) || (isKnown !== undefined && label.length > 0 && isKnown(label))) return finishAsciiLabel(b, intern(label), colon + 1, end, timestamp);
    }
  }
  // A turn header alone on its line (`Name  0:03`, `Name (00:03):`): left to readLineHead.
  if (timestamp === undefined && end - p > 4) {
    const last = b[end - 1]!;
    if ((last >= 48 && last <= 57 && b[end - 3] === 58) || last === 58 || last === 41) return undefined;
  }
  return setHead(p, undefined, timestamp, 'colon');
}

/** finishLabel over ASCII bytes; undefined when a timestamp after the label is not `[hh:mm:ss]` (readLineHead reads it). */
function finishAsciiLabel(b: Buffer, label: string, p: number, end: number, timestamp: string | undefined): LineHead | undefined {
  while (p < end && (b[p] === 32 || b[p] === 9)) p++;
  if (timestamp === undefined) {
    const c = b[p]!;
    if (c === 91 || c === 40 || (c >= 48 && c <= 57)) {
      const next = asciiBracketTime(b, p, end);
      if (next === -2) return undefined;
      if (next >= 0) {
        timestamp = asciiTime(b, p + 1);
        p = next;
      }
    }
  }
  return setHead(p, label, timestamp, 'colon');
}

/**
 * matchTimestamp's fast path over ASCII bytes at `p` (a bracket or a digit there): the offset after
 * `[hh:mm:ss]` and the spaces after it; -1 when it is that form but not a timestamp there (as
 * matchTimestamp says); -2 when it is not that form (matchTimestamp's expression decides).
 */
function asciiBracketTime(b: Buffer, p: number, end: number): number {
  const open = b[p];
  if ((open === 91 || open === 40) && isDigitByte(b[p + 1]) && isDigitByte(b[p + 2]) && b[p + 3] === 58 && isDigitByte(b[p + 4]) && isDigitByte(b[p + 5]) && b[p + 6] === 58 && isDigitByte(b[p + 7]) && isDigitByte(b[p + 8])) {
    const close = b[p + 9];
    if (close === 93 || close === 41) {
      let next = p + 10;
      for (let c = b[next]; c === 32 || c === 9; c = b[next]) next++;
      return next > end ? -1 : next;
    }
  }
  return -2;
}

/**
 * The string of `hh:mm:ss` at b[p, p + 8) (digits and colons already checked), one per time: the
 * same few thousand times recur in every transcript of a study (a string made per turn was most
 * of what segmenting allocated after the text itself).
 */
function asciiTime(b: Buffer, p: number): string {
  // (Digits' values: 0 to 999,999, one per time.)
  const key = ((b[p]! - 48) * 10 + b[p + 1]! - 48) * 10_000 + ((b[p + 3]! - 48) * 10 + b[p + 4]! - 48) * 100 + (b[p + 6]! - 48) * 10 + b[p + 7]! - 48;
  let t = times.get(key);
  if (t === undefined) {
    t = b.toString('latin1', p, p + 8);
    if (times.size < 100_000) times.set(key, t);
  }
  return t;
}
const times = new Map<number, string>();

function isDigitByte(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}

/**
 * Where the next colon of one text is, for a caller that reads its lines in order
 * (parseTextBody): `next` is the offset of the first colon after some offset at most the line's
 * start + 1, or the text's length when there is none; start it at -1 for each text. The colon of a
 * label is then found with one indexOf for many lines instead of a scan of every line's start.
 */
export interface ColonScan {
  next: number;
}

/** `(h:)mm:ss` at the end of the line, after at least two spaces or a tab; a name before it. */
function readHeaderLine(text: string, p: number, end: number, isKnown: ((label: string) => boolean) | undefined): LineHead | undefined {
  let t = end - 1;
  while (t > p && ((text.charCodeAt(t - 1) >= 48 && text.charCodeAt(t - 1) <= 57) || text.charCodeAt(t - 1) === 58)) t--;
  const time = text.slice(t, end);
  if (!HEADER_TIME.test(time)) return undefined;
  let w = t;
  while (w > p && (text.charCodeAt(w - 1) === 32 || text.charCodeAt(w - 1) === 9 || text.charCodeAt(w - 1) === 160)) w--;
  const gap = text.slice(w, t);
  if (w === p || (gap.length < 2 && gap !== '\t')) return undefined;
  const label = text.slice(p, w);
  if (!(looksLikeLabel(label) || isKnown?.(label) === true)) return undefined;
  return setHead(end, intern(label), normaliseTimestamp(time), 'header');
}

/** `Name (00:03):` or `Name (00:03)`, the parenthesised time ending at `close`. */
function readRevLine(text: string, p: number, end: number, close: number, isKnown: ((label: string) => boolean) | undefined): LineHead | undefined {
  if (text.charCodeAt(close - 1) !== 41) return undefined;
  const open = text.lastIndexOf('(', close - 1);
  if (open <= p || close - open > 16) return undefined;
  const time = text.slice(open + 1, close - 1);
  if (!REV_TIME.test(time)) return undefined;
  let w = open;
  while (w > p && (text.charCodeAt(w - 1) === 32 || text.charCodeAt(w - 1) === 9)) w--;
  if (w === open || w === p) return undefined;
  const label = text.slice(p, w);
  if (!(looksLikeLabel(label) || isKnown?.(label) === true)) return undefined;
  return setHead(end, intern(label), normaliseTimestamp(time), 'rev');
}

/**
 * A turn header with the turn's text after it on the same line: what a header followed by a soft
 * line break becomes in a .docx (`Jane Doe   0:09 Better, thanks.`, `Speaker 1 (00:05): Hi.`).
 * Only for Word documents: in typed text, two spaces before a time are too easily speech.
 */
export function readInlineHeader(text: string, p: number, end: number, isKnown?: (label: string) => boolean): LineHead | undefined {
  while (p < end && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
  INLINE_HEADER.lastIndex = p;
  const m = INLINE_HEADER.exec(text);
  if (!m || INLINE_HEADER.lastIndex > end) return undefined;
  const label = (m[1] ?? m[3])!;
  if (!(looksLikeLabel(label) || isKnown?.(label) === true)) return undefined;
  return setHead(INLINE_HEADER.lastIndex, intern(label), normaliseTimestamp((m[2] ?? m[4])!), m[1] !== undefined ? 'header' : 'rev');
}

const INLINE_HEADER = /(?:(\S[^\t\n]{0,39}?)(?: {2,}|\t+)((?:\d{1,2}:)?\d{1,2}:\d{2})|(\S[^\n]{0,39}?) \(((?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)\):)[ \t]+(?=\S)/y;

const HEADER_TIME = /^(?:\d{1,2}:)?\d{1,2}:\d{2}$/;
const REV_TIME = /^(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?$/;

const HEAD: LineHead = { textStart: 0, label: undefined, timestamp: undefined, style: 'colon' };

function setHead(textStart: number, label: string | undefined, timestamp: string | undefined, style: LabelStyle): LineHead {
  HEAD.textStart = textStart;
  HEAD.label = label;
  HEAD.timestamp = timestamp;
  HEAD.style = style;
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
  return setHead(p, label, timestamp, 'colon');
}

export function matchTimestamp(text: string, p: number, end: number): { value: string; next: number } | undefined {
  // `[hh:mm:ss]` (or with round brackets), the usual form, read without the regular expression:
  // the same value and end as TIMESTAMP gives for it.
  const open = text.charCodeAt(p);
  // TIMESTAMP starts with a bracket or a digit: anything else is not one (most lines after a label).
  if (open !== 91 && open !== 40 && !(open >= 48 && open <= 57)) return undefined;
  if ((open === 91 || open === 40) && isDigit(text, p + 1) && isDigit(text, p + 2) && text.charCodeAt(p + 3) === 58 && isDigit(text, p + 4) && isDigit(text, p + 5) && text.charCodeAt(p + 6) === 58 && isDigit(text, p + 7) && isDigit(text, p + 8)) {
    const close = text.charCodeAt(p + 9);
    if (close === 93 || close === 41) {
      let next = p + 10;
      for (let c = text.charCodeAt(next); c === 32 || c === 9; c = text.charCodeAt(next)) next++;
      return next > end ? undefined : { value: text.slice(p + 1, p + 9), next };
    }
  }
  TIMESTAMP.lastIndex = p;
  const m = TIMESTAMP.exec(text);
  if (!m || TIMESTAMP.lastIndex > end) return undefined;
  return { value: normaliseTimestamp(m[1] ?? m[2] ?? ''), next: TIMESTAMP.lastIndex };
}

function isDigit(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
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

/** What `speakers.map` says a label is: a role, or the id of the participant speaking. */
export type SpeakerTarget = SpeakerRole | { participant: string };

/** How a label got its role, for reports ("Researcher 1" is an interviewer by `numbered`). */
export type SpeakerRule = 'map' | 'participant' | 'interviewer' | 'label' | 'id' | 'numbered' | 'unknown';

export interface SpeakerInfo {
  role: SpeakerRole;
  /** The participant speaking, when not the document's participant (group interviews). */
  participant?: string;
  rule: SpeakerRule;
}

export interface SpeakerOptions {
  /** Interviewer labels (the study's). */
  interviewers: readonly string[];
  /** One more interviewer label: the front matter's `interviewer:`. */
  interviewer?: string | undefined;
  /** Generic labels meaning "the participant" (Participant, P, ...). */
  participantLabels: readonly string[];
  /** The document's participant: their id is their label. */
  participant?: string | undefined;
  /** Every participant's id: any of them, in any case, is a label (group interviews). */
  participantIds?: readonly string[];
  /** `speakers.map`, the transcript's first: label → role or participant. */
  maps?: ReadonlyArray<ReadonlyMap<string, SpeakerTarget>>;
}

/** A classifier: `classify(label)` is the label's role; `.info` says why; `.known` accepts labels. */
export interface SpeakerClassifier {
  (label: string): SpeakerRole;
  info(label: string): SpeakerInfo;
  /** True for labels that are known even if they do not look like names (`admin-1`, `interviewer 2`). */
  known(label: string): boolean;
}

const NO_IDS: ReadonlyMap<string, string> = new Map();
const labelSets = new WeakMap<readonly string[], Set<string>>();

/** Labels by their folded form, made once per list (the study's, shared by every transcript). */
function foldedSet(list: readonly string[]): ReadonlySet<string> {
  let s = labelSets.get(list);
  if (!s) {
    s = new Set(list.map(fold));
    labelSets.set(list, s);
  }
  return s;
}
const idLookups = new WeakMap<readonly string[], Map<string, string>>();

/** Participant ids by their folded form, made once per list (every document of a study shares it). */
function foldedIds(list: readonly string[]): ReadonlyMap<string, string> {
  let m = idLookups.get(list);
  if (!m) {
    m = new Map();
    for (const id of list) {
      const f = fold(id);
      if (!m.has(f)) m.set(f, id);
    }
    idLookups.set(list, m);
  }
  return m;
}

/** `Researcher 1` → `Researcher`, `Interviewer_2` → `Interviewer`; undefined without a number. */
export function unnumbered(label: string): string | undefined {
  const m = /^(.*?\S)[ _#-]*\d{1,3}$/u.exec(label);
  return m && /\p{L}$/u.test(m[1]!) ? m[1] : undefined;
}

/**
 * Decides whose speech a label is, in this order: `speakers.map` (the transcript's, then the
 * study's), the document's participant id, interviewer labels, generic participant labels, any
 * other participant's id (a group interview), then the same without a trailing number
 * (`Researcher 1`, `Interviewer 2`); anyone else is `other`. Labels compare without case or
 * accents.
 */
export function speakerClassifier(opts: SpeakerOptions): SpeakerClassifier {
  const rules = new SpeakerRules(opts);
  const classify = ((label: string) => rules.role(label)) as SpeakerClassifier;
  classify.info = (label) => rules.info(label);
  classify.known = (label) => rules.known(label);
  return classify;
}

// The usual answers, shared (a classifier is made per transcript: it should allocate little).
const IS_INTERVIEWER: SpeakerInfo = Object.freeze({ role: 'interviewer', rule: 'interviewer' });
const IS_PARTICIPANT: SpeakerInfo = Object.freeze({ role: 'participant', rule: 'participant' });
const IS_GENERIC: SpeakerInfo = Object.freeze({ role: 'participant', rule: 'label' });
const NUMBERED_INTERVIEWER: SpeakerInfo = Object.freeze({ role: 'interviewer', rule: 'numbered' });
const NUMBERED_PARTICIPANT: SpeakerInfo = Object.freeze({ role: 'participant', rule: 'numbered' });
const IS_UNKNOWN: SpeakerInfo = Object.freeze({ role: 'other', rule: 'unknown' });

class SpeakerRules {
  private readonly maps: Array<Map<string, SpeakerTarget>>;
  private readonly interviewers: ReadonlySet<string>;
  private readonly extra: string | undefined;
  private readonly generic: ReadonlySet<string>;
  private readonly self: string | undefined;
  private readonly ids: ReadonlyMap<string, string>;
  private readonly participant: string | undefined;
  private readonly cache = new Map<string, SpeakerInfo>();

  constructor(opts: SpeakerOptions) {
    this.maps = [];
    for (const m of opts.maps ?? []) if (m.size > 0) this.maps.push(new Map([...m].map(([k, v]) => [fold(k), v] as const)));
    this.interviewers = foldedSet(opts.interviewers);
    this.extra = opts.interviewer !== undefined ? fold(opts.interviewer) : undefined;
    this.generic = foldedSet(opts.participantLabels);
    this.participant = opts.participant;
    this.self = opts.participant !== undefined ? fold(opts.participant) : undefined;
    this.ids = opts.participantIds ? foldedIds(opts.participantIds) : NO_IDS;
  }

  role(label: string): SpeakerRole {
    return (this.cache.get(label) ?? this.info(label)).role;
  }

  known(label: string): boolean {
    if (label.length > MAX_LABEL || /[\n\r]/.test(label)) return false;
    return this.info(label).rule !== 'unknown';
  }

  info(label: string): SpeakerInfo {
    let v = this.cache.get(label);
    if (v === undefined) {
      v = this.decide(label);
      if (this.cache.size < 10_000) this.cache.set(label, v);
    }
    return v;
  }

  private decide(label: string): SpeakerInfo {
    const f = fold(label);
    const mapped = this.byName(f);
    if (mapped) return mapped;
    if (f === this.self) return IS_PARTICIPANT;
    const labelled = this.byLabel(f, false);
    if (labelled) return labelled;
    const id = this.ids.get(f);
    if (id !== undefined) return id === this.participant ? IS_PARTICIPANT : { role: 'participant', participant: id, rule: 'id' };
    const base = unnumbered(label);
    if (base !== undefined) {
      const fb = fold(base);
      const v = this.byName(fb) ?? this.byLabel(fb, true);
      if (v) return v;
    }
    return IS_UNKNOWN;
  }

  private byName(f: string): SpeakerInfo | undefined {
    for (const m of this.maps) {
      const t = m.get(f);
      if (t === undefined) continue;
      if (typeof t === 'string') return { role: t, rule: 'map' };
      return t.participant === this.participant ? { role: 'participant', rule: 'map' } : { role: 'participant', participant: t.participant, rule: 'map' };
    }
    return undefined;
  }

  private byLabel(f: string, numbered: boolean): SpeakerInfo | undefined {
    if (f === this.extra || this.interviewers.has(f)) return numbered ? NUMBERED_INTERVIEWER : IS_INTERVIEWER;
    if (this.generic.has(f)) return numbered ? NUMBERED_PARTICIPANT : IS_GENERIC;
    return undefined;
  }
}

/** Case- and accent-insensitive comparison key for labels ("Enquêtrice" = "enquetrice"). */
export function fold(s: string): string {
  let f = folded.get(s);
  if (f === undefined) {
    f = s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
    if (folded.size < 10_000) folded.set(ownCopy(s), f);
  }
  return f;
}
const folded = new Map<string, string>();
