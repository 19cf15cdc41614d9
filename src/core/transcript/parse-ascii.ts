import { Buffer } from 'node:buffer';
import { readAsciiLineHead, readLineHead, type ColonScan, type LabelStyle } from './labels.js';
import { bodyResult, parseTextBody, SERVICE_LINE, serviceEnd, type BodyOptions, type ParsedBody } from './parse-text.js';
import { SegmentList } from './segment-list.js';
import type { SegmentMode, SpeakerRole } from './types.js';

/**
 * parseTextBody over the bytes of a text file whose bytes are all ASCII (below 0x80: each byte is
 * one character, so byte offsets are the text's UTF-16 offsets), without decoding the file: most
 * transcripts in English are ASCII, and their decoded text was most of what a cold load allocated
 * (the segments read their text from the file again when asked for: `opts.source`). Strings are
 * made only for what is kept (labels, timestamps) and for the lines the byte reader leaves to
 * readLineHead (other timestamp forms, bold labels, turn headers, service lines), each read on
 * its own line's text. The same result as parseTextBody(the bytes as text, opts), for every text
 * (tests/unit/parse-ascii.property.test.ts); cutting into sentences or bullets, leaving out text
 * outside any turn (`unlabelled: none`) and Word's inline headers are parseTextBody's, on the
 * decoded text.
 */
export function parseAsciiBody(bytes: Uint8Array, opts: BodyOptions): ParsedBody {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mode: SegmentMode = opts.mode ?? (opts.paragraphPerLine === true ? 'line' : 'paragraph');
  const unlabelled = opts.unlabelled ?? 'note';
  if ((mode !== 'paragraph' && mode !== 'line') || unlabelled === 'none' || opts.inlineHeaders === true) return parseTextBody(b.toString('latin1'), opts);
  const n = b.length;
  const segments = new SegmentList(opts.documentId, opts.source ?? b.toString('latin1'), Math.max(16, (n / 250) | 0));
  const speakers = segments.speakers;
  const others = new Map<string, { line: number; turns: number }>();
  const markdown = opts.markdown === true;
  const perLine = mode === 'line';
  const isKnown = opts.isKnown;
  // (Text outside any turn is `unlabelled`'s: never left out here.)
  const unlabelledRole: SpeakerRole = unlabelled;
  let colonTurns = 0;
  let headerTurns = 0;
  let revTurns = 0;

  let speaker: string | null = null;
  let role: SpeakerRole = unlabelledRole;
  let turn = -1;
  let firstLabelLine = 0;
  let unlabelledLine = 0;
  let serviceLines = 0;
  let services = true;
  let teams = false;
  let otter = false;

  let open = false;
  let pStartLine = 0;
  let pEndLine = 0;
  let pStart = 0;
  let pEnd = 0;
  let pTimestamp: string | undefined;

  let line = opts.firstLine;
  let pos = opts.start;
  const colons: ColonScan = { next: -1 };
  while (pos <= n) {
    // (An empty line, every other line of most transcripts, without a call.)
    let nl = b[pos] === 10 ? pos : b.indexOf(10, pos);
    if (nl < 0) nl = n;
    let end = nl;
    if (end > pos && b[end - 1] === 13) end--;
    // (isSpace of an ASCII byte: space, tab, CR.)
    let s = pos;
    for (let c = b[s]; s < end && (c === 32 || c === 9 || c === 13); c = b[s]) s++;
    let e = end;
    for (let c = b[e - 1]; e > s && (c === 32 || c === 9 || c === 13); c = b[e - 1]) e--;
    let hasHead = false;
    let hLabel: string | undefined;
    let hTimestamp: string | undefined;
    let hTextStart = 0;
    let hStyle: LabelStyle = 'colon';
    if (s !== e && !(markdown && b[pos] === 35)) {
      let head = readAsciiLineHead(b, s, e, markdown, speakers, isKnown, colons);
      let base = 0;
      if (head === undefined) {
        // The line's own text (with its newline: what follows a line is the same for readLineHead).
        head = readLineHead(b.toString('latin1', pos, nl < n ? nl + 1 : n), s - pos, e - pos, markdown, speakers, isKnown);
        base = pos;
      }
      hasHead = true;
      hLabel = head.label;
      hTimestamp = head.timestamp;
      hTextStart = head.textStart + base;
      hStyle = head.style;
    }
    const service = services && hasHead && hLabel === undefined && e - s < 100 && serviceEnd(b[e - 1]!) && SERVICE_LINE.test(b.toString('latin1', s, e));
    if (open && (!hasHead || hLabel !== undefined || service)) {
      segments.push(speaker, role, turn < 0 ? 0 : turn, pStartLine, pEndLine, pStart, pEnd, undefined, pTimestamp);
      open = false;
      pTimestamp = undefined;
    }
    if (service) {
      segments.push(null, 'note', turn < 0 ? 0 : turn, line, line, s, e, undefined, undefined);
      serviceLines++;
      if (b[e - 1] === 110) teams = true;
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
      } else if (speaker === null && unlabelledLine === 0) unlabelledLine = line;
      let ts = hTextStart;
      for (let c = b[ts]; ts < e && (c === 32 || c === 9 || c === 13); c = b[ts]) ts++;
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
          segments.push(speaker, role, turn < 0 ? 0 : turn, pStartLine, pEndLine, pStart, pEnd, undefined, pTimestamp);
          open = false;
          pTimestamp = undefined;
        }
      } else if (hTimestamp !== undefined && !open && (pTimestamp === undefined || hLabel !== undefined)) {
        pTimestamp = hTimestamp;
      }
    }
    if (nl === n) break;
    pos = nl + 1;
    line++;
  }
  if (open) segments.push(speaker, role, turn < 0 ? 0 : turn, pStartLine, pEndLine, pStart, pEnd, undefined, pTimestamp);
  return bodyResult(segments, opts, { lineCount: line, speakers, unlabelled, unlabelledLine, firstLabelLine, others, skippedLines: 0, skippedWords: 0, colonTurns, headerTurns, revTurns, serviceLines, teams, otter });
}
