import type { Coding } from '../coding/types.js';
import { matchesWhere, type Where } from '../study/filters.js';
import type { Study } from '../study/types.js';
import type { Segment } from '../transcript/types.js';

/**
 * The coders' meeting: every segment where the coders differ on a code (disagreements), and the
 * consensus coder's codings once they are settled (reconcile). Only documents that every coder
 * has coded take part: a transcript one coder has not started is not a disagreement.
 */
export interface Disagreement {
  code: string;
  participant: string;
  wave: string;
  file: string;
  segment: Segment;
  /** Per coder (in the given order): applied or not, with their memo and exemplar flag. */
  coders: Array<{ coder: string; applied: boolean; memo?: string; exemplar: boolean; otherCodes: string[] }>;
}

export interface MeetingOptions {
  coders: string[];
  codes?: Set<string>;
  waves?: string[];
  where?: Where[];
}

interface UnitView {
  doc: Study['documents'][number];
  segment: Segment;
  /** coder -> codings touching the segment */
  byCoder: Map<string, Coding[]>;
}

function units(study: Study, opts: MeetingOptions): UnitView[] {
  const people = new Map(study.participants.map((p) => [p.id, p]));
  const perDoc = new Map<string, Map<string, Coding[]>>();
  for (const c of study.codings) {
    if (!opts.coders.includes(c.coder)) continue;
    const id = `${c.participant}/${c.wave}`;
    let m = perDoc.get(id);
    if (!m) perDoc.set(id, (m = new Map()));
    let list = m.get(c.coder);
    if (!list) m.set(c.coder, (list = []));
    list.push(c);
  }
  const out: UnitView[] = [];
  for (const doc of study.documents) {
    if (opts.waves?.length && !opts.waves.includes(doc.wave)) continue;
    if (opts.where?.length && !matchesWhere(people.get(doc.participant), opts.where)) continue;
    const m = perDoc.get(doc.id);
    if (!m || !opts.coders.every((c) => m.has(c))) continue;
    for (const segment of doc.segments) {
      if (segment.role !== 'participant') continue;
      const byCoder = new Map<string, Coding[]>();
      for (const coder of opts.coders) byCoder.set(coder, m.get(coder)!.filter((c) => c.startLine <= segment.endLine && c.endLine >= segment.startLine));
      out.push({ doc, segment, byCoder });
    }
  }
  return out;
}

/** Disagreements grouped by code (codebook order), each code's in document order. */
export function disagreements(study: Study, opts: MeetingOptions): Disagreement[] {
  const order = new Map(study.codebook.codes.map((c, i) => [c.id, i]));
  const out: Disagreement[] = [];
  for (const u of units(study, opts)) {
    const codes = new Set<string>();
    for (const list of u.byCoder.values()) for (const c of list) codes.add(c.code);
    const sorted = [...codes].filter((c) => !opts.codes || opts.codes.has(c)).sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9));
    for (const code of sorted) {
      const d = describe(u, code, opts.coders);
      if (!d.coders.every((p) => p.applied)) out.push(d);
    }
  }
  // Stable sort: units were visited in document order.
  return out.sort((a, b) => (order.get(a.code) ?? 1e9) - (order.get(b.code) ?? 1e9));
}

function describe(u: UnitView, code: string, coders: string[]): Disagreement {
  const per = coders.map((coder) => {
    const list = u.byCoder.get(coder)!;
    const hit = list.find((c) => c.code === code);
    const entry: Disagreement['coders'][number] = { coder, applied: hit !== undefined, exemplar: hit?.exemplar ?? false, otherCodes: [...new Set(list.filter((c) => c.code !== code).map((c) => c.code))] };
    if (hit?.memo) entry.memo = hit.memo;
    return entry;
  });
  return { code, participant: u.doc.participant, wave: u.doc.wave, file: u.doc.file, segment: u.segment, coders: per };
}

export type Rule = 'union' | 'intersection' | 'majority';

/** A decision taken at the meeting: apply the code to the segment, or not. */
export function decisionKey(code: string, participant: string, wave: string, startLine: number): string {
  return `${code}\u0000${participant}\u0000${wave}\u0000${startLine}`;
}

export interface ReconcileResult {
  codings: Coding[];
  /** Documents (participant/wave) every coder had coded: the ones reconciled. */
  documents: string[];
  agreed: number;
  decided: number;
  byRule: number;
  open: Disagreement[];
  /** Decisions that matched no disagreement (stale rows, or already agreed). */
  unused: string[];
}

/**
 * The consensus coder's codings: what every coder applied; each disagreement settled by a decision
 * when there is one, else by the rule (union: anyone applied it; intersection: nobody disagreed;
 * majority: more than half applied it), else left open (not applied, listed). Exemplar flags and
 * memos of the coders who applied the code are kept.
 */
export function reconcile(study: Study, opts: MeetingOptions & { into: string; rule?: Rule; decisions?: Map<string, boolean> }): ReconcileResult {
  const codings: Coding[] = [];
  let agreed = 0;
  let decided = 0;
  let byRule = 0;
  const open: Disagreement[] = [];
  const used = new Set<string>();
  const order = new Map(study.codebook.codes.map((c, i) => [c.id, i]));
  for (const u of units(study, opts)) {
    const codes = new Set<string>();
    for (const list of u.byCoder.values()) for (const c of list) codes.add(c.code);
    for (const code of [...codes].sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9))) {
      const hits = opts.coders.map((coder) => u.byCoder.get(coder)!.find((c) => c.code === code));
      const applied = hits.filter((h): h is Coding => h !== undefined);
      const key = decisionKey(code, u.doc.participant, u.doc.wave, u.segment.startLine);
      let apply: boolean | undefined;
      if (applied.length === opts.coders.length) {
        apply = true;
        agreed++;
      } else if (opts.decisions?.has(key)) {
        apply = opts.decisions.get(key)!;
        used.add(key);
        decided++;
      } else if (opts.rule) {
        apply = opts.rule === 'union' ? true : opts.rule === 'intersection' ? false : applied.length * 2 > opts.coders.length;
        byRule++;
      } else {
        open.push(describe(u, code, opts.coders));
      }
      if (!apply) continue;
      const memos = applied.filter((h) => h.memo).map((h) => `${h.coder}: ${h.memo}`);
      const coding: Coding = { coder: opts.into, participant: u.doc.participant, wave: u.doc.wave, startLine: u.segment.startLine, endLine: u.segment.endLine, code, exemplar: applied.some((h) => h.exemplar) };
      if (memos.length) coding.memo = memos.join('; ');
      codings.push(coding);
    }
  }
  const unused = [...(opts.decisions?.keys() ?? [])].filter((k) => !used.has(k));
  const documents = [...new Set(units(study, opts).map((u) => u.doc.id))];
  return { codings, documents, agreed, decided, byRule, open, unused };
}
