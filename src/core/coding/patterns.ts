import type { Codebook } from '../codebook/types.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';

/**
 * Codebook patterns are user-written regular expressions run on every segment: a pattern such as
 * `^(a+)+$` backtracks for ever in JavaScript's engine. Each pattern is analysed (scslre: super-
 * linear backtracking; plus alternatives that overlap under a repetition, which it does not see):
 *
 * - exponential backtracking: refused (file:line), whatever the engine;
 * - polynomial backtracking or overlapping alternatives: run with RE2 (re2js), whose matching time
 *   is linear in the text, when RE2 can express the pattern; refused otherwise (lookaround and
 *   back-references need JavaScript's backtracking engine);
 * - otherwise: JavaScript's engine (faster for these).
 *
 * The analysis libraries are loaded only when the codebook has patterns.
 */
export type Engine = 'js' | 'linear';

export interface PatternCheck {
  engines: Map<string, Engine>;
  diagnostics: Diagnostic[];
  /** Per pattern run on JavaScript's engine without the `u` flag: strings one of which every match contains (necessaryLiterals). */
  literals: Map<string, string[]>;
}

interface Node {
  type: string;
  alternatives?: Node[];
  elements?: Node[];
  element?: Node;
  max?: number;
  min?: number;
  value?: number;
}

/**
 * Strings, one of which every match of the (case-insensitive, non-Unicode) pattern contains, in
 * lower case and made of ASCII letters and digits only; undefined when none is known. In that mode
 * an ASCII letter matches only its two cases, so a match's run of letters and digits appears, lower-
 * cased, inside one word of the lower-cased text: auto-coding tries the pattern only on segments
 * with a word that contains one of the strings (autocode.ts).
 */
export function necessaryLiterals(node: Node): string[] | undefined {
  const alnum = (c: number): string | undefined => {
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a)) return String.fromCharCode(c);
    if (c >= 0x41 && c <= 0x5a) return String.fromCharCode(c + 32);
    return undefined;
  };
  const union = (alternatives: Node[]): string[] | undefined => {
    const out = new Set<string>();
    for (const a of alternatives) {
      const l = necessaryLiterals(a);
      if (!l) return undefined;
      for (const x of l) out.add(x);
    }
    return [...out];
  };
  switch (node.type) {
    case 'Pattern':
    case 'Group':
    case 'CapturingGroup':
      return union(node.alternatives ?? []);
    case 'Quantifier':
      return (node.min ?? 0) >= 1 ? necessaryLiterals(node.element!) : undefined;
    case 'Character': {
      const c = alnum(node.value ?? -1);
      return c ? [c] : undefined;
    }
    case 'Alternative': {
      // The best of: each run of consecutive letters and digits, and each element's own set.
      const options: string[][] = [];
      let run = '';
      const close = (): void => {
        if (run) options.push([run]);
        run = '';
      };
      for (const e of node.elements ?? []) {
        const c = e.type === 'Character' ? alnum(e.value ?? -1) : undefined;
        if (c) {
          run += c;
          continue;
        }
        close();
        const l = e.type === 'Assertion' ? undefined : necessaryLiterals(e);
        if (l) options.push(l);
      }
      close();
      let best: string[] | undefined;
      const score = (l: string[]): number => Math.min(...l.map((x) => x.length)) - l.length / 1000;
      for (const o of options) if (!best || score(o) > score(best)) best = o;
      return best;
    }
    default:
      return undefined;
  }
}

/** A repeated group whose alternatives can start the same way (`(a|ab)*`, `(\w|\d)+`): ambiguous. */
function overlappingUnderRepeat(node: Node, firstChars: (alternative: Node) => { isDisjointWith(o: unknown): boolean } | undefined, repeated = false): boolean {
  if (node.type === 'Quantifier') return overlappingUnderRepeat(node.element!, firstChars, repeated || (node.max ?? 1) > 1);
  if ((node.type === 'Group' || node.type === 'CapturingGroup' || node.type === 'Pattern') && node.alternatives) {
    if (repeated && node.alternatives.length > 1) {
      const sets = node.alternatives.map(firstChars);
      for (let i = 0; i < sets.length; i++) for (let j = i + 1; j < sets.length; j++) if (!sets[i] || !sets[j] || !sets[i]!.isDisjointWith(sets[j])) return true;
    }
    return node.alternatives.some((a) => overlappingUnderRepeat(a, firstChars, repeated));
  }
  if (node.type === 'Alternative') return (node.elements ?? []).some((e) => overlappingUnderRepeat(e, firstChars, repeated));
  if (node.type === 'Assertion' && node.alternatives) return node.alternatives.some((a) => overlappingUnderRepeat(a, firstChars, repeated));
  return false;
}

/**
 * What the analysis says of one pattern, whatever code it belongs to: the engine that runs it, or
 * why it is refused; `literals`: necessaryLiterals, for a pattern run on JavaScript's engine
 * without the `u` flag. Plain data: kept in the study index (io/pattern-verdicts.ts).
 */
export interface PatternVerdict {
  engine?: Engine;
  refused?: string;
  literals?: string[];
}

/** The version of the analysis: a change of what it says of a pattern changes this (and so every verdict kept). */
export const PATTERN_CHECK_VERSION = 1;

/** Every distinct pattern of the codebook, in the order of first use. */
export function codebookPatterns(codebook: Pick<Codebook, 'codes'>): string[] {
  return [...new Set(codebook.codes.flatMap((c) => c.patterns))];
}

/**
 * Which engine runs each pattern of the codebook, and the patterns refused (errors with file:line).
 * `known`: verdicts already made (by this analysis, for these patterns): the libraries are loaded
 * only for the others. `verdicts`: every pattern's.
 */
export async function checkPatterns(codebook: Pick<Codebook, 'codes'>, known?: ReadonlyMap<string, PatternVerdict>): Promise<PatternCheck & { verdicts: Map<string, PatternVerdict> }> {
  const engines = new Map<string, Engine>();
  const diagnostics: Diagnostic[] = [];
  const literals = new Map<string, string[]>();
  const verdicts = new Map<string, PatternVerdict>();
  const all = codebook.codes.flatMap((c) => c.patterns.map((p, i) => ({ code: c, pattern: p, line: c.patternLines?.[i] ?? c.line })));
  if (all.length === 0) return { engines, diagnostics, literals, verdicts };
  const analyser = all.every((p) => known?.has(p.pattern)) ? undefined : await Promise.all([import('@eslint-community/regexpp'), import('scslre'), import('regexp-ast-analysis'), import('re2js')]);
  for (const { code, pattern, line } of all) {
    let v = verdicts.get(pattern);
    if (!v && known?.has(pattern)) {
      v = known.get(pattern)!;
      if (v.literals) literals.set(pattern, v.literals);
      verdicts.set(pattern, v);
    }
    if (!v) {
      const [{ RegExpParser }, { analyse }, ast, { RE2JS }] = analyser!;
      v = {};
      const flags = needsUnicode(pattern) ? 'iu' : 'i';
      try {
        const literal = new RegExpParser({ ecmaVersion: 2024 }).parseLiteral(`/${pattern.replace(/\//g, '\\/')}/${flags}`);
        const reports = analyse(literal, { reportTypes: { Move: true, Self: true, Trade: true } }).reports;
        const flagsInfo = { ignoreCase: true, unicode: flags === 'iu' };
        const first = (alt: Node): { isDisjointWith(o: unknown): boolean } | undefined => {
          try {
            const f = ast.getFirstConsumedChar(alt as never, 'ltr', flagsInfo as never);
            return f.empty ? undefined : (f.char as unknown as { isDisjointWith(o: unknown): boolean });
          } catch (e) {
            // A construct the analysis does not model: no claim that the branches are disjoint.
            if (!(e instanceof Error)) throw e;
            return undefined;
          }
        };
        const exponential = reports.some((r) => r.exponential);
        const risky = reports.length > 0 || overlappingUnderRepeat(literal.pattern as unknown as Node, first);
        if (exponential) v.refused = 'it can take exponential time on some text (catastrophic backtracking), e.g. a repetition inside a repetition like (a+)+';
        else if (risky) {
          try {
            RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
            v.engine = 'linear';
          } catch (e) {
            if (!(e instanceof Error)) throw e;
            v.refused = 'its matching time can grow faster than the text (backtracking), and it uses lookaround or a back-reference, which the linear-time engine cannot run';
          }
        } else v.engine = 'js';
        if (v.engine === 'js' && flags === 'i') {
          const l = necessaryLiterals(literal.pattern as unknown as Node);
          if (l) {
            v.literals = l;
            literals.set(pattern, l);
          }
        }
      } catch (e) {
        v.refused = `it cannot be analysed (${(e as Error).message})`;
      }
      verdicts.set(pattern, v);
    }
    if (v.refused) {
      diagnostics.push(error(code.file, line, `pattern ${JSON.stringify(pattern)} of code '${code.id}' is refused: ${v.refused}`, 'rewrite it without nested or overlapping repetitions, e.g. \\bwords?\\b instead of (\\w+\\s?)+; patterns run on every segment of the study'));
    } else engines.set(pattern, v.engine!);
  }
  return { engines, diagnostics, literals, verdicts };
}

/** Whether a pattern needs the regular expression `u` flag (\p{…}, \u{…}, astral characters). */
export function needsUnicode(pattern: string): boolean {
  return /\\[pP]\{|\\u\{|[\ud800-\udfff]/.test(pattern);
}

/** A matcher for a pattern on the engine chosen for it: `test(text)` as RegExp's. */
export async function linearMatcher(pattern: string): Promise<{ test(text: string): boolean }> {
  const { RE2JS } = await import('re2js');
  const re = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  return { test: (text) => re.test(text) };
}
