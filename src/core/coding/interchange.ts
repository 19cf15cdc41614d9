import { parse } from 'csv-parse/sync';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { guardCsvCell, unguardCsvCell } from '../format/escape.js';
import { stringifyCsv } from '../format/table.js';
import type { Study } from '../study/types.js';
import { didYouMeanSuffix } from '../text/suggest.js';
import { checkCodings } from './check.js';
import { parseCodingRow, sortCodings } from './store.js';
import { isCoderName, type Coding } from './types.js';

/**
 * The interchange CSV: how codings come from and go to NVivo, ATLAS.ti, MAXQDA and spreadsheets.
 * Header `coder,participant,wave,start_line,end_line,code` with optional `memo`, `exemplar`,
 * `document` (the transcript's path, checked against participant and wave when given).
 */
export const INTERCHANGE_REQUIRED = ['coder', 'participant', 'wave', 'start_line', 'end_line', 'code'] as const;
export const INTERCHANGE_OPTIONAL = ['memo', 'exemplar', 'document'] as const;
const ALL = [...INTERCHANGE_REQUIRED, ...INTERCHANGE_OPTIONAL] as const;

export interface ImportResult {
  /** Valid codings, in file order. */
  codings: Coding[];
  /** Problems, each naming the CSV file and line. */
  diagnostics: Diagnostic[];
  /** Rows read (excluding the header). */
  rows: number;
}

export function readInterchangeCsv(file: string, text: string, study: Study): ImportResult {
  const diagnostics: Diagnostic[] = [];
  const codings: Coding[] = [];
  let records: Array<{ record: string[]; info: { lines: number } }>;
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = firstLine.includes(',') ? ',' : firstLine.includes(';') ? ';' : firstLine.includes('\t') ? '\t' : ',';
  try {
    records = parse(text, { delimiter, info: true, bom: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (e) {
    const err = e as Error & { lines?: number };
    return { codings, rows: 0, diagnostics: [error(file, err.lines, `cannot read CSV: ${err.message.replace(/ at line \d+$/, '')}`, 'check for an unclosed double quote')] };
  }
  const header = (records[0]?.record ?? []).map((h) => h.trim().toLowerCase());
  const missing = INTERCHANGE_REQUIRED.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    return { codings, rows: 0, diagnostics: [error(file, 1, `the header lacks ${missing.join(', ')}`, `the first row must name the columns: ${INTERCHANGE_REQUIRED.join(',')} (and optionally ${INTERCHANGE_OPTIONAL.join(', ')})`)] };
  }
  header.forEach((h) => {
    if (!(ALL as readonly string[]).includes(h)) diagnostics.push(error(file, 1, `unknown column '${h}'${didYouMeanSuffix(h, ALL)}`, `columns: ${ALL.join(', ')}`));
  });
  if (diagnostics.length > 0) return { codings, rows: 0, diagnostics };
  const docs = new Map(study.documents.map((d) => [d.id, d]));
  const rows = records.slice(1);
  for (const { record, info } of rows) {
    const line = info.lines;
    // A cell qualwave guarded against spreadsheet formulas on export reads back as it was.
    const get = (name: string): string => (header.indexOf(name) >= 0 ? unguardCsvCell((record[header.indexOf(name)] ?? '').trim()) : '');
    const coder = get('coder').normalize('NFC');
    if (!coder) {
      diagnostics.push(error(file, line, 'row has no coder', 'every coding needs the coder who made it (e.g. alice)'));
      continue;
    }
    if (!isCoderName(coder)) {
      diagnostics.push(error(file, line, `coder '${coder}' is not a usable name`, "use letters, digits, '-', '_' and '.'"));
      continue;
    }
    const parsed = parseCodingRow({ participant: get('participant'), wave: get('wave'), startLine: get('start_line'), endLine: get('end_line'), code: get('code'), exemplar: get('exemplar'), memo: get('memo') }, coder, { file, line });
    if ('diagnostic' in parsed) {
      diagnostics.push(parsed.diagnostic);
      continue;
    }
    const document = get('document');
    const doc = docs.get(`${parsed.coding.participant}/${parsed.coding.wave}`);
    if (document && doc && !(doc.file === document || doc.file.endsWith(`/${document}`))) {
      diagnostics.push(error(file, line, `document '${document}' is not the transcript of ${parsed.coding.participant} at ${parsed.coding.wave} (${doc.file})`, 'fix the participant, the wave or the document column'));
      continue;
    }
    codings.push(parsed.coding);
  }
  // Study-level checks: participant, wave, interview, lines, code (did-you-mean), duplicates.
  const problems = checkCodings(study, codings).filter((d) => d.severity === 'error');
  const badLines = new Set(problems.map((d) => d.line));
  diagnostics.push(...problems);
  return { codings: codings.filter((c) => !badLines.has(c.source?.line)), diagnostics, rows: rows.length };
}

/** Every coding as interchange CSV; text cells carry the spreadsheet formula guard unless `raw`. */
export function writeInterchangeCsv(codings: readonly Coding[], study: Study, opts: { raw?: boolean } = {}): string {
  const files = new Map(study.documents.map((d) => [d.id, d.file]));
  const rows = sortCodings(codings, study.config.waves.map((w) => w.id)).map((c) => [c.coder, c.participant, c.wave, String(c.startLine), String(c.endLine), c.code, c.memo ?? '', c.exemplar ? 'yes' : '', files.get(`${c.participant}/${c.wave}`) ?? ''].map((cell) => guardCsvCell(cell, opts.raw)));
  return stringifyCsv([[...INTERCHANGE_REQUIRED, ...INTERCHANGE_OPTIONAL], ...rows]);
}
