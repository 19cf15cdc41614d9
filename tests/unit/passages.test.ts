import { describe, expect, it } from 'vitest';
import { passages, type Retrieved } from '../../src/core/coding/retrieve.js';
import { renderPassages } from '../../src/core/format/passages.js';
import { wrapText } from '../../src/core/format/wrap.js';

describe('wrapText', () => {
  it('wraps at spaces to the width, keeps line breaks and blank lines', () => {
    // "aaa bbb" is 7 columns: fits 7, not 6.
    expect(wrapText('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrapText('aaa bbb ccc', 6)).toEqual(['aaa', 'bbb', 'ccc']);
    expect(wrapText('one\n\ntwo', 10)).toEqual(['one', '', 'two']);
  });

  it('breaks a word longer than a line across lines, losing nothing', () => {
    // 12 letters at width 5: 5 + 5 + 2.
    expect(wrapText('x abcdefghijkl y', 5)).toEqual(['x', 'abcde', 'fghij', 'kl y']);
    const long = 'https://example.org/' + 'a'.repeat(100);
    expect(wrapText(long, 30).join('')).toBe(long);
  });

  it('counts wide characters as two columns and an emoji as one code point', () => {
    // 日本 is 4 columns: "日本 語" is 4 + 1 + 2 = 7, too wide for 6.
    expect(wrapText('日本 語', 6)).toEqual(['日本', '語']);
    expect(wrapText('Café 😀 ok', 9)).toEqual(['Café 😀', 'ok']);
  });
});

const coding = (o: Partial<Retrieved>): Retrieved => ({
  coder: 'alice',
  participant: 'P1',
  wave: 'pre',
  code: 'care',
  theme: 'care',
  startLine: 2,
  endLine: 2,
  lines: '2',
  start: { line: 2, column: 1 },
  end: { line: 2, column: 20 },
  file: 'transcripts/P1_pre.txt',
  speaker: 'P',
  role: 'participant',
  text: 'I needed rest, and money was short.',
  attribution: '(P1, before)',
  exemplar: false,
  segments: ['P1/pre#2'],
  ...o,
});

describe('the terminal view of coded passages', () => {
  it('one entry per passage: the coders of each code together, exemplars starred; another span is another entry', () => {
    const rows = [coding({}), coding({ coder: 'ben', exemplar: true }), coding({ coder: 'ben', code: 'worry' }), coding({ lines: '2:3-2:8', text: 'needed' })];
    const list = passages(rows);
    expect(list.map((p) => [p.lines, p.codes.map((c) => `${c.code}=${c.coders.map((x) => x.coder + (x.exemplar ? '*' : '')).join('+')}`).join(' ')])).toEqual([
      ['2', 'care=alice+ben* worry=ben'],
      ['2:3-2:8', 'care=alice'],
    ]);
    expect(renderPassages(list, { width: 80 })).toBe(['transcripts/P1_pre.txt:2  (P1, before)', '  care: alice, ben *; worry: ben', '    I needed rest, and money was short.', '', 'transcripts/P1_pre.txt:2:3-2:8  (P1, before)', '  care: alice', '    needed', ''].join('\n'));
  });

  it('at 40 columns the text wraps and file:line stays whole; control sequences never reach the terminal', () => {
    const long = coding({ file: 'transcripts/a-very-long-participant-name_4-month.txt', attribution: '(a-very-long-participant-name, 4-month interview)', text: 'word '.repeat(20).trim() + ' \x1b]0;pwned\x07end' });
    const out = renderPassages(passages([long]), { width: 40 });
    const lines = out.split('\n');
    expect(lines[0]).toBe('transcripts/a-very-long-participant-name_4-month.txt:2');
    expect(lines[1]).toBe('  (a-very-long-participant-name, 4-month');
    // The text lines: 4 spaces of indent, then at most 36 columns: seven "word"s (7*4+6 = 34).
    expect(lines[4]).toBe('    word word word word word word word');
    expect(out).not.toMatch(/\x1b|\x07/);
    expect(out.replace(/\s+/g, ' ')).toContain('word word end');
  });
});
