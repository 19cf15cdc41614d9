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
const parse = (text: string) => {
  const r = parseTextBody(text, { file: 't.txt', documentId: 'MS07/pre', start: 0, firstLine: 1, classify });
  return { ...r, segments: r.segments.toArray() };
};

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

describe('front matter fast path', () => {
  it('agrees with the YAML library on every front matter it accepts', async () => {
    const { parse } = await import('yaml');
    const { quickFrontMatter } = await import('../../src/core/transcript/front-matter.js');
    const key = fc.constantFrom('participant', 'wave', 'interviewer', 'date', 'language', 'site', 'mode', 'minutes', 'x-y');
    const value = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ._:#'"-]{0,12}$/),
      fc.constantFrom('true', 'False', 'null', '12', '1e3', '0x1F', '0o17', '2024-02-15', '4-month', 'visioconférence', "d'accord", 'a # b', 'a: b', '12:30', ' lead', 'trail '),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 6 }), (pairs) => {
        const text = pairs.map(([k, v]) => `${k}: ${v}`).join('\n') + '\n';
        const quick = quickFrontMatter(text);
        if (!quick) return;
        const lib = parse(text) as Record<string, unknown> | null;
        const known = ['participant', 'wave', 'interviewer', 'date', 'language'];
        const fromQuick: Record<string, unknown> = { ...quick.attributes };
        for (const k of known) if ((quick as unknown as Record<string, unknown>)[k] !== undefined) fromQuick[k] = (quick as unknown as Record<string, unknown>)[k];
        expect(fromQuick).toEqual(lib ?? {});
      }),
      { numRuns: 2000 },
    );
  });

  it('takes the fast path for ordinary front matter', async () => {
    const { quickFrontMatter } = await import('../../src/core/transcript/front-matter.js');
    expect(quickFrontMatter('participant: MS07\nwave: 4-month\ninterviewer: Chloe\ndate: 2022-01-14\nmode: visioconférence\n')).toEqual({
      participant: 'MS07',
      wave: '4-month',
      interviewer: 'Chloe',
      date: '2022-01-14',
      attributes: { mode: 'visioconférence' },
      lines: { participant: 2, wave: 3, interviewer: 4, date: 5, mode: 6 },
    });
    expect(quickFrontMatter('minutes: 32\n')).toBeUndefined();
    expect(quickFrontMatter('date: 14/09/2021\n')).toBeUndefined();
  });
});
