import type { OptionSpec, OptionsOf } from './kinds.js';
import type { GLOBAL } from './groups.js';

/** A positional argument. */
export interface ArgSpec {
  name: string;
  meaning: string;
  required?: boolean;
  variadic?: boolean;
  /** For an optional argument: the value when it is absent. */
  default?: string;
  choices?: readonly string[];
  /** How a wrong value is named in its error ("no figure 'x'"); default the argument's name. */
  noun?: string;
}

/** One command, declared once: what `--help`, the README, the parser and the handler all read. */
export interface CommandSpec<O extends Record<string, OptionSpec> = Record<string, OptionSpec>, F extends string = string> {
  summary: string;
  args?: readonly ArgSpec[];
  options: O;
  /** The formats of --format (none: the command takes no --format), and the one used when neither --format nor the --output extension names one. */
  formats?: readonly F[];
  defaultFormat?: F;
  /** Whether the command writes its output to stdout or --output (default: when it has formats). */
  output?: boolean;
  /** Help text between the options and the examples (formats, keys, rules). */
  notes?: string;
  examples: readonly string[];
  /** The module under src/cli/commands/ and its handler (default `run`). */
  module: string;
  handler?: string;
  /** The sub-command run when only the group is named (`qualwave codings`). */
  isDefault?: boolean;
}

export function command<const O extends Record<string, OptionSpec>, const F extends string = never>(spec: CommandSpec<O, F>): CommandSpec<O, F> {
  return spec;
}

export type GlobalOptions = Omit<OptionsOf<typeof GLOBAL>, 'format'>;

/** What a handler receives: its own options, typed, and the program's. */
export type ParsedOptions<S> = S extends CommandSpec<infer O, infer F> ? OptionsOf<O> & GlobalOptions & { format: [F] extends [never] ? undefined : F } : never;
