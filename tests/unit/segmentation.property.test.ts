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

/** Notes and turns as they come: indentation, bullets, lower-case labels, several sentences a line. */
const noteLine = fc
  .tuple(fc.constantFrom('', '  ', '\t', '- ', '  * ', '1. ', '• '), fc.constantFrom('', 'Interviewer: ', 'ms07: ', 'Researcher 2: '), fc.array(fc.stringMatching(/^[A-Za-z]{1,7}[,.?!]?$/), { minLength: 1, maxLength: 9 }))
  .map(([lead, label, ws]) => `${lead}${/^\s*$/.test(lead) ? label : ''}${ws.join(' ')}`); // a label after a bullet is read in bullet mode only: see segments.test.ts
const notes = fc.record({ lines: fc.array(fc.oneof(noteLine, fc.constant('')), { minLength: 1, maxLength: 30 }), crlf: fc.boolean() });
const MODES = ['paragraph', 'line', 'sentence', 'bullet'] as const;

describe('segmentation modes', () => {
  const words = (s: string) => s.split(/\s+/).filter((w) => /[A-Za-z]/.test(w));
  const cut = (text: string, mode: (typeof MODES)[number]) => parseTextBody(text, { file: 't.txt', documentId: 'MS07/pre', start: 0, firstLine: 1, classify, isKnown: (l) => l.toLowerCase() === 'ms07', mode }).segments.toArray();

  it("every mode cuts the same words, in order, at the file's own lines", () => {
    fc.assert(
      fc.property(notes, (n) => {
        const text = n.lines.join(n.crlf ? '\r\n' : '\n');
        const fileLines = text.split(/\r?\n/);
        const reference = cut(text, 'paragraph').flatMap((s) => words(s.text));
        for (const mode of MODES) {
          const segs = cut(text, mode);
          expect(segs.flatMap((s) => words(s.text).filter((w) => !/^[-*•]$/.test(w)))).toEqual(reference.filter((w) => !/^[-*•]$/.test(w)));
          let lastEnd = -1;
          for (const s of segs) {
            expect(s.start).toBeGreaterThan(lastEnd);
            lastEnd = s.end - 1;
            expect(s.startLine).toBeLessThanOrEqual(s.endLine);
            const parts = s.text.split('\n');
            expect(fileLines[s.startLine - 1]).toContain(parts[0]);
            expect(fileLines[s.endLine - 1]).toContain(parts[parts.length - 1]);
          }
          expect(new Set(segs.map((s) => s.id)).size).toBe(segs.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('front matter fast path', () => {
  it('agrees with the YAML library on every front matter it accepts', async () => {
    const { parse } = await import('yaml');
    const { quickFrontMatter } = await import('../../src/core/transcript/front-matter.js');
    const key = fc.constantFrom('participant', 'wave', 'interviewer', 'date', 'language', 'segments', 'unlabelled', 'site', 'mode', 'minutes', 'x-y');
    const value = fc.oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ._:#'"-]{0,12}$/), fc.constantFrom('true', 'False', 'null', '12', '1e3', '0x1F', '0o17', '2024-02-15', '4-month', 'visioconférence', "d'accord", 'a # b', 'a: b', '12:30', ' lead', 'trail ', 'sentence', 'bullet', 'note', 'participant'));
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 6 }), (pairs) => {
        const text = pairs.map(([k, v]) => `${k}: ${v}`).join('\n') + '\n';
        const quick = quickFrontMatter(text);
        if (!quick) return;
        const lib = parse(text) as Record<string, unknown> | null;
        const known = ['participant', 'wave', 'interviewer', 'date', 'language', 'segments', 'unlabelled'];
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
