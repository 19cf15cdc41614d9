import type { Participant } from './types.js';

/** `--where ATTR=VALUE` (repeatable; several values with commas: `site=north,south`). */
export interface Where {
  attribute: string;
  values: string[];
}

export function parseWhere(expr: string): Where | undefined {
  const i = expr.indexOf('=');
  if (i <= 0) return undefined;
  return {
    attribute: expr.slice(0, i).trim(),
    values: expr
      .slice(i + 1)
      .split(',')
      .map((v) => v.trim()),
  };
}

/** Whether a participant matches every condition. */
export function matchesWhere(p: Participant | undefined, where: readonly Where[]): boolean {
  return where.every((w) => p !== undefined && w.values.includes(p.attributes[w.attribute] ?? ''));
}
