/**
 * User text (quotes, labels, memos, attribute values) placed in running Markdown or on the
 * terminal. Tables escape their own cells (format/table.ts); these are for text outside tables.
 * (Issue 11 gathers every escaping helper in one module; these two are meant to move there.)
 */

/** Markdown-inert text for a paragraph, a list item or a block quote: one line, no markup, no control characters. */
export function escapeMarkdown(s: string): string {
  return terminalText(s.replace(/\r?\n|\r/g, ' '))
    .replace(/([\\`*_[\]{}<>#|~!])/g, '\\$1')
    .replace(/^(\s*)([-+=]|\d+[.)])(?=\s|$)/, (_, sp: string, m: string) => `${sp}${m.replace(/([-+=.)])/, '\\$1')}`);
}

/** Text for the terminal: control characters (escape sequences, bells, carriage returns) removed. */
export function terminalText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}
