import { parse } from 'csv-parse/sync';
import { normalise } from '../coding/place.js';
import { formatSpan, lineIndexOf } from '../coding/span.js';
import { spanHash } from '../coding/text.js';
import { codingKey, type Coding } from '../coding/types.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Document, Study } from '../study/types.js';
import { slug } from './ids.js';
import { emptyReport, type ImportReport, type TagCount } from './plan.js';
import { squeezed, tagCodes } from './taguette.js';

/**
 * Taguette's highlights CSV export (`id,document,tag,content`, one row per highlight and tag,
 * ordered by document, then by where the highlight starts) into a study that holds the transcripts:
 * each document matched by name to a transcript, each tag to a code of the codebook, each highlight
 * placed by its text, whitespace-insensitively (Taguette's `content` joins the document's text
 * pieces with spaces and drops its line breaks). A text found once is placed; found several times,
 * the export's order (by start) decides when only one place fits it, else the highlight is placed at
 * the first place that fits and listed as unverified. Pure: no I/O.
 */
export interface CsvPlan {
  codings: Coding[];
  report: ImportReport;
  diagnostics: Diagnostic[];
  /** Transcripts the CSV has highlights in. */
  documents: Array<{ participant: string; wave: string }>;
}

interface Row {
  line: number;
  id: string;
  document: string;
  tag: string;
  content: string;
}

/** The text with all whitespace left out (quotes as in place.ts), and for each of its UTF-16 units where it came from. */
function squeezeWithMap(text: string): { text: string; starts: number[]; ends: number[] } {
  const n = normalise(text);
  let out = '';
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < n.text.length; i++) {
    if (n.text[i] === ' ') continue;
    out += n.text[i];
    starts.push(n.starts[i]!);
    ends.push(n.ends[i]!);
  }
  return { text: out, starts, ends };
}

const stem = (s: string): string =>
  s
    .trim()
    .toLowerCase()
    .replace(/\.[a-z0-9]{1,5}$/i, '');

/** The study's transcript a Taguette document name stands for: its file name, or participant_wave / participant/wave. */
export function matchDocument(study: Pick<Study, 'documents'>, name: string): Document | undefined {
  const want = stem(name);
  const found = study.documents.filter((d) => stem(d.file.split('/').pop()!) === want || `${d.participant}_${d.wave}`.toLowerCase() === want || d.id.toLowerCase() === want);
  return found.length === 1 ? found[0] : undefined;
}

export function planTaguetteCsv(file: string, text: string, study: Pick<Study, 'documents' | 'codebook'>, coder: string): CsvPlan {
  const report = emptyReport('taguette-csv');
  const diagnostics: Diagnostic[] = [];
  const plan: CsvPlan = { codings: [], report, diagnostics, documents: [] };
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { info: true, bom: true, relax_column_count: true, skip_empty_lines: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (e) {
    const err = e as Error & { lines?: number };
    diagnostics.push(error(file, err.lines, `cannot read CSV: ${err.message.replace(/ at line \d+$/, '')}`, 'check for an unclosed double quote'));
    return plan;
  }
  const header = (records[0]?.record ?? []).map((h) => h.trim().toLowerCase());
  const col = (n: string) => header.indexOf(n);
  const missing = ['id', 'document', 'tag', 'content'].filter((c) => col(c) < 0);
  if (missing.length) {
    diagnostics.push(error(file, 1, `the header lacks ${missing.join(', ')}: not Taguette's highlights export`, 'in Taguette: Highlights → Export → CSV; its first row is id,document,tag,content'));
    return plan;
  }
  const rows: Row[] = records.slice(1).map((r) => ({ line: r.info.lines, id: (r.record[col('id')] ?? '').trim(), document: r.record[col('document')] ?? '', tag: (r.record[col('tag')] ?? '').trim(), content: r.record[col('content')] ?? '' }));
  // Tags → codes of the study's codebook: by the id Taguette's path gives, else by label.
  const tags = [...new Set(rows.map((r) => r.tag).filter(Boolean))];
  const { codeOf } = tagCodes(tags.map((path, i) => ({ id: i, path, description: '' })));
  const codeFor = new Map<string, string>();
  const unknownTags: string[] = [];
  tags.forEach((t, i) => {
    const byPath = codeOf.get(i)!;
    const last = t
      .split(t.includes('/') ? '/' : '.')
      .pop()!
      .trim()
      .toLowerCase();
    const found = study.codebook.byId.get(byPath) ?? study.codebook.byId.get(slug(t, new Set())) ?? study.codebook.codes.find((c) => c.label.toLowerCase() === t.toLowerCase()) ?? study.codebook.codes.filter((c) => c.label.toLowerCase() === last).at(0);
    if (found) codeFor.set(t, found.id);
    else unknownTags.push(t);
  });
  for (const t of unknownTags) {
    const line = rows.find((r) => r.tag === t)!.line;
    diagnostics.push(error(file, line, `tag '${t}' is not a code of the codebook`, `add it (qualwave codebook add ${codeOf.get(tags.indexOf(t))} --label '${t}'), or import Taguette's codebook export first (qualwave import codebook.qdc)`));
  }
  // Documents → transcripts.
  const docOf = new Map<string, Document>();
  for (const name of [...new Set(rows.map((r) => r.document))]) {
    const d = matchDocument(study, name);
    if (d) docOf.set(name, d);
    else diagnostics.push(error(file, rows.find((r) => r.document === name)!.line, `document '${name}' is not a transcript of the study (matched by file name, or as PARTICIPANT_WAVE)`, 'add its transcript to the study first (qualwave add), named as the document is in Taguette'));
  }
  if (diagnostics.length) return plan;
  const counts = new Map<string, TagCount>(tags.map((t) => [t, { tag: t, code: codeFor.get(t)!, highlights: 0, codings: 0, placed: 0, unverified: 0, dropped: 0 }]));
  const drop = (k: string) => (report.dropped[k] = (report.dropped[k] ?? 0) + 1);
  const seen = new Set<string>();
  // Highlights per document, in the export's order; a highlight with several tags is several rows with one id.
  const byDoc = new Map<string, Array<{ id: string; content: string; tags: Row[] }>>();
  for (const r of rows) {
    const list = byDoc.get(r.document) ?? [];
    const last = list[list.length - 1];
    if (last && last.id === r.id && r.id !== '') last.tags.push(r);
    else list.push({ id: r.id, content: r.content, tags: [r] });
    byDoc.set(r.document, list);
  }
  for (const [name, highlights] of byDoc) {
    const doc = docOf.get(name)!;
    const index = lineIndexOf(doc);
    const hay = squeezeWithMap(index.text);
    const places = highlights.map((h) => {
      const needle = squeezed(h.content);
      const out: number[] = [];
      if (needle) for (let k = hay.text.indexOf(needle); k >= 0; k = hay.text.indexOf(needle, k + 1)) out.push(k);
      return { needle, at: out };
    });
    // Earliest and latest assignment consistent with the export's order (starts never decrease).
    const early: Array<number | undefined> = [];
    let prev = -1;
    for (const p of places) {
      const k = p.at.find((x) => x >= prev);
      early.push(k);
      if (k !== undefined) prev = k;
    }
    const late: Array<number | undefined> = new Array(places.length);
    let next = Infinity;
    for (let i = places.length - 1; i >= 0; i--) {
      const cands = places[i]!.at.filter((x) => x <= next);
      const k = cands.length ? cands[cands.length - 1] : undefined;
      late[i] = k;
      if (k !== undefined) next = k;
    }
    plan.documents.push({ participant: doc.participant, wave: doc.wave });
    highlights.forEach((h, i) => {
      const p = places[i]!;
      for (const r of h.tags) if (r.tag) counts.get(r.tag)!.highlights++;
      const k = early[i];
      if (!p.needle || k === undefined) {
        for (const r of h.tags) {
          if (r.tag) counts.get(r.tag)!.dropped++;
          report.unverifiedCodings.push({ coder, participant: doc.participant, wave: doc.wave, code: codeFor.get(r.tag) ?? '', lines: '', text: short(h.content), why: `${file}:${r.line}: highlight ${h.id}: ${p.needle ? 'its text is not in the transcript' : 'it has no text'}`, placed: false, selection: h.id });
          drop(p.needle ? 'highlights whose text is not in the transcript' : 'highlights without text');
        }
        return;
      }
      const start = hay.starts[k]!;
      const end = hay.ends[k + p.needle.length - 1]!;
      const span = index.spanOf(start, end);
      const certain = p.at.length === 1 || early[i] === late[i];
      for (const r of h.tags) {
        if (!r.tag) {
          drop('highlights without a tag');
          continue;
        }
        const count = counts.get(r.tag)!;
        if (!span) {
          count.dropped++;
          drop('highlights that start or end on a line break');
          continue;
        }
        const c: Coding = { coder, participant: doc.participant, wave: doc.wave, ...span, code: codeFor.get(r.tag)!, exemplar: false };
        const hash = spanHash(index, span);
        if (hash) c.hash = hash;
        const key = codingKey(c);
        if (seen.has(key)) {
          count.dropped++;
          drop('duplicate highlights (same tag and text)');
          continue;
        }
        seen.add(key);
        plan.codings.push(c);
        report.codings++;
        count.codings++;
        if (certain) {
          report.placed++;
          count.placed++;
        } else {
          report.unverified++;
          count.unverified++;
          report.unverifiedCodings.push({
            coder,
            participant: doc.participant,
            wave: doc.wave,
            code: c.code,
            lines: formatSpan(c),
            text: short(h.content),
            why: `${file}:${r.line}: highlight ${h.id}: its text occurs ${p.at.length} times and the export's order does not tell which; placed at the first that fits`,
            placed: true,
            selection: h.id,
          });
        }
      }
    });
  }
  report.tags = [...counts.values()];
  report.sources = plan.documents.length;
  report.codes = tags.length;
  report.coders = plan.codings.length ? 1 : 0;
  return plan;
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 77)}...` : one;
}
