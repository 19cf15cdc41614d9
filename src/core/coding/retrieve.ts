import type { Codebook } from '../codebook/types.js';
import { attribution } from '../study/attribution.js';
import { matchesWhere, type Where } from '../study/filters.js';
import type { Document, Participant, Study } from '../study/types.js';
import { ownCopy } from '../text/intern.js';
import type { SpeakerRole } from '../transcript/types.js';
import { codedLines, codedLinesMany, exactText, formatSpan, hasColumns, LineIndex, lineIndexOf, segmentsSharing, touchedSegments, type LinesView, type Position } from './span.js';
import { sortCodings } from './store.js';
import { codingAt, codingTable, type PackedCodings } from './table.js';
import type { Coding } from './types.js';

export interface RetrieveFilters {
  /** Codes or themes; a theme (or any parent code) includes its sub-codes. */
  codes?: string[];
  waves?: string[];
  participants?: string[];
  coders?: string[];
  where?: Where[];
  speaker?: Exclude<SpeakerRole, 'other'>;
}

/** A coded passage with its text and where it comes from: what "code retrieval" lists. */
export interface Retrieved {
  coder: string;
  participant: string;
  wave: string;
  code: string;
  theme: string;
  startLine: number;
  endLine: number;
  /** The span as in the codings file: `12`, `12-14`, `12:5-12:40`. */
  lines: string;
  /** First and last character marked (whole lines: column 1 of the first line to the last character of the last). */
  start: Position;
  end: Position;
  file: string;
  speaker: string | null;
  role: SpeakerRole;
  /** Exactly the text coded: an exact span's characters (line breaks as "\n"); whole lines' speech, paragraphs apart by a blank line. */
  text: string;
  attribution: string;
  exemplar: boolean;
  memo?: string;
  /** Ids of the segments the span touches. */
  segments: string[];
}

/** Every code id under `id` (itself included), for "a theme includes its sub-codes". */
export function codeFamily(codebook: Codebook, id: string): Set<string> {
  const out = new Set<string>();
  const walk = (cid: string): void => {
    const c = codebook.byId.get(cid);
    if (!c) return;
    out.add(c.id);
    c.children.forEach((ch) => walk(ch.id));
  };
  walk(id);
  return out;
}

export function retrieve(study: Study, filters: RetrieveFilters = {}): Retrieved[] {
  return [...retrieving(study, filters)];
}

/**
 * The same, one coding at a time (a transcript's codings together, in the study's order): a text
 * not in memory is read for its transcript's codings and let go when the next transcript's come,
 * so a listing written as it goes holds one transcript's text and rows at a time.
 */
export function* retrieving(study: Study, filters: RetrieveFilters = {}): Generator<Retrieved> {
  const docs = new Map(study.documents.map((d) => [d.id, d]));
  const people = new Map(study.participants.map((p) => [p.id, p]));
  let codes: Set<string> | undefined;
  if (filters.codes && filters.codes.length > 0) {
    codes = new Set();
    for (const id of filters.codes) for (const c of codeFamily(study.codebook, id)) codes.add(c);
  }
  const order = study.config.waves.map((w) => w.id);
  // Filtered, then sorted (the same order as sorting all of them first: the sort is stable).
  // Read from the coding table's columns: each part's strings judged once, only the codings kept made into objects.
  const wanted: Coding[] = [];
  for (const part of codingTable(study).parts) {
    if (part.objects) {
      for (const c of part.objects) {
        if (codes && !codes.has(c.code)) continue;
        if (filters.waves?.length && !filters.waves.includes(c.wave)) continue;
        if (filters.participants?.length && !filters.participants.includes(c.participant)) continue;
        if (filters.coders?.length && !filters.coders.includes(c.coder)) continue;
        if (filters.where?.length && !matchesWhere(people.get(c.participant), filters.where)) continue;
        wanted.push(c);
      }
      continue;
    }
    const p = part.packed;
    if (filters.coders?.length && !filters.coders.includes(p.coder)) continue;
    for (const i of packedWanted(p, codes, filters, people)) wanted.push(codingAt(part, i));
  }
  // A transcript's codings come together (the study's order): its text is read for them and let
  // go after them (unless it was in memory already), and each text taken from it is a copy, so
  // that the results do not keep every coded transcript alive.
  let current: Document | undefined;
  let held = true;
  let local: LineIndex | undefined;
  let lastView: LinesView | undefined;
  // The run's codings in groups of nearby lines (nearbyGroups), each group's lines read in one piece.
  let runStart = 0;
  let groupOf: Int32Array | undefined;
  let groupViews: Array<LinesView | undefined> = [];
  const letGo = (): void => {
    if (current && !held) current.segmentList.releaseText();
  };
  // The template's fields: the segment's time is looked up only when the template shows it (a
  // transcript's timestamps are made on first use), and an attribution that can differ only by
  // the speaking participant is made once per transcript and participant.
  const template = study.config.attribution;
  const timed = template.includes('{timestamp}');
  let attributions = new Map<string | undefined, string>();
  const sorted = sortCodings(wanted, order);
  for (let k = 0; k < sorted.length; k++) {
    const c = sorted[k]!;
    const doc = docs.get(`${c.participant}/${c.wave}`);
    if (!doc) continue;
    const list = doc.segmentList;
    if (doc !== current) {
      letGo();
      current = doc;
      held = list.holdsText;
      local = undefined;
      lastView = undefined;
      attributions = new Map();
      // A text not in memory: only the lines its run of codings marks are read, a group of nearby
      // lines in one piece each, when the loader can (codedLinesMany); else the whole text, once for the run.
      let end = k + 1;
      while (end < sorted.length && sorted[end]!.participant === c.participant && sorted[end]!.wave === c.wave) end++;
      if (held) groupOf = undefined;
      else {
        const near = nearbyGroups(list, sorted, k, end);
        runStart = k;
        groupOf = near.of;
        groupViews = codedLinesMany(list, near.groups);
      }
    }
    // (A coding its group's lines do not hold, if any: its own lines, or the whole text.)
    const group = groupOf ? groupOf[k - runStart]! : -1;
    let view = held ? undefined : codedLines(list, [c], (group >= 0 ? groupViews[group] : undefined) ?? lastView);
    let index: LineIndex;
    let base: number;
    let firstLine: number;
    let range: { start: number; end: number } | { problem: string } | undefined;
    let lo: number;
    let hi: number;
    for (;;) {
      index = view?.index ?? (held ? lineIndexOf(doc) : (local ??= new LineIndex(list.sourceTextValue)));
      base = view?.base ?? 0;
      firstLine = view?.firstLine ?? 1;
      range = hasColumns(c) ? index.range(firstLine === 1 ? c : { startLine: c.startLine - firstLine + 1, endLine: c.endLine - firstLine + 1, startColumn: c.startColumn, endColumn: c.endColumn }) : undefined;
      // As touchedSegments finds them (from the same text).
      [lo, hi] = range === undefined ? touchedSegments(doc, c) : 'problem' in range ? [0, 0] : segmentsSharing(list, range.start + base, range.end + base);
      // (Segments beyond the lines read: cannot be, as segments do not overlap; the whole text then.)
      if (!view || lo >= hi || (lo >= view.lo && hi <= view.hi)) break;
      view = undefined;
    }
    if (view) lastView = view;
    const role: SpeakerRole = lo < hi ? list.role(lo) : 'other';
    if (filters.speaker && role !== filters.speaker) continue;
    // Read from the segments' columns (no Segment objects: doc.segments would make all of the document's).
    let text: string;
    if (range !== undefined) {
      text = 'problem' in range ? '' : exactText(index.text, range.start, range.end);
    } else {
      text = '';
      for (let i = lo; i < hi; i++) {
        let t = list.textIn(i, index.text, base);
        const sl = list.startLine(i);
        // Part of a multi-line paragraph: its lines within the coded range.
        if (!(sl >= c.startLine && list.endLine(i) <= c.endLine))
          t = t
            .split('\n')
            .slice(Math.max(0, c.startLine - sl), c.endLine - sl + 1)
            .join('\n');
        text = i === lo ? t : `${text}\n\n${t}`;
      }
    }
    if (!held) text = ownCopy(text);
    const start = hasColumns(c) ? { line: c.startLine, column: c.startColumn } : { line: c.startLine, column: 1 };
    const end = hasColumns(c) ? { line: c.endLine, column: c.endColumn } : { line: c.endLine, column: c.endLine < firstLine + index.lineCount ? index.columns(c.endLine - firstLine + 1) : 0 };
    const speaking = lo < hi ? list.participant(lo) : undefined;
    let said: string | undefined;
    if (timed) said = attribution(template, study, doc, people.get(speaking ?? c.participant), { timestamp: lo < hi ? list.timestamp(lo) : undefined, participant: speaking });
    else {
      said = attributions.get(speaking);
      if (said === undefined) attributions.set(speaking, (said = attribution(template, study, doc, people.get(speaking ?? c.participant), { timestamp: undefined, participant: speaking })));
    }
    const segments: string[] = [];
    for (let i = lo; i < hi; i++) segments.push(list.id(i));
    const r: Retrieved = {
      coder: c.coder,
      participant: c.participant,
      wave: c.wave,
      code: c.code,
      theme: study.codebook.byId.get(c.code)?.theme ?? c.code,
      startLine: c.startLine,
      endLine: c.endLine,
      lines: formatSpan(c),
      start,
      end,
      file: doc.file,
      speaker: lo < hi ? list.speaker(lo) : null,
      role,
      text,
      attribution: said,
      exemplar: c.exemplar,
      segments,
    };
    if (c.memo !== undefined) r.memo = c.memo;
    yield r;
  }
  letGo();
}

/** Codings whose touched segments start within this many characters of the end of a group's are read with that group (one piece). */
const NEAR = 1024;

/**
 * A transcript's codings sorted[from..to) (in the study's order: by line) in groups of nearby
 * lines: a coding joins the group before when the segments it touches start within NEAR of where
 * that group's end; `of[j]` is the group of sorted[from + j] (-1: it touches no segment; its text
 * comes from the whole text, as codedLines says).
 */
function nearbyGroups(list: Document['segmentList'], sorted: readonly Coding[], from: number, to: number): { groups: Coding[][]; of: Int32Array } {
  const groups: Coding[][] = [];
  const of = new Int32Array(to - from).fill(-1);
  const touched = [0, 0];
  let groupEnd = -1;
  for (let k = from; k < to; k++) {
    const c = sorted[k]!;
    list.linesTouched(c.startLine, c.endLine, touched);
    const [lo, hi] = touched as [number, number];
    if (lo >= hi) continue;
    const s = list.startOffset(lo);
    const e = list.endOffset(hi - 1);
    if (groups.length > 0 && s <= groupEnd + NEAR) {
      groups[groups.length - 1]!.push(c);
      groupEnd = Math.max(groupEnd, e);
    } else {
      groups.push([c]);
      groupEnd = e;
    }
    of[k - from] = groups.length - 1;
  }
  return { groups, of };
}

/**
 * The positions, in the part's order, of a packed part's codings that pass the filters of code,
 * wave, participant and where (the coder is the part's, judged by the caller): each string judged
 * once. (A function of its own, not the generator's loop: V8 optimises a long loop in a plain
 * function while it runs; a generator's ran in its interpreter.)
 */
function packedWanted(p: PackedCodings, codes: ReadonlySet<string> | undefined, filters: RetrieveFilters, people: ReadonlyMap<string, Participant>): number[] {
  const { strings } = p;
  // Per string: 0 not judged yet, 1 kept, 2 left out.
  const codeOk = new Uint8Array(strings.length);
  const waveOk = new Uint8Array(strings.length);
  const participantOk = new Uint8Array(strings.length);
  // A few codes asked for: only their codings looked at (codingsOf), in the part's order.
  const only = codes !== undefined && codes.size <= FEW_CODES ? codingsOf(p, codes) : undefined;
  const out: number[] = [];
  for (let k = 0, n = only ? only.length : p.participant.length; k < n; k++) {
    const i = only ? only[k]! : k;
    const c = p.code[i]!;
    if (codeOk[c] === 0) codeOk[c] = !codes || codes.has(strings[c]!) ? 1 : 2;
    if (codeOk[c] === 2) continue;
    const w = p.wave[i]!;
    if (waveOk[w] === 0) waveOk[w] = !filters.waves?.length || filters.waves.includes(strings[w]!) ? 1 : 2;
    if (waveOk[w] === 2) continue;
    const q = p.participant[i]!;
    if (participantOk[q] === 0) participantOk[q] = (!filters.participants?.length || filters.participants.includes(strings[q]!)) && (!filters.where?.length || matchesWhere(people.get(strings[q]!), filters.where)) ? 1 : 2;
    if (participantOk[q] === 2) continue;
    out.push(i);
  }
  return out;
}

/** Up to this many codes asked for, a part's codings of them are found by searching its columns (codingsOf). */
const FEW_CODES = 8;

/**
 * The positions, in increasing order, of a packed part's codings whose code is one of `codes`: each
 * code's places in the part's strings, then that string's places in the code column, found by the
 * arrays' own searches (a native loop each: judging every coding of a big study in a short-lived
 * process ran in V8's interpreter, tens of milliseconds). The same codings, in the same order, as
 * testing each coding's code (tests/unit/retrieve-codes.test.ts).
 */
export function codingsOf(p: Pick<PackedCodings, 'strings' | 'code'>, codes: ReadonlySet<string>): number[] {
  const out: number[] = [];
  let found = 0;
  for (const code of codes) {
    for (let s = p.strings.indexOf(code); s >= 0; s = p.strings.indexOf(code, s + 1)) {
      found++;
      for (let i = p.code.indexOf(s); i >= 0; i = p.code.indexOf(s, i + 1)) out.push(i);
    }
  }
  // (Each coding has one code: no position twice.)
  if (found > 1) out.sort((a, b) => a - b);
  return out;
}

/** One passage and every coding of it (same transcript, same span): what the terminal view lists once. */
export interface Passage {
  file: string;
  lines: string;
  participant: string;
  wave: string;
  attribution: string;
  text: string;
  /** The codes applied there, each with the coders who applied it, in the order retrieved. */
  codes: Array<{ code: string; coders: Array<{ coder: string; exemplar: boolean }> }>;
}

/** Retrieved codings grouped by passage (transcript and exact span), in the order of their first coding. */
export function passages(rows: readonly Retrieved[]): Passage[] {
  const byKey = new Map<string, Passage>();
  for (const r of rows) {
    const key = `${r.participant}/${r.wave}/${r.lines}`;
    let p = byKey.get(key);
    if (!p) byKey.set(key, (p = { file: r.file, lines: r.lines, participant: r.participant, wave: r.wave, attribution: r.attribution, text: r.text, codes: [] }));
    let code = p.codes.find((c) => c.code === r.code);
    if (!code) p.codes.push((code = { code: r.code, coders: [] }));
    code.coders.push({ coder: r.coder, exemplar: r.exemplar });
  }
  return [...byKey.values()];
}

/**
 * Retrieved codings a transcript at a time (retrieving gives a transcript's codings together):
 * each run is handed on when the next transcript's first coding comes.
 */
export function* retrievedRuns(rows: Iterable<Retrieved>): Generator<Retrieved[]> {
  let run: Retrieved[] = [];
  for (const r of rows) {
    if (run.length > 0 && (r.participant !== run[0]!.participant || r.wave !== run[0]!.wave)) {
      yield run;
      run = [];
    }
    run.push(r);
  }
  if (run.length > 0) yield run;
}
