import { deflateRawSync, inflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ownSelections, parseProjectBytes, parseXml, type ByteBlocks } from '../../src/core/refi/import.js';
import { inflateToBlocks } from '../../src/io/zip.js';
import { qdeArbitraries } from '../helpers/qde-arbitraries.js';

/**
 * parseProjectBytes given a .qde's bytes in blocks (as the import holds a big one: inflated as a
 * stream, each block kept compressed) must give what it gives on the same bytes as one array (tested
 * against the whole read in refi-parse-bytes.test.ts): the same tree, the same deferred selections,
 * undefined for the same documents. Blocks of every size from 1 byte put a boundary at every
 * position: inside each multi-byte character, each CR LF, each tag and each mark the scan looks for.
 */

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
type El = Record<string, unknown>;
const list = (x: unknown): El[] => (Array.isArray(x) ? (x as El[]) : x === undefined || x === '' ? [] : [x as El]);

/** Bytes as blocks of `size` (each a copy, given back each time asked), counting how often each is asked for. */
function blocks(bytes: Uint8Array, size: number): ByteBlocks & { asked: number } {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.slice(i, i + size));
  const out = { length: bytes.length, size, asked: 0, block: (k: number) => (out.asked++, parts[k]!.slice()) };
  return out;
}

const text = fc.constantFrom('plain', 'café &amp; co', ' &lt;tag&gt; ', 'line\nnext', 'a\r\nb', '', '  ', 'quote " and \' here', '> alone', 'emoji 😀 ü', ']]> in text', '&quot;x&apos;', '\r\n\r\n', '&#233;');
const attrValue = fc.constantFrom('x', 'a>b', 'a/>', '/', "it's", 'say "hi"', '&amp;', 'é😀', '', 'a<TextSource/>', '<');
const { ws, extra, textSource, child } = qdeArbitraries(text, attrValue);
const noteText = fc.array(fc.constantFrom('a', ' ', '&amp;', '&lt;', '\r\n', '😀', 'é', '{"k":"v"}', '  ', '@@qualwave-long-text-0@@'), { minLength: 0, maxLength: 40 }).map((b) => b.join(''));
const project = fc
  .tuple(fc.boolean(), textSource, fc.array(child, { maxLength: 4 }), ws, fc.boolean(), fc.constantFrom('', 'qda:'), extra, noteText, fc.boolean())
  .map(
    ([decl, first, children, w, before, pre, x, note, bom]) =>
      `${bom ? '\ufeff' : ''}${decl ? '<?xml version="1.0" encoding="utf-8"?>\n' : ''}<${pre}Project xmlns="urn:QDA-XML:project:1.0" name="P &amp; Q">${w}${before ? `<Users><User guid="u" name="a"/></Users>${x}` : ''}<${pre}Sources>${[first, ...children].join(w)}${w}</${pre}Sources>${w}<Notes><Note name="qualwave"><PlainTextContent>${note}</PlainTextContent></Note></Notes></${pre}Project>\r\n`,
  );
// Broken bytes too: a lone lead or continuation byte, a cut character, a UTF-16 mark.
const bad = fc.constantFrom(
  utf8('<'),
  utf8('>'),
  utf8('&'),
  utf8('"'),
  utf8('</TextSource>'),
  utf8('<TextSource/>'),
  utf8('<!--'),
  utf8('&#'),
  new Uint8Array([0xc3]),
  new Uint8Array([0x80]),
  new Uint8Array([0xe2, 0x82]),
  new Uint8Array([0xf0, 0x9f, 0x98]),
  new Uint8Array([0xff, 0xfe]),
  new Uint8Array([0xef, 0xbb, 0xbf]),
  new Uint8Array([0xed, 0xa0, 0x80]),
);
const mutated = fc.tuple(project, fc.nat(), fc.nat({ max: 3 }), bad).map(([xml, at, cut, put]) => {
  const b = utf8(xml);
  const i = at % (b.length + 1);
  return new Uint8Array([...b.subarray(0, i), ...put, ...b.subarray(i + cut)]);
});

/** The bytes read as one array, or the refusal it throws. */
function asOne(bytes: Uint8Array, opts: Parameters<typeof parseProjectBytes>[2]): unknown {
  try {
    return parseProjectBytes(bytes, 'p.qde', opts);
  } catch (e) {
    return { threw: (e as Error).message };
  }
}
function inBlocks(bytes: Uint8Array, size: number, opts: Parameters<typeof parseProjectBytes>[2]): unknown {
  try {
    return parseProjectBytes(blocks(bytes, size), 'p.qde', opts);
  } catch (e) {
    return { threw: (e as Error).message };
  }
}

describe('a .qde read from its bytes in blocks', () => {
  it('gives what the bytes as one array give, with a block boundary at every position (property: blocks of 1 to 9 bytes and of any size)', () => {
    let read = 0;
    fc.assert(
      fc.property(project, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 10, max: 5000 }), (xml, n, any) => {
        const bytes = utf8(xml);
        const want = asOne(bytes, { longText: n });
        if (want) read++;
        for (const size of [1, 2, 3, 4, 5, 7, 9, any]) expect(inBlocks(bytes, size, { longText: n })).toEqual(want);
      }),
      { numRuns: 80 },
    );
    expect(read).toBeGreaterThan(50);
  });

  it('gives the same for documents it reads and documents it leaves to the whole read (property: broken bytes or markup anywhere)', () => {
    let taken = 0;
    let left = 0;
    fc.assert(
      fc.property(mutated, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 64 }), (bytes, n, size) => {
        const want = asOne(bytes, { longText: n });
        if (want === undefined) left++;
        else taken++;
        expect(inBlocks(bytes, size, { longText: n })).toEqual(want);
        expect(inBlocks(bytes, 1, { longText: n })).toEqual(want);
      }),
      { numRuns: 500 },
    );
    // Not vacuous: both kinds were seen (about 70 and 430 of 500).
    expect(taken).toBeGreaterThan(25);
    expect(left).toBeGreaterThan(25);
  });

  it('with its selections deferred and kept, keeps the same selections as the bytes as one array (property)', () => {
    fc.assert(
      fc.property(project, fc.integer({ min: 1, max: 9 }), (xml, size) => {
        const read = (from: Uint8Array | ByteBlocks) => {
          const kept: string[] = [];
          const got = parseProjectBytes(from, 'p.qde', { defer: true, keep: (x) => (kept.push(x), () => x) });
          if (!got) return { got, kept, sels: [] };
          const sels = list(((got['Project'] as El)['Sources'] as El)['TextSource']).map((el) => (el && typeof el === 'object' ? ownSelections(el) : []));
          return { got, kept, sels };
        };
        const bytes = utf8(xml);
        expect(read(blocks(bytes, size))).toEqual(read(bytes));
      }),
      { numRuns: 200 },
    );
  });

  it('reads characters, line ends and marks cut by a block boundary (hand-made)', () => {
    const xml = '\ufeff<Project><Sources><TextSource guid="a"><PlainTextContent>café 😀\r\n€</PlainTextContent><PlainTextSelection guid="s" startPosition="0" endPosition="1"/></TextSource></Sources><Notes><Note><PlainTextContent>x\r\ny</PlainTextContent></Note></Notes></Project>';
    const want = parseXml(xml.replace(/^\ufeff/, ''), 'p.qde');
    for (let size = 1; size <= utf8(xml).length; size++) expect(parseProjectBytes(blocks(utf8(xml), size), 'p.qde', { longText: 2 })).toEqual(want);
    // A lead byte at a block's end followed by ASCII, or the last block ending inside a character: not UTF-8, left to the whole read.
    const good = utf8('<Project><Sources><TextSource guid="é"/></Sources></Project>');
    for (const bytes of [new Uint8Array([...good.subarray(0, 4), 0xc3, ...good.subarray(4)]), new Uint8Array([...good, 0xe2, 0x82])]) {
      expect(() => parseXml(new TextDecoder('utf-8', { fatal: true }).decode(bytes), 'p.qde')).toThrow();
      for (let size = 1; size <= bytes.length; size++) expect(parseProjectBytes(blocks(bytes, size), 'p.qde')).toBeUndefined();
    }
    // UTF-16, its mark cut by a boundary.
    expect(parseProjectBytes(blocks(new Uint8Array([0xff, 0xfe, ...good]), 1), 'p.qde')).toBeUndefined();
    expect(parseProjectBytes(blocks(good, 1), 'p.qde')).toEqual(parseXml(new TextDecoder().decode(good), 'p.qde'));
  });

  it('asks for each block a few times, not once per byte (the blocks are inflated when asked)', () => {
    const xml = `<Project><Sources>${Array.from({ length: 200 }, (_, k) => `<TextSource guid="g${k}"><PlainTextSelection guid="s${k}" startPosition="0" endPosition="1"/></TextSource>`).join('\r\n')}</Sources></Project>`;
    const b = blocks(utf8(xml), 256);
    expect(parseProjectBytes(b, 'p.qde', { defer: true, keep: (x) => () => x })).toBeDefined();
    // The scan, the two searches, the UTF-8 check and the cuts: each a pass over the blocks (about 6 passes), a few more at the boundaries.
    expect(b.asked).toBeLessThan(12 * Math.ceil(utf8(xml).length / 256));
  });
});

describe('inflateToBlocks', () => {
  it('gives the bytes the stream inflates to, in blocks of the size asked, and refuses a size that is not theirs (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.boolean(), fc.integer({ min: 1, max: 700 }), (raw, repeat, size) => {
        const bytes = repeat ? new Uint8Array([...raw, ...raw, ...raw]) : raw;
        const z = deflateRawSync(bytes);
        const got = inflateToBlocks(z, bytes.length, 'e', size);
        expect(got.length).toBe(bytes.length);
        expect(got.size).toBe(size);
        const parts: Uint8Array[] = [];
        for (let k = 0; k * size < bytes.length; k++) {
          const b = got.block(k);
          expect(b.length).toBe(Math.min(size, bytes.length - k * size));
          parts.push(b);
        }
        expect(Buffer.concat(parts).equals(Buffer.from(bytes))).toBe(true);
        expect(inflateRawSync(z).equals(Buffer.from(bytes))).toBe(true);
        expect(() => inflateToBlocks(z, bytes.length + 1, 'e', size)).toThrow(/did not unpack to its size again/);
      }),
      { numRuns: 200 },
    );
  });
});
