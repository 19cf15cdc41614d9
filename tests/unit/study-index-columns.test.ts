import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { touchedSegments } from '../../src/core/coding/span.js';
import { SegmentList } from '../../src/core/transcript/segment-list.js';
// (Registers the codecs of document.bin and codings.bin.)
import '../../src/io/load-study.js';
import { decodeColumns, encodeColumns, narrowInts, StudyIndex, widenInts, type FileKey } from '../../src/io/study-index.js';

/**
 * The study index's packs lay typed arrays out as columns (src/io/study-index.ts): written after
 * the rest of the value, each at an offset that is a multiple of 8, and read back as views of the
 * file's bytes. What comes back must be what went in, whatever the offset of the bytes.
 */

const column = fc.oneof(
  fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 9 }).map((a) => Int32Array.from(a)),
  fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 9 }).map((a) => Uint32Array.from(a)),
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 9 }).map((a) => Uint8Array.from(a)),
  fc.array(fc.double(), { maxLength: 9 }).map((a) => Float64Array.from(a)),
  fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { maxLength: 5 }).map((a) => BigInt64Array.from(a)),
  fc.array(fc.integer({ min: 0, max: 65535 }), { maxLength: 9 }).map((a) => Uint16Array.from(a)),
);
const value = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 6 }).filter((k) => k !== '__proto__' && !k.startsWith('\u0000')),
  fc.oneof(column, fc.string(), fc.integer(), fc.array(fc.string(), { maxLength: 3 })),
  { maxKeys: 8 },
);

describe('columns of a pack', () => {
  it('decode(encode(v)) is v, its columns views of the bytes when they are 8-aligned and copies when not', () => {
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 7 }), (v, shift) => {
        const bytes = encodeColumns(v);
        // The payload as it sits in a file: at some offset of a larger buffer.
        const buffer = new Uint8Array(bytes.length + 16);
        buffer.set(bytes, 8 + shift);
        const payload = buffer.subarray(8 + shift, 8 + shift + bytes.length);
        const back = decodeColumns(payload);
        expect(Object.keys(back).sort()).toEqual(Object.keys(v).sort());
        for (const [k, x] of Object.entries(v)) {
          expect(back[k]).toEqual(x);
          if (ArrayBuffer.isView(x)) {
            expect((back[k] as object).constructor).toBe(x.constructor);
            const bytesPer = (x as Int32Array).BYTES_PER_ELEMENT;
            // In place exactly when the column's offset in the buffer suits its type.
            const inPlace = (back[k] as Int32Array).buffer === buffer.buffer;
            if (shift % bytesPer === 0) expect(inPlace).toBe(true);
            else expect(inPlace).toBe(false);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a payload cut short or not one is refused (the pack is then ignored and rebuilt)', () => {
    const bytes = encodeColumns({ files: ['a'], at: Uint32Array.of(0, 3), all: Int32Array.of(1, 2, 3) });
    expect(() => decodeColumns(bytes.subarray(0, bytes.length - 8))).toThrow();
    expect(() => decodeColumns(new Uint8Array(Buffer.from('not a payload')))).toThrow();
  });
});

describe('integer columns in the bytes their values need', () => {
  // Values from a few ranges (all one value, bytes, 16 bits signed and not, any), as the coder files' columns have them.
  const ranges = [
    [0, 0],
    [7, 7],
    [-1, -1],
    [0, 255],
    [0, 65535],
    [-32768, 32767],
    [-(2 ** 31), 2 ** 31 - 1],
    [0, 2 ** 32 - 1],
    [255, 256],
    [-1, 65535],
  ] as const;
  const ints = fc.constantFrom(...ranges).chain(([min, max]) => fc.tuple(fc.boolean(), fc.array(fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) }), { maxLength: 20 }), fc.array(fc.integer({ min: Math.max(min, 0), max: Math.max(max, 0) }), { maxLength: 20 })));

  it('narrowInts then widenInts (through a pack) gives the same values in an array of the same type, in no more bytes', () => {
    fc.assert(
      fc.property(ints, ([signed, a, b]) => {
        const column = signed ? Int32Array.from(a) : Uint32Array.from(b);
        const narrow = narrowInts(column);
        const stored = ArrayBuffer.isView(narrow) ? narrow.byteLength : 0;
        expect(stored).toBeLessThanOrEqual(column.byteLength);
        const back = decodeColumns(encodeColumns({ c: narrow }))['c'];
        const wide = widenInts(back, signed ? Int32Array : Uint32Array);
        expect(wide.constructor).toBe(column.constructor);
        expect([...wide]).toEqual([...column]);
      }),
      { numRuns: 500 },
    );
    // Each narrow form is used where it fits (not only the array as it was).
    expect(narrowInts(Int32Array.of(3, 3, 3))).toEqual({ same: 3, length: 3 });
    expect(narrowInts(Uint32Array.of(0, 255))).toBeInstanceOf(Uint8Array);
    expect(narrowInts(Uint32Array.of(0, 65535))).toBeInstanceOf(Uint16Array);
    expect(narrowInts(Int32Array.of(-1, 300))).toBeInstanceOf(Int16Array);
    expect(narrowInts(Int32Array.of(-1, 65535))).toBeInstanceOf(Int32Array);
  });

  it('anything else in its place is refused (the pack is then damaged: ignored and rebuilt)', () => {
    for (const bad of [undefined, null, 'x', 3, {}, { same: 1.5, length: 2 }, { same: 1, length: -1 }, { same: 2 ** 32, length: 1 }, [1, 2], Float64Array.of(1)]) {
      expect(() => widenInts(bad, Int32Array)).toThrow('damaged');
    }
    expect(() => widenInts({ same: -1, length: 1 }, Uint32Array)).toThrow('damaged');
    expect(() => widenInts(Int16Array.of(-1), Uint32Array)).toThrow('damaged');
  });
});

describe('document.bin and codings.bin through the index', () => {
  it('timestamps of any text (Latin-1, beyond it, lone surrogates, empty) come back the same for each document, whichever is asked first', () => {
    const unit = fc.oneof(
      fc.constantFrom('0', ':', '.', 'é', 'ÿ', 'Ā', '😀', '\ud800', '\udc00', ''),
      fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    );
    // (A study's timestamps all in Latin-1, one byte each, or not.)
    const latin = fc.oneof(
      fc.constantFrom('0', ':', '.', 'é', 'ÿ', '\u0080', ''),
      fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)),
    );
    const doc = (u: fc.Arbitrary<string>) =>
      fc.integer({ min: 0, max: 6 }).chain((n) =>
        fc.tuple(
          fc.constant(n),
          fc.option(
            fc.uniqueArray(
              fc.tuple(
                fc.integer({ min: 0, max: Math.max(0, n - 1) }),
                fc.array(u, { maxLength: 5 }).map((x) => x.join('')),
              ),
              { selector: (e) => e[0], maxLength: n },
            ),
            { nil: undefined },
          ),
        ),
      );
    const study = fc.oneof(fc.array(doc(latin), { minLength: 1, maxLength: 5 }), fc.array(doc(unit), { minLength: 1, maxLength: 5 }));
    fc.assert(
      fc.property(study, fc.array(fc.nat(), { maxLength: 5 }), (list, order) => {
        const root = mkdtempSync(join(tmpdir(), 'qw-stamps-'));
        const key = (h: string): FileKey => ({ size: 1, mtimeMs: 0, hash: h });
        const docs = list.map(([n, stamps], i) => ({
          diagnostics: [],
          document: { fields: { id: `P${i}/w1` }, columns: { n, data: new Int32Array(n * 6), roles: new Uint8Array(n), speakers: [], speakerParticipants: undefined, texts: undefined, timestamps: stamps && new Map(stamps), parts: undefined } },
        }));
        const index = new StudyIndex(root, true);
        docs.forEach((d, i) => index.put('document', `t/${i}.txt`, key(`h${i}`), d));
        index.flush();
        const again = new StudyIndex(root, true);
        const back = docs.map((_, i) => again.get('document', `t/${i}.txt`, key(`h${i}`)) as (typeof docs)[number]);
        // Asked for in some order (a listing asks for some documents' only).
        for (const k of [...order.map((o) => o % docs.length), ...docs.keys()]) {
          const want = docs[k]!.document.columns.timestamps;
          const lazy = back[k]!.document.columns.timestamps as unknown;
          expect(typeof lazy).toBe(want ? 'function' : 'undefined');
          if (typeof lazy === 'function') expect([...(lazy as () => Map<number, string>)()]).toEqual([...want!]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('documents with timestamps, texts and part numbers (maps or none) come back the same, in the same order', () => {
    const root = mkdtempSync(join(tmpdir(), 'qw-columns-'));
    const key = (h: string): FileKey => ({ size: 1, mtimeMs: 0, hash: h });
    const columns = (n: number, maps: { timestamps?: Map<number, string>; texts?: Map<number, string>; parts?: Map<number, number> }) => ({
      n,
      data: Int32Array.from({ length: n * 6 }, (_, i) => i * 3 - 7),
      roles: Uint8Array.from({ length: n }, (_, i) => i % 4),
      speakers: ['Interviewer', 'Zoë'],
      speakerParticipants: n % 2 ? undefined : [undefined, 'P2'],
      texts: maps.texts,
      timestamps: maps.timestamps,
      parts: maps.parts,
    });
    const docs = [
      {
        diagnostics: [],
        document: {
          fields: { id: 'P1/w1', attributes: { site: 'A' } },
          columns: columns(3, {
            timestamps: new Map([
              [2, '00:01:02'],
              [0, '00:00:05'],
            ]),
          }),
        },
      },
      { diagnostics: [{ severity: 'warning', file: 'b.txt', message: 'x' }], skipped: true },
      {
        diagnostics: [],
        document: {
          fields: { id: 'P2/w1' },
          columns: columns(2, {
            texts: new Map([[1, 'caption 😀']]),
            parts: new Map([
              [1, 2],
              [0, 1.5],
            ]),
          }),
        },
      },
      { diagnostics: [], document: { fields: { id: 'P3/w1' }, columns: columns(0, { timestamps: new Map() }) } },
    ];
    const index = new StudyIndex(root, true);
    docs.forEach((d, i) => index.put('document', `t/${i}.txt`, key(`h${i}`), d));
    index.flush();
    const again = new StudyIndex(root, true);
    docs.forEach((d, i) => {
      const back = again.get('document', `t/${i}.txt`, key(`h${i}`));
      // Timestamps come back as a function making the map (made when a segment's time is first asked for).
      const lazy = (back as typeof d).document?.columns as { timestamps?: unknown } | undefined;
      expect(typeof lazy?.timestamps).toBe(d.document?.columns.timestamps ? 'function' : 'undefined');
      if (typeof lazy?.timestamps === 'function') lazy.timestamps = (lazy.timestamps as () => unknown)();
      expect(back).toEqual(d);
      const c = (back as typeof d).document?.columns;
      if (c?.timestamps) expect([...c.timestamps.keys()]).toEqual([...d.document!.columns.timestamps!.keys()]);
      if (c?.parts) expect([...c.parts]).toEqual([...d.document!.columns.parts!]);
    });
    expect(again.get('document', 't/0.txt', key('other'))).toBeUndefined();
  });

  it('a coder file’s columns come back the same (and a damaged codings.bin is refused)', () => {
    const root = mkdtempSync(join(tmpdir(), 'qw-columns-'));
    const packed = (coder: string, n: number) => ({
      coder,
      file: `codings/${coder}.tsv`,
      strings: ['', 'P1', 'w1', 'support'],
      participant: Uint32Array.from({ length: n }, () => 1),
      wave: Uint32Array.from({ length: n }, () => 2),
      code: Uint32Array.from({ length: n }, () => 3),
      memo: new Uint32Array(n),
      hash: new Uint32Array(n),
      startLine: Int32Array.from({ length: n }, (_, i) => i + 1),
      endLine: Int32Array.from({ length: n }, (_, i) => i + 2),
      startColumn: new Int32Array(n),
      endColumn: new Int32Array(n),
      exemplar: Uint8Array.from({ length: n }, (_, i) => i % 2),
      line: Int32Array.from({ length: n }, (_, i) => i + 2),
    });
    const entries = [
      { codings: packed('alice', 5), diagnostics: [] },
      { codings: packed('ben', 0), diagnostics: [{ severity: 'error', file: 'codings/ben.tsv', line: 3, message: 'm' }] },
      { codings: packed('carla', 3), diagnostics: [] },
    ];
    const key: FileKey = { size: 1, mtimeMs: 0, hash: 'h' };
    const index = new StudyIndex(root, true);
    entries.forEach((e) => index.put('codings', e.codings.file, key, e));
    index.flush();
    const again = new StudyIndex(root, true);
    for (const e of entries) expect(again.get('codings', e.codings.file, key)).toEqual(e);
    const file = join(root, '.qualwave', 'index', 'codings.bin');
    const bytes = Buffer.from(readFileSync(file));
    bytes[bytes.length - 20]! ^= 0x10;
    writeFileSync(file, bytes);
    const damaged = new StudyIndex(root, true);
    expect(damaged.get('codings', 'codings/alice.tsv', key)).toBeUndefined();
  });
});

describe('the segments of a whole-line coding, found on the columns', () => {
  it('linesTouched gives what touchedSegments gives', () => {
    const segments = fc.array(fc.record({ start: fc.integer({ min: 1, max: 60 }), span: fc.integer({ min: 0, max: 4 }) }), { maxLength: 30 });
    fc.assert(
      fc.property(segments, fc.integer({ min: -2, max: 70 }), fc.integer({ min: -2, max: 70 }), (segs, from, to) => {
        // Segments in document order (their lines never go back), some sharing a line.
        const list = new SegmentList('P1/w1', '');
        let line = 1;
        for (const s of segs) {
          line += s.start % 3;
          list.push(null, 'participant', 0, line, line + s.span, 0, 0, undefined, undefined);
          line += s.span;
        }
        const out = [0, 0];
        list.linesTouched(from, to, out);
        expect(out).toEqual(touchedSegments({ segmentList: list }, { startLine: from, endLine: to }));
      }),
      { numRuns: 500 },
    );
  });
});
