import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { tmpdir } from 'node:os';
import { deserialize, serialize } from 'node:v8';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Study } from 'qualwave';
import { bin, qualwave, repo, type RunResult } from '../helpers/cli.js';

/**
 * The study index (.qualwave/index/, src/io/study-index.ts): a derived cache that must never
 * change an output. Every check compares a run with the index against a run without it
 * (QUALWAVE_NO_CACHE=1) on the same files, byte for byte: stdout, stderr and the exit code.
 */

const NO_CACHE = { QUALWAVE_NO_CACHE: '1' };
const tmp = () => mkdtempSync(join(tmpdir(), 'qualwave-index-'));

/** A copy of a fixture study without any index of its own. */
function copyOf(fixture: string): string {
  const dir = join(tmp(), fixture);
  cpSync(join(repo, 'fixtures', fixture), dir, { recursive: true, filter: (src) => !src.includes('.qualwave') });
  return dir;
}

/** A copy of buddy-study, the output of `argsOf(it)` without the index (the reference), and the index made by one run of them. */
async function indexedCopy(argsOf: (study: string) => string[]): Promise<{ study: string; args: string[]; reference: RunResult }> {
  const study = copyOf('buddy-study');
  const args = argsOf(study);
  const reference = await qualwave(args, { env: NO_CACHE });
  await qualwave(args);
  return { study, args, reference };
}

/** A whole-second mtime, which utimes can restore exactly (set before the index is made). */
const PINNED = 1_700_000_000;
const pin = (file: string) => utimesSync(file, PINNED, PINNED);

/**
 * Copies made at once and then left alone for longer than the index's racy margin (2 s, see
 * RACY_MARGIN_NS in study-index.ts): their files' stamps are settled, so a warm run trusts them
 * without reading the files, and only the stamp (the ctime above all) can tell an edit behind its
 * back. A copy made in a test itself is racy: every file is hashed again at each run.
 */
const settledCopies = new Map<string, string[]>();
function settledCopy(fixture: string): string {
  const dir = settledCopies.get(fixture)?.pop();
  if (!dir) throw new Error(`no settled copy of ${fixture} left: prepare more in beforeAll`);
  return dir;
}
beforeAll(async () => {
  const wanted: Record<string, number> = { 'buddy-study': 19, 'ap-study': 1, 'formats-study': 1 };
  for (const [fixture, n] of Object.entries(wanted)) {
    const list: string[] = [];
    for (let i = 0; i < n; i++) {
      const dir = copyOf(fixture);
      if (fixture === 'buddy-study') {
        for (const f of ['transcripts/MS01_pre.txt', 'transcripts/MS02_pre.txt', 'codings/alice.tsv']) pin(join(dir, f));
        // A same-size replacement for MS01_pre.txt, made now so that it is as old as the rest.
        const text = readFileSync(join(dir, 'transcripts', 'MS01_pre.txt'), 'utf8');
        writeFileSync(join(dir, 'MS01_pre.replacement'), text.replace('glitter', 'a b c d'));
        pin(join(dir, 'MS01_pre.replacement'));
      }
      list.push(dir);
    }
    settledCopies.set(fixture, list);
  }
  await new Promise((resolve) => setTimeout(resolve, 2_300));
}, 60_000);

const indexDir = (study: string) => join(study, '.qualwave', 'index');
/** The index's files: one per kind of entry (KIND.bin). */
const entries = (study: string) =>
  existsSync(indexDir(study))
    ? readdirSync(indexDir(study))
        .filter((f) => f.endsWith('.bin'))
        .sort()
    : [];
/** A pack file's head and payload (study-index.ts: serialize(head), zeros up to a multiple of 8, then the payload, the file's last `size` bytes). */
function readPack(file: string): { head: { size: number; sum: string }; payload: Uint8Array } {
  const bytes = readFileSync(file);
  const head = deserialize(bytes) as { size: number; sum: string };
  return { head, payload: bytes.subarray(bytes.length - head.size) };
}
/** A pack file rewritten with another payload and its right checksum (CRC-32 and length: study-index.ts `checksum`), as if qualwave had written it. */
function writePack(file: string, head: object, payload: Uint8Array): void {
  const bytes = serialize({ ...head, sum: `crc32:${crc32(payload).toString(16)}:${payload.length}`, size: payload.length });
  writeFileSync(file, Buffer.concat([bytes, Buffer.alloc(((bytes.length + 7) & ~7) - bytes.length), payload]));
}
/** The files of the study that one kind holds entries for. */
function entriesOf(study: string, kind: string): string[] {
  const path = join(indexDir(study), `${kind}.bin`);
  if (!existsSync(path)) return [];
  const payload = deserialize(readPack(path).payload) as Array<[string]> | { files: string[] };
  // Kinds laid out in columns (document, words) list their files apart.
  return (Array.isArray(payload) ? payload.map((e) => e[0]) : [...payload.files]).sort();
}

/** The commands whose outputs must not depend on the index (report writes a file: its bytes are compared). */
function commands(study: string, out: string): string[][] {
  return [
    ['summary', '--study', study, '--format', 'json'],
    ['summary', '--study', study],
    ['matrix', '--study', study, '--rows', 'code', '--value', 'segments', '--format', 'csv'],
    ['matrix', '--study', study, '--value', 'words', '--format', 'json'],
    ['codings', '--study', study, '--format', 'tsv'],
    ['codings', '--study', study, '--code', 'support', '--format', 'json'],
    ['cooccurrence', '--study', study, '--format', 'csv'],
    ['validate', study],
    ['validate', study, '--format', 'json'],
    ['quotes', '--study', study, '--format', 'md'],
    ['report', '--study', study, '--output', join(out, 'report.html'), '--force'],
  ];
}

async function runAll(study: string, out: string, env?: Record<string, string>): Promise<Array<RunResult & { file?: string }>> {
  const results: Array<RunResult & { file?: string }> = [];
  for (const args of commands(study, out)) {
    const r = await qualwave(args, env ? { env } : {});
    const file = args[0] === 'report' && existsSync(join(out, 'report.html')) ? readFileSync(join(out, 'report.html'), 'utf8') : undefined;
    results.push(file === undefined ? r : { ...r, file });
  }
  return results;
}

describe('the study index changes no output', () => {
  for (const [fixture, settled] of [
    ['buddy-study', false],
    ['ap-study', false],
    ['formats-study', false],
    ['buddy-study', true],
    ['ap-study', true],
    ['formats-study', true],
  ] as const) {
    it(`${fixture}${settled ? ' (files older than the racy margin: the warm runs trust their stamps)' : ''}: summary, matrix, codings, cooccurrence, validate, quotes and report are byte-identical without the index, with it cold and with it warm`, async () => {
      const study = settled ? settledCopy(fixture) : copyOf(fixture);
      const out = tmp();
      const without = await runAll(study, out, NO_CACHE);
      expect(entries(study)).toEqual([]);
      const cold = await runAll(study, out);
      if (fixture === 'buddy-study') expect(entries(study)).toEqual(['agreement.bin', 'checks.bin', 'codebook.bin', 'codings.bin', 'config.bin', 'corpus.bin', 'document.bin', 'pairs.bin', 'participants.bin', 'patterns.bin', 'stamps.bin', 'words.bin']);
      const warm = await runAll(study, out);
      expect(cold).toEqual(without);
      expect(warm).toEqual(without);
      // Some of these commands succeed on each fixture (the comparison is not of errors only).
      expect(without.filter((r) => r.code === 0).length).toBeGreaterThan(2);
    }, 120_000);
  }

  for (const fixture of ['buddy-study', 'ap-study']) {
    it(`${fixture}: export --format qdpx writes the same bytes without the index, with it cold and with it warm`, async () => {
      const study = copyOf(fixture);
      const out = tmp();
      const run = async (name: string, env?: Record<string, string>) => {
        const r = await qualwave(['export', '--study', study, '--format', 'qdpx', '-o', join(out, name)], env ? { env } : {});
        return { ...r, stderr: r.stderr.replaceAll(name, 'F'), bytes: existsSync(join(out, name)) ? readFileSync(join(out, name)) : undefined };
      };
      const without = await run('without.qdpx', NO_CACHE);
      expect(without.code).toBe(0);
      expect(without.bytes!.length).toBeGreaterThan(1000);
      expect(entries(study)).toEqual([]);
      const cold = await run('cold.qdpx');
      expect(entries(study)).toContain('document.bin');
      const warm = await run('warm.qdpx');
      expect(cold).toEqual(without);
      expect(warm).toEqual(without);
    }, 60_000);
  }

  it('the index is used when warm: the coder files are not parsed again (an entry for each, and for the checks)', async () => {
    const study = copyOf('buddy-study');
    await qualwave(['validate', study]);
    expect(entriesOf(study, 'codings')).toEqual(['codings/alice.tsv', 'codings/ben.tsv', 'codings/consensus.tsv']);
    expect(entriesOf(study, 'checks')).toEqual(['codings/alice.tsv', 'codings/ben.tsv', 'codings/consensus.tsv']);
    expect(entriesOf(study, 'document')).toHaveLength(36);
    expect(entriesOf(study, 'words')).toEqual([]);
    // The word counts once a command counted them (after it ran).
    await qualwave(['summary', '--study', study]);
    expect(entriesOf(study, 'words')).toEqual(entriesOf(study, 'document'));
  }, 60_000);

  it('the first report after validate counts the words (its texts let go once counted) and keeps them: it and the commands after it print what they print without the index', async () => {
    const study = copyOf('buddy-study');
    const out = tmp();
    const report = async (env?: Record<string, string>) => {
      const r = await qualwave(['report', '--study', study, '--output', join(out, 'report.html'), '--force'], env ? { env } : {});
      return { ...r, file: readFileSync(join(out, 'report.html'), 'utf8') };
    };
    const later = (env?: Record<string, string>) =>
      Promise.all(
        [
          ['quotes', '--study', study, '--format', 'md'],
          ['matrix', '--study', study, '--value', 'words', '--format', 'json'],
          ['matrix', '--study', study, '--rows', 'code', '--value', 'words', '--format', 'csv'],
          ['summary', '--study', study, '--format', 'json'],
        ].map((args) => qualwave(args, env ? { env } : {})),
      );
    const without = await report(NO_CACHE);
    const laterWithout = await later(NO_CACHE);
    expect(without.code).toBe(0);
    await qualwave(['validate', study]);
    expect(entriesOf(study, 'words')).toEqual([]);
    expect(await report()).toEqual(without);
    expect(entriesOf(study, 'words')).toEqual(entriesOf(study, 'document'));
    expect(await later()).toEqual(laterWithout);
    expect(await report()).toEqual(without);
    expect(laterWithout.every((r) => r.code === 0)).toBe(true);
  }, 60_000);
});

describe('the checks of the codings, kept per coder file', () => {
  const validate = (study: string, env?: Record<string, string>) => qualwave(['validate', study, '--format', 'json'], env ? { env } : {});
  it('after one coder file is edited: the problems of every file, in their places, as without the index', async () => {
    const study = copyOf('buddy-study');
    const add = (coder: string, rows: string[]) => writeFileSync(join(study, 'codings', `${coder}.tsv`), readFileSync(join(study, 'codings', `${coder}.tsv`), 'utf8') + rows.join('\n') + '\n');
    // alice: a duplicate and an unknown code; ben: an unknown participant (problems in two files).
    add('alice', ['MS01\tpre\t10\tsupport.companionship\t\t\taaf7c52f', 'MS01\tpre\t10\tsupport.nothing\t\t\t']);
    add('ben', ['MS99\tpre\t10\tsupport.companionship\t\t\t']);
    const first = await validate(study);
    expect(first).toEqual(await validate(study, NO_CACHE));
    expect(first.stdout).toContain('duplicate coding');
    expect(first.stdout).toContain("unknown participant 'MS99'");
    expect(entriesOf(study, 'checks')).toEqual(['codings/alice.tsv', 'codings/ben.tsv', 'codings/consensus.tsv']);
    // ben edits his file: his checks are made again, alice's are read from the index.
    add('ben', ['MS01\tpre\t10\tsupport.unheard\t\t\t']);
    const after = await validate(study);
    expect(after).toEqual(await validate(study, NO_CACHE));
    expect(after.stdout).toContain("unknown code 'support.unheard'");
    expect(after.stdout).toContain('duplicate coding');
    expect(after.stdout).not.toBe(first.stdout);
  }, 60_000);

  it('two coder files of one coder (names equal once Unicode-normalised): checked as one, duplicates across them found', async () => {
    const study = copyOf('buddy-study');
    const row = 'participant\twave\tlines\tcode\texemplar\tmemo\thash\nMS01\tpre\t10\tsupport.companionship\t\t\taaf7c52f\n';
    writeFileSync(join(study, 'codings', 'ren\u00e9.tsv'), row);
    writeFileSync(join(study, 'codings', 'rene\u0301.tsv'), row);
    const cold = await validate(study, NO_CACHE);
    expect(cold.stdout).toContain('duplicate coding');
    expect(await validate(study)).toEqual(cold);
    expect(await validate(study)).toEqual(cold);
  }, 60_000);
});

/** The index's own module in dist/ (the one the in-process runs use): what it read and trusted. */
const studyIndex = async () => (await import(new URL('../../dist/src/io/study-index.js', import.meta.url).href)) as typeof import('../../src/io/study-index.js');

/** A warm run; on settled files, one that read no transcript (every stamp vouched for its file). */
async function warmRun(args: string[], settled: boolean): Promise<RunResult> {
  const { fileCounts } = await studyIndex();
  const before = { ...fileCounts };
  const r = await qualwave(args);
  if (settled) {
    expect(fileCounts.hashed - before.hashed).toBe(0);
    // 36 transcripts and 3 coder files (alice, ben, consensus).
    expect(fileCounts.trusted - before.trusted).toBe(39);
  }
  return r;
}

describe('stale entries are never used', () => {
  /** Same bytes length, same mtime (restored): only the content hash can tell. */
  function editBehindItsBack(file: string, from: string, to: string): void {
    expect(to.length).toBe(from.length);
    const before = statSync(file);
    expect(before.mtimeMs).toBe(PINNED * 1000);
    const text = readFileSync(file, 'utf8');
    expect(text.includes(from)).toBe(true);
    writeFileSync(file, text.replace(from, to));
    utimesSync(file, PINNED, PINNED);
    const after = statSync(file);
    expect(after.size).toBe(before.size);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  }

  for (const settled of [false, true]) {
    const which = settled ? ' (settled files: only the ctime tells)' : '';
    const studyFor = (file: string) => {
      if (settled) return settledCopy('buddy-study');
      const study = copyOf('buddy-study');
      pin(join(study, file));
      return study;
    };

    it(`a transcript edited to the same size with its mtime restored: words and segments read again${which}`, async () => {
      const study = studyFor('transcripts/MS01_pre.txt');
      const args = ['summary', '--study', study, '--format', 'json'];
      const first = await qualwave(args);
      await warmRun(args, settled);
      // "glitter" (one word) becomes "a b c d" (four words): 3 more words in MS01/pre, same size.
      editBehindItsBack(join(study, 'transcripts', 'MS01_pre.txt'), 'glitter', 'a b c d');
      const after = await qualwave(args);
      const reference = await qualwave(args, { env: NO_CACHE });
      expect(after).toEqual(reference);
      const words = (r: RunResult) => (JSON.parse(r.stdout) as { documents: Array<{ id: string; words: number }> }).documents.find((d) => d.id === 'MS01/pre')!.words;
      expect(words(after)).toBe(words(first) + 3);
    }, 60_000);

    it(`a coder file edited to the same size with its mtime restored: codings and checks read again${which}`, async () => {
      const study = studyFor('codings/alice.tsv');
      const args = ['codings', '--study', study, '--coder', 'alice', '--format', 'tsv'];
      const first = await qualwave(args);
      await warmRun(['validate', study], settled);
      // The first coding's code: support.companionship → support.companionshiq (same length, unknown code).
      editBehindItsBack(join(study, 'codings', 'alice.tsv'), 'MS01\tpre\t10\tsupport.companionship', 'MS01\tpre\t10\tsupport.companionshiq');
      const validate = await qualwave(['validate', study]);
      expect(validate).toEqual(await qualwave(['validate', study], { env: NO_CACHE }));
      expect(validate.code).not.toBe(0);
      expect(validate.stderr).toContain("unknown code 'support.companionshiq'");
      const after = await qualwave(args);
      expect(after).toEqual(await qualwave(args, { env: NO_CACHE }));
      expect(after).not.toEqual(first);
    }, 60_000);

    it(`a transcript edited so that a coding drifts: the cached checks are not reused${which}`, async () => {
      const study = studyFor('transcripts/MS01_pre.txt');
      await qualwave(['validate', study, '--format', 'json']);
      const clean = await warmRun(['validate', study, '--format', 'json'], settled);
      // Same size, mtime restored: the coded text of MS01/pre line 10 changes, its hash no longer matches.
      editBehindItsBack(join(study, 'transcripts', 'MS01_pre.txt'), 'mostly', 'MOSTLY');
      const after = await qualwave(['validate', study, '--format', 'json']);
      expect(after).toEqual(await qualwave(['validate', study, '--format', 'json'], { env: NO_CACHE }));
      expect(after.stdout).not.toBe(clean.stdout);
    }, 60_000);
  }

  it("report: its quote corpus (the passages' terms) is counted again after a transcript is edited behind its back and after a coding is removed", async () => {
    const study = copyOf('buddy-study');
    pin(join(study, 'transcripts', 'MS01_pre.txt'));
    const out = tmp();
    const file = join(out, 'report.html');
    const report = async (env?: Record<string, string>) => {
      const r = await qualwave(['report', '--study', study, '--output', file, '--force'], env ? { env } : {});
      return { ...r, file: readFileSync(file, 'utf8') };
    };
    const first = await report();
    expect(entriesOf(study, 'corpus')).toEqual(['consensus']);
    const corpus = join(indexDir(study), 'corpus.bin');
    const written = statSync(corpus).mtimeMs;
    const bytes = readFileSync(corpus);
    // Warm: read back, not written again.
    expect(await report()).toEqual(first);
    expect(statSync(corpus).mtimeMs).toBe(written);
    // Counted again (a new entry: "glitter" is no longer a term of the corpus) only when the texts change.
    const recounted = () => !readFileSync(corpus).equals(bytes);
    expect(first.file).toContain('glitter');
    // The coded passage of MS01/pre line 10 gets other words (same size, mtime restored).
    editBehindItsBack(join(study, 'transcripts', 'MS01_pre.txt'), 'glitter', 'a b c d');
    const edited = await report();
    expect(edited).toEqual(await report(NO_CACHE));
    expect(edited.file).not.toContain('glitter');
    expect(recounted()).toBe(true);
    // A coding removed: other passages.
    const codings = join(study, 'codings', 'consensus.tsv');
    writeFileSync(codings, readFileSync(codings, 'utf8').replace(/^MS01\tpre\t10\tsupport\.respite\t.*\n/m, ''));
    const fewer = await report();
    expect(fewer).toEqual(await report(NO_CACHE));
    expect(fewer.file).not.toBe(edited.file);
    expect(entriesOf(study, 'corpus')).toEqual(['consensus']);
  }, 90_000);

  it('report: its agreement rows are made again after a coder file or a transcript is edited behind its back (and read back only while no file changed)', async () => {
    const study = copyOf('buddy-study');
    for (const f of ['transcripts/MS01_pre.txt', 'codings/ben.tsv']) pin(join(study, f));
    const out = tmp();
    const file = join(out, 'report.html');
    const report = async (env?: Record<string, string>) => {
      const r = await qualwave(['report', '--study', study, '--output', file, '--force'], env ? { env } : {});
      return { ...r, file: readFileSync(file, 'utf8') };
    };
    const agreement = (r: { file: string }) => r.file.slice(r.file.indexOf('id="agreement"'), r.file.indexOf('</section>', r.file.indexOf('id="agreement"')));
    const first = await report();
    expect(agreement(first)).toContain('Krippendorff');
    const kept = join(indexDir(study), 'agreement.bin');
    const bytes = readFileSync(kept);
    const remade = () => !readFileSync(kept).equals(bytes);
    // Warm, with no worker and with one: read back, the same bytes.
    expect(await report({ QUALWAVE_WORKERS: '0' })).toEqual(first);
    expect(await report({ QUALWAVE_WORKERS: '1' })).toEqual(first);
    expect(remade()).toBe(false);
    // ben's coding of support.companionship moves from MS01/pre line 10 to line 14 (same size, mtime restored): other ratings.
    editBehindItsBack(join(study, 'codings', 'ben.tsv'), 'MS01\tpre\t10\tsupport.companionship', 'MS01\tpre\t14\tsupport.companionship');
    const edited = await report();
    expect(edited).toEqual(await report(NO_CACHE));
    expect(remade()).toBe(true);
    expect(agreement(edited)).not.toBe(agreement(first));
    // A transcript edited (its segments' words; the codings' hash column then drifts): made again.
    const before = readFileSync(kept);
    editBehindItsBack(join(study, 'transcripts', 'MS01_pre.txt'), 'glitter', 'a b c d');
    expect(await report()).toEqual(await report(NO_CACHE));
    expect(readFileSync(kept).equals(before)).toBe(false);
  }, 90_000);

  it("matrix, cooccurrence and summary: each coder's pairs (pairs.bin) are read back while no file changed, and made again after a coder file or a transcript is edited behind its back", async () => {
    const study = copyOf('buddy-study');
    for (const f of ['codings/consensus.tsv', 'transcripts/MS01_pre.txt']) pin(join(study, f));
    const list = [
      ['matrix', '--study', study, '--rows', 'code', '--value', 'segments', '--format', 'csv'],
      ['matrix', '--study', study, '--wave', 'pre', '--coder', 'alice', '--format', 'json'],
      ['cooccurrence', '--study', study, '--format', 'csv'],
      ['cooccurrence', '--study', study, '--unit', 'document', '--rows', 'theme', '--format', 'csv'],
      ['summary', '--study', study, '--format', 'json'],
    ];
    const each = async (env?: Record<string, string>) => {
      const out: RunResult[] = [];
      for (const args of list) out.push(await qualwave(args, env ? { env } : {}));
      return out;
    };
    const pairs = join(indexDir(study), 'pairs.bin');
    const reference = await each(NO_CACHE);
    expect(reference.every((r) => r.code === 0)).toBe(true);
    // Cold: made and kept, one entry per coder asked for.
    expect(await each()).toEqual(reference);
    expect(entriesOf(study, 'pairs')).toEqual(['alice', 'consensus']);
    const written = readFileSync(pairs);
    const mtime = statSync(pairs).mtimeMs;
    // Warm: read back, not written again.
    expect(await each()).toEqual(reference);
    expect(statSync(pairs).mtimeMs).toBe(mtime);
    // The consensus coding of support.respite moves from MS01/pre line 10 to line 14 (same size,
    // mtime restored): it no longer co-occurs with support.companionship there.
    editBehindItsBack(join(study, 'codings', 'consensus.tsv'), 'MS01\tpre\t10\tsupport.respite', 'MS01\tpre\t14\tsupport.respite');
    const moved = await each();
    expect(moved).toEqual(await each(NO_CACHE));
    expect(moved[2]!.stdout).not.toBe(reference[2]!.stdout);
    const remade = readFileSync(pairs);
    expect(remade.equals(written)).toBe(false);
    // A paragraph of MS01/pre made two (same size, mtime restored): the segments after it shift
    // (the codings then point at other text: warnings, and other counts).
    editBehindItsBack(join(study, 'transcripts', 'MS01_pre.txt'), 'glitter, so', 'glitter\n\nso');
    const merged = await each();
    expect(merged).toEqual(await each(NO_CACHE));
    expect(merged).not.toEqual(moved);
    expect(readFileSync(pairs).equals(remade)).toBe(false);
  }, 90_000);

  it('qualwave.yaml edited to the same size with its mtime restored: its parse is not reused (nor the segments read with it)', async () => {
    const study = copyOf('buddy-study');
    const config = join(study, 'qualwave.yaml');
    pin(config);
    const args = ['summary', '--study', study, '--format', 'json'];
    const first = await qualwave(args);
    expect(await qualwave(args)).toEqual(first);
    expect(entriesOf(study, 'config')).toEqual(['qualwave.yaml']);
    // A wave's label, same length: the summary says the new one.
    editBehindItsBack(config, 'label: post interview', 'label: post-gathering');
    const after = await qualwave(args);
    expect(after).toEqual(await qualwave(args, { env: NO_CACHE }));
    expect(after.stdout).toContain('post-gathering');
    expect(after.stdout).not.toBe(first.stdout);
    // The id column of the participants file (participants.id): their parse is keyed by it too.
    editBehindItsBack(config, '  id: id\n', '  id: yr\n');
    const refused = await qualwave(args);
    expect(refused).toEqual(await qualwave(args, { env: NO_CACHE }));
    expect(refused.stderr).toContain("no 'yr' column in the header");
    // Broken YAML: the error, as without the index.
    editBehindItsBack(config, 'title: Buddy', 'title: "uddy');
    const broken = await qualwave(args);
    expect(broken).toEqual(await qualwave(args, { env: NO_CACHE }));
    expect(broken.code).not.toBe(0);
  }, 60_000);

  it('participants.csv edited to the same size with its mtime restored: its parse is not reused', async () => {
    const study = copyOf('buddy-study');
    const file = join(study, 'participants.csv');
    pin(file);
    const args = ['case', 'MS01', '--study', study];
    const first = await qualwave(args);
    expect(first.stdout).toContain('gender F');
    expect(await qualwave(args)).toEqual(first);
    expect(entriesOf(study, 'participants')).toEqual(['participants.csv']);
    editBehindItsBack(file, 'MS01,2,F,camp', 'MS01,2,X,camp');
    const after = await qualwave(args);
    expect(after).toEqual(await qualwave(args, { env: NO_CACHE }));
    expect(after.stdout).toContain('gender X');
  }, 60_000);

  it('entries of a transcript that is gone are pruned (the index does not grow without end)', async () => {
    const study = copyOf('buddy-study');
    await qualwave(['summary', '--study', study]);
    const documents = () => entriesOf(study, 'document').length;
    const words = () => entriesOf(study, 'words').length;
    expect([documents(), words()]).toEqual([36, 36]);
    rmSync(join(study, 'transcripts', 'MS07_post.txt'));
    // A command that fails (the transcript's codings are now errors) counts no words: words.bin is
    // not read, nor written (what it holds is as of the last command that wrote it).
    const failed = await qualwave(['summary', '--study', study]);
    expect(failed).toEqual(await qualwave(['summary', '--study', study], { env: NO_CACHE }));
    expect([documents(), words()]).toEqual([35, 36]);
    // Once its codings are gone too, summary counts words: the pack read is pruned before it is written.
    for (const coder of ['alice', 'ben', 'consensus']) {
      const file = join(study, 'codings', `${coder}.tsv`);
      writeFileSync(
        file,
        readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => !l.startsWith('MS07\tpost\t'))
          .join('\n'),
      );
    }
    const after = await qualwave(['summary', '--study', study]);
    expect(after.code).toBe(0);
    expect(after).toEqual(await qualwave(['summary', '--study', study], { env: NO_CACHE }));
    expect([documents(), words()]).toEqual([35, 35]);
  }, 60_000);

  it('deleting the index changes nothing (and it is rebuilt)', async () => {
    const study = copyOf('buddy-study');
    const args = ['matrix', '--study', study, '--rows', 'code', '--format', 'csv'];
    const warm = await qualwave(args);
    rmSync(join(study, '.qualwave', 'index'), { recursive: true });
    expect(await qualwave(args)).toEqual(warm);
    expect(entries(study).length).toBeGreaterThan(0);
    rmSync(join(study, '.qualwave'), { recursive: true });
    expect(await qualwave(args)).toEqual(warm);
  }, 60_000);
});

describe('stamps: a transcript is read on a warm run only when its stamp cannot vouch for it', () => {
  const summary = (study: string) => ['summary', '--study', study, '--format', 'json'];
  const words = (r: RunResult, id = 'MS01/pre') => (JSON.parse(r.stdout) as { documents: Array<{ id: string; words: number }> }).documents.find((d) => d.id === id)!.words;
  const loader = async () => (await import(new URL('../../dist/src/io/load-study.js', import.meta.url).href)) as typeof import('../../src/io/load-study.js');

  /** The stamps pack's columns (study-index.ts: each file's hash and size, its stamp's numbers in 64-bit columns). */
  interface StampColumns {
    files: string[];
    size: BigUint64Array;
    mtimeNs: BigInt64Array;
    ctimeNs: BigInt64Array;
    ino: BigUint64Array;
    dev: BigUint64Array;
    at: BigInt64Array;
  }
  async function stampColumns(study: string): Promise<StampColumns> {
    return (await studyIndex()).decodeColumns(readPack(join(indexDir(study), 'stamps.bin')).payload) as unknown as StampColumns;
  }

  /** The stamps pack, rewritten with `change` applied to its columns (a valid checksum: as if qualwave had written it). */
  async function rewriteStamps(study: string, change: (columns: StampColumns) => void): Promise<void> {
    const file = join(indexDir(study), 'stamps.bin');
    const pack = readPack(file);
    const { decodeColumns, encodeColumns } = await studyIndex();
    const columns = decodeColumns(pack.payload);
    change(columns as unknown as StampColumns);
    writePack(file, pack.head, encodeColumns(columns));
  }

  it('an edit in the same clock tick as the stamp (the racy case): a stamp not older than 2 s when hashed is not trusted, the file is hashed again', async () => {
    const study = copyOf('buddy-study');
    const file = join(study, 'transcripts', 'MS01_pre.txt');
    pin(file);
    const first = await qualwave(summary(study));
    // Same size, mtime restored, right after the index was written.
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('glitter', 'a b c d'));
    pin(file);
    // What a file system with a coarse clock could leave: the edit gives the file the very stamp
    // it had when hashed (its ctime too), 1 s before the moment it was hashed. Forged here, as no
    // test can make the kernel's clock stand still.
    const st = statSync(file, { bigint: true });
    const stamp = { size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, ino: st.ino, dev: st.dev };
    await rewriteStamps(study, (c) => {
      const i = c.files.indexOf('transcripts/MS01_pre.txt');
      expect(i).toBeGreaterThanOrEqual(0);
      c.size[i] = stamp.size;
      c.mtimeNs[i] = stamp.mtimeNs;
      c.ctimeNs[i] = stamp.ctimeNs;
      c.ino[i] = stamp.ino;
      c.dev[i] = stamp.dev;
      c.at[i] = st.ctimeNs + 1_000_000_000n;
    });
    const { fileCounts } = await studyIndex();
    const hashed = fileCounts.hashed;
    const after = await qualwave(summary(study));
    // Every file: the copy is as new as the index (36 transcripts, 3 coder files).
    expect(fileCounts.hashed - hashed).toBe(39);
    // "glitter" (one word) became "a b c d" (four): 3 more words.
    expect(words(after)).toBe(words(first) + 3);
    expect(after).toEqual(await qualwave(summary(study), { env: NO_CACHE }));
  }, 60_000);

  it('a copy just made is hashed at each run until its files are older than the margin, then trusted', async () => {
    const study = copyOf('buddy-study');
    const { fileCounts } = await studyIndex();
    await qualwave(summary(study));
    // Each stamp says when it was taken: a stamp not yet settled then is not trusted by the next run.
    const settledNow = async () => {
      const c = await stampColumns(study);
      return c.files.filter((_, i) => c.mtimeNs[i]! + 2_000_000_000n < c.at[i]! && c.ctimeNs[i]! + 2_000_000_000n < c.at[i]!).length;
    };
    const expected = await settledNow();
    let trusted = fileCounts.trusted;
    await qualwave(summary(study));
    expect(fileCounts.trusted - trusted).toBe(expected);
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    await qualwave(summary(study));
    // Hashed once more after the margin: every stamp is now settled, and the next run reads no transcript or coder file.
    expect(await settledNow()).toBe(39);
    trusted = fileCounts.trusted;
    const hashed = fileCounts.hashed;
    const warm = await qualwave(summary(study));
    expect([fileCounts.trusted - trusted, fileCounts.hashed - hashed]).toEqual([39, 0]);
    expect(warm).toEqual(await qualwave(summary(study), { env: NO_CACHE }));
  }, 60_000);

  it('a transcript replaced by a file of the same size and mtime (another inode): read again', async () => {
    const study = settledCopy('buddy-study');
    const first = await qualwave(summary(study));
    await warmRun(summary(study), true);
    const file = join(study, 'transcripts', 'MS01_pre.txt');
    const before = statSync(file);
    renameSync(join(study, 'MS01_pre.replacement'), file);
    const after = statSync(file);
    expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);
    expect(after.ino).not.toBe(before.ino);
    const r = await qualwave(summary(study));
    expect(words(r)).toBe(words(first) + 3);
    expect(r).toEqual(await qualwave(summary(study), { env: NO_CACHE }));
  }, 60_000);

  it('a transcript touched then its mtime restored (same bytes): hashed again, the same output', async () => {
    const study = settledCopy('buddy-study');
    const reference = await qualwave(summary(study), { env: NO_CACHE });
    await qualwave(summary(study));
    await warmRun(summary(study), true);
    const file = join(study, 'transcripts', 'MS02_pre.txt');
    utimesSync(file, new Date(), new Date());
    pin(file);
    const { fileCounts } = await studyIndex();
    const before = { ...fileCounts };
    expect(await qualwave(summary(study))).toEqual(reference);
    expect([fileCounts.trusted - before.trusted, fileCounts.hashed - before.hashed]).toEqual([38, 1]);
  }, 60_000);

  it('a coder file the load did not read (its stamp vouched for it) is still checked before qualwave rewrites it: changed meanwhile or gone, nothing is written', async () => {
    const { loadStudy } = await loader();
    const { saveCodings } = (await import(new URL('../../dist/src/io/codings.js', import.meta.url).href)) as typeof import('../../src/io/codings.js');
    const { fileCounts } = await studyIndex();
    for (const meanwhile of ['nothing', 'edited', 'deleted'] as const) {
      const study = settledCopy('buddy-study');
      const file = join(study, 'codings', 'alice.tsv');
      await loadStudy(study, { cache: true });
      const trusted = fileCounts.trusted;
      const { study: loaded } = await loadStudy(study, { cache: true });
      expect(fileCounts.trusted - trusted).toBe(39);
      const alice = loaded!.codings.filter((c) => c.coder === 'alice');
      const kept = alice.slice(1);
      if (meanwhile === 'edited') writeFileSync(file, `${readFileSync(file, 'utf8')}MS01\tpre\t12\tsupport.companionship\t\t\t\n`);
      if (meanwhile === 'deleted') rmSync(file);
      const before = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
      const save = () => saveCodings(loaded!, new Map([['alice', kept]]));
      if (meanwhile === 'nothing') {
        save();
        // One coding fewer: the file was rewritten.
        expect(readFileSync(file, 'utf8').split('\n').filter(Boolean).length).toBe(before!.split('\n').filter(Boolean).length - 1);
      } else {
        expect(save).toThrow(/changed since qualwave read it/);
        expect(existsSync(file) ? readFileSync(file, 'utf8') : undefined).toBe(before);
      }
    }
  }, 60_000);

  it('text read after the load is that of the bytes the segments came from, or an error (with the index, trusted or read, and without it)', async () => {
    const { loadStudy, StudyChangedError } = await loader();
    for (const cache of [true, false]) {
      for (const settled of [true, false]) {
        const study = settled ? settledCopy('buddy-study') : copyOf('buddy-study');
        // Without codings nothing reads a transcript's text during the load (the checks of codings do).
        rmSync(join(study, 'codings'), { recursive: true });
        if (cache) await loadStudy(study, { cache });
        const edited = join(study, 'transcripts', 'MS01_pre.txt');
        const touched = join(study, 'transcripts', 'MS02_pre.txt');
        const original = readFileSync(touched, 'utf8');
        const { study: loaded } = await loadStudy(study, { cache });
        const doc = (id: string) => loaded!.documents.find((d) => d.id === id)!.segmentList;
        // Behind its back after the load: one file edited to the same size, mtime restored; one touched, mtime restored.
        const mtime = statSync(edited).mtime;
        writeFileSync(edited, readFileSync(edited, 'utf8').replace('glitter', 'GLITTER'));
        utimesSync(edited, mtime, mtime);
        const touchedMtime = statSync(touched).mtime;
        utimesSync(touched, new Date(), new Date());
        utimesSync(touched, touchedMtime, touchedMtime);
        expect(() => doc('MS01/pre').sourceTextValue, `cache ${cache}, settled ${settled}`).toThrow(StudyChangedError);
        // The touched one has the same bytes: its text is given (checked by its hash, or, settled without the index, refused rather than guessed).
        if (cache || !settled) expect(doc('MS02/pre').sourceTextValue).toBe(original);
        else expect(() => doc('MS02/pre').sourceTextValue).toThrow(StudyChangedError);
      }
    }
  }, 60_000);
});

describe('a damaged index is ignored and rebuilt, with one notice', () => {
  it('truncated, bit-flipped, emptied and foreign entries: the same output, one line on stderr, then silence', async () => {
    const { study, args, reference } = await indexedCopy((s) => ['codings', '--study', s, '--format', 'tsv']);
    const [a, b, c, d, e] = ['codings.bin', 'document.bin', 'checks.bin', 'config.bin', 'participants.bin'].map((f) => join(indexDir(study), f)) as [string, string, string, string, string];
    const bytes = readFileSync(a);
    writeFileSync(a, bytes.subarray(0, bytes.length >> 1));
    const flipped = Buffer.from(readFileSync(b));
    flipped[flipped.length >> 1]! ^= 0x40;
    writeFileSync(b, flipped);
    writeFileSync(c, 'not an index entry');
    // The parses of the config and the participants: one truncated, one with a byte of its columns' end changed.
    const config = readFileSync(d);
    writeFileSync(d, config.subarray(0, config.length - 3));
    const participants = Buffer.from(readFileSync(e));
    participants[participants.length - 9]! ^= 0x01;
    writeFileSync(e, participants);
    const damaged = await qualwave(args);
    expect(damaged.stdout).toBe(reference.stdout);
    expect(damaged.code).toBe(reference.code);
    const notice = damaged.stderr.split('\n').filter((l) => l.includes('study index'));
    expect(notice).toEqual(['the study index had 5 damaged files (.qualwave/index/): ignored and rebuilt']);
    expect(damaged.stderr.replace(`${notice[0]}\n`, '')).toBe(reference.stderr);
    // Rebuilt: the next run is silent and the same.
    expect(await qualwave(args)).toEqual(reference);
  }, 60_000);

  it('pairs.bin (read after the load, by matrix, cooccurrence and summary) damaged: the same output, one line on stderr, rebuilt, then silence', async () => {
    const { study, args, reference } = await indexedCopy((s) => ['cooccurrence', '--study', s, '--format', 'csv']);
    const pairs = join(indexDir(study), 'pairs.bin');
    const bytes = readFileSync(pairs);
    writeFileSync(pairs, bytes.subarray(0, bytes.length >> 1));
    const damaged = await qualwave(args);
    expect(damaged.stdout).toBe(reference.stdout);
    expect(damaged.code).toBe(reference.code);
    const notice = damaged.stderr.split('\n').filter((l) => l.includes('study index'));
    expect(notice).toEqual(['the study index had 1 damaged file (.qualwave/index/): ignored and rebuilt']);
    expect(readFileSync(pairs).equals(bytes)).toBe(true);
    expect(await qualwave(args)).toEqual(reference);
  }, 60_000);

  it('a pack whose checksum is right but whose columns do not add up (a coding column cut short, a segment column of another type) is damaged: ignored and rebuilt, with the notice', async () => {
    const study = copyOf('buddy-study');
    const args = ['cooccurrence', '--study', study, '--format', 'csv'];
    const reference = await qualwave(args, { env: NO_CACHE });
    expect(await qualwave(args)).toEqual(reference);
    const { decodeColumns, encodeColumns } = await studyIndex();
    const rewrite = (kind: string, change: (columns: Record<string, unknown>) => void) => {
      const file = join(indexDir(study), `${kind}.bin`);
      const pack = readPack(file);
      const columns = decodeColumns(pack.payload);
      change(columns);
      writePack(file, pack.head, encodeColumns(columns));
    };
    rewrite('codings', (c) => {
      // Narrowed (study-index.ts narrowInts): a Uint8Array or Uint16Array of the participants' numbers; one short.
      const participant = c['participant'] as Uint16Array;
      expect(ArrayBuffer.isView(participant) && participant.BYTES_PER_ELEMENT < 4).toBe(true);
      c['participant'] = participant.subarray(0, participant.length - 1);
    });
    rewrite('document', (c) => {
      c['data'] = Float64Array.from(c['data'] as ArrayLike<number>);
    });
    const damaged = await qualwave(args);
    expect(damaged.stdout).toBe(reference.stdout);
    expect(damaged.code).toBe(reference.code);
    const notice = 'the study index had 2 damaged files (.qualwave/index/): ignored and rebuilt\n';
    expect(damaged.stderr.includes(notice)).toBe(true);
    expect(damaged.stderr.replace(notice, '')).toBe(reference.stderr);
    expect(await qualwave(args)).toEqual(reference);
  }, 60_000);

  it('words.bin is read only when a command counts words: damaged, a command that counts none neither reads nor rewrites it, one that counts says so once, prints the same and rebuilds it', async () => {
    const study = copyOf('buddy-study');
    const counting = ['summary', '--study', study, '--format', 'json'];
    const other = ['cooccurrence', '--study', study, '--format', 'csv'];
    const [countingReference, otherReference] = [await qualwave(counting, { env: NO_CACHE }), await qualwave(other, { env: NO_CACHE })];
    expect(await qualwave(counting)).toEqual(countingReference);
    const file = join(indexDir(study), 'words.bin');
    expect(entriesOf(study, 'words')).toEqual(entriesOf(study, 'document'));
    const whole = readFileSync(file);
    const cut = whole.subarray(0, whole.length - 40);
    writeFileSync(file, cut);
    // Counts no words: the damaged file is not read (nothing said) and stays as it is.
    expect(await qualwave(other)).toEqual(otherReference);
    expect(readFileSync(file).equals(cut)).toBe(true);
    // Counts words: the same output, the damage said once, the file rebuilt.
    const damaged = await qualwave(counting);
    expect(damaged.stdout).toBe(countingReference.stdout);
    expect(damaged.code).toBe(countingReference.code);
    expect(damaged.stderr).toBe(`${countingReference.stderr}the study index had 1 damaged file (.qualwave/index/): ignored and rebuilt\n`);
    expect(entriesOf(study, 'words')).toEqual(entriesOf(study, 'document'));
    expect(await qualwave(counting)).toEqual(countingReference);
  }, 60_000);

  it('an entry written by another qualwave build (an upgrade) is replaced silently', async () => {
    const { study, args, reference } = await indexedCopy((s) => ['summary', '--study', s, '--format', 'json']);
    const file = join(indexDir(study), 'codings.bin');
    const envelope = deserialize(readFileSync(file)) as { build: string };
    writeFileSync(file, serialize({ ...envelope, build: 'qualwave 0.0.1@0' }));
    const mtime = statSync(file).mtimeMs;
    expect(await qualwave(args)).toEqual(reference);
    expect(statSync(file).mtimeMs).not.toBe(mtime);
    expect((deserialize(readFileSync(file)) as { build: string }).build).not.toBe('qualwave 0.0.1@0');
  }, 60_000);

  it('a pack of the format before (format 6: the payload inside the serialized envelope) is replaced silently, and one of this format ends with its payload 8-aligned', async () => {
    const { study, args, reference } = await indexedCopy((s) => ['summary', '--study', s, '--format', 'json']);
    const file = join(indexDir(study), 'document.bin');
    const pack = readPack(file);
    // This format: the head names its payload's size, which starts at a multiple of 8 and is the file's end.
    expect((statSync(file).size - pack.head.size) % 8).toBe(0);
    expect(pack.payload.length).toBe(pack.head.size);
    const head = deserialize(readFileSync(file)) as Record<string, unknown>;
    // As qualwave of format 6 wrote it: one serialized object, its payload the last property (right checksum).
    const { size: _, ...old } = head;
    writeFileSync(file, serialize({ ...old, format: 6, sum: `crc32:${crc32(pack.payload).toString(16)}:${pack.payload.length}`, pad: '', payload: pack.payload }));
    const mtime = statSync(file).mtimeMs;
    expect(await qualwave(args)).toEqual(reference);
    expect(statSync(file).mtimeMs).not.toBe(mtime);
    expect((deserialize(readFileSync(file)) as { format: number }).format).not.toBe(6);
  }, 60_000);

  it('an index that cannot be written (its folder is a file) never fails a command', async () => {
    const study = copyOf('buddy-study');
    mkdirSync(join(study, '.qualwave'), { recursive: true });
    writeFileSync(join(study, '.qualwave', 'index'), 'in the way');
    const args = ['summary', '--study', study, '--format', 'json'];
    expect(await qualwave(args)).toEqual(await qualwave(args, { env: NO_CACHE }));
    expect(readFileSync(join(study, '.qualwave', 'index'), 'utf8')).toBe('in the way');
  }, 60_000);

  it('--no-cache and QUALWAVE_NO_CACHE=1 neither read nor write it; build --check writes none', async () => {
    const study = copyOf('buddy-study');
    await qualwave(['summary', '--study', study, '--no-cache']);
    await qualwave(['validate', study], { env: NO_CACHE });
    expect(existsSync(indexDir(study))).toBe(false);
    await qualwave(['build', '--study', study, '--check']);
    expect(existsSync(indexDir(study))).toBe(false);
    // A damaged entry is not even looked at with --no-cache: no notice.
    await qualwave(['validate', study]);
    for (const f of entries(study)) writeFileSync(join(indexDir(study), f), 'x');
    const r = await qualwave(['validate', study, '--no-cache']);
    expect(r.stderr).not.toContain('study index');
  }, 60_000);
});

describe('two commands at once', () => {
  /** The real binary in its own process, started without waiting for the others. */
  function start(args: string[]): Promise<RunResult> {
    return new Promise((resolve) => {
      const env = { ...process.env };
      delete env['FORCE_COLOR'];
      delete env['NO_COLOR'];
      delete env['QUALWAVE_NO_CACHE'];
      const p = spawn(process.execPath, [bin, ...args], { env });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  it('four processes building the index of the same study at once all print the reference output, and leave a whole index', async () => {
    const study = copyOf('buddy-study');
    const args = ['matrix', '--study', study, '--rows', 'code', '--value', 'words', '--format', 'csv'];
    const reference = await qualwave(args, { env: NO_CACHE });
    const runs = await Promise.all([start(args), start(args), start([...args]), start(['summary', '--study', study, '--format', 'json'])]);
    for (const r of runs.slice(0, 3)) expect(r).toEqual(reference);
    expect(runs[3]!.code).toBe(0);
    // No temporary file left, and every entry readable: a warm run says nothing more.
    expect(readdirSync(indexDir(study)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(await qualwave(args)).toEqual(reference);
  }, 120_000);
});

describe('codings in columns', () => {
  it('pack then unpack gives the parser’s objects: the same fields, in the same order, with the same values', async () => {
    const { packCodings, unpackCodings } = (await import(new URL('../../dist/src/io/study-index.js', import.meta.url).href)) as typeof import('../../src/io/study-index.js');
    const text = fc.string({ unit: fc.constantFrom('a', 'é', '😀', ' ', 'Z', '\t'), minLength: 1, maxLength: 6 });
    const coding = fc.record({
      participant: text,
      wave: fc.constantFrom('pre', 'post'),
      startLine: fc.integer({ min: 1, max: 1e6 }),
      lines: fc.integer({ min: 0, max: 3 }),
      columns: fc.option(fc.tuple(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 500 })), { nil: undefined }),
      code: text,
      exemplar: fc.boolean(),
      memo: fc.option(text, { nil: undefined }),
      hash: fc.option(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 8, maxLength: 8 }), { nil: undefined }),
      line: fc.integer({ min: 2, max: 1e6 }),
    });
    fc.assert(
      fc.property(fc.array(coding, { maxLength: 40 }), (rows) => {
        const codings = rows.map((r) => {
          const c: Record<string, unknown> = { coder: 'alice', participant: r.participant, wave: r.wave, startLine: r.startLine, endLine: r.startLine + r.lines };
          if (r.columns) Object.assign(c, { startColumn: r.columns[0], endColumn: r.columns[1] });
          Object.assign(c, { code: r.code, exemplar: r.exemplar, source: { file: 'codings/alice.tsv', line: r.line } });
          if (r.memo !== undefined) c['memo'] = r.memo;
          if (r.hash !== undefined) c['hash'] = r.hash;
          return c;
        });
        const packed = packCodings('alice', 'codings/alice.tsv', codings as never);
        expect(packed).toBeDefined();
        const back = unpackCodings<Record<string, unknown>>(packed!);
        // JSON keeps the key order: the same text means the same keys in the same order.
        expect(JSON.stringify(back)).toBe(JSON.stringify(codings));
        expect(back).toEqual(codings);
      }),
      { numRuns: 200 },
    );
  });
});

describe('a study changed in memory after its load (the library API)', () => {
  it("matrix, cooccurrence and summary count what the study object now holds, not the pairs kept for its files: a coding added, a transcript left out (in place or by a new list), the codebook's codes reordered, a code's first wave changed", async () => {
    const { openStudy, loadStudy, matrix, cooccurrence, summary } = await import('qualwave');
    const dir = copyOf('buddy-study');
    const results = (s: Study) => JSON.stringify([matrix(s, { rows: 'code' }), cooccurrence(s), summary(s)]);
    const changes: Array<[string, (s: Study) => void]> = [
      [
        'a coding added',
        (s) => {
          const c = s.codings.find((x) => x.coder === 'consensus' && x.participant === 'MS01' && x.wave === 'pre' && x.code === 'support.companionship')!;
          s.codings.push({ ...c, code: 'learning.empathy' });
        },
      ],
      [
        'a transcript left out in place',
        (s) =>
          void s.documents.splice(
            s.documents.findIndex((d) => d.id === 'MS01/pre'),
            1,
          ),
      ],
      [
        'a transcript left out by a new list',
        (s) => {
          s.documents = s.documents.filter((d) => d.id !== 'MS01/pre');
        },
      ],
      ['the codes reordered in place', (s) => void s.codebook.codes.reverse()],
      [
        "a code's first wave changed in place (its codings of the waves before are left out)",
        (s) => {
          (s.codebook.byId.get('learning.empathy') as { since?: string }).since = '4-month';
        },
      ],
    ];
    // The first run makes the pairs and keeps them.
    const unchanged = results(await openStudy(dir));
    expect(entriesOf(dir, 'pairs')).toEqual(['consensus']);
    for (const [what, change] of changes) {
      const s = await openStudy(dir);
      expect(results(s), what).toBe(unchanged);
      change(s);
      const plain = (await loadStudy(dir, { cache: false })).study!;
      change(plain);
      expect(results(s), what).toBe(results(plain));
      expect(results(s), what).not.toBe(unchanged);
    }
  }, 60_000);

  it('report: its agreement rows (agreement.bin) are made again for a study whose codings were changed in memory, not read back for its files', async () => {
    const { openStudy, loadStudy, report } = await import('qualwave');
    const dir = copyOf('buddy-study');
    const agreement = (html: string) => html.slice(html.indexOf('id="agreement"'), html.indexOf('</section>', html.indexOf('id="agreement"')));
    // Kept by the first report.
    const unchanged = agreement(await report(await openStudy(dir)));
    expect(unchanged).toContain('Krippendorff');
    expect(existsSync(join(indexDir(dir), 'agreement.bin'))).toBe(true);
    // ben's codings of MS01 at pre all dropped in memory.
    const drop = (s: Study) => {
      s.codings = s.codings.filter((c) => !(c.coder === 'ben' && c.participant === 'MS01' && c.wave === 'pre'));
    };
    const s = await openStudy(dir);
    drop(s);
    const plain = (await loadStudy(dir, { cache: false })).study!;
    drop(plain);
    const changed = agreement(await report(s));
    expect(changed).toBe(agreement(await report(plain)));
    expect(changed).not.toBe(unchanged);
  }, 60_000);
});
