import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCodingsFile } from '../../src/core/coding/store.js';
import type { Coding } from '../../src/core/coding/types.js';
import { CodingColumns, formatPlanned, plannedList } from '../../src/core/refi/coding-columns.js';
import { ownSelectionCount, ownSelections, parseProject, releaseSelections } from '../../src/core/refi/import.js';
import { readNote } from '../../src/core/refi/note.js';
import { blockText } from '../../src/io/refi.js';

/**
 * What an import holds while it plans a big project, held more compactly: each coder's codings
 * in columns (CodingColumns), the qualwave note's text compressed in blocks (blockText), each
 * source's selections let go once taken (releaseSelections). The oracles: the objects as added
 * (and formatCodingsFile of them, the code that wrote the coder files before), a string's own
 * slices, JSON.parse of the whole note.
 */

const coding = fc.record(
  {
    participant: fc.constantFrom('P1', 'P2', 'P10', 'p1', 'MS07'),
    wave: fc.constantFrom('pre', 'post', 'w1'),
    startLine: fc.integer({ min: 1, max: 40 }),
    lines: fc.integer({ min: 0, max: 5 }),
    columns: fc.option(fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }))),
    code: fc.constantFrom('a', 'b', 'theme1.code2', 'é'),
    exemplar: fc.boolean(),
    memo: fc.option(fc.constantFrom('a memo', 'line\nbreak', 'tab\there', 'cr\rhere', '"quoted"')),
    hash: fc.option(fc.oneof(fc.constantFrom('8c310515', '00000000', 'ffffffff', '0000000a'), fc.constantFrom('ABCDEF12', 'abc', '8c3105150', 'x y'))),
  },
  { requiredKeys: ['participant', 'wave', 'startLine', 'lines', 'columns', 'code', 'exemplar', 'memo', 'hash'] },
);

type Drawn = typeof coding extends fc.Arbitrary<infer T> ? T : never;

function made(c: Drawn, coder: string): Coding {
  const out: Coding = { coder, participant: c.participant, wave: c.wave, startLine: c.startLine, endLine: c.startLine + c.lines, code: c.code, exemplar: c.exemplar };
  if (c.columns) {
    out.startColumn = c.columns[0];
    out.endColumn = c.columns[1];
  }
  if (c.memo !== null) out.memo = c.memo;
  if (c.hash !== null) out.hash = c.hash;
  return out;
}

describe("an import's codings in columns", () => {
  it('gives back every coding as added, and the coder file formatCodingsFile makes of them (property)', () => {
    fc.assert(
      fc.property(fc.array(coding, { maxLength: 60 }), fc.constantFrom(['pre', 'post'], ['post', 'pre', 'w1'], []), (cs, waves) => {
        const list = cs.map((c) => made(c, 'ana'));
        const cols = new CodingColumns('ana');
        for (const c of list) cols.add(c);
        expect(cols.length).toBe(list.length);
        expect(cols.toArray()).toEqual(list);
        for (let i = 0; i < list.length; i++) expect(Object.keys(cols.at(i)).sort()).toEqual(Object.keys(list[i]!).sort());
        expect(cols.format(waves)).toBe(formatCodingsFile(list, waves));
        expect(formatPlanned(cols, waves)).toBe(formatCodingsFile(list, waves));
        expect(plannedList(cols)).toEqual(list);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps as objects the codings the columns cannot hold, and the file is the same (hand-made)', () => {
    const base: Coding = { coder: 'ana', participant: 'P1', wave: 'pre', startLine: 3, endLine: 4, code: 'a', exemplar: false, hash: '8c310515' };
    // A hand-edited note can give any JSON value for exemplar and hash; columns of 0, one column, an empty memo.
    const odd = [
      { ...base, exemplar: 'yes' as unknown as boolean },
      { ...base, hash: 12 as unknown as string },
      { ...base, startColumn: 0, endColumn: 4 },
      { ...base, startColumn: 2 },
      { ...base, memo: '' },
      { ...base, startLine: 1.5 },
      { ...base, memo: undefined },
    ];
    const list = [base, ...odd, { ...base, startLine: 1, endLine: 1, startColumn: 2, endColumn: 5, code: 'b' }];
    const cols = new CodingColumns('ana');
    for (const c of list) cols.add(c);
    for (let i = 1; i <= odd.length; i++) expect(cols.at(i)).toBe(list[i]);
    expect(cols.at(0)).not.toBe(base);
    expect(cols.at(0)).toEqual(base);
    expect(cols.format(['pre'])).toBe(formatCodingsFile(list, ['pre']));
    // Another coder's coding is kept as it is too.
    const other = new CodingColumns('ben');
    other.add(base);
    expect(other.at(0)).toBe(base);
  });

  it('writes the rows hand-sorted: wave, participant in natural order, place, code; hashes as 8 hex digits (hand-made)', () => {
    const cols = new CodingColumns('a');
    cols.add({ coder: 'a', participant: 'P10', wave: 'pre', startLine: 2, endLine: 2, code: 'x', exemplar: false, hash: '0000000a' });
    cols.add({ coder: 'a', participant: 'P2', wave: 'post', startLine: 1, endLine: 3, code: 'y', exemplar: true });
    cols.add({ coder: 'a', participant: 'P2', wave: 'pre', startLine: 5, endLine: 5, startColumn: 2, endColumn: 9, code: 'z', exemplar: false, memo: 'm' });
    expect(cols.format(['pre', 'post'])).toBe('participant\twave\tlines\tcode\texemplar\tmemo\thash\nP2\tpre\t5:2-5:9\tz\t\tm\t\nP10\tpre\t2\tx\t\t\t0000000a\nP2\tpost\t1-3\ty\tyes\t\t\n');
  });
});

describe('a long text kept in compressed blocks', () => {
  it('gives every slice the string gives (property: wide characters, lone surrogates, blocks of a few units)', () => {
    const unit = fc.constantFrom('a', 'é', '\u00ff', '\u0100', '😀', '\ud800', '\udc00', '"', '\n', 'z');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 80 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 3 }), fc.array(fc.tuple(fc.integer({ min: -2, max: 90 }), fc.integer({ min: -2, max: 90 })), { maxLength: 20 }), (units, block, cached, cuts) => {
        const text = units.join('');
        const kept = blockText(text, block, cached);
        for (const [a, b] of cuts) {
          if (a < 0 || b < a || b > text.length) continue;
          expect(kept.slice(a, b)).toBe(text.slice(a, b));
        }
        expect(kept.slice(0, text.length)).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('slices across blocks of the default size (hand-made)', () => {
    const text = `${'x'.repeat(32767)}é€${'y'.repeat(40000)}`;
    const kept = blockText(text);
    expect(kept.slice(32766, 32770)).toBe('xé€y');
    expect(kept.slice(32768, 32769)).toBe('€');
    expect(kept.slice(0, 0)).toBe('');
  });
});

describe("the qualwave note's text kept compressed while its selections are looked up", () => {
  it('gives what JSON.parse of the whole note gives (property)', () => {
    const head = '{"qualwave":1,"study":{"title":"Τίτλος"},"files":[],"sources":{}';
    const key = fc.constantFrom('a', 'b', '4d73e32d-1e9a-5b84-a28e-ebec6c79b75c', 'é😀', 'x\\"y', '\\u0061');
    const value = fc.constantFrom('{"start":1,"end":2}', '{"start":199,"end":898,"lines":"9"}', '{"hash":"é"}', '{}', '{"exemplar":true,"lines":"3-5"}');
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 12 }), fc.integer({ min: 1, max: 20 }), (es, block) => {
        const text = `${head},"selections":{${es.map(([k, v]) => `"${k}":${v}`).join(',')}}}`;
        const whole = JSON.parse(text) as { selections: Record<string, unknown> };
        const got = readNote(text, (t) => blockText(t, block, 2));
        for (const k of ['a', 'b', '4d73e32d-1e9a-5b84-a28e-ebec6c79b75c', 'é😀', 'x"y', 'missing']) expect(got.note!.selections.get(k)).toEqual(Object.hasOwn(whole.selections, k) ? whole.selections[k] : undefined);
      }),
      { numRuns: 500 },
    );
  });
});

describe("the qualwave note's text let go once kept", () => {
  it('is not held by the lookups (hand-made: a 20 MB note, the heap measured after full collections)', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const make = (): string => {
      const parts: string[] = ['{"qualwave":1,"study":{"title":"T","waves":[]},"files":[],"sources":{},"selections":{'];
      for (let i = 0; i < 260000; i++) parts.push(`${i ? ',' : ''}"${String(i).padStart(8, '0')}-1e9a-5b84-a28e-ebec6c79b75c":{"start":${i},"end":${i + 5},"lines":"9"}`);
      parts.push('}}');
      return parts.join('');
    };
    let text: string | undefined = make();
    expect(text.length).toBeGreaterThan(20_000_000);
    gc();
    const before = process.memoryUsage().heapUsed;
    const got = readNote(text, (t) => blockText(t));
    text = undefined;
    gc();
    gc();
    const after = process.memoryUsage().heapUsed;
    expect(got.note!.selections.get('00000007-1e9a-5b84-a28e-ebec6c79b75c')).toEqual({ start: 7, end: 12, lines: '9' });
    // The text (20 MB of one-byte characters) is gone; the lookups hold its compressed blocks (outside the heap).
    expect(before - after).toBeGreaterThan(15_000_000);
  });
});

describe("a text source's selections let go once taken", () => {
  it('keeps their count; asking for them again is refused as a bug (hand-made)', () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?><Project name="p"><Sources><TextSource guid="s1" name="S"><PlainTextSelection guid="x1" startPosition="0" endPosition="3"/><PlainTextSelection guid="x2" startPosition="4" endPosition="5"/></TextSource></Sources></Project>`;
    const project = parseProject(xml, 'p.qde', { defer: true, keep: (s) => () => s })['Project'] as Record<string, unknown>;
    const el = ((project['Sources'] as Record<string, unknown>)['TextSource'] as Array<Record<string, unknown>>)[0]!;
    expect(ownSelectionCount(el)).toBe(2);
    expect(ownSelections(el).map((s) => s['@_guid'])).toEqual(['x1', 'x2']);
    releaseSelections(el);
    expect(ownSelectionCount(el)).toBe(2);
    expect(() => ownSelections(el)).toThrow(/let go/);
  });
});
