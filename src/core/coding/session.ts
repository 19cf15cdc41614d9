import type { Code, Codebook } from '../codebook/types.js';
import type { Document } from '../study/types.js';
import type { Segment } from '../transcript/types.js';
import type { Coding } from './types.js';

/**
 * An interactive coding session on one document, as a pure state machine: `press(state, key)`
 * returns the next state and whether the coder's codings changed (the caller saves them before it
 * redraws). The terminal front end is cli/tui; tests drive this directly and through a terminal.
 */
export type Key =
  | { type: 'char'; char: string }
  | { type: 'enter' }
  | { type: 'backspace' }
  | { type: 'escape' }
  | { type: 'up' }
  | { type: 'down' }
  | { type: 'left' }
  | { type: 'right' }
  | { type: 'quit' };

export type Prompt = { kind: 'number' | 'search' | 'memo' | 'jump' | 'define' | 'exemplar'; input: string };

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
  /** A panel shown until the next key: help or a code's definition. */
  panel?: { title: string; lines: string[] };
  message?: string;
  done: boolean;
}

export function startSession(doc: Document, codebook: Codebook, coder: string, codings: readonly Coding[], opts: { allSpeakers?: boolean; finished?: boolean } = {}): SessionState {
  const segments = doc.segments;
  const stops = segments.map((s, i) => (opts.allSpeakers || s.role === 'participant' ? i : -1)).filter((i) => i >= 0);
  const mine = codings.filter((c) => c.coder === coder && c.participant === doc.participant && c.wave === doc.wave);
  // Resume after the last segment this coder coded.
  let pos = 0;
  const lastLine = Math.max(0, ...mine.map((c) => c.endLine));
  if (lastLine > 0) {
    const next = stops.findIndex((i) => segments[i]!.startLine > lastLine);
    pos = next >= 0 ? next : Math.max(0, stops.length - 1);
  }
  return { doc, coder, codes: codebook.codes, stops, pos, codings: [...mine], undo: [], finished: opts.finished === true, done: stops.length === 0, ...(stops.length === 0 ? { message: 'nothing to code in this transcript' } : {}) };
}

export function currentSegment(s: SessionState): Segment | undefined {
  const i = s.stops[s.pos];
  return i === undefined ? undefined : s.doc.segments[i];
}

/** Codings of the current segment (those whose lines overlap it). */
export function appliedHere(s: SessionState): Coding[] {
  const seg = currentSegment(s);
  if (!seg) return [];
  return s.codings.filter((c) => c.startLine <= seg.endLine && c.endLine >= seg.startLine);
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

export const HELP = [
  'j, n, →, ↓, space   next segment          k, p, ←, ↑   previous segment',
  'g LINE ⏎            jump to the segment at a line',
  'NUMBER ⏎            add or remove code NUMBER on this segment',
  '/ or a TEXT ⏎       find a code by id or label; ⏎ adds or removes the first match',
  'e [N]               mark or unmark a code applied here as exemplar (N: its place in "applied")',
  'm [N] TEXT ⏎        write a memo on a code applied here',
  'd NUMBER ⏎          show a code: definition, include, exclude, examples',
  'f                   mark the transcript finished (read to the end: what you did not code',
  '                    here counts as "no code applies"); f again takes the mark off',
  'u                   undo the last change           ?   this help',
  'q, Ctrl-C           quit (every change is already saved)',
];

/** `changed`: the coder's codings changed; `finishedChanged`: the finished mark did (the caller saves either). */
type Result = { state: SessionState; changed: boolean; finishedChanged?: boolean };

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
  if (c === '?') return { state: { ...s, panel: { title: 'Keys', lines: HELP } }, changed: false };
  if (c === 'u') {
    const previous = s.undo[s.undo.length - 1];
    if (!previous) return { state: { ...s, message: 'nothing to undo' }, changed: false };
    return { state: { ...s, codings: previous, undo: s.undo.slice(0, -1), message: 'undone' }, changed: true };
  }
  if (/^[0-9]$/.test(c)) return { state: { ...s, prompt: { kind: 'number', input: c } }, changed: false };
  if (c === '/' || c === 'a') return { state: { ...s, prompt: { kind: 'search', input: '' } }, changed: false };
  if (c === 'g') return { state: { ...s, prompt: { kind: 'jump', input: '' } }, changed: false };
  if (c === 'd') return { state: { ...s, prompt: { kind: 'define', input: '' } }, changed: false };
  if (c === 'e' || c === 'm') {
    const here = appliedHere(s);
    if (here.length === 0) return { state: { ...s, message: 'no code applied to this segment yet' }, changed: false };
    if (c === 'e' && here.length === 1) return toggleExemplar(s, here[0]!);
    return { state: { ...s, prompt: { kind: c === 'e' ? 'exemplar' : 'memo', input: here.length === 1 ? '1 ' : '' } }, changed: false };
  }
  return { state: { ...s, message: `unknown key '${c}' (? for help)` }, changed: false };
}

function move(s: SessionState, by: number): Result {
  const pos = Math.min(Math.max(0, s.pos + by), s.stops.length - 1);
  const end = pos === s.pos ? (by > 0 ? (s.finished ? 'last segment' : 'last segment: press f (done) once you have read the whole transcript') : 'first segment') : undefined;
  return { state: { ...s, pos, ...(end ? { message: end } : {}) }, changed: false };
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
      const lines = [
        `${code.id}: ${code.label}`,
        ...(code.definition ? ['', `definition: ${code.definition}`] : []),
        ...(code.include ? [`include: ${code.include}`] : []),
        ...(code.exclude ? [`exclude: ${code.exclude}`] : []),
        ...(code.examples.length ? ['examples:', ...code.examples.map((e) => `  - ${e}`)] : []),
      ];
      return { state: { ...s, panel: { title: code.label, lines } }, changed: false };
    }
    case 'jump': {
      const line = Number(input);
      const segs = s.doc.segments;
      const at = s.stops.findIndex((i) => segs[i]!.endLine >= line);
      if (!Number.isInteger(line) || at < 0) return { state: { ...s, message: `no segment to code at line ${input}` }, changed: false };
      return { state: { ...s, pos: at }, changed: false };
    }
    case 'exemplar':
    case 'memo': {
      const m = /^(\d+)\s*(.*)$/.exec(input);
      const here = appliedHere(s);
      const target = m ? here[Number(m[1]) - 1] : here.length === 1 ? here[0] : undefined;
      if (!target) return { state: { ...s, message: `which code? give its place in the applied list (1-${here.length})` }, changed: false };
      if (prompt.kind === 'exemplar') return toggleExemplar(s, target);
      const memo = (m ? m[2]! : input).trim();
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
  const existing = s.codings.find((c) => c.code === code.id && c.startLine === seg.startLine && c.endLine === seg.endLine);
  if (existing) {
    return { state: { ...s, undo: [...s.undo, s.codings], codings: s.codings.filter((c) => c !== existing), message: `removed ${code.id}` }, changed: true };
  }
  const coding: Coding = { coder: s.coder, participant: s.doc.participant, wave: s.doc.wave, startLine: seg.startLine, endLine: seg.endLine, code: code.id, exemplar: false };
  return { state: { ...s, undo: [...s.undo, s.codings], codings: [...s.codings, coding], message: `added ${code.id}` }, changed: true };
}

function toggleExemplar(s: SessionState, target: Coding): Result {
  return replace(s, target, { ...target, exemplar: !target.exemplar }, target.exemplar ? `${target.code} is no longer an exemplar` : `${target.code} marked as exemplar`);
}

function replace(s: SessionState, target: Coding, next: Coding, message: string): Result {
  return { state: { ...s, undo: [...s.undo, s.codings], codings: s.codings.map((c) => (c === target ? next : c)), message }, changed: true };
}
