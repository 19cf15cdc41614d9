import { UsageError } from '../../core/errors.js';
import type { CommandSpec } from './command.js';
import { GLOBAL } from './groups.js';
import { flagOf, type OptionSpec } from './kinds.js';
import { didYouMeanSuffix } from '../../core/text/suggest.js';

/**
 * The files each output format is written as, by extension: the one place that says which
 * extension means which format. `tidy` (codings export) is CSV, TSV or JSON Lines by extension.
 */
export const FORMAT_EXTENSIONS: Record<string, readonly string[]> = {
  table: ['txt'],
  csv: ['csv'],
  tsv: ['tsv', 'tab'],
  md: ['md', 'markdown'],
  latex: ['tex'],
  json: ['json'],
  html: ['html', 'htm'],
  svg: ['svg'],
  png: ['png'],
  pdf: ['pdf'],
  docx: ['docx'],
  qdpx: ['qdpx'],
  qdc: ['qdc'],
  tidy: ['csv', 'tsv', 'tab', 'jsonl', 'ndjson'],
  'tidy-tsv': ['tsv', 'tab'],
  'tidy-jsonl': ['jsonl', 'ndjson'],
};

/** Extensions of file kinds qualwave never writes: named so that the error can say what they are. */
const FOREIGN: Record<string, string> = {
  xlsx: 'an Excel workbook',
  xls: 'an Excel workbook',
  ods: 'an OpenDocument spreadsheet',
  doc: 'an old Word document',
  odt: 'an OpenDocument text',
  rtf: 'rich text',
  pptx: 'a PowerPoint deck',
  jpg: 'a JPEG image',
  jpeg: 'a JPEG image',
  tif: 'a TIFF image',
  tiff: 'a TIFF image',
  gif: 'a GIF image',
  webp: 'a WebP image',
  eps: 'PostScript',
  ps: 'PostScript',
  xml: 'XML',
  yaml: 'YAML',
  yml: 'YAML',
  sav: 'an SPSS file',
  dta: 'a Stata file',
  rds: 'an R data file',
  parquet: 'Parquet',
  zip: 'a zip archive',
};

/** The lower-case extension of a file name ("" when it has none). */
export function extensionOf(file: string | undefined): string {
  const base = file?.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** The first of `supported` that an output file's extension names, if any. */
export function formatFromExtension<F extends string>(file: string | undefined, supported: readonly F[]): F | undefined {
  const ext = extensionOf(file);
  return ext ? supported.find((f) => FORMAT_EXTENSIONS[f]?.includes(ext)) : undefined;
}

/**
 * The format for an output: --format if given, else the one the --output file's extension names,
 * else the command's default. A file whose extension names a format the command cannot write, or
 * that disagrees with --format, is refused (exit 2): a file never gets the wrong content.
 */
export function outputFormat<F extends string>(asked: string | undefined, output: string | undefined, supported: readonly F[], fallback: F): F {
  const list = (): string => supported.map((f) => `${f} (${(FORMAT_EXTENSIONS[f] ?? []).map((e) => `.${e}`).join(' ') || 'stdout'})`).join(', ');
  if (asked !== undefined && !(supported as readonly string[]).includes(asked)) throw new UsageError(`--format ${asked} is not supported by this command`, `use one of: ${supported.join(', ')}`);
  const ext = extensionOf(output);
  const known = ext !== '' && (FOREIGN[ext] !== undefined || Object.values(FORMAT_EXTENSIONS).some((e) => e.includes(ext)));
  if (asked !== undefined) {
    if (known && !(FORMAT_EXTENSIONS[asked] ?? []).includes(ext)) {
      throw new UsageError(`--format ${asked} does not write .${ext} files (${output})`, `name the file ${output!.slice(0, output!.length - ext.length)}${FORMAT_EXTENSIONS[asked]?.[0] ?? 'txt'}, or choose the format the name says`);
    }
    return asked as F;
  }
  if (ext === '' || output === undefined) return fallback;
  const inferred = formatFromExtension(output, supported);
  if (inferred) return inferred;
  if (!known) throw new UsageError(`cannot tell the format of ${output} from its extension .${ext}`, `give --format, one of: ${supported.join(', ')}`);
  throw new UsageError(`this command cannot write ${FOREIGN[ext] ?? `.${ext} files`} (${output})`, `it writes: ${list()}`);
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
    opts['format'] = outputFormat(asked, output, formats, spec.defaultFormat ?? formats[0]!);
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
