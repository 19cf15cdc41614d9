import { describe, expect, it } from 'vitest';
import { DEFAULT_PAGE, escapeLatex, latexLayout, latexTextWidth, latexUnsupported, renderLatex } from '../../src/core/format/latex.js';
import type { Table } from '../../src/core/format/table.js';

describe('escapeLatex', () => {
  it('escapes the ten special characters and the three OT1 prints as other glyphs', () => {
    expect(escapeLatex('50% & $3 #1 a_b {x} ~ ^ \\')).toBe('50\\% \\& \\$3 \\#1 a\\_b \\{x\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}');
    // In OT1, < > | would print as ¡ ¿ and an em dash.
    expect(escapeLatex('a<b>c|d')).toBe('a\\textless{}b\\textgreater{}c\\textbar{}d');
  });
  it('sets Greek letters and maths symbols in math mode', () => {
    expect(escapeLatex('Cohen κ, Krippendorff α, Scott π')).toBe('Cohen \\ensuremath{\\kappa}, Krippendorff \\ensuremath{\\alpha}, Scott \\ensuremath{\\pi}');
    expect(escapeLatex('Δ ≥ 0.8 − x ●')).toBe('\\ensuremath{\\Delta} \\ensuremath{\\geq} 0.8 \\ensuremath{-} x \\ensuremath{\\bullet}');
  });
  it("breaks TeX's input ligatures so the text prints as typed", () => {
    // "--" would print as an en dash, `` and '' as curly double quotes, !` as ¡.
    expect(escapeLatex("pre--post ``a'' ---")).toBe("pre-{}-post `{}`a'{}' -{}-{}-");
    expect(escapeLatex('!`')).toBe('!{}`');
  });
  it('line breaks and tabs become spaces, control characters go, spaces keep their kind', () => {
    expect(escapeLatex('a\nb\r\nc\td\u0007e')).toBe('a b  c de');
    expect(escapeLatex('10\u00a0%')).toBe('10~\\%');
    expect(escapeLatex('co\u00adop')).toBe('co\\-op');
  });
  it('composes accents (NFC): TeX reads no combining marks', () => {
    expect(escapeLatex('Rene\u0301e')).toBe('Renée');
  });
  it('lets a paragraph column break an identifier after its dots, never inside an interval', () => {
    expect(escapeLatex('support.companionship', { breakable: true })).toBe('support.\\hspace{0pt}companionship');
    expect(escapeLatex('0.72 [0.61, 0.80]', { breakable: true })).toBe('0.72 [0.61,~0.80]');
    expect(escapeLatex('0.72 [0.61, 0.80]')).toBe('0.72 [0.61, 0.80]');
  });
});

describe('latexUnsupported', () => {
  it('names the characters the minimal preamble cannot typeset, once each', () => {
    expect(latexUnsupported(escapeLatex('Анна 😀 Анна'))).toEqual(['А', 'н', 'а', '😀']);
    expect(latexUnsupported(escapeLatex('Zoë, Łukasz, Søren, café — “ok” … €'))).toEqual([]);
    // Polish ą needs T1 fonts under pdflatex: reported, not changed.
    expect(latexUnsupported(escapeLatex('są'))).toEqual(['ą']);
  });
});

describe('latexTextWidth', () => {
  it('uses the cmr10 widths: "code" is c+o+d+e = 4.44+5.00+5.56+4.44 pt', () => {
    expect(latexTextWidth('code')).toBeCloseTo(19.44, 2);
    // Digits are 5 pt, the interword space 3.33 pt.
    expect(latexTextWidth('10 20')).toBeCloseTo(23.33, 2);
  });
});

const words = (n: number, w: string) => Array.from({ length: n }, () => w).join(' ');

describe('latexLayout', () => {
  it('a narrow table keeps its natural columns in a float', () => {
    const t: Table = { columns: [{ header: 'theme' }, { header: 'pre', align: 'right' }], rows: [['Support', 3]] };
    expect(latexLayout(t)).toEqual({ size: 'normalsize', landscape: false, long: false, turnedHeaders: false, fits: true });
    const tex = renderLatex(t, { caption: 'Themes', label: 'tab:x y' });
    expect(tex).toBe(['\\begin{table}[htbp]', '\\centering', '\\caption{Themes}', '\\label{tab:x-y}', '\\begin{tabular}{lr}', '\\toprule', 'theme & pre \\\\', '\\midrule', 'Support & 3 \\\\', '\\bottomrule', '\\end{tabular}', '\\end{table}', ''].join('\n'));
  });
  it('long text gets paragraph columns that share the line: each at least its longest word', () => {
    const long = words(40, 'definition');
    const t: Table = { columns: [{ header: 'code' }, { header: 'definition' }, { header: 'examples' }], rows: [['a.b', long, words(30, 'quote')]] };
    const l = latexLayout(t);
    expect(l.landscape).toBe(false);
    expect(l.size).toBe('normalsize');
    const shares = l.shares!;
    expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1);
    expect(shares.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.99);
    // "definition" is 5.56+4.44+3.06+2.78+5.56+2.78+3.89+2.78+5.0+5.56 = 41.41 pt: its column has room for it besides 12 pt of gap.
    expect(shares[1]! * DEFAULT_PAGE.width - 12).toBeGreaterThanOrEqual(41.4);
    // The definition column has the most text: the widest column.
    expect(shares[1]!).toBeGreaterThan(shares[2]!);
    expect(renderLatex(t)).toContain('>{\\raggedright\\arraybackslash\\hspace{0pt}}p{\\dimexpr ');
  });
  it('a table taller than a page is a longtable whose header repeats', () => {
    const t: Table = { title: 'Many', columns: [{ header: 'id' }, { header: 'n', align: 'right' }], rows: Array.from({ length: 60 }, (_, i) => [`P${i}`, i]) };
    expect(latexLayout(t).long).toBe(true);
    const tex = renderLatex(t);
    expect(tex).toContain('\\begin{longtable}{lr}');
    expect(tex.indexOf('\\endfirsthead')).toBeLessThan(tex.indexOf('\\endhead'));
    expect(tex).toContain('\\caption[]{(continued)}');
    // Rows, header and 4 lines of rules at 12 pt, and 24 pt of caption, against 470 pt: 30 rows take (30 + 1 + 4) × 12 + 24 = 444, 60 take 804.
    expect(latexLayout({ ...t, rows: t.rows.slice(0, 30) }).long).toBe(false);
  });
  it('a wide matrix of numbers under long headers turns its headers', () => {
    const codes = Array.from({ length: 14 }, (_, i) => `relationship.connecting${i}`);
    const t: Table = { columns: [{ header: 'code' }, ...codes.map((header) => ({ header, align: 'right' as const }))], rows: codes.map((c) => [c, ...codes.map(() => 12)]) };
    const l = latexLayout(t);
    expect(l.turnedHeaders).toBe(true);
    expect(renderLatex(t)).toContain('\\rotatebox{90}{relationship.connecting0}');
  });
  it('says when nothing fits, and then gives each column its longest word', () => {
    const t: Table = { columns: Array.from({ length: 30 }, (_, i) => ({ header: `h${i}` })), rows: [Array.from({ length: 30 }, () => 'incomprehensibilities')] };
    const l = latexLayout(t);
    expect(l.fits).toBe(false);
    expect(l.points!.every((p) => p >= latexTextWidth('incomprehensibilities') * 0.8)).toBe(true);
  });
  it('bold theme rows and footers', () => {
    const tex = renderLatex({
      columns: [{ header: 'theme' }, { header: 'n', align: 'right' }],
      rows: [
        ['Support', 3],
        ['\u00a0\u00a0sub', 1],
      ],
      bold: [true, false],
      footer: [['all', 4]],
    });
    expect(tex).toContain('\\textbf{Support} & 3 \\\\');
    expect(tex).toContain('~~sub & 1 \\\\');
    expect(tex).toContain('\\midrule\nall & 4 \\\\\n\\bottomrule');
  });
});
