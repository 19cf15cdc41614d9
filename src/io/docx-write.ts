import { unzipSync, zipSync } from 'fflate';
import type { Brief } from '../core/cases/brief.js';
import { terminalText } from '../core/format/escape.js';
import type { Quote, QuoteCell } from '../core/quotes/select.js';
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
        new Paragraph({ indent: { left: 720 }, children: [new TextRun({ text: `${q.file}:${q.lines} · ${q.codes.join(', ')}`, size: 16, color: '777777' })] }),
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
      if (t.quote) children.push(...quote(t.quote));
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
        if (f.quote) children.push(...quote(f.quote));
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
