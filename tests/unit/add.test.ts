import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutsideError, planFiles, transcriptFiles, writePlans } from '../../src/io/add.js';
import { loadStudy } from '../../src/io/load-study.js';
import { qualwave } from '../helpers/cli.js';

/** A small study in a temporary folder, and a folder of raw downloads beside it. */
function setup(yaml = '') {
  const dir = mkdtempSync(join(tmpdir(), 'qualwave-add-'));
  const root = join(dir, 'study');
  mkdirSync(join(root, 'transcripts'), { recursive: true });
  writeFileSync(join(root, 'qualwave.yaml'), `title: Add test\nwaves:\n  - id: pre\n  - id: post\ntranscripts:\n  name: '{participant}_{wave}'\n${yaml}`);
  writeFileSync(join(root, 'participants.csv'), 'id,site\nP1,a\nP2,b\n');
  mkdirSync(join(root, 'codebooks'));
  writeFileSync(join(root, 'codebooks', 'c.yaml'), 'title: C\ncodes:\n  - id: x\n    label: X\n');
  writeFileSync(join(root, 'transcripts', 'P1_pre.txt'), 'Interviewer: Hi.\nP1: Hello.\n');
  const raw = join(dir, 'downloads');
  mkdirSync(raw);
  return { dir, root, raw };
}

async function plan(root: string, paths: string[], flags: { participant?: string; wave?: string; date?: string } = {}) {
  const { study } = await loadStudy(root);
  return planFiles({
    root,
    config: study!.config,
    participantIds: study!.participants.map((p) => p.id),
    existing: new Map(study!.documents.map((d) => [d.id, d.file])),
    files: await transcriptFiles(root, study!.config),
    inputs: paths.map((p) => ({ path: p, shown: p })),
    flags,
  });
}

describe('qualwave add', () => {
  it('copies a raw Otter export under the naming pattern with front matter (BOM and CRLF kept), and the study reads it', async () => {
    const { root, raw } = setup();
    const src = join(raw, 'Interview with P2.txt');
    const body = 'Interviewer  0:00\r\nHow was the first week?\r\n\r\nP2  0:05\r\nBusy, but good. Très bien.\r\n';
    writeFileSync(src, '\ufeff' + body);
    const { plans, diagnostics } = await plan(root, [src], { participant: 'P2', wave: 'pre', date: '2025-01-20' });
    expect(diagnostics).toEqual([]);
    expect(plans.map((p) => [p.plan.file, p.plan.from, p.plan.document.source])).toEqual([['transcripts/P2_pre.txt', { participant: 'option', wave: 'option', date: 'option' }, 'otter']]);
    expect(writePlans(root, plans)).toEqual(['transcripts/P2_pre.txt']);
    const bytes = readFileSync(join(root, 'transcripts/P2_pre.txt'));
    // BOM, then the front matter in the file's own line endings, then every original byte.
    expect(bytes.toString('utf8')).toBe('\ufeff---\r\nparticipant: P2\r\nwave: pre\r\ndate: 2025-01-20\r\n---\r\n' + body);
    const { study, diagnostics: after } = await loadStudy(root);
    expect(after).toEqual([]);
    const doc = study!.documents.find((d) => d.id === 'P2/pre')!;
    expect(doc.segments.map((s) => [s.speaker, s.startLine, s.timestamp, s.text])).toEqual([
      ['Interviewer', 7, '00:00:00', 'How was the first week?'],
      ['P2', 10, '00:00:05', 'Busy, but good. Très bien.'],
    ]);
    expect(doc.date).toBe('2025-01-20');
  });

  it('keeps a name the pattern already reads, copies captions byte for byte, and reads whose they are from the name', async () => {
    const { root, raw } = setup();
    const src = join(raw, 'P2_post.vtt');
    const vtt = 'WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nInterviewer: Hi 👋\n\n2\n00:00:02.500 --> 00:00:04.000\nP2: Hello!\n';
    writeFileSync(src, vtt);
    const { plans, diagnostics } = await plan(root, [src]);
    expect(diagnostics).toEqual([]);
    expect(plans[0]!.plan).toMatchObject({ file: 'transcripts/P2_post.vtt', participant: 'P2', wave: 'post', from: { participant: 'file name', wave: 'file name' } });
    expect(plans[0]!.plan.frontMatter).toBeUndefined();
    writePlans(root, plans);
    expect(readFileSync(join(root, 'transcripts/P2_post.vtt'), 'utf8')).toBe(vtt);
  });

  it('refuses, writing nothing: an existing transcript, an unknown participant or wave, a file it cannot tell', async () => {
    const { root, raw } = setup();
    const a = join(raw, 'a.txt');
    writeFileSync(a, 'Interviewer: Hi.\n');
    const cases: Array<[{ participant?: string; wave?: string }, string]> = [
      [{ participant: 'P1', wave: 'pre' }, 'P1 at wave pre already has a transcript: transcripts/P1_pre.txt'],
      [{ participant: 'P9', wave: 'pre' }, "participant 'P9' is not in participants.csv"],
      [{ participant: 'P2', wave: 'mid' }, "unknown wave 'mid'"],
      [{}, "cannot tell whose interview this is: the file name does not match '{participant}_{wave}' and there is no participant: in it"],
      [{ participant: 'P2' }, 'cannot tell the wave of this interview'],
    ];
    for (const [flags, message] of cases) {
      const r = await plan(root, [a], flags);
      expect(r.plans).toEqual([]);
      expect(r.diagnostics.map((d) => d.message)).toEqual([message]);
    }
    // Two files for the same participant and wave in one call.
    const b = join(raw, 'b.txt');
    writeFileSync(b, 'Interviewer: Hi.\n');
    const two = await plan(root, [a, b], { participant: 'P2', wave: 'post' });
    expect(two.diagnostics.map((d) => d.message)).toEqual(['P2 at wave post already has a transcript: transcripts/P2_post.txt']);
    expect(readdirSync(join(root, 'transcripts'))).toEqual(['P1_pre.txt']);
  });

  it('refuses a file whose front matter disagrees, pointing at its line', async () => {
    const { root, raw } = setup();
    const a = join(raw, 'a.md');
    writeFileSync(a, '---\nparticipant: P1\nwave: post\n---\nP1: Hi.\n');
    const r = await plan(root, [a], { participant: 'P2' });
    expect(r.diagnostics.map((d) => [d.line, d.message])).toEqual([[2, "--participant says 'P2' but the file's front matter says 'P1'"]]);
  });

  it('refuses a file the study would not load, and one that would land outside transcripts.paths', async () => {
    const { root, raw } = setup("  paths: ['transcripts/*.txt']\n");
    const v = join(raw, 'P2_pre.vtt');
    writeFileSync(v, 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nP2: Hi.\n');
    expect((await plan(root, [v])).diagnostics.map((d) => d.message)).toEqual(['transcripts/P2_pre.vtt would not be read as a transcript: transcripts.paths is transcripts/*.txt']);
    const j = join(raw, 'P2_pre.txt');
    writeFileSync(j, Buffer.from([0x50, 0x32, 0x3a, 0x20, 0xe9, 0x0a])); // Latin-1 é
    expect((await plan(root, [j])).diagnostics[0]!.message).toMatch(/not valid UTF-8/);
  });

  it('never writes outside the study, even when the transcripts folder is a link to elsewhere', async () => {
    const { dir, root, raw } = setup();
    const src = join(raw, 'P2_post.txt');
    writeFileSync(src, 'Interviewer: Hi.\nP2: Hello.\n');
    const { plans } = await plan(root, [src]);
    expect(plans).toHaveLength(1);
    const elsewhere = join(dir, 'elsewhere');
    renameSync(join(root, 'transcripts'), elsewhere);
    symlinkSync(elsewhere, join(root, 'transcripts'));
    expect(() => writePlans(root, plans)).toThrow(OutsideError);
    expect(readdirSync(elsewhere)).toEqual(['P1_pre.txt']);
  });

  it('names a file from a {wave}/{participant} pattern, making the folder, and needs --date for {date}', async () => {
    const { root, raw } = setup();
    writeFileSync(join(root, 'qualwave.yaml'), "title: T\nwaves:\n  - id: pre\n  - id: post\ntranscripts:\n  name: '{wave}/{participant}_{date}'\n");
    const a = join(raw, 'notes.txt');
    writeFileSync(a, 'Interviewer: Hi.\n\nP2: Hello.\n');
    expect((await plan(root, [a], { participant: 'P2', wave: 'post' })).diagnostics.map((d) => d.message)).toEqual(["the name pattern '{wave}/{participant}_{date}' needs a {date}"]);
    const ok = await plan(root, [a], { participant: 'P2', wave: 'post', date: '2025-02-03' });
    expect(ok.plans.map((p) => p.plan.file)).toEqual(['transcripts/post/P2_2025-02-03.txt']);
    writePlans(root, ok.plans);
    expect(readFileSync(join(root, 'transcripts/post/P2_2025-02-03.txt'), 'utf8')).toBe('---\nparticipant: P2\nwave: post\ndate: 2025-02-03\n---\nInterviewer: Hi.\n\nP2: Hello.\n');
  });

  it('end to end: prints what it understood, refuses to overwrite (exit 2)', async () => {
    const { root, raw } = setup();
    const src = join(raw, 'zoom.vtt');
    writeFileSync(src, 'WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nSam Lee: Hi there.\n\n2\n00:00:02.500 --> 00:00:04.000\nP2: Hello!\n');
    const first = await qualwave(['add', src, '--participant', 'P2', '--wave', 'post'], { cwd: root, env: { NO_COLOR: '1' } });
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      [
        `added transcripts/P2_post.vtt  ← ${src}`,
        '  format: Zoom captions (.vtt)',
        '  participant P2 (from --participant), wave post (from --wave), no date',
        '  front matter: none (a vtt file has none); participant and wave come from the file name',
        '  segments: 2 by paragraph (the default), 3 words',
        '  speakers:',
        '    Sam Lee  other        not recognised    1 turn  1 segment  2 words',
        "    P2       participant  participant's id  1 turn  1 segment   1 word",
        '',
      ].join('\n'),
    );
    expect(first.stderr).toContain("transcripts/P2_post.vtt:5: warning: speaker 'Sam Lee' (1 turn) is neither an interviewer nor the participant");
    expect(first.stderr).toContain('added 1 transcript; next: qualwave validate');
    const again = await qualwave(['add', src, '--participant', 'P2', '--wave', 'post'], { cwd: root, env: { NO_COLOR: '1' } });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('P2 at wave post already has a transcript: transcripts/P2_post.vtt');
    expect(again.stderr).toContain('nothing added');
  });
});
