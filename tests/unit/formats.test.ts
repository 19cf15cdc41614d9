import { describe, expect, it } from 'vitest';
import { attribution } from '../../src/core/study/attribution.js';
import { readDocument } from '../../src/core/study/documents.js';
import { documentSummary } from '../../src/core/summary/summary.js';
import { readDocx } from '../../src/io/docx.js';
import { config, read, rows } from '../helpers/study.js';

/**
 * Every transcription service's layout, read in place: each file is built here, shaped as the
 * service writes it (layouts learnt from their documentation and public parsers; no third-party
 * file is copied), with the CRLF line endings, BOMs, accents and emoji real files have.
 */
const BOM = '\ufeff';
const crlf = (lines: string[]) => lines.join('\r\n') + '\r\n';

/** A .docx with one Word paragraph per entry (an array entry: runs, `\n` starting a soft line break). */
async function docx(paragraphs: Array<string | string[]>): Promise<string> {
  const { Document, Packer, Paragraph, TextRun } = await import('docx');
  const children = paragraphs.map((p) => {
    const runs = (Array.isArray(p) ? p : [p]).map((t) => (t.startsWith('\n') ? new TextRun({ text: t.slice(1), break: 1 }) : new TextRun(t)));
    return new Paragraph({ children: runs });
  });
  const bytes = new Uint8Array(await Packer.toBuffer(new Document({ sections: [{ children }] })));
  const r = await readDocx(bytes, 'test.docx');
  if (r.text === undefined) throw new Error(r.diagnostic?.message);
  return r.text;
}

const map = config('speakers:\n  map:\n    Speaker 1: interviewer\n    Dana Moss: interviewer\n    Jane Doe: participant\n    SPEAKER_00: interviewer\n    SPEAKER_01: participant\n');

describe('Otter', () => {
  it('text export: "Name  0:00" headers, paragraphs below, the footer a note (BOM, CRLF, accents, emoji)', () => {
    const text = BOM + crlf(['Speaker 1  0:00', 'Thanks for joining. Ready?', '', 'Jane Doe  0:04', 'Yes — café first ☕, then we talk.', 'It was a long week 😅.', '', 'Jane Doe  1:02:03', 'Still me.', '', 'Transcribed by https://otter.ai']);
    const r = read('transcripts/P1_pre.txt', text.slice(1), map);
    expect(r.diagnostics).toEqual([]);
    expect(r.document!.source).toBe('otter');
    expect(r.document!.segments.map((s) => [s.speaker, s.role, s.startLine, s.endLine, s.timestamp ?? null, s.text])).toEqual([
      ['Speaker 1', 'interviewer', 2, 2, '00:00:00', 'Thanks for joining. Ready?'],
      ['Jane Doe', 'participant', 5, 6, '00:00:04', 'Yes — café first ☕, then we talk.\nIt was a long week 😅.'],
      ['Jane Doe', 'participant', 9, 9, '01:02:03', 'Still me.'],
      [null, 'note', 11, 11, null, 'Transcribed by https://otter.ai'],
    ]);
  });

  it('Word export: title and keywords before the first turn are notes, said once', async () => {
    const text = await docx(['Buddy interview P1', 'Tue, 1/7 3:01PM • 12:40', 'SUMMARY KEYWORDS', 'schedule, family', 'SPEAKERS', 'Speaker 1, Jane Doe', ['Speaker 1', '  0:00'], 'How did it start?', ['Jane Doe', '  0:07'], 'Slowly, honestly.', 'Transcribed by https://otter.ai']);
    const r = read('transcripts/P1_pre.docx', text, map);
    expect(r.document!.source).toBe('otter');
    expect(rows(r).filter((x) => x[0] !== null)).toEqual([
      ['Speaker 1', 'interviewer', 8, 8, 'How did it start?'],
      ['Jane Doe', 'participant', 10, 10, 'Slowly, honestly.'],
    ]);
    expect(
      rows(r)
        .filter((x) => x[0] === null)
        .map((x) => [x[1], x[2]]),
    ).toEqual([
      ['note', 1],
      ['note', 2],
      ['note', 3],
      ['note', 4],
      ['note', 5],
      ['note', 6],
      ['note', 11],
    ]);
    expect(r.diagnostics.map((d) => [d.line, d.message])).toEqual([[1, 'text before the first speaker label (line 7) is taken as notes (unlabelled: note)']]);
  });
});

describe('Rev', () => {
  it('text: "Name (00:00):" headers, with hours, and a numbered speaker nobody mapped', () => {
    const text = crlf(['Speaker 1 (00:00):', 'Welcome back.', '', 'Jane Doe (01:02:03):', 'Thank you. [laughs]', '', 'Speaker 2 (01:05:00):', 'Sorry I am late.']);
    const r = read('transcripts/P1_pre.txt', text, map);
    expect(r.document!.source).toBe('rev');
    expect(r.document!.segments.map((s) => [s.speaker, s.role, s.startLine, s.timestamp, s.text])).toEqual([
      ['Speaker 1', 'interviewer', 2, '00:00:00', 'Welcome back.'],
      ['Jane Doe', 'participant', 5, '01:02:03', 'Thank you. [laughs]'],
      ['Speaker 2', 'other', 8, '01:05:00', 'Sorry I am late.'],
    ]);
    expect(r.diagnostics.map((d) => d.message)).toEqual(["speaker 'Speaker 2' (1 turn) is neither an interviewer nor the participant"]);
  });

  it('Word: the same layout, one Word paragraph per line', async () => {
    const text = await docx(['Speaker 1 (00:00):', 'Welcome back.', 'Jane Doe (00:05):', 'Thanks. Crème brûlée later?']);
    const r = read('transcripts/P1_pre.docx', text, map);
    expect(rows(r)).toEqual([
      ['Speaker 1', 'interviewer', 2, 2, 'Welcome back.'],
      ['Jane Doe', 'participant', 4, 4, 'Thanks. Crème brûlée later?'],
    ]);
  });
});

describe('Microsoft Teams', () => {
  it('Word transcript: header lines, "started/stopped transcription", "Name   0:03" headers, soft line breaks', async () => {
    const text = await docx(['Interview P1-20250107_150102-Meeting Transcript', 'January 7, 2025, 3:01PM', '12m 40s', 'Dana Moss started transcription', ['Dana Moss', '   0:03'], 'How are things going?', ['Jane Doe', '   0:09', '\nBetter, thanks.'], 'Much better.', 'Dana Moss stopped transcription']);
    const r = read('transcripts/P1_pre.docx', text, map);
    expect(r.document!.source).toBe('teams');
    expect(r.document!.segments.map((s) => [s.speaker, s.role, s.startLine, s.timestamp ?? null, s.text])).toEqual([
      [null, 'note', 1, null, 'Interview P1-20250107_150102-Meeting Transcript'],
      [null, 'note', 2, null, 'January 7, 2025, 3:01PM'],
      [null, 'note', 3, null, '12m 40s'],
      [null, 'note', 4, null, 'Dana Moss started transcription'],
      ['Dana Moss', 'interviewer', 6, '00:00:03', 'How are things going?'],
      ['Jane Doe', 'participant', 7, '00:00:09', 'Better, thanks.'],
      ['Jane Doe', 'participant', 8, null, 'Much better.'],
      [null, 'note', 9, null, 'Dana Moss stopped transcription'],
    ]);
  });

  it('captions (.vtt): GUID cue ids, voice spans over two lines, consecutive cues of one speaker merged', () => {
    const vtt = crlf([
      'WEBVTT',
      '',
      '8a1c0f52-4f7e-4c1e-9c1b-5b1d3e0f6a11/12-0',
      '00:00:03.516 --> 00:00:05.236',
      '<v Dana Moss>How are things',
      'going?</v>',
      '',
      '8a1c0f52-4f7e-4c1e-9c1b-5b1d3e0f6a11/13-0',
      '00:00:06.000 --> 00:00:08.100',
      '<v Jane Doe>Better, thanks &amp; you?</v>',
      '',
      '8a1c0f52-4f7e-4c1e-9c1b-5b1d3e0f6a11/13-1',
      '00:00:08.100 --> 00:00:09.000',
      '<v Jane Doe>Really.</v>',
    ]);
    const r = read('transcripts/P1_pre.vtt', vtt, map);
    expect(r.document!.source).toBe('teams');
    expect(r.document!.segments.map((s) => [s.speaker, s.role, s.startLine, s.endLine, s.timestamp, s.text])).toEqual([
      ['Dana Moss', 'interviewer', 5, 6, '00:00:03.516', 'How are things going?'],
      ['Jane Doe', 'participant', 10, 14, '00:00:06.000', 'Better, thanks & you? Really.'],
    ]);
  });
});

describe('Zoom', () => {
  it('transcript (.vtt): "Name: text" cues, merged cues of one speaker, two speakers in one cue', () => {
    const vtt = [
      'WEBVTT',
      '',
      '1',
      '00:00:01.350 --> 00:00:04.830',
      'Dana Moss: Can you hear me?',
      '',
      '2',
      '00:00:05.000 --> 00:00:07.000',
      'Jane Doe: Yes, loud and clear.',
      '',
      '3',
      '00:00:07.000 --> 00:00:09.500',
      'Jane Doe: I moved to Zürich 🇨🇭.',
      '',
      '4',
      '00:00:09.500 --> 00:00:12.000',
      'Dana Moss: Great.',
      'Jane Doe: So, where do we start?',
      '',
    ].join('\n');
    const r = read('transcripts/P1_pre.vtt', vtt, map);
    expect(r.document!.source).toBe('zoom');
    expect(r.document!.segments.map((s) => [s.speaker, s.startLine, s.endLine, s.timestamp, s.text])).toEqual([
      ['Dana Moss', 5, 5, '00:00:01.350', 'Can you hear me?'],
      ['Jane Doe', 9, 13, '00:00:05.000', 'Yes, loud and clear. I moved to Zürich 🇨🇭.'],
      ['Dana Moss', 17, 17, '00:00:09.500', 'Great.'],
      ['Jane Doe', 18, 18, '00:00:09.500', 'So, where do we start?'],
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  it('a caption file without any speaker names: each cue a note, never the participant unless told', () => {
    const vtt = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello.\n\n00:00:02.000 --> 00:00:03.000\nHi.\n';
    const r = read('transcripts/P1_pre.vtt', vtt, map);
    expect(r.document!.segments.map((s) => [s.role, s.startLine, s.text])).toEqual([
      ['note', 4, 'Hello.'],
      ['note', 7, 'Hi.'],
    ]);
    expect(r.diagnostics[0]?.message).toBe("no speaker names: the text is taken as notes (unlabelled: note), not as anyone's speech");
  });
});

/** Whisper's writer: json.dump without indent and with ASCII escapes (emoji as surrogate pairs). */
function pythonJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/,/g, ', ')
    .replace(/":/g, '": ');
}

describe('Whisper and WhisperX', () => {
  const whisper = {
    text: ' Bonjour, ça va? Oui 😀. Merci.',
    segments: [
      { id: 0, seek: 0, start: 0.0, end: 2.5, text: ' Bonjour, ça va?', tokens: [50364, 25431], temperature: 0.0, avg_logprob: -0.31, compression_ratio: 0.9, no_speech_prob: 0.02 },
      { id: 1, seek: 0, start: 2.5, end: 4.04, text: ' Oui 😀.', tokens: [50489], temperature: 0.0, avg_logprob: -0.4, compression_ratio: 0.9, no_speech_prob: 0.01 },
      { id: 2, seek: 0, start: 3661.5, end: 3663, text: ' Merci.', tokens: [50600], temperature: 0.0, avg_logprob: -0.2, compression_ratio: 0.9, no_speech_prob: 0.01 },
    ],
    language: 'fr',
  };

  it('Whisper JSON: one line per segment, timestamps kept; no speakers, so notes unless told', () => {
    const raw = pythonJson(whisper);
    expect(raw).toContain('\\u00e7a'); // written as Whisper writes it
    const r = read('transcripts/P1_pre.json', raw, map);
    expect(r.document!.source).toBe('whisper');
    expect(r.document!.segments.map((s) => [s.role, s.startLine, s.timestamp, s.text])).toEqual([
      ['note', 1, '00:00:00.000', 'Bonjour, ça va?'],
      ['note', 2, '00:00:02.500', 'Oui 😀.'],
      ['note', 3, '01:01:01.500', 'Merci.'],
    ]);
    expect(r.document!.segmentList.sourceTextValue).toBe('[00:00:00.000] Bonjour, ça va?\n[00:00:02.500] Oui 😀.\n[01:01:01.500] Merci.\n');
    expect(r.diagnostics[0]?.message).toBe("no speaker names: the text is taken as notes (unlabelled: note), not as anyone's speech");
    const told = read('transcripts/P1_pre.json', raw, config('speakers:\n  unlabelled: participant\n'));
    expect(told.document!.segments.map((s) => s.role)).toEqual(['participant', 'participant', 'participant']);
    expect(told.diagnostics).toEqual([]);
  });

  it('WhisperX JSON: diarised speakers mapped to roles; a segment whose words change speaker is split there', () => {
    const x = {
      segments: [
        {
          start: 0.031,
          end: 2.9,
          text: 'How are you today?',
          words: [
            { word: 'How', start: 0.031, end: 0.2, score: 0.9, speaker: 'SPEAKER_00' },
            { word: 'are', start: 0.25, end: 0.4, score: 0.9, speaker: 'SPEAKER_00' },
            { word: 'you', start: 0.45, end: 0.6, score: 0.8, speaker: 'SPEAKER_00' },
            { word: 'today?', start: 0.7, end: 1.0, score: 0.9, speaker: 'SPEAKER_00' },
          ],
          speaker: 'SPEAKER_00',
        },
        {
          start: 3.1,
          end: 7.2,
          text: 'Fine, 20 years here. And you?',
          words: [
            { word: 'Fine,', start: 3.1, end: 3.4, score: 0.9, speaker: 'SPEAKER_01' },
            { word: '20' },
            { word: 'years', start: 4.0, end: 4.3, score: 0.7, speaker: 'SPEAKER_01' },
            { word: 'here.', start: 4.3, end: 4.6, score: 0.9, speaker: 'SPEAKER_01' },
            { word: 'And', start: 6.0, end: 6.2, score: 0.9, speaker: 'SPEAKER_00' },
            { word: 'you?', start: 6.2, end: 6.5, score: 0.9, speaker: 'SPEAKER_00' },
          ],
          speaker: 'SPEAKER_01',
        },
        { start: 8.0, end: 9.0, text: 'Good.', words: [{ word: 'Good.', start: 8.0, end: 9.0, score: 0.9 }] },
      ],
      word_segments: [],
    };
    const r = read('transcripts/P1_pre.json', JSON.stringify(x, null, 2), map);
    expect(r.document!.source).toBe('whisperx');
    expect(r.document!.segments.map((s) => [s.speaker, s.role, s.startLine, s.endLine, s.timestamp, s.text])).toEqual([
      ['SPEAKER_00', 'interviewer', 1, 1, '00:00:00.031', 'How are you today?'],
      ['SPEAKER_01', 'participant', 2, 2, '00:00:03.100', 'Fine, 20 years here.'],
      ['SPEAKER_00', 'interviewer', 3, 4, '00:00:06.000', 'And you? Good.'], // the unlabelled segment continues the speaker
    ]);
    expect(r.document!.segmentList.sourceTextValue.split('\n')[2]).toBe('[00:00:06.000] SPEAKER_00: And you?');
    const lines = read('transcripts/P1_pre.json', JSON.stringify(x), config('transcripts:\n  segments: line\nspeakers:\n  map:\n    SPEAKER_00: interviewer\n    SPEAKER_01: participant\n'));
    expect(lines.document!.segments.map((s) => [s.startLine, s.text])).toEqual([
      [1, 'How are you today?'],
      [2, 'Fine, 20 years here.'],
      [3, 'And you?'],
      [4, 'Good.'],
    ]);
  });

  it('a .json that is not a transcript is skipped; a broken one is an error with its line', () => {
    const cfg = config();
    const skipped = readDocument({ file: 'transcripts/P1_pre.json', text: '{"name": "meeting"}', format: 'json', name: { participant: 'P1', wave: 'pre' } }, cfg);
    expect(skipped.skipped).toBe(true);
    expect(skipped.diagnostics[0]).toMatchObject({ severity: 'warning', message: "skipped: not a Whisper or WhisperX transcript (no 'segments' list)" });
    const broken = read('transcripts/P1_pre.json', '{\n  "segments": [\n    {"text": "a", "start": 0},\n', cfg);
    expect(broken.diagnostics[0]).toMatchObject({ severity: 'error' });
    expect(broken.diagnostics[0]!.message).toMatch(/^not valid JSON/);
  });
});

describe('timestamps in attributions', () => {
  it("{timestamp} gives the segment's time, empty when it has none", () => {
    const r = read('transcripts/P1_pre.txt', 'Interviewer: Hi.\n\n[00:12:31] P1: Hello.\n', config('attribution: "({participant}, {wave}, {timestamp})"\n'));
    const d = r.document!;
    const cfg = { config: config('attribution: "({participant}, {wave}, {timestamp})"\n') };
    expect(d.segments.map((s) => attribution(cfg.config.attribution, cfg, d, undefined, s))).toEqual(['(P1, pre, )', '(P1, pre, 00:12:31)']);
    expect(documentSummary(d).speakers.map((s) => s.label)).toEqual(['Interviewer', 'P1']);
  });

  it('a group interview attributes a quote to whoever speaks', () => {
    const r = read('transcripts/P1_pre.txt', '---\nspeakers:\n  Ana: P2\n---\nInterviewer: Hi both.\nAna: Hello.\n');
    const seg = r.document!.segments[1]!;
    expect(attribution('({participant}, {wave})', { config: config() }, r.document!, undefined, seg)).toBe('(P2, pre)');
  });
});
