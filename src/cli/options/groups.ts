import { choice, flag, integer, list, number, repeated, text, type OptionSpec } from './kinds.js';
import { whereValue } from './parsers.js';
import { UsageError } from '../../core/errors.js';
import { DEFAULT_FONT_SIZE, DEFAULT_WIDTH } from '../../core/figures/svg.js';

/**
 * Options shared by several commands, declared once. A name means one thing everywhere:
 * - `--coder NAME`: one coder, the coder whose codings (codings/NAME.tsv) the command reads or
 *   writes; `--coders A,B`: a set of coders (to compare, reconcile, export or list).
 * - `--rows theme|code`: what the rows of a result are (agree included).
 * - `--wave`, `--participant`, `--code`, `--where`: which part of the study.
 */

/** Options of the program itself, accepted before or after any command name. */
export const GLOBAL = {
  study: text('DIR', 'the study folder', { defaultText: 'the nearest folder, from the current one upwards, holding qualwave.yaml' }),
  format: text('FORMAT', 'output format; each command lists the formats it supports', { defaultText: 'per command, or from the --output extension' }),
  output: text('FILE', 'write the output to FILE instead of stdout, atomically (temporary file, then rename); an existing file is replaced only with --force', { short: 'o' }),
  force: flag('allow replacing: an existing --output file, a coder’s codings (autocode), the consensus codings (reconcile), an imported codebook'),
  quiet: flag('print no progress or summary messages on stderr', { short: 'q' }),
  color: { kind: 'flag', meaning: 'no colour (also: NO_COLOR=1, or when the output is not a terminal; FORCE_COLOR=1 forces it)', negatedOnly: true, parse: (raw: unknown) => raw !== false } as OptionSpec<boolean> & { negatedOnly: true },
  allowOutside: flag('read transcripts, codebooks and participants outside the study folder (refused by default, see Safety)'),
  cache: { kind: 'flag', meaning: 'neither read nor write the study index in .qualwave/index/ (also: QUALWAVE_NO_CACHE=1); outputs are the same either way', negatedOnly: true, parse: (raw: unknown) => raw !== false } as OptionSpec<boolean> & { negatedOnly: true },
  debug: flag('show the stack trace of an unexpected error (a bug: please report it)'),
};

export const FILTERS = {
  wave: list('IDS', 'only these waves'),
  where: repeated('ATTR=VALUE', 'participant attribute filter, e.g. site=north or site=north,south (repeatable: all must hold)', whereValue),
};

/** One coder whose codings a table, a display or a report reads. */
export const CODER = {
  coder: text('NAME', 'whose codings (codings/NAME.tsv)', { defaultText: 'consensus, else the only coder', details: 'whose codings (`codings/NAME.tsv`); with several coders and no `consensus`, an error listing them' }),
};

/** A set of coders. */
export function coders(meaning = 'coders to compare', defaultText = 'every coder but auto, consensus and the suggestion coders') {
  return { coders: list('NAMES', meaning, { defaultText }) };
}

/** Any table headed for a manuscript. */
export const MANUSCRIPT = {
  caption: text('TEXT', 'caption (LaTeX, HTML, Markdown)'),
  label: text('LABEL', 'LaTeX label, e.g. tab:themes'),
  csvRaw: flag('CSV/TSV: keep cells starting with = + - @ as they are (by default they get a leading apostrophe so that spreadsheets do not run them)', {
    details: "CSV/TSV cells starting with `=`, `+`, `-`, `@`, tab or carriage return get a leading `'` so a spreadsheet shows them instead of running them; this keeps them as they are (numbers are never changed)",
  }),
};

export const ROWS = ['theme', 'code'] as const;

/** The options every longitudinal table takes: whose codings, rows, waves, participants, decimals. */
export function tableScope(defaults: { rows: 'theme' | 'code'; decimals: number }) {
  return {
    ...MANUSCRIPT,
    ...CODER,
    rows: choice('ROWS', ROWS, 'what the rows are: themes (a theme counts its sub-codes) or codes', { default: defaults.rows, details: 'themes or every code; a row counts its own code and every code below it (a theme its sub-codes, in `--rows code` too)' }),
    ...FILTERS,
    decimals: integer('N', 'decimals for percentages and indices', { default: defaults.decimals, min: 0, max: 10 }),
  };
}

/** The bootstrap behind every interval. */
export const BOOTSTRAP = {
  resamples: integer('N', 'bootstrap resamples for the intervals (0: none)', { default: 1000, min: 0 }),
  seed: integer('N', 'bootstrap seed (the same seed gives the same intervals)', { default: 1, min: 0 }),
};

const UNITS: Record<string, number> = { pt: 1, in: 72, cm: 72 / 2.54, mm: 72 / 25.4, px: 0.75 };

/** A printed length in points: 453, 453pt, 16cm, 120mm, 6.3in (px at 96 per inch). */
export function printedLength(v: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(pt|in|cm|mm|px)?\s*$/i.exec(v);
  const x = m ? Number(m[1]) * UNITS[(m[2] ?? 'pt').toLowerCase()]! : Number.NaN;
  if (!(x > 0) || x > 20_000) throw new UsageError(`${flag} ${v}: expected a printed length, e.g. 16cm, 120mm, 6.5in or 453 (points)`);
  return x;
}

/** A printed length option (LENGTH), with its default in points. */
function lengthOption(meaning: string, extra: { default: number; defaultText: string }): OptionSpec<number>;
function lengthOption(meaning: string, extra: { defaultText: string }): OptionSpec<number | undefined>;
function lengthOption(meaning: string, extra: { default?: number; defaultText: string }): OptionSpec<number | undefined> {
  // The default in points is what the handler gets; help and README show it as its length (16cm).
  return { kind: 'value', arg: 'LENGTH', meaning, defaultText: extra.defaultText, parse: (raw, flag) => (raw === undefined ? extra.default : printedLength(String(raw), flag)) };
}

/** Figures: drawn at their printed size (core/figures/svg.ts: DEFAULT_WIDTH, DEFAULT_FONT_SIZE). */
export const FIGURE = {
  width: lengthOption('printed width: 16cm, 120mm, 6.5in or points', { default: DEFAULT_WIDTH, defaultText: '16cm' }),
  fontSize: number('PT', 'label size in points (secondary labels 0.9 of it, the title 1.2)', { default: DEFAULT_FONT_SIZE, min: 0, exclusive: true }),
};

/** A figure's printed height (default: from its content). */
export const FIGURE_HEIGHT = lengthOption('printed height: 10cm, 80mm, 4in or points', { defaultText: 'from the content' });
