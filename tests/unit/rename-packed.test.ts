import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renameInCodings, renameInPacked } from '../../src/core/coding/edit.js';
import { formatCodingsFile, formatPackedCodingsFile, parseCodingsFile } from '../../src/core/coding/store.js';
import { packCodings, unpackCodings, type PackedCodings } from '../../src/core/coding/table.js';
import type { Coding } from '../../src/core/coding/types.js';

/**
 * codebook rename/merge in a coder file's columns (renameInPacked, formatPackedCodingsFile) against
 * the codings' version (renameInCodings, formatCodingsFile): the same counts, the same codings in
 * the same order, the same bytes written.
 */
const FILE = 'codings/alice.tsv';
const waves = ['pre', '4-month', 'post'];
const memo = fc.option(fc.constantFrom('plain', 'tab\there', 'say "so"', 'bare\rcr', 'crlf\r\nline', 'emoji 😀 and é', 'e\u0301', '=SUM(A1)', 'a'), { nil: undefined });
const raw = fc.record({
  // P2 and P02 are equal to natural order (a tie the sort keeps in first-seen order); 'extra' is not a wave of the study.
  participant: fc.constantFrom('P1', 'P2', 'P02', 'P10', 'José', 'Jose\u0301'),
  wave: fc.constantFrom(...waves, 'extra'),
  startLine: fc.integer({ min: 1, max: 12 }),
  length: fc.integer({ min: 0, max: 2 }),
  columns: fc.option(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })), { nil: undefined }),
  code: fc.constantFrom('a', 'b', 'c', 'theme3.code4'),
  exemplar: fc.boolean(),
  memo,
  hash: fc.option(fc.constantFrom('0c1f9e2a', '5d41402a'), { nil: undefined }),
});
/** As the parser makes them (its fields in its order): the coder and source line set, columns both or neither. */
type Raw = { participant: string; wave: string; startLine: number; length: number; columns: [number, number] | undefined; code: string; exemplar: boolean; memo: string | undefined; hash: string | undefined };
function codingsOf(rows: readonly Raw[]): Coding[] {
  return rows.map((r, i) => {
    const span = r.columns ? { startColumn: r.columns[0], endColumn: r.length === 0 ? Math.max(r.columns[0], r.columns[1]) : r.columns[1] } : {};
    const c: Coding = { coder: 'alice', participant: r.participant, wave: r.wave, startLine: r.startLine, endLine: r.startLine + r.length, ...span, code: r.code, exemplar: r.exemplar };
    c.source = { file: FILE, line: i + 2 };
    if (r.memo !== undefined) c.memo = r.memo;
    if (r.hash !== undefined) c.hash = r.hash;
    return c;
  });
}
const pack = (list: readonly Coding[]): PackedCodings => packCodings('alice', FILE, list)!;
const renames = fc.record({ from: fc.subarray(['a', 'b', 'theme3.code4', 'nowhere'], { minLength: 1 }), to: fc.constantFrom('c', 'b', 'theme3.renamed', 'a') });

describe('formatPackedCodingsFile', () => {
  it('writes the bytes formatCodingsFile writes of the same codings (property; ties of natural order, a wave not in the study, runs of 2,048 crossed)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(raw, { maxLength: 40 }), fc.array(raw, { minLength: 2100, maxLength: 4500, size: 'max' })), (rows) => {
        const list = codingsOf(rows);
        expect(formatPackedCodingsFile(pack(list), waves)).toBe(formatCodingsFile(list, waves));
      }),
      { numRuns: 40 },
    );
  });

  it('writes the header alone for no coding', () => {
    expect(formatPackedCodingsFile(pack([]), waves)).toBe('participant\twave\tlines\tcode\texemplar\tmemo\thash\n');
  });
});

describe('renameInPacked', () => {
  it('renames and folds as renameInCodings does: the same counts, codings, order and file (property, duplicates frequent)', () => {
    fc.assert(
      fc.property(fc.array(raw, { maxLength: 80 }), renames, (rows, { from, to }) => {
        const list = codingsOf(rows);
        const p = pack(list);
        const before = JSON.stringify(p, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Uint8Array) : v));
        const want = renameInCodings(list, from, to);
        const got = renameInPacked(p, from, to)!;
        expect(got.changed).toBe(want.changed);
        expect(got.merged).toBe(want.merged);
        expect(JSON.stringify(unpackCodings<Coding>(got.packed))).toBe(JSON.stringify(want.codings));
        expect(formatPackedCodingsFile(got.packed, waves)).toBe(formatCodingsFile(want.codings, waves));
        // The loader's pack is left as it was.
        expect(JSON.stringify(p, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Uint8Array) : v))).toBe(before);
      }),
      { numRuns: 300 },
    );
  });

  it('folds into the coding already coded with the new id, keeping its memo (hand-made case)', () => {
    // Line 10: x (memo "old") and y (memo "kept") on the same lines; line 12: x alone.
    const text = 'participant\twave\tlines\tcode\texemplar\tmemo\thash\nP1\tpre\t10\tx\t\told\t\nP1\tpre\t10\ty\tyes\tkept\t\nP1\tpre\t12\tx\t\t\t\n';
    const parsed = parseCodingsFile(FILE, text, 'alice');
    expect(parsed.diagnostics).toEqual([]);
    const r = renameInPacked(pack(parsed.codings), ['x'], 'y')!;
    // Two codings renamed (lines 10 and 12), one folded (line 10's x into y, whose memo stays).
    expect([r.changed, r.merged]).toEqual([2, 1]);
    expect(formatPackedCodingsFile(r.packed, waves)).toBe('participant\twave\tlines\tcode\texemplar\tmemo\thash\nP1\tpre\t10\ty\tyes\tkept\t\nP1\tpre\t12\ty\t\t\t\n');
  });

  it('declines a file whose participant, wave or code holds U+0000 (codingKey separates its fields with it)', () => {
    const list = codingsOf([{ participant: 'P\u00001', wave: 'pre', startLine: 1, length: 0, columns: undefined, code: 'a', exemplar: false, memo: undefined, hash: undefined }]);
    expect(renameInPacked(pack(list), ['a'], 'b')).toBeUndefined();
    // In a memo it does no harm.
    const memoOnly = codingsOf([{ participant: 'P1', wave: 'pre', startLine: 1, length: 0, columns: undefined, code: 'a', exemplar: false, memo: 'm\u0000', hash: undefined }]);
    expect(renameInPacked(pack(memoOnly), ['a'], 'b')?.changed).toBe(1);
  });
});
