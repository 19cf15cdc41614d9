import { parse } from 'csv-parse/sync';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';

/**
 * The pseudonymisation key: which name becomes which pseudonym. A CSV file (comma, or semicolon as
 * spreadsheets in French or German locales write it; UTF-8, BOM and CRLF fine) with a header row
 * `name,pseudonym` and one row per name; other columns (a note) are allowed and not read:
 *
 *     name,pseudonym
 *     Sofia,Ana
 *     Sofia Marquez,Ana M.
 *     St Mary's Hospital,[hospital]
 *     "Cooper, Jamal",[child]
 *
 * The key links every pseudonym to a real person: it is kept outside the study folder, and qualwave
 * never prints or writes a name from it (messages name a row by its line and pseudonym).
 */
export interface KeyEntry {
  /** The name as written in the key, in Unicode NFC, trimmed. */
  name: string;
  /** What replaces it (NFC, trimmed). */
  pseudonym: string;
  /** Line of the row in the key file. */
  line: number;
}

export interface Key {
  /** The key file as shown in messages. */
  file: string;
  entries: KeyEntry[];
}

/** What a row is called in messages: its line and pseudonym, never the name. */
export function rowName(key: Pick<Key, 'file'>, e: Pick<KeyEntry, 'line' | 'pseudonym'>): string {
  return `${key.file}:${e.line} (→ ${e.pseudonym})`;
}

// Line breaks, tabs and other control characters in a name or pseudonym: refused (a pseudonym with
// a line break would renumber every line below it, and codings are kept by line).
const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
/** Characters a word is made of, for the word boundaries around a name. */
export const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;

/**
 * Read a key file. Every problem is an error at its line (a duplicate name, an empty cell, a
 * pseudonym that is itself a name of the key...); nothing of the names is quoted in messages.
 */
export function parseKey(file: string, text: string): { key?: Key; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes(',') ? ',' : firstLine.includes(';') ? ';' : ',';
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { info: true, bom: true, delimiter, relax_column_count: true, skip_empty_lines: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (e) {
    const err = e as Error & { lines?: number };
    diagnostics.push(error(file, err.lines, `cannot read the key as CSV: ${err.message.replace(/ at line \d+$/, '')}`, 'check for an unclosed double quote; quote names that contain a comma'));
    return { diagnostics };
  }
  const header = records[0]?.record.map((h) => h.trim().toLowerCase());
  const nameCol = header?.indexOf('name') ?? -1;
  const pseudoCol = header?.indexOf('pseudonym') ?? -1;
  if (!header || nameCol < 0 || pseudoCol < 0) {
    diagnostics.push(error(file, 1, header ? "the key's header lacks 'name' and 'pseudonym'" : 'the key is empty', 'the first line of the key is: name,pseudonym (then one row per name, e.g. Sofia,Ana)'));
    return { diagnostics };
  }
  const entries: KeyEntry[] = [];
  const byName = new Map<string, KeyEntry>();
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    const name = (record[nameCol] ?? '').trim().normalize('NFC');
    const pseudonym = (record[pseudoCol] ?? '').trim().normalize('NFC');
    if (record.every((c) => c.trim() === '')) continue;
    if (name === '') {
      diagnostics.push(error(file, line, 'a row without a name', 'every row gives a name and its pseudonym'));
      continue;
    }
    if (pseudonym === '') {
      diagnostics.push(error(file, line, 'a name without a pseudonym', 'give every name its pseudonym (e.g. [child] or another first name)'));
      continue;
    }
    if (CONTROL.test(name) || CONTROL.test(pseudonym)) {
      diagnostics.push(error(file, line, `the ${CONTROL.test(name) ? 'name' : 'pseudonym'} holds a line break, a tab or another control character`, 'a name and its pseudonym are each on one line: line numbers of the transcripts must not change'));
      continue;
    }
    if (!WORD_CHAR.test(name)) {
      diagnostics.push(error(file, line, 'the name has no letter or digit', 'a name is matched as a whole word: give the name as it is written in the transcripts'));
      continue;
    }
    const same = byName.get(name);
    if (same) {
      diagnostics.push(error(file, line, `the same name as line ${same.line}`, same.pseudonym === pseudonym ? 'remove one of the two rows' : 'one name has one pseudonym: remove one of the two rows'));
      continue;
    }
    const entry: KeyEntry = { name, pseudonym, line };
    byName.set(name, entry);
    entries.push(entry);
  }
  if (entries.length === 0 && diagnostics.length === 0) diagnostics.push(error(file, 1, 'the key has no names', 'add one row per name: name,pseudonym'));
  // A pseudonym that is (or holds) a name of the key would be replaced again by the next run, and
  // the study would never be free of the key's names.
  if (entries.length > 0) {
    const names = new Map(entries.map((e) => [e.name, e]));
    for (const e of entries) {
      const upper = new Map(entries.map((x) => [x.name.toUpperCase(), x]));
      const direct = names.get(e.pseudonym) ?? upper.get(e.pseudonym);
      if (direct) {
        diagnostics.push(error(file, e.line, `the pseudonym is the name of line ${direct.line}`, 'a pseudonym may not be a name of the key: a second run would replace it again; choose another pseudonym'));
        continue;
      }
      const inside = entries.find((x) => containsWord(e.pseudonym, x.name) || containsWord(e.pseudonym, x.name.toUpperCase()));
      if (inside) diagnostics.push(error(file, e.line, `the pseudonym contains the name of line ${inside.line}`, 'a pseudonym may not contain a name of the key: choose another pseudonym'));
    }
  }
  // Two names that are the same in capitals (both match "SOFIA") with pseudonyms that are not.
  const caps = new Map<string, KeyEntry>();
  for (const e of entries) {
    const u = e.name.toUpperCase();
    const other = caps.get(u);
    if (other && e.name !== u && other.name !== u && other.pseudonym.toUpperCase() !== e.pseudonym.toUpperCase()) {
      diagnostics.push(error(file, e.line, `the same name in capitals as line ${other.line}, with another pseudonym`, 'a name in capitals gets the pseudonym in capitals: add a row for the name in capitals with the pseudonym it should get'));
    } else if (!other) caps.set(u, e);
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  return { key: { file, entries }, diagnostics };
}

/** Whether `word` occurs in `text` as a whole word (not inside a longer word). */
function containsWord(text: string, word: string): boolean {
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
    const before = i > 0 ? String.fromCodePoint(text.codePointAt(i - 1 - (isLowSurrogate(text.charCodeAt(i - 1)) ? 1 : 0))!) : '';
    const after = i + word.length < text.length ? String.fromCodePoint(text.codePointAt(i + word.length)!) : '';
    if (!WORD_CHAR.test(before) && !WORD_CHAR.test(after)) return true;
  }
  return false;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
