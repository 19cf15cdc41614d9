import { createRequire } from 'node:module';
import { error, type Diagnostic } from '../core/diagnostics/diagnostic.js';
import { inspectArchive, UnsafeArchiveError } from './zip.js';

/**
 * Text of a Word (.docx) transcript, one line per Word paragraph, so that `file:line` for a .docx
 * means "paragraph N of the document". Soft line breaks inside a paragraph become spaces (Teams
 * puts one between a turn's header and its text) and tabs stay tabs. mammoth reads the document;
 * it is loaded only when a study has .docx transcripts.
 */
export async function readDocx(bytes: Uint8Array, displayName: string): Promise<{ text?: string; diagnostic?: Diagnostic }> {
  // The same zip limits as a .qdpx (a 500 KB .docx must not unpack into gigabytes).
  try {
    inspectArchive(bytes);
  } catch (e) {
    if (e instanceof UnsafeArchiveError) return { diagnostic: error(displayName, undefined, `refused for safety: ${e.message}`, 'this is not an ordinary Word document: open it in Word and save it again, or export the text as .txt (UTF-8)') };
    // Not a zip at all: mammoth says so below, in its words.
  }
  try {
    const paragraphs = await docxParagraphs(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { text: paragraphs.map((p) => p.replace(/\r?\n|\u0000/g, ' ')).join('\n') + '\n' };
  } catch (e) {
    return {
      diagnostic: error(displayName, undefined, `cannot read Word document: ${firstSentence((e as Error).message)}`, 'open it in Word or LibreOffice and save it again as .docx (not .doc), or export it as plain text (.txt, UTF-8)'),
    };
  }
}

interface MammothElement {
  type: string;
  value?: string;
  children?: MammothElement[];
}

/**
 * The document's paragraphs as text. mammoth's own raw-text extraction drops line breaks (so
 * "well<br>Yes" would read "wellYes"); its document reader gives the elements, read here the same
 * way with a break as a line break. If that reader is not where it was, raw text is used.
 */
async function docxParagraphs(buffer: Buffer): Promise<string[]> {
  const require = createRequire(import.meta.url);
  let reader: { openZip: (input: { buffer: Buffer }) => Promise<unknown>; read: (zip: unknown) => Promise<{ value: MammothElement }> } | undefined;
  try {
    const unzip = require('mammoth/lib/unzip') as { openZip: (input: { buffer: Buffer }) => Promise<unknown> };
    const docx = require('mammoth/lib/docx/docx-reader') as { read: (zip: unknown) => Promise<{ value: MammothElement }> };
    if (typeof unzip.openZip === 'function' && typeof docx.read === 'function') reader = { openZip: unzip.openZip, read: docx.read };
  } catch (e) {
    // mammoth's reader is not where it was (another mammoth version): its raw text instead.
    if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    reader = undefined;
  }
  let raw: string;
  if (reader) {
    const doc = await reader.read(await reader.openZip({ buffer }));
    raw = toText(doc.value);
  } else {
    const { default: mammoth } = await import('mammoth');
    raw = (await mammoth.extractRawText({ buffer })).value;
  }
  raw = raw.replace(/\r\n?/g, '\n');
  return raw.endsWith('\n\n') ? raw.slice(0, -2).split('\n\n') : raw.split('\n\n');
}

/** As mammoth's raw text: text runs, tabs, a blank line after each paragraph; and breaks (as NUL, made spaces). */
function toText(element: MammothElement): string {
  if (element.type === 'text') return element.value ?? '';
  if (element.type === 'tab') return '\t';
  if (element.type === 'break') return '\u0000';
  const inner = (element.children ?? []).map(toText).join('');
  return element.type === 'paragraph' ? `${inner}\n\n` : inner;
}

function firstSentence(message: string): string {
  const line = message.split('\n')[0] ?? message;
  const cut = line.search(/[.?!] [A-Z]/);
  return cut > 0 ? line.slice(0, cut + 1) : line;
}
