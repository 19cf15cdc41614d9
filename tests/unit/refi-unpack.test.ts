import fc from 'fast-check';
import { unzipSync, Zip, ZipDeflate, ZipPassThrough, zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { openArchive } from '../../src/io/refi.js';
import { inspectArchive, keptEntries } from '../../src/io/zip.js';

/**
 * openArchive keeps the bytes its safety check inflates instead of inflating the archive again; the
 * oracle is fflate's unzipSync (what it returned before): the same entries, bytes and order.
 */

const enc = new TextEncoder();
const name = fc.constantFrom('project.qde', 'sources/a.txt', 'sources/B.txt', 'Sources/c.txt', 'x.qde', 'sources/é😀.txt', '123', 'sources/', 'empty.txt');
const content = fc.oneof(
  fc.string({ maxLength: 200 }).map((s) => enc.encode(s)),
  fc.integer({ min: 0, max: 300_000 }).map((n) => enc.encode('line of text\r\n'.repeat(Math.ceil(n / 14)).slice(0, n))),
  fc.uint8Array({ maxLength: 5000 }),
);
const archive = fc.uniqueArray(fc.tuple(name, content, fc.constantFrom(0, 1, 6, 9)), { minLength: 1, maxLength: 6, selector: ([n]) => n });

function build(entries: Array<[string, Uint8Array, number]>): Uint8Array {
  const z: Zippable = {};
  for (const [n, c, level] of entries) z[n] = [c, { level: level as 0 | 1 | 6 | 9 }];
  return zipSync(z);
}

/** The same entries written as a stream (sizes and checksum after each entry's data, as export writes them). */
function buildStreamed(entries: Array<[string, Uint8Array, number]>): Uint8Array {
  const out: Uint8Array[] = [];
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    out.push(chunk);
  });
  for (const [n, c, level] of entries) {
    const f = level === 0 ? new ZipPassThrough(n) : new ZipDeflate(n, { level: level as 1 | 6 | 9 });
    zip.add(f);
    f.push(c, true);
  }
  zip.end();
  return Buffer.concat(out);
}

describe('a .qdpx unpacked from the bytes its check inflated', () => {
  it('gives what unzipSync gives: entries, bytes and their order (property)', () => {
    fc.assert(
      fc.property(archive, (entries) => {
        const bytes = build(entries);
        const got = openArchive(bytes);
        const want = unzipSync(bytes);
        expect(Object.keys(got)).toEqual(Object.keys(want));
        for (const k of Object.keys(want)) expect(Buffer.from(got[k]!).equals(Buffer.from(want[k]!))).toBe(true);
        // And the check's bytes were used (not a second unpacking).
        const central = new Map<string, number[]>();
        expect(keptEntries(inspectArchive(bytes, central), central)).toBeDefined();
      }),
      { numRuns: 60 },
    );
  });

  it('with entries kept compressed, gives the same bytes each time one is read, also for entries streamed with a data descriptor (property)', () => {
    fc.assert(
      fc.property(archive, fc.boolean(), fc.func(fc.boolean()), (entries, streamed, pick) => {
        const bytes = streamed ? buildStreamed(entries) : build(entries);
        const packed = (n: string): boolean => pick(n);
        const got = openArchive(bytes, packed);
        const want = unzipSync(bytes);
        expect(Object.keys(got)).toEqual(Object.keys(want));
        for (const k of Object.keys(want)) {
          expect(Buffer.from(got[k]!).equals(Buffer.from(want[k]!))).toBe(true);
          expect(Buffer.from(got[k]!).equals(Buffer.from(want[k]!))).toBe(true);
        }
        // Kept compressed exactly where asked and compressed (a stored entry is its bytes already).
        const central = new Map<string, number[]>();
        const checked = inspectArchive(bytes, central, packed);
        expect(keptEntries(checked, central)).toBeDefined();
        for (const e of checked) expect(e.deflated !== undefined).toBe(packed(e.name) && entries.find(([n]) => n === e.name)![2] > 0);
      }),
      { numRuns: 60 },
    );
  });

  it('unpacks again when the archive holds two entries of one name (unzipSync keeps the last)', () => {
    const one = zipSync({ 'sources/a.txt': enc.encode('first') });
    const two = zipSync({ 'sources/b.txt': enc.encode('second') });
    // Two zips' entries joined with one central directory naming both a.txt: rename b's entry in place.
    const renamed = Buffer.from(two);
    renamed.write('sources/a.txt', renamed.indexOf('sources/b.txt'));
    renamed.write('sources/a.txt', renamed.lastIndexOf('sources/b.txt'));
    const local1 = one.subarray(0, Buffer.from(one).indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])));
    const local2 = renamed.subarray(0, renamed.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])));
    // Central entries with their local header offsets, then the end record.
    const cd1 = Buffer.from(one.subarray(local1.length, Buffer.from(one).indexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))));
    const cd2 = Buffer.from(renamed.subarray(local2.length, renamed.indexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))));
    cd2.writeUInt32LE(local1.length, 42);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(2, 8);
    end.writeUInt16LE(2, 10);
    end.writeUInt32LE(cd1.length + cd2.length, 12);
    end.writeUInt32LE(local1.length + local2.length, 16);
    const bytes = Buffer.concat([local1, local2, cd1, cd2, end]);
    const want = unzipSync(bytes);
    expect(new TextDecoder().decode(want['sources/a.txt'])).toBe('second');
    const central = new Map<string, number[]>();
    expect(keptEntries(inspectArchive(bytes, central), central)).toBeUndefined();
    expect(new TextDecoder().decode(openArchive(bytes)['sources/a.txt'])).toBe('second');
  });
});
