import { Buffer, isAscii, isUtf8 } from 'node:buffer';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';

/**
 * Decode a transcript or config file's bytes. UTF-8 with or without BOM is accepted; CRLF and LF
 * are both fine (line splitting handles them). Anything else is an error that says how to convert.
 */
export type Decoded = { ok: true; text: string; bom: boolean } | { ok: false; diagnostic: Diagnostic };

export function decodeText(bytes: Uint8Array, file: string): Decoded {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    const enc = bytes[0] === 0xff ? 'UTF-16LE' : 'UTF-16BE';
    return {
      ok: false,
      diagnostic: error(file, 1, `file is encoded as ${enc}, not UTF-8`, `convert it: iconv -f ${enc} -t UTF-8 '${file}' > converted.txt (or "Save as… UTF-8" in your editor)`),
    };
  }
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  // Bytes all below 0x80 (most transcripts in English) are the same characters in UTF-8 and in
  // Latin-1, whose decoding is a copy; else isUtf8 validates (both SIMD-accelerated) and toString
  // decodes without a second check.
  if (isAscii(body)) return { ok: true, text: buffer.toString('latin1'), bom };
  if (isUtf8(body)) return { ok: true, text: buffer.toString('utf8'), bom };
  {
    const { offset, line, column } = firstInvalidUtf8(body);
    const b = body[offset] ?? 0;
    return {
      ok: false,
      diagnostic: error(
        file,
        line,
        `file is not valid UTF-8 (byte 0x${b.toString(16).padStart(2, '0')} at line ${line}, column ${column}); it is probably Windows-1252 or Latin-1`,
        `convert it: iconv -f WINDOWS-1252 -t UTF-8 '${file}' > converted.txt, check the accents, then replace the file (or "Save as… UTF-8" in your editor)`,
        column,
      ),
    };
  }
}

/**
 * Whether `decodeText(bytes)` decodes them (ok) and finds no byte order mark, without making the
 * text: valid UTF-8 not starting with EF BB BF (a UTF-16 mark, FF FE or FE FF, is no valid UTF-8).
 */
export function isUtf8WithoutBom(bytes: Uint8Array): boolean {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return false;
  return isUtf8(bytes);
}

/** Position of the first byte that breaks UTF-8, with its 1-based line and byte column. */
export function firstInvalidUtf8(bytes: Uint8Array): { offset: number; line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b === 0x0a) {
      line++;
      lineStart = i + 1;
      i++;
      continue;
    }
    let need = 0;
    if (b < 0x80) need = 0;
    else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) need = 2;
    else if (b >= 0xf0 && b <= 0xf4) need = 3;
    else return { offset: i, line, column: i - lineStart + 1 };
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return { offset: i, line, column: i - lineStart + 1 };
    }
    i += need + 1;
  }
  return { offset: bytes.length, line, column: 1 };
}

/**
 * Whether bytes are all ASCII (below 0x80): then they are their text, one character each, as
 * decodeText reads them (no BOM, valid UTF-8), and the parsers can read the bytes themselves
 * (splitAsciiFrontMatter, parseAsciiBody).
 */
export function isAsciiText(bytes: Uint8Array): boolean {
  return isAscii(bytes);
}

/** ASCII bytes (isAsciiText) as their text: what decodeText gives for them. */
export function asciiText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
