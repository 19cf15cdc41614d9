import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import type { CommandSpec } from './options/command.js';
import { COMMANDS, GROUPS, type CommandName } from './options/commands.js';
import { GLOBAL } from './options/groups.js';
import { groupHelp, optionHelp, optionUsage, helpAfter } from './options/help.js';
import type { OptionSpec } from './options/kinds.js';

/**
 * The qualwave command line, made from the command table (options/commands.ts): this module only
 * declares; each command's module (and the heavy libraries it needs) is imported when that
 * command runs, so --help and --version stay fast.
 */
const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

/** What a parsed command line asks for: the command, its raw options and its positional arguments. */
export interface Invocation {
  name: CommandName;
  raw: Record<string, unknown>;
  args: unknown[];
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function declare(cmd: Command, key: string, o: OptionSpec & { negatedOnly?: boolean }): void {
  const option = new Option(optionUsage(key, o, 'commander'), optionHelp(o));
  if (o.many) option.argParser(collect);
  cmd.addOption(option);
  if (o.negatable) cmd.addOption(new Option(`--no-${optionUsage(key, { ...o, arg: undefined, short: undefined }, 'commander').slice(2)}`, `not ${flagWord(key)}`).hideHelp());
}

const flagWord = (key: string): string => key.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);

/**
 * A new commander program with every qualwave command. `run` gets each parsed command line (the
 * shell runs it; `build` collects them without running).
 */
export function createProgram(run: (inv: Invocation) => Promise<void>, output: { writeOut: (s: string) => void; writeErr: (s: string) => void } = { writeOut: (s) => void process.stdout.write(s), writeErr: (s) => void process.stderr.write(s) }, argv?: readonly string[]): Command {
  // Only the command the line names gets its options declared (the others their names and
  // summaries, for the help): start-up does not pay for 33 commands' options.
  const wanted = argv ? targetCommand(argv) : undefined;
  const program = new Command('qualwave')
    .description('Qualitative analysis of longitudinal interview studies, from plain files in git.')
    .version(pkg.version, '-V, --version')
    .showHelpAfterError('(run qualwave --help for usage)')
    .exitOverride()
    .configureOutput(output)
    .addHelpText(
      'after',
      `
  Examples:
    qualwave init my-study --codebook program-experience
    qualwave validate --study fixtures/buddy-study
    qualwave summary --study fixtures/buddy-study --format md

  Exit codes: 0 ok, 1 a check failed, 2 bad usage or bad input (including files that cannot be read
  or written), 70 an internal error (a bug in qualwave: please report it).`,
    );
  for (const [key, o] of Object.entries(GLOBAL)) declare(program, key, o);
  const groups = new Map<string, Command>();
  for (const [name, spec] of Object.entries(COMMANDS) as Array<[CommandName, CommandSpec]>) {
    const [first, sub] = name.split(' ') as [string, string | undefined];
    let parent = program;
    if (sub !== undefined) {
      parent =
        groups.get(first) ??
        program
          .command(first)
          .description(GROUPS[first] ?? '')
          .addHelpText('after', () => groupHelp(first, COMMANDS as Record<string, CommandSpec>));
      groups.set(first, parent);
    }
    const cmd = parent.command(sub ?? first, spec.isDefault ? { isDefault: true } : {}).description(spec.summary);
    if (wanted !== undefined && wanted !== name) {
      cmd.allowUnknownOption().allowExcessArguments();
      continue;
    }
    for (const a of spec.args ?? []) {
      const label = `${a.name}${a.variadic ? '...' : ''}`;
      cmd.argument(a.required ? `<${label}>` : `[${label}]`, a.meaning, a.default);
    }
    for (const [key, o] of Object.entries(spec.options)) declare(cmd, key, o);
    cmd.addHelpText('after', helpAfter(spec));
    cmd.action(async (...a: unknown[]) => {
      const command = a[a.length - 1] as Command;
      // Commander passes (…arguments, options, command).
      await run({ name, raw: command.optsWithGlobals(), args: a.slice(0, -2) });
    });
  }
  return program;
}

/** The options of the program that take a value (`--study DIR`): their value is not a command name. */
const WITH_VALUE = new Set(Object.entries(GLOBAL).flatMap(([key, o]) => (o.arg ? [optionUsage(key, { ...o, arg: undefined, short: undefined }, 'commander'), ...(o.short ? [`-${o.short}`] : [])] : [])));

/** The command a command line names (`codings import`; a group alone is its default command), or '' for none. */
export function targetCommand(argv: readonly string[]): string {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a.startsWith('-')) {
      if (!a.includes('=') && WITH_VALUE.has(a)) i++;
      continue;
    }
    words.push(a);
    if (words.length === 1 && !(a in GROUPS)) break;
  }
  const [first, second] = words;
  if (first === undefined) return '';
  if (!(first in GROUPS)) return first;
  const names = Object.keys(COMMANDS).filter((n) => n.startsWith(`${first} `));
  return names.find((n) => n === `${first} ${second}`) ?? names.find((n) => (COMMANDS as Record<string, CommandSpec>)[n]!.isDefault) ?? '';
}
