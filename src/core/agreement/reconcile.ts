import { exactText, formatSpan, hasColumns, LineIndex, lineIndexOf, touchedSegments } from '../coding/span.js';
import { ownCopy } from '../text/intern.js';
import { codingKey, spanOf, withSpan, type Coding } from '../coding/types.js';
import { matchesWhere, type Where } from '../study/filters.js';
import type { Study } from '../study/types.js';
import type { Segment } from '../transcript/types.js';
import { selectTranscripts, type TranscriptSelection } from './transcripts.js';
import { append } from '../arrays.js';
import { codersCodings } from '../coding/table.js';
import { sinceIndex } from '../codebook/versions.js';

/**
 * The coders' meeting: every segment where the coders differ on a code (disagreements), and the
 * consensus coder's codings once they are settled (reconcile). Only transcripts that every coder
 * coded or marked finished take part: a transcript one coder has not started is not a disagreement.
 */
export interface Disagreement {
  code: string;
  participant: string;
  wave: string;
  file: string;
  segment: Segment;
  /**
   * Per coder (in the given order): applied or not, with their memo and exemplar flag; `coded`: the
   * exact spans they marked with the code there, and their text (whole-line codings mark the segment).
   */
  coders: Array<{ coder: string; applied: boolean; memo?: string; exemplar: boolean; otherCodes: string[]; coded?: Array<{ lines: string; text: string }> }>;
}

export interface MeetingOptions {
  coders: string[];
  codes?: Set<string>;
  waves?: string[];
  where?: Where[];
}

/**
 * A code the coders differ on at a wave before its `since:` wave: nobody was looking for it there,
 * so it is no disagreement (agree leaves those units out too). Listed, never settled: reconcile
 * keeps what the consensus coder already has there and adds nothing.
 */
export interface BeforeSince {
  code: string;
  participant: string;
  wave: string;
  /** The segment's lines. */
  lines: string;
  /** The coders who applied the code there. */
  applied: string[];
}

/** Is `code` applied at `doc`'s wave before its `since:` wave? */
function beforeSinceOf(study: Study): (code: string, wave: string) => boolean {
  const since = sinceIndex(study.codebook, study.config.waves);
  const waveIndex = new Map(study.config.waves.map((w) => [w.id, w.index]));
  return (code, wave) => (waveIndex.get(wave) ?? 0) < (since.get(code) ?? 0);
}

function beforeSinceEntry(u: UnitView, code: string, coders: string[]): BeforeSince {
  return { code, participant: u.doc.participant, wave: u.doc.wave, lines: formatSpan(u.segment), applied: coders.filter((coder) => u.byCoder.get(coder)!.some((c) => c.code === code)) };
}

interface UnitView {
  doc: Study['documents'][number];
  segment: Segment;
  /** coder -> codings touching the segment */
  byCoder: Map<string, Coding[]>;
  /** The transcript's lines. */
  lines: () => LineIndex;
}

/** The transcripts every coder coded or finished (in scope), and the others with why. */
export function meetingTranscripts(study: Study, opts: MeetingOptions): TranscriptSelection {
  const people = new Map(study.participants.map((p) => [p.id, p]));
  const docs = study.documents.filter((doc) => (!opts.waves?.length || opts.waves.includes(doc.wave)) && (!opts.where?.length || matchesWhere(people.get(doc.participant), opts.where)));
  return selectTranscripts(study, docs, opts.coders, 'missing');
}

/**
 * The units a transcript at a time. With `letGo`, a text that was not in memory is let go once its
 * transcript's units have been taken, and the segments are made for them alone (not kept by the
 * document): what is kept of them must be copied (disagreements).
 */
function* unitsByDocument(study: Study, opts: MeetingOptions, how: { letGo: boolean }): Generator<UnitView[]> {
  const perDoc = new Map<string, Map<string, Coding[]>>();
  // Only the compared coders' codings are made (study.codings would make every coder's), and each
  // transcript's are let go once its units are done.
  for (const c of codersCodings(study, new Set(opts.coders))) {
    const id = `${c.participant}/${c.wave}`;
    let m = perDoc.get(id);
    if (!m) perDoc.set(id, (m = new Map()));
    let list = m.get(c.coder);
    if (!list) m.set(c.coder, (list = []));
    list.push(c);
  }
  for (const doc of meetingTranscripts(study, opts).compared) {
    const out: UnitView[] = [];
    const held = doc.segmentList.holdsText;
    const m = perDoc.get(doc.id);
    // Each segment's codings by coder (each coder's in their order): every coding put on the
    // segments its span touches.
    const list = doc.segmentList;
    const at = new Map<number, Map<string, Coding[]>>();
    for (const coder of new Set(opts.coders))
      for (const c of m?.get(coder) ?? []) {
        const [lo, hi] = touchedSegments(doc, c);
        for (let i = Math.max(0, lo), end = Math.min(hi, list.length); i < end; i++) {
          let byCoder = at.get(i);
          if (!byCoder) at.set(i, (byCoder = new Map()));
          let list = byCoder.get(coder);
          if (!list) byCoder.set(coder, (list = []));
          list.push(c);
        }
      }
    let local: LineIndex | undefined;
    const lines = how.letGo && !held ? () => (local ??= new LineIndex(doc.segmentList.sourceTextValue)) : () => lineIndexOf(doc);
    // With letGo, only the segments a coding touches (no code there: nothing to tell).
    const segments = how.letGo ? [...at.keys()].sort((a, b) => a - b).map((i) => list.at(i)) : doc.segments;
    for (const segment of segments) {
      if (segment.role !== 'participant') continue;
      const codings = at.get(segment.index);
      out.push({ doc, segment, byCoder: new Map(opts.coders.map((coder) => [coder, codings?.get(coder) ?? []])), lines });
    }
    yield out;
    perDoc.delete(doc.id);
    if (how.letGo && !held) doc.segmentList.releaseText();
  }
}

/**
 * Disagreements grouped by code (codebook order), each code's in document order; `beforeSince`:
 * the differences on codes at waves before their `since:`, left out (not disagreements).
 */
export function disagreements(study: Study, opts: MeetingOptions): { list: Disagreement[]; beforeSince: BeforeSince[] } {
  const order = new Map(study.codebook.codes.map((c, i) => [c.id, i]));
  const early = beforeSinceOf(study);
  const out: Disagreement[] = [];
  const beforeSince: BeforeSince[] = [];
  // A transcript at a time, its text let go after it: what is kept of it (the segment's text and
  // the exact spans' texts) copied, so that the list does not keep every transcript alive.
  for (const views of unitsByDocument(study, opts, { letGo: true }))
    for (const u of views) {
      const codes = new Set<string>();
      for (const list of u.byCoder.values()) for (const c of list) codes.add(c.code);
      const sorted = [...codes].filter((c) => !opts.codes || opts.codes.has(c)).sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9));
      let copied = false;
      for (const code of sorted) {
        const d = describe(u, code, opts.coders);
        if (d.coders.every((p) => p.applied)) continue;
        if (early(code, u.doc.wave)) beforeSince.push(beforeSinceEntry(u, code, opts.coders));
        else {
          if (!copied) u.segment.text = ownCopy(u.segment.text);
          copied = true;
          for (const p of d.coders) for (const x of p.coded ?? []) x.text = ownCopy(x.text);
          out.push(d);
        }
      }
    }
  // Stable sort: units were visited in document order.
  out.sort((a, b) => (order.get(a.code) ?? 1e9) - (order.get(b.code) ?? 1e9));
  return { list: out, beforeSince };
}

function describe(u: UnitView, code: string, coders: string[]): Disagreement {
  const per = coders.map((coder) => {
    const list = u.byCoder.get(coder)!;
    const hit = list.find((c) => c.code === code);
    const entry: Disagreement['coders'][number] = { coder, applied: hit !== undefined, exemplar: hit?.exemplar ?? false, otherCodes: [...new Set(list.filter((c) => c.code !== code).map((c) => c.code))] };
    if (hit?.memo) entry.memo = hit.memo;
    const exact = list.filter((c) => c.code === code && hasColumns(c));
    if (exact.length > 0) {
      const index = u.lines();
      entry.coded = exact.map((c) => {
        const r = index.range(c);
        return { lines: formatSpan(c), text: 'problem' in r ? '' : exactText(index.text, r.start, r.end) };
      });
    }
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
  /** Documents (participant/wave) every coder had coded or finished: the ones reconciled. */
  documents: string[];
  agreed: number;
  decided: number;
  byRule: number;
  /** Disagreements without a decision, settled as the existing consensus had them. */
  kept: number;
  open: Disagreement[];
  /** Decisions that matched no disagreement (stale rows, or already agreed). */
  unused: string[];
  /** Codings of the consensus coder on the reconciled transcripts that the result would drop or change. */
  lost: Coding[];
  /**
   * Codes applied where the coders marked different exact spans inside the segment: the consensus
   * gets the whole segment (its lines), listed here so that nothing is widened unsaid.
   */
  widened: Array<{ code: string; participant: string; wave: string; lines: string }>;
  /** Differences on codes at waves before their `since:`: not settled; the consensus keeps what it had there. */
  beforeSince: BeforeSince[];
}

/**
 * The consensus coder's codings: what every coder applied; each disagreement settled by a decision
 * when there is one, else as the existing consensus settled it (when the consensus coder has
 * codings in that transcript), else by the rule (union: anyone applied it; intersection: nobody
 * disagreed; majority: more than half applied it), else left open (not applied, listed). Exemplar
 * flags and memos of the coders who applied the code are kept; an existing consensus coding that
 * is kept keeps its own memo and flag. A difference on a code at a wave before its `since:` is no
 * disagreement: it is not settled, the consensus keeps what it had there (listed in `beforeSince`).
 */
export function reconcile(study: Study, opts: MeetingOptions & { into: string; rule?: Rule; decisions?: Map<string, boolean> }): ReconcileResult {
  const codings: Coding[] = [];
  let agreed = 0;
  let decided = 0;
  let byRule = 0;
  let kept = 0;
  const open: Disagreement[] = [];
  const used = new Set<string>();
  const order = new Map(study.codebook.codes.map((c, i) => [c.id, i]));
  // The transcripts reconciled: those compared that have a participant's segment (a unit).
  const documents = meetingTranscripts(study, opts)
    .compared.filter((doc) => doc.segmentList.count('participant') > 0)
    .map((doc) => doc.id);
  const reconciled = new Set(documents);
  const existing = codersCodings(study, new Set([opts.into]), (participant, wave) => reconciled.has(`${participant}/${wave}`));
  const settledDocs = new Set(existing.map((c) => `${c.participant}/${c.wave}`));
  for (const f of study.finished) if (f.coder === opts.into) settledDocs.add(`${f.participant}/${f.wave}`);
  const existingByDoc = new Map<string, Coding[]>();
  for (const c of existing) {
    const id = `${c.participant}/${c.wave}`;
    let list = existingByDoc.get(id);
    if (!list) existingByDoc.set(id, (list = []));
    list.push(c);
  }
  const widened: ReconcileResult['widened'] = [];
  const early = beforeSinceOf(study);
  const beforeSince: BeforeSince[] = [];
  const existingAt = (code: string, u: UnitView): Coding | undefined =>
    existingByDoc.get(u.doc.id)?.find((c) => {
      if (c.code !== code) return false;
      const [lo, hi] = touchedSegments(u.doc, c);
      return u.segment.index >= lo && u.segment.index < hi;
    });
  // A transcript at a time, its text let go after it, only the segments a coding touches (a unit
  // without a code settles nothing); what an open disagreement keeps of its text is copied.
  for (const views of unitsByDocument(study, opts, { letGo: true }))
    for (const u of views) {
      const codes = new Set<string>();
      for (const list of u.byCoder.values()) for (const c of list) codes.add(c.code);
      for (const code of [...codes].sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9))) {
        const hits = opts.coders.map((coder) => u.byCoder.get(coder)!.find((c) => c.code === code));
        const applied = hits.filter((h): h is Coding => h !== undefined);
        const key = decisionKey(code, u.doc.participant, u.doc.wave, u.segment.startLine);
        const before = existingAt(code, u);
        let apply: boolean | undefined;
        if (applied.length === opts.coders.length) {
          apply = true;
          agreed++;
        } else if (early(code, u.doc.wave)) {
          beforeSince.push(beforeSinceEntry(u, code, opts.coders));
          if (before) codings.push(before);
          continue;
        } else if (opts.decisions?.has(key)) {
          apply = opts.decisions.get(key)!;
          used.add(key);
          decided++;
        } else if (settledDocs.has(u.doc.id)) {
          apply = before !== undefined;
          kept++;
        } else if (opts.rule) {
          apply = opts.rule === 'union' ? true : opts.rule === 'intersection' ? false : applied.length * 2 > opts.coders.length;
          byRule++;
        } else {
          const d = describe(u, code, opts.coders);
          // (The unit's segment is its own: made for this transcript's units, not kept by the document.)
          if (open.at(-1)?.segment !== u.segment) u.segment.text = ownCopy(u.segment.text);
          for (const p of d.coders) for (const x of p.coded ?? []) x.text = ownCopy(x.text);
          open.push(d);
        }
        if (!apply) continue;
        // Exact spans: kept when every coder who applied the code marked the same spans in the segment.
        const spanSets = opts.coders
          .map((coder) => u.byCoder.get(coder)!.filter((c) => c.code === code))
          .filter((l) => l.length > 0)
          .map((l) => [...new Set(l.map((c) => (hasColumns(c) ? formatSpan(c) : '')))].sort());
        const exact = spanSets.some((set) => set.some((x) => x !== ''));
        const same = exact && spanSets.every((set) => !set.includes('') && set.join(' ') === spanSets[0]!.join(' '));
        const memos = applied.filter((h) => h.memo).map((h) => `${h.coder}: ${h.memo}`);
        const made: Coding = { coder: opts.into, participant: u.doc.participant, wave: u.doc.wave, startLine: u.segment.startLine, endLine: u.segment.endLine, code, exemplar: applied.some((h) => h.exemplar) };
        if (memos.length) made.memo = memos.join('; ');
        if (same) {
          const spans = u.byCoder.get(opts.coders.find((coder) => u.byCoder.get(coder)!.some((c) => c.code === code))!)!.filter((c) => c.code === code);
          const seen = new Set<string>();
          for (const sp of spans) {
            const key = formatSpan(sp);
            if (seen.has(key)) continue;
            seen.add(key);
            const kept = existingByDoc.get(u.doc.id)?.find((c) => c.code === code && formatSpan(c) === key);
            codings.push(kept ?? withSpan(made, spanOf(sp)));
          }
          continue;
        }
        if (exact) widened.push({ code, participant: u.doc.participant, wave: u.doc.wave, lines: formatSpan(u.segment) });
        if (before && !hasColumns(before) && before.startLine === u.segment.startLine && before.endLine === u.segment.endLine) {
          codings.push(before);
          continue;
        }
        codings.push(made);
      }
    }
  // A span over two segments is settled in each: kept once.
  const keys = new Set<string>();
  const unique = codings.filter((c) => {
    const k = codingKey(c);
    if (keys.has(k)) return false;
    keys.add(k);
    return true;
  });
  codings.length = 0;
  append(codings, unique);
  const unused = [...(opts.decisions?.keys() ?? [])].filter((k) => !used.has(k));
  const same = (a: Coding, b: Coding): boolean => a.participant === b.participant && a.wave === b.wave && formatSpan(a) === formatSpan(b) && a.code === b.code && a.exemplar === b.exemplar && (a.memo ?? '') === (b.memo ?? '');
  const kept2 = new Map<string, Coding[]>();
  for (const c of codings) {
    const id = `${c.participant}/${c.wave}`;
    let list = kept2.get(id);
    if (!list) kept2.set(id, (list = []));
    list.push(c);
  }
  const lost = existing.filter((e) => !(kept2.get(`${e.participant}/${e.wave}`) ?? []).some((c) => same(c, e)));
  return { codings, documents, agreed, decided, byRule, kept, open, unused, lost, widened, beforeSince };
}
