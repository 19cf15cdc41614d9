/**
 * Text is data: every string that comes from a study (transcripts, memos, labels, file names,
 * participant attributes) passes through one of these before it reaches an output, one function
 * per output kind. Nothing here changes what a reader sees; each only stops the text from being
 * read as something else (a spreadsheet formula, Markdown or HTML, a terminal command, XML markup).
 *
 * HTML, SVG and LaTeX: escapeHtml and escapeLatex in table.ts (and svg.ts), used by every writer
 * of those formats.
 */

// ------------------------------------------------------------------------------------------------
// CSV and TSV: the formula guard.

/** A cell (or a line of it) that a spreadsheet would run: = + - @, or a tab or CR first. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Plain numbers ("-0.12", "+3", "1e-5") are left alone: they are data a spreadsheet reads as numbers. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function guardLine(line: string): string {
  if (NUMBER.test(line)) return line;
  // An apostrophe first makes a spreadsheet show the text instead of running it. A line that
  // already starts with apostrophes before a formula character gets one more, so that
  // unguardCsvCell gives back exactly the original.
  return FORMULA_START.test(line) || /^'+[=+\-@\t]/.test(line) ? `'${line}` : line;
}

/**
 * A CSV/TSV cell made safe for spreadsheets (OWASP "CSV injection"): a leading apostrophe on a
 * cell that starts with = + - @, a tab or a carriage return, and on every line inside the cell
 * that does (after CR or LF), since some importers split lines before they read quotes.
 * Numbers are kept as they are. `raw` (--csv-raw) keeps everything as it is.
 */
export function guardCsvCell(s: string, raw = false): string {
  if (raw) return s;
  if (!/[=+\-@\t\r\n]/.test(s)) return s;
  // Lines and their breaks alternate: even pieces are lines (a regular expression with an empty
  // first line would skip the line after a leading CR).
  return s
    .split(/(\r\n|\r|\n)/)
    .map((piece, i) => (i % 2 === 0 ? guardLine(piece) : piece))
    .join('');
}

/** The inverse, for reading back a CSV qualwave wrote (codings export → codings import). */
export function unguardCsvCell(s: string): string {
  if (!s.includes("'")) return s;
  return s
    .split(/(\r\n|\r|\n)/)
    .map((piece, i) => (i % 2 === 0 && /^'+[=+\-@\t]/.test(piece) ? piece.slice(1) : piece))
    .join('');
}

// ------------------------------------------------------------------------------------------------
// Markdown (Pandoc and CommonMark/GitHub).

const ALNUM = /[\p{L}\p{N}]/u;
const ALWAYS = new Set(['\\', '`', '*', '<', '>', '~', '^', '$']);

function escapeInline(s: string, cell: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const prev = s[i - 1];
    const next = s[i + 1];
    if (ALWAYS.has(ch)) out += `\\${ch}`;
    else if (ch === '&') out += /^&#?[A-Za-z0-9]+;/.test(s.slice(i, i + 12)) ? '\\&' : '&';
    else if (ch === ']') out += next !== undefined && '([{:'.includes(next) ? '\\]' : ']';
    else if (ch === '!') out += next === '[' ? '\\!' : '!';
    else if (ch === '_') out += prev !== undefined && next !== undefined && ALNUM.test(prev) && ALNUM.test(next) ? '_' : '\\_';
    else if (ch === '@') out += prev === undefined || /[\s[;(]/.test(prev) ? '\\@' : '@';
    else if (cell && ch === '|') out += '\\|';
    else if (cell && (ch === '\n' || ch === '\r')) {
      if (ch === '\r' && next === '\n') i++;
      out += ' ';
    } else out += ch;
  }
  return out;
}

/**
 * Text for Markdown: shown literally, never as HTML, a link, an image, emphasis, a citation,
 * maths, a heading, a list or a block quote. Backslash escapes are valid in Pandoc and
 * CommonMark alike; only the characters that would do something are escaped, so ordinary prose
 * (and the brackets of "0.72 [0.61, 0.80]", the underscore of MS01_pre) reads as before.
 */
export function escapeMarkdown(s: string): string {
  return escapeInline(s, false)
    .replace(/^([ \t]*)([#+=-])/gm, '$1\\$2')
    .replace(/^([ \t]*\d+)([.)])(?=\s|$)/gm, '$1\\$2');
}

/** A table cell: the same, on one line, with the pipe escaped. */
export function markdownCell(s: string): string {
  return escapeInline(s, true);
}

/** Text inside `<!-- ... -->`: it cannot close the comment or open another. */
export function htmlCommentText(s: string): string {
  return s
    .replace(/-(?=-)/g, '- ')
    .replace(/-$/, '- ')
    .replace(/^>/, ' >');
}

/** Text for a Markdown code span (`...`): backticks cannot end it early. */
export function markdownCode(s: string): string {
  const flat = s.replace(/\r\n?|\n/g, ' ');
  let fence = '`';
  while (flat.includes(fence)) fence += '`';
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

// ------------------------------------------------------------------------------------------------
// Terminal.

/**
 * Text for a terminal: escape sequences (colours, cursor moves, window titles, hyperlinks) and
 * other control characters removed, so a transcript or memo cannot change the terminal. Line
 * breaks are kept unless `oneLine`; tabs become spaces.
 */
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[PX^_][^\x1b]*(?:\x1b\\)?|\x1b[ -/]*[0-~]?|\x9b[0-?]*[ -/]*[@-~]|\x9d[^\x07\x9c]*(?:\x07|\x9c)?/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function terminalText(s: string, opts: { oneLine?: boolean } = {}): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]/.test(s)) return s;
  let out = s.replace(ESCAPES, '').replace(/\t/g, ' ');
  if (opts.oneLine) out = out.replace(/\r\n?|\n/g, ' ');
  else out = out.replace(/\r\n?/g, '\n');
  return out
    .split('\n')
    .map((line) => line.replace(CONTROLS, ''))
    .join('\n');
}

/** The same for a message that carries qualwave's own colours (SGR sequences): those are kept. */
export function terminalMessage(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]/.test(s.replace(/\n/g, ''))) return s;
  // eslint-disable-next-line no-control-regex
  const parts = s.split(/(\x1b\[[0-9;]*m)/);
  return parts.map((p, i) => (i % 2 === 1 ? p : terminalText(p))).join('');
}

// ------------------------------------------------------------------------------------------------
// XML.

// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text that XML 1.0 can hold: the characters it forbids (control characters other than tab,
 * line feed and carriage return; U+FFFE, U+FFFF; unpaired surrogates) cannot be written even as
 * character references, so they are removed; `removed` counts them, for the caller to report.
 */
export function xmlText(s: string): { text: string; removed: number } {
  let removed = 0;
  const text = s.replace(XML_FORBIDDEN, () => {
    removed++;
    return '';
  });
  return { text, removed };
}

/** Stands for a carriage return given as &#xD; while the XML is parsed (a private-use character). */
export const CR_MARK = '\udb80\udc0d';

/** Carriage returns that decodeCharRefs marked, back as themselves. */
export function restoreCarriageReturns(s: string): string {
  return s.includes(CR_MARK) ? s.split(CR_MARK).join('\r') : s;
}

const XML_SPECIAL: Record<number, string> = { 0x26: '&amp;', 0x3c: '&lt;', 0x3e: '&gt;', 0x22: '&quot;', 0x27: '&apos;' };

/**
 * XML character references (`&#233;`, `&#xE9;`, `&#xD;&#xA;`) decoded in raw XML, outside
 * CDATA sections and comments, before it is parsed. References to markup characters (& < > " ')
 * stay as the named entities the parser decodes, so the document's structure is unchanged.
 */
export function decodeCharRefs(xml: string): string {
  if (!xml.includes('&#')) return xml;
  return xml.replace(/(<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->)|&#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}));/g, (whole, skip: string | undefined, hex: string | undefined, dec: string | undefined) => {
    if (skip !== undefined) return skip;
    const cp = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    if (!Number.isInteger(cp) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp === 0) return whole;
    // A referenced carriage return must survive the parser's line-end normalisation (literal
    // CR LF becomes LF): it travels as CR_MARK, which restoreCarriageReturns turns back.
    if (cp === 0x0d) return CR_MARK;
    return XML_SPECIAL[cp] ?? String.fromCodePoint(cp);
  });
}
