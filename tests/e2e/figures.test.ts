import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { saturationFigure } from '../../src/core/figures/figures.js';
import { DEFAULT_FONT_SIZE, DEFAULT_WIDTH, MIN_FONT_SIZE, textWidth } from '../../src/core/figures/svg.js';
import type { SaturationStep } from '../../src/core/matrix/saturation.js';
import { bin, repo } from '../helpers/cli.js';

/**
 * Every figure kind of the example study: readable at its printed size, nothing drawn over a
 * label, every label inside the figure (boxes from the SVG the code writes, measured with the
 * font's widths), and rendered to PNG and PDF with the bundled font.
 */
const buddy = join(repo, 'fixtures/buddy-study');
const run = promisify(execFile);
const KINDS = ['participation', 'timeline', 'heatmap', 'trajectories', 'saturation', 'agreement'] as const;

interface Box {
  text: string;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  size: number;
}

function parse(svg: string): { width: number; height: number; texts: Box[]; rects: Array<{ x: number; y: number; w: number; h: number; fill: string }>; lines: Array<{ x1: number; y1: number; x2: number; y2: number }> } {
  const head = /<svg\b[^>]*\bwidth="([\d.]+)pt" height="([\d.]+)pt" viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg)!;
  expect(head, 'size in points, viewBox in points').not.toBeNull();
  expect(head[1]).toBe(head[3]);
  const attr = (tag: string, name: string): string | undefined => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
  const texts = [...svg.matchAll(/<text\b([^>]*)>([^<]*)<\/text>/g)].map((m) => {
    const t = m[1]!;
    const size = Number(attr(t, 'font-size'));
    const s = m[2]!
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'");
    const w = textWidth(s, size, attr(t, 'font-weight') === 'bold');
    const x = Number(attr(t, 'x'));
    const y = Number(attr(t, 'y'));
    const anchor = attr(t, 'text-anchor') ?? 'start';
    const x0 = anchor === 'end' ? x - w : anchor === 'middle' ? x - w / 2 : x;
    // Cap height and descender of Arial/Arimo: 0.72 and 0.21 em; centred text ±0.36 em.
    const [y0, y1] = attr(t, 'dominant-baseline') === 'middle' ? [y - 0.36 * size, y + 0.36 * size] : [y - 0.72 * size, y + 0.21 * size];
    return { text: s, x0, x1: x0 + w, y0, y1, size };
  });
  const rects = [...svg.matchAll(/<rect\b([^>]*)\/>/g)].map((m) => ({ x: Number(attr(m[1]!, 'x') ?? 0), y: Number(attr(m[1]!, 'y') ?? 0), w: Number(attr(m[1]!, 'width')), h: Number(attr(m[1]!, 'height')), fill: attr(m[1]!, 'fill') ?? '' }));
  const lines = [...svg.matchAll(/<line\b([^>]*)\/>/g)].map((m) => ({ x1: Number(attr(m[1]!, 'x1')), y1: Number(attr(m[1]!, 'y1')), x2: Number(attr(m[1]!, 'x2')), y2: Number(attr(m[1]!, 'y2')) }));
  return { width: Number(head[1]), height: Number(head[2]), texts, rects, lines };
}

const overlaps = (a: Box, b: Box, tolerance = 0.3): boolean => a.x0 < b.x1 - tolerance && b.x0 < a.x1 - tolerance && a.y0 < b.y1 - tolerance && b.y0 < a.y1 - tolerance;

function checkLayout(svg: string): ReturnType<typeof parse> {
  const f = parse(svg);
  expect(f.texts.length).toBeGreaterThan(3);
  for (const t of f.texts) {
    // Readable in print: at least 8 pt at the figure's printed size.
    expect(t.size, t.text).toBeGreaterThanOrEqual(MIN_FONT_SIZE);
    expect(t.x0, `${t.text} starts left of the figure`).toBeGreaterThanOrEqual(-0.5);
    expect(t.x1, `${t.text} ends right of the figure (${f.width})`).toBeLessThanOrEqual(f.width + 0.5);
    expect(t.y0, t.text).toBeGreaterThanOrEqual(-0.5);
    expect(t.y1, t.text).toBeLessThanOrEqual(f.height + 0.5);
  }
  const clashes: string[] = [];
  f.texts.forEach((a, i) => f.texts.slice(i + 1).forEach((b) => overlaps(a, b) && clashes.push(`"${a.text}" / "${b.text}"`)));
  expect(clashes).toEqual([]);
  return f;
}

describe('figures of the example study', () => {
  const svgs = new Map<string, string>();
  beforeAll(async () => {
    await Promise.all(KINDS.map(async (k) => svgs.set(k, (await run(process.execPath, [bin, 'figure', k, '--study', buddy, '--no-color'])).stdout)));
  }, 60_000);

  it.each(KINDS)('%s: 16 cm wide, labels of 8 pt or more, inside the figure, none over another', (kind) => {
    const f = checkLayout(svgs.get(kind)!);
    expect(f.width).toBeGreaterThanOrEqual(DEFAULT_WIDTH);
  });

  it('the check finds labels drawn over each other, or out of the figure', () => {
    const svg = (body: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="200pt" height="100pt" viewBox="0 0 200 100">${body}</svg>`;
    const label = (x: number, y: number, s: string) => `<text x="${x}" y="${y}" font-size="10">${s}</text>`;
    const four = label(10, 90, 'a') + label(40, 90, 'b') + label(70, 90, 'c');
    expect(() => checkLayout(svg(four + label(10, 20, 'participant') + label(40, 22, 'wave')))).toThrow(/participant/);
    expect(() => checkLayout(svg(four + label(190, 20, 'outside')))).toThrow(/ends right of the figure/);
    expect(() => checkLayout(svg(four + '<text x="10" y="50" font-size="6">tiny</text>'))).toThrow();
    expect(() => checkLayout(svg(four + label(10, 20, 'participant') + label(120, 20, 'wave')))).not.toThrow();
  });

  it('saturation: every bar inside the plot, clear of the y axis', () => {
    const f = parse(svgs.get('saturation')!);
    const axis = f.lines.find((l) => l.x1 === l.x2)!;
    const base = f.lines.find((l) => l.y1 === l.y2 && l.x2 - l.x1 > 100)!;
    const bars = f.rects.filter((r) => r.fill === 'url(#qw-hatch)' && r.y > 40);
    expect(bars.length).toBeGreaterThan(0);
    for (const b of bars) {
      expect(b.x).toBeGreaterThan(axis.x1);
      expect(b.x + b.w).toBeLessThanOrEqual(base.x2);
      expect(b.y + b.h).toBeCloseTo(base.y1, 0);
    }
  });

  it('saturation of a small study (one, two, three interviews): bars and labels inside the plot', () => {
    for (const n of [1, 2, 3]) {
      // The first interview brings 4 codes, each later one 1 more.
      const steps: SaturationStep[] = Array.from({ length: n }, (_, i) => ({ order: i + 1, participant: `P${i + 1}`, wave: 'w1', date: null, codes: 4 + i, newCodes: Array.from({ length: i === 0 ? 4 : 1 }, (_, k) => `c${i}.${k}`), cumulative: 4 + i }));
      const f = checkLayout(saturationFigure(steps, { width: DEFAULT_WIDTH, fontSize: DEFAULT_FONT_SIZE }));
      const axis = f.lines.find((l) => l.x1 === l.x2)!;
      const base = f.lines.find((l) => l.y1 === l.y2 && l.x2 - l.x1 > 100)!;
      const bars = f.rects.filter((r) => r.fill === 'url(#qw-hatch)' && r.y > 40);
      expect(bars).toHaveLength(n);
      for (const b of bars) {
        expect(b.x).toBeGreaterThan(axis.x1);
        expect(b.x + b.w).toBeLessThan(base.x2);
      }
    }
  });

  it('renders each figure to PNG at the DPI asked (pixels and pHYs) and to a vector PDF of the printed size', async () => {
    const { svgToPdf, svgToPng } = (await import(new URL('../../dist/src/io/figures.js', import.meta.url).href)) as typeof import('../../src/io/figures.js');
    for (const kind of KINDS) {
      const svg = svgs.get(kind)!;
      const { width, height } = parse(svg);
      const png = Buffer.from(await svgToPng(svg, { dpi: 150 }));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      // 150 dots per inch of the printed width: width / 72 × 150.
      expect(png.readUInt32BE(16)).toBe(Math.round((width / 72) * 150));
      const phys = png.indexOf('pHYs');
      expect(phys).toBe(37);
      // 150 dpi is 150 / 0.0254 = 5905.5 dots per metre.
      expect(png.readUInt32BE(phys + 4)).toBe(5906);
      // Something is drawn: the image is not all white.
      const idat: Buffer[] = [];
      for (let at = 8; at < png.length; ) {
        const len = png.readUInt32BE(at);
        if (png.subarray(at + 4, at + 8).toString() === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + len));
        at += 12 + len;
      }
      const raw = inflateSync(Buffer.concat(idat));
      const dark = raw.filter((v) => v < 128).length;
      expect(dark, kind).toBeGreaterThan(raw.length / 200);
      const pdf = Buffer.from(await svgToPdf(svg));
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdf.toString('latin1')).toMatch(new RegExp(`/MediaBox \\[0 0 ${width} ${height}\\]`));
      expect(pdf.toString('latin1')).toContain('/FontFile2');
      // The same bytes on every run.
      expect(Buffer.from(await svgToPdf(svg)).equals(pdf)).toBe(true);
    }
  }, 60_000);

  it('--width is a printed length: cm, mm, in, pt (8 cm = 8 / 2.54 x 72 = 226.8 pt; 6.5 in = 468 pt)', async () => {
    const head = async (w: string) => /^<svg [^>]*width="([\d.]+)pt"/.exec((await run(process.execPath, [bin, 'figure', 'saturation', '--study', buddy, '--width', w])).stdout)?.[1];
    expect(await head('8cm')).toBe('226.8');
    expect(await head('80mm')).toBe('226.8');
    expect(await head('6.5in')).toBe('468');
    expect(await head('300')).toBe('300');
    const bad = await run(process.execPath, [bin, 'figure', 'saturation', '--study', buddy, '--width', '12 furlongs']).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(2);
    expect((bad as { stderr: string }).stderr).toContain('expected a printed length');
  });

  it('-o FILE.png / FILE.pdf through the CLI; a DPI out of range is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qw-fig-'));
    await run(process.execPath, [bin, 'figure', 'heatmap', '--study', buddy, '-o', join(dir, 'h.png'), '--dpi', '72']);
    const png = readFileSync(join(dir, 'h.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // 72 dpi: one pixel per point of the printed width (453 pt, 16 cm, at the least).
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(DEFAULT_WIDTH);
    await run(process.execPath, [bin, 'figure', 'agreement', '--study', buddy, '-o', join(dir, 'a.pdf')]);
    expect(readFileSync(join(dir, 'a.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    const tiff = await run(process.execPath, [bin, 'figure', 'heatmap', '--study', buddy, '-o', join(dir, 'h.tiff')]).catch((e: { code: number; stderr: string }) => e);
    expect((tiff as { code: number }).code).toBe(2);
    expect(existsSync(join(dir, 'h.tiff'))).toBe(false);
    const r = await run(process.execPath, [bin, 'figure', 'heatmap', '--study', buddy, '--format', 'png', '--dpi', '10']).catch((e: { code: number; stderr: string }) => e);
    expect((r as { code: number }).code).toBe(2);
    expect((r as { stderr: string }).stderr).toContain('--dpi 10: expected a whole number from 72 to 2400');
  });
});
