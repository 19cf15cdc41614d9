import type { QuoteCell } from '../core/quotes/select.js';

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
  return new Uint8Array(await Packer.toBuffer(doc));
}
