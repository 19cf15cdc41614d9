import { parseSpan, SPAN_HINT, type SpanFields } from '../core/coding/span.js';
import { parseWhere, type Where } from '../core/study/filters.js';
import { UsageError } from './errors.js';

/** `--where ATTR=VALUE` values from the command line (commander collects them as strings). */
export function parseWheres(raw: readonly string[] | undefined): Where[] {
  return (raw ?? []).map((value) => {
    const w = parseWhere(value);
    if (!w) throw new UsageError(`--where ${value}: expected ATTRIBUTE=VALUE`, 'e.g. --where site=north or --where experience=new,experienced');
    return w;
  });
}

/** A span from the command line: "12", "12-14", "12:5-12:40", "12:5-14:3". */
export function parseLines(value: string): SpanFields {
  const parsed = parseSpan(value);
  if ('problem' in parsed) throw new UsageError(`--lines ${value}: ${parsed.problem}`, SPAN_HINT);
  return parsed.span;
}
