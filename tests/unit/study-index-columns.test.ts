import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { touchedSegments } from '../../src/core/coding/span.js';
import { SegmentList } from '../../src/core/transcript/segment-list.js';
// (Registers the codecs of document.bin and codings.bin.)
import '../../src/io/load-study.js';
import { decodeColumns, encodeColumns, StudyIndex, type FileKey } from '../../src/io/study-index.js';

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

describe('document.bin and codings.bin through the index', () => {
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
