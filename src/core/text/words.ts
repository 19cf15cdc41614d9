/**
 * Word counting used everywhere a study reports "words": a word is a maximal run of
 * non-whitespace characters that holds at least one letter or digit (so "—" and "..." are not
 * words, "don't", "4-month" and "F2-01" are one word each).
 */
export function countWords(text: string): number {
  let count = 0;
  let inToken = false;
  let tokenHasWordChar = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 13 || c === 160 || c === 12 || c === 11 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x3000) {
      if (inToken && tokenHasWordChar) count++;
      inToken = false;
      tokenHasWordChar = false;
      continue;
    }
    inToken = true;
    if (!tokenHasWordChar && isWordChar(c)) tokenHasWordChar = true;
  }
  if (inToken && tokenHasWordChar) count++;
  return count;
}

function isWordChar(c: number): boolean {
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  // Outside ASCII: letters of other scripts, accented letters. General punctuation
  // (U+2000–U+206F: dashes, curly quotes, ellipsis) and Latin-1 punctuation are not words.
  if (c >= 0x2000 && c <= 0x206f) return false;
  if (c >= 0xa0 && c <= 0xbf) return false;
  return c !== 0xd7 && c !== 0xf7;
}
