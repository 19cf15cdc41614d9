import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { speakerClassifier } from '../transcript/labels.js';
import { parseFrontMatter, splitFrontMatter, type FrontMatter } from '../transcript/front-matter.js';
import { parseSubtitles } from '../transcript/parse-subtitles.js';
import { parseTextBody, type ParsedBody } from '../transcript/parse-text.js';
import type { TranscriptFormat } from '../transcript/types.js';
import type { NameMatch } from './naming.js';
import type { Document, StudyConfig } from './types.js';

export interface TranscriptInput {
  /** Path relative to the study folder, forward slashes. */
  file: string;
  /** Decoded text (for .docx: one line per Word paragraph). */
  text: string;
  format: TranscriptFormat;
  /** What the file name says, or null when it does not match the naming pattern. */
  name: NameMatch | null;
  /** The same text again on demand, for the document to keep instead of `text` (saves memory). */
  source?: () => string;
}

/** Turn one transcript file into a Document with its segments. */
export function readDocument(input: TranscriptInput, config: StudyConfig): { document?: Document; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const { file, text, format } = input;
  let fm: FrontMatter = { attributes: {}, lines: {} };
  let bodyStart = 0;
  let bodyLine = 1;
  if (format === 'text' || format === 'markdown' || format === 'docx') {
    const { split, diagnostic } = splitFrontMatter(text, file);
    if (diagnostic) return { diagnostics: [diagnostic] };
    if (split.yaml !== null) {
      const parsed = parseFrontMatter(split.yaml, file);
      diagnostics.push(...parsed.diagnostics);
      if (parsed.diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
      fm = parsed.frontMatter;
      bodyStart = split.bodyStart;
      bodyLine = split.bodyLine;
    }
  }

  // Participant and wave: file name and front matter must agree.
  const pattern = config.transcripts.name;
  let participant = fm.participant ?? input.name?.participant;
  let wave = fm.wave ?? input.name?.wave;
  for (const key of ['participant', 'wave'] as const) {
    const fromName = input.name?.[key];
    const fromFm = fm[key];
    if (fromName !== undefined && fromFm !== undefined && fromName !== fromFm) {
      diagnostics.push(
        error(file, fm.lines[key], `front matter says ${key} '${fromFm}' but the file name says '${fromName}'`, `make them agree: rename the file (pattern '${pattern}') or fix the front matter`),
      );
      return { diagnostics };
    }
  }
  if (participant === undefined) {
    diagnostics.push(
      error(file, undefined, `cannot tell whose interview this is: the file name does not match the pattern '${pattern}' and there is no 'participant:' in front matter`, `rename the file (e.g. ${examplePath(pattern, config)}) or add front matter with participant: and wave:`),
    );
    return { diagnostics };
  }
  if (wave === undefined) {
    if (config.waves.length === 1) wave = config.waves[0]!.id;
    else {
      diagnostics.push(
        error(file, undefined, `cannot tell the wave of this interview: the file name pattern '${pattern}' has no {wave} and there is no 'wave:' in front matter`, `add 'wave: ${config.waves[0]?.id ?? 'pre'}' to the front matter, or put {wave} in transcripts.name`),
      );
      return { diagnostics };
    }
  }
  participant = participant.trim();
  const documentId = `${participant}/${wave}`;
  const classify = speakerClassifier({
    interviewers: fm.interviewer ? [...config.speakers.interviewers, fm.interviewer] : config.speakers.interviewers,
    participantLabels: config.speakers.participants,
    participant,
  });
  let body: ParsedBody;
  if (format === 'vtt' || format === 'srt') body = parseSubtitles(text, { file, documentId, format, classify });
  else {
    const opts = { file, documentId, start: bodyStart, firstLine: bodyLine, classify, markdown: format === 'markdown', paragraphPerLine: format === 'docx' };
    body = parseTextBody(text, input.source ? { ...opts, source: input.source } : opts);
  }
  diagnostics.push(...body.diagnostics);

  const list = body.segments;
  const document: Document = {
    id: documentId,
    participant,
    wave,
    file,
    format,
    language: fm.language ?? config.language,
    attributes: fm.attributes,
    get segments() {
      return list.toArray();
    },
    segmentList: list,
    speakers: list.speakers,
    lineCount: body.lineCount,
  };
  if (fm.interviewer !== undefined) document.interviewer = fm.interviewer;
  if (fm.date !== undefined) document.date = fm.date;
  return { document, diagnostics };
}

function examplePath(pattern: string, config: StudyConfig): string {
  return `${pattern.replace('{participant}', 'MS01').replace('{wave}', config.waves[0]?.id ?? 'pre')}.txt`;
}

export function formatOf(file: string): TranscriptFormat | undefined {
  const ext = file.slice(file.lastIndexOf('.') + 1).toLowerCase();
  return ({ txt: 'text', text: 'text', md: 'markdown', markdown: 'markdown', vtt: 'vtt', srt: 'srt', docx: 'docx' } as const)[ext as 'txt'];
}
