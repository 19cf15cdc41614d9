import type { CommandSpec } from './command.js';
import { flagOf, type OptionSpec } from './kinds.js';

/** What an option's declaration says beyond its meaning: default, choices, range. */
export function optionFacts(o: OptionSpec): string[] {
  const facts: string[] = [];
  if (o.choices) facts.push(o.choices.join(' | '));
  if (o.kind === 'integer' || o.kind === 'number') {
    const what = o.kind === 'integer' ? 'a whole number' : 'a number';
    const { min, max, exclusive } = o;
    facts.push(min !== undefined && max !== undefined ? (exclusive ? `${what} between ${min} and ${max}, both excluded` : `${what} from ${min} to ${max}`) : min !== undefined ? `${what} ${exclusive ? 'above' : 'of at least'} ${min}` : max !== undefined ? `${what} ${exclusive ? 'below' : 'of at most'} ${max}` : what);
  }
  if (o.many) facts.push(o.kind === 'list' ? 'repeatable or comma-separated' : 'repeatable');
  const d = o.defaultText ?? (o.default === undefined || o.default === false ? undefined : Array.isArray(o.default) ? (o.default.length ? o.default.join(',') : undefined) : String(o.default));
  if (d !== undefined) facts.push(`default: ${d}`);
  return facts;
}

/** The one-line help of an option: its meaning, then its facts. */
export function optionHelp(o: OptionSpec): string {
  const facts = optionFacts(o);
  return facts.length ? `${o.meaning} (${facts.join('; ')})` : o.meaning;
}

/** How the option is written: `-o, --output FILE`, `--[no-]unit-ids`, `--no-color`. */
export function optionUsage(key: string, o: OptionSpec & { negatedOnly?: boolean }, style: 'commander' | 'readme'): string {
  const flag = flagOf(key);
  if (o.negatedOnly) return `--no-${flag.slice(2)}`;
  const arg = o.arg ? (style === 'commander' ? ` <${o.arg.toLowerCase()}>` : ` ${o.arg}`) : '';
  const short = o.short ? `-${o.short}, ` : '';
  return `${short}${flag}${arg}`;
}

/** The text after the options in `--help`: the notes, then the examples. */
export function helpAfter(spec: CommandSpec): string {
  const notes = spec.notes ? `\n${indent(spec.notes)}\n` : '';
  const examples = spec.examples.length === 1 ? `\n  Example:\n    ${spec.examples[0]}` : `\n  Examples:\n${spec.examples.map((e) => `    ${e}`).join('\n')}`;
  return `${notes}${examples}`;
}

/**
 * The help of a group (`qualwave quotes --help`): each of its sub-commands with its arguments,
 * options and examples, so that nothing hides behind `quotes list --help`.
 */
export function groupHelp(group: string, commands: Readonly<Record<string, CommandSpec>>, width = 80): string {
  const parts: string[] = [];
  for (const [name, spec] of Object.entries(commands)) {
    if (!name.startsWith(`${group} `)) continue;
    const args = (spec.args ?? []).map((a) => (a.required ? `<${a.name}${a.variadic ? '...' : ''}>` : `[${a.name}${a.variadic ? '...' : ''}]`));
    const usage = [`qualwave ${name}`, ...args, Object.keys(spec.options).length || spec.formats?.length ? '[options]' : ''].filter(Boolean).join(' ');
    const lines = [`  ${usage}${spec.isDefault ? `  (or: qualwave ${group} [options])` : ''}`, ...wrap(spec.summary, width - 4).map((l) => `    ${l}`)];
    const items: Array<[string, string]> = [...(spec.args ?? []).map((a): [string, string] => [a.name, a.meaning]), ...Object.entries(spec.options).map(([key, o]): [string, string] => [optionUsage(key, o, 'commander'), optionHelp(o)])];
    if (spec.formats?.length) items.push(['--format <format>', `${spec.formats.join(' | ')} (default: ${spec.defaultFormat ?? spec.formats[0]}${spec.output === false ? '' : ', or from the --output extension'})`]);
    if (items.length) {
      const pad = Math.min(Math.max(...items.map(([t]) => t.length)), 28);
      for (const [term, text] of items) {
        const body = wrap(text, Math.max(width - 8 - pad, 30));
        if (term.length > pad) lines.push(`    ${term}`, ...body.map((l) => `    ${' '.repeat(pad)}  ${l}`));
        else lines.push(...body.map((l, i) => `    ${(i === 0 ? term : '').padEnd(pad)}  ${l}`));
      }
    }
    lines.push(spec.examples.length === 1 ? '    Example:' : '    Examples:', ...spec.examples.map((e) => `      ${e}`));
    parts.push(lines.join('\n'));
  }
  return `\nSub-commands, with their options (also: qualwave ${group} SUB-COMMAND --help):\n\n${parts.join('\n\n')}\n`;
}

/** Words into lines of at most `width` characters (a longer word on a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
  }
  return lines;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n');
}

/** A Markdown table cell: pipes escaped. */
const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** The README's option table of a command (between <!-- options:NAME --> markers). */
export function readmeTable(spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([key, o]) => {
    const facts = optionFacts(o);
    return `| \`${cell(optionUsage(key, o, 'readme'))}\` | ${cell(o.details ?? o.meaning)}${facts.length ? ` (${cell(facts.join('; '))})` : ''} |`;
  });
  if (spec.formats?.length) rows.push(`| \`--format ${cell(spec.formats.join('|'))}\` | output format (default: ${spec.defaultFormat ?? spec.formats[0]}${spec.output === false ? '' : ', or from the `--output` extension'}) |`);
  if (rows.length === 0) return '*No options of its own (the global options apply).*';
  return ['| option | meaning |', '|---|---|', ...rows].join('\n');
}
