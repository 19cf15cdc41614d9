import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { looksLikeLabel } from './labels.js';
import type { ParsedBody } from './parse-text.js';
import { SegmentList } from './segment-list.js';
import type { SpeakerRole } from './types.js';

/**
 * WebVTT and SRT captions as exported by Zoom and Teams. The speaker comes from a voice tag
 * (`<v Ana Lopez>text`, Teams) or a `Name: text` prefix (Zoom). Consecutive cues of one speaker
 * merge into one turn, which is one segment; its timestamp is the first cue's start.
 */
export function parseSubtitles(text: string, opts: { file: string; documentId: string; format: 'vtt' | 'srt'; classify: (label: string) => SpeakerRole }): ParsedBody {
  const diagnostics: Diagnostic[] = [];
  const segments = new SegmentList(opts.documentId, text);
  const speakers: string[] = [];
  const others = new Map<string, { line: number; turns: number }>();
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  // Offsets of line starts, for character offsets.
  const starts: number[] = [];
  for (let i = 0, off = 0; i < lines.length; i++) {
    starts.push(off);
    off += text.indexOf('\n', off) < 0 ? text.length - off : text.indexOf('\n', off) - off + 1;
  }
  let i = 0;
  if (opts.format === 'vtt') {
    if (!/^WEBVTT(\s|$)/.test(lines[0] ?? '')) {
      diagnostics.push(error(opts.file, 1, "a WebVTT file must start with the line 'WEBVTT'", 'check the file is a .vtt caption file; rename it .srt if it is SubRip'));
      return { segments, lineCount: lines.length, diagnostics };
    }
    while (i < lines.length && lines[i]!.trim() !== '') i++;
  }

  interface Turn { speaker: string | null; role: SpeakerRole; startLine: number; endLine: number; start: number; end: number; texts: string[]; timestamp: string }
  let cur: Turn | undefined;
  let turnIndex = -1;
  const flush = (): void => {
    if (!cur) return;
    const content = cur.texts.join(' ');
    segments.push(cur.speaker, cur.role, turnIndex, cur.startLine, cur.endLine, cur.start, cur.end, content, cur.timestamp);
    cur = undefined;
  };

  const TIMING = /^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})/;
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
    // Optional cue identifier (always present in SRT: the cue number).
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
    const cueStart = timing[1]!.replace(',', '.');
    i++;
    const textLines: number[] = [];
    while (i < lines.length && lines[i]!.trim() !== '') textLines.push(i++);
    if (textLines.length === 0) continue;
    // Speaker: voice tag, else "Name: " prefix on the first text line.
    let speaker: string | null = null;
    let cueText = textLines.map((k) => lines[k]!).join(' ');
    const voice = /<v(?:\.[^\s>]+)*\s+([^>]+)>/.exec(cueText);
    if (voice) speaker = voice[1]!.trim();
    cueText = cueText.replace(/<[^>]*>/g, '').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&nbsp;/g, ' ').trim();
    if (!speaker) {
      const m = /^([^:]{1,40}?)\s?:\s+/.exec(cueText);
      if (m && looksLikeLabel(m[1]!)) {
        speaker = m[1]!;
        cueText = cueText.slice(m[0].length);
      }
    }
    if (speaker === null && cur) speaker = cur.speaker;
    const firstLine = textLines[0]!;
    const lastLine = textLines[textLines.length - 1]!;
    if (cur && cur.speaker === speaker) {
      cur.texts.push(cueText);
      cur.endLine = lastLine + 1;
      cur.end = starts[lastLine]! + lines[lastLine]!.length;
    } else {
      flush();
      turnIndex++;
      const role: SpeakerRole = speaker === null ? 'participant' : opts.classify(speaker);
      if (speaker !== null && !speakers.includes(speaker)) speakers.push(speaker);
      if (speaker !== null && role === 'other') {
        const o = others.get(speaker);
        if (o) o.turns++;
        else others.set(speaker, { line: firstLine + 1, turns: 1 });
      }
      cur = {
        speaker,
        role,
        startLine: firstLine + 1,
        endLine: lastLine + 1,
        start: starts[firstLine]!,
        end: starts[lastLine]! + lines[lastLine]!.length,
        texts: [cueText],
        timestamp: normaliseCueTime(cueStart),
      };
    }
  }
  flush();
  for (const [label, o] of others) {
    diagnostics.push(
      warning(opts.file, o.line, `speaker '${label}' (${o.turns} turn${o.turns === 1 ? '' : 's'}) is neither an interviewer nor the participant`, 'list it under speakers.interviewers or speakers.participants in qualwave.yaml (Zoom and Teams use display names)'),
    );
  }
  if (speakers.length === 0 && segments.length > 0) {
    diagnostics.push(warning(opts.file, 1, 'no speaker names in the captions: all text is taken as the participant\'s speech', 'turn on speaker names in the Zoom/Teams transcript settings, or add "Name: " before each cue'));
  }
  return { segments, lineCount: lines.length, diagnostics };
}

function normaliseCueTime(t: string): string {
  const parts = t.split(':');
  if (parts.length === 2) parts.unshift('00');
  return parts.map((p, k) => (k < 2 ? p.padStart(2, '0') : p.padStart(6, '0'))).join(':');
}
