import { isAscii } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { LinesRead, LinesReader } from '../core/transcript/segment-list.js';
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
  const fits = (anchor: number, anchorLine: number, from: number, to: number): boolean => from >= 1 && from <= anchorLine && anchorLine <= to && anchor >= 0 && anchor <= length;
  /** The bytes of lines from..to read from the open file and where they start, or undefined (the file does not have them: changed, or asked wrongly). */
  const lines = (fd: number, anchor: number, anchorLine: number, from: number, to: number, hint: number): { part: Buffer; start: number } | undefined => {
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
      let left = anchorLine - from + 1;
      for (let i = anchor - lo - 1; i >= 0; i--) {
        i = bytes.lastIndexOf(0x0a, i);
        if (i < 0) break;
        if (--left === 0) {
          start = lo + i + 1;
          break;
        }
      }
      if (start < 0 && lo === 0) {
        // The text's start is line anchorLine - (the "\n" found): it must be line `from`, and that line 1.
        if (anchorLine - (anchorLine - from + 1 - left) !== 1 || from !== 1) return undefined;
        start = 0;
      }
      // The end of line `to`: the (to - anchorLine + 1)th "\n" from the anchor, or the text's end as the last line.
      let end = -1;
      left = to - anchorLine + 1;
      for (let j = anchor - lo; j < bytes.length; j++) {
        j = bytes.indexOf(0x0a, j);
        if (j < 0) break;
        if (--left === 0) {
          end = lo + j;
          break;
        }
      }
      if (end < 0 && hi === length) {
        // The file's last line is line anchorLine + (the "\n" found): it must be `to`.
        if (left !== 1) return undefined;
        end = length;
      }
      if (start >= 0 && end >= 0) return { part: bytes.subarray(start - lo, end - lo), start };
      if (start < 0) lo = Math.max(0, lo - 2 * (anchor - lo + MARGIN));
      if (end < 0) hi = Math.min(length, hi + 2 * (hi - anchor + MARGIN));
    }
  };
  /** The file opened for `use`, closed after; undefined when it cannot be opened (gone or unreadable: the whole read says so). */
  const opened = <T>(use: (fd: number) => T): T | undefined => {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      if (isSystemError(e)) return undefined;
      throw e;
    }
    try {
      return use(fd);
    } finally {
      closeSync(fd);
    }
  };
  const reader: LinesReader = (anchor, anchorLine, from, to, hint) => {
    if (!fits(anchor, anchorLine, from, to)) return undefined;
    return opened((fd) => {
      const got = lines(fd, anchor, anchorLine, from, to, hint);
      if (!got) return undefined;
      if (!sameStamp(fstatSync(fd, { bigint: true }), stamp) || !isAscii(got.part)) return undefined;
      return { text: got.part.toString('latin1'), start: got.start };
    });
  };
  // The same reads, the file opened once and its stamp checked once, after the last of them: what
  // each gives is used only if nothing wrote the file since the stamp its segments were made with.
  reader.many = (requests) => {
    const out: LinesRead[] = requests.map(() => undefined);
    if (!requests.some((q) => fits(q.anchor, q.anchorLine, q.from, q.to))) return out;
    opened((fd) => {
      const got = requests.map((q) => (fits(q.anchor, q.anchorLine, q.from, q.to) ? lines(fd, q.anchor, q.anchorLine, q.from, q.to, q.hint) : undefined));
      if (!got.some((g) => g !== undefined) || !sameStamp(fstatSync(fd, { bigint: true }), stamp)) return;
      got.forEach((g, i) => {
        if (g && isAscii(g.part)) out[i] = { text: g.part.toString('latin1'), start: g.start };
      });
    });
    return out;
  };
  return reader;
}
