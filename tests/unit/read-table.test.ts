import { describe, expect, it } from 'vitest';
import { detectDelimiter, parseTable, readTable } from '../../src/core/format/read-table.js';

/** The one table reader: expected rows and lines worked out by hand from each text below. */
describe('the table reader', () => {
  it('detects the delimiter the header uses most, outside quotes', () => {
    expect(detectDelimiter('id,site\nP1,north\n')).toBe(',');
    expect(detectDelimiter('id;site;note\nP1;nord;"a, b"\n')).toBe(';');
    expect(detectDelimiter('code\tparticipant\twave\n')).toBe('\t');
    // Commas inside a quoted header field do not count.
    expect(detectDelimiter('"a, b, c";d;e\n')).toBe(';');
    expect(detectDelimiter('single\n1\n')).toBe(',');
  });

  it('reads rows with the line each starts on: blank lines skipped, CRLF and CR endings, a BOM', () => {
    // Lines: 1 header, 2 P1, 3 blank, 4 P2, 5 P3.
    const t = parseTable('\ufeffid,site\r\nP1,north\r\n\r\nP2,south\r\nP3,north\r\n', 'p.csv').table!;
    // An old Mac file ends its lines with CR alone: the same rows and lines.
    expect(parseTable('id,site\rP1,north\r\rP2,south\rP3,north\r', 'p.csv').table!.rows).toEqual(t.rows);
    expect(t.header).toEqual(['id', 'site']);
    expect(t.rows).toEqual([
      { cells: ['P1', 'north'], line: 2 },
      { cells: ['P2', 'south'], line: 4 },
      { cells: ['P3', 'north'], line: 5 },
    ]);
  });

  it('a quoted field over several lines: the row starts where its first field is; later rows keep their lines', () => {
    // Line 2 opens a quote closed on line 3; the next row is on line 4.
    const t = parseTable('code,memo\na,"first\nsecond"\nb,"x;y"\n', 'd.csv').table!;
    expect(t.rows).toEqual([
      { cells: ['a', 'first\nsecond'], line: 2 },
      { cells: ['b', 'x;y'], line: 4 },
    ]);
  });

  it('semicolons (a French spreadsheet) and tabs read as written; trim on request', () => {
    expect(parseTable('id;site\nP1;nord\n', 'p.csv').table!.rows[0]!.cells).toEqual(['P1', 'nord']);
    expect(parseTable('a\tb\n1\t2\n', 't.tsv').table!.delimiter).toBe('\t');
    expect(parseTable('a, b\n 1 , 2\n', 'x.csv', { trim: true }).table!.rows[0]!.cells).toEqual(['1', '2']);
    expect(parseTable('a, b\n 1 , 2\n', 'x.csv').table!.rows[0]!.cells).toEqual([' 1 ', ' 2']);
  });

  it('an unclosed quote is a diagnostic with file and line, not a crash', () => {
    const r = parseTable('a,b\n1,2\n"3,4\n5,6\n', 'm.csv');
    expect(r.table).toBeUndefined();
    expect(r.diagnostic!.file).toBe('m.csv');
    expect(r.diagnostic!.line).toBe(3);
    expect(r.diagnostic!.message).toBe('cannot read CSV: a double quote opened in this row is never closed');
  });

  it('decodes bytes first: UTF-8 with accents reads; UTF-16 and Latin-1 are refused with what to do', () => {
    expect(readTable(Buffer.from('\ufeffid,nom\nP1,Zoé 🙂\n', 'utf8'), 'u.csv').table!.rows[0]!.cells).toEqual(['P1', 'Zoé 🙂']);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,nom\nP1,Zoé\n', 'utf16le')]);
    expect(readTable(utf16, 'u.csv').diagnostic!.hint).toContain('iconv -f UTF-16LE -t UTF-8');
    const latin1 = Buffer.from('id,nom\nP1,Zo\xe9\n', 'latin1');
    const bad = readTable(latin1, 'l.csv');
    expect(bad.table).toBeUndefined();
    expect(bad.diagnostic!.message).toContain('not valid UTF-8');
  });

  it('the fast path (no quotes) gives the same rows and lines as the general one', () => {
    const lines = ['a,b', '', '1,2', '3,4', '', '', '5,', ',6'];
    const plain = parseTable(lines.join('\n') + '\n', 'x.csv').table!;
    // The same text with one quoted field forces the general path: lines must agree.
    const quoted = parseTable(lines.join('\n').replace('3,4', '"3",4') + '\n', 'x.csv').table!;
    expect(plain.rows).toEqual(quoted.rows);
    expect(plain.rows.map((r) => r.line)).toEqual([3, 4, 7, 8]);
  });
});
