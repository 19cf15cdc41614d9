import { UsageError } from '../../core/errors.js';
import type { CommandSpec } from './command.js';
import { GLOBAL } from './groups.js';
import { flagOf, type OptionSpec } from './kinds.js';
import { didYouMeanSuffix } from '../../core/text/suggest.js';

const EXTENSIONS: Record<string, string> = { qdpx: 'qdpx', qdc: 'qdc', svg: 'svg', docx: 'docx', csv: 'csv', tsv: 'tsv', md: 'md', markdown: 'md', tex: 'latex', json: 'json', html: 'html', htm: 'html', txt: 'table' };

/** The format an output file's extension asks for, when the command supports it. */
export function formatFromExtension<F extends string>(file: string | undefined, supported: readonly F[]): F | undefined {
  const ext = file?.slice(file.lastIndexOf('.') + 1).toLowerCase();
  const f = ext ? EXTENSIONS[ext] : undefined;
  return f !== undefined && (supported as readonly string[]).includes(f) ? (f as F) : undefined;
}

export interface Parsed {
  /** The typed options: every declared option (its default when absent), the program's, and the format. */
  opts: Record<string, unknown>;
  /** The options given on the command line (by key), for rules across options. */
  given: Set<string>;
}

/**
 * Raw values (as commander collected them: strings, string arrays, booleans) into the typed
 * options of a command: each value checked by its declaration (type, range, choices; a
 * UsageError names the flag and the allowed values), defaults filled in, and --format resolved
 * (given, else from the --output extension, else the command's default) against the command's
 * formats.
 */
export function parseOptions(name: string, spec: CommandSpec, raw: Record<string, unknown>): Parsed {
  const opts: Record<string, unknown> = {};
  const given = new Set<string>();
  const all: Array<[string, OptionSpec]> = [...Object.entries(GLOBAL), ...Object.entries(spec.options)];
  for (const [key, option] of all) {
    const v = raw[key];
    const present = v !== undefined && !(option.kind === 'flag' && !option.negatable && v === false && !('negatedOnly' in option));
    if (present) given.add(key);
    if (key === 'format') continue;
    opts[key] = option.parse(present ? v : undefined, flagOf(key));
  }
  const formats = spec.formats ?? [];
  const output = opts['output'] as string | undefined;
  if (formats.length === 0) {
    if (raw['format'] !== undefined) throw new UsageError(`qualwave ${name} has no --format: it prints no table or data`, `remove --format ${String(raw['format'])}`);
    if (output !== undefined && spec.output !== true) throw new UsageError(`qualwave ${name} has no --output: it writes into the study (or prints messages only)`, `remove --output ${output}`);
    opts['format'] = undefined;
  } else {
    if (output !== undefined && spec.output === false) throw new UsageError(`qualwave ${name} writes into the study, not to --output`, 'leave out --output');
    const asked = raw['format'] === undefined ? undefined : String(raw['format']);
    const format = asked ?? formatFromExtension(output, formats) ?? spec.defaultFormat ?? formats[0]!;
    if (!(formats as readonly string[]).includes(format)) throw new UsageError(`--format ${format} is not supported by this command`, `use one of: ${formats.join(', ')}`);
    opts['format'] = format;
  }
  return { opts, given };
}

/** A positional argument checked against its declared choices. */
export function checkArgs(spec: CommandSpec, args: unknown[]): void {
  (spec.args ?? []).forEach((a, i) => {
    const v = args[i];
    if (a.choices && typeof v === 'string' && !a.choices.includes(v)) throw new UsageError(`no ${a.noun ?? a.name} '${v}'${didYouMeanSuffix(v, a.choices)}`, `${a.noun ?? a.name}s: ${a.choices.join(', ')}`);
  });
}
