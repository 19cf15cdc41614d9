import { readFileSync } from 'node:fs';
import { error, type Diagnostic } from '../core/diagnostics/diagnostic.js';
import { decodeText } from '../core/text/decode.js';

/** Read a UTF-8 text file; problems come back as diagnostics naming `displayName`. */
export function readText(path: string, displayName: string): { text?: string; diagnostic?: Diagnostic } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { diagnostic: fileError(e, displayName) };
  }
  const decoded = decodeText(bytes, displayName);
  return decoded.ok ? { text: decoded.text } : { diagnostic: decoded.diagnostic };
}

export function fileError(e: unknown, displayName: string, hint?: string): Diagnostic {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return error(displayName, undefined, 'file not found', hint ?? 'check the path in qualwave.yaml');
  if (code === 'EACCES' || code === 'EPERM') return error(displayName, undefined, 'permission denied', 'check the file permissions (ls -l)');
  if (code === 'EISDIR') return error(displayName, undefined, 'is a folder, not a file', hint ?? 'check the path in qualwave.yaml');
  return error(displayName, undefined, `cannot read file: ${(e as Error).message}`);
}
