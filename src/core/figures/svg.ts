/**
 * A few helpers for writing SVG as text: every string escaped, numbers rounded so output is
 * deterministic and small. Figures are black, white and greys, with patterns, so they print.
 */
export interface FigureOptions {
  width: number;
  height?: number;
  fontSize: number;
  title?: string;
}

export const FONT = 'Helvetica, Arial, sans-serif';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function n(x: number): string {
  return String(Math.round(x * 10) / 10);
}

/** Roughly how wide a text is at a font size (average glyph ≈ 0.56 em): for layout only. */
export function textWidth(s: string, size: number): number {
  return s.length * size * 0.56;
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

/** Hatch patterns so that series differ without colour. */
export const PATTERNS = `<defs>
<pattern id="qw-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#000" stroke-width="2"/></pattern>
<pattern id="qw-dots" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#fff"/><circle cx="2.5" cy="2.5" r="1.1" fill="#000"/></pattern>
</defs>`;

/** The whole figure: an <svg> with a title (for screen readers), a white background and the body. */
export function svg(width: number, height: number, title: string, body: string[]): string {
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}" font-family="${FONT}" role="img">`, `<title>${esc(title)}</title>`, PATTERNS, rect(0, 0, width, height, 'fill="#fff"'), ...body, '</svg>'].join('\n') + '\n';
}

/** Grey for a share 0..1: white to near black (readable text chosen by the caller). */
export function grey(share: number): string {
  const v = Math.round(255 - Math.max(0, Math.min(1, share)) * 200);
  const h = v.toString(16).padStart(2, '0');
  return `#${h}${h}${h}`;
}
