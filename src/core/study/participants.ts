import { parseTable } from '../format/read-table.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMeanSuffix } from '../text/suggest.js';
import type { Participant } from './types.js';

const PARTICIPANT_ID = /^[\p{L}\p{N}][\p{L}\p{N}_.-]*$/u;

/**
 * Parse participants.csv: a header row with the id column and any attribute columns, then one row
 * per participant. Comma, semicolon (spreadsheets in French locales) or tab separated.
 */
export function parseParticipants(file: string, text: string, idColumn: string): { participants: Participant[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const participants: Participant[] = [];
  const read = parseTable(text, file, { trim: true });
  if (!read.table) {
    diagnostics.push(read.diagnostic);
    return { participants, diagnostics };
  }
  const records = [{ record: read.table.header, line: 1 }, ...read.table.rows.map((r) => ({ record: r.cells, line: r.line }))];
  const header = read.table.header.length ? records[0] : undefined;
  if (!header) {
    diagnostics.push(error(file, 1, 'participants file is empty', `add a header row such as '${idColumn},site,sex' and one row per participant`));
    return { participants, diagnostics };
  }
  const columns = header.record;
  const idIndex = columns.indexOf(idColumn);
  if (idIndex < 0) {
    diagnostics.push(error(file, 1, `no '${idColumn}' column in the header (${columns.join(', ')})${didYouMeanSuffix(idColumn, columns)}`, `name the participant id column '${idColumn}', or set participants.id in qualwave.yaml to the column's name`));
    return { participants, diagnostics };
  }
  columns.forEach((c, i) => {
    if (c === '') diagnostics.push(error(file, 1, `column ${i + 1} of the header has no name`, 'give every column a name'));
    else if (columns.indexOf(c) !== i) diagnostics.push(error(file, 1, `column '${c}' appears twice in the header`, 'give every column a distinct name'));
  });
  const seen = new Map<string, number>();
  for (const { record, line } of records.slice(1)) {
    if (record.length !== columns.length) {
      diagnostics.push(error(file, line, `row has ${record.length} value${record.length === 1 ? '' : 's'} but the header has ${columns.length} columns`, 'add the missing values (empty is fine: a,,c) or quote values that contain the separator'));
      continue;
    }
    // Ids compare in Unicode NFC (a spreadsheet on a Mac may write them decomposed).
    const id = (record[idIndex] ?? '').normalize('NFC');
    if (id === '') {
      diagnostics.push(error(file, line, 'row has an empty participant id', `fill in the '${idColumn}' column or delete the row`));
      continue;
    }
    if (!PARTICIPANT_ID.test(id)) {
      diagnostics.push(error(file, line, `participant id '${id}' is not valid`, "ids appear in file names and attributions: use letters, digits, '-', '_' or '.' (e.g. MS07, F2-01)"));
      continue;
    }
    const first = seen.get(id);
    if (first !== undefined) {
      diagnostics.push(error(file, line, `participant '${id}' is listed twice (first at line ${first})`, 'keep one row per participant'));
      continue;
    }
    seen.set(id, line);
    const attributes: Record<string, string> = {};
    columns.forEach((c, i) => {
      if (i !== idIndex && c !== '') attributes[c] = record[i] ?? '';
    });
    participants.push({ id, attributes, line });
  }
  return { participants, diagnostics };
}
