import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { speakerClassifier } from '../../src/core/transcript/labels.js';
import { parseTextBody } from '../../src/core/transcript/parse-text.js';

/**
 * Invariants of segmentation on generated transcripts: every paragraph of every turn becomes one
 * segment, in order, with line ranges and offsets that point back at exactly its text, whatever
 * the line endings and blank-line spacing.
 */
const word = fc.stringMatching(/^[a-z]{1,8}[,.?:]?$/);
const line = fc.array(word, { minLength: 1, maxLength: 8 }).map((ws) => ws.join(' '));
const paragraph = fc.array(line, { minLength: 1, maxLength: 3 });
const turn = fc.record({
  label: fc.constantFrom('Interviewer', 'MS07', 'Mom', 'Researcher 2'),
  paragraphs: fc.array(paragraph, { minLength: 1, maxLength: 3 }),
  gap: fc.integer({ min: 1, max: 3 }),
});
const transcript = fc.record({ turns: fc.array(turn, { minLength: 1, maxLength: 8 }), crlf: fc.boolean() });

function build(t: { turns: Array<{ label: string; paragraphs: string[][]; gap: number }>; crlf: boolean }): string {
  const lines: string[] = [];
  for (const tu of t.turns) {
    tu.paragraphs.forEach((p, i) => {
      p.forEach((l, k) => lines.push(i === 0 && k === 0 ? `${tu.label}: ${l}` : l));
      for (let g = 0; g < tu.gap; g++) lines.push('');
    });
  }
  return lines.join(t.crlf ? '\r\n' : '\n');
}

const classify = speakerClassifier({ interviewers: ['Interviewer', 'Researcher 2'], participantLabels: [], participant: 'MS07' });
const parse = (text: string) => parseTextBody(text, { file: 't.txt', documentId: 'MS07/pre', start: 0, firstLine: 1, classify });

describe('segmentation properties', () => {
  it('one segment per paragraph, in order, with the right speaker and text', () => {
    fc.assert(
      fc.property(transcript, (t) => {
        const r = parse(build(t));
        const expected = t.turns.flatMap((tu) => tu.paragraphs.map((p) => ({ speaker: tu.label, text: p.join('\n') })));
        expect(r.segments.map((s) => ({ speaker: s.speaker, text: s.text }))).toEqual(expected);
      }),
    );
  });

  it('line ranges increase without overlap and offsets point at the text', () => {
    fc.assert(
      fc.property(transcript, (t) => {
        const text = build(t);
        const r = parse(text);
        const fileLines = text.split(/\r?\n/);
        let last = 0;
        for (const s of r.segments) {
          expect(s.startLine).toBeGreaterThan(last);
          expect(s.endLine).toBeGreaterThanOrEqual(s.startLine);
          expect(s.endLine).toBeLessThanOrEqual(fileLines.length);
          last = s.endLine;
          expect(text.slice(s.start, s.end).replace(/\r/g, '')).toBe(s.text);
          // The paragraph's last line in the file ends with the segment's last line.
          expect(fileLines[s.endLine - 1]!.endsWith(s.text.split('\n').pop()!)).toBe(true);
        }
      }),
    );
  });

  it('line endings change offsets only; ids are stable across re-loads', () => {
    fc.assert(
      fc.property(transcript, (t) => {
        const lf = parse(build({ ...t, crlf: false })).segments;
        const crlf = parse(build({ ...t, crlf: true })).segments;
        const strip = (s: (typeof lf)[number]) => ({ ...s, start: 0, end: 0 });
        expect(crlf.map(strip)).toEqual(lf.map(strip));
        expect(parse(build(t)).segments.map((s) => s.id)).toEqual(parse(build(t)).segments.map((s) => s.id));
        expect(new Set(lf.map((s) => s.id)).size).toBe(lf.length);
      }),
    );
  });
});
