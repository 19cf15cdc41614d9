import { isAscii } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { LinesReader } from '../core/transcript/segment-list.js';
import { isSystemError } from './errors.js';
import { sameStamp, type FileStamp } from './study-index.js';

/** Bytes read around the anchor at first, before and after it (doubled while the lines asked for run further). */
const MARGIN = 512;

/**
 * Lines of a transcript read without the rest of the file (see LinesReader): a positional read of
 * their bytes, for a file whose text's UTF-16 units are its bytes from `at` on (ASCII, after a BOM
 * of 3 bytes or none: the study index records it), so that offsets in the text are offsets in the
 * file. Lines are found by their "\n" in the bytes. What is read is used only when the file's stamp
 * after the read is the settled `stamp` its segments were made with (nothing wrote it since) and
 * the bytes are ASCII; otherwise undefined, and the caller reads the whole text, which is then
 * checked as always (its hash, or an error: never shifted text).
 */
export function linesReader(path: string, size: number, stamp: FileStamp, at: number): LinesReader {
  const length = size - at;
  return (anchor, anchorLine, from, to, hint) => {
    if (!(from >= 1 && from <= anchorLine && anchorLine <= to && anchor >= 0 && anchor <= length)) return undefined;
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      // Gone or unreadable: the whole read says so.
      if (isSystemError(e)) return undefined;
      throw e;
    }
    try {
      let lo = Math.max(0, anchor - MARGIN);
      let hi = Math.min(length, Math.max(anchor, hint) + MARGIN);
      for (;;) {
        const bytes = Buffer.allocUnsafe(hi - lo);
        let n = 0;
        for (let r = 1; n < bytes.length && r > 0; n += r) r = readSync(fd, bytes, n, bytes.length - n, at + lo + n);
        // Shorter than its stamp says: changed (the whole read tells).
        if (n < bytes.length) return undefined;
        // The start of line `from`: after the (anchorLine - from + 1)th "\n" before the anchor, or the text's start as line 1.
        let start = -1;
        let lines = anchorLine - from + 1;
        for (let i = anchor - lo - 1; i >= 0; i--) {
          i = bytes.lastIndexOf(0x0a, i);
          if (i < 0) break;
          if (--lines === 0) {
            start = lo + i + 1;
            break;
          }
        }
        if (start < 0 && lo === 0) {
          // The text's start is line anchorLine - (the "\n" found): it must be line `from`, and that line 1.
          if (anchorLine - (anchorLine - from + 1 - lines) !== 1 || from !== 1) return undefined;
          start = 0;
        }
        // The end of line `to`: the (to - anchorLine + 1)th "\n" from the anchor, or the text's end as the last line.
        let end = -1;
        lines = to - anchorLine + 1;
        for (let j = anchor - lo; j < bytes.length; j++) {
          j = bytes.indexOf(0x0a, j);
          if (j < 0) break;
          if (--lines === 0) {
            end = lo + j;
            break;
          }
        }
        if (end < 0 && hi === length) {
          // The file's last line is line anchorLine + (the "\n" found): it must be `to`.
          if (lines !== 1) return undefined;
          end = length;
        }
        if (start >= 0 && end >= 0) {
          const st = fstatSync(fd, { bigint: true });
          const part = bytes.subarray(start - lo, end - lo);
          if (!sameStamp(st, stamp) || !isAscii(part)) return undefined;
          return { text: part.toString('latin1'), start };
        }
        if (start < 0) lo = Math.max(0, lo - 2 * (anchor - lo + MARGIN));
        if (end < 0) hi = Math.min(length, hi + 2 * (hi - anchor + MARGIN));
      }
    } finally {
      closeSync(fd);
    }
  };
}
