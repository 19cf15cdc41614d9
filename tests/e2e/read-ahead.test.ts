import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// The built modules (npm test builds first): a worker thread runs compiled JavaScript.
import { readStamped } from '../../dist/src/io/study-index.js';
import { READ_AHEAD_MIN_FILES, TranscriptReader } from '../../dist/src/io/transcript-prefetch.js';
import { spawnQualwave } from '../helpers/cli.js';

/**
 * A cold load reads its transcripts on a worker thread ahead of the segmenting
 * (io/transcript-prefetch.ts): what it reads must be exactly what reading each file here reads
 * (bytes, stamp, errors), in the files' order, and every command's output the same with the worker
 * and without (QUALWAVE_WORKERS=0).
 */
const dir = mkdtempSync(join(tmpdir(), 'qw-read-ahead-'));
const saved = process.env['QUALWAVE_WORKERS'];
afterAll(() => {
  if (saved === undefined) delete process.env['QUALWAVE_WORKERS'];
  else process.env['QUALWAVE_WORKERS'] = saved;
});

/** Transcript text shaped like real ones: labels, timestamps, accents, emoji, a BOM or CRLF now and then. */
function transcript(i: number): Uint8Array {
  const eol = i % 3 === 0 ? '\r\n' : '\n';
  const lines = ['---', `participant: P${String(i).padStart(3, '0')}`, 'wave: pre', '---', `Interviewer: [00:0${i % 10}:12] How was it, ${i}?`, `P${String(i).padStart(3, '0')}: Très bien 👍 — the 𝄞 part${i % 5 === 0 ? '\r' : ''} was hard.`, '', 'I think so.', 'Researcher 2: And then?'];
  const text = (i % 4 === 0 ? '\ufeff' : '') + lines.join(eol) + (i % 2 ? eol : '');
  return new TextEncoder().encode(i % 7 === 0 ? text.replace(/[^\x00-\x7f]/g, '') : text);
}

describe('transcripts read ahead on a worker thread', () => {
  it('gives every file as reading it here does: the same bytes, stamps and errors, in order', async () => {
    const files: string[] = [];
    for (let i = 0; i < 150; i++) {
      const f = join(dir, `f${i}.txt`);
      // Big files now and then (several batches), empty ones, and bytes that are not UTF-8.
      writeFileSync(f, i % 50 === 3 ? new Uint8Array(3_000_000).fill(0x41) : i % 31 === 0 ? new Uint8Array(0) : i % 29 === 0 ? new Uint8Array([0x54, 0x72, 0xe8, 0x73]) : transcript(i));
      files.push(f);
    }
    // A file that is not there and a folder: their errors, at their place.
    files.splice(40, 0, join(dir, 'missing.txt'));
    mkdirSync(join(dir, 'folder.txt'));
    files.splice(90, 0, join(dir, 'folder.txt'));
    expect(files.length).toBeGreaterThanOrEqual(READ_AHEAD_MIN_FILES);
    const outcome = (read: () => unknown): unknown => {
      try {
        return read();
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        return { code: err.code, message: err.message };
      }
    };
    process.env['QUALWAVE_WORKERS'] = '1';
    const reader = new TranscriptReader(files);
    const started = BigInt(Date.now()) * 1_000_000n;
    for (const f of files) {
      let got: unknown;
      try {
        const r = await reader.next(f);
        expect(r.at >= started - 1_000_000_000n && r.at <= BigInt(Date.now()) * 1_000_000n).toBe(true);
        got = { bytes: Buffer.from(r.bytes).toString('hex'), stamp: r.stamp, buffer: Buffer.isBuffer(r.bytes) };
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        got = { code: err.code, message: err.message };
      }
      const here = outcome(() => {
        const r = readStamped(f);
        return { bytes: r.bytes.toString('hex'), stamp: r.stamp, buffer: true };
      });
      expect(got).toEqual(here);
      // Some segmenting meanwhile, as a load does: the worker gets ahead.
      const until = Date.now() + 1;
      while (Date.now() < until);
    }
    reader.close();
    // Not vacuous: the worker read files (the first ones are read here while it starts).
    expect(reader.fromWorker).toBeGreaterThan(0);
  });

  it('without a worker (QUALWAVE_WORKERS=0), or for few files, reads every file here', async () => {
    const files = Array.from({ length: READ_AHEAD_MIN_FILES }, (_, i) => join(dir, `f${i}.txt`));
    process.env['QUALWAVE_WORKERS'] = '0';
    const none = new TranscriptReader(files);
    for (const f of files) expect(Buffer.from((await none.next(f)).bytes).equals(readStamped(f).bytes)).toBe(true);
    expect(none.fromWorker).toBe(0);
    process.env['QUALWAVE_WORKERS'] = '1';
    const few = new TranscriptReader(files.slice(1));
    for (const f of files.slice(1)) expect(Buffer.from((await few.next(f)).bytes).equals(readStamped(f).bytes)).toBe(true);
    expect(few.fromWorker).toBe(0);
  });

  it('a study loaded cold says the same with and without the worker (every format, every problem)', () => {
    const root = join(dir, 'study');
    mkdirSync(join(root, 'transcripts'), { recursive: true });
    mkdirSync(join(root, 'codebooks'));
    const ids = Array.from({ length: 90 }, (_, i) => `P${String(i).padStart(3, '0')}`);
    writeFileSync(join(root, 'qualwave.yaml'), 'title: Read ahead\nwaves:\n  - id: pre\n  - id: post\nspeakers:\n  interviewers: [Interviewer, Researcher 2]\n');
    writeFileSync(join(root, 'participants.csv'), 'id,group\n' + ids.map((id, i) => `${id},${i % 2 ? 'a' : 'b'}`).join('\n') + '\n');
    writeFileSync(join(root, 'codebooks', 'main.yaml'), 'title: Care\ncodes:\n  - id: care\n    label: Care\n    definition: Looking after someone.\n    keywords: [hard, bien]\n');
    ids.forEach((id, i) => {
      const n = Number(id.slice(1));
      writeFileSync(join(root, 'transcripts', `${id}_pre.txt`), transcript(n));
      if (i % 3 === 0) writeFileSync(join(root, 'transcripts', `${id}_post.md`), `**Interviewer:** Any news, ${id}?\n\n**${id}:** Some. Ça va 😀.\n`);
    });
    // The other formats, and files that cannot be read as transcripts: the same refusals at the same place.
    writeFileSync(join(root, 'transcripts', 'P001_post.vtt'), 'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Interviewer>Hello there.\n\n00:00:04.000 --> 00:00:06.500\n<v P001>Hi, héllo.\n');
    writeFileSync(join(root, 'transcripts', 'P002_post.srt'), '1\r\n00:00:01,000 --> 00:00:02,000\r\nInterviewer: Ready?\r\n\r\n2\r\n00:00:02,500 --> 00:00:04,000\r\nP002: Yes.\r\n');
    writeFileSync(
      join(root, 'transcripts', 'P004_post.json'),
      JSON.stringify({
        text: ' Hi. Fine.',
        segments: [
          { start: 0, end: 1.5, text: ' Hi.' },
          { start: 1.5, end: 3, text: ' Fine.' },
        ],
      }),
    );
    writeFileSync(join(root, 'transcripts', 'P005_post.txt'), new Uint8Array([...new TextEncoder().encode('Interviewer: Tr'), 0xe8, 0x73, 0x0a]));
    writeFileSync(join(root, 'transcripts', 'P007_post.txt'), new Uint8Array([0xff, 0xfe, 0x41, 0x00]));
    writeFileSync(join(root, 'transcripts', 'P008_post.txt'), '');
    writeFileSync(join(root, 'transcripts', 'P010_post.txt'), '---\nparticipant: P011\n---\nInterviewer: Who?\n');
    // Files between them that are not read ahead: not a transcript format, and a Word document (read here).
    writeFileSync(join(root, 'transcripts', 'P003_post.pdf'), '%PDF-1.4');
    writeFileSync(join(root, 'transcripts', 'P006_post.docx'), 'not a zip');
    const same = (args: string[]) => {
      const run = (workers: string) => spawnQualwave([...args, '--study', root, '--no-cache'], { env: { QUALWAVE_WORKERS: workers } });
      const one = run('1');
      const none = run('0');
      expect({ ...one, args }).toEqual({ ...none, args });
      return one;
    };
    const problems = same(['validate', '--format', 'json']);
    expect(problems.code).toBe(2);
    expect(problems.stdout).toContain('file is not valid UTF-8 (byte 0xe8 at line 1, column 16)');
    expect(problems.stdout).toContain("skipped: '.pdf' is not a transcript format");
    // Without the files in error, the analyses.
    for (const f of ['P005_post.txt', 'P006_post.docx', 'P007_post.txt', 'P008_post.txt', 'P010_post.txt']) rmSync(join(root, 'transcripts', f));
    expect(spawnQualwave(['autocode', '--study', root]).code).toBe(0);
    for (const args of [
      ['summary', '--format', 'json'],
      ['codings', '--code', 'care', '--format', 'json'],
      ['quotes', '--format', 'json'],
    ]) {
      const r = same(args);
      expect(r.code).toBe(0);
      expect(r.stdout.length + r.stderr.length).toBeGreaterThan(0);
    }
  }, 60_000);
});
