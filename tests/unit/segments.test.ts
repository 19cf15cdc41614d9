import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadStudy } from '../../src/io/load-study.js';
import { paragraphText } from '../../src/core/transcript/paragraph.js';
import { SegmentList } from '../../src/core/transcript/segment-list.js';
import { sentenceRanges } from '../../src/core/transcript/sentences.js';
import { config, read, rows } from '../helpers/study.js';

/**
 * Segmentation modes, chosen per study or per transcript without touching the file: every
 * segment's lines are the lines of the file as it is (checked against the file's own lines).
 */
const NOTES = ['---', 'participant: MS07', 'wave: pre', 'segments: bullet', '---', 'Session 2 observation notes', '- MS07 opens the app,', '  scrolls past the banner.', '- Asks "where is my list?"', '  * taps Settings', '1. Finds it after 40 s.', '', 'Afterwards she says it was fine.', 'Really fine.'].join('\r\n');

/** Every segment's text starts on its first line and ends on its last line of the original file. */
function expectLinesOfFile(text: string, segments: ReadonlyArray<{ startLine: number; endLine: number; text: string }>): void {
  const lines = text.split(/\r?\n/);
  for (const s of segments) {
    const parts = s.text.split('\n');
    expect(lines[s.startLine - 1]).toContain(parts[0]!.slice(0, 12));
    expect(lines[s.endLine - 1]).toContain(parts[parts.length - 1]!.slice(-8));
  }
}

describe('segments: paragraph, line, sentence, bullet', () => {
  it('bullet: each bullet item is a segment, continuation lines stay with it (front matter, CRLF)', () => {
    const r = read('transcripts/MS07_pre.txt', NOTES);
    expect(r.document!.segmentation).toEqual({ mode: 'bullet', from: 'front matter' });
    expect(rows(r).map(([, , a, b, t]) => [a, b, t])).toEqual([
      [6, 6, 'Session 2 observation notes'],
      [7, 8, 'MS07 opens the app,\nscrolls past the banner.'],
      [9, 9, 'Asks "where is my list?"'],
      [10, 10, 'taps Settings'],
      [11, 11, 'Finds it after 40 s.'],
      [13, 14, 'Afterwards she says it was fine.\nReally fine.'],
    ]);
    expectLinesOfFile(NOTES, r.document!.segments);
  });

  it('bullet: a label after a bullet marker opens a turn (in bullet mode only)', () => {
    const text = '- Interviewer: Any trouble?\n- MS07: None.\n';
    expect(rows(read('transcripts/MS07_pre.txt', `---\nsegments: bullet\n---\n${text}`)).map(([sp, role, a]) => [sp, role, a])).toEqual([
      ['Interviewer', 'interviewer', 4],
      ['MS07', 'participant', 5],
    ]);
    expect(rows(read('transcripts/MS07_pre.txt', `---\nunlabelled: note\n---\n${text}`)).map(([sp, role, a, b]) => [sp, role, a, b])).toEqual([[null, 'note', 4, 5]]);
  });

  it('bullet: an item without a label after a quoted turn is a note, not the speaker continuing', () => {
    const text = '\tMODERATOR: Can you find it?\n- MS07 scrolls twice,\n  then opens Settings.\n- MS07: "It moved."\n- Finds it after 40 s.\n';
    const r = read('transcripts/MS07_pre.txt', text, config('transcripts:\n  segments: bullet\nspeakers:\n  interviewers: [Moderator]\n'));
    expect(rows(r)).toEqual([
      ['MODERATOR', 'interviewer', 1, 1, 'Can you find it?'],
      [null, 'note', 2, 3, 'MS07 scrolls twice,\nthen opens Settings.'],
      ['MS07', 'participant', 4, 4, '"It moved."'],
      [null, 'note', 5, 5, 'Finds it after 40 s.'],
    ]);
  });

  it('paragraph (the default) keeps the same notes as two segments, with the same line numbers', () => {
    const r = read('transcripts/MS07_pre.txt', NOTES.replace('segments: bullet', 'unlabelled: note'));
    expect(rows(r).map(([, , a, b]) => [a, b])).toEqual([
      [6, 11],
      [13, 14],
    ]);
  });

  it('line: every line is a segment', () => {
    const text = 'Interviewer: How was it?\nMS07: Good.\nReally good.\n\n  Then tiring.\n';
    const r = read('transcripts/MS07_pre.txt', text, config('transcripts:\n  segments: line\n'));
    expect(r.document!.segmentation).toEqual({ mode: 'line', from: 'study' });
    expect(rows(r)).toEqual([
      ['Interviewer', 'interviewer', 1, 1, 'How was it?'],
      ['MS07', 'participant', 2, 2, 'Good.'],
      ['MS07', 'participant', 3, 3, 'Really good.'],
      ['MS07', 'participant', 5, 5, 'Then tiring.'],
    ]);
    expectLinesOfFile(text, r.document!.segments);
  });

  it('sentence: every sentence, across wrapped lines, with ids that stay unique', () => {
    const text = 'Interviewer: Two questions. First, how?\nMS07: Dr. Lee helped. She said "go on." I did!\nThen it ended\nwell. OK?\n[00:10:00] Later. done.\n';
    const r = read('transcripts/MS07_pre.txt', text, config('transcripts:\n  segments: sentence\n'));
    expect(rows(r).map(([sp, , a, b, t]) => [sp, a, b, t])).toEqual([
      ['Interviewer', 1, 1, 'Two questions.'],
      ['Interviewer', 1, 1, 'First, how?'],
      ['MS07', 2, 2, 'Dr. Lee helped.'],
      ['MS07', 2, 2, 'She said "go on."'],
      ['MS07', 2, 2, 'I did!'],
      ['MS07', 3, 4, 'Then it ended\nwell.'],
      ['MS07', 4, 4, 'OK?'],
      ['MS07', 5, 5, 'Later. done.'], // a lower-case letter after the full stop: the same sentence
    ]);
    expect(r.document!.segments.map((s) => s.id)).toEqual(['MS07/pre#L1', 'MS07/pre#L1.2', 'MS07/pre#L2', 'MS07/pre#L2.2', 'MS07/pre#L2.3', 'MS07/pre#L3', 'MS07/pre#L4', 'MS07/pre#L5']);
    expect(r.document!.segments[7]!.timestamp).toBe('00:10:00');
    expectLinesOfFile(text, r.document!.segments);
  });

  it('sentence ranges: titles and initials do not end a sentence, CJK full stops do', () => {
    const cut = (s: string) => sentenceRanges(s, 0, s.length).map((r) => s.slice(r.start, r.end));
    expect(cut('Mr. J. Smith came. Yes… Who? Me.')).toEqual(['Mr. J. Smith came.', 'Yes…', 'Who?', 'Me.']);
    expect(cut('e.g. this one. And that.')).toEqual(['e.g. this one.', 'And that.']);
    expect(cut('我去了。你呢？好！')).toEqual(['我去了。', '你呢？', '好！']);
    expect(cut('Ça va ? Oui. 😀 Bien.')).toEqual(['Ça va ?', 'Oui.', '😀 Bien.']);
  });

  it('the file is never touched: each mode gives the same lines for the same text', () => {
    const text = 'Interviewer: Hi.\n\nMS07: One. Two.\n- three\n';
    const all = ['paragraph', 'line', 'sentence', 'bullet'].map((mode) => read('transcripts/MS07_pre.txt', `---\nsegments: ${mode}\n---\n${text}`).document!);
    for (const d of all) {
      const source = d.segmentList.sourceTextValue;
      for (let i = 0; i < d.segmentList.length; i++) {
        // Offsets point into the file as it is, and the text is read from there.
        expect(paragraphText(source, d.segmentList.startOffset(i), d.segmentList.endOffset(i))).toBe(d.segmentList.text(i));
      }
    }
    expect(all.map((d) => d.segments.map((s) => `${s.startLine}-${s.endLine}`))).toEqual([
      ['4-4', '6-7'],
      ['4-4', '6-6', '7-7'],
      ['4-4', '6-6', '6-6', '7-7'],
      ['4-4', '6-6', '7-7'],
    ]);
  });

  it('rejects an unknown mode with the line that says it', () => {
    const r = read('transcripts/MS07_pre.txt', '---\nsegments: words\n---\nMS07: Hi.\n');
    expect(r.diagnostics.map((d) => [d.line, d.message])).toEqual([[2, "segments 'words' is not a way to cut a transcript"]]);
  });

  it('captions: a turn by default, each cue with line, sentences spanning cues', () => {
    const vtt = 'WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.000\nMS07: I went there. It was\n\n2\n00:00:03.500 --> 00:00:05.000\nMS07: fine. Mostly.\n';
    const modes = ['paragraph', 'line', 'sentence'].map((m) => rows(read('transcripts/MS07_pre.vtt', vtt, config(`transcripts:\n  segments: ${m}\n`))).map(([, , a, b, t]) => [a, b, t]));
    expect(modes).toEqual([
      [[5, 9, 'I went there. It was fine. Mostly.']],
      [
        [5, 5, 'I went there. It was'],
        [9, 9, 'fine. Mostly.'],
      ],
      [
        [5, 5, 'I went there.'],
        [5, 9, 'It was fine.'],
        [9, 9, 'Mostly.'],
      ],
    ]);
  });

  it("sentence: says once, at the setting's line, that sentences sharing a line are coded together", async () => {
    const root = mkdtempSync(join(tmpdir(), 'qualwave-sentences-'));
    mkdirSync(join(root, 'transcripts'));
    mkdirSync(join(root, 'codebooks'));
    writeFileSync(join(root, 'qualwave.yaml'), 'title: T\nwaves:\n  - id: pre\ntranscripts:\n  segments: sentence\n');
    writeFileSync(join(root, 'participants.csv'), 'id\nP1\nP2\n');
    writeFileSync(join(root, 'codebooks', 'c.yaml'), 'title: C\ncodes:\n  - id: x\n    label: X\n');
    writeFileSync(join(root, 'transcripts', 'P1_pre.txt'), 'Interviewer: One. Two.\nP1: Three.\n');
    writeFileSync(join(root, 'transcripts', 'P2_pre.txt'), 'Interviewer: One.\nP2: Two. Three. Four.\n');
    const { diagnostics } = await loadStudy(root);
    expect(diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`)).toEqual(['qualwave.yaml:5: transcripts.segments: sentence: 5 sentences in 2 transcripts share a line with another']);
  });
});

describe('SegmentList: a text read lazily can be let go (quotes: the TF-IDF corpus holds one transcript at a time)', () => {
  // "P1: " is characters 0-3; "I go every week." 4-19 (1 + 1 + 2 + 1 + 5 + 1 + 5 = 16 characters), end 20.
  const text = 'P1: I go every week.\n';
  it('is read again after releaseText, the same text', () => {
    let reads = 0;
    const list = new SegmentList('P1/w1', () => {
      reads++;
      return text;
    });
    list.push('P1', 'participant', 0, 1, 1, 4, 20, undefined, undefined);
    expect(list.holdsText).toBe(false);
    expect(list.text(0)).toBe('I go every week.');
    expect([list.holdsText, reads]).toEqual([true, 1]);
    list.releaseText();
    expect([list.holdsText, reads]).toEqual([false, 1]);
    expect(list.text(0)).toBe('I go every week.');
    expect(reads).toBe(2);
  });
  it('a text given as a string is kept', () => {
    const list = new SegmentList('P1/w1', text);
    list.push('P1', 'participant', 0, 1, 1, 4, 20, undefined, undefined);
    list.releaseText();
    expect(list.holdsText).toBe(true);
    expect(list.text(0)).toBe('I go every week.');
  });
});

describe('SegmentList: columns cut from a shared slab', () => {
  it('lists made side by side, growing past their first size, keep exactly what each was given', () => {
    // Segments pushed into several lists in turn (each list's columns sit next to the others' in the
    // slab, and move when the list grows): read back, each list is its own pushes in order, as a plain array of them holds them.
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(5), fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom('interviewer', 'participant', 'other', 'note'), fc.constantFrom(null, 'A', 'B')), { maxLength: 600 }), fc.array(fc.nat(40), { minLength: 6, maxLength: 6 }), (pushes, capacities) => {
        const lists = capacities.map((c, k) => new SegmentList(`D${k}/pre`, '', c));
        const model: Array<Array<[number, string, string | null]>> = lists.map(() => []);
        for (const [k, line, role, speaker] of pushes) {
          lists[k]!.push(speaker, role, model[k]!.length, line, line + 1, line * 2, line * 2 + 1, undefined, undefined);
          model[k]!.push([line, role, speaker]);
        }
        lists.forEach((list, k) => {
          expect(list.length).toBe(model[k]!.length);
          model[k]!.forEach(([line, role, speaker], i) => {
            expect([list.startLine(i), list.endLine(i), list.startOffset(i), list.endOffset(i), list.turn(i), list.role(i), list.speaker(i)]).toEqual([line, line + 1, line * 2, line * 2 + 1, i, role, speaker]);
          });
          // And as plain data, as the study index keeps it.
          const c = list.toColumns();
          expect(c.data.length).toBe(6 * model[k]!.length);
          expect(c.roles.length).toBe(model[k]!.length);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('segment lists: timestamps kept as pushed', () => {
  it('the study index gets exactly the pushed timestamps, by segment in order, and a list made from them answers the same', () => {
    const list = new SegmentList('MS07/pre', 'abcdefghij', 2);
    // Segments 0..5; timestamps on 1, 2 and 5 only (holes between), pushed past the first capacity.
    const stamps = [undefined, '00:00:01', '00:00:02', undefined, undefined, '01:02:03'];
    stamps.forEach((t, i) => list.push('MS07', 'participant', i, i + 1, i + 1, i, i + 1, undefined, t));
    const columns = list.toColumns();
    expect(columns.timestamps).toEqual(
      new Map([
        [1, '00:00:01'],
        [2, '00:00:02'],
        [5, '01:02:03'],
      ]),
    );
    expect([...columns.timestamps!.keys()]).toEqual([1, 2, 5]);
    const again = SegmentList.fromColumns('MS07/pre', 'abcdefghij', columns);
    for (let i = 0; i < stamps.length; i++) {
      expect(list.timestamp(i)).toBe(stamps[i]);
      expect(again.timestamp(i)).toBe(stamps[i]);
      expect(again.at(i).timestamp).toBe(stamps[i]);
    }
    // No timestamp at all: none kept (as before: undefined, not an empty map).
    const plain = new SegmentList('MS07/pre', 'ab');
    plain.push(null, 'note', 0, 1, 1, 0, 2, undefined, undefined);
    expect(plain.toColumns().timestamps).toBeUndefined();
  });

  it('timestamps given as a function (the study index) are made when first asked for, once, and answer as the map would', () => {
    const list = new SegmentList('MS07/pre', 'abcdefghij', 2);
    for (let i = 0; i < 4; i++) list.push('MS07', 'participant', i, i + 1, i + 1, i, i + 1, undefined, undefined);
    const stamps = new Map([
      [0, '00:00:09'],
      [3, '00:01:00'],
    ]);
    let made = 0;
    const lazy = SegmentList.fromColumns('MS07/pre', 'abcdefghij', {
      ...list.toColumns(),
      timestamps: () => {
        made++;
        return stamps;
      },
    });
    expect(made).toBe(0);
    expect(lazy.length).toBe(4);
    expect(lazy.speaker(2)).toBe('MS07');
    expect(made).toBe(0);
    expect([0, 1, 2, 3].map((i) => lazy.timestamp(i))).toEqual(['00:00:09', undefined, undefined, '00:01:00']);
    expect(lazy.at(3).timestamp).toBe('00:01:00');
    expect(lazy.toColumns().timestamps).toBe(stamps);
    expect(made).toBe(1);
    // None (a function giving none): as no map.
    const none = SegmentList.fromColumns('MS07/pre', 'abcdefghij', { ...list.toColumns(), timestamps: () => undefined });
    expect(none.timestamp(0)).toBeUndefined();
    expect(none.toColumns().timestamps).toBeUndefined();
  });
});
