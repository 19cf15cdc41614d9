import { formatNumber, type Cell, type Table } from './table.js';

/**
 * LaTeX output that compiles with pdflatex and xelatex from the minimal preamble below (the
 * README gives the same), whatever the table's size: narrow tables as they are, wide ones with
 * paragraph columns fitted to the line width (then a smaller size, then a turned page), long
 * ones as a longtable that continues on the next page. The layout is decided here from the
 * text's widths in Computer Modern / Latin Modern (the fonts of both engines' defaults).
 */
export const LATEX_PREAMBLE = [
  '\\documentclass{article}',
  '\\usepackage{booktabs}   % \\toprule, \\midrule, \\bottomrule',
  '\\usepackage{array}      % paragraph columns aligned left or right',
  '\\usepackage{longtable}  % tables longer than a page',
  '\\usepackage{pdflscape}  % tables too wide for the page, on a turned page',
  '\\usepackage{graphicx}   % turned column headers of wide matrices',
].join('\n');

// ------------------------------------------------------------------------------------------------
// Text.

/**
 * Characters both pdflatex (default OT1/TS1 encodings, UTF-8 input) and xelatex (Latin Modern)
 * typeset as they are with LATEX_PREAMBLE, besides printable ASCII. Measured by compiling every
 * character of these blocks with both engines (tests/e2e/latex.test.ts compiles them again).
 */
export const SAFE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0xa1, 0xaa],
  [0xac, 0xac],
  [0xae, 0xba],
  [0xbc, 0xcf],
  [0xd1, 0xdd],
  [0xdf, 0xef],
  [0xf1, 0xfd],
  [0xff, 0x103],
  [0x106, 0x10f],
  [0x112, 0x117],
  [0x11a, 0x125],
  [0x128, 0x12d],
  [0x130, 0x137],
  [0x139, 0x13e],
  [0x141, 0x148],
  [0x14c, 0x165],
  [0x168, 0x171],
  [0x174, 0x17e],
  [0x192, 0x192],
  [0x1cd, 0x1d4],
  [0x1e6, 0x1e7],
  [0x1f0, 0x1f0],
  [0x1f4, 0x1f5],
  [0x218, 0x21b],
  [0x237, 0x237],
  [0x1e0d, 0x1e0d],
  [0x1e25, 0x1e25],
  [0x1e37, 0x1e37],
  [0x1e43, 0x1e43],
  [0x1e45, 0x1e45],
  [0x1e47, 0x1e47],
  [0x1e5b, 0x1e5b],
  [0x1e63, 0x1e63],
  [0x1e6d, 0x1e6d],
  [0x1ef2, 0x1ef3],
  [0x2010, 0x2011],
  [0x2013, 0x2014],
  [0x2016, 0x2016],
  [0x2018, 0x2019],
  [0x201c, 0x201d],
  [0x2020, 0x2022],
  [0x2026, 0x2026],
  [0x2030, 0x2031],
  [0x203b, 0x203b],
  [0x203d, 0x203d],
  [0x2044, 0x2044],
  [0x2052, 0x2052],
  [0x20a1, 0x20a1],
  [0x20a4, 0x20a4],
  [0x20a6, 0x20a6],
  [0x20a9, 0x20a9],
  [0x20ab, 0x20ac],
  [0x20b1, 0x20b1],
  [0x2103, 0x2103],
  [0x2116, 0x2117],
  [0x211e, 0x211e],
  [0x2120, 0x2120],
  [0x2122, 0x2122],
  [0x2126, 0x2127],
  [0x212e, 0x212e],
  [0x2190, 0x2193],
  [0x25e6, 0x25e6],
];

function safe(cp: number): boolean {
  if (cp >= 0x20 && cp < 0x7f) return true;
  for (const [a, b] of SAFE_RANGES) if (cp >= a && cp <= b) return true;
  return false;
}

/** Greek letters in math mode (κ, α, π in coefficient names): no text font of either engine has them all. */
const GREEK: Record<string, string> = {
  α: '\\alpha',
  β: '\\beta',
  γ: '\\gamma',
  δ: '\\delta',
  ε: '\\varepsilon',
  ζ: '\\zeta',
  η: '\\eta',
  θ: '\\theta',
  ι: '\\iota',
  κ: '\\kappa',
  λ: '\\lambda',
  μ: '\\mu',
  ν: '\\nu',
  ξ: '\\xi',
  ο: 'o',
  π: '\\pi',
  ρ: '\\rho',
  ς: '\\varsigma',
  σ: '\\sigma',
  τ: '\\tau',
  υ: '\\upsilon',
  φ: '\\varphi',
  χ: '\\chi',
  ψ: '\\psi',
  ω: '\\omega',
  ϑ: '\\vartheta',
  ϕ: '\\phi',
  ϖ: '\\varpi',
  ϱ: '\\varrho',
  ϵ: '\\epsilon',
  Α: '\\mathrm{A}',
  Β: '\\mathrm{B}',
  Γ: '\\Gamma',
  Δ: '\\Delta',
  Ε: '\\mathrm{E}',
  Ζ: '\\mathrm{Z}',
  Η: '\\mathrm{H}',
  Θ: '\\Theta',
  Ι: '\\mathrm{I}',
  Κ: '\\mathrm{K}',
  Λ: '\\Lambda',
  Μ: '\\mathrm{M}',
  Ν: '\\mathrm{N}',
  Ξ: '\\Xi',
  Ο: '\\mathrm{O}',
  Π: '\\Pi',
  Ρ: '\\mathrm{P}',
  Σ: '\\Sigma',
  Τ: '\\mathrm{T}',
  Υ: '\\Upsilon',
  Φ: '\\Phi',
  Χ: '\\mathrm{X}',
  Ψ: '\\Psi',
  Ω: '\\Omega',
};

/** Symbols that only the math fonts have in both engines. */
const MATH: Record<string, string> = {
  '−': '-',
  '≤': '\\leq',
  '≥': '\\geq',
  '≠': '\\neq',
  '≈': '\\approx',
  '∞': '\\infty',
  '±': '\\pm',
  '∓': '\\mp',
  '●': '\\bullet',
  '∙': '\\bullet',
  '○': '\\circ',
  '√': '\\surd',
  '∑': '\\sum',
  '∆': '\\Delta',
  '′': '\\prime',
  '∼': '\\sim',
};

const ASCII: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  // In the default OT1 encoding < > | print as ¡ ¿ —.
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '|': '\\textbar{}',
};

const SPACES: Record<string, string> = {
  '\u00a0': '~', // no-break space
  '\u00ad': '\\-', // soft hyphen: a place to hyphenate
  '\u2002': '\\enspace{}',
  '\u2003': '\\quad{}',
  '\u2009': '\\,',
  '\u200a': '\\,',
  '\u202f': '\\,', // narrow no-break space (French punctuation)
  '\u200b': '\\hspace{0pt}', // zero-width space: a place to break
  '\u2060': '', // word joiner: no break here, which is TeX's default inside a word
};

/**
 * User text for LaTeX's text mode: special characters escaped, Greek and mathematical symbols in
 * math mode, TeX's ligatures of the input (-- ``) broken so that the text prints as typed, line
 * breaks and tabs as spaces, control characters dropped. The text is normalised to NFC (the same
 * text, composed accents: TeX reads no combining marks). `breakable` (paragraph columns) lets a
 * line break after a dot, slash or underscore inside an identifier such as a code id, and never
 * inside a confidence interval ("[0.61, 0.84]" stays on one line).
 */
export function escapeLatex(s: string, opts: { breakable?: boolean } = {}): string {
  let out = '';
  const chars = [...(opts.breakable ? keepIntervals(s.normalize('NFC')) : s.normalize('NFC'))];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const next = chars[i + 1];
    const cp = ch.codePointAt(0)!;
    if (ch === '\n' || ch === '\r' || ch === '\t') out += ' ';
    else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) continue;
    else if (ASCII[ch] !== undefined) out += ASCII[ch];
    else if (SPACES[ch] !== undefined) out += SPACES[ch];
    else if (GREEK[ch] !== undefined) out += `\\ensuremath{${GREEK[ch]}}`;
    else if (MATH[ch] !== undefined) out += `\\ensuremath{${MATH[ch]}}`;
    else if ((ch === '-' && next === '-') || (ch === '`' && (next === '`' || next === "'")) || (ch === "'" && next === "'") || ((ch === '!' || ch === '?') && next === '`')) out += `${ch}{}`;
    else out += ch;
    if (opts.breakable && (ch === '.' || ch === '/' || ch === '_') && next !== undefined && /\p{L}/u.test(next)) out += '\\hspace{0pt}';
  }
  return out;
}

/** A confidence interval "[0.61, 0.84]" with a no-break space: one piece for line breaking. */
const INTERVAL = /\[[-+−]?\d[\d.]*, [-+−]?\d[\d.]*\]/g;
function keepIntervals(s: string): string {
  return s.replace(INTERVAL, (m) => m.replace(' ', '\u00a0'));
}

/**
 * The characters of a LaTeX text (as escapeLatex wrote it) that LATEX_PREAMBLE cannot typeset
 * with pdflatex or xelatex: a letter of another script, an emoji, a rare symbol. Each once, in
 * order of appearance. They are kept in the output (the text is never changed); the user is told.
 */
export function latexUnsupported(tex: string): string[] {
  const found = new Set<string>();
  for (const ch of tex) if (!safe(ch.codePointAt(0)!) && ch !== '\n') found.add(ch);
  return [...found];
}

// ------------------------------------------------------------------------------------------------
// Widths: Computer Modern Roman 10 pt (cmr10.tfm), in points, for ASCII 32..126 (the space is
// the interword space). Latin Modern has the same metrics.
const CMR10 = [
  3.33, 2.78, 5.0, 8.33, 5.0, 8.33, 7.78, 2.78, 3.89, 3.89, 5.0, 7.78, 2.78, 3.33, 2.78, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 2.78, 2.78, 7.78, 7.78, 7.78, 4.72, 7.78, 7.5, 7.08, 7.22, 7.64, 6.81, 6.53, 7.85, 7.5, 3.61, 5.14, 7.78, 6.25, 9.17, 7.5, 7.78, 6.81, 7.78, 7.36, 5.56, 7.22, 7.5, 7.5, 10.28,
  7.5, 7.5, 6.11, 2.78, 5.0, 2.78, 5.0, 2.78, 2.78, 5.0, 5.56, 4.44, 5.56, 4.44, 3.06, 5.0, 5.56, 2.78, 3.06, 5.28, 2.78, 8.33, 5.56, 5.0, 5.56, 5.28, 3.92, 3.94, 3.89, 5.56, 5.28, 7.22, 5.28, 5.28, 4.44, 5.0, 10.0, 5.0, 5.0,
];
/** Bold extended (cmbx10) is about this much wider than the roman. */
const BOLD = 1.15;

function charWidth(ch: string): number {
  const cp = ch.codePointAt(0)!;
  if (cp >= 32 && cp <= 126) return CMR10[cp - 32]!;
  if (GREEK[ch] !== undefined || MATH[ch] !== undefined) return 6;
  const base = ch.normalize('NFD').codePointAt(0)!;
  if (base >= 32 && base <= 126) return CMR10[base - 32]!;
  return 8; // an em dash, a symbol, another script: on the wide side
}

/** Width in points at 10 pt of a cell's text as printed (before escaping). */
export function latexTextWidth(s: string, bold = false): number {
  let w = 0;
  for (const ch of s.normalize('NFC')) w += charWidth(ch === '\n' || ch === '\t' ? ' ' : ch);
  return w * (bold ? BOLD : 1);
}

/** The pieces a paragraph column can break a cell into: at spaces, after a hyphen, and after a dot, slash or underscore before a letter. */
function words(s: string): string[] {
  return keepIntervals(s)
    .split(/[ \t\r\n]+|(?<=[./_-])(?=\p{L})/u)
    .filter((w) => w !== '');
}

/**
 * The narrowest a word gets in a paragraph column: its whole width. TeX may still hyphenate a
 * word it cannot fit (the columns allow it from a cell's first word on), but where it can is a
 * matter of its patterns ("workarounds" has no break), so the layout never counts on it.
 */
function narrowest(word: string, bold: boolean): number {
  return latexTextWidth(word, bold);
}

// ------------------------------------------------------------------------------------------------
// Layout.

/** The page the layout is made for, in points at 10 pt: a text block every usual class and size fits (article at 10, 11, 12 pt; A4 or letter). */
export interface LatexPage {
  width: number;
  height: number;
}
export const DEFAULT_PAGE: LatexPage = { width: 320, height: 470 };

const SIZES = [
  { name: 'normalsize', scale: 1 },
  { name: 'small', scale: 0.9 },
  { name: 'footnotesize', scale: 0.8 },
] as const;
type SizeName = (typeof SIZES)[number]['name'];

/** Space between columns: 2 × \tabcolsep (6 pt), whatever the font size. */
const COLUMN_GAP = 12;

export interface LatexLayout {
  size: SizeName;
  /** On a turned page (pdflscape's landscape environment). */
  landscape: boolean;
  /** A longtable (split across pages) rather than a float. */
  long: boolean;
  /** Column headers but the first turned to read upwards (a wide matrix of short numbers). */
  turnedHeaders: boolean;
  /** Paragraph columns: each column's share of the line width (they add up to 1); undefined: natural widths. */
  shares?: number[];
  /** When nothing fits: paragraph columns of these widths (points), wider than the page. */
  points?: number[];
  /** False when even the smallest layout is wider than the page (a warning for the user). */
  fits: boolean;
}

interface Measured {
  natural: number[];
  min: number[];
  /** The same without the header row. */
  bodyNatural: number[];
  bodyMin: number[];
  cells: Array<{ text: string; bold: boolean }[]>;
}

function measure(table: Table): Measured {
  const text = (c: Cell): string => (typeof c === 'number' ? formatNumber(c) : c);
  const header = table.columns.map((c) => ({ text: c.header, bold: false }));
  const body = [...table.rows.map((r, k) => r.map((c, i) => ({ text: text(c), bold: i === 0 && table.bold?.[k] === true }))), ...(table.footer ?? []).map((r) => r.map((c) => ({ text: text(c), bold: false })))];
  const n = table.columns.length;
  const widths = (rows: Array<{ text: string; bold: boolean }[]>): { natural: number[]; min: number[] } => {
    const natural = new Array<number>(n).fill(0);
    const min = new Array<number>(n).fill(0);
    for (const row of rows) {
      row.forEach((c, i) => {
        if (i >= n) return;
        natural[i] = Math.max(natural[i]!, latexTextWidth(c.text, c.bold));
        for (const w of words(c.text)) min[i] = Math.max(min[i]!, narrowest(w, c.bold));
      });
    }
    return { natural, min };
  };
  const all = widths([header, ...body]);
  const b = widths(body);
  return { natural: all.natural, min: all.min, bodyNatural: b.natural, bodyMin: b.min, cells: [header, ...body] };
}

/** Lines of the table (each row's tallest cell) at these column widths (points, already scaled); a turned header row counts its longest header. */
function lineCount(m: Measured, widths: number[] | undefined, scale: number, turned: boolean): number {
  let lines = 0;
  m.cells.forEach((row, r) => {
    let tallest = 1;
    if (r === 0 && turned) tallest = Math.ceil((Math.max(...row.slice(1).map((c) => latexTextWidth(c.text, c.bold))) * scale) / 12);
    else if (widths) {
      row.forEach((c, i) => {
        const w = widths[i];
        if (w === undefined || w <= 0) return;
        // Word wrapping wastes part of each line: count 15% more text than there is.
        tallest = Math.max(tallest, Math.ceil((latexTextWidth(c.text, c.bold) * scale * 1.15) / w));
      });
    }
    lines += tallest;
  });
  return lines;
}

/**
 * How a table is set, the first of these that fits the page's width: natural widths at the
 * normal size, then at \small; paragraph columns (each at least as wide as its longest word,
 * the rest shared out by how much text each has) at the normal size, \small, \footnotesize; the
 * same with the column headers turned (a wide matrix of numbers under long headers); then all
 * that again on a turned page. Taller than a page (rows × baseline with caption and rules): a
 * longtable.
 */
export function latexLayout(table: Table, page: LatexPage = DEFAULT_PAGE): LatexLayout {
  const m = measure(table);
  const n = table.columns.length;
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const tall = (lines: number, scale: number, height: number): boolean => (lines + 4) * 12 * scale + (table.title ? 24 : 0) > height;
  // Turning helps only when headers are what makes columns wide.
  const canTurn = n > 2 && m.min.some((x, i) => i > 0 && x > m.bodyMin[i]! + 1);
  for (const landscape of [false, true]) {
    const width = landscape ? page.height : page.width;
    const height = landscape ? page.width : page.height;
    const available = width - COLUMN_GAP * n;
    for (const size of SIZES.slice(0, 2)) {
      if (sum(m.natural) * size.scale <= available) {
        return { size: size.name, landscape, long: tall(lineCount(m, undefined, size.scale, false), size.scale, height), turnedHeaders: false, fits: true };
      }
    }
    for (const turned of canTurn ? [false, true] : [false]) {
      // A turned header is one line high and as wide as a line: the first column keeps its header.
      const natural = turned ? m.bodyNatural.map((x, i) => (i === 0 ? m.natural[0]! : Math.max(x, 12))) : m.natural;
      const min = turned ? m.bodyMin.map((x, i) => (i === 0 ? m.min[0]! : Math.max(x, 12))) : m.min;
      for (const size of SIZES) {
        const lo = min.map((x) => x * size.scale);
        const hi = natural.map((x) => x * size.scale);
        if (sum(lo) > available) continue;
        const extra = available - sum(lo);
        const desire = hi.map((x, i) => x - lo[i]!);
        const total = sum(desire);
        const widths = lo.map((x, i) => x + (total > 0 ? (extra * desire[i]!) / total : extra / n));
        return { size: size.name, landscape, long: tall(lineCount(m, widths, size.scale, turned), size.scale, height), turnedHeaders: turned, shares: shares(widths, width), fits: true };
      }
    }
  }
  // Nothing fits: on a turned page at the smallest size, each column as wide as its longest word (it sticks out).
  const scale = SIZES[2].scale;
  const points = (canTurn ? m.bodyMin.map((x, i) => (i === 0 ? m.min[0]! : Math.max(x, 12))) : m.min).map((x) => Math.ceil(x * scale));
  return { size: 'footnotesize', landscape: true, long: tall(lineCount(m, points, scale, canTurn), scale, page.width), turnedHeaders: canTurn, points, fits: false };
}

/** Each column's share of the line (its width and gap over the whole), three decimals, adding up to at most 1. */
function shares(widths: number[], total: number): number[] {
  const raw = widths.map((w) => (w + COLUMN_GAP) / total);
  const scale = 1 / raw.reduce((a, b) => a + b, 0);
  return raw.map((x) => Math.floor(x * scale * 1000) / 1000);
}

// ------------------------------------------------------------------------------------------------
// Rendering.

export interface LatexOptions {
  caption?: string;
  label?: string;
  page?: LatexPage;
}

/**
 * A booktabs table (LATEX_PREAMBLE: booktabs, array, longtable, pdflscape), laid out by
 * latexLayout: a `table` float with `tabular`, or a `longtable` whose header repeats on every
 * page; paragraph columns fitted to \linewidth when the natural widths are too wide; a smaller
 * size or a turned page when even that is too wide.
 */
export function renderLatex(table: Table, opts: LatexOptions = {}): string {
  const layout = latexLayout(table, opts.page);
  const wrapped = layout.shares !== undefined || layout.points !== undefined;
  const esc = (s: string): string => escapeLatex(s, { breakable: wrapped });
  const spec = table.columns
    .map((c, i) => {
      const align = c.align ?? 'left';
      if (!wrapped) return align === 'right' ? 'r' : align === 'center' ? 'c' : 'l';
      // \\hspace{0pt}: TeX may hyphenate a cell's first word too.
      const ragged = align === 'right' ? '\\raggedleft' : align === 'center' ? '\\centering' : '\\raggedright';
      const width = layout.shares ? `\\dimexpr ${layout.shares[i]!.toFixed(3)}\\linewidth-2\\tabcolsep\\relax` : `${layout.points![i]!}pt`;
      return `>{${ragged}\\arraybackslash\\hspace{0pt}}p{${width}}`;
    })
    .join('');
  const text = (c: Cell): string => (typeof c === 'number' ? formatNumber(c) : c);
  const row = (cells: Cell[], strong = false): string => `${cells.map((c, i) => (strong && i === 0 && text(c) !== '' ? `\\textbf{${esc(text(c))}}` : esc(text(c)))).join(' & ')} \\\\`;
  const header = layout.turnedHeaders ? `${table.columns.map((c, i) => (i === 0 ? esc(c.header) : `\\rotatebox{90}{${escapeLatex(c.header)}}`)).join(' & ')} \\\\` : row(table.columns.map((c) => c.header));
  const body: string[] = table.rows.map((r, k) => row(r, table.bold?.[k] === true));
  if (table.footer && table.footer.length > 0) body.push('\\midrule', ...table.footer.map((r) => row(r)));
  const captionText = opts.caption ?? table.title;
  const caption = captionText ? `\\caption{${escapeLatex(captionText)}}` : undefined;
  const label = opts.label ? `\\label{${opts.label.replace(/[^A-Za-z0-9:_.-]/g, '-')}}` : undefined;
  const size = layout.size === 'normalsize' ? undefined : `\\${layout.size}`;
  // Notes under the table, in small type, a line each.
  const notes = table.notes?.length ? `\\par\\smallskip{\\footnotesize\\raggedright ${table.notes.map((n) => escapeLatex(n)).join('\\\\\n')}\\par}` : undefined;
  const out: string[] = [];
  if (layout.landscape) out.push('\\begin{landscape}');
  if (layout.long) {
    const n = table.columns.length;
    if (size) out.push('\\begingroup', size);
    out.push(`\\begin{longtable}{${spec}}`);
    if (caption) out.push(`${caption}${label ?? ''}\\\\`);
    else if (label) out.push(`${label}\\\\`);
    out.push('\\toprule', header, '\\midrule', '\\endfirsthead');
    if (caption) out.push('\\caption[]{(continued)}\\\\');
    out.push('\\toprule', header, '\\midrule', '\\endhead');
    out.push('\\midrule', `\\multicolumn{${n}}{r}{\\emph{continued on the next page}}\\\\`, '\\endfoot', '\\bottomrule', '\\endlastfoot');
    out.push(...body, '\\end{longtable}');
    if (notes) out.push(notes);
    if (size) out.push('\\endgroup');
  } else {
    out.push('\\begin{table}[htbp]', '\\centering');
    if (caption) out.push(caption);
    if (label) out.push(label);
    if (size) out.push(size);
    out.push(`\\begin{tabular}{${spec}}`, '\\toprule', header, '\\midrule', ...body, '\\bottomrule', '\\end{tabular}');
    if (notes) out.push(notes);
    out.push('\\end{table}');
  }
  if (layout.landscape) out.push('\\end{landscape}');
  return out.join('\n') + '\n';
}
