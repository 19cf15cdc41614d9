import { parse as parseCsv } from 'csv-parse/sync';
import { append } from '../arrays.js';
import { parse as parseYaml, YAMLError } from 'yaml';
import { exactText, formatSpan, hasColumns, LineIndex, lineIndexOf } from '../coding/span.js';
import { spanHash, spanText, textHash } from '../coding/text.js';
import { withSpan, type Coding } from '../coding/types.js';
import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { CONFIG_FILE, parseConfig } from '../study/config.js';
import { readDocument } from '../study/documents.js';
import { compileNamePattern } from '../study/naming.js';
import type { Document, Study, StudyConfig } from '../study/types.js';
import type { TranscriptFormat } from '../transcript/types.js';
import { rowName, WORD_CHAR, type Key } from './key.js';
import { applyReplacements, KeyMatcher, OffsetMap, replacedWithin, type Replacement, type Variant } from './match.js';

/**
 * Planning a pseudonymisation: every text of the study with the key's names replaced, every coding
 * moved with its text, and everything checked, before anything is written (io/pseudonymise.ts
 * writes the plan as one change). Pure: the texts come in, the new texts and codings go out.
 */

/** What a text of the study is, for the checks made on it. */
export type TextKind = 'transcript' | 'codings' | 'case' | 'codebook' | 'config' | 'participants';

export interface SourceText {
  /** Path relative to the study folder, forward slashes. */
  file: string;
  kind: Exclude<TextKind, 'codings'>;
  /** The decoded text (without a BOM). For a .docx or Whisper .json, the text qualwave reads from it. */
  text: string;
  /** Transcripts: the format, which decides whether qualwave can rewrite the file. */
  format?: TranscriptFormat;
}

export interface FileChange {
  file: string;
  kind: Exclude<TextKind, 'codings'>;
  before: string;
  after: string;
  replacements: Replacement[];
}

export interface FileCount {
  file: string;
  kind: TextKind;
  replacements: number;
  /** Replacements per key row (index in key.entries). */
  byEntry: number[];
}

export interface EntryCount {
  replacements: number;
  files: number;
  /** Other spellings (case, accents) found and left as they are. */
  variants: number;
}

export interface CodingCounts {
  /** Codings on a transcript that changes (all of them keep their text). */
  onChanged: number;
  /** Exact spans whose columns changed. */
  moved: number;
  /** Hashes recomputed. */
  rehashed: number;
  /** Memos with a replacement. */
  memos: number;
  /** Spans that started or ended inside a name: they now hold the whole pseudonym. */
  widened: number;
}

export interface PseudonymPlan {
  /** Texts that change (transcripts, case summaries, codebooks, qualwave.yaml, participants). */
  changes: FileChange[];
  /** The new codings of every coder whose codings change (spans, hashes, memos). */
  codings: Map<string, Coding[]>;
  /** Every file with a replacement, in study order (config, participants, codebooks, transcripts, codings, cases). */
  files: FileCount[];
  entries: EntryCount[];
  codingCounts: CodingCounts;
  /** Errors: nothing may be written. Warnings: written, and said. */
  diagnostics: Diagnostic[];
}

const ORDER: Record<TextKind, number> = { config: 0, participants: 1, codebook: 2, transcript: 3, codings: 4, case: 5 };

export function planPseudonymisation(study: Study, key: Key, texts: readonly SourceText[]): PseudonymPlan {
  const matcher = new KeyMatcher(key);
  const diagnostics: Diagnostic[] = [];
  const entries: EntryCount[] = key.entries.map(() => ({ replacements: 0, files: 0, variants: 0 }));
  const files: FileCount[] = [];
  const changes: FileChange[] = [];
  const count = (file: string, kind: TextKind, reps: readonly Replacement[]): void => {
    if (reps.length === 0) return;
    const byEntry = key.entries.map(() => 0);
    for (const r of reps) byEntry[r.entry]!++;
    byEntry.forEach((n, i) => {
      if (n === 0) return;
      entries[i]!.replacements += n;
      entries[i]!.files++;
    });
    files.push({ file, kind, replacements: reps.length, byEntry });
  };

  append(diagnostics, identifierProblems(study, key, matcher, texts));

  // A coding whose hash no longer matches its text: where its text is, is not known, and moving it
  // with the names would only move it further from it.
  const docs = new Map(study.documents.map((d) => [d.id, d]));
  const drifted = study.codings.filter((c) => {
    const doc = docs.get(`${c.participant}/${c.wave}`);
    return doc !== undefined && c.hash !== undefined && spanHash(lineIndexOf(doc), c) !== c.hash;
  });
  if (drifted.length > 0) {
    const first = drifted[0]!;
    diagnostics.push(
      error(
        first.source?.file ?? `codings/${first.coder}.tsv`,
        first.source?.line,
        `${drifted.length} coding${drifted.length === 1 ? ' no longer matches its text' : 's no longer match their text'} (the transcript was edited since${drifted.length === 1 ? ' it was' : ' they were'} made)`,
        'run qualwave codings reanchor first: pseudonymisation moves every coding with its text, so each coding must be on its text',
      ),
    );
  }

  const byFile = new Map(study.documents.map((d) => [d.file, d]));
  const variantPlaces: VariantPlaces = new Map();
  let config: StudyConfig = study.config;
  const sorted = [...texts].sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const t of sorted) {
    const reps = matcher.find(t.text);
    const vars = matcher.variants(t.text, reps);
    noteVariants(vars, t.file, t.text, variantPlaces, entries);
    if (reps.length === 0) continue;
    count(t.file, t.kind, reps);
    if (t.format === 'docx' || t.format === 'json') {
      const at = new LineIndex(t.text).position(reps[0]!.start)!;
      diagnostics.push(
        error(
          t.file,
          at.line,
          `${reps.length} name${reps.length === 1 ? '' : 's'} of the key in this ${t.format === 'docx' ? 'Word transcript' : 'Whisper JSON transcript'}, which qualwave cannot rewrite in place (the first here${t.format === 'docx' ? ', paragraph ' + at.line : ''})`,
          t.format === 'docx'
            ? 'save it as plain text (.txt, one paragraph per line) and run again, or replace the names in Word (Find and Replace, whole words, match case) and then run qualwave codings reanchor'
            : 'export the transcript as text (Whisper: --output_format txt, or vtt) into the study instead of the JSON, then run again',
          at.column,
        ),
      );
      continue;
    }
    const after = applyReplacements(t.text, reps);
    const change: FileChange = { file: t.file, kind: t.kind, before: t.text, after, replacements: reps };
    const problem = t.kind === 'config' || t.kind === 'codebook' ? yamlProblem(change, matcher) : t.kind === 'participants' ? csvProblem(change, matcher) : undefined;
    if (problem) diagnostics.push(error(t.file, problem.line, problem.message, problem.hint));
    if (t.kind === 'config' && !problem) {
      const parsed = parseConfig(CONFIG_FILE, after);
      if (parsed.config) config = parsed.config;
    }
    changes.push(change);
  }

  // Transcripts: read again as the loader reads them, the new text must give the same segments
  // (lines, roles, speakers) as before, with the labels replaced: nothing else may change.
  const participantIds = study.participants.map((p) => p.id);
  const match = compileNamePattern(
    config.transcripts.names,
    config.waves.map((w) => w.id),
  );
  const docChanges = new Map<string, { before: LineIndex; after: LineIndex; map: OffsetMap; reps: Replacement[] }>();
  for (const ch of changes) {
    if (ch.kind !== 'transcript') continue;
    const doc = byFile.get(ch.file);
    if (!doc) continue;
    if (doc.segmentList.sourceTextValue !== ch.before) {
      diagnostics.push(error(ch.file, undefined, 'changed while qualwave was reading the study', 'run the command again'));
      continue;
    }
    const withoutExt = ch.file.slice(0, ch.file.lastIndexOf('.')).normalize('NFC');
    const read = readDocument({ file: ch.file, text: ch.after, format: doc.format, name: match(withoutExt) }, config, participantIds);
    const problem = read.document ? structureProblem(doc, read.document, matcher) : { line: read.diagnostics.find((d) => d.severity === 'error')?.line, message: `would no longer read as a transcript: ${read.diagnostics.find((d) => d.severity === 'error')?.message ?? 'unknown'}` };
    if (problem) {
      diagnostics.push(error(ch.file, problem.line, `replacing the names ${problem.message}`, 'replace the names on that line by hand (or change the pseudonym in the key), then run again'));
      continue;
    }
    docChanges.set(doc.id, { before: lineIndexOf(doc), after: new LineIndex(ch.after), map: new OffsetMap(ch.replacements), reps: ch.replacements });
  }

  // Codings: each moved with its text, its hash made for the new text, its memo pseudonymised.
  const codingCounts: CodingCounts = { onChanged: 0, moved: 0, rehashed: 0, memos: 0, widened: 0 };
  const byCoder = new Map<string, Coding[]>();
  const changedCoders = new Set<string>();
  const memoReps = new Map<string, Replacement[]>();
  for (const c of study.codings) {
    let next = c;
    const dc = docChanges.get(`${c.participant}/${c.wave}`);
    if (dc) {
      codingCounts.onChanged++;
      const moved = moveCoding(c, dc);
      if ('problem' in moved) diagnostics.push(error(c.source?.file ?? `codings/${c.coder}.tsv`, c.source?.line, moved.problem, 'this is a bug in qualwave: please report it; nothing was written'));
      else {
        next = moved.coding;
        if (formatSpan(next) !== formatSpan(c)) codingCounts.moved++;
        if (next.hash !== c.hash) codingCounts.rehashed++;
        if (moved.widened) {
          codingCounts.widened++;
          diagnostics.push(warning(c.source?.file ?? `codings/${c.coder}.tsv`, c.source?.line, `${formatSpan(c)} starts or ends inside a name: it becomes ${formatSpan(next)}, holding the whole pseudonym`, 'check the span (qualwave codings --participant ' + c.participant + ' --wave ' + c.wave + ')'));
        }
      }
    }
    if (c.memo !== undefined) {
      const file = c.source?.file ?? `codings/${c.coder}.tsv`;
      const reps = matcher.find(c.memo);
      noteVariants(matcher.variants(c.memo, reps), file, undefined, variantPlaces, entries, c.source?.line);
      if (reps.length > 0) {
        next = { ...next, memo: applyReplacements(c.memo, reps) };
        codingCounts.memos++;
        (memoReps.get(file) ?? memoReps.set(file, []).get(file)!).push(...reps);
      }
    }
    if (next !== c) changedCoders.add(c.coder);
    (byCoder.get(c.coder) ?? byCoder.set(c.coder, []).get(c.coder)!).push(next);
  }
  for (const [file, reps] of [...memoReps].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) count(file, 'codings', reps);
  const codings = new Map([...byCoder].filter(([coder]) => changedCoders.has(coder)));

  // A row whose name is nowhere: a misspelt name, unless its pseudonym is there (replaced by an earlier run).
  const memos = study.codings.flatMap((c) => (c.memo ? [c.memo] : []));
  key.entries.forEach((e, i) => {
    if (entries[i]!.replacements > 0 || entries[i]!.variants > 0) return;
    if ([...texts.map((t) => t.text), ...memos].some((t) => holdsWord(t, e.pseudonym))) return;
    diagnostics.push(warning(key.file, e.line, `(→ ${e.pseudonym}): neither the name nor its pseudonym is anywhere in the study`, 'check the spelling of the name against the transcripts (qualwave pseudonymise --suggest lists the names it finds)'));
  });
  append(diagnostics, variantWarnings(variantPlaces, key));
  append(diagnostics, patternWarnings(study, key, changes));

  files.sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { changes, codings, files, entries, codingCounts, diagnostics };
}

/** Other spellings found, per key row: each file's count and first place. */
type VariantPlaces = Map<number, Array<{ file: string; line?: number; column?: number; count: number }>>;

/** Variants found in one text, noted per key row and file (the first place, and how many). */
function noteVariants(vars: readonly Variant[], file: string, text: string | undefined, places: VariantPlaces, entries: EntryCount[], line?: number): void {
  if (vars.length === 0) return;
  const index = text === undefined ? undefined : new LineIndex(text);
  const byEntry = new Map<number, Variant[]>();
  for (const v of vars) (byEntry.get(v.entry) ?? byEntry.set(v.entry, []).get(v.entry)!).push(v);
  for (const [entry, list] of byEntry) {
    entries[entry]!.variants += list.length;
    const at = index?.position(list[0]!.start);
    const forEntry = places.get(entry) ?? places.set(entry, []).get(entry)!;
    const same = forEntry.find((p) => p.file === file);
    if (same) same.count += list.length;
    else forEntry.push({ file, line: at?.line ?? line, column: at?.column, count: list.length });
  }
}

/** One warning per key row and file; a row found written otherwise in more than 10 files gets one warning in all. */
function variantWarnings(places: VariantPlaces, key: Key): Diagnostic[] {
  const out: Diagnostic[] = [];
  const hint = 'if it is the name, add a row to the key with it written this way (lower case is left alone because many names are also words)';
  for (const [entry, list] of [...places].sort(([a], [b]) => a - b)) {
    const e = key.entries[entry]!;
    if (list.length > 10) {
      const total = list.reduce((n, p) => n + p.count, 0);
      out.push(warning(list[0]!.file, list[0]!.line, `${rowName(key, e)}: written in another case or with other accents ${total} times in ${list.length} files (the first here): not replaced`, `${hint}; --format json lists the count per row`, list[0]!.column));
      continue;
    }
    for (const p of list) out.push(warning(p.file, p.line, `${rowName(key, e)}: written in another case or with other accents${p.count > 1 ? ` (here and ${p.count - 1} more time${p.count === 2 ? '' : 's'} in this file)` : ''}: not replaced`, hint, p.column));
  }
  return out;
}

/** Ids and file names that hold a name of the key: they cannot be replaced (codings, file names and flags use them). */
function identifierProblems(study: Study, key: Key, matcher: KeyMatcher, texts: readonly SourceText[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const holds = (s: string): number | undefined => {
    const r = matcher.find(s);
    return r.length > 0 ? key.entries[r[0]!.entry]!.line : undefined;
  };
  for (const p of study.participants) {
    const line = holds(p.id);
    if (line !== undefined) out.push(error(study.config.participants.file, p.line, `participant id '${p.id}' holds a name of the key (${key.file}:${line})`, "give the participant an id that is not a name (in the participants file, the transcripts' names and front matter, and the codings), then run again"));
  }
  for (const w of study.config.waves) {
    const line = holds(w.id);
    if (line !== undefined) out.push(error(CONFIG_FILE, undefined, `wave id '${w.id}' holds a name of the key (${key.file}:${line})`, 'give the wave an id that is not a name, then run again'));
  }
  for (const c of study.codebook.codes) {
    const line = holds(c.id);
    if (line !== undefined) out.push(error(c.file, c.line, `code id '${c.id}' holds a name of the key (${key.file}:${line})`, 'rename the code first (qualwave codebook rename OLD NEW), then run again'));
  }
  for (const coder of study.coders) {
    const line = holds(coder);
    if (line !== undefined) out.push(error(`codings/${coder}.tsv`, undefined, `coder name '${coder}' holds a name of the key (${key.file}:${line})`, 'rename the codings file (and its .finished.tsv) to another coder name, then run again'));
  }
  const header = texts.find((t) => t.kind === 'participants')?.text.split(/\r?\n/, 1)[0];
  if (header !== undefined) {
    const line = holds(header);
    if (line !== undefined) out.push(error(study.config.participants.file, 1, `a column name holds a name of the key (${key.file}:${line})`, 'rename the column (and --where/--by options that use it), then run again'));
  }
  const paths = new Set([...texts.map((t) => t.file), ...study.coders.map((c) => `codings/${c}.tsv`)]);
  for (const f of [...paths].sort()) {
    const line = holds(f);
    if (line !== undefined) out.push(error(f, undefined, `the file name holds a name of the key (${key.file}:${line})`, 'rename the file (git mv), then run again'));
  }
  return out;
}

/** The YAML file, read before and after: the same data, with the names replaced in its strings and keys. */
function yamlProblem(ch: FileChange, matcher: KeyMatcher): { line?: number; message: string; hint: string } | undefined {
  const expected = mapStrings(parseYaml(ch.before), (s) => matcher.replace(s));
  let after: unknown;
  let readable = true;
  try {
    after = parseYaml(ch.after);
  } catch (e) {
    if (!(e instanceof YAMLError)) throw e;
    readable = false;
  }
  if (readable && deepEqual(after, expected)) return undefined;
  // The first line whose replacements make the difference.
  const index = new LineIndex(ch.before);
  const lines = [...new Set(ch.replacements.map((r) => index.lineAt(r.start)))];
  for (const line of lines) {
    const upTo = ch.replacements.filter((r) => index.lineAt(r.start) <= line);
    let ok = true;
    try {
      parseYaml(applyReplacements(ch.before, upTo));
    } catch (e) {
      if (!(e instanceof YAMLError)) throw e;
      ok = false;
    }
    if (!ok) return { line, message: 'replacing the name on this line would make the file unreadable YAML', hint: 'put the value in quotes (or change the pseudonym in the key), then run again' };
  }
  return { line: lines[0], message: 'replacing the names would change what the file says beyond the names (two keys that become the same, or a value read differently)', hint: 'replace the names in this file by hand, then run again' };
}

function mapStrings(v: unknown, f: (s: string) => string): unknown {
  if (typeof v === 'string') return f(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[f(k)] = mapStrings(x, f);
    return out;
  }
  return v;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k, i) => k === kb[i] && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The participants file, read before and after: the same cells, with the names replaced. */
function csvProblem(ch: FileChange, matcher: KeyMatcher): { line?: number; message: string; hint: string } | undefined {
  const firstLine = ch.before.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes(',') ? ',' : firstLine.includes(';') ? ';' : firstLine.includes('\t') ? '\t' : ',';
  const read = (text: string) => parseCsv(text, { info: true, bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  const before = read(ch.before);
  let after: ReturnType<typeof read>;
  try {
    after = read(ch.after);
  } catch (e) {
    return { line: (e as { lines?: number }).lines, message: 'replacing the names would make the file unreadable CSV', hint: 'quote the cell (or change the pseudonym in the key), then run again' };
  }
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    const b = before[i]?.record.map((c) => matcher.replace(c));
    const a = after[i]?.record;
    if (!a || !b || a.length !== b.length || a.some((c, j) => c !== b[j]))
      return { line: before[i]?.info.lines ?? after[i]?.info.lines, message: 'replacing the name on this row would change its cells beyond the name (a pseudonym with the separator in it?)', hint: 'quote the cell (or change the pseudonym in the key), then run again' };
  }
  return undefined;
}

/** The same segments, lines, roles and speakers (labels replaced) before and after. */
function structureProblem(a: Document, b: Document, matcher: KeyMatcher): { line?: number; message: string } | undefined {
  if (a.id !== b.id) return { message: `would make it ${b.id}'s transcript instead of ${a.id}'s` };
  const la = a.segmentList;
  const lb = b.segmentList;
  const n = Math.min(la.length, lb.length);
  for (let i = 0; i < n; i++) {
    const sa = la.speaker(i);
    const label = sa === null ? null : matcher.replace(sa);
    if (la.startLine(i) !== lb.startLine(i) || la.endLine(i) !== lb.endLine(i)) return { line: la.startLine(i), message: 'would cut this transcript into other segments here' };
    if (la.role(i) !== lb.role(i) || la.participant(i) !== lb.participant(i) || lb.speaker(i) !== label) {
      return { line: la.startLine(i), message: `would change who speaks here (${la.role(i)}${la.participant(i) ? ` ${la.participant(i)}` : ''} → ${lb.role(i)}${lb.participant(i) ? ` ${lb.participant(i)}` : ''}): a speaker label named in qualwave.yaml or front matter?` };
    }
  }
  if (la.length !== lb.length) return { line: la.length > n ? la.startLine(n) : lb.startLine(n), message: `would give it ${lb.length} segments instead of ${la.length}` };
  return undefined;
}

/** One coding moved with its text: the new span, hash and whether it was widened to a whole pseudonym. */
function moveCoding(c: Coding, dc: { before: LineIndex; after: LineIndex; map: OffsetMap; reps: Replacement[] }): { coding: Coding; widened: boolean } | { problem: string } {
  let next: Coding;
  let widened = false;
  let expected: string | undefined;
  if (!hasColumns(c)) {
    // Whole lines stay the same lines (a name and its pseudonym are on one line).
    next = { ...c };
    if (c.endLine <= dc.before.lineCount) {
      const start = dc.before.starts[c.startLine - 1]!;
      const end = dc.before.ends[c.endLine - 1]!;
      expected = replacedWithin(dc.before.text, dc.reps, start, end)
        .split('\n')
        .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l).trim())
        .join('\n');
    }
  } else {
    const r = dc.before.range(c);
    if ('problem' in r) return { problem: `${formatSpan(c)}: ${r.problem}` };
    const s = dc.map.map(r.start, 'start');
    const e = dc.map.map(r.end, 'end');
    widened = s.cut || e.cut;
    const span = dc.after.spanOf(s.offset, e.offset);
    if (!span) return { problem: `${formatSpan(c)} has no place in the pseudonymised text` };
    next = withSpan(c, span);
    if (!widened) expected = exactText(replacedWithin(dc.before.text, dc.reps, r.start, r.end), 0, Infinity);
  }
  const now = spanText(dc.after, next);
  if (expected !== undefined && now !== expected) return { problem: `${formatSpan(c)} would not mark its text with the names replaced (as ${formatSpan(next)})` };
  if (c.hash !== undefined && now !== undefined) next.hash = textHash(now);
  return { coding: next, widened };
}

/** A name replaced inside an autocode pattern by a pseudonym with characters that mean something in a pattern. */
function patternWarnings(study: Study, key: Key, changes: readonly FileChange[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const ch of changes) {
    if (ch.kind !== 'codebook') continue;
    const patternLines = new Set<number>();
    for (const code of study.codebook.codes) if (code.file === ch.file) for (const l of code.patternLines ?? []) if (l !== undefined) patternLines.add(l);
    const index = new LineIndex(ch.before);
    for (const r of ch.replacements) {
      const line = index.lineAt(r.start);
      if (patternLines.has(line) && /[\\^$.*+?()[\]{}|]/.test(r.text)) out.push(warning(ch.file, line, `${rowName(key, key.entries[r.entry]!)}: the name in this pattern is replaced by a pseudonym with characters that patterns read as operators`, 'check the pattern (escape them with \\ to match them as written)'));
    }
  }
  return out;
}

/** Whether `word` occurs in `text` as a whole word. */
function holdsWord(text: string, word: string): boolean {
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
    if (!WORD_CHAR.test(text[i - 1] ?? '') && !WORD_CHAR.test(text[i + word.length] ?? '')) return true;
  }
  return false;
}
