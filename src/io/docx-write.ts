import { unzipSync, zipSync } from 'fflate';
import type { Brief } from '../core/cases/brief.js';
import { latexLayout } from '../core/format/latex.js';
import { formatNumber, type Cell, type Table } from '../core/format/table.js';
import { terminalText } from '../core/format/escape.js';
import type { Quote, QuoteCell } from '../core/quotes/select.js';
import { epoch } from './refi.js';
import { append } from '../core/arrays.js';

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
        new Paragraph({ indent: { left: 720 }, children: [new TextRun({ text: `${q.file}:${q.lines} · ${q.codes.join(', ')}`, size: 16, color: '777777' })] }),
      );
    }
  }
  const doc = new Document({ creator: 'qualwave', title, sections: [{ children }] });
  return fixedBytes(new Uint8Array(await Packer.toBuffer(doc)));
}

/**
 * Tables as a Word document (co-authors on Word): each a real Word table under a caption
 * "Table N. …" (a SEQ field, so Word's cross-references and list of tables find it), with the
 * rules of a manuscript table (a thick rule above and below, a thin one under the header and
 * above the totals), the header row repeated on every page, numbers right-aligned, theme rows in
 * bold, and the table's notes under it. A table too wide for a portrait page (the same decision
 * as the LaTeX layout) gets a landscape section of its own; a smaller type size where LaTeX
 * would use one.
 */
export async function tablesDocx(tables: readonly Table[], opts: { title?: string; captions?: readonly (string | undefined)[] } = {}): Promise<Uint8Array> {
  const d = await import('docx');
  const { AlignmentType, BorderStyle, Document, HeadingLevel, ImportedXmlComponent, Packer, PageOrientation, Paragraph, Table: WordTable, TableCell, TableRow, TextRun, WidthType } = d;
  // The number as a SEQ field with its value already there (begin, instruction, separate, value,
  // end): Word numbers and cross-references it, and readers that do not run fields (mammoth,
  // pandoc) still see the number.
  const seq = (k: number) =>
    [
      '<w:r><w:rPr><w:b/></w:rPr><w:fldChar w:fldCharType="begin"/></w:r>',
      '<w:r><w:rPr><w:b/></w:rPr><w:instrText xml:space="preserve"> SEQ Table \\* ARABIC </w:instrText></w:r>',
      '<w:r><w:rPr><w:b/></w:rPr><w:fldChar w:fldCharType="separate"/></w:r>',
      `<w:r><w:rPr><w:b/></w:rPr><w:t>${k}</w:t></w:r>`,
      '<w:r><w:rPr><w:b/></w:rPr><w:fldChar w:fldCharType="end"/></w:r>',
    ].map(
      // fromXmlString gives the parsed document; its one element is the run.
      (xml) => (ImportedXmlComponent.fromXmlString(xml) as unknown as { root: unknown[] }).root[0] as InstanceType<typeof TextRun>,
    );
  const clean = (s: string): string => terminalText(s);
  const text = (c: Cell): string => clean(typeof c === 'number' ? formatNumber(c) : c);
  const none = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
  const rule = (thick: boolean) => ({ style: BorderStyle.SINGLE, size: thick ? 12 : 4, color: '000000' });
  type Section = { landscape: boolean; children: Array<InstanceType<typeof Paragraph> | InstanceType<typeof WordTable>> };
  const sections: Section[] = [];
  const section = (landscape: boolean): Section => {
    const last = sections[sections.length - 1];
    if (last && last.landscape === landscape) return last;
    const next: Section = { landscape, children: [] };
    sections.push(next);
    return next;
  };
  if (opts.title) section(false).children.push(new Paragraph({ text: clean(opts.title), heading: HeadingLevel.TITLE }));
  tables.forEach((table, t) => {
    const layout = latexLayout(table);
    const size = layout.size === 'normalsize' ? 20 : layout.size === 'small' ? 18 : 16;
    const into = section(layout.landscape);
    const caption = opts.captions?.[t] ?? table.title;
    into.children.push(
      new Paragraph({
        keepNext: true,
        spacing: { before: t > 0 || opts.title ? 360 : 0, after: 120 },
        children: [new TextRun({ text: 'Table ', bold: true }), ...seq(t + 1), new TextRun({ text: caption ? '. ' : '.', bold: true }), ...(caption ? [new TextRun({ text: clean(caption), italics: true })] : [])],
      }),
    );
    const n = table.columns.length;
    const cell = (c: Cell, i: number, o: { header?: boolean; bold?: boolean; top?: 'thick' | 'thin'; bottom?: 'thick' | 'thin' }) =>
      new TableCell({
        borders: { left: none, right: none, top: o.top ? rule(o.top === 'thick') : none, bottom: o.bottom ? rule(o.bottom === 'thick') : none },
        margins: { left: 60, right: 60, top: 20, bottom: 20 },
        children: [
          new Paragraph({
            alignment: table.columns[i]?.align === 'right' ? AlignmentType.RIGHT : table.columns[i]?.align === 'center' ? AlignmentType.CENTER : AlignmentType.LEFT,
            children: [new TextRun({ text: text(c), size, bold: o.bold === true })],
          }),
        ],
      });
    const body = [...table.rows.map((r, k) => ({ r, bold: table.bold?.[k] === true, footer: false })), ...(table.footer ?? []).map((r) => ({ r, bold: false, footer: true }))];
    const rows = [
      new TableRow({ tableHeader: true, cantSplit: true, children: table.columns.map((c, i) => cell(c.header, i, { top: 'thick', bottom: 'thin' })) }),
      ...body.map(
        (b, k) =>
          new TableRow({
            cantSplit: true,
            children: Array.from({ length: n }, (_, i) => {
              const firstFooter = b.footer && (k === 0 || !body[k - 1]!.footer);
              return cell(b.r[i] ?? '', i, { bold: b.bold && i === 0, ...(firstFooter ? { top: 'thin' as const } : {}), ...(k === body.length - 1 ? { bottom: 'thick' as const } : {}) });
            }),
          }),
      ),
    ];
    into.children.push(new WordTable({ rows, width: { size: 100, type: WidthType.PERCENTAGE } }));
    for (const note of table.notes ?? []) into.children.push(new Paragraph({ spacing: { before: 60 }, children: [new TextRun({ text: clean(note), size: 16 })] }));
  });
  const doc = new Document({
    creator: 'qualwave',
    title: clean(opts.title ?? tables[0]?.title ?? 'Tables'),
    sections: sections.map((s) => ({ properties: s.landscape ? { page: { size: { orientation: PageOrientation.LANDSCAPE } } } : {}, children: s.children })),
  });
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

/**
 * The next-wave brief as a Word document for the interviewers: one section per participant (each
 * starting on a new page), what they said at the last wave with its quote, open threads, and what
 * to feed back.
 */
export async function briefDocx(brief: Brief, title: string): Promise<Uint8Array> {
  const { Document, HeadingLevel, Packer, Paragraph, TextRun } = await import('docx');
  // Control characters are not allowed in Word's XML: study text loses them first.
  const b = withoutControls(brief);
  const studyTitle = terminalText(title);
  const next = b.next ? b.next.label : 'next interview';
  const children: InstanceType<typeof Paragraph>[] = [new Paragraph({ text: `Next-wave brief: ${next}`, heading: HeadingLevel.TITLE }), new Paragraph({ children: [new TextRun({ text: `${studyTitle}. What each participant said at the ${b.last.label} (coder ${b.coder}).` })] })];
  if (b.caseThreadsLeftOut) children.push(new Paragraph({ children: [new TextRun({ text: `The ${b.next!.label} has already been held: the case summaries' open threads, which may draw on it, are left out.`, italics: true })] }));
  if (b.notInterviewed.length) children.push(new Paragraph({ children: [new TextRun({ text: `Not interviewed at ${b.last.id} (not in this brief): ${b.notInterviewed.join(', ')}.`, italics: true })] }));
  const quote = (q: Quote): InstanceType<typeof Paragraph>[] => [
    new Paragraph({ indent: { left: 720, right: 720 }, spacing: { before: 60 }, children: [new TextRun({ text: `“${q.text}” `, italics: true }), new TextRun({ text: q.attribution })] }),
    new Paragraph({ indent: { left: 720 }, children: [new TextRun({ text: `${q.file}:${q.lines}`, size: 16, color: '777777' })] }),
  ];
  b.entries.forEach((e, i) => {
    children.push(new Paragraph({ text: e.participant, heading: HeadingLevel.HEADING_1, pageBreakBefore: i > 0 }));
    children.push(new Paragraph({ children: [new TextRun({ text: [...Object.entries(e.attributes).map(([k, v]) => `${k} ${v}`), `last interview ${[e.interview.date, e.interview.interviewer].filter(Boolean).join(', ') || 'undated'}`].join(' · '), color: '555555' })] }));
    children.push(new Paragraph({ text: `What they said at the ${b.last.label}`, heading: HeadingLevel.HEADING_2 }));
    const said = e.themes.filter((t) => t.said);
    if (said.length === 0) children.push(new Paragraph({ children: [new TextRun({ text: 'Nothing coded at this wave.', italics: true })] }));
    for (const t of said) {
      children.push(new Paragraph({ bullet: { level: 0 }, children: [new TextRun({ text: t.label, bold: true }), new TextRun({ text: t.codes.length ? `: ${t.codes.map((c) => `${c.label} (${c.segments})`).join(', ')}` : '' })] }));
      if (t.quote) append(children, quote(t.quote));
    }
    const quiet = e.themes.filter((t) => t.said === false && t.earlier.length > 0);
    if (quiet.length) {
      children.push(new Paragraph({ text: `Raised before, not at the ${b.last.label}`, heading: HeadingLevel.HEADING_2 }));
      for (const t of quiet) children.push(new Paragraph({ bullet: { level: 0 }, text: `${t.label} (at ${t.earlier.join(', ')})` }));
    }
    children.push(new Paragraph({ text: 'Open threads', heading: HeadingLevel.HEADING_2 }));
    if (e.threads.length === 0) children.push(new Paragraph({ children: [new TextRun({ text: 'None flagged.', italics: true })] }));
    for (const t of e.threads) children.push(new Paragraph({ bullet: { level: 0 }, children: [new TextRun({ text: t.text }), new TextRun({ text: ` (${t.source === 'memo' ? `memo at ${t.wave}, ` : 'case summary, '}${t.where})`, color: '777777' })] }));
    if (e.feedBack.length) {
      children.push(new Paragraph({ text: 'To feed back', heading: HeadingLevel.HEADING_2 }));
      for (const f of e.feedBack) {
        children.push(new Paragraph({ bullet: { level: 0 }, text: `At the ${f.waveLabel} they anticipated ${f.anticipationLabel}; ${f.experienceLabel} has not been coded since.` }));
        if (f.quote) append(children, quote(f.quote));
      }
    }
  });
  const doc = new Document({ creator: 'qualwave', title: `Next-wave brief: ${next}`, sections: [{ children }] });
  return fixedBytes(new Uint8Array(await Packer.toBuffer(doc)));
}

/** A copy with every string stripped of control characters. */
function withoutControls<T>(x: T): T {
  if (typeof x === 'string') return terminalText(x) as T;
  if (Array.isArray(x)) return x.map(withoutControls) as T;
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, withoutControls(v)])) as T;
  return x;
}
