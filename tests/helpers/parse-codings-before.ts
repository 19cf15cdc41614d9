import { parse } from 'csv-parse/sync';
import { error, type Diagnostic } from '../../src/core/diagnostics/diagnostic.js';
import { CODINGS_COLUMNS, parseCodingRow } from '../../src/core/coding/store.js';
import type { Coding } from '../../src/core/coding/types.js';
import { didYouMeanSuffix } from '../../src/core/text/suggest.js';

/**
 * parseCodingsFile as it was before it read the rows as they come (round 8): every record (with
 * its info) parsed first, then the codings made from them. The oracle of the streamed parse.
 */
const REQUIRED = ['participant', 'wave', 'lines', 'code'] as const;

export function parseCodingsFileBefore(file: string, text: string, coder: string): { codings: Coding[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const codings: Coding[] = [];
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { delimiter: '\t', info: true, bom: true, relax_column_count: true, skip_empty_lines: true, relax_quotes: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (e) {
    const err = e as Error & { lines?: number };
    diagnostics.push(error(file, err.lines, `cannot read codings: ${err.message.replace(/ at line \d+$/, '')}`, 'each line is tab-separated: participant, wave, lines, code, exemplar, memo, hash'));
    return { codings, diagnostics };
  }
  const header = records[0]?.record.map((h) => h.trim());
  if (!header) return { codings, diagnostics };
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    diagnostics.push(error(file, 1, `the header lacks ${missing.map((m) => `'${m}'`).join(', ')}`, `the first line must be: ${CODINGS_COLUMNS.join(' <tab> ')}`));
    return { codings, diagnostics };
  }
  for (const h of header) {
    if (!(CODINGS_COLUMNS as readonly string[]).includes(h)) diagnostics.push(error(file, 1, `unknown column '${h}'${didYouMeanSuffix(h, CODINGS_COLUMNS)}`, `columns: ${CODINGS_COLUMNS.join(', ')}`));
  }
  const col = (name: string): number => header.indexOf(name);
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    const get = (name: string): string => (col(name) >= 0 ? (record[col(name)] ?? '').trim() : '');
    const parsed = parseCodingRow({ participant: get('participant'), wave: get('wave'), lines: get('lines'), code: get('code'), exemplar: get('exemplar'), memo: get('memo'), hash: get('hash') }, coder, { file, line });
    if ('diagnostic' in parsed) diagnostics.push(parsed.diagnostic);
    else codings.push(parsed.coding);
  }
  return { codings, diagnostics };
}

/** codingKey as it was: a template literal (the oracle of the joined key). */
export function codingKeyBefore(c: Pick<Coding, 'coder' | 'participant' | 'wave' | 'startLine' | 'endLine' | 'startColumn' | 'endColumn' | 'code'>): string {
  return `${c.coder}\u0000${c.participant}\u0000${c.wave}\u0000${c.startLine}\u0000${c.endLine}\u0000${c.startColumn ?? ''}\u0000${c.endColumn ?? ''}\u0000${c.code}`;
}
