import type { Code, Codebook } from '../codebook/types.js';
import type { Document } from '../study/types.js';
import type { Segment } from '../transcript/types.js';
import { CODE_ID } from '../codebook/parse.js';
import { findText } from './place.js';
import { exactText, formatSpan, hasColumns, lineIndexOf, touchedSegments, type SpanFields } from './span.js';
import { spanOf, type Coding } from './types.js';

/**
 * An interactive coding session on one document, as a pure state machine: `press(state, key)`
 * returns the next state and whether the coder's codings changed (the caller saves them before it
 * redraws). The terminal front end is cli/tui; tests drive this directly and through a terminal.
 */
export type Key = { type: 'char'; char: string } | { type: 'enter' } | { type: 'backspace' } | { type: 'escape' } | { type: 'up' } | { type: 'down' } | { type: 'left' } | { type: 'right' } | { type: 'quit' };

export type Prompt = { kind: 'number' | 'search' | 'memo' | 'jump' | 'define' | 'exemplar' | 'sentences' | 'words' | 'create'; input: string };

/** A code the coder asked for that is not in the codebook yet: the caller adds it to a codebook file, then calls `codeCreated`. */
export interface NewCode {
  id: string;
  label: string;
  parent?: string;
}

/** A suggestion shown for a segment (qualwave suggest): a code and its score (the model's probability). */
export interface Hint {
  code: string;
  score: number;
}

export interface SessionState {
  doc: Document;
  coder: string;
  /** Codes in codebook order; code number N is codes[N-1]. */
  codes: Code[];
  /** Segments the coder steps through (participant speech unless all speakers were asked for). */
  stops: number[];
  /** Position in `stops`. */
  pos: number;
  /** This coder's codings of this document. */
  codings: Coding[];
  undo: Coding[][];
  /** The coder marked this transcript finished (read to the end: uncoded text means no code applies). */
  finished: boolean;
  prompt?: Prompt;
  /**
   * Part of the current segment the next code goes to (UTF-16 offsets [start, end) in the
   * document's text), chosen by sentences or by a phrase; undefined: the whole segment.
   */
  selection?: { start: number; end: number; what: string };
  /** Suggestions by segment index (best first), shown for the current segment; `y` applies the first not applied yet. */
  hints?: ReadonlyMap<number, readonly Hint[]>;
  /** The segments are visited most uncertain first (not in the order of the text). */
  ordered?: boolean;
  /** A panel shown until the next key: help or a code's definition. */
  panel?: { title: string; lines: string[]; keys?: ReadonlyArray<readonly [string, string]> };
  message?: string;
  done: boolean;
}

/**
 * `order`: segment indices, the order to visit them in (most uncertain first, core/learn); the
 * session then starts at the first of them the coder has not coded. Without it, the text's order,
 * resuming after the last segment coded.
 */
export function startSession(doc: Document, codebook: Codebook, coder: string, codings: readonly Coding[], opts: { allSpeakers?: boolean; finished?: boolean; hints?: ReadonlyMap<number, readonly Hint[]>; order?: readonly number[] } = {}): SessionState {
  const segments = doc.segments;
  const allowed = (i: number): boolean => opts.allSpeakers === true || segments[i]?.role === 'participant';
  const inText = segments.map((_, i) => i).filter(allowed);
  // Ordered: the given order first, then any allowed segment it left out, in the text's order.
  const stops = opts.order ? [...new Set([...opts.order.filter(allowed), ...inText])] : inText;
  const mine = codings.filter((c) => c.coder === coder && c.participant === doc.participant && c.wave === doc.wave);
  let pos = 0;
  const lastLine = Math.max(0, ...mine.map((c) => c.endLine));
  if (opts.order) {
    const coded = new Set<number>();
    for (const c of mine) {
      const [lo, hi] = touchedSegments(doc, c);
      for (let i = lo; i < hi; i++) coded.add(i);
    }
    pos = Math.max(
      0,
      stops.findIndex((i) => !coded.has(i)),
    );
  } else if (lastLine > 0) {
    // Resume after the last segment this coder coded.
    const next = stops.findIndex((i) => segments[i]!.startLine > lastLine);
    pos = next >= 0 ? next : Math.max(0, stops.length - 1);
  }
  return { doc, coder, codes: codebook.codes, stops, pos, codings: [...mine], undo: [], finished: opts.finished === true, done: stops.length === 0, ...(opts.hints ? { hints: opts.hints } : {}), ...(opts.order ? { ordered: true } : {}), ...(stops.length === 0 ? { message: 'nothing to code in this transcript' } : {}) };
}

/** The hints of the current segment, best first, each with whether the coder has applied it here. */
export function hintsHere(s: SessionState): Array<Hint & { applied: boolean }> {
  const i = s.stops[s.pos];
  const list = i === undefined ? undefined : s.hints?.get(i);
  if (!list) return [];
  const applied = new Set(appliedHere(s).map((c) => c.code));
  return list.map((h) => ({ ...h, applied: applied.has(h.code) }));
}

export function currentSegment(s: SessionState): Segment | undefined {
  const i = s.stops[s.pos];
  return i === undefined ? undefined : s.doc.segments[i];
}

/** Codings of the current segment (those whose span touches it). */
export function appliedHere(s: SessionState): Coding[] {
  const seg = currentSegment(s);
  if (!seg) return [];
  return s.codings.filter((c) => {
    const [lo, hi] = touchedSegments(s.doc, c);
    return seg.index >= lo && seg.index < hi;
  });
}

/** The sentences of the current segment, as UTF-16 ranges of the document's text (a sentence ends at . ! ? or … and the quotes or brackets after it). */
export function sentencesHere(s: SessionState): Array<{ start: number; end: number }> {
  const seg = currentSegment(s);
  if (!seg) return [];
  const text = s.doc.segmentList.sourceTextValue;
  const out: Array<{ start: number; end: number }> = [];
  const END = /[.!?\u2026]+["'\u201d\u2019)\]]*(?=\s|$)/gu;
  const body = text.slice(seg.start, seg.end);
  let from = 0;
  for (const m of body.matchAll(END)) {
    const to = m.index + m[0].length;
    push(from, to);
    from = to;
  }
  push(from, body.length);
  return out;
  function push(a: number, b: number): void {
    while (a < b && /\s/u.test(body[a]!)) a++;
    while (b > a && /\s/u.test(body[b - 1]!)) b--;
    if (b > a) out.push({ start: seg!.start + a, end: seg!.start + b });
  }
}

/** The exact span of a selection, as a coding stores it. */
export function selectionSpan(s: SessionState, sel: { start: number; end: number }): SpanFields | undefined {
  return lineIndexOf(s.doc).spanOf(sel.start, sel.end);
}

/** The text of a selection as the screen shows it. */
export function selectionText(s: SessionState): string | undefined {
  return s.selection ? exactText(s.doc.segmentList.sourceTextValue, s.selection.start, s.selection.end) : undefined;
}

/**
 * Codes matching what the coder typed, best first: codes whose id or label contains every typed
 * word, then (fuzzy) codes whose id holds the typed letters in order ("sprsp" finds support.respite).
 */
export function searchCodes(codes: readonly Code[], query: string): Code[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const scored: Array<[Code, number]> = [];
  const letters = words.join('');
  for (const c of codes) {
    const hay = `${c.id} ${c.label}`.toLowerCase();
    if (words.every((w) => hay.includes(w))) {
      scored.push([c, (c.id.toLowerCase().startsWith(words[0]!) ? 0 : 1) + (c.label.toLowerCase().startsWith(words[0]!) ? 0 : 1)]);
    } else {
      const span = inOrder(letters, c.id.toLowerCase());
      if (span > 0) scored.push([c, 3 + span / 1000]);
    }
  }
  return scored.sort((a, b) => a[1] - b[1] || codes.indexOf(a[0]) - codes.indexOf(b[0])).map(([c]) => c);
}

/** How far into `text` the letters are found in order (a tighter match is better), or 0. */
function inOrder(letters: string, text: string): number {
  let k = 0;
  let i = 0;
  for (; i < text.length && k < letters.length; i++) if (text[i] === letters[k]) k++;
  return k === letters.length ? i : 0;
}

/** The `?` screen: each key (or key sequence) and what it does, shown in two aligned columns. */
export const HELP: ReadonlyArray<readonly [string, string]> = [
  ['j n → ↓ space', 'next segment'],
  ['k p ← ↑', 'previous segment'],
  ['g LINE ⏎', 'jump to the segment at a line'],
  ['NUMBER ⏎', 'add or remove code NUMBER on this segment (or on the selected part)'],
  ['/ or a TEXT ⏎', 'find a code by id or label; ⏎ adds or removes the first match'],
  ['s N[-M] ⏎', 'select sentence N (or N to M) of this segment: the next code marks only them'],
  ['w WORDS ⏎', 'select a phrase of this segment by typing a few of its words'],
  ['x', 'back to the whole segment'],
  ['c ID LABEL ⏎', 'create code ID (a sub-code when ID is PARENT.NAME) and apply it here'],
  ['e [N]', 'mark or unmark a code applied here as exemplar (N: its place in "applied", when several are)'],
  ['m [N] TEXT ⏎', 'write a memo on the code applied here (N: its place in "applied", when several are); empty removes it'],
  ['d NUMBER ⏎', 'show a code: definition, include, exclude, examples'],
  ['f', 'mark the transcript finished (read to the end: what you did not code here counts as "no code applies"); f again takes the mark off'],
  ['y', 'accept the first hint not applied yet (with --hints): your coding, as if typed'],
  ['u', 'undo the last change'],
  ['?', 'this help'],
  ['q Ctrl-C', 'quit (every change is already saved)'],
];

/**
 * `changed`: the coder's codings changed; `finishedChanged`: the finished mark did (the caller
 * saves either); `create`: a new code to add to the codebook (then `codeCreated`).
 */
type Result = { state: SessionState; changed: boolean; finishedChanged?: boolean; create?: NewCode };

/** Once the caller has added the code to the codebook: the session knows it, and applies it to the current selection. */
export function codeCreated(state: SessionState, codes: Code[], id: string): Result {
  const code = codes.find((c) => c.id === id);
  const s = { ...state, codes };
  if (!code) return { state: { ...s, message: `code ${id} was not added` }, changed: false };
  const r = toggle(s, code);
  return { ...r, state: { ...r.state, message: `created ${id} and ${r.state.message ?? ''}`.trim() } };
}

export function press(state: SessionState, key: Key): Result {
  const s: SessionState = { ...state };
  delete s.message;
  if (s.panel) {
    delete s.panel;
    if (key.type !== 'quit') return { state: s, changed: false };
  }
  if (key.type === 'quit') return { state: { ...s, done: true }, changed: false };
  if (s.prompt) return promptKey(s, s.prompt, key);
  switch (key.type) {
    case 'right':
    case 'down':
      return move(s, 1);
    case 'left':
    case 'up':
      return move(s, -1);
    case 'char':
      break;
    default:
      return { state: s, changed: false };
  }
  const c = key.char;
  if (c === 'j' || c === 'n' || c === ' ') return move(s, 1);
  if (c === 'k' || c === 'p') return move(s, -1);
  if (c === 'q') return { state: { ...s, done: true }, changed: false };
  if (c === 'f') {
    const finished = !s.finished;
    return { state: { ...s, finished, message: finished ? 'transcript marked finished: what you did not code here counts as "no code applies"' : 'finished mark taken off: this transcript counts as not yet coded to the end' }, changed: false, finishedChanged: true };
  }
  if (c === 'y') {
    if (!s.hints) return { state: { ...s, message: 'no hints in this session (qualwave code ... --hints)' }, changed: false };
    const next = hintsHere(s).find((h) => !h.applied);
    const code = next && s.codes.find((x) => x.id === next.code);
    if (!next) return { state: { ...s, message: hintsHere(s).length ? 'every hint here is applied' : 'no hint for this segment' }, changed: false };
    if (!code) return { state: { ...s, message: `hint ${next.code} is not in the codebook` }, changed: false };
    return toggle(s, code);
  }
  if (c === '?') return { state: { ...s, panel: { title: 'Keys', lines: [], keys: HELP } }, changed: false };
  if (c === 'u') {
    const previous = s.undo[s.undo.length - 1];
    if (!previous) return { state: { ...s, message: 'nothing to undo' }, changed: false };
    return { state: { ...s, codings: previous, undo: s.undo.slice(0, -1), message: 'undone' }, changed: true };
  }
  if (/^[0-9]$/.test(c)) return { state: { ...s, prompt: { kind: 'number', input: c } }, changed: false };
  if (c === '/' || c === 'a') return { state: { ...s, prompt: { kind: 'search', input: '' } }, changed: false };
  if (c === 'g') return { state: { ...s, prompt: { kind: 'jump', input: '' } }, changed: false };
  if (c === 'd') return { state: { ...s, prompt: { kind: 'define', input: '' } }, changed: false };
  if (c === 's') {
    const n = sentencesHere(s).length;
    if (n === 0) return { state: { ...s, message: 'no sentence here' }, changed: false };
    return { state: { ...s, prompt: { kind: 'sentences', input: '' }, message: `${n} sentence${n === 1 ? '' : 's'}: type N or N-M` }, changed: false };
  }
  if (c === 'w') return { state: { ...s, prompt: { kind: 'words', input: '' } }, changed: false };
  if (c === 'c') return { state: { ...s, prompt: { kind: 'create', input: '' } }, changed: false };
  if (c === 'x') {
    const { selection: _sel, ...rest } = s;
    return { state: { ...rest, message: 'whole segment selected' }, changed: false };
  }
  if (c === 'e' || c === 'm') {
    const here = appliedHere(s);
    if (here.length === 0) return { state: { ...s, message: 'no code applied to this segment yet' }, changed: false };
    if (c === 'e' && here.length === 1) return toggleExemplar(s, here[0]!);
    // Never pre-filled: with one code applied everything typed is the memo (a number typed first
    // used to follow a pre-filled "1 " and end up in the memo); with several, N first says which.
    return { state: { ...s, prompt: { kind: c === 'e' ? 'exemplar' : 'memo', input: '' } }, changed: false };
  }
  return { state: { ...s, message: `unknown key '${c}' (? for help)` }, changed: false };
}

function move(s: SessionState, by: number): Result {
  const pos = Math.min(Math.max(0, s.pos + by), s.stops.length - 1);
  const end = pos === s.pos ? (by > 0 ? (s.finished ? 'last segment' : 'last segment: press f (done) once you have read the whole transcript') : 'first segment') : undefined;
  const { selection: _sel, ...rest } = s;
  return { state: { ...(pos === s.pos ? s : rest), pos, ...(end ? { message: end } : {}) }, changed: false };
}

function promptKey(s: SessionState, prompt: Prompt, key: Key): Result {
  if (key.type === 'escape') {
    delete s.prompt;
    return { state: s, changed: false };
  }
  if (key.type === 'backspace') return { state: { ...s, prompt: { ...prompt, input: prompt.input.slice(0, -1) } }, changed: false };
  if (key.type === 'char') return { state: { ...s, prompt: { ...prompt, input: prompt.input + key.char } }, changed: false };
  if (key.type !== 'enter') return { state: s, changed: false };
  delete s.prompt;
  const input = prompt.input.trim();
  switch (prompt.kind) {
    case 'number': {
      const code = s.codes[Number(input) - 1];
      return code ? toggle(s, code) : { state: { ...s, message: `no code number ${input} (1-${s.codes.length})` }, changed: false };
    }
    case 'search': {
      const found = searchCodes(s.codes, input)[0];
      return found ? toggle(s, found) : { state: { ...s, message: `no code matches '${input}'` }, changed: false };
    }
    case 'define': {
      const code = s.codes[Number(input) - 1] ?? searchCodes(s.codes, input)[0];
      if (!code) return { state: { ...s, message: `no code '${input}'` }, changed: false };
      const lines = [`${code.id}: ${code.label}`, ...(code.definition ? ['', `definition: ${code.definition}`] : []), ...(code.include ? [`include: ${code.include}`] : []), ...(code.exclude ? [`exclude: ${code.exclude}`] : []), ...(code.examples.length ? ['examples:', ...code.examples.map((e) => `  - ${e}`)] : [])];
      return { state: { ...s, panel: { title: code.label, lines } }, changed: false };
    }
    case 'jump': {
      const line = Number(input);
      const segs = s.doc.segments;
      const at = s.stops.findIndex((i) => segs[i]!.endLine >= line);
      if (!Number.isInteger(line) || at < 0) return { state: { ...s, message: `no segment to code at line ${input}` }, changed: false };
      const { selection: _sel, ...rest } = s;
      return { state: { ...rest, pos: at }, changed: false };
    }
    case 'sentences': {
      const all = sentencesHere(s);
      const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(input);
      const a = m ? Number(m[1]) : NaN;
      const b = m?.[2] !== undefined ? Number(m[2]) : a;
      if (!m || a < 1 || b < a || b > all.length) return { state: { ...s, message: `no sentence ${input || '?'} here (1-${all.length})` }, changed: false };
      const selection = { start: all[a - 1]!.start, end: all[b - 1]!.end, what: a === b ? `sentence ${a} of ${all.length}` : `sentences ${a}-${b} of ${all.length}` };
      return { state: { ...s, selection, message: `${selection.what} selected: the next code marks only that (x: whole segment)` }, changed: false };
    }
    case 'words': {
      const seg = currentSegment(s);
      if (!seg || !input) return { state: s, changed: false };
      const found = findText(s.doc.segmentList.sourceTextValue, input, seg.start, seg.end);
      if (found.length === 0) return { state: { ...s, message: `"${input}" is not in this segment` }, changed: false };
      if (found.length > 1) return { state: { ...s, message: `"${input}" occurs ${found.length} times in this segment: type more of the words (w)` }, changed: false };
      const selection = { start: found[0]!.start, end: found[0]!.end, what: 'a phrase' };
      return { state: { ...s, selection, message: 'phrase selected: the next code marks only that (x: whole segment)' }, changed: false };
    }
    case 'create': {
      const m = /^(\S+)\s+(.+)$/.exec(input);
      if (!m) return { state: { ...s, message: "type the new code's id and its label, e.g. support.gym Time at the gym" }, changed: false };
      const id = m[1]!.normalize('NFC');
      const label = m[2]!.trim();
      if (!CODE_ID.test(id)) return { state: { ...s, message: `'${id}' is not a valid code id: letters, digits, "_", "-" and "." only, starting with a letter` }, changed: false };
      const existing = s.codes.find((c) => c.id === id);
      if (existing) return toggle(s, existing);
      const dot = id.lastIndexOf('.');
      const parent = dot > 0 && s.codes.some((c) => c.id === id.slice(0, dot)) ? id.slice(0, dot) : undefined;
      return { state: s, changed: false, create: { id, label, ...(parent ? { parent } : {}) } };
    }
    case 'exemplar':
    case 'memo': {
      const here = appliedHere(s);
      // One code applied: the whole input is the memo. Several: "N TEXT", N its place in "applied".
      const m = here.length === 1 ? undefined : /^(\d+)(?:\s+([\s\S]*))?$/.exec(input.trim());
      const target = here.length === 1 ? here[0] : m ? here[Number(m[1]) - 1] : undefined;
      if (!target) return { state: { ...s, message: `which code? give its place in the applied list (1-${here.length}) first` }, changed: false };
      if (prompt.kind === 'exemplar') return toggleExemplar(s, target);
      const memo = (m ? (m[2] ?? '') : input).trim();
      return replace(s, target, memo ? { ...target, memo } : withoutMemo(target), memo ? 'memo saved' : 'memo removed');
    }
  }
}

function withoutMemo(c: Coding): Coding {
  const { memo: _memo, ...rest } = c;
  return rest;
}

function toggle(s: SessionState, code: Code): Result {
  const seg = currentSegment(s);
  if (!seg) return { state: s, changed: false };
  const span: SpanFields | undefined = s.selection ? selectionSpan(s, s.selection) : { startLine: seg.startLine, endLine: seg.endLine };
  if (!span) return { state: { ...s, message: 'the selection starts or ends on a line break: select again' }, changed: false };
  const key = formatSpan(span);
  const where = s.selection ? ` at ${key}` : '';
  const existing = s.codings.find((c) => c.code === code.id && formatSpan(c) === key && hasColumns(c) === hasColumns(span));
  if (existing) {
    return { state: { ...s, undo: [...s.undo, s.codings], codings: s.codings.filter((c) => c !== existing), message: `removed ${code.id}${where}` }, changed: true };
  }
  const coding: Coding = { coder: s.coder, participant: s.doc.participant, wave: s.doc.wave, ...spanOf(span), code: code.id, exemplar: false };
  return { state: { ...s, undo: [...s.undo, s.codings], codings: [...s.codings, coding], message: `added ${code.id}${where}` }, changed: true };
}

function toggleExemplar(s: SessionState, target: Coding): Result {
  return replace(s, target, { ...target, exemplar: !target.exemplar }, target.exemplar ? `${target.code} is no longer an exemplar` : `${target.code} marked as exemplar`);
}

function replace(s: SessionState, target: Coding, next: Coding, message: string): Result {
  return { state: { ...s, undo: [...s.undo, s.codings], codings: s.codings.map((c) => (c === target ? next : c)), message }, changed: true };
}
