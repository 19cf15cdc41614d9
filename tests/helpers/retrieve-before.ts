import { attribution } from '../../src/core/study/attribution.js';
import { matchesWhere } from '../../src/core/study/filters.js';
import type { Document, Study } from '../../src/core/study/types.js';
import { ownCopy } from '../../src/core/text/intern.js';
import type { SegmentList } from '../../src/core/transcript/segment-list.js';
import type { Segment, SpeakerRole } from '../../src/core/transcript/types.js';
import { exactText, formatSpan, hasColumns, LineIndex, lineIndexOf, segmentsSharing, touchedSegments, type LinesView, type SpanFields } from '../../src/core/coding/span.js';
import { sortCodings } from '../../src/core/coding/store.js';
import { codingAt, codingTable } from '../../src/core/coding/table.js';
import type { Coding } from '../../src/core/coding/types.js';
import { codeFamily, codingsOf, type RetrieveFilters, type Retrieved } from '../../src/core/coding/retrieve.js';

/**
 * retrieving (src/core/coding/retrieve.ts) and codedLines (src/core/coding/span.ts) as they were
 * before a transcript's coded lines were read in pieces near each coding and the segments were
 * read from their columns (main at c9a18d3), whole: the oracle of tests/unit/retrieve-before.test.ts.
 */
const FEW_CODES = 8;

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
    const { strings } = p;
    // Per string: 0 not judged yet, 1 kept, 2 left out.
    const codeOk = new Uint8Array(strings.length);
    const waveOk = new Uint8Array(strings.length);
    const participantOk = new Uint8Array(strings.length);
    // A few codes asked for: only their codings looked at (codingsOf), in the part's order.
    const only = codes !== undefined && codes.size <= FEW_CODES ? codingsOf(p, codes) : undefined;
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
      wanted.push(codingAt(part, i));
    }
  }
  // A transcript's codings come together (the study's order): its text is read for them and let
  // go after them (unless it was in memory already), and each text taken from it is a copy, so
  // that the results do not keep every coded transcript alive.
  let current: Document | undefined;
  let held = true;
  let local: LineIndex | undefined;
  let lastView: LinesView | undefined;
  const letGo = (): void => {
    if (current && !held) current.segmentList.releaseText();
  };
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
      // A text not in memory: only the lines its run of codings marks are read, in one piece, when
      // the loader can (codedLines); else the whole text, once for the run.
      let end = k + 1;
      while (end < sorted.length && sorted[end]!.participant === c.participant && sorted[end]!.wave === c.wave) end++;
      lastView = held ? undefined : codedLines(list, sorted.slice(k, end));
    }
    // (A coding the run's lines do not hold, if any: its own lines, or the whole text.)
    let view = held ? undefined : codedLines(list, [c], lastView);
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
    if (filters.speaker && (lo < hi ? list.role(lo) : 'other') !== filters.speaker) continue;
    // Only the touched segments made into objects (doc.segments would make all of the document's).
    const touched: Segment[] = [];
    for (let i = lo; i < hi; i++) touched.push(list.at(i, list.textIn(i, index.text, base)));
    const first = touched[0];
    const role: SpeakerRole = first?.role ?? 'other';
    let text: string;
    if (range !== undefined) {
      text = 'problem' in range ? '' : exactText(index.text, range.start, range.end);
    } else {
      text = touched
        .map((s) => {
          if (s.startLine >= c.startLine && s.endLine <= c.endLine) return s.text;
          // Part of a multi-line paragraph: its lines within the coded range.
          const lines = s.text.split('\n');
          return lines.slice(Math.max(0, c.startLine - s.startLine), c.endLine - s.startLine + 1).join('\n');
        })
        .join('\n\n');
    }
    if (!held) text = ownCopy(text);
    const start = hasColumns(c) ? { line: c.startLine, column: c.startColumn } : { line: c.startLine, column: 1 };
    const end = hasColumns(c) ? { line: c.endLine, column: c.endColumn } : { line: c.endLine, column: c.endLine < firstLine + index.lineCount ? index.columns(c.endLine - firstLine + 1) : 0 };
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
      speaker: first?.speaker ?? null,
      role,
      text,
      attribution: attribution(study.config.attribution, study, doc, people.get(first?.participant ?? c.participant), { timestamp: first?.timestamp, participant: first?.participant }),
      exemplar: c.exemplar,
      segments: touched.map((s) => s.id),
    };
    if (c.memo !== undefined) r.memo = c.memo;
    yield r;
  }
  letGo();
}

export function codedLines(list: SegmentList, spans: readonly SpanFields[], previous?: LinesView): LinesView | undefined {
  const reader = list.linesReader;
  if (!reader) return undefined;
  const touched = [0, 0];
  let lo = list.length;
  let hi = 0;
  let firstLine = Number.MAX_SAFE_INTEGER;
  let lastLine = 0;
  for (const c of spans) {
    list.linesTouched(c.startLine, c.endLine, touched);
    const [from, to] = touched as [number, number];
    // No segment there: that coding's text is made from the whole text.
    if (from >= to) continue;
    lo = Math.min(lo, from);
    hi = Math.max(hi, to);
    firstLine = Math.min(firstLine, c.startLine, list.startLine(from));
    lastLine = Math.max(lastLine, c.endLine, list.endLine(to - 1));
  }
  if (lo >= hi) return undefined;
  // The lines read before, when they hold these (the same passage, another coder).
  if (previous && lo >= previous.lo && hi <= previous.hi && firstLine >= previous.firstLine && lastLine < previous.firstLine + previous.index.lineCount) return previous;
  for (let i = lo; i < hi; i++) if (list.hasExplicitText(i)) return undefined;
  const read = reader(list.startOffset(lo), list.startLine(lo), firstLine, lastLine, list.endOffset(hi - 1));
  if (!read) return undefined;
  const index = new LineIndex(read.text);
  if (index.lineCount !== lastLine - firstLine + 1) return undefined;
  const base = read.start;
  const { starts } = index;
  const n = starts.length;
  for (let i = lo; i < hi; i++) {
    const s = list.startOffset(i) - base;
    const e = list.endOffset(i) - base;
    if (s < 0 || e < s || e > read.text.length) return undefined;
    // On their own lines (what index.lineAt would find, without a search: the line is known).
    const a = list.startLine(i) - firstLine;
    const b = list.endLine(i) - firstLine;
    if (a < 0 || b >= n || starts[a]! > s || (a + 1 < n && starts[a + 1]! <= s) || starts[b]! > e || (b + 1 < n && starts[b + 1]! <= e)) return undefined;
  }
  return { index, base, firstLine, lo, hi };
}
