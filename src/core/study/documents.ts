import { error, hasErrors, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { speakerClassifier, type SpeakerTarget } from '../transcript/labels.js';
import { parseFrontMatter, splitAsciiFrontMatter, splitFrontMatter, type FrontMatter, type SpeakerMapEntry } from '../transcript/front-matter.js';
import { parseWhisperJson } from '../transcript/parse-json.js';
import { parseSubtitles } from '../transcript/parse-subtitles.js';
import { parseAsciiBody } from '../transcript/parse-ascii.js';
import { parseTextBody, type BodyOptions, type ParsedBody } from '../transcript/parse-text.js';
import { asciiText } from '../text/decode.js';
import type { SegmentList } from '../transcript/segment-list.js';
import type { Segment } from '../transcript/types.js';
import { SPEAKER_ROLES, type SegmentMode, type SpeakerRole, type TranscriptFormat, type TranscriptSource, type UnlabelledRole } from '../transcript/types.js';
import { nameFromPattern, type NameMatch } from './naming.js';
import type { Document, StudyConfig } from './types.js';
import { append } from '../arrays.js';

export interface TranscriptInput {
  /** Path relative to the study folder, forward slashes. */
  file: string;
  /** Decoded text (for .docx: one line per Word paragraph); or, instead, `ascii`. */
  text?: string;
  /**
   * Instead of `text`: the file's bytes when they are all ASCII (isAsciiText), read as bytes by a
   * text or Markdown file's parsers (the same document as from their text, none decoded).
   */
  ascii?: Uint8Array;
  format: TranscriptFormat;
  /** What the file name says, or null when it does not match the naming pattern. */
  name: NameMatch | null;
  /** The same text again on demand, for the document to keep instead of `text` (saves memory). */
  source?: () => string;
}

export interface ReadResult {
  document?: Document;
  diagnostics: Diagnostic[];
  /** The file is not a transcript after all (a JSON file that is not Whisper output): skipped. */
  skipped?: boolean;
}

/**
 * Turn one transcript file into a Document with its segments. `participantIds`, when known (from
 * participants.csv), make every participant's id a speaker label and let speakers maps name them.
 */
export function readDocument(input: TranscriptInput, config: StudyConfig, participantIds?: readonly string[]): ReadResult {
  const diagnostics: Diagnostic[] = [];
  const { file, format } = input;
  const bytes = input.text === undefined && (format === 'text' || format === 'markdown') ? input.ascii : undefined;
  const text = input.text ?? (bytes === undefined ? asciiText(input.ascii ?? new Uint8Array(0)) : '');
  let fm: FrontMatter = { attributes: {}, lines: {} };
  let bodyStart = 0;
  let bodyLine = 1;
  if (format === 'text' || format === 'markdown' || format === 'docx') {
    const { split, diagnostic } = bytes !== undefined ? splitAsciiFrontMatter(bytes, file) : splitFrontMatter(text, file);
    if (diagnostic) return { diagnostics: [diagnostic] };
    if (split.yaml !== null) {
      const parsed = parseFrontMatter(split.yaml, file);
      append(diagnostics, parsed.diagnostics);
      if (parsed.diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
      fm = parsed.frontMatter;
      bodyStart = split.bodyStart;
      bodyLine = split.bodyLine;
    }
  }

  // Participant, wave and date: file name and front matter must agree.
  const pattern = config.transcripts.name;
  let participant = fm.participant ?? input.name?.participant;
  let wave = fm.wave ?? input.name?.wave;
  for (const key of ['participant', 'wave', 'date'] as const) {
    const fromName = input.name?.[key];
    const fromFm = fm[key];
    if (fromName !== undefined && fromFm !== undefined && fromName !== fromFm) {
      diagnostics.push(error(file, fm.lines[key], `front matter says ${key} '${fromFm}' but the file name says '${fromName}'`, `make them agree: rename the file (pattern '${pattern}') or fix the front matter`));
      return { diagnostics };
    }
  }
  if (input.name?.badDate !== undefined) {
    diagnostics.push(error(file, undefined, `the file name's date '${input.name.badDate}' is not a date`, 'rename the file with the interview date as YYYY-MM-DD or YYYYMMDD, or change transcripts.name'));
    return { diagnostics };
  }
  if (participant === undefined) {
    diagnostics.push(error(file, undefined, `cannot tell whose interview this is: the file name does not match the pattern '${pattern}' and there is no 'participant:' in front matter`, `rename the file (e.g. ${examplePath(config)}) or add front matter with participant: and wave:`));
    return { diagnostics };
  }
  if (wave === undefined) {
    if (config.waves.length === 1) wave = config.waves[0]!.id;
    else {
      diagnostics.push(error(file, undefined, `cannot tell the wave of this interview: the file name pattern '${pattern}' has no {wave} and there is no 'wave:' in front matter`, `add 'wave: ${config.waves[0]?.id ?? 'pre'}' to the front matter, or put {wave} in transcripts.name`));
      return { diagnostics };
    }
  }
  participant = participant.trim();
  const documentId = `${participant}/${wave}`;

  // Speakers: the transcript's own map first, then the study's.
  // Only a map entry that is not a role looks an id up (no set of every participant per transcript).
  const ids = participantIds === undefined ? undefined : { has: (id: string) => participantIds.includes(id) };
  const fmMap = resolveMap(fm.speakers ?? [], ids, (entry, message, hint) => diagnostics.push(error(file, entry.line, message, hint)));
  if (hasErrors(diagnostics)) return { diagnostics };
  const studyMap = resolveMap(config.speakers.map, ids, () => undefined);
  const classify = speakerClassifier({
    interviewers: config.speakers.interviewers,
    interviewer: fm.interviewer,
    participantLabels: config.speakers.participants,
    participant,
    ...(participantIds ? { participantIds } : {}),
    maps: [fmMap, studyMap],
  });

  // How to segment, and whose unlabelled text is.
  const segmentation: Document['segmentation'] = fm.segments !== undefined ? { mode: fm.segments, from: 'front matter' } : config.transcripts.segmentsLine !== undefined ? { mode: config.transcripts.segments, from: 'study' } : { mode: config.transcripts.segments, from: 'default' };
  const unlabelledFrom: Document['unlabelled']['from'] = fm.unlabelled !== undefined ? 'front matter' : config.speakers.unlabelledLine !== undefined ? 'study' : 'default';
  const unlabelled: UnlabelledRole = fm.unlabelled ?? config.speakers.unlabelled;
  const unlabelledExplicit = unlabelledFrom !== 'default';
  const unlabelledWhere = fm.lines['unlabelled'] !== undefined ? 'its front matter' : "qualwave.yaml (speakers.unlabelled) or in this transcript's front matter";
  // A Word paragraph is one line of a .docx's text: a paragraph there is a line.
  const mode: SegmentMode = format === 'docx' && (segmentation.mode === 'paragraph' || segmentation.mode === 'bullet') ? 'line' : segmentation.mode;
  const isUnknown = (label: string): boolean => classify.info(label).rule === 'unknown';
  let body: ParsedBody & { source?: TranscriptSource; notTranscript?: boolean };
  if (format === 'vtt' || format === 'srt') body = parseSubtitles(text, { file, documentId, format, classify, isUnknown, isKnown: classify.known, mode, unlabelled, unlabelledExplicit, unlabelledWhere });
  else if (format === 'json') {
    body = parseWhisperJson(text, { file, documentId, classify, isUnknown, mode, unlabelled, unlabelledExplicit, unlabelledWhere });
    if (body.notTranscript) return { diagnostics: body.diagnostics, skipped: true };
  } else {
    const opts: BodyOptions = { file, documentId, start: bodyStart, firstLine: bodyLine, classify, isUnknown, isKnown: classify.known, markdown: format === 'markdown', inlineHeaders: format === 'docx', mode, unlabelled, unlabelledExplicit, unlabelledWhere };
    if (input.source) opts.source = input.source;
    body = bytes !== undefined ? parseAsciiBody(bytes, opts) : parseTextBody(text, opts);
  }
  append(diagnostics, body.diagnostics);

  const list = body.segments;
  // Group interviews: labels that are another participant speaking.
  for (const label of list.speakers) {
    const info = classify.info(label);
    if (info.participant === undefined) continue;
    list.setSpeakerParticipant(label, info.participant);
    if (info.rule === 'id') {
      const turns = new Set<number>();
      let first = 0;
      for (let i = 0; i < list.length; i++) {
        if (list.speaker(i) !== label) continue;
        turns.add(list.turn(i));
        if (first === 0) first = list.startLine(i);
      }
      diagnostics.push(
        warning(
          file,
          first || undefined,
          `speaker '${label}' is participant ${info.participant}, not ${participant}: ${turns.size} turn${turns.size === 1 ? '' : 's'} counted as participant speech and quoted as ${info.participant}'s (a group interview)`,
          `if it is a typo, fix the label; in a group interview, confirm it in the front matter: speakers: { '${label}': ${info.participant} }`,
        ),
      );
    }
  }
  const fields: DocumentFields = {
    id: documentId,
    participant,
    wave,
    file,
    format,
    segmentation,
    unlabelled: body.skipped ? { role: unlabelled, from: unlabelledFrom, skipped: body.skipped } : { role: unlabelled, from: unlabelledFrom },
    language: fm.language ?? config.language,
    attributes: fm.attributes,
    speakerInfo: list.speakers.map((label) => classify.info(label)),
    lineCount: body.lineCount,
  };
  const source = body.source ?? sourceOf(body, format);
  if (source !== undefined) fields.source = source;
  if (Object.keys(fm.lines).length > 0) fields.frontMatterLines = fm.lines;
  if (fm.interviewer !== undefined) fields.interviewer = fm.interviewer;
  const date = fm.date ?? input.name?.date;
  if (date !== undefined) fields.date = date;
  // Every field at once, then the segments: properties added to an object after an accessor of
  // its own make V8 build a new hidden class for each document (slow to make and to read).
  return { document: makeDocument(list, fields), diagnostics };
}

/**
 * The Document, made here so that its `segments` getter keeps only the segment list alive (a
 * closure made inside readDocument would keep the transcript's classifier and diagnostics too).
 */
/** A document's fields but its segments (what the study index keeps beside the segment columns). */
export type DocumentFields = Omit<Document, 'segments' | 'segmentList' | 'speakers'>;

/** The fields of `doc` without its segments (never made into objects here). */
export function documentFields(doc: Document): DocumentFields {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(doc)) if (k !== 'segments' && k !== 'segmentList' && k !== 'speakers') out[k] = (doc as unknown as Record<string, unknown>)[k];
  return out as unknown as DocumentFields;
}

/** A document from its fields and segments, as readDocument makes it. */
export function documentOf(list: SegmentList, fields: DocumentFields): Document {
  return makeDocument(list, fields);
}

function makeDocument(list: SegmentList, fields: DocumentFields): Document {
  return new LoadedDocument(list, fields) as unknown as Document;
}

/**
 * A document: its fields, its segment list, and `segments` read from the list (a getter of the
 * class: an object literal with a getter of its own was a new hidden class for each document, a
 * twentieth of a cold load of 3,000 transcripts).
 */
class LoadedDocument {
  // (Declared, not defined: the fields come first, in their order, as before.)
  declare segmentList: SegmentList;
  declare speakers: string[];
  constructor(list: SegmentList, fields: DocumentFields) {
    Object.assign(this, fields);
    this.segmentList = list;
    this.speakers = list.speakers;
  }
  get segments(): readonly Segment[] {
    return this.segmentList.toArray();
  }
}

/**
 * The service whose layout a text or Word transcript has, from how its turns and service lines
 * are written: `Name (00:03):` is Rev's; `Name  0:03` is Otter's in a .txt (Teams exports no
 * text), and in a .docx Teams' when it says "... started transcription", Otter's with its footer.
 */
function sourceOf(body: ParsedBody, format: TranscriptFormat): TranscriptSource | undefined {
  const st = body.styles;
  if (!st) return undefined;
  if (st.rev > 0 && st.rev >= st.header) return 'rev';
  if (st.header === 0) return undefined;
  if (body.serviceKinds?.teams) return 'teams';
  if (body.serviceKinds?.otter || format === 'text') return 'otter';
  return undefined;
}

const NO_MAP: ReadonlyMap<string, SpeakerTarget> = new Map();

/**
 * A speakers map's entries as targets: a role (interviewer, participant, other, note, in any
 * case) or a participant id. An id not in participants.csv is reported through `bad`.
 */
export function resolveMap(entries: readonly SpeakerMapEntry[], ids: { has(id: string): boolean } | undefined, bad: (entry: SpeakerMapEntry, message: string, hint: string) => void): ReadonlyMap<string, SpeakerTarget> {
  if (entries.length === 0) return NO_MAP;
  const out = new Map<string, SpeakerTarget>();
  for (const e of entries) {
    const role = SPEAKER_ROLES.find((r) => r === e.value.toLowerCase()) as SpeakerRole | undefined;
    if (role !== undefined) out.set(e.label, role);
    else if (ids === undefined || ids.has(e.value)) out.set(e.label, { participant: e.value });
    else bad(e, `speakers: '${e.label}' is mapped to '${e.value}', which is neither a role nor a participant in participants.csv`, `use interviewer, participant, other or note, or a participant id from participants.csv`);
  }
  return out;
}

function examplePath(config: StudyConfig): string {
  const p = config.transcripts.names[0];
  const name = p ? nameFromPattern(p, { participant: 'MS01', wave: config.waves[0]?.id ?? 'pre', date: '2024-01-15' }) : undefined;
  return `${name ?? 'MS01_pre'}.txt`;
}

export function formatOf(file: string): TranscriptFormat | undefined {
  const ext = file.slice(file.lastIndexOf('.') + 1).toLowerCase();
  return ({ txt: 'text', text: 'text', md: 'markdown', markdown: 'markdown', vtt: 'vtt', srt: 'srt', docx: 'docx', json: 'json' } as const)[ext as 'txt'];
}
