import { describe, expect, it } from 'vitest';
import { readLineHead, speakerClassifier, normaliseTimestamp, fold } from '../../src/core/transcript/labels.js';
import { parseTextBody } from '../../src/core/transcript/parse-text.js';
import { splitFrontMatter, parseFrontMatter } from '../../src/core/transcript/front-matter.js';
import { parseSubtitles } from '../../src/core/transcript/parse-subtitles.js';

const classify = speakerClassifier({ interviewers: ['Interviewer', 'I'], participantLabels: ['Participant'], participant: 'MS07' });

function body(text: string, extra: Partial<Parameters<typeof parseTextBody>[1]> = {}) {
  const r = parseTextBody(text, { file: 't.txt', documentId: 'MS07/post', start: 0, firstLine: 1, classify, ...extra });
  return { ...r, speakers: r.segments.speakers, segments: r.segments.toArray() };
}

describe('speaker labels', () => {
  it.each([
    ['Interviewer: Hello', 'Interviewer'],
    ['I: Hello', 'I'],
    ['MS07: Hello', 'MS07'],
    ['Researcher 1: Hello', 'Researcher 1'],
    ['Ana: Hello', 'Ana'],
    ['AP : Bonjour', 'AP'],
    ['Enquêtrice : Bonjour', 'Enquêtrice'],
    ['F2-01: Hello', 'F2-01'],
    ['Interviewer:', 'Interviewer'],
  ])('%j opens a turn of %j', (line, label) => {
    expect(readLineHead(line, 0, line.length, false).label).toBe(label);
  });

  it.each(['The thing is: nobody told me.', 'so: what now', 'We met at 10:30 and left.', 'See https://example.org for more', 'Well, honestly: it was fine', 'A very long label that goes on and on and on: text'])('%j is speech, not a label', (line) => {
    expect(readLineHead(line, 0, line.length, false).label).toBeUndefined();
  });

  it('reads timestamps before or after the label and removes them from the text', () => {
    const a = '[00:12:31] MS07: I was nervous.';
    const ha = readLineHead(a, 0, a.length, false);
    expect(ha).toMatchObject({ label: 'MS07', timestamp: '00:12:31' });
    expect(a.slice(ha.textStart)).toBe('I was nervous.');
    const b = 'MS07: (12:31) I was nervous.';
    const hb = readLineHead(b, 0, b.length, false);
    expect(hb).toMatchObject({ label: 'MS07', timestamp: '00:12:31' });
    expect(b.slice(hb.textStart)).toBe('I was nervous.');
    const c = '01:02:03 Interviewer: Next question.';
    expect(readLineHead(c, 0, c.length, false)).toMatchObject({ label: 'Interviewer', timestamp: '01:02:03' });
  });

  it('reads bold Markdown labels only in Markdown', () => {
    const a = '**Interviewer:** Hello';
    expect(readLineHead(a, 0, a.length, true).label).toBe('Interviewer');
    const b = '**MS07**: Hi';
    expect(readLineHead(b, 0, b.length, true).label).toBe('MS07');
    expect(readLineHead(a, 0, a.length, false).label).toBeUndefined();
  });

  it('classifies labels without regard to case or accents', () => {
    const c = speakerClassifier({ interviewers: ['Enquêtrice'], participantLabels: ['AP'], participant: 'F2-01' });
    expect(c('enquetrice')).toBe('interviewer');
    expect(c('ENQUÊTRICE')).toBe('interviewer');
    expect(c('ap')).toBe('participant');
    expect(c('F2-01')).toBe('participant');
    expect(c('Mère')).toBe('other');
    expect(fold('Éloïse')).toBe('eloise');
  });

  it('normalises timestamps', () => {
    expect(normaliseTimestamp('2:03')).toBe('00:02:03');
    expect(normaliseTimestamp('1:02:03,5')).toBe('01:02:03.5');
  });
});

describe('text transcripts: turns, paragraphs and segments', () => {
  const text = [
    'Interviewer: What do you expect?', // 1
    '', // 2
    'MS07: I hope to help the family.', // 3
    'Mostly by being there.', // 4
    '', // 5
    'And to learn something.', // 6
    'Interviewer: Why?', // 7
    'MS07: Because it matters.', // 8
  ].join('\n');

  it('splits turns into one segment per paragraph with editor line numbers', () => {
    const r = body(text);
    expect(r.segments.map((s) => [s.speaker, s.role, s.startLine, s.endLine, s.turn, s.text])).toEqual([
      ['Interviewer', 'interviewer', 1, 1, 0, 'What do you expect?'],
      ['MS07', 'participant', 3, 4, 1, 'I hope to help the family.\nMostly by being there.'],
      ['MS07', 'participant', 6, 6, 1, 'And to learn something.'],
      ['Interviewer', 'interviewer', 7, 7, 2, 'Why?'],
      ['MS07', 'participant', 8, 8, 3, 'Because it matters.'],
    ]);
    expect(r.speakers).toEqual(['Interviewer', 'MS07']);
    expect(r.lineCount).toBe(8);
    expect(r.diagnostics).toEqual([]);
  });

  it('gives stable ids and offsets that point at the text in the file', () => {
    const r = body(text);
    expect(r.segments.map((s) => s.id)).toEqual(['MS07/post#L1', 'MS07/post#L3', 'MS07/post#L6', 'MS07/post#L7', 'MS07/post#L8']);
    for (const s of r.segments) {
      expect(text.slice(s.start, s.end).replace(/\r/g, '')).toBe(s.text);
    }
    expect(body(text).segments).toEqual(r.segments);
  });

  it('counts lines the same with CRLF, and offsets still point at the text', () => {
    const crlf = text.replace(/\n/g, '\r\n');
    const r = body(crlf);
    expect(r.segments.map((s) => [s.startLine, s.endLine, s.text])).toEqual(body(text).segments.map((s) => [s.startLine, s.endLine, s.text]));
    for (const s of r.segments) expect(crlf.slice(s.start, s.end).replace(/\r/g, '')).toBe(s.text);
  });

  it('unlabelled: none: a turn right after a paragraph of several lines left out is kept (its label was lost)', () => {
    // Lines 1-2: nobody's, left out (2 lines, 4 words); line 3 the interviewer's turn; line 5 MS07's.
    // Before: counting the left-out paragraph's words read its line heads again (readLineHead's one
    // shared object), and the interviewer's label on line 3 was lost with its turn.
    const r = body('note one\nnote two\nInterviewer: hi there\n\nMS07: hello', { unlabelled: 'none' });
    expect(r.segments.map((s) => [s.speaker, s.role, s.startLine, s.text])).toEqual([
      ['Interviewer', 'interviewer', 3, 'hi there'],
      ['MS07', 'participant', 5, 'hello'],
    ]);
    expect(r.skipped).toEqual({ lines: 2, words: 4 });
  });

  it('counts front matter lines in line numbers', () => {
    const full = '---\nparticipant: MS07\nwave: post\n---\nInterviewer: Hi\n\nMS07: Hello there.\n';
    const { split } = splitFrontMatter(full, 't.txt');
    expect(split.bodyLine).toBe(5);
    const r = body(full, { start: split.bodyStart, firstLine: split.bodyLine });
    expect(r.segments.map((s) => [s.startLine, s.text])).toEqual([
      [5, 'Hi'],
      [7, 'Hello there.'],
    ]);
    expect(full.split('\n')[6]).toContain('Hello there.');
  });

  it('warns about unknown speakers and takes text before the first label as a note', () => {
    const r = body('Recorded at the clinic.\n\nInterviewer: Hi\n\nMom: She is asleep.\n\nMom: Sorry.\n');
    expect(r.segments[0]).toMatchObject({ speaker: null, role: 'note' });
    expect(r.diagnostics.map((d) => [d.line, d.message])).toEqual([
      [1, 'text before the first speaker label (line 3) is taken as notes (unlabelled: note)'],
      [5, "speaker 'Mom' (2 turns) is neither an interviewer nor the participant"],
    ]);
  });

  it('never takes a transcript without any labels as the participant speaking unless told', () => {
    const text = 'I wrote this reflection after the program.\n\nIt changed how I see patients.\n';
    const r = body(text);
    expect(r.segments.map((s) => s.role)).toEqual(['note', 'note']);
    expect(r.diagnostics.map((d) => [d.line, d.message])).toEqual([[1, "no speaker labels found: the text is taken as notes (unlabelled: note), not as anyone's speech"]]);
    const told = body(text, { unlabelled: 'participant', unlabelledExplicit: true });
    expect(told.segments.map((s) => [s.role, s.speaker])).toEqual([
      ['participant', null],
      ['participant', null],
    ]);
    expect(told.diagnostics).toEqual([]);
  });

  it('skips Markdown headings', () => {
    const r = body('# Interview\n\n**Interviewer:** Hi\n\n## Part 2\n**MS07:** Hello\n', { markdown: true });
    expect(r.segments.map((s) => [s.speaker, s.startLine, s.text])).toEqual([
      ['Interviewer', 3, 'Hi'],
      ['MS07', 6, 'Hello'],
    ]);
  });

  it('keeps a timestamp on its paragraph', () => {
    const r = body('[00:00:05] Interviewer: Hi\n[00:00:09] MS07: Hello.\nStill me.\n\n[00:01:00] And later.\n');
    expect(r.segments.map((s) => [s.text, s.timestamp])).toEqual([
      ['Hi', '00:00:05'],
      ['Hello.\nStill me.', '00:00:09'],
      ['And later.', '00:01:00'],
    ]);
  });

  it('treats each line as a paragraph for Word documents', () => {
    const r = body('Interviewer: Hi\nMS07: One.\nTwo.\n', { paragraphPerLine: true });
    expect(r.segments.map((s) => [s.speaker, s.startLine, s.text])).toEqual([
      ['Interviewer', 1, 'Hi'],
      ['MS07', 2, 'One.'],
      ['MS07', 3, 'Two.'],
    ]);
  });
});

describe('front matter', () => {
  it('reads known keys and keeps the rest as attributes, with their lines', () => {
    const { frontMatter, diagnostics } = parseFrontMatter('participant: MS07\nwave: post\ndate: 2022-05-03\nlocation: hospital\nminutes: 32\n', 't.txt');
    expect(diagnostics).toEqual([]);
    expect(frontMatter).toMatchObject({ participant: 'MS07', wave: 'post', date: '2022-05-03', attributes: { location: 'hospital', minutes: 32 } });
    expect(frontMatter.lines['wave']).toBe(3);
  });

  it('reports an unclosed front matter and a bad date with the file line', () => {
    expect(splitFrontMatter('---\nparticipant: MS07\n\nhello\n', 't.txt').diagnostic?.message).toMatch(/never closed/);
    const { diagnostics } = parseFrontMatter('participant: MS07\ndate: 14/09/2021\n', 't.txt');
    expect(diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([[3, 7, "date '14/09/2021' is not a date"]]);
  });
});

function subtitles(...args: Parameters<typeof parseSubtitles>) {
  const r = parseSubtitles(...args);
  return { ...r, segments: r.segments.toArray() };
}

describe('WebVTT and SRT', () => {
  const c = speakerClassifier({ interviewers: ['Dana Moss'], participantLabels: [], participant: 'P1' });

  it('reads Teams voice tags and merges consecutive cues of one speaker', () => {
    const vtt = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Dana Moss>Hello.</v>\n\n00:00:02.500 --> 00:00:04.000\n<v P1>Hi, I am</v>\n\n00:00:04.000 --> 00:00:05.000\n<v P1>glad to be here.</v>\n';
    const r = subtitles(vtt, { file: 'a.vtt', documentId: 'P1/w1', format: 'vtt', classify: c });
    expect(r.segments.map((s) => [s.speaker, s.role, s.startLine, s.endLine, s.timestamp, s.text])).toEqual([
      ['Dana Moss', 'interviewer', 4, 4, '00:00:01.000', 'Hello.'],
      ['P1', 'participant', 7, 10, '00:00:02.500', 'Hi, I am glad to be here.'],
    ]);
  });

  it('reads Zoom "Name: text" cues in SRT', () => {
    const srt = '1\n00:00:01,000 --> 00:00:02,000\nDana Moss: Ready?\n\n2\n00:00:02,500 --> 00:00:04,000\nP1: Yes.\n';
    const r = subtitles(srt, { file: 'a.srt', documentId: 'P1/w1', format: 'srt', classify: c });
    expect(r.segments.map((s) => [s.speaker, s.startLine, s.timestamp, s.text])).toEqual([
      ['Dana Moss', 3, '00:00:01.000', 'Ready?'],
      ['P1', 7, '00:00:02.500', 'Yes.'],
    ]);
  });

  it('rejects a .vtt without the WEBVTT header', () => {
    const r = subtitles('00:00:01.000 --> 00:00:02.000\nHello\n', { file: 'a.vtt', documentId: 'P1/w1', format: 'vtt', classify: c });
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', line: 1 });
  });
});
