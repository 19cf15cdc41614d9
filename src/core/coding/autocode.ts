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

const WORD = /[\p{L}\p{N}]+/gu;

/** Lower-cased word tokens; apostrophes split ("l’hôpital" → l, hôpital; "don't" → don, t). */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

interface Rule {
  code: Code;
  stems: string[];
}

export function compileRules(codebook: Codebook, stem: Stem): { index: Map<string, Rule[]>; patterns: Array<{ code: Code; regexps: RegExp[] }> } {
  const index = new Map<string, Rule[]>();
  const patterns: Array<{ code: Code; regexps: RegExp[] }> = [];
  for (const code of codebook.codes) {
    for (const keyword of code.keywords) {
      const stems = tokenize(keyword).map(stem);
      if (stems.length === 0) continue;
      const list = index.get(stems[0]!);
      if (list) list.push({ code, stems });
      else index.set(stems[0]!, [{ code, stems }]);
    }
    if (code.patterns.length > 0) patterns.push({ code, regexps: code.patterns.map((p) => new RegExp(p, 'iu')) });
  }
  return { index, patterns };
}

function allows(code: Code, role: SpeakerRole): boolean {
  return code.speakers === 'any' || code.speakers === role;
}

export function autocode(study: Pick<Study, 'documents' | 'codebook'>, stem: Stem, coder: string): AutocodeResult {
  const cache = new Map<string, string>();
  const stemCached = (w: string): string => {
    let s = cache.get(w);
    if (s === undefined) {
      s = stem(w);
      cache.set(w, s);
    }
    return s;
  };
  const { index, patterns } = compileRules(study.codebook, stemCached);
  const hits = new Map(study.codebook.codes.map((c) => [c.id, 0]));
  const codings: Coding[] = [];
  let segments = 0;
  const matched = new Set<Code>();
  for (const doc of study.documents) {
    const list = doc.segmentList;
    const segs = doc.segments;
    for (let i = 0; i < list.length; i++) {
      segments++;
      const role = list.role(i);
      const text = list.text(i);
      matched.clear();
      const stems = tokenize(text).map(stemCached);
      for (let t = 0; t < stems.length; t++) {
        const rules = index.get(stems[t]!);
        if (!rules) continue;
        for (const rule of rules) {
          if (matched.has(rule.code) || !allows(rule.code, role)) continue;
          let ok = true;
          for (let k = 1; k < rule.stems.length; k++) {
            if (stems[t + k] !== rule.stems[k]) {
              ok = false;
              break;
            }
          }
          if (ok) matched.add(rule.code);
        }
      }
      for (const { code, regexps } of patterns) {
        if (matched.has(code) || !allows(code, role)) continue;
        if (regexps.some((r) => r.test(text))) matched.add(code);
      }
      if (matched.size === 0) continue;
      const seg = segs[i]!;
      for (const code of study.codebook.codes) {
        if (!matched.has(code)) continue;
        hits.set(code.id, hits.get(code.id)! + 1);
        codings.push({ coder, participant: doc.participant, wave: doc.wave, startLine: seg.startLine, endLine: seg.endLine, code: code.id, exemplar: false });
      }
    }
  }
  return { codings, hits, segments };
}
