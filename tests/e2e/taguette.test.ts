import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { qualwave } from '../helpers/cli.js';

/**
 * Taguette projects built here: a project database made with the same SQLite library qualwave
 * reads it with (sql.js), in Taguette's schema (documents.contents is HTML; highlights count UTF-8
 * bytes of the document's text nodes, whitespace between paragraphs included), and a highlights CSV
 * in Taguette's export layout (id,document,tag,content; content with the line breaks as spaces).
 */
const tmp = () => mkdtempSync(join(tmpdir(), 'qualwave-taguette-'));
const require = createRequire(import.meta.url);

// Two paragraphs with a newline between them (as Taguette stores converted documents), bold
// inside a word run, accents and an emoji. The text Taguette counts, its text nodes joined:
//   "Interviewer: How was the first month?" (37 bytes) "\n" (1)
//   "P01: It was " (12) "great" (5) ", café 😀 time, and great people." ...
const HTML = '<p>Interviewer: How was the first month?</p>\n<p>P01: It was <b>great</b>, café 😀 time, and great people.</p>\n<p>Interviewer: And the hard parts?</p>\n<p>P01: Waiting. Waiting for results, waiting for news.</p>';
const TEXT = 'Interviewer: How was the first month?\nP01: It was great, café 😀 time, and great people.\nInterviewer: And the hard parts?\nP01: Waiting. Waiting for results, waiting for news.';

/** UTF-8 byte offsets of a phrase's n-th occurrence in Taguette's text. */
function bytes(phrase: string, nth = 0): [number, number] {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = TEXT.indexOf(phrase, i + 1);
  const a = Buffer.byteLength(TEXT.slice(0, i));
  return [a, a + Buffer.byteLength(phrase)];
}

it('test helper: byte offsets counted by hand', async () => {
  // "great" starts after 37 + 1 + 12 = 50 bytes; "café 😀 time" after "great, " (7 more): 57, and is
  // 3 ("caf") + 2 (é) + 1 + 4 (the emoji) + 1 + 4 ("time") = 15 bytes long.
  expect(bytes('great')).toEqual([50, 55]);
  expect(bytes('café 😀 time')).toEqual([57, 72]);
});

interface Hl {
  phrase: string;
  nth?: number;
  tags: number[];
  user?: string;
}
const TAGS = [
  { id: 1, path: 'feelings.joy', description: 'Good moments.' },
  { id: 2, path: 'feelings/worry', description: '' },
  { id: 3, path: 'waiting', description: 'Time spent waiting.' },
  { id: 4, path: 'unused', description: '' },
];
const HIGHLIGHTS: Hl[] = [
  { phrase: 'great', tags: [1], user: 'ana' },
  // The same tag twice on one line: two codings.
  { phrase: 'great people', tags: [1], user: 'ana' },
  { phrase: 'café 😀 time', tags: [1, 3], user: 'ben' },
  { phrase: 'Waiting. Waiting for results', tags: [2, 3] },
  { phrase: 'waiting for news', tags: [3] },
];

async function database(file: string, highlights = HIGHLIGHTS, contents = HTML): Promise<void> {
  const init = require('sql.js') as (c?: unknown) => Promise<{ Database: new () => { run: (s: string, p?: unknown[]) => void; export: () => Uint8Array } }>;
  const SQL = await init();
  const db = new SQL.Database();
  db.run('CREATE TABLE projects (id INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL, description TEXT NOT NULL, created DATETIME NOT NULL)');
  db.run('CREATE TABLE documents (id INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL, description TEXT NOT NULL, filename VARCHAR(200) NOT NULL, created DATETIME NOT NULL, project_id INTEGER NOT NULL, text_direction VARCHAR(13) NOT NULL, contents TEXT NOT NULL)');
  db.run('CREATE TABLE tags (id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL, path VARCHAR(200) NOT NULL, description TEXT NOT NULL)');
  db.run('CREATE TABLE highlights (id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL, start_offset INTEGER NOT NULL, end_offset INTEGER NOT NULL, snippet TEXT NOT NULL)');
  db.run('CREATE TABLE highlight_tags (highlight_id INTEGER NOT NULL, tag_id INTEGER NOT NULL, PRIMARY KEY (highlight_id, tag_id))');
  db.run('CREATE TABLE commands (id INTEGER PRIMARY KEY, date DATETIME NOT NULL, user_login VARCHAR(30) NOT NULL, project_id INTEGER NOT NULL, document_id INTEGER, payload TEXT NOT NULL)');
  db.run("INSERT INTO projects VALUES (1, 'First month', '', '2024-01-01')");
  db.run("INSERT INTO documents VALUES (1, 'P01_m1', '', 'P01_m1.txt', '2024-01-01', 1, 'LEFT_TO_RIGHT', ?)", [contents]);
  db.run("INSERT INTO documents VALUES (2, 'P02_m1', 'no text', 'P02_m1.pdf', '2024-01-01', 1, 'LEFT_TO_RIGHT', '<p> </p>')");
  for (const t of TAGS) db.run('INSERT INTO tags VALUES (?, 1, ?, ?)', [t.id, t.path, t.description]);
  highlights.forEach((h, i) => {
    const [a, b] = bytes(h.phrase, h.nth ?? 0);
    db.run('INSERT INTO highlights VALUES (?, 1, ?, ?, ?)', [i + 1, a, b, h.phrase.replace('great', h.phrase === 'great' ? '<b>great</b>' : 'great')]);
    for (const t of h.tags) db.run('INSERT INTO highlight_tags VALUES (?, ?)', [i + 1, t]);
    if (h.user) db.run("INSERT INTO commands VALUES (?, '2024-01-01', ?, 1, 1, ?)", [i + 1, h.user, JSON.stringify({ type: 'highlight_add', highlight_id: i + 1, start_offset: a, end_offset: b, tags: h.tags })]);
  });
  writeFileSync(file, db.export());
}

interface Report {
  codings: number;
  placed: number;
  unverified: number;
  sources: number;
  codes: number;
  dropped: Record<string, number>;
  tags: Array<{ tag: string; code: string; highlights: number; codings: number; placed: number; unverified: number; dropped: number }>;
  skipped: Array<{ source: string; reason: string }>;
  unverifiedCodings: Array<{ why: string }>;
}

async function codedTexts(study: string): Promise<Array<[string, string, string]>> {
  const rows = JSON.parse((await qualwave(['codings', 'list', '--study', study, '--format', 'json'])).stdout) as Array<{ code: string; text: string; coder: string }>;
  return rows.map((r) => [r.coder, r.code, r.text] as [string, string, string]).sort();
}

describe('Taguette project database', () => {
  it('documents become transcripts, tags codes, highlights exact spans; counts reconcile per tag', async () => {
    const dir = tmp();
    await database(join(dir, 'p.sqlite3'));
    const r = await qualwave(['import', join(dir, 'p.sqlite3'), '--into', join(dir, 's'), '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    // 5 highlights, 7 highlight-tag pairs: every one a coding, each verified against its snippet.
    expect(report).toMatchObject({ codings: 7, placed: 7, unverified: 0, sources: 1, codes: 4 });
    expect(report.tags).toEqual([
      { tag: 'feelings.joy', code: 'feelings.joy', highlights: 3, codings: 3, placed: 3, unverified: 0, dropped: 0 },
      { tag: 'feelings/worry', code: 'feelings.worry', highlights: 1, codings: 1, placed: 1, unverified: 0, dropped: 0 },
      { tag: 'waiting', code: 'waiting', highlights: 3, codings: 3, placed: 3, unverified: 0, dropped: 0 },
      { tag: 'unused', code: 'unused', highlights: 0, codings: 0, placed: 0, unverified: 0, dropped: 0 },
    ]);
    expect(report.skipped).toEqual([{ source: 'P02_m1', reason: 'the document has no text', selections: 0 }]);
    // One line per paragraph, the bold word's text in its place.
    expect(readFileSync(join(dir, 's/transcripts/P01_m1_interview.txt'), 'utf8')).toBe(TEXT + '\n');
    // Coders from Taguette's command log; a highlight without an entry is "taguette"'s.
    expect(await codedTexts(join(dir, 's'))).toEqual(
      [
        ['ana', 'feelings.joy', 'great'],
        ['ana', 'feelings.joy', 'great people'],
        ['ben', 'feelings.joy', 'café 😀 time'],
        ['ben', 'waiting', 'café 😀 time'],
        ['taguette', 'feelings.worry', 'Waiting. Waiting for results'],
        ['taguette', 'waiting', 'Waiting. Waiting for results'],
        ['taguette', 'waiting', 'waiting for news'],
      ].sort(),
    );
    // The hierarchy from a.b and a/b.
    const book = readFileSync(join(dir, 's/codebooks/imported.yaml'), 'utf8');
    expect(book).toContain('- id: feelings\n    label: feelings\n    children:\n      - id: feelings.joy\n        label: joy\n        definition: Good moments.');
    expect((await qualwave(['validate', join(dir, 's')])).code).toBe(0);
  });

  it('a highlight whose snippet is not the text at its offsets is kept and listed', async () => {
    const dir = tmp();
    await database(join(dir, 'p.sqlite3'));
    const init = require('sql.js') as (c?: unknown) => Promise<{ Database: new (b: Uint8Array) => { run: (s: string) => void; export: () => Uint8Array } }>;
    const db = new (await init()).Database(readFileSync(join(dir, 'p.sqlite3')));
    db.run("UPDATE highlights SET snippet = 'something else' WHERE id = 5");
    writeFileSync(join(dir, 'p.sqlite3'), db.export());
    const r = await qualwave(['import', join(dir, 'p.sqlite3'), '--into', join(dir, 's'), '--format', 'json']);
    const report = JSON.parse(r.stdout) as Report;
    expect(report).toMatchObject({ codings: 7, placed: 6, unverified: 1 });
    expect(report.unverifiedCodings[0]!.why).toContain('highlight 5: its snippet "something else" is not the text at its offsets');
  });

  it('refuses a damaged or oversized database, and a file that is not Taguette’s, writing nothing', async () => {
    const dir = tmp();
    await database(join(dir, 'p.sqlite3'));
    const whole = readFileSync(join(dir, 'p.sqlite3'));
    writeFileSync(join(dir, 'cut.sqlite3'), whole.subarray(0, 5000));
    const cut = await qualwave(['import', join(dir, 'cut.sqlite3'), '--into', join(dir, 'a')]);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(/truncated or damaged|not a readable SQLite database|not a Taguette project database/);
    expect(existsSync(join(dir, 'a'))).toBe(false);
    const init = require('sql.js') as (c?: unknown) => Promise<{ Database: new () => { run: (s: string) => void; export: () => Uint8Array } }>;
    const other = new (await init()).Database();
    other.run('CREATE TABLE notes (id INTEGER)');
    writeFileSync(join(dir, 'other.sqlite3'), other.export());
    const o = await qualwave(['import', join(dir, 'other.sqlite3'), '--into', join(dir, 'b')]);
    expect(o.code).toBe(2);
    expect(o.stderr).toContain('not a Taguette project database (no table projects)');
    expect(existsSync(join(dir, 'b'))).toBe(false);
  });
});

describe('Taguette highlights CSV', () => {
  function study(): string {
    const dir = join(tmp(), 'study');
    mkdirSync(join(dir, 'transcripts'), { recursive: true });
    mkdirSync(join(dir, 'codebooks'));
    writeFileSync(join(dir, 'qualwave.yaml'), 'title: T\nwaves:\n  - id: m1\n    label: first month\ntranscripts:\n  name: "{participant}_{wave}"\ncodebooks: [codebooks/c.yaml]\nspeakers:\n  interviewers: [Interviewer]\n');
    writeFileSync(join(dir, 'participants.csv'), 'id\nP01\n');
    writeFileSync(join(dir, 'codebooks/c.yaml'), 'title: C\ncodes:\n  - id: feelings\n    label: Feelings\n    children:\n      - id: feelings.joy\n        label: joy\n  - id: waiting\n    label: Waiting\n');
    // The transcript as the study has it: CRLF line breaks.
    writeFileSync(join(dir, 'transcripts/P01_m1.txt'), TEXT.replace(/\n/g, '\r\n') + '\r\n');
    return dir;
  }

  it('places each highlight by its text, whitespace-insensitively; repeated text by the export order', async () => {
    const dir = study();
    // Taguette's export, ordered by document and start; a highlight with two tags is two rows;
    // content with Taguette's spaces. "great" occurs twice on line 2: row 1's must start before row 2
    // ("café 😀 time", found once, between the two), so it is the first: certain. "for" occurs twice on
    // line 4, both after row 4's start and no row after it: the order cannot tell, so it is placed at
    // the first and listed as unverified.
    writeFileSync(join(dir, 'all_tags.csv'), ['id,document,tag,content', '1,P01_m1,feelings.joy,great', '2,P01_m1,feelings.joy,café 😀 time', '2,P01_m1,waiting,café 😀 time', '3,P01_m1,feelings.joy,great people.', '4,P01_m1,waiting,"Waiting.  Waiting for results"', '5,P01_m1,waiting,for'].join('\r\n') + '\r\n');
    const r = await qualwave(['import', 'all_tags.csv', '--coder', 'ana', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report).toMatchObject({ codings: 6, placed: 5, unverified: 1 });
    expect(report.tags).toEqual([
      { tag: 'feelings.joy', code: 'feelings.joy', highlights: 3, codings: 3, placed: 3, unverified: 0, dropped: 0 },
      { tag: 'waiting', code: 'waiting', highlights: 3, codings: 3, placed: 2, unverified: 1, dropped: 0 },
    ]);
    expect(report.unverifiedCodings[0]!.why).toContain("all_tags.csv:7: highlight 5: its text occurs 2 times and the export's order does not tell which");
    const rows = JSON.parse((await qualwave(['codings', 'list', '--format', 'json'], { cwd: dir })).stdout) as Array<{ code: string; text: string; lines: string }>;
    // Line 2 "P01: It was great, café 😀 time, and great people.": "great" is columns 13-17, "café 😀
    // time" 20-30 (the emoji is one column), "great people." 37-49. Line 4 "P01: Waiting. Waiting for
    // results, waiting for news.": "Waiting. Waiting for results" 6-33, the first "for" 23-25.
    expect(rows.map((x) => `${x.code} ${x.lines} ${x.text}`).sort()).toEqual(['feelings.joy 2:13-2:17 great', 'feelings.joy 2:20-2:30 café 😀 time', 'feelings.joy 2:37-2:49 great people.', 'waiting 2:20-2:30 café 😀 time', 'waiting 4:6-4:33 Waiting. Waiting for results', 'waiting 4:23-4:25 for'].sort());
    expect(readFileSync(join(dir, 'codings/ana.finished.tsv'), 'utf8')).toBe('participant\twave\nP01\tm1\n');
  });

  it('refuses unknown documents and tags, naming the rows, and writes nothing', async () => {
    const dir = study();
    writeFileSync(join(dir, 'h.csv'), 'id,document,tag,content\n1,P09_m1,feelings.joy,great\n2,P01_m1,anger,great\n');
    const r = await qualwave(['import', 'h.csv'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("h.csv:2: error: document 'P09_m1' is not a transcript of the study");
    expect(r.stderr).toContain("h.csv:3: error: tag 'anger' is not a code of the codebook");
    expect(existsSync(join(dir, 'codings/taguette.tsv'))).toBe(false);
  });
});
