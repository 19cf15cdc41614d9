import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mammoth from 'mammoth';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { bin, qualwave, repo } from '../helpers/cli.js';

/**
 * Word output of every table command, opened again by another program (mammoth, which reads
 * .docx as Word writes it): real tables with their captions, the same cells as the Markdown.
 */
const buddy = join(repo, 'fixtures/buddy-study');
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'qw-docx-'));

/** The command in this process (tests/helpers/cli.ts); a failure throws with its stderr. */
async function qw(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await qualwave([...args, '--study', buddy, '--no-color']);
  if (r.code !== 0) throw new Error(`qualwave ${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
  return r;
}

/** The tables of a .docx as mammoth reads them: caption before each, rows of cell texts. */
async function readDocx(file: string): Promise<Array<{ caption: string; rows: string[][] }>> {
  const { value } = await mammoth.convertToHtml({ path: file });
  const out: Array<{ caption: string; rows: string[][] }> = [];
  for (const m of value.matchAll(/<p><strong>(Table \d+\. ?)<\/strong>(?:<em>(.*?)<\/em>)?<\/p><table>(.*?)<\/table>/g)) {
    const rows = [...m[3]!.matchAll(/<tr>(.*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<t[hd]>(.*?)<\/t[hd]>/g)].map((c) => text(c[1]!)));
    out.push({ caption: `${m[1]}${text(m[2] ?? '')}`, rows });
  }
  return out;
}

const text = (h: string) =>
  h
    .replace(/<br>/g, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");

/** Cells of the same command's --format html table. */
function htmlRows(html: string): string[][] {
  return [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((c) => text(c[1]!)));
}

/** Cells of a Markdown pipe table (summary's --format md), without the bold marks. */
function markdownRows(md: string): string[][] {
  return md
    .split('\n')
    .filter((l) => l.startsWith('| ') && !/^\|( :?---:? \|)+$/.test(l))
    .map((l) =>
      l
        .slice(2, -2)
        .split(' | ')
        .map((c) => c.replace(/\*\*/g, '').replace(/\\(.)/g, '$1')),
    );
}

const COMMANDS: Array<{ args: string[]; tables: number }> = [
  { args: ['matrix'], tables: 1 },
  { args: ['matrix', '--rows', 'code'], tables: 1 },
  { args: ['trajectories'], tables: 1 },
  { args: ['trajectories', '--patterns'], tables: 1 },
  { args: ['framework'], tables: 1 },
  { args: ['cooccurrence'], tables: 1 },
  { args: ['saturation'], tables: 1 },
  { args: ['agree', '--coders', 'alice,ben', '--resamples', '0'], tables: 1 },
  { args: ['change'], tables: 1 },
  { args: ['anticipated'], tables: 1 },
  { args: ['dropout'], tables: 1 },
  { args: ['case-matrix'], tables: 1 },
  { args: ['codebook', 'show'], tables: 1 },
  { args: ['summary'], tables: 4 },
];

describe('Word tables (-o FILE.docx)', () => {
  it.each(COMMANDS)('$args: real Word tables with captions, the cells of the HTML table', async ({ args, tables }) => {
    const file = join(dir, `${args.join('-')}.docx`);
    const summary = args[0] === 'summary';
    const [, other] = await Promise.all([qw([...args, '-o', file]), qw([...args, '--format', summary ? 'md' : 'html'])]);
    const got = await readDocx(file);
    expect(got).toHaveLength(tables);
    got.forEach((t, i) => expect(t.caption.startsWith(`Table ${i + 1}.`)).toBe(true));
    // The first table has the same cells, row by row (no-break spaces of indented sub-codes aside).
    const want = summary ? markdownRows(other.stdout) : htmlRows(other.stdout);
    const first = got[0]!.rows;
    expect(first.length).toBeGreaterThan(1);
    expect(first.map((r) => r.map((c) => c.replace(/\u00a0/g, ' ').trim()))).toEqual(want.slice(0, first.length).map((r) => r.map((c) => c.replace(/\u00a0/g, ' ').trim())));
  });

  it("agree's notes are under its table; the matrix caption is --caption", async () => {
    const file = join(dir, 'agree-notes.docx');
    await qw(['agree', '--coders', 'alice,ben', '--resamples', '200', '-o', file]);
    const { value } = await mammoth.convertToHtml({ path: file });
    expect(value).toContain('† emotions: nobody applied the code');
    const caption = join(dir, 'caption.docx');
    await qw(['matrix', '--caption', 'Themes & waves <b>', '-o', caption]);
    expect((await readDocx(caption))[0]!.caption).toBe('Table 1. Themes & waves <b>');
  });

  it("the report's tables in one document; the same bytes on every run (time zone too)", async () => {
    const a = join(dir, 'report-a.docx');
    const b = join(dir, 'report-b.docx');
    await qw(['report', '-o', a]);
    await run(process.execPath, [bin, 'report', '--study', buddy, '-o', b], { env: { ...process.env, TZ: 'Pacific/Kiritimati' } });
    const got = await readDocx(a);
    expect(
      got.map((t) =>
        t.caption
          .replace(/^Table \d+\. /, '')
          .split(/[:(]/)[0]!
          .trim(),
      ),
    ).toEqual([
      'Waves',
      'Codebook',
      'Agreement between alice, ben on 252 segments',
      'Themes by wave',
      'Codes by wave',
      'Trajectories between consecutive waves, among participants interviewed at both',
      'Change within each participant across pre, 4-month, post',
      'Change within each participant across pre, 4-month, post',
      'Anticipated vs experienced',
      'Anticipated vs experienced, per participant',
      'Drop-out check',
      'Case-ordered matrix, by participant',
    ]);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });

  it('a table too wide for a portrait page gets a landscape section; the header row repeats on every page', async () => {
    const file = join(dir, 'codebook-wide.docx');
    await qw(['codebook', 'show', '-o', file]);
    const xml = new TextDecoder().decode(unzipSync(readFileSync(file))['word/document.xml']);
    expect(xml).toContain('w:orient="landscape"');
    expect(xml).toContain('<w:tblHeader/>');
    expect(xml).toContain('SEQ Table');
  });
});
