import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { readLineHead } from './labels.js';
import { isSpace } from './paragraph.js';
import { SegmentList } from './segment-list.js';
import type { SpeakerRole } from './types.js';

export interface BodyOptions {
  file: string;
  /** Prefix of segment ids, e.g. `MS07/post`. */
  documentId: string;
  /** Offset in `text` where the body starts (after front matter). */
  start: number;
  /** 1-based line number of the line at `start`. */
  firstLine: number;
  classify: (label: string) => SpeakerRole;
  /** Markdown: `#` headings are not speech; bold labels are recognised. */
  markdown?: boolean;
  /** Each line is its own paragraph (documents converted from .docx, one line per Word paragraph). */
  paragraphPerLine?: boolean;
  /** The text again, on demand, for the segments to keep instead of `text` (see SegmentList). */
  source?: () => string;
}

export interface ParsedBody {
  segments: SegmentList;
  /** Number of lines in the whole text. */
  lineCount: number;
  diagnostics: Diagnostic[];
}

/**
 * Split a plain-text transcript body into segments: a line starting `Label:` opens a speaker turn,
 * following lines continue it, blank lines separate paragraphs, and each paragraph is a segment.
 */
export function parseTextBody(text: string, opts: BodyOptions): ParsedBody {
  // About one paragraph per 250 characters in interview transcripts: fewer reallocations.
  const segments = new SegmentList(opts.documentId, opts.source ?? text, Math.max(16, (text.length / 250) | 0));
  const speakers = segments.speakers;
  const diagnostics: Diagnostic[] = [];
  const others = new Map<string, { line: number; turns: number }>();
  const markdown = opts.markdown === true;
  const perLine = opts.paragraphPerLine === true;

  let speaker: string | null = null;
  let role: SpeakerRole = 'other';
  let turn = -1;
  let firstLabelLine = 0;
  let unlabelledLine = 0;

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
    // Blank lines and Markdown headings are not speech.
    const head = s === e || (markdown && text.charCodeAt(pos) === 35) ? undefined : readLineHead(text, pos, e, markdown, speakers);
    // A blank line, a heading or a new speaker ends the open paragraph.
    if (open && (head === undefined || head.label !== undefined)) {
      segments.push(speaker, role, turn < 0 ? 0 : turn, pStartLine, pEndLine, pStart, pEnd, undefined, pTimestamp);
      open = false;
      pTimestamp = undefined;
    }
    if (head !== undefined) {
      if (head.label !== undefined) {
        speaker = head.label;
        role = opts.classify(speaker);
        turn++;
        if (firstLabelLine === 0) firstLabelLine = line;
        if (role === 'other') {
          const o = others.get(speaker);
          if (o) o.turns++;
          else others.set(speaker, { line, turns: 1 });
        }
      } else if (speaker === null && unlabelledLine === 0) {
        unlabelledLine = line;
      }
      let ts = head.textStart;
      while (ts < e && isSpace(text.charCodeAt(ts))) ts++;
      if (ts < e) {
        if (!open) {
          open = true;
          pStartLine = line;
          pStart = ts;
          pTimestamp = head.timestamp;
        } else if (pTimestamp === undefined && head.timestamp !== undefined) {
          pTimestamp = head.timestamp;
        }
        pEndLine = line;
        pEnd = e;
        if (perLine) {
          segments.push(speaker, role, turn < 0 ? 0 : turn, pStartLine, pEndLine, pStart, pEnd, undefined, pTimestamp);
          open = false;
          pTimestamp = undefined;
        }
      } else if (head.timestamp !== undefined && pTimestamp === undefined && !open) {
        // A timestamp alone on a line (or a label with nothing after it): applies to what follows.
        pTimestamp = head.timestamp;
      }
    }
    if (nl === n) break;
    pos = nl + 1;
    line++;
  }
  if (open) segments.push(speaker, role, turn < 0 ? 0 : turn, pStartLine, pEndLine, pStart, pEnd, undefined, pTimestamp);
  const lineCount = line;

  if (speakers.length === 0 && segments.length > 0) {
    segments.setAllRoles('participant');
    diagnostics.push(
      warning(opts.file, opts.firstLine, 'no speaker labels found: all text is taken as the participant\'s speech', "if this is an interview, start each turn with a label such as 'Interviewer:' or the participant's id"),
    );
  } else if (unlabelledLine > 0 && firstLabelLine > unlabelledLine) {
    diagnostics.push(
      warning(opts.file, unlabelledLine, `text before the first speaker label (line ${firstLabelLine}) belongs to no speaker`, 'start it with a label, or remove it (a title can go in front matter)'),
    );
  }
  for (const [label, o] of others) {
    diagnostics.push(
      warning(
        opts.file,
        o.line,
        `speaker '${label}' (${o.turns} turn${o.turns === 1 ? '' : 's'}) is neither an interviewer nor the participant`,
        `if it is a typo, fix the label; otherwise list it under speakers.interviewers or speakers.participants in qualwave.yaml`,
      ),
    );
  }
  return { segments, lineCount, diagnostics };
}
