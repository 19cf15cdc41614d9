import { displayWidth } from '../../src/core/format/table.js';
import { terminalText } from '../../src/core/format/escape.js';
import type { Passage } from '../../src/core/coding/retrieve.js';
import type { Style } from '../../src/core/format/table.js';

/**
 * wrapText (src/core/format/wrap.ts) and renderPassages (src/core/format/passages.ts) as they were
 * before the plain-text path of the wrap (main at c9a18d3), whole: the oracle of tests/unit/wrap-fast.test.ts.
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

export function renderPassages(list: readonly Passage[], opts: { width: number; style?: Style }): string {
  const width = Math.max(40, opts.width);
  const bold = opts.style?.bold ?? ((x: string) => x);
  const dim = opts.style?.dim ?? ((x: string) => x);
  const entries = list.map((p) => {
    const where = `${p.file}:${p.lines}`;
    const attribution = terminalText(p.attribution, { oneLine: true });
    const head = where.length + 2 + attribution.length <= width ? [`${bold(where)}  ${attribution}`] : [bold(where), ...wrapText(attribution, width - 2).map((l) => `  ${l}`)];
    const codes = wrapText(p.codes.map((c) => `${c.code}: ${c.coders.map((x) => `${x.coder}${x.exemplar ? ' *' : ''}`).join(', ')}`).join('; '), width - 2).map((l) => `  ${dim(l)}`);
    // (wrapText splits lines at any run of white space: spaces and tabs need no collapsing first.)
    const text = wrapText(terminalText(p.text), width - 4).map((l) => (l ? `    ${l}` : ''));
    return [...head, ...codes, ...text].join('\n');
  });
  return entries.length ? `${entries.join('\n\n')}\n` : '';
}
