import { describeSpan, type LineIndex, type SpanFields } from './span.js';

/**
 * Placing a coding by its text: where given words occur in a transcript, compared whitespace- and
 * quote-style-insensitively (a run of spaces, tabs and line breaks matches any other run; straight
 * and curly quotes and apostrophes match each other), everything else exactly (case, accents,
 * punctuation). Used by the interchange CSV's `text` column, `code --apply --text` and the coding
 * session's phrase search.
 */

const QUOTES: Record<string, string> = { '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u2032': "'", '`': "'", '\u00b4': "'", '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u201f': '"', '\u2033': '"', '\u00ab': '"', '\u00bb': '"' };
const SPACE = /\s/u;

/** The text in comparable form, with for each of its UTF-16 units the range of the original it came from. */
export function normalise(text: string, from = 0, to = text.length): { text: string; starts: number[]; ends: number[] } {
  let out = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let i = from;
  while (i < to) {
    const ch = text[i]!;
    if (SPACE.test(ch) || ch === '\ufeff') {
      let j = i + 1;
      while (j < to && (SPACE.test(text[j]!) || text[j] === '\ufeff')) j++;
      out += ' ';
      starts.push(i);
      ends.push(j);
      i = j;
      continue;
    }
    out += QUOTES[ch] ?? ch;
    starts.push(i);
    ends.push(i + 1);
    i++;
  }
  return { text: out, starts, ends };
}

/** The words as compared: normalised and without surrounding whitespace. */
export function comparable(words: string): string {
  return normalise(words).text.trim();
}

/** Every place `words` occur in [from, to) of the text, as UTF-16 ranges of the original (not overlapping, in order). */
export function findText(text: string, words: string, from = 0, to = text.length): Array<{ start: number; end: number }> {
  const needle = comparable(words);
  if (!needle) return [];
  const hay = normalise(text, from, to);
  const out: Array<{ start: number; end: number }> = [];
  for (let k = hay.text.indexOf(needle); k >= 0; k = hay.text.indexOf(needle, k + needle.length)) out.push({ start: hay.starts[k]!, end: hay.ends[k + needle.length - 1]! });
  return out;
}

/**
 * The exact span of `words` inside `within` (whole lines; the whole document when undefined), or
 * why it cannot be placed: not there, or there more than once.
 */
export function placeText(index: LineIndex, words: string, within?: SpanFields): { span: SpanFields } | { problem: string; hint: string } {
  if (!comparable(words)) return { problem: 'the text is empty', hint: 'give the words the coding marks' };
  const lines = within ? { startLine: within.startLine, endLine: within.endLine } : undefined;
  if (lines && lines.endLine > index.lineCount) return { problem: `${describeSpan(lines)} runs past the end of the file (${index.lineCount} lines)`, hint: 'check the line numbers against the transcript' };
  const from = lines ? index.starts[lines.startLine - 1]! : 0;
  const to = lines ? index.ends[lines.endLine - 1]! : index.text.length;
  const found = findText(index.text, words, from, to);
  const where = lines ? `in ${describeSpan(lines)}` : 'in the transcript';
  const shown = short(words);
  if (found.length === 0) return { problem: `the text "${shown}" is not ${where}`, hint: lines ? 'check the words and the lines (spaces, line breaks and quote styles need not match; everything else must)' : 'check the words (spaces, line breaks and quote styles need not match; everything else must)' };
  if (found.length > 1) {
    const at = found
      .slice(0, 5)
      .map((f) => describeSpan(index.spanOf(f.start, f.end)!))
      .join(', ');
    return { problem: `the text "${shown}" occurs ${found.length} times ${where} (${at}${found.length > 5 ? ', …' : ''})`, hint: lines ? 'give its columns too, or narrower lines' : 'give the lines to choose one (start_line, end_line)' };
  }
  const span = index.spanOf(found[0]!.start, found[0]!.end);
  if (!span) return { problem: `the text "${shown}" starts or ends on a line break`, hint: 'leave out the line break at its start or end' };
  return { span };
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}
