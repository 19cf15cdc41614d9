import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';

/**
 * The qualwave command line. This module only declares commands; each command's module (and the
 * heavy libraries it needs) is imported when that command runs, so --help and --version stay fast.
 */
const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('qualwave')
  .description('Qualitative analysis of longitudinal interview studies, from plain files in git.')
  .version(pkg.version, '-V, --version')
  .option('--study <dir>', 'study folder (default: the nearest folder upwards holding qualwave.yaml)')
  .addOption(new Option('--format <format>', 'output format (each command lists the ones it supports)'))
  .option('-o, --output <file>', 'write the output to FILE (atomically) instead of stdout')
  .option('--force', 'allow --output to replace an existing file')
  .option('-q, --quiet', 'print no progress or summary messages on stderr')
  .option('--no-color', 'no colour (also: NO_COLOR=1, or when output is not a terminal)')
  .option('--debug', 'show stack traces for unexpected errors')
  .showHelpAfterError('(run qualwave --help for usage)')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) })
  .addHelpText(
    'after',
    `
Examples:
  qualwave init my-study --codebook program-experience
  qualwave validate --study fixtures/buddy-study
  qualwave summary --study fixtures/buddy-study --format md

Exit codes: 0 ok, 1 a check failed, 2 bad usage or bad input.`,
  );

type Loader = () => Promise<{ run: (...args: never[]) => Promise<number> }>;

function action(load: Loader) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args[args.length - 1] as Command;
    const { run } = await load();
    const { runCommand } = await import('./run.js');
    process.exitCode = await runCommand(command, args.slice(0, -1), run as (...a: unknown[]) => Promise<number>);
  };
}

program
  .command('init')
  .argument('[dir]', 'folder to create the study in', '.')
  .description('create a study folder: commented qualwave.yaml, participants.csv, a codebook and an example transcript')
  .option('--codebook <name>', 'starter codebook to copy from the codebooks/ folder (see --list)', 'program-experience')
  .option('--title <title>', 'study title (default: from the folder name)')
  .option('--list', 'list the starter codebooks and exit')
  .addHelpText(
    'after',
    `
Examples:
  qualwave init buddy-study
  qualwave init ap-study --codebook peer-support --title "Accompanying patients"
  qualwave init --list`,
  )
  .action(action(() => import('./commands/init.js')));

program
  .command('validate')
  .argument('[study]', 'study folder (same as --study)')
  .description('load the whole study and report every problem as file:line: message')
  .option('--strict', 'warnings fail too (exit 1)')
  .addHelpText(
    'after',
    `
Formats: table (default, on stderr), json (on stdout).
Exit codes: 0 no errors, 1 warnings with --strict, 2 errors.

Examples:
  qualwave validate fixtures/buddy-study
  qualwave validate --strict
  qualwave validate --format json | jq '.diagnostics[] | select(.severity == "error")'`,
  )
  .action(action(() => import('./commands/validate.js')));

program
  .command('summary')
  .argument('[study]', 'study folder (same as --study)')
  .description('participation table (participants x waves), per-wave counts, attrition and the codebook outline')
  .addOption(new Option('--table <table>', 'the table to print for csv/tsv').choices(['waves', 'participation', 'attrition', 'codebook']).default('waves'))
  .addHelpText(
    'after',
    `
Formats: table (default), md, csv, tsv, json. csv/tsv print one table (--table).

Examples:
  qualwave summary fixtures/buddy-study
  qualwave summary --format md > participation.md
  qualwave summary --format csv --table participation -o participation.csv`,
  )
  .action(action(() => import('./commands/summary.js')));

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else {
    const { reportUnexpected } = await import('./run.js');
    process.exitCode = reportUnexpected(e, process.argv.includes('--debug'));
  }
}
