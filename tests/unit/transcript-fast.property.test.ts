import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchTimestamp, readLineHead, speakerClassifier } from '../../src/core/transcript/labels.js';
import { parseTextBody } from '../../src/core/transcript/parse-text.js';
import { bodyChoices, bodyOptionsOf, type BodyChoice } from '../helpers/body-options.js';
import { matchTimestamp as matchTimestampBefore, readLineHead as readLineHeadBefore } from '../helpers/transcript-before/labels.js';
import { parseTextBody as parseTextBodyBefore } from '../helpers/transcript-before/parse-text.js';

/**
 * The transcript parser after its speed-ups (a label's colon found with one indexOf for many
 * lines, `[hh:mm:ss]` read without the regular expression, known labels compared from their first
 * character) reads every text exactly as the parser before them (kept in tests/helpers/
 * transcript-before): the same segments, lines, offsets, timestamps, speakers, roles, counts and
 * diagnostics, on generated transcripts full of what real ones have: CRLF and lone CR, a BOM,
 * emoji and accents, labels of every style, timestamps of every form, blank lines, front matter,
 * bullets, service lines, colons in speech.
 */
const pieces = [
  'Interviewer:',
  'Interviewer :',
  'MS07:',
  'ms07:',
  'Mom:',
  'Researcher 2:',
  'Enquêtrice:',
  'Zoë Ä:',
  'P0001:',
  // Beginnings of known labels (Interviewer, MS07, P0001) that are not them: speech starting with their first letters.
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
  'Speaker 1 (00:05):',
  'Speaker 1 (00:05)',
  '**Interviewer:**',
  '**MS07**:',
  'http://example.org',
  ':',
  '::',
  ' ',
  '  ',
  '\t',
  '\u00a0',
  'é',
  'e\u0301',
  '👍',
  '🧑🏽‍⚕️',
  'word',
  'Word',
  'speech,',
  'well.',
  '- ',
  '* ',
  '• ',
  '1. ',
  'a) ',
  '# Heading',
  'Transcribed by https://otter.ai',
  'Jane Doe started transcription',
  'Jane Doe stopped transcription',
  '\r',
  '\ufeff',
];
const piece = fc.constantFrom(...pieces);
const textLine = fc.tuple(fc.array(fc.oneof(piece, fc.stringMatching(/^[a-zA-Z0-9:. ]{0,12}$/)), { maxLength: 7 }), fc.constantFrom('', ' ')).map(([ps, sep]) => ps.join(sep));
const lineOf = fc.tuple(textLine, fc.constantFrom('', ' ', '  ', ' \t')).map(([l, pad]) => `${pad}${l}`);
const frontMatter = fc.constantFrom('', '---\nparticipant: MS07\nwave: pre\n---\n', '---\r\nparticipant: MS07\r\n---\r\n', '---\n---\n');
const transcript = fc.record({
  bom: fc.boolean(),
  frontMatter,
  lines: fc.array(fc.oneof({ weight: 4, arbitrary: lineOf }, { weight: 1, arbitrary: fc.constant('') }), { maxLength: 30 }),
  eol: fc.constantFrom('\n', '\r\n', '\r', 'mixed'),
  end: fc.constantFrom('', '\n', '\r\n'),
});

function build(t: { bom: boolean; frontMatter: string; lines: string[]; eol: string; end: string }): string {
  const eols = ['\n', '\r\n', '\r'];
  const body = t.lines.map((l, i) => (i === 0 ? l : (t.eol === 'mixed' ? eols[i % 3]! : t.eol) + l)).join('');
  return `${t.bom ? '\ufeff' : ''}${t.frontMatter}${body}${t.end}`;
}

const options = fc.record(bodyChoices);

const classify = speakerClassifier({ interviewers: ['Interviewer', 'Researcher 2', 'Enquêtrice'], participantLabels: ['Participant'], participant: 'MS07', participantIds: ['MS07', 'P0001'] });

function both(text: string, o: BodyChoice) {
  const opts = bodyOptionsOf(text, o, classify);
  const plain = (r: ReturnType<typeof parseTextBody>) => ({ ...r, segments: JSON.parse(JSON.stringify(r.segments.toArray())) as unknown, timestamps: Array.from({ length: r.segments.length }, (_, i) => r.segments.timestamp(i)), speakers: [...r.segments.speakers] });
  return { now: plain(parseTextBody(text, opts)), before: plain(parseTextBodyBefore(text, opts)) };
}

describe('the transcript parser reads every text as before its speed-ups', () => {
  it('the same segments, line count, styles, skipped text, service lines and diagnostics', () => {
    fc.assert(
      fc.property(transcript, options, (t, o) => {
        const { now, before } = both(build(t), o);
        expect(now).toEqual(before);
      }),
      { numRuns: 2000 },
    );
  });

  it('a line head and a timestamp read the same at any offset (with and without the colon scan)', () => {
    fc.assert(
      fc.property(fc.array(lineOf, { minLength: 1, maxLength: 6 }), fc.boolean(), (lines, markdown) => {
        const text = lines.join('\n');
        const known = ['Interviewer', 'MS07', ''];
        const colons = { next: -1 };
        let pos = 0;
        for (const l of lines) {
          let s = pos;
          const e = pos + l.trimEnd().length;
          while (s < e && (text[s] === ' ' || text[s] === '\t' || text[s] === '\u00a0')) s++;
          if (s < e) {
            const before = { ...readLineHeadBefore(text, s, e, markdown, known, classify.known) };
            expect({ ...readLineHead(text, s, e, markdown, known, classify.known) }).toEqual(before);
            expect({ ...readLineHead(text, s, e, markdown, known, classify.known, colons) }).toEqual(before);
          }
          for (let p = pos; p <= e; p++) expect(matchTimestamp(text, p, e)).toEqual(matchTimestampBefore(text, p, e));
          pos += l.length + 1;
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('hand-made cases: the timestamp forms the fast path reads, and those it leaves to the expression', () => {
    // [hh:mm:ss] and (hh:mm:ss), brackets mixed as the expression allows; spaces after are skipped.
    expect(matchTimestamp('[00:01:44] Hi', 0, 13)).toEqual({ value: '00:01:44', next: 11 });
    expect(matchTimestamp('(00:01:44)\tHi', 0, 13)).toEqual({ value: '00:01:44', next: 11 });
    expect(matchTimestamp('[00:01:44) Hi', 0, 13)).toEqual({ value: '00:01:44', next: 11 });
    // Alone on a line with trailing spaces beyond the line's trimmed end: not a timestamp (as before).
    expect(matchTimestamp('[00:01:44]  ', 0, 10)).toBeUndefined();
    expect(matchTimestampBefore('[00:01:44]  ', 0, 10)).toBeUndefined();
    // Fractions, short forms and three-digit hours: the expression's.
    expect(matchTimestamp('[00:01:44.5] Hi', 0, 15)).toEqual({ value: '00:01:44.5', next: 13 });
    expect(matchTimestamp('[1:02] Hi', 0, 9)).toEqual({ value: '00:01:02', next: 7 });
    expect(matchTimestamp('[000:01:02] Hi', 0, 14)).toBeUndefined();
  });
});
