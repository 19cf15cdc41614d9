import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeText, firstInvalidUtf8 } from '../../src/core/text/decode.js';

/** decodeText as it was before the ASCII path: the BOM, then isUtf8 and toString('utf8'). */
function decodeBefore(bytes: Uint8Array): { ok: boolean; text?: string; bom?: boolean; line?: number } {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return { ok: false, line: 1 };
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  if (isUtf8(body)) return { ok: true, text: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'), bom };
  return { ok: false, line: firstInvalidUtf8(body).line };
}

/**
 * Bytes all below 0x80 are decoded as Latin-1 (a copy) rather than as UTF-8: the same text, as
 * every other input is decoded as before (accents, emoji, characters beyond the BMP, a BOM,
 * invalid bytes, UTF-16), on bytes shaped like transcripts.
 */
describe('decodeText reads every file as before its ASCII path', () => {
  const piece = fc.constantFrom('Interviewer: ', 'MS07:', '[00:01:44] ', '\r\n', '\n', '\r', '\t', ' ', 'word', 'é', 'e\u0301', '👍', '𝄞', '\u00a0', '\u0000', '\u007f', '---\nparticipant: MS07\n---\n');
  const text = fc.array(fc.oneof(piece, fc.string({ maxLength: 8 })), { maxLength: 30 }).map((ps) => ps.join(''));
  const bytes = fc.oneof(
    // ASCII only, UTF-8, with a BOM, and with bytes that break UTF-8 or start UTF-16 spliced in.
    text.map((t) => new TextEncoder().encode(t.replace(/[^\x00-\x7f]/g, 'a'))),
    text.map((t) => new TextEncoder().encode(t)),
    text.map((t) => new TextEncoder().encode(`\ufeff${t}`)),
    fc.tuple(text, fc.nat(40), fc.constantFrom(0x80, 0xe8, 0xff, 0xc3, 0xfe)).map(([t, at, b]) => {
      const e = new TextEncoder().encode(t);
      const k = Math.min(at, e.length);
      return new Uint8Array([...e.subarray(0, k), b, ...e.subarray(k)]);
    }),
    fc.uint8Array({ maxLength: 40 }),
  );
  it('the same text, BOM flag and refusals (line)', () => {
    fc.assert(
      fc.property(bytes, fc.nat(3), (b, offset) => {
        // Also as a view into a larger buffer (as the loader's bytes may be).
        const big = new Uint8Array(b.length + offset + 2);
        big.set(b, offset);
        for (const input of [b, big.subarray(offset, offset + b.length)]) {
          const now = decodeText(input, 't.txt');
          const before = decodeBefore(input);
          if (now.ok) expect({ ok: true, text: now.text, bom: now.bom }).toEqual(before);
          else expect({ ok: false, line: now.diagnostic.line }).toEqual(before);
        }
      }),
      { numRuns: 3000 },
    );
  });
  it('hand-made: ASCII with control characters, an ASCII body after a BOM, a lone BOM', () => {
    expect(decodeText(new Uint8Array([0x41, 0x00, 0x7f, 0x0d, 0x0a]), 'a')).toEqual({ ok: true, text: 'A\u0000\u007f\r\n', bom: false });
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]), 'a')).toEqual({ ok: true, text: 'A', bom: true });
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf]), 'a')).toEqual({ ok: true, text: '', bom: true });
  });
});
