import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { countWords } from '../text/words.js';
import { readInlineHeader, readLineHead, type ColonScan } from './labels.js';
import { isSpace, paragraphText } from './paragraph.js';
import { SegmentList } from './segment-list.js';
import { splitSentences } from './sentences.js';
import type { SegmentMode, SpeakerRole, UnlabelledRole } from './types.js';

export interface BodyOptions {
  file: string;
  /** Prefix of segment ids, e.g. `MS07/post`. */
  documentId: string;
  /** Offset in `text` where the body starts (after front matter). */
  start: number;
  /** 1-based line number of the line at `start`. */
  firstLine: number;
  classify: (label: string) => SpeakerRole;
  /** Labels nobody said who they are (warned about); default: every `other`. */
  isUnknown?: (label: string) => boolean;
  /** Labels that do not look like names but are known (a participant id in lower case, a speakers.map key). */
  isKnown?: (label: string) => boolean;
  /** Markdown: `#` headings are not speech; bold labels are recognised. */
  markdown?: boolean;
  /** Turn headers may have the turn's text after them on the same line (Word documents). */
  inlineHeaders?: boolean;
  /** How to cut the text into segments (default paragraph). */
  mode?: SegmentMode;
  /** Each line is its own paragraph: the same as `mode: 'line'` (kept for callers that say so). */
  paragraphPerLine?: boolean;
  /** Whose text is text outside any turn (default note); `explicit` when the user said so. */
  unlabelled?: UnlabelledRole;
  unlabelledExplicit?: boolean;
  /** Where `unlabelled` was set, for the warning's hint. */
  unlabelledWhere?: string;
  /** The text again, on demand, for the segments to keep instead of `text` (see SegmentList). */
  source?: () => string;
}

export interface ParsedBody {
  segments: SegmentList;
  /** Number of lines in the whole text. */
  lineCount: number;
  diagnostics: Diagnostic[];
  /** Turns opened by each way of writing a label (see LabelStyle), for recognising the source. */
  styles?: { colon: number; header: number; rev: number };
  /** Text outside any turn left unsegmented (`unlabelled: none`): lines and words. */
  skipped?: { lines: number; words: number };
  /** Lines recognised as a service's own (Teams' "... started transcription", Otter's footer). */
  serviceLines?: number;
  serviceKinds?: { teams?: boolean; otter?: boolean };
  /** The document's text when it is not the file's (Whisper JSON: one line per segment). */
  text?: string;
}

/** Bullet markers: `-`, `*`, `+`, `•` and similar, `1.`, `1)`, `a)`, each followed by a space. */
function bulletEnd(text: string, p: number, e: number): number {
  const c = text.charCodeAt(p);
  let q = -1;
  if (c === 45 || c === 42 || c === 43 || c === 0x2022 || c === 0x2023 || c === 0x25e6 || c === 0x25aa || c === 0x2013 || c === 0x00b7 || c === 0x2043) q = p + 1;
  else if (c >= 48 && c <= 57) {
    let k = p + 1;
    while (k < e && k - p < 3 && text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57) k++;
    const d = text.charCodeAt(k);
    if (d === 46 || d === 41) q = k + 1;
  } else if (c >= 97 && c <= 122 && text.charCodeAt(p + 1) === 41) q = p + 2;
  if (q < 0 || q >= e) return -1;
  const s = text.charCodeAt(q);
  if (s !== 32 && s !== 9 && s !== 160) return -1;
  while (q < e && isSpace(text.charCodeAt(q))) q++;
  return q;
}

/** Otter's footer and Teams' start/stop lines: the service's, nobody's speech. */
export const SERVICE_LINE = /^(?:Transcribed by https?:\/\/otter\.ai\/?|\S.{0,80}? (?:started|stopped) transcription)$/;

/**
 * Split a plain-text transcript body into segments: a line starting `Label:` (or a turn header
 * such as Otter's `Name  0:03`) opens a speaker turn, following lines continue it, blank lines
 * separate paragraphs, and each paragraph is a segment (or each line, sentence or bullet item:
 * see `mode`). Line numbers and offsets are always those of the file as it is.
 * parse-ascii.ts runs this loop over an ASCII file's bytes (specialised for speed, not shared): a
 * change to the loop here is made there too (tests/unit/parse-ascii.property.test.ts compares them).
 */
export function parseTextBody(text: string, opts: BodyOptions): ParsedBody {
  // About one paragraph per 250 characters in interview transcripts: fewer reallocations.
  let segments = new SegmentList(opts.documentId, opts.source ?? text, Math.max(16, (text.length / 250) | 0));
  const speakers = segments.speakers;
  const others = new Map<string, { line: number; turns: number }>();
  const markdown = opts.markdown === true;
  const mode: SegmentMode = opts.mode ?? (opts.paragraphPerLine === true ? 'line' : 'paragraph');
  const perLine = mode === 'line';
  const bullets = mode === 'bullet';
  const isKnown = opts.isKnown;
  const inline = opts.inlineHeaders === true;
  const unlabelled = opts.unlabelled ?? 'note';
  const unlabelledRole: SpeakerRole = unlabelled === 'none' ? 'note' : unlabelled;
  const skip = unlabelled === 'none';
  let colonTurns = 0;
  let headerTurns = 0;
  let revTurns = 0;

  let speaker: string | null = null;
  let role: SpeakerRole = unlabelledRole;
  let turn = -1;
  let firstLabelLine = 0;
  let unlabelledLine = 0;
  let skippedLines = 0;
  let skippedWords = 0;
  let serviceLines = 0;
  // Service lines are looked for before the first turn, and in files whose turns are headers.
  let services = true;
  let teams = false;
  let otter = false;

  // The open paragraph; its text is read from the source when asked for (paragraph.ts).
  let open = false;
  let pStartLine = 0;
  let pEndLine = 0;
  let pStart = 0;
  let pEnd = 0;
  let pTimestamp: string | undefined;

  // No closure over this state: V8 keeps these loop variables in registers (see npm run bench).
  let line = opts.firstLine;
  let pos = opts.start;
  const colons: ColonScan = { next: -1 };
  const n = text.length;
  while (pos <= n) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = n;
    let end = nl;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    // Trim trailing and detect blank lines.
    let s = pos;
    while (s < end && isSpace(text.charCodeAt(s))) s++;
    let e = end;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    // A bullet item starts a segment of its own (segments: bullet).
    let from = s;
    let bullet = false;
    if (bullets && s < e) {
      const b = bulletEnd(text, s, e);
      if (b > 0) {
        from = b;
        bullet = true;
      }
    }
    // Blank lines and Markdown headings are not speech.
    let head = s === e || (markdown && text.charCodeAt(pos) === 35) ? undefined : readLineHead(text, from, e, markdown, speakers, isKnown, colons);
    if (inline && head !== undefined && head.label === undefined && head.timestamp === undefined) head = readInlineHeader(text, from, e, isKnown) ?? head;
    // Its fields, read now: readLineHead returns one shared object, and counting the words of a
    // paragraph left out (unlabelled: none) reads the heads of that paragraph's lines again.
    const hasHead = head !== undefined;
    const hLabel = head?.label;
    const hTimestamp = head?.timestamp;
    const hTextStart = head?.textStart ?? 0;
    const hStyle = head?.style;
    // A service's own line (Teams' "... stopped transcription", Otter's footer) is a note: before
    // the first turn, or in a file whose turns are written as the services write them.
    const service = services && hasHead && hLabel === undefined && e - s < 100 && serviceEnd(text.charCodeAt(e - 1)) && SERVICE_LINE.test(text.slice(s, e));
    // A blank line, a heading, a new speaker, a bullet or a service line ends the open paragraph.
    if (open && (!hasHead || hLabel !== undefined || bullet || service)) {
      if (speaker === null && skip) {
        skippedLines += pEndLine - pStartLine + 1;
        skippedWords += wordsIn(text, pStart, pEnd);
      } else segments.push(speaker, role, turn < 0 ? 0 : turn, pStartLine, pEndLine, pStart, pEnd, undefined, pTimestamp);
      open = false;
      pTimestamp = undefined;
    }
    if (service) {
      segments.push(null, 'note', turn < 0 ? 0 : turn, line, line, s, e, undefined, undefined);
      serviceLines++;
      if (text.charCodeAt(e - 1) === 110) teams = true;
      else otter = true;
    } else if (hasHead) {
      if (hLabel !== undefined) {
        speaker = hLabel;
        role = opts.classify(speaker);
        turn++;
        if (hStyle === 'colon') colonTurns++;
        else if (hStyle === 'header') headerTurns++;
        else revTurns++;
        if (firstLabelLine === 0) firstLabelLine = line;
        services = headerTurns + revTurns > 0;
        if (role === 'other' && (opts.isUnknown === undefined || opts.isUnknown(speaker))) {
          const o = others.get(speaker);
          if (o) o.turns++;
          else others.set(speaker, { line, turns: 1 });
        }
      } else {
        // In bullet mode, an item without a label is outside any turn (a note between quotes).
        if (bullet && speaker !== null) {
          speaker = null;
          role = unlabelledRole;
          turn++;
        }
        if (speaker === null && unlabelledLine === 0) unlabelledLine = line;
      }
      let ts = hTextStart;
      while (ts < e && isSpace(text.charCodeAt(ts))) ts++;
      if (ts < e) {
        if (!open) {
          open = true;
          pStartLine = line;
          pStart = ts;
          pTimestamp = hTimestamp ?? pTimestamp;
        } else if (pTimestamp === undefined && hTimestamp !== undefined) {
          pTimestamp = hTimestamp;
        }
        pEndLine = line;
        pEnd = e;
        if (perLine) {
          if (speaker === null && skip) {
            skippedLines++;
            skippedWords += wordsIn(text, pStart, pEnd);
          } else segments.push(speaker, role, turn < 0 ? 0 : turn, pStartLine, pEndLine, pStart, pEnd, undefined, pTimestamp);
          open = false;
          pTimestamp = undefined;
        }
      } else if (hTimestamp !== undefined && !open && (pTimestamp === undefined || hLabel !== undefined)) {
        // A timestamp alone on a line, or a turn header (`Name  0:03`): applies to what follows.
        pTimestamp = hTimestamp;
      }
    }
    if (nl === n) break;
    pos = nl + 1;
    line++;
  }
  if (open) {
    if (speaker === null && skip) {
      skippedLines += pEndLine - pStartLine + 1;
      skippedWords += wordsIn(text, pStart, pEnd);
    } else segments.push(speaker, role, turn < 0 ? 0 : turn, pStartLine, pEndLine, pStart, pEnd, undefined, pTimestamp);
  }
  const lineCount = line;

  if (mode === 'sentence') segments = splitSentences(segments, text, opts.source);
  return bodyResult(segments, opts, { lineCount, speakers, unlabelled, unlabelledLine, firstLabelLine, others, skippedLines, skippedWords, colonTurns, headerTurns, revTurns, serviceLines, teams, otter });
}

/** What reading a body counted, for its result and warnings (parseTextBody, parseAsciiBody). */
export interface BodyTally {
  lineCount: number;
  /** The labels read (those of the segments before any sentence splitting). */
  speakers: readonly string[];
  unlabelled: UnlabelledRole;
  /** First line of text outside any turn, and of a label (0: none). */
  unlabelledLine: number;
  firstLabelLine: number;
  /** Labels of nobody known: their first line and turns. */
  others: ReadonlyMap<string, { line: number; turns: number }>;
  skippedLines: number;
  skippedWords: number;
  colonTurns: number;
  headerTurns: number;
  revTurns: number;
  serviceLines: number;
  teams: boolean;
  otter: boolean;
}

/** A body's result from its segments and tally: the warnings about its labels, its counts. */
export function bodyResult(segments: SegmentList, opts: BodyOptions, t: BodyTally): ParsedBody {
  const diagnostics: Diagnostic[] = [];
  const { unlabelled, unlabelledLine, firstLabelLine, skippedLines } = t;
  const where = opts.unlabelledWhere ?? "qualwave.yaml (speakers.unlabelled) or in this transcript's front matter";
  if (t.speakers.length === 0 && (segments.length > 0 || skippedLines > 0)) {
    if (!opts.unlabelledExplicit) {
      diagnostics.push(
        warning(
          opts.file,
          unlabelledLine || opts.firstLine,
          `no speaker labels found: the text is taken as ${describeUnlabelled(unlabelled)}, not as anyone's speech`,
          `if this is an interview, start each turn with a label such as 'Interviewer:' or the participant's id; if it is all the participant speaking, set unlabelled: participant in ${where}`,
        ),
      );
    }
  } else if (unlabelledLine > 0 && firstLabelLine > unlabelledLine && !opts.unlabelledExplicit) {
    diagnostics.push(warning(opts.file, unlabelledLine, `text before the first speaker label (line ${firstLabelLine}) is taken as ${describeUnlabelled(unlabelled)}`, `start it with a label, or say whose it is with unlabelled: (interviewer, participant, note or none) in ${where}`));
  }
  for (const [label, o] of t.others) diagnostics.push(unknownSpeaker(opts.file, label, o));
  const out: ParsedBody = { segments, lineCount: t.lineCount, diagnostics, styles: { colon: t.colonTurns, header: t.headerTurns, rev: t.revTurns } };
  if (skippedLines > 0) out.skipped = { lines: skippedLines, words: t.skippedWords };
  if (t.serviceLines > 0) {
    out.serviceLines = t.serviceLines;
    out.serviceKinds = { teams: t.teams, otter: t.otter };
  }
  return out;
}

/** Last character of a service line: "transcription", "otter.ai", "otter.ai/". */
export function serviceEnd(c: number): boolean {
  return c === 110 || c === 105 || c === 47;
}

function wordsIn(text: string, start: number, end: number): number {
  return countWords(paragraphText(text, start, end));
}

export function describeUnlabelled(u: UnlabelledRole): string {
  return u === 'none' ? "nobody's and left out of the segments (unlabelled: none)" : u === 'note' ? 'notes (unlabelled: note)' : `the ${u}'s speech (unlabelled: ${u})`;
}

export function unknownSpeaker(file: string, label: string, o: { line: number; turns: number }, extra = ''): Diagnostic {
  return warning(
    file,
    o.line,
    `speaker '${label}' (${o.turns} turn${o.turns === 1 ? '' : 's'}) is neither an interviewer nor the participant`,
    `if it is a typo, fix the label; otherwise say who it is under speakers.map in qualwave.yaml, e.g. ${label}: other (or interviewer, participant, note, a participant id)${extra}`,
  );
}
