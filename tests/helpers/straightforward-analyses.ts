/**
 * The analyses as first written (sets, maps and strings per segment, every segment of a document
 * made into an object): the straightforward computations that the fast ones in src/ replaced,
 * kept here verbatim so that property tests check the fast ones give exactly the same results
 * (tests/unit/analysis-fast.property.test.ts). Not used by qualwave itself.
 */
import { codeFamily, type RetrieveFilters, type Retrieved } from '../../src/core/coding/retrieve.js';
import { exactText, formatSpan, hasColumns, lineIndexOf, touchedSegments } from '../../src/core/coding/span.js';
import { sortCodings } from '../../src/core/coding/store.js';
import { codedFor, rowKeys, rowsOf, rowsOfCode, type CodedStudy } from '../../src/core/matrix/coded.js';
import type { Cooccurrence } from '../../src/core/matrix/cooccurrence.js';
import type { Matrix, MatrixColumn } from '../../src/core/matrix/matrix.js';
import { attribution } from '../../src/core/study/attribution.js';
import { matchesWhere } from '../../src/core/study/filters.js';
import type { Document, Study } from '../../src/core/study/types.js';
import type { DocumentSummary, SpeakerSummary } from '../../src/core/summary/summary.js';
import { formatNumber, type Cell, type Style, type Table } from '../../src/core/format/table.js';
import { terminalText } from '../../src/core/format/escape.js';
import { naturalCompare } from '../../src/core/text/sort.js';
import type { SpeakerRole } from '../../src/core/transcript/types.js';

export function straightforwardMatrix(cs: CodedStudy, opts: { rows: 'theme' | 'code'; by?: string }): Matrix {
  const rows = rowKeys(cs, opts.rows);
  const groupOf = (participant: string): string => (opts.by ? (cs.participants.get(participant)?.attributes[opts.by] ?? '') : '');
  const groups = opts.by ? [...new Set(cs.study.participants.map((p) => p.attributes[opts.by!] ?? ''))].sort() : [''];
  const columns: MatrixColumn[] = [];
  const colIndex = new Map<string, number>();
  for (const w of cs.waves) {
    for (const g of groups) {
      const docs = cs.documents.filter((d) => d.wave === w.id && groupOf(d.participant) === g);
      if (opts.by && docs.length === 0) continue;
      colIndex.set(`${w.id}\u0000${g}`, columns.length);
      const col: MatrixColumn = { wave: w.id, waveLabel: w.label, interviewed: new Set(docs.map((d) => d.participant)).size, documents: docs.length };
      if (opts.by) col.group = g;
      columns.push(col);
    }
  }
  const rowIndex = new Map(rows.map((r, i) => [r.id, i]));
  const ids = rows.map(() => columns.map(() => new Set<string>()));
  const docs = rows.map(() => columns.map(() => new Set<string>()));
  const segments = rows.map(() => columns.map(() => 0));
  const words = rows.map(() => columns.map(() => 0));
  for (const doc of cs.documents) {
    const col = colIndex.get(`${doc.wave}\u0000${groupOf(doc.participant)}`);
    if (col === undefined) continue;
    for (const seg of cs.coded.get(doc.id) ?? []) {
      const n = doc.segmentList.words(seg.index);
      for (const key of rowsOf(cs, seg, opts.rows)) {
        const r = rowIndex.get(key);
        if (r === undefined) continue;
        ids[r]![col]!.add(doc.participant);
        docs[r]![col]!.add(doc.id);
        segments[r]![col]!++;
        words[r]![col]! += n;
      }
    }
  }
  const waveOf = new Map(cs.waves.map((w) => [w.id, w]));
  const cells = rows.map((row, r) =>
    columns.map((c, k) => {
      if (!codedFor(cs, row.id, waveOf.get(c.wave)!)) return { codedFor: false, participants: 0, percent: null, documents: 0, segments: 0, words: 0, ids: [] };
      const participants = ids[r]![k]!.size;
      return { codedFor: true, participants, percent: c.interviewed > 0 ? (100 * participants) / c.interviewed : null, documents: docs[r]![k]!.size, segments: segments[r]![k]!, words: words[r]![k]!, ids: [...ids[r]![k]!].sort(naturalCompare) };
    }),
  );
  const m: Matrix = { coder: cs.coder, rows, columns, cells };
  if (opts.by) m.by = opts.by;
  return m;
}

export function straightforwardCooccurrence(cs: CodedStudy, opts: { unit: 'segment' | 'document'; rows: 'theme' | 'code' }): Cooccurrence {
  const book = cs.study.codebook;
  const list = opts.rows === 'theme' ? book.themes : book.codes;
  const index = new Map(list.map((c, i) => [c.id, i]));
  const n = list.length;
  const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const add = (set: Set<number>): void => {
    for (const a of set) for (const b of set) counts[a]![b]!++;
  };
  for (const doc of cs.documents) {
    const perDoc = new Set<number>();
    for (const seg of cs.coded.get(doc.id) ?? []) {
      const set = new Set<number>();
      for (const c of seg.codes) {
        for (const id of rowsOfCode(cs, c, opts.rows)) {
          const i = index.get(id);
          if (i !== undefined) set.add(i);
        }
      }
      if (opts.unit === 'segment') add(set);
      else for (const i of set) perDoc.add(i);
    }
    if (opts.unit === 'document') add(perDoc);
  }
  const jaccard = counts.map((row, a) =>
    row.map((both, b) => {
      const either = counts[a]![a]! + counts[b]![b]! - both;
      return either > 0 ? both / either : null;
    }),
  );
  return { codes: list.map((c) => ({ id: c.id, label: c.label })), unit: opts.unit, counts, jaccard };
}

export function straightforwardRetrieve(study: Study, filters: RetrieveFilters = {}): Retrieved[] {
  const docs = new Map(study.documents.map((d) => [d.id, d]));
  const people = new Map(study.participants.map((p) => [p.id, p]));
  let codes: Set<string> | undefined;
  if (filters.codes && filters.codes.length > 0) {
    codes = new Set();
    for (const id of filters.codes) for (const c of codeFamily(study.codebook, id)) codes.add(c);
  }
  const out: Retrieved[] = [];
  const order = study.config.waves.map((w) => w.id);
  // Filtered, then sorted (the same order as sorting all of them first: the sort is stable).
  const wanted = study.codings.filter((c) => {
    if (codes && !codes.has(c.code)) return false;
    if (filters.waves?.length && !filters.waves.includes(c.wave)) return false;
    if (filters.participants?.length && !filters.participants.includes(c.participant)) return false;
    if (filters.coders?.length && !filters.coders.includes(c.coder)) return false;
    if (filters.where?.length && !matchesWhere(people.get(c.participant), filters.where)) return false;
    return true;
  });
  for (const c of sortCodings(wanted, order)) {
    const doc = docs.get(`${c.participant}/${c.wave}`);
    if (!doc) continue;
    const [lo, hi] = touchedSegments(doc, c);
    const touched = doc.segments.slice(lo, hi);
    const first = touched[0];
    const role: SpeakerRole = first?.role ?? 'other';
    if (filters.speaker && role !== filters.speaker) continue;
    const index = lineIndexOf(doc);
    let text: string;
    if (hasColumns(c)) {
      const r = index.range(c);
      text = 'problem' in r ? '' : exactText(index.text, r.start, r.end);
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
    const start = hasColumns(c) ? { line: c.startLine, column: c.startColumn } : { line: c.startLine, column: 1 };
    const end = hasColumns(c) ? { line: c.endLine, column: c.endColumn } : { line: c.endLine, column: c.endLine <= index.lineCount ? index.columns(c.endLine) : 0 };
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
    out.push(r);
  }
  return out;
}

export function straightforwardDocumentSummary(d: Document, words?: readonly number[]): DocumentSummary {
  const list = d.segmentList;
  const bySpeaker = new Map<number, SpeakerSummary & { lastTurn: number }>();
  const unlabelled = new Map<SpeakerRole, SpeakerSummary & { lastTurn: number }>();
  let total = 0;
  let previous: SpeakerSummary | undefined;
  for (let i = 0; i < list.length; i++) {
    const n = words?.[i] ?? list.words(i);
    total += n;
    const s = list.speakerIndex(i);
    let row = s >= 0 ? bySpeaker.get(s) : unlabelled.get(list.role(i));
    if (!row) {
      if (s >= 0) {
        const info = d.speakerInfo[s];
        row = { label: d.speakers[s]!, role: list.role(i), rule: info?.rule ?? 'unknown', turns: 0, segments: 0, words: 0, lastTurn: -1 };
        if (info?.participant !== undefined) row.participant = info.participant;
        bySpeaker.set(s, row);
      } else {
        row = { label: null, role: list.role(i), rule: 'unlabelled', turns: 0, segments: 0, words: 0, lastTurn: -1 };
        unlabelled.set(list.role(i), row);
      }
    }
    row.segments++;
    row.words += n;
    // A labelled speaker's turns are their turn numbers; unlabelled text's, its runs.
    const turn = list.turn(i);
    if (s >= 0 ? turn !== row.lastTurn : previous !== row) row.turns++;
    row.lastTurn = turn;
    previous = row;
  }
  const strip = ({ lastTurn: _, ...r }: SpeakerSummary & { lastTurn: number }): SpeakerSummary => r;
  const out: DocumentSummary = {
    id: d.id,
    participant: d.participant,
    wave: d.wave,
    file: d.file,
    format: d.format,
    ...(d.source !== undefined ? { source: d.source } : {}),
    ...(d.date !== undefined ? { date: d.date } : {}),
    segmentation: d.segmentation.mode,
    unlabelled: d.unlabelled.role,
    segments: list.length,
    words: total,
    speakers: [...[...unlabelled.values()].map(strip), ...[...bySpeaker.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => strip(r))],
  };
  if (d.unlabelled.skipped) out.skipped = d.unlabelled.skipped;
  return out;
}

export function straightforwardDisplayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x300 && cp <= 0x36f) continue;
    w += cp >= 0x1100 && isWide(cp) ? 2 : 1;
  }
  return w;
}

function isWide(cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0x1f300 && cp <= 0x1faff);
}

function straightforwardTruncate(s: string, width: number): string {
  if (straightforwardDisplayWidth(s) <= width) return s;
  let out = '';
  for (const ch of s) {
    if (straightforwardDisplayWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return out + '…';
}

export function straightforwardRenderTerminal(table: Table, opts: { style?: Style; maxWidth?: number } = {}): string {
  const style = opts.style ?? { bold: (s: string) => s, dim: (s: string) => s };
  // User text never reaches the terminal with its control characters or escape sequences.
  const cellText = (c: Cell): string => terminalText(typeof c === 'number' ? formatNumber(c) : c, { oneLine: true });
  const all = [...table.rows, ...(table.footer ?? [])].map((r) => r.map(cellText));
  const widths = table.columns.map((c, i) => Math.max(straightforwardDisplayWidth(c.header), ...all.map((r) => straightforwardDisplayWidth(r[i] ?? ''))));
  const gap = 2;
  const total = (): number => widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1);
  if (opts.maxWidth) {
    while (total() > opts.maxWidth) {
      let widest = -1;
      table.columns.forEach((c, i) => {
        if ((c.align ?? 'left') === 'left' && widths[i]! > 8 && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
      });
      if (widest < 0) break;
      widths[widest] = Math.max(8, widths[widest]! - (total() - opts.maxWidth));
    }
  }
  const line = (cells: string[], header = false, strong = false): string =>
    cells
      .map((text, i) => {
        const col = table.columns[i]!;
        const t = straightforwardTruncate(text, widths[i]!);
        const pad = widths[i]! - straightforwardDisplayWidth(t);
        const align = header && col.align === 'right' ? 'right' : (col.align ?? 'left');
        const padded = align === 'right' ? ' '.repeat(pad) + t : align === 'center' ? ' '.repeat(Math.floor(pad / 2)) + t + ' '.repeat(Math.ceil(pad / 2)) : t + ' '.repeat(pad);
        return header || (strong && i === 0) ? style.bold(padded) : padded;
      })
      .join(' '.repeat(gap))
      .trimEnd();
  const out: string[] = [];
  if (table.title) out.push(style.bold(terminalText(table.title, { oneLine: true })));
  out.push(
    line(
      table.columns.map((c) => cellText(c.header)),
      true,
    ),
  );
  out.push(style.dim(widths.map((w) => '─'.repeat(w)).join(' '.repeat(gap))));
  table.rows.forEach((r, k) => out.push(line(r.map(cellText), false, table.bold?.[k] === true)));
  if (table.footer && table.footer.length > 0) {
    out.push(style.dim(widths.map((w) => '─'.repeat(w)).join(' '.repeat(gap))));
    for (const r of table.footer) out.push(line(r.map(cellText)));
  }
  if (table.notes?.length) out.push('', ...table.notes.map((n) => terminalText(n, { oneLine: true })));
  return out.join('\n') + '\n';
}
