import { describe, expect, it } from 'vitest';
import { decodeCharRefs, escapeMarkdown, guardCsvCell, htmlCommentText, markdownCell, terminalText, unguardCsvCell, xmlText } from '../../src/core/format/escape.js';
import { renderDelimited } from '../../src/core/format/table.js';
import { parseXml } from '../../src/core/refi/import.js';

describe('CSV/TSV formula guard', () => {
  it('guards = + - @, tab and CR first, and every line inside a cell that starts with one', () => {
    expect(guardCsvCell('=HYPERLINK("http://x","click")')).toBe(`'=HYPERLINK("http://x","click")`);
    for (const c of ['+1+1', '-2+3', '@SUM(A1)', '\t=1']) expect(guardCsvCell(c)).toBe(`'${c}`);
    expect(guardCsvCell('\r=1')).toBe("\r'=1");
    expect(guardCsvCell('fine\r=cmd|calc')).toBe("fine\r'=cmd|calc");
    expect(guardCsvCell('line one\n@SUM(1)\r\n+x')).toBe("line one\n'@SUM(1)\r\n'+x");
    expect(guardCsvCell('a plain memo - with a dash')).toBe('a plain memo - with a dash');
    // Numbers are data, not formulas: kept as they are.
    for (const n of ['-0.12', '+3', '-1e-5', '42']) expect(guardCsvCell(n)).toBe(n);
    expect(guardCsvCell('=x', true)).toBe('=x');
  });
  it('reads back exactly what it guarded (codings export, then import)', () => {
    for (const s of ['=1+1', "'=already", "''+x", "'just a quote", 'a\n-b', 'plain', '-0.5']) expect(unguardCsvCell(guardCsvCell(s))).toBe(s);
  });
  it('quotes a bare carriage return, so no reader ends the row there', () => {
    const csv = renderDelimited({ columns: [{ header: 'memo' }, { header: 'n' }], rows: [['a\r=evil()', 1]] }, ',');
    expect(csv).toBe(`memo,n\n"a\r'=evil()",1\n`);
  });
});

describe('Markdown', () => {
  it('HTML, links, images, emphasis, maths and citations in user text show as typed', () => {
    const s = escapeMarkdown('<script>alert(1)</script> ![x](http://t/p.png) [a](javascript:x) *b* $x$ @smith &amp; ~s~ 2^3^ `c`');
    expect(s).toBe('\\<script\\>alert(1)\\</script\\> \\![x\\](http://t/p.png) [a\\](javascript:x) \\*b\\* \\$x\\$ \\@smith \\&amp; \\~s\\~ 2\\^3\\^ \\`c\\`');
  });
  it('leaves ordinary prose, intervals and file names as they were', () => {
    expect(escapeMarkdown('0.72 [0.61, 0.80] in MS01_pre, e-mail a@b.org (n=15)')).toBe('0.72 [0.61, 0.80] in MS01_pre, e-mail a@b.org (n=15)');
  });
  it('no heading, list or quote from the start of a line', () => {
    expect(escapeMarkdown('# title\n- item\n1. one\n> quoted\n===')).toBe('\\# title\n\\- item\n1\\. one\n\\> quoted\n\\===');
  });
  it('table cells stay one cell', () => {
    expect(markdownCell('a | b\nc')).toBe('a \\| b c');
    expect(htmlCommentText('x --> <script>')).not.toContain('-->');
  });
});

describe('terminal', () => {
  it('removes escape sequences (title, colours, hyperlinks) and control characters', () => {
    expect(terminalText('a\x1b]0;pwned\x07b\x1b[31mc\x1b[0m\x07\x00d\x9b2Je\u202eg')).toBe('abcdeg');
    expect(terminalText('one\ttwo\nthree', { oneLine: true })).toBe('one two three');
    expect(terminalText('keep\nlines')).toBe('keep\nlines');
  });
});

describe('XML', () => {
  it('export: characters XML 1.0 forbids are removed and counted', () => {
    expect(xmlText('a\u0001b\u0000c\ufffed\ud800e\tf\ng')).toEqual({ text: 'abcde\tf\ng', removed: 4 });
  });
  it('import: character references are decoded, markup references stay markup', () => {
    expect(decodeCharRefs('<a n="caf&#233;">x&#xE9;&#xA;y &#60;b&#62; &amp;#65;<![CDATA[&#65;]]></a>')).toBe('<a n="café">xé\ny &lt;b&gt; &amp;#65;<![CDATA[&#65;]]></a>');
    const el = parseXml('<a n="caf&#233;">l&#xE9;a&#xD;&#xA;b &amp;#65;</a>', 'x.qde') as { a: Record<string, string> };
    expect(el.a['@_n']).toBe('café');
    expect(el.a['#text']).toBe('léa\r\nb &#65;');
  });
  it('import: deep nesting is a clear error, not a crash', () => {
    expect(() => parseXml('<a>'.repeat(5000) + '</a>'.repeat(5000), 'deep.qde')).toThrow(/nested more than 200 deep/);
  });
});
