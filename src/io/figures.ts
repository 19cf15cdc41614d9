import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { crc32 } from 'node:zlib';

/**
 * Figures as PNG and PDF, from the SVG the core draws (core/figures): PNG by resvg (a Rust
 * renderer shipped as a prebuilt package: no browser, no network), PDF by pdfkit with
 * svg-to-pdfkit (vector, fonts embedded). Both with the same bundled font, Arimo (metric-
 * compatible with Arial and Helvetica, the SVG's fonts, and the widths the layout is made with):
 * the same figure gives the same bytes on every machine, whatever fonts it has.
 */
const require = createRequire(import.meta.url);
const FONTS = {
  regular: require.resolve('@expo-google-fonts/arimo/400Regular/Arimo_400Regular.ttf'),
  bold: require.resolve('@expo-google-fonts/arimo/700Bold/Arimo_700Bold.ttf'),
};

/** The figure's printed size in points, from the <svg> width and height qualwave writes (pt). */
export function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg\b[^>]*\bwidth="([\d.]+)pt"[^>]*\bheight="([\d.]+)pt"/.exec(svg);
  if (!m) throw new Error('internal: a figure without its size in points');
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** A PNG at `dpi` dots per inch of the printed size, the resolution recorded in the file (pHYs). */
export async function svgToPng(svg: string, opts: { dpi: number }): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  const { width } = svgSize(svg);
  const pixels = Math.max(1, Math.round((width / 72) * opts.dpi));
  const r = new Resvg(svg, {
    fitTo: { mode: 'width', value: pixels },
    background: '#ffffff',
    font: { loadSystemFonts: false, fontFiles: [FONTS.regular, FONTS.bold], defaultFontFamily: 'Arimo', sansSerifFamily: 'Arimo' },
    shapeRendering: 2,
    textRendering: 1,
  });
  return withResolution(new Uint8Array(r.render().asPng()), opts.dpi);
}

/** A PNG with a pHYs chunk (pixels per metre) after its header: viewers and journals read the DPI there. */
function withResolution(png: Uint8Array, dpi: number): Uint8Array {
  const ppm = Math.round(dpi / 0.0254);
  const chunk = new Uint8Array(21);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, 9);
  chunk.set([0x70, 0x48, 0x59, 0x73], 4); // "pHYs"
  view.setUint32(8, ppm);
  view.setUint32(12, ppm);
  chunk[16] = 1; // unit: metre
  view.setUint32(17, crc32(chunk.subarray(4, 17)) >>> 0);
  // The 8-byte signature, then IHDR (4 length + 4 type + 13 data + 4 CRC): pHYs goes right after.
  const at = 8 + 25;
  const out = new Uint8Array(png.length + chunk.length);
  out.set(png.subarray(0, at), 0);
  out.set(chunk, at);
  out.set(png.subarray(at), at + chunk.length);
  return out;
}

/** A vector PDF of the figure's printed size, the font embedded (subset). The same bytes every time. */
export async function svgToPdf(svg: string): Promise<Uint8Array> {
  const { default: PDFDocument } = await import('pdfkit');
  const { default: SVGtoPDF } = await import('svg-to-pdfkit');
  const { width, height } = svgSize(svg);
  const fixed = new Date(Date.UTC(2000, 0, 1));
  const doc = new PDFDocument({ size: [width, height], margin: 0, compress: true, info: { Producer: 'qualwave', Creator: 'qualwave', CreationDate: fixed, ModDate: fixed }, font: null });
  doc.registerFont('Arimo', readFileSync(FONTS.regular));
  doc.registerFont('Arimo-Bold', readFileSync(FONTS.bold));
  const chunks: Uint8Array[] = [];
  const done = new Promise<void>((resolve, reject) => {
    doc.on('data', (c) => chunks.push(c));
    doc.on('end', () => resolve());
    doc.on('error', (e) => reject(e));
  });
  const warnings: string[] = [];
  // svg-to-pdfkit with assumePt reads plain numbers as points (and "pt" as 4/3 of one): plain numbers it gets.
  const plain = svg.replace(/^(<svg\b[^>]*?\bwidth=")([\d.]+)pt("[^>]*?\bheight=")([\d.]+)pt"/, '$1$2$3$4"');
  SVGtoPDF(doc, plain, 0, 0, { assumePt: true, fontCallback: (_family, bold) => (bold ? 'Arimo-Bold' : 'Arimo'), warningCallback: (w) => warnings.push(w) });
  doc.end();
  await done;
  if (warnings.length > 0) throw new Error(`internal: the figure's SVG is not drawn whole in PDF: ${warnings.slice(0, 3).join('; ')}`);
  return new Uint8Array(Buffer.concat(chunks));
}
