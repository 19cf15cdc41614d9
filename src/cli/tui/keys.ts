import type { Key } from '../../core/coding/session.js';

/** Keys from raw terminal input (one read may hold several keys, or an escape sequence). */
export function parseKeys(data: string): Key[] {
  const keys: Key[] = [];
  for (let i = 0; i < data.length; i++) {
    const ch = data[i]!;
    if (ch === '\x1b') {
      const seq = data.slice(i, i + 3);
      const arrows: Record<string, Key> = { '\x1b[A': { type: 'up' }, '\x1b[B': { type: 'down' }, '\x1b[C': { type: 'right' }, '\x1b[D': { type: 'left' }, '\x1bOA': { type: 'up' }, '\x1bOB': { type: 'down' }, '\x1bOC': { type: 'right' }, '\x1bOD': { type: 'left' } };
      const arrow = arrows[seq];
      if (arrow) {
        keys.push(arrow);
        i += 2;
      } else keys.push({ type: 'escape' });
      continue;
    }
    if (ch === '\x03' || ch === '\x04') keys.push({ type: 'quit' });
    else if (ch === '\r' || ch === '\n') keys.push({ type: 'enter' });
    else if (ch === '\x7f' || ch === '\b') keys.push({ type: 'backspace' });
    // Printable characters only: C1 controls (U+0080-U+009F) are terminal commands, not text.
    else if (ch >= ' ' && !(ch >= '\u0080' && ch <= '\u009f')) keys.push({ type: 'char', char: ch });
  }
  return keys;
}
