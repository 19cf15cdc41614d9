import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCodings } from '../../src/core/coding/check.js';
import { withHashes } from '../../src/core/coding/edit.js';
import { cachedLineIndex, lineIndexOf } from '../../src/core/coding/span.js';
import { parseCodingsFile, parseCodingsFilePacked } from '../../src/core/coding/store.js';
import { CodingPacker, packCodings, partCodings, unpackCodings } from '../../src/core/coding/table.js';
import { codingKey, type Coding } from '../../src/core/coding/types.js';
import type { Study } from '../../src/core/study/types.js';
import { loadStudy } from '../../src/io/load-study.js';
import { flushIndexes } from '../../src/io/study-index.js';
import { copyStudy } from '../helpers/copy-study.js';
import { repo } from '../helpers/cli.js';
import { codingKeyBefore, parseCodingsFileBefore } from '../helpers/parse-codings-before.js';

/**
 * The cold load's coder files, read as their rows come (round 8): the same codings, diagnostics
 * and pack as the parse of every record first (the oracle in tests/helpers), for files shaped as
 * coders and spreadsheets write them, and broken ones.
 */
const header = fc.oneof({ weight: 6, arbitrary: fc.constant(['participant', 'wave', 'lines', 'code', 'exemplar', 'memo', 'hash']) }, { weight: 2, arbitrary: fc.shuffledSubarray(['participant', 'wave', 'lines', 'code', 'exemplar', 'memo', 'hash', 'note', ' code '], { minLength: 3 }) });
const cell = fc.oneof(
  fc.constantFrom('', 'P0001', 'MS02', 'José', 'Jose\u0301', 'pre', 'post', '4-month', 'theme1.code2', 'support.respite', '😀.code', 'yes', 'x', 'no', 'maybe'),
  fc.constantFrom('9', '10-11', '12:5-12:40', '12:5-14:3', '0', '12-x', '9-3', '3:0-3:2', ' 7 ', '1e3'),
  fc.constantFrom('a memo', 'mémo with é', '"quoted"', '"tab\tinside"', '"two\nlines"', 'say "hi"', '8c310515', '0c1f9e2a'),
  fc.string({ maxLength: 6 }),
);
const row = fc.array(cell, { minLength: 0, maxLength: 9 });
const file = fc.record({
  bom: fc.boolean(),
  crlf: fc.boolean(),
  header,
  rows: fc.array(fc.oneof({ weight: 8, arbitrary: row }, { weight: 1, arbitrary: fc.constant(null) }), { maxLength: 40 }),
  // Now and then a quote left open at the end: the file cannot be read as a whole.
  broken: fc.nat({ max: 9 }).map((n) => n === 0),
  lastNewline: fc.boolean(),
});

function textOf(f: { bom: boolean; crlf: boolean; header: readonly string[]; rows: Array<string[] | null>; broken: boolean; lastNewline: boolean }): string {
  const nl = f.crlf ? '\r\n' : '\n';
  const lines = [f.header.join('\t'), ...f.rows.map((r) => (r === null ? '' : r.join('\t')))];
  if (f.broken) lines.push('P0001\tpre\t9\tx\t\t"open');
  return (f.bom ? '\ufeff' : '') + lines.join(nl) + (f.lastNewline ? nl : '');
}

describe('coder files read as their rows come', () => {
  it('the same codings and diagnostics as parsing every record first, and the pack packCodings makes of them (property)', () => {
    fc.assert(
      fc.property(file, (f) => {
        const text = textOf(f);
        const before = parseCodingsFileBefore('codings/a.tsv', text, 'a');
        const now = parseCodingsFile('codings/a.tsv', text, 'a');
        expect(now).toEqual(before);
        const packed = parseCodingsFilePacked('codings/a.tsv', text, 'a');
        expect(packed.diagnostics).toEqual(before.diagnostics);
        expect(packed.packed).toEqual(packCodings('a', 'codings/a.tsv', before.codings));
        // Columns of exactly the codings' number (not the room made for every line).
        expect(packed.packed!.line.length).toBe(before.codings.length);
        expect(unpackCodings(packed.packed!)).toEqual(before.codings);
      }),
      { numRuns: 1500 },
    );
  });

  it('a hand case: the rows, a bad row and a blank line, with their file lines', () => {
    const text = '\ufeffparticipant\twave\tlines\tcode\texemplar\tmemo\thash\r\nP1\tpre\t9\tt.a\tyes\t\t\r\n\r\nP1\tpre\t9-x\tt.a\t\t\t\r\nP2\tpost\t3:2-3:4\tt.b\t\t"a\tb"\tabc\r\n';
    const { packed, diagnostics } = parseCodingsFilePacked('codings/a.tsv', text, 'a');
    expect(diagnostics.map((d) => `${d.line}: ${d.message}`)).toEqual(["4: lines '9-x' is not a line, a line range or a span"]);
    // Strings in their first use's order: '', then participant, wave, code, memo and hash of each coding.
    expect(packed!.strings).toEqual(['', 'P1', 'pre', 't.a', 'P2', 'post', 't.b', 'a\tb', 'abc']);
    expect([...packed!.line]).toEqual([2, 5]);
    expect([...packed!.startColumn]).toEqual([0, 2]);
    expect([...packed!.endColumn]).toEqual([0, 4]);
    expect([...packed!.exemplar]).toEqual([1, 0]);
  });

  it('a file that cannot be read as a whole has no codings, only the reason (with its line)', () => {
    const text = 'participant\twave\tlines\tcode\nP1\tpre\t9\tt.a\nP1\tpre\t10\t"t.b\n';
    const before = parseCodingsFileBefore('codings/a.tsv', text, 'a');
    expect(before.codings).toEqual([]);
    expect(before.diagnostics).toHaveLength(1);
    expect(before.diagnostics[0]!.message).toMatch(/^cannot read codings: /);
    expect(parseCodingsFile('codings/a.tsv', text, 'a')).toEqual(before);
    const packed = parseCodingsFilePacked('codings/a.tsv', text, 'a');
    expect(packed.diagnostics).toEqual(before.diagnostics);
    expect(packed.packed!.line.length).toBe(0);
  });

  it('the packer grows from no room to what packCodings makes, and refuses what the parser never makes', () => {
    const codings: Coding[] = Array.from({ length: 100 }, (_, i) => ({
      coder: 'a',
      participant: `P${i % 7}`,
      wave: 'pre',
      startLine: i + 1,
      endLine: i + 2,
      code: `c${i % 3}`,
      exemplar: i % 2 === 0,
      source: { file: 'f', line: i + 2 },
      ...(i % 5 === 0 ? { startColumn: 1, endColumn: 3 } : {}),
      ...(i % 4 === 0 ? { memo: `m${i}` } : {}),
    }));
    const packer = new CodingPacker('a', 'f', 0);
    for (const c of codings) expect(packer.add(c)).toBe(true);
    expect(packer.finish()).toEqual(packCodings('a', 'f', codings));
    const refused = new CodingPacker('a', 'f', 4);
    expect(refused.add({ ...codings[0]!, memo: '' })).toBe(false);
    expect(refused.add(codings[1]!)).toBe(false);
    expect(refused.finish()).toBeUndefined();
  });
});

describe('a coding key joined', () => {
  it('is the key of the template literal (property: spans with and without columns, any text)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.integer(), fc.integer(), fc.option(fc.integer(), { nil: undefined }), fc.option(fc.integer(), { nil: undefined }), fc.string(), (coder, participant, wave, startLine, endLine, startColumn, endColumn, code) => {
        const c = { coder, participant, wave, startLine, endLine, startColumn, endColumn, code };
        expect(codingKey(c)).toBe(codingKeyBefore(c));
      }),
      { numRuns: 2000 },
    );
    expect(codingKey({ coder: 'a', participant: 'P1', wave: 'pre', startLine: 9, endLine: 10, code: 't.a' })).toBe('a\u0000P1\u0000pre\u00009\u000010\u0000\u0000\u0000t.a');
  });
});

describe('checking codings with hashes on texts read lazily', () => {
  // A copy with its index (a warm load reads each text only when asked for it).
  const dir = mkdtempSync(join(tmpdir(), 'qualwave-check-lazy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  copyStudy(join(repo, 'fixtures/buddy-study'), join(dir, 'study'));
  let warm = false;
  const load = async (): Promise<Study> => {
    if (!warm) {
      await loadStudy(join(dir, 'study'));
      flushIndexes();
      warm = true;
    }
    return (await loadStudy(join(dir, 'study'))).study!;
  };

  it('the same diagnostics as with every text held, each text let go after its run, one met again kept', async () => {
    const hashing = await load();
    const docs = hashing.documents;
    expect(docs.length).toBeGreaterThan(2);
    // Two codings per line of each document, hashed; some moved (drift), one text changed (no longer there).
    const plain: Coding[] = [];
    for (const d of docs) {
      const list = d.segmentList;
      for (let i = 0; i < Math.min(list.length, 6); i++)
        plain.push({ coder: 'a', participant: d.participant, wave: d.wave, startLine: list.startLine(i), endLine: list.endLine(i), code: hashing.codebook.codes[i % hashing.codebook.codes.length]!.id, exemplar: false, source: { file: 'codings/a.tsv', line: plain.length + 2 } });
    }
    const hashed = withHashes(hashing, plain).map((c, i) => (i % 5 === 1 ? { ...c, startLine: c.startLine + 1, endLine: c.endLine + 1 } : i % 7 === 3 ? { ...c, hash: '00000000' } : c));
    // The old way: every document's lines made first and kept (lineIndexOf).
    const held = await load();
    for (const d of held.documents) lineIndexOf(d);
    const expected = checkCodings(held, hashed);
    expect(expected.filter((d) => d.kind === 'drift').length).toBeGreaterThan(3);

    // In transcript order: the same, and no text held after that was not held before (a text that is not ASCII is held from the load).
    const lazy = await load();
    const heldBefore = lazy.documents.filter((d) => d.segmentList.holdsText).map((d) => d.id);
    expect(heldBefore.length).toBeLessThan(docs.length - 1);
    expect(checkCodings(lazy, hashed)).toEqual(expected);
    expect(lazy.documents.filter((d) => d.segmentList.holdsText).map((d) => d.id)).toEqual(heldBefore);
    expect(lazy.documents.filter((d) => !heldBefore.includes(d.id) && cachedLineIndex(d.segmentList))).toEqual([]);

    // A lazily read document's codings again at the end: its text read a second time, then kept with it.
    const k = docs.findIndex((d) => !heldBefore.includes(d.id));
    const first = hashed.filter((c) => `${c.participant}/${c.wave}` === docs[k]!.id).map((c) => ({ ...c, coder: 'b' }));
    expect(first.length).toBeGreaterThan(0);
    const again = [...hashed, ...first];
    const expectedAgain = checkCodings(held, again);
    const lazyAgain = await load();
    expect(checkCodings(lazyAgain, again)).toEqual(expectedAgain);
    expect(lazyAgain.documents.filter((d) => d.segmentList.holdsText).map((d) => d.id)).toEqual([...heldBefore, docs[k]!.id].sort((a, b) => docs.findIndex((d) => d.id === a) - docs.findIndex((d) => d.id === b)));
    expect(cachedLineIndex(lazyAgain.documents[k]!.segmentList)).toBeDefined();
  });

  it('codings made one at a time from the columns give the checks of the objects', async () => {
    const s = await load();
    const list = s.documents[0]!.segmentList;
    const codings: Coding[] = [0, 1, 1, 2].map((i, k) => ({
      coder: 'a',
      participant: s.documents[0]!.participant,
      wave: s.documents[0]!.wave,
      startLine: list.startLine(i),
      endLine: list.endLine(i),
      code: k === 3 ? 'not.a.code' : s.codebook.codes[0]!.id,
      exemplar: false,
      source: { file: 'codings/a.tsv', line: k + 2 },
    }));
    const packed = packCodings('a', 'codings/a.tsv', codings)!;
    const d = checkCodings(s, partCodings({ packed }));
    expect(d).toEqual(checkCodings(s, codings));
    expect(d.map((x) => `${x.line}: ${x.message.replace(/ \(did you mean .*$/, '')}`)).toEqual(['4: duplicate coding (same as line 3)', "5: unknown code 'not.a.code'"]);
  });
});
