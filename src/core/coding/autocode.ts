import type { Code, Codebook } from '../codebook/types.js';
import type { Study } from '../study/types.js';
import type { SpeakerRole } from '../transcript/types.js';
import { Interner } from '../text/intern.js';
import type { Coding } from './types.js';

/**
 * Auto-coding from the codebook's own rules, in one pass over the study: every segment's words are
 * stemmed once (with a cache) and looked up in an index of keyword stems, so the cost grows with the
 * text, not with codes x segments. A code matches a segment when one of its keywords occurs (a
 * multi-word keyword as a phrase of stems) or one of its patterns matches, and the segment's speaker
 * is one the code allows (`speakers`, default participant).
 */
export type Stem = (word: string) => string;

export interface AutocodeResult {
  codings: Coding[];
  /** Segments matched per code id, every code present (0 for none). */
  hits: Map<string, number>;
  segments: number;
}

/**
 * A word: a run of characters that are not spaces, ASCII punctuation or general punctuation (dashes,
 * curly quotes, ellipsis, …). Written without the regex `u` flag, which V8 runs several times
 * slower (measured in npm run bench); letters of every script count as word characters.
 */
const WORD = /[^\s\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\u00a0-\u00bf\u00d7\u00f7\u2000-\u206f\u3000-\u303f\ufeff]+/g;

/** Lower-cased word tokens; apostrophes split ("l’hôpital" → l, hôpital; "don't" → don, t). */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

interface Rule {
  code: Code;
  stems: string[];
}

/**
 * A pattern as a RegExp. Patterns are case-insensitive; Unicode mode (`u`) is used only when the
 * pattern needs it (\p{…}, \u{…}, characters beyond the BMP), because V8 runs case-insensitive
 * Unicode-mode expressions about ten times slower (measured in npm run bench).
 */
export function compilePattern(pattern: string): RegExp {
  // eslint-disable-next-line no-control-regex
  const needsUnicode = /\\[pP]\{|\\u\{|[\ud800-\udfff]/.test(pattern);
  try {
    return new RegExp(pattern, needsUnicode ? 'iu' : 'i');
  } catch (e) {
    // Valid only with the u flag (e.g. an escape that needs it): the same pattern in Unicode mode.
    if (!(e instanceof SyntaxError)) throw e;
    return new RegExp(pattern, 'iu');
  }
}

/**
 * One regular expression that matches wherever any pattern does (their alternation): a segment it
 * does not match cannot match any pattern, so the patterns themselves run only on the few
 * segments that pass. Undefined when the patterns cannot be combined (e.g. repeated group names).
 */
export function patternFilter(patterns: readonly string[]): RegExp | undefined {
  if (patterns.length < 2) return undefined;
  try {
    const unicode = patterns.some((p) => compilePattern(p).unicode);
    return new RegExp(patterns.map((p) => `(?:${p})`).join('|'), unicode ? 'iu' : 'i');
  } catch (e) {
    // The patterns do not combine into one (flags differ): no prefilter, each runs on its own.
    if (!(e instanceof SyntaxError)) throw e;
    return undefined;
  }
}

/** Something that tests a text, like a RegExp: a pattern on the linear-time engine (patterns.ts). */
export interface Matcher {
  test(text: string): boolean;
}

export function compileRules(codebook: Codebook, stem: Stem, linear: ReadonlyMap<string, Matcher> = new Map()): { index: Map<string, Rule[]>; patterns: Array<{ code: Code; regexps: Matcher[]; linear: boolean }> } {
  const index = new Map<string, Rule[]>();
  const patterns: Array<{ code: Code; regexps: Matcher[]; linear: boolean }> = [];
  for (const code of codebook.codes) {
    for (const keyword of code.keywords) {
      const stems = tokenize(keyword).map(stem);
      if (stems.length === 0) continue;
      const list = index.get(stems[0]!);
      if (list) list.push({ code, stems });
      else index.set(stems[0]!, [{ code, stems }]);
    }
    const js = code.patterns.filter((p) => !linear.has(p));
    const slow = code.patterns.filter((p) => linear.has(p));
    if (js.length > 0) patterns.push({ code, regexps: js.map(compilePattern), linear: false });
    if (slow.length > 0) patterns.push({ code, regexps: slow.map((p) => linear.get(p)!), linear: true });
  }
  return { index, patterns };
}

function allows(code: Code, role: SpeakerRole): boolean {
  return code.speakers === 'any' || code.speakers === role;
}

/** WORD, one UTF-16 unit at a time (the expression has no `u` flag, so it matches units): 1 for a word character. */
let wordUnits: Uint8Array | undefined;
function wordTable(): Uint8Array {
  if (!wordUnits) {
    const one = new RegExp(`^${WORD.source}$`);
    wordUnits = new Uint8Array(65536);
    for (let c = 0; c < 65536; c++) wordUnits[c] = one.test(String.fromCharCode(c)) ? 1 : 0;
  }
  return wordUnits;
}

/**
 * Whether lower-casing the whole text gives, at every offset, what lower-casing any line of it
 * gives: each character maps to one (same length), and no capital sigma, whose lower case depends
 * on the letters around it (final ς or σ).
 */
function lowersInPlace(text: string, lower: string): boolean {
  return lower.length === text.length && text.indexOf('\u03a3') < 0;
}

/** The words of text[start, end) (lower-cased text) as ids of `words`, into ids; returns how many. */
function scanWords(text: string, start: number, end: number, isWord: Uint8Array, words: Interner, ids: Int32Array): number {
  let n = 0;
  let p = start;
  while (p < end) {
    while (p < end && isWord[text.charCodeAt(p)] === 0) p++;
    if (p >= end) break;
    const a = p;
    let h = 0x811c9dc5 | 0;
    while (p < end) {
      const c = text.charCodeAt(p);
      if (isWord[c] === 0) break;
      h = Math.imul(h ^ c, 0x01000193);
      p++;
    }
    ids[n++] = words.spanHashed(a, p, h);
  }
  return n;
}

/**
 * `linear`: patterns to run on the linear-time engine (patterns.ts decides which); the others
 * run on JavaScript's. `literals`: for a pattern, strings one of which every match contains
 * (patterns.ts, `necessaryLiterals`): the pattern is tried only on segments with a word that
 * contains one; the patterns without run behind one combined prefilter.
 *
 * Words are read from each transcript's lower-cased text in place (no string per segment or per
 * word: each distinct word is a string once, with its stem and rules), except in segments whose
 * text is not a plain slice of the file (several lines, captions), which are tokenized as text.
 */
export function autocode(study: Pick<Study, 'documents' | 'codebook'>, stem: Stem, coder: string, linear: ReadonlyMap<string, Matcher> = new Map(), literals: ReadonlyMap<string, readonly string[]> = new Map(), onProgress?: (documents: number, of: number) => void): AutocodeResult {
  // One lookup per word: its stem (cached) and the keyword rules that start with that stem.
  const stems = new Map<string, string>();
  const stemCached = (w: string): string => {
    let s = stems.get(w);
    if (s === undefined) {
      s = stem(w);
      stems.set(w, s);
    }
    return s;
  };
  const { index, patterns } = compileRules(study.codebook, stemCached, linear);
  // Patterns with necessary literals are tried where a word holds one; the rest behind one combined prefilter.
  const withLiterals: Array<{ code: Code; regexp: Matcher; literals: readonly string[] }> = [];
  const rest: Array<{ code: Code; regexps: Matcher[]; linear: boolean }> = [];
  for (const p of patterns) {
    if (p.linear) {
      rest.push(p);
      continue;
    }
    const own = p.code.patterns.filter((x) => !linear.has(x));
    const plain: Matcher[] = [];
    own.forEach((source, k) => {
      const lits = literals.get(source);
      if (lits && lits.length > 0) withLiterals.push({ code: p.code, regexp: p.regexps[k]!, literals: lits });
      else plain.push(p.regexps[k]!);
    });
    if (plain.length > 0) rest.push({ code: p.code, regexps: plain, linear: false });
  }
  const restSources = rest.filter((p) => !p.linear).flatMap((p) => p.code.patterns.filter((x) => !linear.has(x) && !literals.get(x)?.length));
  const filter = patternFilter(restSources);
  const hasRest = rest.length > 0;

  // Every distinct word once: its string, stem, keyword rules and the literal patterns it may start.
  const words = new Interner('');
  const ruleOf: Array<Rule[] | null | undefined> = [];
  const stemOf: Array<string | undefined> = [];
  const candidatesOf: Array<number[] | undefined> = [];
  /** Per word: 1 it starts a rule, 2 it holds a literal (both: 3), 0 neither, -1 not looked at yet. */
  let flagOf = new Int8Array(4096).fill(-1);
  const rulesFor = (id: number): Rule[] | null => {
    let r = ruleOf[id];
    if (r === undefined) ruleOf[id] = r = index.get(stemAt(id)) ?? null;
    return r;
  };
  const stemAt = (id: number): string => {
    let s = stemOf[id];
    if (s === undefined) stemOf[id] = s = stemCached(words.values[id]!);
    return s;
  };
  const candidates = (id: number): number[] => {
    let c = candidatesOf[id];
    if (c === undefined) {
      const w = words.values[id]!;
      c = [];
      for (let k = 0; k < withLiterals.length; k++) if (withLiterals[k]!.literals.some((l) => w.includes(l))) c.push(k);
      candidatesOf[id] = c;
    }
    return c;
  };
  const flagFor = (id: number): number => {
    if (id >= flagOf.length) {
      const grown = new Int8Array(Math.max(id + 1, flagOf.length * 2)).fill(-1);
      grown.set(flagOf);
      flagOf = grown;
    }
    let f = flagOf[id]!;
    if (f < 0) flagOf[id] = f = (rulesFor(id) !== null ? 1 : 0) | (candidates(id).length > 0 ? 2 : 0);
    return f;
  };
  const isWord = wordTable();

  const hits = new Map(study.codebook.codes.map((c) => [c.id, 0]));
  const order = new Map(study.codebook.codes.map((c, i) => [c, i]));
  const codings: Coding[] = [];
  let segments = 0;
  const matched = new Set<Code>();
  let ids = new Int32Array(256);
  /** Positions (in ids) of the segment's words that start a rule or hold a literal, in order. */
  let marks = new Int32Array(256);
  const tried = new Uint8Array(withLiterals.length);
  const toTry: number[] = [];
  let done = 0;
  for (const doc of study.documents) {
    onProgress?.(done++, study.documents.length);
    const list = doc.segmentList;
    const source = list.length > 0 ? list.sourceTextValue : '';
    const lower = source.toLowerCase();
    const inPlace = lowersInPlace(source, lower);
    words.setText(lower);
    for (let i = 0; i < list.length; i++) {
      segments++;
      const role = list.role(i);
      matched.clear();
      // The segment's words, as ids.
      let n = 0;
      let text: string | undefined;
      if (inPlace && list.isSlice(i)) {
        const start = list.startOffset(i);
        const e = list.endOffset(i);
        // At most one word per two characters, plus one.
        if (ids.length < e - start + 1) ids = new Int32Array(2 * (e - start + 1));
        n = scanWords(lower, start, e, isWord, words, ids);
      } else {
        text = list.text(i);
        const tokens = tokenize(text);
        if (ids.length < tokens.length) ids = new Int32Array(2 * tokens.length);
        for (const w of tokens) ids[n++] = words.intern(w);
      }
      // Most words start no rule and hold no pattern's literal: one look at a flag per word, and
      // only the words marked are looked at again.
      if (marks.length < n) marks = new Int32Array(ids.length);
      let m = 0;
      let flags = 0;
      for (let t = 0; t < n; t++) {
        const id = ids[t]!;
        const f = id < flagOf.length && flagOf[id]! >= 0 ? flagOf[id]! : flagFor(id);
        if (f !== 0) {
          marks[m++] = t;
          flags |= f;
        }
      }
      if (m === 0 && !hasRest) continue;
      for (let j = 0; (flags & 1) !== 0 && j < m; j++) {
        const t = marks[j]!;
        const rules = rulesFor(ids[t]!);
        if (rules === null) continue;
        for (const rule of rules) {
          if (matched.has(rule.code) || !allows(rule.code, role)) continue;
          let ok = true;
          for (let k = 1; k < rule.stems.length; k++) {
            if (t + k >= n || stemAt(ids[t + k]!) !== rule.stems[k]) {
              ok = false;
              break;
            }
          }
          if (ok) matched.add(rule.code);
        }
      }
      if ((flags & 2) !== 0) {
        toTry.length = 0;
        for (let j = 0; j < m; j++) {
          for (const k of candidates(ids[marks[j]!]!)) {
            if (tried[k]) continue;
            tried[k] = 1;
            toTry.push(k);
          }
        }
        // In the patterns' order, as each code's patterns were tried before.
        toTry.sort((a, b) => a - b);
        for (const k of toTry) {
          tried[k] = 0;
          const { code, regexp } = withLiterals[k]!;
          if (matched.has(code) || !allows(code, role)) continue;
          if (regexp.test((text ??= list.text(i)))) matched.add(code);
        }
      }
      if (hasRest) {
        const passed = filter === undefined || filter.test((text ??= list.text(i)));
        for (const { code, regexps, linear: slow } of rest) {
          if ((!passed && !slow) || matched.has(code) || !allows(code, role)) continue;
          if (regexps.some((r) => r.test((text ??= list.text(i))))) matched.add(code);
        }
      }
      if (matched.size === 0) continue;
      const startLine = list.startLine(i);
      const endLine = list.endLine(i);
      for (const code of [...matched].sort((a, b) => order.get(a)! - order.get(b)!)) {
        hits.set(code.id, hits.get(code.id)! + 1);
        codings.push({ coder, participant: doc.participant, wave: doc.wave, startLine, endLine, code: code.id, exemplar: false });
      }
    }
  }
  return { codings, hits, segments };
}
