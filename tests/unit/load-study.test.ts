import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCodebookFile } from '../../src/core/codebook/parse.js';
import { summarise } from '../../src/core/summary/summary.js';
import { countWords } from '../../src/core/text/words.js';
import { loadStudy } from '../../src/io/load-study.js';
import { repo } from '../helpers/cli.js';
import { answerLine, codingsTsv, transcript, writeStudy } from '../helpers/study.js';

describe('loading the formats study: every transcript format', () => {
  it('reads txt (BOM, CRLF, timestamps), md, vtt, srt and docx into the same segment model', async () => {
    const { study, diagnostics } = await loadStudy(join(repo, 'fixtures/formats-study'));
    expect(diagnostics).toEqual([]);
    const docs = Object.fromEntries(study!.documents.map((d) => [d.id, d]));
    expect(Object.keys(docs)).toEqual(['P1/w1', 'P2/w1', 'P3/w1', 'P1/w2', 'P2/w2']);
    const seg = (id: string) => docs[id]!.segments.map((s) => [s.speaker, s.role, s.startLine, s.endLine, s.timestamp ?? null, s.text]);
    expect(seg('P1/w1')).toEqual([
      ['Interviewer', 'interviewer', 1, 1, '00:00:05', 'How did the first month go?'],
      ['P1', 'participant', 3, 4, '00:00:09', 'It went fine, mostly.\nI had less time than I hoped.'],
      ['P1', 'participant', 6, 6, null, 'The schedule was tight.'],
      ['Interviewer', 'interviewer', 7, 7, '00:01:10', 'Anything else?'],
      ['P1', 'participant', 8, 8, null, 'No.'],
    ]);
    expect(seg('P2/w1').map((s) => [s[0], s[2], s[5]])).toEqual([
      ['Interviewer', 8, 'What changed since you started?'],
      ['P2', 10, 'The routine changed. I plan my week on Sunday now.'],
      ['P2', 12, 'And I say no more often.'],
      ['Interviewer', 16, 'Thank you.'],
    ]);
    expect(docs['P2/w1']).toMatchObject({ format: 'markdown', date: '2025-03-02', attributes: { site_visit: true } });
    expect(seg('P3/w1').map((s) => [s[0], s[2], s[5]])).toEqual([
      ['Interviewer', 1, 'What was the hardest part?'],
      ['P3', 2, 'Finding the time, every single week.'],
      ['P3', 4, 'It never got easier.'],
      ['Interviewer', 5, 'And the best part?'],
      ['P3', 6, 'The people.'],
    ]);
    expect(seg('P1/w2')).toEqual([
      ['Dr Rivera', 'interviewer', 5, 5, '00:00:01.000', 'Welcome back. How are things?'],
      ['P1', 'participant', 9, 20, '00:00:04.500', 'Better than last time. I finally have a schedule that works for me. Mostly, anyway.'],
      ['Dr Rivera', 'interviewer', 24, 24, '00:00:15.000', 'Good to hear.'],
    ]);
    expect(seg('P2/w2').map((s) => [s[0], s[1], s[2], s[5]])).toEqual([
      ['Interviewer', 'interviewer', 3, 'Ready to start?'],
      ['Participant', 'participant', 7, "Yes. Time flies, doesn't it? It really does."],
    ]);
  });

  it('every segment of a text transcript points at its file lines', async () => {
    const { study } = await loadStudy(join(repo, 'fixtures/buddy-study'));
    for (const d of study!.documents) {
      const lines = readFileSync(join(repo, 'fixtures/buddy-study', d.file), 'utf8').split('\n');
      for (const s of d.segments) {
        const first = s.text.split('\n')[0]!;
        expect(lines[s.startLine - 1]).toContain(first);
      }
    }
  });

  it('loads the same ids twice', async () => {
    const a = await loadStudy(join(repo, 'fixtures/buddy-study'));
    const b = await loadStudy(join(repo, 'fixtures/buddy-study'));
    expect(a.study!.documents.flatMap((d) => d.segments.map((s) => s.id))).toEqual(b.study!.documents.flatMap((d) => d.segments.map((s) => s.id)));
  });
});

describe('summary', () => {
  it('counts a one-wave French study with accented labels', async () => {
    const { study, diagnostics } = await loadStudy(join(repo, 'fixtures/ap-study'));
    expect(diagnostics).toEqual([]);
    const s = summarise(study!);
    expect(s.waves).toHaveLength(1);
    expect(s.waves[0]).toMatchObject({ id: 'entretien', participants: 12, documents: 12 });
    expect(s.attrition).toEqual([]);
    expect(study!.documents.every((d) => d.language === 'fr' && d.segments.some((s) => s.role === 'participant'))).toBe(true);
  });
});

describe('summary lets go of the texts it read', () => {
  it("a transcript read only to count its words is let go once counted (one read before stays read); the counts are every segment text's", async () => {
    const { study } = await loadStudy(join(repo, 'fixtures/buddy-study'));
    const docs = study!.documents;
    expect(docs.length).toBe(36);
    expect(docs.filter((d) => d.segmentList.holdsText)).toEqual([]);
    // One text read before: summarise leaves it read.
    expect(docs[3]!.segmentList.sourceTextValue.length).toBeGreaterThan(0);
    const s = summarise(study!);
    expect(docs.filter((d) => d.segmentList.holdsText).map((d) => d.id)).toEqual([docs[3]!.id]);
    // The words of every segment's text, counted here (the texts read again).
    let words = 0;
    let participantWords = 0;
    for (const d of docs)
      for (const seg of d.segments) {
        words += countWords(seg.text);
        if (seg.role === 'participant') participantWords += countWords(seg.text);
      }
    expect([s.totals.words, s.totals.participantWords]).toEqual([words, participantWords]);
    expect(words).toBeGreaterThan(1000);
  });
});

describe('starter codebooks', () => {
  const dir = join(repo, 'codebooks');
  it.each(readdirSync(dir).filter((f) => f.endsWith('.yaml')))('%s parses without problems', (f) => {
    const r = parseCodebookFile(f, readFileSync(join(dir, f), 'utf8'));
    expect(r.diagnostics).toEqual([]);
    expect(r.themes.length).toBeGreaterThanOrEqual(4);
    expect(r.themes.every((t) => t.definition && t.children.length > 0)).toBe(true);
  });
});

describe('the README transcript example', () => {
  it('has the segments and lines the README says', async () => {
    const { readDocument } = await import('../../src/core/study/documents.js');
    const { parseConfig } = await import('../../src/core/study/config.js');
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    const example = /Plain text \(`\.txt`\)[\s\S]*?```\n([\s\S]*?)```/.exec(readme)![1]!;
    const { config } = parseConfig('q.yaml', 'title: T\nwaves: [{id: pre}, {id: 4-month}]\n');
    const { document, diagnostics } = readDocument({ file: 'transcripts/MS02_4-month.txt', text: example, format: 'text', name: { participant: 'MS02', wave: '4-month' } }, config!);
    expect(diagnostics).toEqual([]);
    expect(document!.segments.map((s) => [s.id, s.speaker, s.startLine, s.endLine, s.timestamp ?? null])).toEqual([
      ['MS02/4-month#L8', 'Interviewer', 8, 8, null],
      ['MS02/4-month#L10', 'MS02', 10, 11, '00:01:12'],
      ['MS02/4-month#L13', 'MS02', 13, 13, null],
      ['MS02/4-month#L15', 'Interviewer', 15, 15, null],
    ]);
    expect(document!.segments[1]!.text).toBe("It's been more about the family than I thought, honestly.\nHis mom or dad will just disappear for an hour and I know that's the point.");
  });
});

describe('large coder files', () => {
  // Spreading an array into push() passes each item as an argument: beyond ~125,000 codings
  // loading crashed with "Maximum call stack size exceeded".
  it('loads 200,000 codings, and reports 130,000 duplicate codings one by one', async () => {
    const paragraphs = 50_000;
    const rows: Array<[string, string, number, string]> = [];
    for (const p of ['P1', 'P2']) for (let i = 0; i < paragraphs; i++) rows.push([p, 'w1', answerLine(i), 't.a'], [p, 'w1', answerLine(i), 't.b']);
    const duplicates = Array.from({ length: 130_000 }, (): [string, string, number, string] => ['P1', 'w1', answerLine(0), 't.a']);
    const root = writeStudy(
      {
        'transcripts/P1_w1.txt': transcript('P1', paragraphs),
        'transcripts/P2_w1.txt': transcript('P2', paragraphs),
        'codings/x.tsv': codingsTsv(rows),
        'codings/y.tsv': codingsTsv(duplicates),
      },
      { participants: ['P1', 'P2'] },
    );
    const { study, diagnostics } = await loadStudy(root);
    expect(study!.codings.filter((c) => c.coder === 'x')).toHaveLength(200_000);
    expect(study!.codings.filter((c) => c.coder === 'y')).toHaveLength(130_000);
    const dup = diagnostics.filter((d) => d.message.startsWith('duplicate coding'));
    // Every copy after the first is one error, at its own line (the header is line 1, the first copy line 2).
    expect(dup).toHaveLength(129_999);
    expect(dup[0]!.line).toBe(3);
    expect(dup.at(-1)!.line).toBe(130_001);
    expect(diagnostics.filter((d) => !d.message.startsWith('duplicate coding'))).toEqual([]);
  }, 60_000);
});
