import { UsageError } from '../../core/errors.js';

/**
 * Options as data. Every option of every command is one declaration: a kind (flag, text,
 * choice, integer, number, list, repeated, or a value with its own parser), what it means, its
 * default, its choices or range. From the declarations come the commander flags, the help, the
 * README's option tables (npm run docs), the validation (exit 2 with the allowed values) and the
 * typed options object each command's handler receives.
 *
 * The flag is the property name in kebab case: `perCell` is `--per-cell`. Declaring an option
 * loads nothing: this module (and the command table) is read at every start, `--help` included.
 */
export interface OptionSpec<T = unknown> {
  kind: 'flag' | 'text' | 'choice' | 'integer' | 'number' | 'list' | 'repeated' | 'value';
  /** The argument's name in help (`--per-cell N`); none for flags. */
  arg?: string;
  /** One line: what the option means (help and README). */
  meaning: string;
  /** Shown in help and README; the value the handler gets when the option is absent. */
  default?: T;
  /** How the default reads in help when it is not a plain value ("consensus, else the only coder"). */
  defaultText?: string;
  choices?: readonly string[];
  min?: number;
  max?: number;
  /** `min`/`max` themselves are not allowed (a probability strictly between 0 and 1). */
  exclusive?: boolean;
  /** A short letter (`-o`). */
  short?: string;
  /** Also `--no-NAME` (the value is then true, false or absent). */
  negatable?: boolean;
  /** Repeatable and comma-separated (list), or repeatable (repeated). */
  many?: boolean;
  /** The README row's longer text, when the one line is not enough. */
  details?: string;
  /** Turns the raw command-line value(s) into the typed value; throws a UsageError naming the flag. */
  parse: (raw: unknown, flag: string) => T;
}

/** The flag of an option key: perCell → --per-cell. */
export function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

type Extra<T> = Partial<Pick<OptionSpec<T>, 'defaultText' | 'short' | 'details'>> & {
  /** What to do instead, when the value is refused (default: an example of a valid one). */
  hint?: string;
};

const str = (raw: unknown): string => String(raw).normalize('NFC');

/** A switch: --dry-run. The handler gets true or false (or undefined for a negatable one not given). */
export function flag(meaning: string, extra: Extra<boolean> = {}): OptionSpec<boolean> {
  return { kind: 'flag', meaning, default: false, parse: (raw) => raw === true, ...extra };
}

/** --unit-ids and --no-unit-ids: true, false, or undefined when neither is given. */
export function switchable(meaning: string, extra: Extra<boolean> = {}): OptionSpec<boolean | undefined> {
  return { kind: 'flag', meaning, negatable: true, parse: (raw) => (raw === undefined ? undefined : raw === true), ...extra };
}

/** Free text (a title, a memo, a path). */
export function text(arg: string, meaning: string, extra?: Extra<string | undefined>): OptionSpec<string | undefined>;
export function text(arg: string, meaning: string, extra: Extra<string> & { default: string }): OptionSpec<string>;
export function text(arg: string, meaning: string, extra: Extra<string | undefined> & { default?: string } = {}): OptionSpec<string | undefined> {
  return { kind: 'text', arg, meaning, parse: (raw) => (raw === undefined ? extra.default : str(raw)), ...extra };
}

/** One of a fixed list of values. */
export function choice<const C extends readonly string[]>(arg: string, choices: C, meaning: string, extra: Extra<C[number]> & { default: C[number] }): OptionSpec<C[number]>;
export function choice<const C extends readonly string[]>(arg: string, choices: C, meaning: string, extra?: Extra<C[number] | undefined>): OptionSpec<C[number] | undefined>;
export function choice<const C extends readonly string[]>(arg: string, choices: C, meaning: string, extra: Extra<C[number] | undefined> & { default?: C[number] } = {}): OptionSpec<C[number] | undefined> {
  return {
    kind: 'choice',
    arg,
    meaning,
    choices,
    parse: (raw, flag) => {
      if (raw === undefined) return extra.default;
      const v = str(raw);
      if (!choices.includes(v)) throw new UsageError(`${flag} ${v}: expected ${choices.length === 2 ? `${choices[0]} or ${choices[1]}` : `one of ${choices.join(', ')}`}`, extra.hint ?? `e.g. ${flag} ${extra.default ?? choices[0]}`);
      return v as C[number];
    },
    ...extra,
  };
}

function range(min: number | undefined, max: number | undefined, exclusive: boolean | undefined): string {
  const lo = exclusive ? 'above' : 'of at least';
  const hi = exclusive ? 'below' : 'of at most';
  if (min !== undefined && max !== undefined) return exclusive ? `between ${min} and ${max} (both excluded)` : `from ${min} to ${max}`;
  if (min !== undefined) return `${lo} ${min}`;
  if (max !== undefined) return `${hi} ${max}`;
  return '';
}

/** A whole number, with its range. */
export function integer(arg: string, meaning: string, extra: Extra<number> & { default: number; min?: number; max?: number }): OptionSpec<number>;
export function integer(arg: string, meaning: string, extra: Extra<number | undefined> & { min?: number; max?: number }): OptionSpec<number | undefined>;
export function integer(arg: string, meaning: string, extra: Extra<number | undefined> & { default?: number; min?: number; max?: number }): OptionSpec<number | undefined> {
  const { min, max } = extra;
  return {
    kind: 'integer',
    arg,
    meaning,
    parse: (raw, flag) => {
      if (raw === undefined) return extra.default;
      const s = String(raw).trim();
      const n = /^[+-]?\d+$/.test(s) ? Number(s) : NaN;
      if (!Number.isSafeInteger(n) || (min !== undefined && n < min) || (max !== undefined && n > max)) {
        throw new UsageError(`${flag} ${String(raw)}: expected a whole number${min !== undefined || max !== undefined ? ` ${range(min, max, false)}` : ''}`, extra.default !== undefined ? `the default is ${flag} ${extra.default}` : undefined);
      }
      return n;
    },
    ...extra,
  };
}

/** A number, with its range (exclusive: the bounds themselves are refused). */
export function number(arg: string, meaning: string, extra: Extra<number> & { default: number; min?: number; max?: number; exclusive?: boolean }): OptionSpec<number>;
export function number(arg: string, meaning: string, extra: Extra<number | undefined> & { min?: number; max?: number; exclusive?: boolean }): OptionSpec<number | undefined>;
export function number(arg: string, meaning: string, extra: Extra<number | undefined> & { default?: number; min?: number; max?: number; exclusive?: boolean }): OptionSpec<number | undefined> {
  const { min, max, exclusive } = extra;
  return {
    kind: 'number',
    arg,
    meaning,
    parse: (raw, flag) => {
      if (raw === undefined) return extra.default;
      const s = String(raw).trim();
      const n = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) ? Number(s) : NaN;
      const below = min !== undefined && (exclusive ? n <= min : n < min);
      const above = max !== undefined && (exclusive ? n >= max : n > max);
      if (!Number.isFinite(n) || below || above) throw new UsageError(`${flag} ${String(raw)}: expected a number${min !== undefined || max !== undefined ? ` ${range(min, max, exclusive)}` : ''}`, extra.default !== undefined ? `the default is ${flag} ${extra.default}` : undefined);
      return n;
    },
    ...extra,
  };
}

/** Ids, repeatable or comma-separated (--wave pre,post --wave 4-month); NFC. Absent: undefined. */
export function list(arg: string, meaning: string, extra: Extra<string[] | undefined> = {}): OptionSpec<string[] | undefined> {
  return {
    kind: 'list',
    arg,
    meaning,
    many: true,
    parse: (raw) => {
      if (raw === undefined) return undefined;
      const values = (raw as string[])
        .flatMap((v) => v.split(','))
        .map((v) => v.trim().normalize('NFC'))
        .filter(Boolean);
      return values;
    },
    ...extra,
  };
}

/** Repeatable, each value parsed on its own (--where a=b --where c=d); absent: []. */
export function repeated<T>(arg: string, meaning: string, parse: (value: string, flag: string) => T, extra: Extra<T[]> = {}): OptionSpec<T[]> {
  return { kind: 'repeated', arg, meaning, many: true, parse: (raw, flag) => ((raw as string[] | undefined) ?? []).map((v) => parse(v.normalize('NFC'), flag)), ...extra };
}

/** A value with its own parser (--lines 12-14). Absent: undefined. */
export function value<T>(arg: string, meaning: string, parse: (value: string, flag: string) => T, extra: Extra<T | undefined> = {}): OptionSpec<T | undefined> {
  return { kind: 'value', arg, meaning, parse: (raw, flag) => (raw === undefined ? undefined : parse(str(raw), flag)), ...extra };
}

/** The typed options object of a set of declarations. */
export type OptionsOf<S extends Record<string, OptionSpec>> = { [K in keyof S]: S[K] extends OptionSpec<infer T> ? T : never };
