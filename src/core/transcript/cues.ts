import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { countWords } from '../text/words.js';
import type { ParsedBody } from './parse-text.js';
import { describeUnlabelled, unknownSpeaker } from './parse-text.js';
import { SegmentList } from './segment-list.js';
import { sentenceRanges } from './sentences.js';
import type { SegmentMode, SpeakerRole, UnlabelledRole } from './types.js';

/**
 * One timed piece of a caption file or a Whisper transcript: a WebVTT/SRT cue (or one speaker's
 * part of a cue), a Whisper segment (or one speaker's run of words in it).
 */
export interface Cue {
  /** Speaker as the file names them, or null when it names none (then the cue continues the speaker before). */
  speaker: string | null;
  /** 1-based lines of the cue's text in the document's text. */
  startLine: number;
  endLine: number;
  /** Offsets of the cue's text in the document's text. */
  start: number;
  end: number;
  text: string;
  timestamp?: string;
}

/** What every reader of a timed transcript (captions, Whisper JSON) is told about the study's speakers and segments. */
export interface SpeakerOptions {
  file: string;
  documentId: string;
  mode?: SegmentMode;
  classify: (label: string) => SpeakerRole;
  /** Labels nobody said who they are (warned about); default: every `other`. */
  isUnknown?: (label: string) => boolean;
  unlabelled?: UnlabelledRole;
  unlabelledExplicit?: boolean;
  unlabelledWhere?: string;
}

export interface CueOptions extends SpeakerOptions {
  /** The document's text, which the cues point into. */
  source: string;
  /** What the warnings say about where speaker names come from. */
  noSpeakersHint: string;
  lineCount: number;
}

/**
 * Segments from cues. `paragraph` (and `bullet`): consecutive cues of one speaker are one turn and
 * one segment, timed by its first cue; a file that names no speaker at all has no turns, so each
 * cue is its own segment. `line`: each cue. `sentence`: each sentence of a turn, spanning the
 * lines of the cues it runs over, timed by the cue it starts in.
 */
export function segmentCues(cues: readonly Cue[], opts: CueOptions): ParsedBody {
  const diagnostics: Diagnostic[] = [];
  const segments = new SegmentList(opts.documentId, opts.source, Math.max(16, cues.length));
  const unlabelled = opts.unlabelled ?? 'note';
  const unlabelledRole: SpeakerRole = unlabelled === 'none' ? 'note' : unlabelled;
  const named = cues.some((c) => c.speaker !== null);
  const mode = opts.mode ?? 'paragraph';
  const others = new Map<string, { line: number; turns: number }>();
  let skippedLines = 0;
  let skippedWords = 0;
  let firstNamed = 0;
  let unnamedBefore = 0;

  // Turns: runs of cues of one speaker (a cue naming nobody continues the speaker before it).
  interface Turn {
    speaker: string | null;
    role: SpeakerRole;
    cues: Cue[];
  }
  const turns: Turn[] = [];
  let speaker: string | null = null;
  for (const cue of cues) {
    if (cue.speaker !== null) {
      if (firstNamed === 0) firstNamed = cue.startLine;
      if (cue.speaker !== speaker || turns.length === 0) {
        speaker = cue.speaker;
        const role = opts.classify(speaker);
        turns.push({ speaker, role, cues: [] });
        if (role === 'other' && (opts.isUnknown === undefined || opts.isUnknown(speaker))) {
          const o = others.get(speaker);
          if (o) o.turns++;
          else others.set(speaker, { line: cue.startLine, turns: 1 });
        }
      }
    } else if (speaker === null) {
      if (unnamedBefore === 0) unnamedBefore = cue.startLine;
      if (turns.length === 0 || !named) turns.push({ speaker: null, role: unlabelledRole, cues: [] });
    }
    turns[turns.length - 1]!.cues.push(cue);
  }

  turns.forEach((t, turnIndex) => {
    if (t.speaker === null && unlabelled === 'none') {
      for (const c of t.cues) {
        skippedLines += c.endLine - c.startLine + 1;
        skippedWords += countWords(c.text);
      }
      return;
    }
    const push = (first: Cue, last: Cue, text: string, timestamp: string | undefined): void => {
      segments.push(t.speaker, t.role, turnIndex, first.startLine, last.endLine, first.start, last.end, text, timestamp);
    };
    if (mode === 'line') {
      for (const c of t.cues) push(c, c, c.text, c.timestamp);
      return;
    }
    // The turn's text: its cues joined with a space.
    let joined = '';
    const at: number[] = [];
    for (const c of t.cues) {
      if (joined !== '') joined += ' ';
      at.push(joined.length);
      joined += c.text;
    }
    if (mode !== 'sentence') {
      push(t.cues[0]!, t.cues[t.cues.length - 1]!, joined, t.cues[0]!.timestamp);
      return;
    }
    const cueAt = (offset: number): number => {
      let k = 0;
      while (k + 1 < at.length && at[k + 1]! <= offset) k++;
      return k;
    };
    for (const r of sentenceRanges(joined, 0, joined.length)) {
      const a = cueAt(r.start);
      const b = cueAt(r.end - 1);
      push(t.cues[a]!, t.cues[b]!, joined.slice(r.start, r.end), t.cues[a]!.timestamp);
    }
  });

  const where = opts.unlabelledWhere ?? 'qualwave.yaml (speakers.unlabelled)';
  if (!named && cues.length > 0 && !opts.unlabelledExplicit) {
    diagnostics.push(warning(opts.file, cues[0]!.startLine, `no speaker names: the text is taken as ${describeUnlabelled(unlabelled)}, not as anyone's speech`, `${opts.noSpeakersHint}; if it is all the participant speaking, set unlabelled: participant in ${where}`));
  } else if (named && unnamedBefore > 0 && unnamedBefore < firstNamed && !opts.unlabelledExplicit) {
    diagnostics.push(warning(opts.file, unnamedBefore, `text before the first speaker name (line ${firstNamed}) is taken as ${describeUnlabelled(unlabelled)}`, `say whose it is with unlabelled: (interviewer, participant, note or none) in ${where}`));
  }
  for (const [label, o] of others) diagnostics.push(unknownSpeaker(opts.file, label, o, '; Zoom, Teams and diarisation name speakers by display name or SPEAKER_00'));
  const out: ParsedBody = { segments, lineCount: opts.lineCount, diagnostics };
  if (skippedLines > 0) out.skipped = { lines: skippedLines, words: skippedWords };
  return out;
}
