/**
 * A few helpers for writing SVG as text: every string escaped, numbers rounded so output is
 * deterministic and small. Figures are black, white and greys, with patterns, so they print.
 *
 * Units are points: a figure is drawn at the size it is printed (its width and height in pt),
 * so a label of 9 (user units) is 9 pt on paper when the figure is placed at its own size, and
 * the PNG and PDF renderings (io/figures.ts) are exact at any DPI.
 */
export interface FigureOptions {
  /** Printed width in points (default 453: 16 cm, a manuscript's text width). */
  width: number;
  height?: number;
  /** Labels' size in points (default 10); secondary labels are 0.9 of it, the title 1.2. */
  fontSize: number;
  title?: string;
}

export const DEFAULT_WIDTH = 453;
export const DEFAULT_FONT_SIZE = 10;
/** The smallest type a figure has at the default sizes: readable in print. */
export const MIN_FONT_SIZE = 8;

export const FONT = 'Helvetica, Arial, Arimo, sans-serif';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function n(x: number): string {
  return String(Math.round(x * 10) / 10);
}

// Advance widths (1/1000 em) of ASCII 32..126 in Helvetica/Arial metrics: those of Arimo (the
// font io/figures.ts renders PNG and PDF with; metric-compatible with Arial and Helvetica).
const REGULAR = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469,
  556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const BOLD = [
  278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584,
  556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

/** How wide a text is at a font size, in the figures' font (accented letters as their base letter; other characters 0.6 em, a dash or symbol 1 em). */
export function textWidth(s: string, size: number, bold = false): number {
  const table = bold ? BOLD : REGULAR;
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const base = cp < 127 ? cp : ch.normalize('NFD').codePointAt(0)!;
    w += base >= 32 && base < 127 ? table[base - 32]! : cp === 0x2014 || (cp >= 0x2190 && cp <= 0x21ff) || (cp >= 0x25a0 && cp <= 0x25ff) ? 1000 : 600;
  }
  return (w / 1000) * size;
}

/** A text cut with "…" to fit a width (whole if it fits). Linear in the text's length. */
export function fitText(s: string, width: number, size: number, bold = false): string {
  if (textWidth(s, size, bold) <= width) return s;
  const room = width - textWidth('…', size, bold);
  let used = 0;
  let out = '';
  for (const ch of s) {
    used += textWidth(ch, size, bold);
    if (used > room && out.length > 0) break;
    out += ch;
  }
  return out.trimEnd() + '…';
}

export function text(x: number, y: number, s: string, o: { size: number; anchor?: 'start' | 'middle' | 'end'; weight?: 'bold'; fill?: string; baseline?: 'middle' | 'auto' }): string {
  return `<text x="${n(x)}" y="${n(y)}" font-size="${n(o.size)}"${o.anchor && o.anchor !== 'start' ? ` text-anchor="${o.anchor}"` : ''}${o.weight ? ` font-weight="${o.weight}"` : ''}${o.fill ? ` fill="${o.fill}"` : ''}${o.baseline === 'middle' ? ' dominant-baseline="middle"' : ''}>${esc(s)}</text>`;
}

export function rect(x: number, y: number, w: number, h: number, attrs: string): string {
  return `<rect x="${n(x)}" y="${n(y)}" width="${n(Math.max(0, w))}" height="${n(Math.max(0, h))}" ${attrs}/>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, attrs: string): string {
  return `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" ${attrs}/>`;
}

/**
 * A legend: swatches with their labels in a row from (x0, y0), wrapping to a new row before
 * `maxX`. Returns its marks and the y below it.
 */
export function legend(entries: ReadonlyArray<{ swatch: (x: number, y: number, size: number) => string; label: string }>, x0: number, y0: number, maxX: number, fs: number): { body: string[]; bottom: number } {
  const size = fs * 0.9;
  const box = fs * 1.1;
  const rowH = fs * 1.7;
  const body: string[] = [];
  let x = x0;
  let y = y0;
  for (const e of entries) {
    const w = box + fs * 0.5 + textWidth(e.label, size);
    if (x > x0 && x + w > maxX) {
      x = x0;
      y += rowH;
    }
    body.push(e.swatch(x, y, box), text(x + box + fs * 0.5, y + box / 2, e.label, { size, baseline: 'middle' }));
    x += w + fs * 1.4;
  }
  return { body, bottom: y + box };
}

/** Hatch patterns so that series differ without colour. */
export const PATTERNS = `<defs>
<pattern id="qw-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#000" stroke-width="2"/></pattern>
<pattern id="qw-dots" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#fff"/><circle cx="2.5" cy="2.5" r="1.1" fill="#000"/></pattern>
</defs>`;

/** The whole figure: an <svg> with a title (for screen readers), a white background and the body. */
export function svg(width: number, height: number, title: string, body: string[]): string {
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}pt" height="${n(height)}pt" viewBox="0 0 ${n(width)} ${n(height)}" font-family="${FONT}" role="img">`, `<title>${esc(title)}</title>`, PATTERNS, rect(0, 0, width, height, 'fill="#fff"'), ...body, '</svg>'].join('\n') + '\n';
}

/** Grey for a share 0..1: white to near black (readable text chosen by the caller). */
export function grey(share: number): string {
  const v = Math.round(255 - Math.max(0, Math.min(1, share)) * 200);
  const h = v.toString(16).padStart(2, '0');
  return `#${h}${h}${h}`;
}
