import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attribution } from '../../src/core/study/attribution.js';
import { clean } from '../../src/core/quotes/text.js';
import { qualwave, repo } from '../helpers/cli.js';

const buddy = join(repo, 'fixtures/buddy-study');
const json = async (args: string[]) => JSON.parse((await qualwave(['quotes', ...args, '--study', buddy, '--format', 'json'])).stdout);

describe('qualwave quotes', () => {
  it('gives the top quotes for a theme and wave, attributed from the template, one per participant', async () => {
    const out = await json(['--theme', 'learning', '--wave', 'post', '--per-cell', '2']);
    expect(out.cells).toHaveLength(1);
    const [a, b] = out.cells[0].quotes;
    expect(a).toMatchObject({ rank: 1, participant: 'MS02', attribution: '(MS02, post interview)', file: 'transcripts/MS02_post.txt', startLine: 18, segment: 'MS02/post#L18', speaker: 'MS02' });
    expect(a.text).toBe('I learned to listen way more than I talk. A lot of my visits, his mom just needed to vent for ten minutes. I also learned the family sees a completely different illness than we do. We see a tumour and a protocol. They see missed school, money stress, a little sister who feels invisible.');
    expect(a.score.exemplar).toBe(true);
    expect(b).toMatchObject({ rank: 2, participant: 'MS14', attribution: '(MS14, post interview)' });
    expect(a.participant).not.toBe(b.participant);
  });

  it('trims long passages at sentence boundaries with "...", keeping the original', async () => {
    const out = await json(['--code', 'support.respite', '--wave', '4-month', '--per-cell', '1', '--max-words', '40']);
    const q = out.cells[0].quotes[0];
    expect(q.trimmed).toBe(true);
    expect(q.text).toBe("... For his mom, she's a single parent, and my visits are when she goes home to shower and sleep for an hour. She told me she hadn't slept more than three hours in a row since October.");
    expect(q.original.startsWith("I think for Jonah it's a break from being the sick kid.")).toBe(true);
    expect(q.words).toBeLessThanOrEqual(40);
    for (const cell of (await json(['--max-words', '40', '--min-words', '10'])).cells) for (const x of cell.quotes) expect(x.words).toBeLessThanOrEqual(40);
  });

  it('writes Markdown block quotes grouped by theme then wave, with the source beside each', async () => {
    const md = (await qualwave(['quotes', '--study', buddy, '--theme', 'learning', '--wave', 'post', '--per-cell', '1'])).stdout;
    expect(md).toContain('## Learning and professional growth\n\n### post interview\n\n> I learned to listen way more than I talk.');
    expect(md).toContain('(MS02, post interview)\n\n<!-- transcripts/MS02_post.txt:18 · MS02/post#L18 · learning.communication, learning.empathy -->');
  });

  it('writes a Word document that opens (read back with mammoth)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qualwave-quotes-'));
    const file = join(dir, 'quotes.docx');
    const r = await qualwave(['quotes', '--study', buddy, '--theme', 'learning', '--per-cell', '1', '-o', file]);
    expect(r.code).toBe(0);
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    const { default: mammoth } = await import('mammoth');
    const text = (await mammoth.extractRawText({ buffer: bytes })).value;
    expect(text).toContain('Learning and professional growth');
    expect(text).toContain('post interview');
    expect(text).toContain('(MS02, post interview)');
    expect((await qualwave(['quotes', '--study', buddy, '--format', 'docx'])).stderr).toContain('a Word document is a binary file: give --output FILE');
  });

  it('the Word document is itself a draft whose quotes all verify', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qualwave-quotes-'));
    const file = join(dir, 'quotes.docx');
    await qualwave(['quotes', '--study', buddy, '--per-cell', '1', '-o', file]);
    const r = await qualwave(['quotes', 'verify', file, '--study', buddy, '--format', 'json']);
    const out = JSON.parse(r.stdout);
    expect(out.quotes.length).toBeGreaterThan(5);
    expect(out.quotes.every((q: { verdict: { status: string } }) => q.verdict.status === 'verified')).toBe(true);
    expect(r.code).toBe(0);
  });

  it('--clean removes fillers and marks each removal', async () => {
    expect(clean('I think, um, it was fine, you know, mostly.')).toBe('I think ... it was fine ... mostly.');
    expect(clean('Uh, we met weekly.')).toBe('we met weekly.');
  });

  it('attributes with any participant attribute or document field', async () => {
    const doc = { participant: 'F2-01', wave: 'entretien', attributes: { mode: 'téléphone' } };
    const study = { config: { waves: [{ id: 'entretien', label: 'entretien', index: 0 }] } } as never;
    expect(attribution('({participant}, {facility})', study, doc, { id: 'F2-01', attributes: { facility: 'F2' }, line: 2 })).toBe('(F2-01, F2)');
    expect(attribution('({participant}, {wave.label}, {mode})', study, doc)).toBe('(F2-01, entretien, téléphone)');
  });
});

describe('qualwave quotes verify', () => {
  it('recognises pseudonyms from a participants column used in the attribution template', async () => {
    const { findQuotes } = await import('../../src/core/quotes/verify.js');
    const study = {
      participants: [
        { id: 'P1', attributes: { pseudonym: 'Ana' }, line: 2 },
        { id: 'P2', attributes: { pseudonym: 'Ben' }, line: 3 },
      ],
      config: { attribution: '({pseudonym}, {wave.label})', waves: [{ id: 'w1', label: 'first interview', index: 0 }] },
    } as never;
    expect(findQuotes('She said “it was a long and tiring year” (Ben, first interview).', study)).toEqual([{ line: 1, text: 'it was a long and tiring year', attribution: '(Ben, first interview)', participant: 'P2', waves: ['w1'] }]);
  });

  it('gives one verdict per quotation: verified, misattributed, not found', async () => {
    const r = await qualwave(['quotes', 'verify', join(repo, 'fixtures/drafts/results.md'), '--study', buddy, '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.quotes.map((q: { line: number; participant: string; verdict: unknown }) => [q.line, q.participant, q.verdict])).toEqual([
      [6, 'MS02', { status: 'verified', file: 'transcripts/MS02_post.txt', line: 18 }],
      [10, 'MS07', { status: 'misattributed', file: 'transcripts/MS14_post.txt', line: 18, participant: 'MS14', wave: 'post' }],
      [14, 'MS06', { status: 'not found', closest: { file: 'transcripts/MS06_4-month.txt', line: 14, similarity: expect.any(Number) } }],
    ]);
    expect(r.stderr).toContain('3 quotes in');
  });
});
