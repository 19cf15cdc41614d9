import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { segmentCues, type Cue, type SpeakerOptions } from './cues.js';
import type { ParsedBody } from './parse-text.js';
import { SegmentList } from './segment-list.js';
import type { TranscriptSource } from './types.js';

export type JsonOptions = SpeakerOptions;

export interface ParsedJson extends ParsedBody {
  /** Whisper, or WhisperX (speakers from diarisation, words aligned); undefined when not a transcript. */
  source?: TranscriptSource;
  /** Not a transcript at all (no `segments` list): skip the file rather than fail the study. */
  notTranscript?: boolean;
}

interface Word {
  word?: unknown;
  start?: unknown;
  speaker?: unknown;
}

/**
 * Whisper (`openai/whisper`, `--output_format json`) and WhisperX JSON: an object whose
 * `segments` list holds `{ start, end, text }` (seconds, text usually with a leading space), with
 * `speaker` (`SPEAKER_00`) on segments and words when diarised, and `words` (`{ word, start, end,
 * score|probability, speaker }`) when aligned. A segment whose words change speaker is split at
 * the first word of each speaker's run, so a turn boundary inside a Whisper segment is kept.
 *
 * The file is one line of JSON, so qualwave reads it as a text of its own, one line per Whisper
 * segment (or speaker run): `[00:00:12.340] SPEAKER_00: text`. That text is the document's:
 * `file:line` for a .json means that line, codings and exports use it.
 */
export function parseWhisperJson(raw: string, opts: JsonOptions): ParsedJson {
  const empty = (diagnostics: Diagnostic[], extra: Partial<ParsedJson> = {}): ParsedJson => ({ segments: new SegmentList(opts.documentId, ''), lineCount: 0, diagnostics, ...extra });
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (e) {
    const message = (e as Error).message;
    const at = /position (\d+)/.exec(message);
    const pos = at ? lineColumn(raw, Number(at[1])) : undefined;
    return empty([error(opts.file, pos?.line, `not valid JSON: ${message.split('\n')[0]}`, 'a .json transcript is the JSON file Whisper or WhisperX wrote; check it is complete (not cut off while copying)', pos?.column)]);
  }
  const segs = isObject(data) && Array.isArray(data['segments']) ? (data['segments'] as unknown[]) : undefined;
  if (!segs) {
    return empty([warning(opts.file, undefined, "skipped: not a Whisper or WhisperX transcript (no 'segments' list)", 'only Whisper/WhisperX JSON is read as a transcript; narrow transcripts.paths if this file is something else')], { notTranscript: true });
  }
  const diagnostics: Diagnostic[] = [];
  let diarised = false;
  let aligned = false;
  let whisperOnly = false;
  const lines: string[] = [];
  const cues: Cue[] = [];
  let offset = 0;
  const add = (speaker: string | null, text: string, seconds: number | undefined): void => {
    const t = text.replace(/\s+/g, ' ').trim();
    if (t === '') return;
    const timestamp = seconds === undefined ? undefined : clock(seconds);
    const prefix = `${timestamp !== undefined ? `[${timestamp}] ` : ''}${speaker !== null ? `${speaker}: ` : ''}`;
    const line = prefix + t;
    const cue: Cue = { speaker, startLine: lines.length + 1, endLine: lines.length + 1, start: offset + prefix.length, end: offset + line.length, text: t };
    if (timestamp !== undefined) cue.timestamp = timestamp;
    cues.push(cue);
    lines.push(line);
    offset += line.length + 1;
  };
  segs.forEach((seg, k) => {
    if (!isObject(seg) || typeof seg['text'] !== 'string') {
      diagnostics.push(error(opts.file, undefined, `segment ${k + 1} has no 'text'`, 'the file does not look like Whisper output; export it again'));
      return;
    }
    if ('tokens' in seg || 'avg_logprob' in seg) whisperOnly = true;
    const text = seg['text'];
    const start = finite(seg['start']);
    const segSpeaker = name(seg['speaker']);
    if (segSpeaker !== null) diarised = true;
    const words = Array.isArray(seg['words']) ? (seg['words'] as Word[]).filter(isObject) : [];
    if (words.length > 0) aligned = true;
    const runs = speakerRuns(text, words);
    if (runs.length > 1 || (runs.length === 1 && runs[0]!.speaker !== null)) diarised = true;
    if (runs.length === 0) add(segSpeaker, text, start);
    else runs.forEach((r, i) => add(r.speaker ?? segSpeaker, text.slice(r.from, r.to), i === 0 ? (start ?? r.start) : (r.start ?? start)));
  });
  const source: TranscriptSource = diarised || (aligned && !whisperOnly) ? 'whisperx' : 'whisper';
  const virtual = lines.length > 0 ? lines.join('\n') + '\n' : '';
  const body = segmentCues(cues, {
    ...opts,
    source: virtual,
    noSpeakersHint: 'Whisper alone does not tell speakers apart: run WhisperX with --diarize',
    lineCount: lines.length + 1,
  });
  body.diagnostics.unshift(...diagnostics);
  return { ...body, text: virtual, source };
}

/**
 * Where the speaker changes inside a segment, from its words' `speaker`: the segment's text cut
 * at the first word of each run. Words are found in the text in order; when one cannot be found
 * (the words do not spell the text), the segment is not split. Empty when no word names a speaker.
 */
function speakerRuns(text: string, words: readonly Word[]): Array<{ speaker: string | null; from: number; to: number; start?: number }> {
  if (!words.some((w) => name(w.speaker) !== null)) return [];
  const runs: Array<{ speaker: string | null; from: number; to: number; start?: number }> = [];
  let cursor = 0;
  let current: string | null = null;
  for (const w of words) {
    const token = typeof w.word === 'string' ? w.word.trim() : '';
    if (token === '') continue;
    const at = text.indexOf(token, cursor);
    if (at < 0) return [];
    const speaker = name(w.speaker);
    if (runs.length === 0) {
      current = speaker;
      const run: { speaker: string | null; from: number; to: number; start?: number } = { speaker, from: 0, to: text.length };
      const s = finite(w.start);
      if (s !== undefined) run.start = s;
      runs.push(run);
    } else if (speaker !== null && speaker !== current) {
      runs[runs.length - 1]!.to = at;
      const run: { speaker: string | null; from: number; to: number; start?: number } = { speaker, from: at, to: text.length };
      const s = finite(w.start);
      if (s !== undefined) run.start = s;
      runs.push(run);
      current = speaker;
    } else if (current === null && speaker !== null) {
      runs[runs.length - 1]!.speaker = speaker;
      current = speaker;
    }
    cursor = at + token.length;
  }
  return runs;
}

/** Seconds as `hh:mm:ss.mmm`. */
export function clock(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const f = ms % 1000;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(f).padStart(3, '0')}`;
}

function name(v: unknown): string | null {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const s = String(v).replace(/\s+/g, ' ').trim();
  return s === '' ? null : s;
}

function finite(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function lineColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, column: pos - last };
}
