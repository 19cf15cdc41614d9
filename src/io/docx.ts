import { error, type Diagnostic } from '../core/diagnostics/diagnostic.js';
import { inspectArchive, UnsafeArchiveError } from './zip.js';

/**
 * Text of a Word (.docx) transcript, one line per Word paragraph, so that `file:line` for a .docx
 * means "paragraph N of the document". Soft line breaks inside a paragraph become spaces.
 * mammoth is loaded only when a study has .docx transcripts.
 */
export async function readDocx(bytes: Uint8Array, displayName: string): Promise<{ text?: string; diagnostic?: Diagnostic }> {
  // The same zip limits as a .qdpx (a 500 KB .docx must not unpack into gigabytes).
  try {
    inspectArchive(bytes);
  } catch (e) {
    if (e instanceof UnsafeArchiveError) return { diagnostic: error(displayName, undefined, `refused for safety: ${e.message}`, 'this is not an ordinary Word document: open it in Word and save it again, or export the text as .txt (UTF-8)') };
    // Not a zip at all: mammoth says so below, in its words.
  }
  const { default: mammoth } = await import('mammoth');
  try {
    const result = await mammoth.extractRawText({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    const raw = result.value.replace(/\r\n?/g, '\n');
    const paragraphs = raw.endsWith('\n\n') ? raw.slice(0, -2).split('\n\n') : raw.split('\n\n');
    return { text: paragraphs.map((p) => p.replace(/\n/g, ' ')).join('\n') + '\n' };
  } catch (e) {
    return {
      diagnostic: error(displayName, undefined, `cannot read Word document: ${firstSentence((e as Error).message)}`, 'open it in Word or LibreOffice and save it again as .docx (not .doc), or export it as plain text (.txt, UTF-8)'),
    };
  }
}

function firstSentence(message: string): string {
  const line = message.split('\n')[0] ?? message;
  const cut = line.search(/[.?!] [A-Z]/);
  return cut > 0 ? line.slice(0, cut + 1) : line;
}
