import type { Passage } from '../coding/retrieve.js';
import { terminalText } from './escape.js';
import type { Style } from './table.js';
import { wrapText } from './wrap.js';

/**
 * Coded passages for the terminal (qualwave codings): one entry per passage, whatever the number
 * of coders and codes on it. The first line is `file:line` (never cut: an editor or terminal opens
 * it) and the attribution; then each code with the coders who applied it (`*` an exemplar); then
 * the whole text, wrapped to `width`, indented. Entries are a blank line apart.
 *
 *     transcripts/MS01_4-month.txt:10  (MS01, 4-month interview)
 *       support.respite: alice, ben *
 *         It turned out to be, um, half play date and half babysitting ...
 */
export function renderPassages(list: readonly Passage[], opts: { width: number; style?: Style }): string {
  const width = Math.max(40, opts.width);
  const bold = opts.style?.bold ?? ((x: string) => x);
  const dim = opts.style?.dim ?? ((x: string) => x);
  const entries = list.map((p) => {
    const where = `${p.file}:${p.lines}`;
    const attribution = terminalText(p.attribution, { oneLine: true });
    const head = where.length + 2 + attribution.length <= width ? [`${bold(where)}  ${attribution}`] : [bold(where), ...wrapText(attribution, width - 2).map((l) => `  ${l}`)];
    // The lines joined as they come (no arrays of them to spread and join).
    let entry = head.join('\n');
    for (const l of wrapText(p.codes.map((c) => `${c.code}: ${c.coders.map((x) => `${x.coder}${x.exemplar ? ' *' : ''}`).join(', ')}`).join('; '), width - 2)) entry += `\n  ${dim(l)}`;
    // (wrapText splits lines at any run of white space: spaces and tabs need no collapsing first.)
    for (const l of wrapText(terminalText(p.text), width - 4)) entry += l ? `\n    ${l}` : '\n';
    return entry;
  });
  return entries.length ? `${entries.join('\n\n')}\n` : '';
}

/** The same in pieces, a run of passages (one transcript's) at a time: renderPassages of them all, joined. */
export function* renderPassagesPieces(runs: Iterable<readonly Passage[]>, opts: { width: number; style?: Style }): Generator<string> {
  let first = true;
  for (const run of runs) {
    const text = renderPassages(run, opts);
    if (text === '') continue;
    // Entries are a blank line apart: the run before ended with its line break.
    yield first ? text : `\n${text}`;
    first = false;
  }
}
