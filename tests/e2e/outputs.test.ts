import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { qualwave, repo } from '../helpers/cli.js';
import { writeStudy } from '../helpers/study.js';

const buddy = join(repo, 'fixtures/buddy-study');
const tmp = () => mkdtempSync(join(tmpdir(), 'qw-out-'));

describe('an output file gets the content its name says, or nothing', () => {
  it.each([
    [['matrix'], 'm.xlsx', 'this command cannot write an Excel workbook'],
    [['figure', 'heatmap'], 'fig.jpg', 'this command cannot write a JPEG image'],
    [['report'], 'report.pdf', 'this command cannot write .pdf files'],
    [['matrix', '--format', 'csv'], 'm.md', '--format csv does not write .md files'],
    [['matrix'], 'm.dat', 'cannot tell the format of'],
  ])('%s -o %s: exit 2, no file', async (args, name, message) => {
    const out = join(tmp(), name);
    const r = await qualwave([...args, '--study', buddy, '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(existsSync(out)).toBe(false);
  });
  it('an unknown extension with --format is the user’s choice', async () => {
    const out = join(tmp(), 'm.dat');
    expect((await qualwave(['matrix', '--study', buddy, '--format', 'csv', '-o', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^theme,/);
  });
  it('a binary output without -o names a file of its own kind', async () => {
    expect((await qualwave(['export', '--study', buddy])).stderr).toContain('e.g. --output project.qdpx');
  });
});

describe('codings export --format tidy', () => {
  // Transcript lines: 1 "I: Question 1?", 3 "P1: Answer one, about support.", 5 "I: Question 2?", 7 "P1: Dürüm 😀 time."
  const transcript = 'I: Question 1?\n\nP1: Answer one, about support.\n\nI: Question 2?\n\nP1: Dürüm 😀 time.\n';
  const study = () =>
    writeStudy(
      {
        'participants.csv': 'id,group,wave\nP1,a,x\nP2,b,y\n',
        'transcripts/P1_w2.txt': transcript,
        'transcripts/P2_w1.txt': 'I: Hi?\n\nP2: =HYPERLINK("x") said so.\n',
        // An exact span after "P2: " (4 characters; the text is 24 long: columns 5-28); whole lines; an exact span (line 7 columns 5-11: "Dürüm 😀", the emoji one column); a memo.
        'codings/alice.tsv': ['participant\twave\tlines\tcode\texemplar\tmemo\thash', 'P1\tw2\t3\tt.a\tyes\tfirst\t', 'P1\tw2\t7:5-7:11\tt.b\t\t\t', 'P2\tw1\t3:5-3:28\tt\t\t\t', ''].join('\n'),
      },
      { participants: ['P1', 'P2'] },
    );

  it('one row per coding with attributes, wave order, theme, span, text and coder (CSV)', async () => {
    const r = await qualwave(['codings', 'export', '--format', 'tidy', '--study', study()]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    // The attribute called "wave" would collide with the wave column: it is participant_wave.
    expect(lines[0]).toBe('coder,participant,group,participant_wave,wave,wave_label,wave_order,date,theme,theme_label,code,code_label,file,start_line,start_column,end_line,end_column,text,words,exemplar,memo');
    // Wave w1 (order 1) first, then w2 by place; the formula is guarded.
    expect(lines[1]).toBe(`alice,P2,b,y,w1,first,1,,t,Theme,t,Theme,transcripts/P2_w1.txt,3,5,3,28,"'=HYPERLINK(""x"") said so.",3,FALSE,`);
    // Whole lines: their text as in the file, the speaker's label included (as in the interchange CSV).
    expect(lines[2]).toBe('alice,P1,a,x,w2,second,2,,t,Theme,t.a,A,transcripts/P1_w2.txt,3,,3,,"P1: Answer one, about support.",5,TRUE,first');
    expect(lines[3]).toBe('alice,P1,a,x,w2,second,2,,t,Theme,t.b,B,transcripts/P1_w2.txt,7,5,7,11,Dürüm 😀,2,FALSE,');
    expect(lines).toHaveLength(4);
  });

  it('TSV and JSON Lines by format or by the file’s extension', async () => {
    const dir = study();
    const tsv = (await qualwave(['codings', 'export', '--format', 'tidy-tsv', '--study', dir])).stdout.split('\n');
    expect(tsv[3]).toBe('alice\tP1\ta\tx\tw2\tsecond\t2\t\tt\tTheme\tt.b\tB\ttranscripts/P1_w2.txt\t7\t5\t7\t11\tDürüm 😀\t2\tFALSE\t');
    const out = join(tmp(), 'codings.jsonl');
    expect((await qualwave(['codings', 'export', '--format', 'tidy', '--study', dir, '-o', out])).code).toBe(0);
    const rows = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows[2]).toEqual({
      coder: 'alice',
      participant: 'P1',
      group: 'a',
      participant_wave: 'x',
      wave: 'w2',
      wave_label: 'second',
      wave_order: 2,
      date: null,
      theme: 't',
      theme_label: 'Theme',
      code: 't.b',
      code_label: 'B',
      file: 'transcripts/P1_w2.txt',
      start_line: 7,
      start_column: 5,
      end_line: 7,
      end_column: 11,
      text: 'Dürüm 😀',
      words: 2,
      exemplar: false,
      memo: null,
    });
    // No --format: a .jsonl file can only be the tidy table.
    const out2 = join(tmp(), 'c.jsonl');
    expect((await qualwave(['codings', 'export', '--study', dir, '-o', out2])).code).toBe(0);
    expect(readFileSync(out2, 'utf8')).toBe(readFileSync(out, 'utf8'));
  });
});
