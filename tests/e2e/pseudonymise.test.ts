import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { textHash } from '../../src/core/coding/text.js';
import { cli, snapshot } from '../helpers/inproc.js';
import { writeStudy } from '../helpers/study.js';
import { copyStudy } from '../helpers/copy-study.js';

/**
 * qualwave pseudonymise end to end (issue 17, item 6). Every expected span below is counted by
 * hand in the comments (columns are code points, 1-based, the end included); every expected text
 * is the old text with the names replaced by hand. Hashes are the fingerprint of that expected
 * text (the hash function is the codings file's format, not what is tested here).
 */

function keyFile(csv: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'qualwave-key-'));
  writeFileSync(join(dir, 'key.csv'), csv, { mode: 0o600 });
  return join(dir, 'key.csv');
}

const KEY = "name,pseudonym\nSofia,Ana\nTheo,Leonardo\nSofia Marquez,Ana M.\nSt Mary's Hospital,[hospital]\n";
const NAMES = /Sofia|Theo|Marquez|St Mary's/;

// P1 at w1, with a BOM and CRLF line ends. Line 3 by columns:
//   "P1: " 1-4; Sofia 5-9; " and " 10-14; Theo 15-18; " came " 19-24; 😀 25; " then " 26-31; Sofia 32-36; " left." 37-42.
// After: "P1: " 1-4; Ana 5-7; " and " 8-12; Leonardo 13-20; " came " 21-26; 😀 27; " then " 28-33; Ana 34-36; " left." 37-42.
// Line 5: "I: And Théo?" (Théo is not the key's spelling: listed, not replaced; T at column 8).
// Line 7: "P1: " 1-4; SOFIA 5-9; " said " 10-15; 🎉 16; " " 17; Theo 18-21; "'s fine, " 22-30; "Sofia Marquez" 31-43; " too." 44-48.
// After:  "P1: " 1-4; ANA 5-7; " said " 8-13; 🎉 14; " " 15; Leonardo 16-23; "'s fine, " 24-32; "Ana M." 33-38; " too." 39-43.
const LINE3 = 'P1: Sofia and Theo came 😀 then Sofia left.';
const LINE7 = "P1: SOFIA said 🎉 Theo's fine, Sofia Marquez too.";
const P1 = `\ufeffI: How was the week?\r\n\r\n${LINE3}\r\n\r\nI: And Théo?\r\n\r\n${LINE7}\r\n`;
const P1_AFTER = "\ufeffI: How was the week?\r\n\r\nP1: Ana and Leonardo came 😀 then Ana left.\r\n\r\nI: And Théo?\r\n\r\nP1: ANA said 🎉 Leonardo's fine, Ana M. too.\r\n";
// P2 at w2 (another wave, LF): the same names get the same pseudonyms.
const P2 = "I: Anyone new?\n\nP2: I saw Sofia at St Mary's Hospital.\n";
const P2_AFTER = 'I: Anyone new?\n\nP2: I saw Ana at [hospital].\n';

// [span, code, old text, new span, new text, memo before, memo after]
const ALICE: Array<[string, string, string, string, string, string?, string?]> = [
  ['3:5-3:18', 't.a', 'Sofia and Theo', '3:5-3:20', 'Ana and Leonardo'],
  ['3:25-3:30', 't.a', '😀 then', '3:27-3:32', '😀 then'],
  ['3:32-3:42', 't.b', 'Sofia left.', '3:34-3:42', 'Ana left.', "Sofia's worry", "Ana's worry"],
  // Across lines (CRLF in the file, "\n" in the coded text).
  ['3:32-7:14', 't.a', 'Sofia left.\n\nI: And Théo?\n\nP1: SOFIA said', '3:34-7:12', 'Ana left.\n\nI: And Théo?\n\nP1: ANA said'],
  ['7:16-7:48', 't.a', "🎉 Theo's fine, Sofia Marquez too.", '7:14-7:43', "🎉 Leonardo's fine, Ana M. too."],
  // Whole lines: the same line, a new hash (of the trimmed line).
  ['7', 't.b', LINE7, '7', "P1: ANA said 🎉 Leonardo's fine, Ana M. too.", 'SOFIA and Theo, said twice', 'ANA and Leonardo, said twice'],
];
// Starts inside "Sofia" (column 7, "fia and"): it then holds the whole pseudonym, "Ana and" (5-11), and that is said.
const CUT: [string, string, string, string, string] = ['3:7-3:13', 't.b', 'fia and', '3:5-3:11', 'Ana and'];

function tsv(rows: Array<[string, string, string, string, string?]>, participant = 'P1', wave = 'w1'): string {
  return ['participant\twave\tlines\tcode\texemplar\tmemo\thash', ...rows.map(([span, code, text, , memo]) => `${participant}\t${wave}\t${span}\t${code}\t\t${memo ?? ''}\t${textHash(text)}`), ''].join('\n');
}

function spanStudy(): string {
  return writeStudy({
    'transcripts/P1_w1.txt': P1,
    'transcripts/P2_w2.txt': P2,
    'participants.csv': 'id,group,site\nP1,a,St Mary\'s Hospital\nP2,b,"Leeds, near Sofia\'s"\nP3,a,\n',
    'codings/alice.tsv': tsv([...ALICE.map(([s, c, t, , , m]) => [s, c, t, '', m] as [string, string, string, string, string?]), [CUT[0], CUT[1], CUT[2], '']]),
    'codings/ben.tsv': [
      'participant\twave\tlines\tcode\texemplar\tmemo\thash',
      // "Theo" (3:15-3:18) becomes "Leonardo" (3:13-3:20).
      `P1\tw1\t3:15-3:18\tt.a\t\t\t${textHash('Theo')}`,
      `P2\tw2\t3\tt.b\tyes\tat the hospital\t${textHash("P2: I saw Sofia at St Mary's Hospital.")}`,
      '',
    ].join('\n'),
    'cases/P1.md': '# P1\n\n## Pen portrait\n\nAt the first interview: "Sofia and Theo came" (P1, first). `t.a` throughout.\n',
  });
}

async function run(dir: string, ...args: string[]) {
  return cli([...args, '--study', dir]);
}

describe('pseudonymise --key: every coding stays on its text', () => {
  let dir: string;
  let key: string;
  let first: Awaited<ReturnType<typeof run>>;
  let before: Map<string, Buffer>;
  let validateBefore: unknown[];

  beforeAll(async () => {
    dir = spanStudy();
    key = keyFile(KEY);
    const v = await run(dir, 'validate', '--format', 'json');
    expect(v.code, v.stdout).toBe(0);
    validateBefore = JSON.parse(v.stdout).diagnostics;
    expect((validateBefore as Array<{ message: string }>).map((d) => d.message)).toEqual(["participant 'P3' has no transcript at any wave"]);
    before = snapshot(dir);
    first = await run(dir, 'pseudonymise', '--key', key, '--format', 'json');
  }, 60_000);

  it('--dry-run counts per file and per row of the key, and writes nothing', async () => {
    const d = spanStudy();
    const was = snapshot(d);
    const r = await run(d, 'pseudonymise', '--key', key, '--dry-run', '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    expect(snapshot(d)).toEqual(was);
    const out = JSON.parse(r.stdout);
    // By hand: participants.csv: St Mary's Hospital, Sofia (in "Sofia's"); P1: Sofia x2, Theo, SOFIA, Theo, Sofia Marquez;
    // P2: Sofia, St Mary's Hospital; alice's memos: Sofia, SOFIA, Theo; the case summary: Sofia, Theo.
    // So Sofia (line 2): 1 + 3 + 1 + 2 + 1 = 8 in 5 files; Theo (3): 2 + 1 + 1 = 4 in 3, and Théo once left;
    // Sofia Marquez (4): 1; St Mary's Hospital (5): 2 in 2.
    expect(out.files.map((f: { file: string; replaced: number }) => [f.file, f.replaced])).toEqual([
      ['participants.csv', 2],
      ['transcripts/P1_w1.txt', 6],
      ['transcripts/P2_w2.txt', 2],
      ['codings/alice.tsv', 3],
      ['cases/P1.md', 2],
    ]);
    expect(out.key.rows.map((r: { line: number; replacements: number; files: number; variants: number }) => [r.line, r.replacements, r.files, r.variants])).toEqual([
      [2, 8, 5, 0],
      [3, 4, 3, 1],
      [4, 1, 1, 0],
      [5, 2, 2, 0],
    ]);
    expect(out.written).toEqual([]);
    expect(r.stderr).toMatch(/--dry-run: nothing written/);
  });

  it('replaces the names in the transcripts, byte for byte otherwise (BOM, CRLF, emoji kept)', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(readFileSync(join(dir, 'transcripts/P1_w1.txt'), 'utf8')).toBe(P1_AFTER);
    expect(readFileSync(join(dir, 'transcripts/P2_w2.txt'), 'utf8')).toBe(P2_AFTER);
    expect(readFileSync(join(dir, 'participants.csv'), 'utf8')).toBe('id,group,site\nP1,a,[hospital]\nP2,b,"Leeds, near Ana\'s"\nP3,a,\n');
    expect(readFileSync(join(dir, 'cases/P1.md'), 'utf8')).toBe('# P1\n\n## Pen portrait\n\nAt the first interview: "Ana and Leonardo came" (P1, first). `t.a` throughout.\n');
  });

  it('moves every span exactly (several names on a line, emoji, CRLF, across lines) and makes its hash for the new text', () => {
    const alice = readFileSync(join(dir, 'codings/alice.tsv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'));
    const expected = [...ALICE, [...CUT, undefined, undefined] as const].map(([, code, , span, text, , memo]) => ['P1', 'w1', span, code, '', memo ?? '', textHash(text)]);
    const sort = (rows: string[][]) => [...rows].sort((a, b) => (a.join('\t') < b.join('\t') ? -1 : 1));
    expect(sort(alice)).toEqual(sort(expected as string[][]));
    expect(readFileSync(join(dir, 'codings/ben.tsv'), 'utf8')).toBe(['participant\twave\tlines\tcode\texemplar\tmemo\thash', `P1\tw1\t3:13-3:20\tt.a\t\t\t${textHash('Leonardo')}`, `P2\tw2\t3\tt.b\tyes\tat the hospital\t${textHash('P2: I saw Ana at [hospital].')}`, ''].join('\n'));
  });

  it('each coding marks the old text with the names replaced (retrieval), and validate is clean', async () => {
    const rows = JSON.parse((await run(dir, 'codings', '--format', 'json')).stdout) as Array<{ coder: string; lines: string; text: string }>;
    const texts = new Map(rows.map((r) => [`${r.coder} ${r.lines}`, r.text]));
    for (const [, , , span, text] of [...ALICE, CUT]) expect(texts.get(`alice ${span}`), span).toBe(text.startsWith('P1: ') && !span.includes(':') ? text.slice(4) : text);
    expect(texts.get('ben 3:13-3:20')).toBe('Leonardo');
    const v = await run(dir, 'validate', '--format', 'json');
    expect(v.code, v.stdout).toBe(0);
    // The same as before the run: P3 has no transcript; nothing about codings or drift.
    expect(JSON.parse(v.stdout).diagnostics).toEqual(validateBefore);
  });

  it('says what it could not do exactly, and prints no name of the key', () => {
    const out = JSON.parse(first.stdout);
    // By hand: 9 codings on the two changed transcripts (alice 7, ben 2); 7 exact spans with new
    // columns (all but alice's whole line 7); 8 new hashes (all but "😀 then", whose text is the same); 2 memos (with 3 names).
    expect(out.codings).toEqual({ onChanged: 9, moved: 7, rehashed: 8, memos: 2, widened: 1 });
    // The widened span and the other spelling, each at its place.
    expect(first.stderr).toMatch(/codings\/alice\.tsv:\d+: warning: 3:7-3:13 starts or ends inside a name: it becomes 3:5-3:11/);
    expect(first.stderr).toMatch(/transcripts\/P1_w1\.txt:5:8: warning: .*key\.csv:3 \(→ Leonardo\): written in another case or with other accents: not replaced/);
    expect(first.stdout + first.stderr).not.toMatch(NAMES);
    expect(out.written).toEqual(['cases/P1.md', 'codings/alice.tsv', 'codings/ben.tsv', 'participants.csv', 'transcripts/P1_w1.txt', 'transcripts/P2_w2.txt', 'pseudonymised.yaml']);
  });

  it('writes its record without the key: only fingerprints of the texts', () => {
    const record = readFileSync(join(dir, 'pseudonymised.yaml'), 'utf8');
    expect(record).not.toMatch(NAMES);
    expect(record).not.toMatch(/Ana|Leonardo|hospital\]/);
    const files = [...record.matchAll(/^ {2}"([^"]+)": [0-9a-f]{64}$/gm)].map((m) => m[1]);
    expect(files).toEqual(['cases/P1.md', 'codebooks/c.yaml', 'codings/alice.tsv', 'codings/ben.tsv', 'participants.csv', 'qualwave.yaml', 'transcripts/P1_w1.txt', 'transcripts/P2_w2.txt']);
    // Nothing else changed than what it said it wrote.
    const after = snapshot(dir);
    const changed = [...after.keys()].filter((f) => !before.get(f)?.equals(after.get(f)!)).sort();
    expect(changed).toEqual(['cases/P1.md', 'codings/alice.tsv', 'codings/ben.tsv', 'participants.csv', 'pseudonymised.yaml', 'transcripts/P1_w1.txt', 'transcripts/P2_w2.txt']);
  });

  it('a second run finds nothing to replace and writes nothing', async () => {
    const was = snapshot(dir);
    const r = await run(dir, 'pseudonymise', '--key', key);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/nothing to change/);
    // Rows whose pseudonym is there are not reported as missing.
    expect(r.stderr).not.toMatch(/neither the name nor its pseudonym/);
    expect(snapshot(dir)).toEqual(was);
  });

  it('export and the report refuse once a text changed since (exit 2, with what to do), and work again after a new run', async () => {
    expect((await run(dir, 'report', '-o', join(dir, 'r.html'))).code).toBe(0);
    const tsvText = readFileSync(join(dir, 'codings/ben.tsv'), 'utf8').replace('at the hospital', 'Theo at the hospital');
    writeFileSync(join(dir, 'codings/ben.tsv'), tsvText);
    for (const args of [
      ['report', '-o', join(dir, 'r2.html')],
      ['export', '-o', join(dir, 'x.qdpx')],
      ['export', '--format', 'qdc'],
      ['codings', 'export'],
    ]) {
      const r = await run(dir, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/refused to make the .*: the study was pseudonymised \(pseudonymised\.yaml\), and since then codings\/ben\.tsv changed/);
      expect(r.stderr).toMatch(/run qualwave pseudonymise --key FILE again/);
    }
    const v = await run(dir, 'validate');
    expect(v.code).toBe(0);
    expect(v.stderr).toMatch(/pseudonymised\.yaml: warning: exports and the report will be refused/);
    // A new transcript counts as well.
    writeFileSync(join(dir, 'transcripts/P3_w1.txt'), 'I: Hello?\n\nP3: Hello.\n');
    expect((await run(dir, 'report', '-o', join(dir, 'r3.html'))).stderr).toMatch(/transcripts\/P3_w1\.txt is new/);
    const again = await run(dir, 'pseudonymise', '--key', key);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(dir, 'codings/ben.tsv'), 'utf8')).toMatch(/\tLeonardo at the hospital\t/);
    expect((await run(dir, 'report', '-o', join(dir, 'r4.html'))).code).toBe(0);
  });
});

describe('pseudonymise refuses what it cannot do exactly (exit 2, nothing written)', () => {
  async function refused(dir: string, key: string, message: RegExp) {
    const was = snapshot(dir);
    const r = await run(dir, 'pseudonymise', '--key', key);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/please report/);
    expect(snapshot(dir)).toEqual(was);
    return r;
  }

  it('a key inside the study folder, or inside the git repository holding it', async () => {
    const dir = spanStudy();
    writeFileSync(join(dir, 'key.csv'), KEY);
    await refused(dir, join(dir, 'key.csv'), /the key is inside the study folder: refused \(it links every pseudonym to a real name/);
    const repo = mkdtempSync(join(tmpdir(), 'qualwave-repo-'));
    mkdirSync(join(repo, '.git'));
    cpSync(dir, join(repo, 'study'), { recursive: true });
    writeFileSync(join(repo, 'key.csv'), KEY);
    await refused(join(repo, 'study'), join(repo, 'key.csv'), /inside the git repository that holds the study .*: refused \(it would be committed with it\)/);
  });

  it('a coding that has drifted from its text (reanchor first)', async () => {
    const dir = spanStudy();
    writeFileSync(join(dir, 'codings/carol.tsv'), `participant\twave\tlines\tcode\texemplar\tmemo\thash\nP1\tw1\t3:5-3:9\tt.a\t\t\t${textHash('Other')}\n`);
    await refused(dir, keyFile(KEY), /1 coding no longer matches its text[\s\S]*codings reanchor first/);
  });

  it('an id or file name that holds a name (it cannot be replaced)', async () => {
    const dir = spanStudy();
    await refused(dir, keyFile('name,pseudonym\nP2,Person\n'), /participants\.csv:3: error: participant id 'P2' holds a name of the key[\s\S]*transcripts\/P2_w2\.txt: error: the file name holds a name/);
  });

  it('a replacement that would change who speaks (a label named in qualwave.yaml)', async () => {
    // Sofia is P1 by speakers.map; with the pseudonym "I" the map would say "I" is P1, and the interviewer's turns would become P1's.
    const dir = writeStudy({
      'qualwave.yaml': ['title: T', 'waves:', '  - id: w1', 'transcripts:', '  paths: ["transcripts/*.txt"]', 'codebooks: [codebooks/c.yaml]', 'speakers:', '  interviewers: [I]', '  map: { Sofia: P1 }', ''].join('\n'),
      'transcripts/P1_w1.txt': 'I: How are you?\n\nSofia: Fine.\n',
    });
    await refused(dir, keyFile('name,pseudonym\nSofia,I\n'), /transcripts\/P1_w1\.txt:1: error: replacing the names would change who speaks here \(interviewer → participant\)/);
  });

  it('a YAML value the pseudonym would make unreadable', async () => {
    const dir = spanStudy();
    writeFileSync(join(dir, 'codebooks/c.yaml'), readFileSync(join(dir, 'codebooks/c.yaml'), 'utf8').replace('label: A', 'label: A talk with Sofia'));
    await refused(dir, keyFile('name,pseudonym\nSofia,"x: y"\n'), /codebooks\/c\.yaml:7: error: replacing the name on this line would make the file unreadable YAML/);
  });

  it('a Word or Whisper JSON transcript with a name (never skipped silently); without a name it is left as it is', async () => {
    const formats = join(mkdtempSync(join(tmpdir(), 'qualwave-formats-')), 'study');
    copyStudy(new URL('../../fixtures/formats-study', import.meta.url), formats);
    // "Finding" is in the .docx (its paragraph 2), as a word at a sentence's start.
    await refused(formats, keyFile('name,pseudonym\nFinding,Searching\nRivera,Okafor\n'), /transcripts\/w1\/P3\.docx:2:5: error: 1 name of the key in this Word transcript, which qualwave cannot rewrite in place/);
    // "Dr Rivera" is an interviewer label in the .vtt and in qualwave.yaml: both replaced, the speaker still the interviewer.
    const docx = readFileSync(join(formats, 'transcripts/w1/P3.docx'));
    const r = await run(formats, 'pseudonymise', '--key', keyFile('name,pseudonym\nRivera,Okafor\n'));
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(formats, 'qualwave.yaml'), 'utf8')).toMatch(/interviewers: \[Interviewer, Dr Okafor\]/);
    expect(readFileSync(join(formats, 'transcripts/w2/P1.vtt'), 'utf8')).toMatch(/<v Dr Okafor>Welcome back/);
    expect(readFileSync(join(formats, 'transcripts/w1/P3.docx')).equals(docx)).toBe(true);
    const s = JSON.parse((await run(formats, 'summary', '--format', 'json')).stdout);
    const speakers = s.documents.find((d: { file: string }) => d.file === 'transcripts/w2/P1.vtt').speakers;
    expect(speakers.find((x: { label: string }) => x.label === 'Dr Okafor').role).toBe('interviewer');
    expect((await run(formats, 'validate')).code).toBe(0);
  });

  it('pseudonymisation: required in qualwave.yaml: exports refused until the study is pseudonymised', async () => {
    const dir = spanStudy();
    writeFileSync(join(dir, 'qualwave.yaml'), readFileSync(join(dir, 'qualwave.yaml'), 'utf8') + 'pseudonymisation: required\n');
    const r = await run(dir, 'export', '--format', 'qdc');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refused to make the codebook export: qualwave\.yaml:\d+ says pseudonymisation: required, and the study has not been pseudonymised/);
    expect((await run(dir, 'pseudonymise', '--key', keyFile(KEY))).code).toBe(0);
    expect((await run(dir, 'export', '--format', 'qdc')).code).toBe(0);
  });
});

// The example study, every output kind after a run: no name of the key anywhere.
const BUDDY_KEY = 'name,pseudonym\nSofia,Ana\nTheo,Leo\nJamal,Karim\nChloe,Interviewer B\nAiko,Mei\nZoe,Zara\nOwen,Evan\nAmir,Omar\nJonah,Jacob\nMaya,Mila\nLeila,Lina\nFelix,Fabian\n';
const BUDDY_NAMES = /\b(Sofia|Theo|Jamal|Chloe|Aiko|Zoe|Owen|Amir|Jonah|Maya|Leila|Felix|SOFIA|THEO|JAMAL|CHLOE|AIKO|ZOE|OWEN|AMIR|JONAH|MAYA|LEILA|FELIX)\b/;

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** A file's text, and the texts inside it when it is a zip (.qdpx, .docx). */
function texts(path: string): string[] {
  const bytes = readFileSync(path);
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return Object.values(unzipSync(bytes)).map((b) => Buffer.from(b).toString('utf8'));
  return [bytes.toString('utf8')];
}

describe('the example study pseudonymised: the key is in no output', () => {
  let dir: string;
  let out: string;
  const printed: string[] = [];

  beforeAll(async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'qualwave-buddy-')), 'study');
    copyStudy(new URL('../../fixtures/buddy-study', import.meta.url), dir);
    out = mkdtempSync(join(tmpdir(), 'qualwave-out-'));
    const key = keyFile(BUDDY_KEY);
    const r = await run(dir, 'pseudonymise', '--key', key);
    expect(r.code, r.stderr).toBe(0);
    printed.push(r.stdout, r.stderr);
    // The outputs made before still hold the names: it says so, and build makes them again.
    expect(r.stderr).toMatch(/outputs made before still hold names: .*report\.html/);
    const b = await run(dir, 'build');
    expect(b.code, b.stderr).toBe(0);
  }, 120_000);

  it('every file of the study, build outputs included (the transcripts, codings, cases, record)', () => {
    for (const f of files(dir)) for (const t of texts(f)) expect(t, relative(dir, f)).not.toMatch(BUDDY_NAMES);
    expect(printed.join('\n')).not.toMatch(BUDDY_NAMES);
  });

  it('every output kind of every command, to stdout and to files', async () => {
    const runs: string[][] = [
      ['validate', '--format', 'json'],
      ['summary', '--format', 'json'],
      ['summary', '--speakers', '--format', 'md'],
      ['matrix', '--format', 'md'],
      ['matrix', '--rows', 'code', '--value', 'words', '--format', 'csv'],
      ['trajectories', '--format', 'latex'],
      ['framework', '--format', 'md'],
      ['framework', '--format', 'json'],
      ['cooccurrence', '--format', 'csv'],
      ['saturation', '--format', 'json'],
      ['agree', '--coders', 'alice,ben', '--format', 'json'],
      ['disagreements', '--coders', 'alice,ben', '--format', 'md'],
      ['disagreements', '--coders', 'alice,ben', '--format', 'json'],
      ['quotes', '--format', 'md'],
      ['quotes', '--format', 'json'],
      ['quotes', '--format', 'latex'],
      ['quotes', '--format', 'docx', '-o', join(out, 'quotes.docx')],
      ['codings', '--format', 'json'],
      ['codings', '--format', 'md'],
      ['codings', 'export'],
      ['codebook', 'show', '--format', 'md'],
      ['change', '--evidence', '--format', 'md'],
      ['anticipated', '--format', 'md'],
      ['dropout', '--format', 'json'],
      ['case-matrix', '--format', 'md'],
      ['case', 'MS07', '--format', 'md'],
      ['case', 'MS07', '--format', 'json'],
      ['brief', '--for', 'post', '--format', 'md'],
      ['brief', '--for', 'post', '--format', 'json'],
      ['figure', 'timeline'],
      ['report', '-o', join(out, 'report.html')],
      ['export', '-o', join(out, 'study.qdpx')],
      ['export', '--format', 'qdc'],
      ['pseudonymise', '--suggest', '--format', 'json'],
    ];
    for (const args of runs) {
      const r = await run(dir, ...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout + r.stderr, args.join(' ')).not.toMatch(BUDDY_NAMES);
    }
    for (const f of files(out)) for (const t of texts(f)) expect(t, f).not.toMatch(BUDDY_NAMES);
    expect(
      files(out)
        .map((f) => relative(out, f))
        .sort(),
    ).toEqual(['quotes.docx', 'report.html', 'study.qdpx']);
  }, 120_000);
});

describe('pseudonymise --suggest', () => {
  let dir: string;
  beforeAll(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'qualwave-suggest-')), 'study');
    copyStudy(new URL('../../fixtures/buddy-study', import.meta.url), dir);
  });

  it('lists a name the key missed, with its count and first place; never a name of the key', async () => {
    // The key without Clara (MS15's buddy). By hand: transcripts/MS15_pre.txt line 10 is
    // "MS15: ... matched with Clara, ..." with C at column 35; Clara is said 5 times in MS15's two transcripts.
    const key = keyFile(BUDDY_KEY);
    const r = await run(dir, 'pseudonymise', '--suggest', '--key', key, '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    const found = JSON.parse(r.stdout) as Array<{ name: string; occurrences: number; transcripts: number; first: { file: string; line: number; column: number }; where: string[] }>;
    const clara = found.find((s) => s.name === 'Clara');
    expect(clara).toEqual({ name: 'Clara', occurrences: 5, transcripts: 2, first: { file: 'transcripts/MS15_pre.txt', line: 10, column: 35 }, where: ['participant', 'interviewer'] });
    expect(readFileSync(join(dir, 'transcripts/MS15_pre.txt'), 'utf8').split('\n')[9]!.slice(34, 39)).toBe('Clara');
    expect(found.map((s) => s.name).join(' ')).not.toMatch(BUDDY_NAMES);
    // Words that start sentences and are found in lower case elsewhere are not candidates.
    expect(found.map((s) => s.name)).not.toContain('Interviewer');
    expect(found.map((s) => s.name)).not.toContain('What');
  });

  it('without a key: the names themselves, labels and front matter included; the same bytes every time', async () => {
    const a = await run(dir, 'pseudonymise', '--suggest', '--format', 'csv');
    const b = await run(dir, 'pseudonymise', '--suggest', '--format', 'csv');
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const rows = a.stdout.trim().split('\n').slice(1);
    expect(rows.some((r) => r.startsWith('Sofia,8,3,transcripts/MS07_'))).toBe(true);
    // Chloe, the interviewer, is in front matter (interviewer: Chloe) and in speech.
    expect(rows.find((r) => r.startsWith('Chloe,'))).toMatch(/front matter/);
  });

  it('a plain study: the speaker label that is a name, the front matter value, never a participant id or a configured label', async () => {
    const d = writeStudy({ 'transcripts/P1_w1.txt': '---\ninterviewer: Maria Lopez\n---\nI: Who helped?\n\nP1: My aunt Rosa, at the Hillside School.\n\nRosa: I did.\n' });
    const r = await run(d, 'pseudonymise', '--suggest', '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    const found = JSON.parse(r.stdout) as Array<{ name: string; occurrences: number; first: { line: number; column: number }; where: string[] }>;
    expect(found.map((s) => [s.name, s.occurrences, s.first.line, s.first.column, s.where.join('+')])).toEqual([
      // "P1: My aunt Rosa" (R at column 13 of line 6), and the label "Rosa:" on line 8.
      ['Rosa', 2, 6, 13, 'participant+label'],
      // "the Hillside School": H at column 26 of line 6 (a19 t20, t22 h23 e24, H26).
      ['Hillside School', 1, 6, 26, 'participant'],
      ['Maria Lopez', 1, 2, 14, 'front matter'],
    ]);
  });
});
