import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readDocument } from '../../src/core/study/documents.js';
import { isAsciiText } from '../../src/core/text/decode.js';
import { splitAsciiFrontMatter, splitFrontMatter } from '../../src/core/transcript/front-matter.js';
import { speakerClassifier } from '../../src/core/transcript/labels.js';
import { parseAsciiBody } from '../../src/core/transcript/parse-ascii.js';
import { parseTextBody, type BodyOptions, type ParsedBody } from '../../src/core/transcript/parse-text.js';
import { bodyChoices, bodyOptionsOf, type BodyChoice } from '../helpers/body-options.js';
import { config } from '../helpers/study.js';
import { parseTextBody as parseTextBodyOracle } from '../helpers/transcript-text/parse-text.js';

/**
 * The byte parser of ASCII files (parse-ascii.ts, splitAsciiFrontMatter, readDocument given the
 * bytes) reads every ASCII text exactly as the text parser reads its decoded text (the oracle: the
 * text parser as it was, kept in tests/helpers/transcript-text): the same segments (lines,
 * offsets, speakers, roles, turns, timestamps, ids, texts), line count, styles, service lines,
 * skipped text and diagnostics, on generated transcripts of what real ones have in ASCII: LF, CRLF,
 * lone CR and mixed, tabs, trailing spaces, empty lines, other control characters, every label and
 * timestamp form, long labels, bold labels, bullets, headings, service lines, colons in speech,
 * front matter closed in every way (and never).
 */
const pieces = [
  'Interviewer:',
  'Interviewer :',
  'Interviewer:text',
  'MS07:',
  'ms07:',
  'Mom:',
  'Researcher 2:',
  'P0001:',
  'admin-1:',
  'I',
  'In',
  'Interviewe',
  'Interviewers:',
  'M',
  'MS0',
  'MS070:',
  'P000',
  'The thing is:',
  'so:',
  'One Two Three Four:',
  'One Two Three Four Five:',
  `${'A'.repeat(39)}:`,
  `${'A'.repeat(40)}:`,
  `${'A'.repeat(41)}:`,
  '[00:01:44]',
  '[00:01:44)',
  '(00:01:44)',
  '[1:02]',
  '(12:31.5)',
  '[00:01:02.123]',
  '[00:01:02,5]',
  '[000:01:02]',
  '[0:1:02]',
  '00:12:31',
  '0:03',
  '10:30',
  '12:34:56',
  'Jane Doe  0:09',
  'Jane Doe\t0:09',
  'Jane Doe 0:09',
  'Speaker 1 (00:05):',
  'Speaker 1 (00:05)',
  '(laughs)',
  'ends:',
  '**Interviewer:**',
  '**MS07**:',
  '**',
  'http://example.org',
  ':',
  '::',
  ' ',
  '  ',
  '\t',
  '\r',
  '\v',
  '\f',
  '\0',
  'word',
  'Word',
  'speech,',
  'well.',
  '- ',
  '* ',
  '1. ',
  'a) ',
  '# Heading',
  '#',
  'Transcribed by https://otter.ai',
  'Jane Doe started transcription',
  'Jane Doe stopped transcription',
  '---',
  '...',
];
const ascii = fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)), maxLength: 12 });
const piece = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...pieces) }, { weight: 2, arbitrary: fc.stringMatching(/^[a-zA-Z0-9:. ]{0,12}$/) }, { weight: 1, arbitrary: ascii });
const textLine = fc.tuple(fc.array(piece, { maxLength: 7 }), fc.constantFrom('', ' ')).map(([ps, sep]) => ps.join(sep));
const lineOf = fc.tuple(fc.constantFrom('', ' ', '  ', ' \t', '\t'), textLine, fc.constantFrom('', ' ', '\t ', '  ')).map(([pad, l, trail]) => `${pad}${l}${trail}`);
const frontMatter = fc.oneof(
  fc.constantFrom(
    '',
    '---\nparticipant: MS07\nwave: pre\n---\n',
    '---\r\nparticipant: MS07\r\n---\r\n',
    '---\n---\n',
    '---\nparticipant: MS07\n...\n',
    '---  \nx: y\n--- \t\r\n',
    '---\nx: y\n---\rbody',
    '---\nx: y\r---\n',
    '---\nunclosed: yes\n',
    '---\nx: y\n---',
    '---x\n',
    '--- \t\r\n---\r\r\n',
    '---\n-----\n---\n',
    '---\n.. .\n...',
    '---\nx: y\n--- trailing\n---\n',
    '---\r---\n',
    '---\n\r\n---\r',
    '---\nspeakers: { Mom: other }\n---\n',
    '---\nsegments: line\n---\n',
  ),
  // Front matter made of lines of every closing kind, joined by every end of line.
  fc.tuple(fc.array(fc.constantFrom('---', '--- ', '---\t', '---\r', '...', '....', 'a: b', '', ' ---', 'x'), { maxLength: 5 }), fc.constantFrom('\n', '\r\n', '\r')).map(([ls, eol]) => `---\n${ls.join(eol)}${eol}`),
);
const transcript = fc.record({
  frontMatter,
  lines: fc.array(fc.oneof({ weight: 4, arbitrary: lineOf }, { weight: 1, arbitrary: fc.constant('') }), { maxLength: 30 }),
  eol: fc.constantFrom('\n', '\r\n', '\r', 'mixed'),
  end: fc.constantFrom('', '\n', '\r\n', '\r', '\n\n'),
});

function build(t: { frontMatter: string; lines: string[]; eol: string; end: string }): string {
  const eols = ['\n', '\r\n', '\r'];
  const body = t.lines.map((l, i) => (i === 0 ? l : (t.eol === 'mixed' ? eols[i % 3]! : t.eol) + l)).join('');
  return `${t.frontMatter}${body}${t.end}`;
}

const bytesOf = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

const options = fc.record({ ...bodyChoices, source: fc.boolean() });

const classify = speakerClassifier({ interviewers: ['Interviewer', 'Researcher 2'], participantLabels: ['Participant'], participant: 'MS07', participantIds: ['MS07', 'P0001', 'admin-1'], maps: [new Map([['Mom', 'other' as const]])] });

const bodyOptions = (text: string, o: BodyChoice): BodyOptions => bodyOptionsOf(text, o, classify);

/** Everything a parse gives, as plain data (each segment's text read through the list). */
function plain(r: ParsedBody) {
  const list = r.segments;
  return {
    ...r,
    segments: JSON.parse(JSON.stringify(list.toArray())) as unknown,
    columns: Array.from({ length: list.length }, (_, i) => [list.startOffset(i), list.endOffset(i), list.speakerIndex(i), list.timestamp(i), list.id(i), list.isSlice(i), list.hasExplicitText(i)]),
    speakers: [...list.speakers],
    text: list.sourceTextValue,
  };
}

describe('ASCII files read as bytes read exactly as their text', () => {
  it('generated transcripts are all ASCII (the generator is not vacuous)', () => {
    fc.assert(fc.property(transcript, (t) => isAsciiText(bytesOf(build(t))) && bytesOf(build(t)).length === build(t).length));
  });

  it('the same front matter split and diagnostic', () => {
    fc.assert(
      fc.property(transcript, (t) => {
        const text = build(t);
        expect(splitAsciiFrontMatter(bytesOf(text), 't.txt')).toEqual(splitFrontMatter(text, 't.txt'));
      }),
      { numRuns: 3000 },
    );
  });

  it('the same segments, line count, styles, skipped text, service lines and diagnostics as the text parser (and the oracle)', () => {
    fc.assert(
      fc.property(transcript, options, (t, o) => {
        const text = build(t);
        const oracle = plain(parseTextBodyOracle(text, bodyOptions(text, o)));
        expect(plain(parseAsciiBody(bytesOf(text), bodyOptions(text, o)))).toEqual(oracle);
        expect(plain(parseTextBody(text, bodyOptions(text, o)))).toEqual(oracle);
      }),
      { numRuns: 3000 },
    );
  });

  it('the same document and diagnostics from readDocument given the bytes or the text', () => {
    const cfg = config('speakers:\n  map:\n    Mom: other\n');
    fc.assert(
      fc.property(transcript, fc.constantFrom('transcripts/MS07_pre.txt', 'transcripts/MS07_pre.md', 'transcripts/MS07.txt'), (t, file) => {
        const text = build(t);
        const name = file.includes('_') ? { participant: 'MS07', wave: 'pre' } : null;
        const format = file.endsWith('.md') ? 'markdown' : 'text';
        const a = readDocument({ file, ascii: bytesOf(text), format, name }, cfg, ['MS07', 'P0001']);
        const b = readDocument({ file, text, format, name }, cfg, ['MS07', 'P0001']);
        const doc = (r: typeof a) => (r.document ? { fields: JSON.parse(JSON.stringify(r.document)) as unknown, segments: JSON.parse(JSON.stringify(r.document.segments)) as unknown } : undefined);
        expect(a.diagnostics).toEqual(b.diagnostics);
        expect(doc(a)).toEqual(doc(b));
      }),
      { numRuns: 1500 },
    );
  });

  it('hand-made cases: a 100 KB line, a label on a 100 KB line, a file of one line without an end, an empty file', () => {
    const o: BodyChoice = { markdown: false, inlineHeaders: false, mode: 'paragraph', unlabelled: 'note', unlabelledExplicit: false, known: true, source: false };
    const cases = [`Interviewer: hi\n${'x'.repeat(100_000)}\nMS07: yes\n`, `Interviewer: hi\n${'Word '.repeat(20_000)}: after\nMS07: yes`, `${'A'.repeat(100_000)}: text\nMS07: yes\r\n`, `MS07: ${'long speech, '.repeat(8_000)}\r\n\r\nInterviewer:\r\n[00:01:02] ok`, 'MS07: one line, no end', '', '\n', '\r\r\r'];
    for (const text of cases) {
      const oracle = plain(parseTextBodyOracle(text, bodyOptions(text, o)));
      expect(plain(parseAsciiBody(bytesOf(text), bodyOptions(text, o)))).toEqual(oracle);
    }
    // What they are, by hand: the 100 KB line is one note paragraph between two turns (lines 1, 2, 3).
    const r = parseAsciiBody(bytesOf(cases[0]!), bodyOptions(cases[0]!, o));
    expect(r.segments.toArray().map((s) => [s.speaker, s.startLine, s.endLine, s.text.length])).toEqual([
      ['Interviewer', 1, 2, 2 + 1 + 100_000],
      ['MS07', 3, 3, 3],
    ]);
    expect(r.lineCount).toBe(4);
  });
});
