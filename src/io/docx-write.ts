import { unzipSync, zipSync } from 'fflate';
import type { QuoteCell } from '../core/quotes/select.js';
import { epoch } from './refi.js';

/**
 * The quotes as a Word document (most co-authors live in Word): a heading per theme, a sub-heading
 * per wave, each quote indented in italics with its attribution, and its source in small grey text.
 * The `docx` library is loaded only for this.
 */
export async function quotesDocx(title: string, cells: readonly QuoteCell[]): Promise<Uint8Array> {
  const { Document, HeadingLevel, Packer, Paragraph, TextRun } = await import('docx');
  const children: InstanceType<typeof Paragraph>[] = [new Paragraph({ text: title, heading: HeadingLevel.TITLE })];
  let row = '';
  for (const cell of cells) {
    if (cell.row !== row) {
      row = cell.row;
      children.push(new Paragraph({ text: cell.rowLabel, heading: HeadingLevel.HEADING_1 }));
    }
    children.push(new Paragraph({ text: cell.waveLabel, heading: HeadingLevel.HEADING_2 }));
    if (cell.quotes.length === 0) children.push(new Paragraph({ children: [new TextRun({ text: 'No quote in the length window.', italics: true })] }));
    for (const q of cell.quotes) {
      children.push(
        new Paragraph({ indent: { left: 720, right: 720 }, spacing: { before: 120 }, children: [new TextRun({ text: `“${q.text}” `, italics: true }), new TextRun({ text: q.attribution })] }),
        new Paragraph({ indent: { left: 720 }, children: [new TextRun({ text: `${q.file}:${q.startLine}${q.endLine > q.startLine ? `-${q.endLine}` : ''} · ${q.codes.join(', ')}`, size: 16, color: '777777' })] }),
      );
    }
  }
  const doc = new Document({ creator: 'qualwave', title, sections: [{ children }] });
  return fixedBytes(new Uint8Array(await Packer.toBuffer(doc)));
}

/**
 * The same quotes give the same .docx bytes, on any day and in any time zone: the document's
 * created/modified dates and the zip entries' time stamps are fixed (as for .qdpx).
 */
function fixedBytes(docx: Uint8Array): Uint8Array {
  const entries = unzipSync(docx);
  const files: Record<string, [Uint8Array, { mtime: Date }]> = {};
  for (const [name, data] of Object.entries(entries)) {
    let bytes = data;
    if (name === 'docProps/core.xml') {
      const xml = new TextDecoder().decode(data).replace(/(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(<\/dcterms:(?:created|modified)>)/g, '$12000-01-01T00:00:00Z$2');
      bytes = new TextEncoder().encode(xml);
    }
    files[name] = [bytes, { mtime: epoch() }];
  }
  return zipSync(files, { level: 6 });
}
