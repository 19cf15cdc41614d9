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

/** "12" or "12-14" from the command line. */
export function parseLines(value: string): { startLine: number; endLine: number } {
  const m = /^(\d+)(?:-(\d+))?$/.exec(value.trim());
  if (!m) throw new UsageError(`--lines ${value}: expected a line or a range like 12-14`);
  const startLine = Number(m[1]);
  const endLine = m[2] === undefined ? startLine : Number(m[2]);
  if (startLine < 1 || endLine < startLine) throw new UsageError(`--lines ${value}: the range is empty or starts before line 1`);
  return { startLine, endLine };
}
