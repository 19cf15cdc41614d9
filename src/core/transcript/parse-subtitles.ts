import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { segmentCues, type Cue, type SpeakerOptions } from './cues.js';
import { looksLikeLabel } from './labels.js';
import type { ParsedBody } from './parse-text.js';
import { SegmentList } from './segment-list.js';
import type { TranscriptSource } from './types.js';

export interface SubtitleOptions extends SpeakerOptions {
  format: 'vtt' | 'srt';
  isKnown?: (label: string) => boolean;
}

const TIMING = /^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})/;
/** A voice span: `<v Ana Lopez>` or `<v.loud Ana>` (Teams writes every cue so). */
const VOICE = /<v(?:\.[^\s>]+)*[ \t]+([^>]*)>/g;
/** `Name: text` at the start of a cue line, as Zoom writes speakers. */
const NAME_PREFIX = /^([^:<>]{1,40}?)[ \t]?:[ \t]+/;

/**
 * WebVTT and SRT captions as exported by Zoom and Teams. The speaker comes from a voice span
 * (`<v Ana Lopez>text</v>`, Teams) or a `Name: text` prefix (Zoom); a cue may hold several of
 * either (two speakers in one cue), and a cue that names nobody continues the speaker before it.
 * Cues are then cut into segments (see segmentCues): by default one speaker turn, timed by its
 * first cue, spanning the lines of its cues.
 */
export function parseSubtitles(text: string, opts: SubtitleOptions): ParsedBody & { source?: TranscriptSource } {
  const diagnostics: Diagnostic[] = [];
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  // Offsets of line starts, for character offsets.
  const starts: number[] = [];
  for (let i = 0, off = 0; i < lines.length; i++) {
    starts.push(off);
    const nl = text.indexOf('\n', off);
    off = nl < 0 ? text.length : nl + 1;
  }
  let i = 0;
  if (opts.format === 'vtt') {
    if (!/^(?:\ufeff)?WEBVTT(\s|$)/.test(lines[0] ?? '')) {
      diagnostics.push(error(opts.file, 1, "a WebVTT file must start with the line 'WEBVTT'", 'check the file is a .vtt caption file; rename it .srt if it is SubRip'));
      return { segments: new SegmentList(opts.documentId, text), lineCount: lines.length, diagnostics };
    }
    while (i < lines.length && lines[i]!.trim() !== '') i++;
  }

  const cues: Cue[] = [];
  let voices = 0;
  let prefixes = 0;
  const isName = (name: string): boolean => looksLikeLabel(name) || opts.isKnown?.(name) === true;
  while (i < lines.length) {
    // Skip blank lines between blocks.
    while (i < lines.length && lines[i]!.trim() === '') i++;
    if (i >= lines.length) break;
    const blockStart = i;
    const first = lines[i]!;
    if (opts.format === 'vtt' && /^(NOTE|STYLE|REGION)(\s|$)/.test(first)) {
      while (i < lines.length && lines[i]!.trim() !== '') i++;
      continue;
    }
    // Optional cue identifier (always present in SRT: the cue number; Teams: a GUID).
    let timing = TIMING.exec(first);
    if (!timing) {
      i++;
      timing = i < lines.length ? TIMING.exec(lines[i]!) : null;
    }
    if (!timing) {
      diagnostics.push(error(opts.file, blockStart + 1, `expected a cue timing line like '00:00:01.000 --> 00:00:04.000'`, 'check the caption file is complete; blocks are separated by one blank line'));
      while (i < lines.length && lines[i]!.trim() !== '') i++;
      continue;
    }
    const timestamp = normaliseCueTime(timing[1]!.replace(',', '.'));
    i++;
    // The cue's text lines, each split at voice spans and Name: prefixes into speakers' parts.
    let part: Cue | undefined;
    const flush = (): void => {
      if (part && part.text !== '') cues.push(part);
      part = undefined;
    };
    let voice: string | null = null;
    while (i < lines.length && lines[i]!.trim() !== '') {
      const k = i++;
      const raw = lines[k]!;
      const pieces: Array<{ voice: string | null; text: string }> = [];
      VOICE.lastIndex = 0;
      let m: RegExpExecArray | null;
      let last = 0;
      while ((m = VOICE.exec(raw)) !== null) {
        pieces.push({ voice, text: raw.slice(last, m.index) });
        voice = decode(m[1]!).replace(/\s+/g, ' ').trim() || null;
        voices++;
        last = m.index + m[0].length;
      }
      pieces.push({ voice, text: raw.slice(last) });
      for (const piece of pieces) {
        let t = decode(piece.text.replace(/<[^>]*>/g, ''))
          .replace(/\s+/g, ' ')
          .trim();
        if (t === '') continue;
        let speaker = piece.voice;
        if (speaker === null) {
          const nm = NAME_PREFIX.exec(t);
          if (nm && isName(nm[1]!.trim())) {
            speaker = nm[1]!.trim();
            t = t.slice(nm[0].length);
            prefixes++;
          }
        }
        if (part === undefined || (speaker !== null && speaker !== part.speaker)) {
          flush();
          part = { speaker, startLine: k + 1, endLine: k + 1, start: starts[k]!, end: starts[k]! + raw.length, text: '', timestamp };
        }
        part.text = part.text === '' ? t : `${part.text} ${t}`;
        part.endLine = k + 1;
        part.end = starts[k]! + raw.length;
      }
    }
    flush();
  }
  const body = segmentCues(cues, {
    ...opts,
    source: text,
    noSpeakersHint: 'turn on speaker names in the Zoom/Teams transcript settings, or add "Name: " before each cue',
    lineCount: lines.length,
  });
  body.diagnostics.unshift(...diagnostics);
  return voices > prefixes ? { ...body, source: 'teams' } : prefixes > 0 ? { ...body, source: 'zoom' } : body;
}

function decode(s: string): string {
  return s.replace(/&(amp|lt|gt|nbsp|quot|apos|lrm|rlm|#\d+|#x[0-9a-fA-F]+);/g, (whole, name: string) => {
    switch (name) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'nbsp':
        return ' ';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      case 'lrm':
      case 'rlm':
        return '';
    }
    const code = name.startsWith('#x') ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function normaliseCueTime(t: string): string {
  const parts = t.split(':');
  if (parts.length === 2) parts.unshift('00');
  return parts.map((p, k) => (k < 2 ? p.padStart(2, '0') : p.padStart(6, '0'))).join(':');
}
