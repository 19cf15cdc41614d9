import type { Code, Codebook } from '../codebook/types.js';
import type { Study } from '../study/types.js';
import type { SpeakerRole } from '../transcript/types.js';
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

/**
 * `linear`: patterns to run on the linear-time engine (patterns.ts decides which); the others
 * run on JavaScript's, behind one combined prefilter.
 */
export function autocode(study: Pick<Study, 'documents' | 'codebook'>, stem: Stem, coder: string, linear: ReadonlyMap<string, Matcher> = new Map()): AutocodeResult {
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
  const filter = patternFilter(study.codebook.codes.flatMap((c) => c.patterns).filter((p) => !linear.has(p)));
  const rulesByWord = new Map<string, Rule[] | null>();
  const rulesFor = (w: string): Rule[] | null => {
    let r = rulesByWord.get(w);
    if (r === undefined) {
      r = index.get(stemCached(w)) ?? null;
      rulesByWord.set(w, r);
    }
    return r;
  };
  const hits = new Map(study.codebook.codes.map((c) => [c.id, 0]));
  const order = new Map(study.codebook.codes.map((c, i) => [c, i]));
  const codings: Coding[] = [];
  let segments = 0;
  const matched = new Set<Code>();
  for (const doc of study.documents) {
    const list = doc.segmentList;
    for (let i = 0; i < list.length; i++) {
      segments++;
      const role = list.role(i);
      const text = list.text(i);
      matched.clear();
      const words = tokenize(text);
      for (let t = 0; t < words.length; t++) {
        const rules = rulesFor(words[t]!);
        if (rules === null) continue;
        for (const rule of rules) {
          if (matched.has(rule.code) || !allows(rule.code, role)) continue;
          let ok = true;
          for (let k = 1; k < rule.stems.length; k++) {
            const next = words[t + k];
            if (next === undefined || stemCached(next) !== rule.stems[k]) {
              ok = false;
              break;
            }
          }
          if (ok) matched.add(rule.code);
        }
      }
      const passed = filter === undefined || filter.test(text);
      for (const { code, regexps, linear: slow } of patterns) {
        if ((!passed && !slow) || matched.has(code) || !allows(code, role)) continue;
        if (regexps.some((r) => r.test(text))) matched.add(code);
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
