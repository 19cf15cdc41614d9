import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { naturalCompare } from '../text/sort.js';
import { didYouMeanSuffix } from '../text/suggest.js';
import { formatSpan, parseSpan, SPAN_HINT, spanText, type SpanFields } from './span.js';
import { CodingPacker, type PackedCodings } from './table.js';
import type { Coding } from './types.js';

/**
 * A coder's codings file, `codings/CODER.tsv`: tab-separated, one coding per line, sorted by wave,
 * participant, span and code, so that a coder's changes diff line by line and two coders (each in
 * their own file) never conflict when they push. `lines` is the span (span.ts): whole lines
 * (`10`, `10-11`) or exact characters (`12:5-12:40`, `12:5-14:3`).
 *
 *     participant	wave	lines	code	exemplar	memo	hash
 *     MS02	4-month	10-11	support.respite	yes	Parents use visits as time off	5d41402a
 *     MS02	4-month	12:5-12:40	support.respite		the gym hour	0c1f9e2a
 */
export const CODINGS_COLUMNS = ['participant', 'wave', 'lines', 'code', 'exemplar', 'memo', 'hash'] as const;
const REQUIRED = ['participant', 'wave', 'lines', 'code'] as const;

export function parseCodingsFile(file: string, text: string, coder: string): { codings: Coding[]; diagnostics: Diagnostic[] } {
  const codings: Coding[] = [];
  const diagnostics = readCodingRows(file, text, coder, (c) => void codings.push(c));
  // (A file that cannot be read as a whole has no codings: those of its rows before the problem are dropped.)
  if (diagnostics.unreadable) codings.length = 0;
  return { codings, diagnostics: diagnostics.list };
}

/**
 * parseCodingsFile's codings in columns (packCodings of them: the same pack), packed as the rows
 * are read: the file's codings never exist as objects all at once, nor its records (at 231,000
 * rows those were about 250 MB allocated per coder file, the largest part of a cold load).
 */
export function parseCodingsFilePacked(file: string, text: string, coder: string): { packed: PackedCodings | undefined; diagnostics: Diagnostic[] } {
  // (At most one coding per line: room for them all, the columns then cut to their number.)
  let lines = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines++;
  let packer = new CodingPacker(coder, file, lines);
  const diagnostics = readCodingRows(file, text, coder, (c) => void packer.add(c));
  if (diagnostics.unreadable) packer = new CodingPacker(coder, file, 0);
  return { packed: packer.finish(), diagnostics: diagnostics.list };
}

/**
 * Read a codings file's rows, giving each coding to `each` as it is read (in the file's order);
 * the diagnostics in order. `unreadable`: the file could not be read as a whole (its one
 * diagnostic says where): the codings given before are not its codings.
 */
function readCodingRows(file: string, text: string, coder: string, each: (c: Coding) => void): { list: Diagnostic[]; unreadable: boolean } {
  const diagnostics: Diagnostic[] = [];
  let header: string[] | undefined;
  let col: (name: string) => number = () => -1;
  let done = false;
  let failure: { error: unknown } | undefined;
  // Each record is taken as it is read (none is kept: the parser returns none).
  const onRecord = (record: string[], context: { lines: number }): null => {
    if (done) return null;
    try {
      if (header === undefined) {
        header = record.map((h) => h.trim());
        const missing = REQUIRED.filter((c) => !header!.includes(c));
        if (missing.length > 0) {
          diagnostics.push(error(file, 1, `the header lacks ${missing.map((m) => `'${m}'`).join(', ')}`, `the first line must be: ${CODINGS_COLUMNS.join(' <tab> ')}`));
          done = true;
          return null;
        }
        for (const h of header) {
          if (!(CODINGS_COLUMNS as readonly string[]).includes(h)) diagnostics.push(error(file, 1, `unknown column '${h}'${didYouMeanSuffix(h, CODINGS_COLUMNS)}`, `columns: ${CODINGS_COLUMNS.join(', ')}`));
        }
        const at = new Map(CODINGS_COLUMNS.map((name) => [name as string, header!.indexOf(name)]));
        col = (name) => at.get(name) ?? -1;
        return null;
      }
      const line = context.lines;
      const get = (name: string): string => (col(name) >= 0 ? (record[col(name)] ?? '').trim() : '');
      const parsed = parseCodingRow({ participant: get('participant'), wave: get('wave'), lines: get('lines'), code: get('code'), exemplar: get('exemplar'), memo: get('memo'), hash: get('hash') }, coder, { file, line });
      if ('diagnostic' in parsed) diagnostics.push(parsed.diagnostic);
      else each(parsed.coding);
    } catch (e) {
      // A fault of qualwave's, not of the file: thrown as it is once the parser returns, never read as a problem of the file.
      failure = { error: e };
      done = true;
    }
    return null;
  };
  try {
    parse(text, { delimiter: '\t', bom: true, relax_column_count: true, skip_empty_lines: true, relax_quotes: true, on_record: onRecord });
  } catch (e) {
    if (failure) throw failure.error;
    const err = e as Error & { lines?: number };
    return { list: [error(file, err.lines, `cannot read codings: ${err.message.replace(/ at line \d+$/, '')}`, 'each line is tab-separated: participant, wave, lines, code, exemplar, memo, hash')], unreadable: true };
  }
  if (failure) throw failure.error;
  return { list: diagnostics, unreadable: false };
}

/** One row's fields into a Coding, or the first problem with it. */
export function parseCodingRow(
  f: { participant: string; wave: string; lines?: string; startLine?: string; endLine?: string; startColumn?: string; endColumn?: string; code: string; exemplar?: string; memo?: string; hash?: string },
  coder: string,
  at: { file: string; line: number },
): { coding: Coding } | { diagnostic: Diagnostic } {
  const bad = (message: string, hint?: string) => ({ diagnostic: error(at.file, at.line, message, hint) });
  if (!f.participant) return bad('no participant', 'every coding names its participant, wave, lines and code');
  if (!f.wave) return bad('no wave', 'every coding names its participant, wave, lines and code');
  if (!f.code) return bad('no code', 'every coding names its participant, wave, lines and code');
  let span: SpanFields;
  if (f.lines !== undefined) {
    const parsed = parseSpan(f.lines);
    if ('problem' in parsed) return bad(`lines ${parsed.problem}`, SPAN_HINT);
    span = parsed.span;
  } else {
    const start = Number(f.startLine);
    const end = f.endLine === undefined || f.endLine === '' ? start : Number(f.endLine);
    if (!Number.isInteger(start) || !Number.isInteger(end) || f.startLine === '' || f.startLine === undefined) return bad(`start_line '${f.startLine ?? ''}' and end_line '${f.endLine ?? ''}' must be line numbers`);
    const sc = f.startColumn ?? '';
    const ec = f.endColumn ?? '';
    if ((sc === '') !== (ec === '')) return bad(`start_col '${sc}' and end_col '${ec}': give both columns or neither`, 'columns count characters (code points) from 1; the end column is included');
    if (sc !== '' && !(/^\d+$/.test(sc) && /^\d+$/.test(ec))) return bad(`start_col '${sc}' and end_col '${ec}' must be column numbers`, 'columns count characters (code points) from 1; the end column is included');
    const parsed = parseSpan(sc === '' ? `${start}-${end}` : `${start}:${sc}-${end}:${ec}`);
    if ('problem' in parsed) return bad(`span ${parsed.problem}`, SPAN_HINT);
    span = parsed.span;
  }
  const exemplar = (f.exemplar ?? '').toLowerCase();
  if (!['', 'yes', 'no', 'true', 'false', '1', '0', 'y', 'n', 'x', '*'].includes(exemplar)) return bad(`exemplar '${f.exemplar}' must be yes or empty`);
  // Ids compare in Unicode NFC, whatever form a spreadsheet or a Mac wrote them in.
  const coding: Coding = {
    coder,
    participant: f.participant.normalize('NFC'),
    wave: f.wave.normalize('NFC'),
    ...span,
    code: f.code.normalize('NFC'),
    exemplar: ['yes', 'true', '1', 'y', 'x', '*'].includes(exemplar),
    source: at,
  };
  if (f.memo) coding.memo = f.memo;
  if (f.hash) coding.hash = f.hash;
  return { coding };
}

/** Deterministic order: wave (study order), participant (natural), span (whole lines before a span starting on the same line), code. */
export function sortCodings(codings: readonly Coding[], waveOrder: readonly string[]): Coding[] {
  const w = new Map(waveOrder.map((id, i) => [id, i]));
  // Each distinct participant's place in natural order, found once (not one naturalCompare per comparison).
  const rank = new Map([...new Set(codings.map((c) => c.participant))].sort(naturalCompare).map((p, i) => [p, i]));
  return [...codings].sort(
    (a, b) =>
      (w.get(a.wave) ?? 1e9) - (w.get(b.wave) ?? 1e9) ||
      rank.get(a.participant)! - rank.get(b.participant)! ||
      a.startLine - b.startLine ||
      (a.startColumn ?? 0) - (b.startColumn ?? 0) ||
      a.endLine - b.endLine ||
      (a.endColumn ?? 0) - (b.endColumn ?? 0) ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
      (a.coder < b.coder ? -1 : a.coder > b.coder ? 1 : 0),
  );
}

/** The text of a coder's codings file. */
export function formatCodingsFile(codings: readonly Coding[], waveOrder: readonly string[]): string {
  const sorted = sortCodings(codings, waveOrder);
  return formatRows(sorted, (c) => [c.participant, c.wave, formatSpan(c), c.code, c.exemplar ? 'yes' : '', c.memo ?? '', c.hash ?? '']);
}

/**
 * The header and `rows` (each made a row of CODINGS_COLUMNS' cells by `cells`), stringified a run
 * of rows at a time (each record ends with its delimiter, so the runs joined are the file
 * stringified at once): the cells of every row are never all in memory (at 231,000 rows they and
 * the stringifier's pieces were about 140 MB, the largest part of a coder file's write).
 */
function formatRows<R>(rows: readonly R[], cells: (row: R) => string[]): string {
  // A bare carriage return in a memo is quoted, or a reader would take it for the end of the row.
  const options = { delimiter: '\t', record_delimiter: '\n', quoted_match: /\r/ } as const;
  const parts = [stringify([[...CODINGS_COLUMNS]], options)];
  for (let at = 0; at < rows.length; at += FORMAT_RUN) parts.push(stringify(rows.slice(at, at + FORMAT_RUN).map(cells), options));
  return parts.join('');
}

/** Rows formatted at a time by formatRows. */
const FORMAT_RUN = 2048;

/**
 * formatCodingsFile of a coder file's columns (a pack: table.ts), without making a coding: the
 * same rows in the same order (sortCodings' comparison on the columns, the sort as stable), the
 * same bytes.
 */
export function formatPackedCodingsFile(p: PackedCodings, waveOrder: readonly string[]): string {
  const n = p.participant.length;
  const { strings } = p;
  const w = new Map(waveOrder.map((id, i) => [id, i]));
  // Ranks by string number: the wave's place in the study, the participant's in natural order
  // (the distinct participants in their first coding's order, sorted as sortCodings sorts them).
  const waveRank = new Float64Array(strings.length);
  const participantRank = new Float64Array(strings.length);
  const firstSeen: number[] = [];
  const seen = new Uint8Array(strings.length);
  for (let i = 0; i < n; i++) {
    const q = p.participant[i]!;
    if (!seen[q]) {
      seen[q] = 1;
      firstSeen.push(q);
    }
    waveRank[p.wave[i]!] = w.get(strings[p.wave[i]!]!) ?? 1e9;
  }
  firstSeen.sort((a, b) => naturalCompare(strings[a]!, strings[b]!)).forEach((q, r) => (participantRank[q] = r));
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    const ca = strings[p.code[a]!]!;
    const cb = strings[p.code[b]!]!;
    return waveRank[p.wave[a]!]! - waveRank[p.wave[b]!]! || participantRank[p.participant[a]!]! - participantRank[p.participant[b]!]! || p.startLine[a]! - p.startLine[b]! || p.startColumn[a]! - p.startColumn[b]! || p.endLine[a]! - p.endLine[b]! || p.endColumn[a]! - p.endColumn[b]! || (ca < cb ? -1 : ca > cb ? 1 : 0);
  });
  // A column of 0 is none (the columns are both or neither).
  const span = (i: number): string => (p.startColumn[i] !== 0 ? spanText(p.startLine[i]!, p.endLine[i]!, p.startColumn[i], p.endColumn[i]) : spanText(p.startLine[i]!, p.endLine[i]!));
  const text = (s: number): string => (s === 0 ? '' : strings[s]!);
  return formatRows(order, (i) => [strings[p.participant[i]!]!, strings[p.wave[i]!]!, span(i), strings[p.code[i]!]!, p.exemplar[i] ? 'yes' : '', text(p.memo[i]!), text(p.hash[i]!)]);
}
