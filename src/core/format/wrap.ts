import { displayWidth } from './table.js';

/**
 * Text wrapped to `width` columns (display width: wide characters count two): at spaces, each
 * line break of the text kept (a blank line stays a blank line). A word longer than a line is
 * broken across lines, never cut: every character of the text is in the result.
 */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(1, width);
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
