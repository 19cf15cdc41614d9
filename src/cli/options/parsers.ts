import { parseSpan, SPAN_HINT, type SpanFields } from '../../core/coding/span.js';
import { UsageError } from '../../core/errors.js';
import { parseWhere, type Where } from '../../core/study/filters.js';
import { didYouMeanSuffix } from '../../core/text/suggest.js';

/** Parsers of option values that have a shape of their own (the kinds in kinds.ts call them). */

/** `--where ATTR=VALUE[,VALUE]`. */
export function whereValue(value: string, flag: string): Where {
  const w = parseWhere(value);
  if (!w) throw new UsageError(`${flag} ${value}: expected ATTRIBUTE=VALUE`, `e.g. ${flag} site=north or ${flag} experience=new,experienced`);
  return w;
}

/** A span as an editor numbers it: "12", "12-14" (whole lines), "12:5-12:40", "12:5-14:3" (exact, code points, the end included). */
export function lineRange(value: string, flag: string): SpanFields {
  const parsed = parseSpan(value);
  if ('problem' in parsed) throw new UsageError(`${flag} ${value}: ${parsed.problem}`, SPAN_HINT);
  return parsed.span;
}

/** `--min alpha=0.8`: the gate names the command line accepts. */
export const GATE_NAMES = ['alpha', 'kappa', 'cohen', 'fleiss', 'conger', 'pi', 'scott', 'ac1', 'ac2', 'bp', 'agreement', 'weighted', 'ualpha'] as const;
export type GateName = (typeof GATE_NAMES)[number];
export interface Gate {
  name: GateName;
  min: number;
}

export function gate(value: string, flag: string): Gate {
  const m = /^([a-z0-9]+)\s*=\s*(-?[0-9.]+)$/i.exec(value.trim());
  const name = m?.[1]?.toLowerCase();
  if (!m || !name || !(GATE_NAMES as readonly string[]).includes(name) || !Number.isFinite(Number(m[2]))) {
    throw new UsageError(`${flag} ${value}: expected NAME=VALUE with NAME one of ${GATE_NAMES.join(', ')}${name ? didYouMeanSuffix(name, GATE_NAMES) : ''}`, `e.g. ${flag} alpha=0.8 ${flag} kappa=0.7`);
  }
  return { name: name as GateName, min: Number(m[2]) };
}
