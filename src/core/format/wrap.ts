import { displayWidth } from './table.js';

/**
 * Text wrapped to `width` columns (display width: wide characters count two): at spaces, each
 * line break of the text kept (a blank line stays a blank line). A word longer than a line is
 * broken across lines, never cut: every character of the text is in the result.
 */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(1, width);
  if (NOT_NARROW.test(text)) return wrapAny(text, w);
  return UNEVEN.test(text) ? wrapNarrow(text, w) : wrapEven(text, w);
}

/** White space other than one space between words: a tab, VT, FF, CR, a no-break space, two spaces, or a space at a line's start or end. */
const UNEVEN = /[\t\v\f\r\u00a0]| {2}|^ | $/m;

/**
 * wrapNarrow for a text whose words are one space apart, with no other white space (UNEVEN): a
 * line is the longest run of words from its start that fits, so it ends at the last space within
 * the width (a native search), or, when there is none, the first word is longer than the line and
 * gives it its first `w` characters.
 */
function wrapEven(text: string, w: number): string[] {
  const out: string[] = [];
  const n = text.length;
  for (let pos = 0; ; ) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = n;
    let s = pos;
    while (nl - s > w) {
      const sp = text.lastIndexOf(' ', s + w);
      if (sp > s) {
        out.push(text.slice(s, sp));
        s = sp + 1;
      } else {
        out.push(text.slice(s, s + w));
        s += w;
      }
    }
    out.push(text.slice(s, nl));
    if (nl >= n) return out;
    pos = nl + 1;
  }
}

/**
 * A character at or above U+0300. Below it every character is one column (displayWidth) and the
 * white space that splits words (what `\s` matches there) is only tab, line feed, vertical tab,
 * form feed, carriage return, space and no-break space.
 */
const NOT_NARROW = /[^\u0000-\u02ff]/;

/** White space below U+0300 (`\s` there), the line feed aside: it ends a paragraph first. */
function isBlank(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 160;
}

/**
 * wrapAny for a text of characters below U+0300 only (one column each), without splitting it
 * into words: each line is a slice of the text when its words are one space apart there (the
 * usual case), else its words joined by one space, as wrapAny joins them (tests/unit/wrap-fast.test.ts).
 */
function wrapNarrow(text: string, w: number): string[] {
  const out: string[] = [];
  const n = text.length;
  for (let pos = 0; ; ) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = n;
    // The line so far: text[lineStart, lineEnd) (-1: empty), or `joined` when its words are not one space apart in the text.
    let lineStart = -1;
    let lineEnd = 0;
    let lineWidth = 0;
    let joined: string | undefined;
    let i = pos;
    for (;;) {
      while (i < nl && isBlank(text.charCodeAt(i))) i++;
      if (i >= nl) break;
      let ws = i;
      while (i < nl && !isBlank(text.charCodeAt(i))) i++;
      let ww = i - ws;
      if (lineStart >= 0 && lineWidth + 1 + ww > w) {
        out.push(joined ?? text.slice(lineStart, lineEnd));
        lineStart = -1;
        joined = undefined;
      }
      while (ww > w - (lineStart >= 0 ? lineWidth + 1 : 0)) {
        // A word too long for any line: as much as fits, the rest on the next line.
        if (lineStart >= 0) {
          out.push(joined ?? text.slice(lineStart, lineEnd));
          lineStart = -1;
          joined = undefined;
        }
        out.push(text.slice(ws, ws + w));
        ws += w;
        ww -= w;
      }
      if (ww === 0) continue;
      if (lineStart < 0) {
        lineStart = ws;
        lineEnd = i;
        lineWidth = ww;
      } else {
        if (joined === undefined && (ws !== lineEnd + 1 || text.charCodeAt(lineEnd) !== 32)) joined = text.slice(lineStart, lineEnd);
        if (joined !== undefined) joined += ` ${text.slice(ws, i)}`;
        lineEnd = i;
        lineWidth += 1 + ww;
      }
    }
    out.push(lineStart < 0 ? '' : (joined ?? text.slice(lineStart, lineEnd)));
    if (nl >= n) return out;
    pos = nl + 1;
  }
}

/** Any text: its paragraphs split into words at white space, each word measured (displayWidth). */
function wrapAny(text: string, w: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    let lineWidth = 0;
    for (let word of para.split(/\s+/).filter(Boolean)) {
      let ww = displayWidth(word);
      if (line && lineWidth + 1 + ww > w) {
        out.push(line);
        line = '';
        lineWidth = 0;
      }
      while (ww > w - (line ? lineWidth + 1 : 0)) {
        // A word too long for any line: as much as fits, the rest on the next line.
        if (line) {
          out.push(line);
          line = '';
          lineWidth = 0;
        }
        let head = '';
        for (const ch of word) {
          if (head && displayWidth(head + ch) > w) break;
          head += ch;
        }
        out.push(head);
        word = word.slice(head.length);
        ww = displayWidth(word);
      }
      if (!word) continue;
      line = line ? `${line} ${word}` : word;
      lineWidth = line === word ? ww : lineWidth + 1 + ww;
    }
    out.push(line);
  }
  return out;
}
