import { readLineHead } from './labels.js';

/**
 * The text of a paragraph whose first line's speech starts at `start` and whose last line ends at
 * `end`: the first line as is; each following line without surrounding whitespace or a leading
 * timestamp, joined with "\n" — exactly what the parser reads (parse-text.ts), derived again on
 * demand so that a loaded study need not keep a copy of every multi-line paragraph.
 */
export function paragraphText(text: string, start: number, end: number): string {
  let nl = text.indexOf('\n', start);
  if (nl < 0 || nl >= end) return text.slice(start, end);
  let e = nl;
  while (e > start && isSpace(text.charCodeAt(e - 1))) e--;
  let out = text.slice(start, e);
  let pos = nl + 1;
  while (pos < end) {
    nl = text.indexOf('\n', pos);
    if (nl < 0 || nl > end) nl = end;
    e = nl;
    while (e > pos && isSpace(text.charCodeAt(e - 1))) e--;
    let s = pos;
    while (s < e && isSpace(text.charCodeAt(s))) s++;
    let ts = readLineHead(text, s, e, false).textStart;
    while (ts < e && isSpace(text.charCodeAt(ts))) ts++;
    if (ts < e) out += '\n' + text.slice(ts, e);
    pos = nl + 1;
  }
  return out;
}

export function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 160 || c === 13 || c === 0xfeff;
}

/**
 * Where the text of the same paragraph lies in the file, line by line: for each line, the UTF-16
 * range [from, to) of its speech (the first line from `start`; each following line without
 * surrounding whitespace or a leading timestamp), as `paragraphText` reads it. Lines with no
 * speech are left out. `firstLine` is the line number at `start`.
 */
export function paragraphLineRanges(text: string, start: number, end: number, firstLine: number): Array<{ line: number; from: number; to: number }> {
  const out: Array<{ line: number; from: number; to: number }> = [];
  let nl = text.indexOf('\n', start);
  if (nl < 0 || nl >= end) {
    out.push({ line: firstLine, from: start, to: end });
    return out;
  }
  let e = nl;
  while (e > start && isSpace(text.charCodeAt(e - 1))) e--;
  if (e > start) out.push({ line: firstLine, from: start, to: e });
  let pos = nl + 1;
  let line = firstLine + 1;
  while (pos < end) {
    nl = text.indexOf('\n', pos);
    if (nl < 0 || nl > end) nl = end;
    e = nl;
    while (e > pos && isSpace(text.charCodeAt(e - 1))) e--;
    let s = pos;
    while (s < e && isSpace(text.charCodeAt(s))) s++;
    let ts = readLineHead(text, s, e, false).textStart;
    while (ts < e && isSpace(text.charCodeAt(ts))) ts++;
    if (ts < e) out.push({ line, from: ts, to: e });
    pos = nl + 1;
    line++;
  }
  return out;
}
