import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';

/**
 * The qualwave command line. This module only declares commands; each command's module (and the
 * heavy libraries it needs) is imported when that command runs, so --help and --version stay fast.
 * `qualwave build` makes fresh programs from it to run the study's outputs.
 */
const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

type Handler = (...args: never[]) => Promise<number>;

/** The command's handler is imported only when the command runs (start-up stays fast). */
function action(load: () => Promise<Record<string, unknown>>, name = 'run') {
  return async (...args: unknown[]): Promise<void> => {
    const command = args[args.length - 1] as Command;
    const handler = (await load())[name] as Handler;
    const { runCommand } = await import('./run.js');
    // Commander passes (…arguments, options, command): the handler takes (ctx, …arguments).
    process.exitCode = await runCommand(command, args.slice(0, -2), handler as (...a: unknown[]) => Promise<number>);
  };
}

/** Repeatable, comma-separable option values (declaring options loads nothing). */
const many = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(',').map((v) => v.trim().normalize('NFC')).filter(Boolean)];
const manyRaw = (value: string, previous: string[] = []): string[] => [...previous, value];

/** A new commander program with every qualwave command. */
export function createProgram(): Command {
  const program = new Command('qualwave')
    .description('Qualitative analysis of longitudinal interview studies, from plain files in git.')
    .version(pkg.version, '-V, --version')
    .option('--study <dir>', 'study folder (default: the nearest folder upwards holding qualwave.yaml)')
    .addOption(new Option('--format <format>', 'output format (each command lists the ones it supports)'))
    .option('-o, --output <file>', 'write the output to FILE (atomically) instead of stdout')
    .option('--force', 'allow --output to replace an existing file')
    .option('-q, --quiet', 'print no progress or summary messages on stderr')
    .option('--no-color', 'no colour (also: NO_COLOR=1, or when output is not a terminal)')
    .option('--allow-outside', "read transcripts, codebooks and participants outside the study folder (refused by default)")
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

  Exit codes: 0 ok, 1 a check failed, 2 bad usage or bad input (including files that cannot be read
  or written), 70 an internal error (a bug in qualwave: please report it).`,
    );

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
    .addOption(new Option('--table <table>', 'the table to print for csv/tsv').choices(['waves', 'participation', 'attrition', 'codebook', 'speakers']).default('waves'))
    .option('--speakers', "add every transcript's speakers: role, how it was decided, turns, segments, words")
    .addHelpText(
      'after',
      `
  Formats: table (default), md, csv, tsv, json. csv/tsv print one table (--table); json has every
  table, the speakers under "documents".

  Examples:
    qualwave summary fixtures/buddy-study
    qualwave summary --speakers              # check who qualwave thinks is speaking
    qualwave summary --format md > participation.md
    qualwave summary --format csv --table participation -o participation.csv`,
    )
    .action(action(() => import('./commands/summary.js')));

  program
    .command('add')
    .argument('<files...>', 'raw transcripts: .txt, .md, .docx, .vtt, .srt or Whisper .json, as Otter, Rev, Teams, Zoom or Whisper wrote them')
    .description("bring transcripts into the study: named by the study's pattern, front matter written, format recognised; shows what it understood")
    .option('--participant <id>', 'whose interview (default: from the file name or its front matter)')
    .option('--wave <id>', 'which wave (default: from the file name or its front matter)')
    .option('--date <YYYY-MM-DD>', 'the interview date, written into the front matter')
    .option('--dry-run', 'show what would be added, write nothing')
    .addHelpText(
      'after',
      `
  Each file is copied into the transcripts folder (never over an existing file, never outside the
  study); .txt and .md files without front matter get participant:, wave: and date:. All or nothing:
  if one file cannot be added, none is. Formats: table (default), json.

  Examples:
    qualwave add ~/Downloads/P01_pre.txt
    qualwave add "otter export.txt" --participant P02 --wave pre --date 2025-01-20
    qualwave add GMT20250120-150102_Recording.transcript.vtt --participant P03 --wave pre --dry-run`,
    )
    .action(action(() => import('./commands/add.js')));

  program
    .command('code')
    .argument('<participant>', 'participant id, e.g. MS07')
    .argument('<wave>', 'wave id, e.g. post')
    .description('code one transcript: interactively in the terminal, or with --apply/--remove from scripts')
    .requiredOption('--coder <name>', 'who is coding (codings/NAME.tsv)')
    .option('--apply <code>', 'apply CODE to --lines (non-interactive)')
    .option('--remove <code>', 'remove CODE from --lines (non-interactive)')
    .option('--lines <span>', 'whole lines as your editor numbers them (12, 12-14), or an exact span line:column-line:column (12:5-12:40; columns in characters, the end included)')
    .option('--text <words>', 'the words coded: placed where they occur inside --lines (or anywhere in the transcript without --lines); spaces and quote styles need not match')
    .option('--memo <text>', 'memo for the coding (with --apply)')
    .option('--exemplar', 'mark the coding as an exemplar (with --apply)')
    .option('--all-speakers', 'step through interviewer turns too (interactive)')
    .option('--done', 'mark the transcript finished: read to the end, uncoded text means no code applies')
    .option('--not-done', 'take the finished mark off the transcript')
    .addHelpText(
      'after',
      `
  Interactive keys: j/k next/previous, NUMBER⏎ add or remove code NUMBER, / find a code, e exemplar,
  m memo, d show a code's definition, g jump to a line, s select sentences, w select words (a
  phrase), x back to the whole segment, c create a new code, f finished, u undo, ? help, q quit.
  Every change is saved before the screen changes; only your own codings are shown (blind coding).

  Examples:
    qualwave code MS07 post --coder alice
    qualwave code MS07 post --coder alice --apply support.respite --lines 12-14 --memo "mum's gym hour"
    qualwave code MS07 post --coder alice --apply support.respite --lines 12:5-12:40
    qualwave code MS07 post --coder alice --apply support.respite --lines 12 --text "a few hours a week"
    qualwave code MS07 post --coder alice --remove support.respite --lines 12-14
    qualwave code MS07 post --coder alice --done          # read to the end`,
    )
    .action(action(() => import('./commands/code.js')));

  program
    .command('autocode')
    .description("code every segment with the codebook's keywords (stemmed) and patterns, as a machine coder")
    .option('--coder <name>', 'the machine coder to write (codings/NAME.tsv)', 'auto')
    .option('--dry-run', 'count hits, write nothing')
    .addHelpText(
      'after',
      `
  Prints segments matched per code (stdout; --format table, md, csv, tsv, json) and the codes that
  matched nothing. Replaces that coder's codings; a coder other than 'auto' with codings needs --force.

  Examples:
    qualwave autocode --dry-run
    qualwave autocode && qualwave codings --coder auto --code support.respite`,
    )
    .action(action(() => import('./commands/autocode.js')));

  const codebook = program.command('codebook').description('show the codebook; add, rename and merge codes (codebook and codings together)');
  manuscriptOptions(codebook.command('show'))
    .description('the codebook as a table: id, label, definition, include, exclude, examples')
    .addHelpText(
      'after',
      `
  Formats: table (default: code, label, definition), md, latex (booktabs), csv, tsv, json.

  Examples:
    qualwave codebook show
    qualwave codebook show --format latex -o appendix-codebook.tex`,
    )
    .action(action(() => import('./commands/codebook.js'), 'runShow'));
  codebook
    .command('add')
    .argument('<id>', 'the new code id, e.g. support.gym')
    .requiredOption('--label <text>', 'its label (one line)')
    .option('--parent <id>', 'the code it goes under (default: the code its id starts with, e.g. support for support.gym; else a new theme)')
    .option('--dry-run', 'say where it would go, write nothing')
    .description("add a code to the codebook file (its parent's, else the first): an edit that keeps every comment and line, under the study lock")
    .addHelpText('after', '\nExamples:\n  qualwave codebook add support.gym --label "Time at the gym"\n  qualwave codebook add money --label "Money worries"            # a new theme\n  qualwave codebook add costs --label "Costs" --parent support')
    .action(action(() => import('./commands/codebook.js'), 'runAdd'));
  codebook
    .command('rename')
    .argument('<old>', 'current code id')
    .argument('<new>', 'new code id')
    .description("rename a code in its codebook file and in every coder's codings, as one change")
    .option('--dry-run', 'report what would change, write nothing')
    .addHelpText('after', '\nExample:\n  qualwave codebook rename support.respite support.parent-respite')
    .action(action(() => import('./commands/codebook.js'), 'runRename'));
  codebook
    .command('merge')
    .argument('<codes...>', 'codes to merge')
    .requiredOption('--into <code>', 'the code they become (an existing code, possibly one of them)')
    .description('fold codes into one: their codings become --into, and they leave the codebook')
    .option('--dry-run', 'report what would change, write nothing')
    .addHelpText('after', '\nExample:\n  qualwave codebook merge emotions.toll emotions.coping --into emotions.toll')
    .action(action(() => import('./commands/codebook.js'), 'runMerge'));

  codebook
    .command('versions')
    .description("from which wave each code was in use (since:), and the codings before it; derived from git with --from-git")
    .option('--from-git', "derive each code's since from the history of the codebook and the codings")
    .option('--write', 'with --from-git: write the derived since: lines into the codebook (codes without one)')
    .option('--dry-run', 'with --write: report what would be written, write nothing')
    .addHelpText(
      'after',
      `
  Formats: table (default), md, csv, tsv, json.

  Examples:
    qualwave codebook versions
    qualwave codebook versions --from-git
    qualwave codebook versions --from-git --write --dry-run`,
    )
    .action(action(() => import('./commands/codebook.js'), 'runVersions'));

  manuscriptOptions(program.command('agree'))
    .description('inter-coder agreement per code (or on reliability data), with bootstrap intervals, standard errors and tests')
    .option('--coders <names>', 'coders to compare (default: every coder but auto and consensus)', many)
    .option('--codes <ids>', 'only these codes', many)
    .option('--level <level>', 'study: code or theme (a theme counts its sub-codes); reliability data: nominal, ordinal, interval or ratio')
    .option('--unit <unit>', 'study: what coders are compared on: segment (default), document or character; --long: the unit column')
    .option('--uncoded <rule>', 'study: a transcript a coder neither coded nor finished counts as read with nothing coded (absent, the default) or is left out (missing)')
    .option('--unitizing', "study: Krippendorff's alpha for unitizing: agreement on where coded stretches begin and end, per code and pooled")
    .option('--wave <ids>', 'only these waves', many)
    .option('--where <attr=value>', 'participant attribute filter (repeatable)', manyRaw)
    .option('--include-interviewer', 'count interviewer speech as units too')
    .option('--masi', "add a row comparing each unit's whole set of codes: Krippendorff's alpha with MASI distance")
    .option('--matrix <file>', 'reliability data: rows = units, columns = coders (header of coder names); see README for missing values and sets (a;b)')
    .option('--unit-ids', 'with --matrix/--counts: the first column holds unit ids')
    .option('--no-unit-ids', 'with --matrix/--counts: the first column is data, even if it looks like ids')
    .option('--long <file>', 'reliability data in long form: one row per unit, coder and value (see --unit, --coder, --value)')
    .option('--coder <column>', 'with --long: the coder column (default coder)')
    .option('--value <column>', 'with --long: the value column (default value)')
    .option('--counts <file>', 'reliability data as counts: rows = units, columns = categories, cells = how many coders chose it')
    .option('--table <file>', 'two coders as a contingency table: the first coder down, the second across (counts, or proportions with --n)')
    .option('--n <units>', 'with --table of proportions: the number of units')
    .option('--categories <values>', 'with --matrix/--long: the declared scale, in order; label=number gives a label its value', many)
    .option('--weights <scheme>', 'weighted kappa, AC2 and weighted Brennan–Prediger: linear, quadratic, or a weights file (categories x categories)')
    .option('--chance <units>', "chance agreement of Gwet's coefficients from the units compared (compared, default) or every rated unit (rated, as irrCAC)")
    .option('--interval <method>', 'bootstrap interval: bca (default) or percentile')
    .option('--resamples <n>', 'bootstrap resamples for the intervals (0: none)', '1000')
    .option('--seed <n>', 'bootstrap seed (same seed, same intervals)', '1')
    .option('--confidence <p>', 'interval coverage', '0.95')
    .option('--min <name=value>', 'exit 1 when a value is below: alpha, kappa, fleiss, conger, cohen, pi, ac1, ac2, bp, agreement, weighted, ualpha (repeatable)', manyRaw)
    .option('--pooled', 'with --min: check the pooled value only')
    .addHelpText(
      'after',
      `
  Formats: table (default), md, latex, csv, tsv, json.
  With --long, --unit, --coder and --value name the columns (default unit, coder, value).
  --min kappa checks Cohen's kappa for two coders, Fleiss' for more; a gate on a coefficient not
  computed for the data is a usage error (exit 2).

  Examples:
    qualwave agree --study fixtures/buddy-study
    qualwave agree --coders alice,ben --level theme --unit document --format md
    qualwave agree --min alpha=0.667 --pooled            # a CI gate
    qualwave agree --unitizing --codes support.respite
    qualwave agree --matrix reliability.csv --level interval --format json
    qualwave agree --counts ratings.csv --unit-ids
    qualwave agree --table table.csv --weights quadratic`,
    )
    .action(action(() => import('./commands/agree.js')));

  program
    .command('disagreements')
    .description("every segment where the coders differ on a code, with each coder's codes and memos, for the coders' meeting")
    .option('--coders <names>', 'coders to compare (default: every coder but auto and consensus)', many)
    .option('--code <ids>', 'only these codes', many)
    .option('--wave <ids>', 'only these waves', many)
    .option('--where <attr=value>', 'participant attribute filter (repeatable)', manyRaw)
    .addHelpText(
      'after',
      `
  Formats: table (default), md (for the meeting), csv/tsv (a spreadsheet, and the decisions file for
  reconcile: fill in the decision column with apply or reject), json.

  Examples:
    qualwave disagreements --format md > meeting.md
    qualwave disagreements --coders alice,ben --format csv -o decisions.csv`,
    )
    .action(action(() => import('./commands/disagreements.js')));

  program
    .command('reconcile')
    .description("write the consensus coder's codings: what the coders agree on, plus the meeting's decisions")
    .option('--coders <names>', 'coders to reconcile (default: every coder but auto and consensus)', many)
    .option('--into <name>', 'the consensus coder', 'consensus')
    .addOption(new Option('--rule <rule>', 'settle undecided disagreements: union (anyone applied), intersection (everyone), majority').choices(['union', 'intersection', 'majority']))
    .option('--decisions <file>', 'the disagreements CSV with its decision column filled in (apply / reject)')
    .option('--dry-run', 'report, write nothing')
    .addHelpText(
      'after',
      `
  Disagreements with neither a decision nor a rule stay open: left uncoded and counted.

  Examples:
    qualwave disagreements --format csv -o decisions.csv   # fill in "decision" at the meeting
    qualwave reconcile --decisions decisions.csv
    qualwave reconcile --coders alice,ben --rule majority --into consensus`,
    )
    .action(action(() => import('./commands/reconcile.js')));

  /** Options for any table headed for a manuscript. */
  function manuscriptOptions(cmd: Command): Command {
    return cmd
      .option('--caption <text>', 'caption (LaTeX, HTML, Markdown)')
      .option('--label <label>', 'LaTeX label, e.g. tab:themes')
      .option('--csv-raw', 'CSV/TSV: keep cells starting with = + - @ as they are (by default they get a leading apostrophe so spreadsheets do not run them)');
  }

  /** Options every longitudinal table takes. */
  function tableOptions(cmd: Command, rowsDefault: 'theme' | 'code' = 'theme'): Command {
    return manuscriptOptions(cmd)
      .option('--coder <name>', 'whose codings (default: consensus, else the only coder)')
      .option('--rows <rows>', `theme or code (default ${rowsDefault})`)
      .option('--wave <ids>', 'only these waves', many)
      .option('--where <attr=value>', 'participant attribute filter (repeatable)', manyRaw)
      .option('--decimals <n>', 'decimals for percentages and indices');
  }
  const FORMATS_HELP = 'Formats: table (default), md, latex, html, csv, tsv, json; --output FILE picks the format from its extension.';

  tableOptions(program.command('matrix'))
    .description('themes (or codes) x waves: participants with the theme, with attrition-aware denominators')
    .option('--value <value>', 'participants (default, with %), percent, documents, segments or words')
    .option('--by <attribute>', 'split the columns by a participant attribute (e.g. experience)')
    .option('--cells <cells>', 'count (default) or ids: the participant ids in each cell')
    .addHelpText(
      'after',
      `
  ${FORMATS_HELP}

  Examples:
    qualwave matrix --study fixtures/buddy-study
    qualwave matrix --value percent --format latex --caption "Themes by wave" --label tab:themes
    qualwave matrix --by gender --cells ids
    qualwave matrix --rows code -o tables/codes-by-wave.csv`,
    )
    .action(action(() => import('./commands/matrix.js')));

  tableOptions(program.command('trajectories'))
    .description('per theme, between consecutive waves: persisted, emerged, faded, absent (participants at both waves)')
    .option('--theme <ids>', 'only these themes (or codes with --rows code)', many)
    .option('--patterns', "each participant's pattern across waves instead (+ present, - absent, . not interviewed)")
    .addHelpText('after', `\n${FORMATS_HELP}\n\nExamples:\n  qualwave trajectories\n  qualwave trajectories --theme learning --patterns`)
    .action(action(() => import('./commands/trajectories.js')));

  tableOptions(program.command('framework'))
    .description('the framework matrix: participants (per wave) x themes, each cell the coded passages')
    .option('--cells <cells>', 'lines (default: count and line numbers), words (first words of each passage) or count')
    .addHelpText('after', `\n${FORMATS_HELP}\n\nExamples:\n  qualwave framework --wave post\n  qualwave framework --cells words --format md > framework.md`)
    .action(action(() => import('./commands/framework.js')));

  tableOptions(program.command('cooccurrence'), 'code')
    .description('code x code: units coded with both (the diagonal: coded at all), or the Jaccard index')
    .option('--unit <unit>', 'segment (default) or document')
    .option('--jaccard', 'the Jaccard index instead of counts')
    .addHelpText('after', `\n${FORMATS_HELP}\n\nExamples:\n  qualwave cooccurrence\n  qualwave cooccurrence --rows theme --unit document --jaccard`)
    .action(action(() => import('./commands/cooccurrence.js')));

  tableOptions(program.command('saturation'), 'code')
    .description('new codes contributed by each interview, in interview order, and the running total')
    .addHelpText('after', `\n${FORMATS_HELP}\n\nExamples:\n  qualwave saturation\n  qualwave saturation --rows theme --format csv`)
    .action(action(() => import('./commands/saturation.js')));

  tableOptions(program.command('change'))
    .description("the change matrix (Saldaña): per theme, each participant's change across the waves, in categories; who is in each cell")
    .option('--theme <ids>', 'only these themes (or codes with --rows code)', many)
    .option('--cells <cells>', 'count (default) or ids: the participants in each cell')
    .option('--measure <measure>', 'what is compared between waves: segments (default: how many segments were coded) or presence (coded or not)')
    .option('--detail', "one row per theme and participant: the values at each wave and the category")
    .option('--evidence', 'with --format md or json: per cell, each participant with an attributed quote per wave they had the theme')
    .addHelpText(
      'after',
      `\n${FORMATS_HELP}\n\nCategories (rules in the README, "Analysing change"): emerged/increased, cumulative, surged,
decreased/ceased, constant, idiosyncratic, missing, too few waves. Waves a participant was not
interviewed at, and waves before a code's since:, are skipped, never read as absent.

Examples:
  qualwave change
  qualwave change --rows code --cells ids
  qualwave change --theme learning --detail
  qualwave change --evidence --format md > change.md`,
    )
    .action(action(() => import('./commands/change.js')));

  tableOptions(program.command('case-matrix'))
    .description("the case-ordered matrix: participants (sorted by an attribute or a theme's change) x themes, each cell the values across waves")
    .option('--sort <key>', 'an attribute (e.g. gender), or change:THEME for that theme\'s change category (default: by participant)')
    .option('--theme <ids>', 'only these themes (or codes with --rows code) as columns', many)
    .addHelpText('after', `\n${FORMATS_HELP}\n\nExamples:\n  qualwave case-matrix --sort prior_experience\n  qualwave case-matrix --sort change:learning --format md`)
    .action(action(() => import('./commands/case-matrix.js')));

  tableOptions(program.command('dropout'))
    .description('the drop-out check: participants lost after a wave vs retained, on attributes and on what they said at that wave (counts, no tests)')
    .option('--after <ids>', 'only after these waves (default: every wave but the last)', many)
    .option('--cells <cells>', 'count (default: n and % of each group) or ids')
    .addHelpText('after', `\n${FORMATS_HELP}\n\nExamples:\n  qualwave dropout\n  qualwave dropout --after 4-month --rows code --cells ids`)
    .action(action(() => import('./commands/dropout.js')));

  tableOptions(program.command('anticipated'))
    .description("anticipated vs experienced (Lewis): codes marked 'anticipates:' at an earlier wave paired with their counterpart later, per participant")
    .option('--code <ids>', 'only these anticipation codes', many)
    .option('--summary', 'only the counts per status (for tables); in md/json, leave out the quotes')
    .addHelpText('after', `\n  Formats: md (default: tables and each participant's quotes), table, latex, html, csv, tsv, json.\n\nExamples:\n  qualwave anticipated\n  qualwave anticipated --format csv -o anticipated.csv`)
    .action(action(() => import('./commands/anticipated.js')));

  program
    .command('case')
    .argument('<participant>', 'participant id, e.g. MS07')
    .description("the case dossier: one participant across every wave, with the analyst's summary from cases/PARTICIPANT.md (checked)")
    .option('--coder <name>', 'whose codings (default: consensus, else the only coder)')
    .option('--template', 'a pen portrait to start from: the facts filled in, the interpretation left to you (Markdown)')
    .addHelpText(
      'after',
      `
  Formats: md (default), html (a self-contained page), json.

  Examples:
    qualwave case MS07
    qualwave case MS07 --format html -o MS07.html
    qualwave case MS09 --template -o cases/MS09.md`,
    )
    .action(action(() => import('./commands/case.js')));

  program
    .command('brief')
    .description('next-wave briefs for the interviewers: per participant, what they said last time, open threads, quotes to feed back')
    .option('--coder <name>', 'whose codings (default: consensus, else the only coder)')
    .option('--for <wave>', 'the wave being prepared (default: the first wave with no interview yet); the brief reads the wave before it')
    .option('--participant <ids>', 'only these participants', many)
    .addHelpText(
      'after',
      `
  Formats: md (default), docx (needs --output), json. Open threads: coding memos holding
  "follow-up: ..." and the list under "## Open threads" in cases/PARTICIPANT.md.

  Examples:
    qualwave brief --for post
    qualwave brief --for post --format docx -o brief-post.docx
    qualwave brief --participant MS07,MS09`,
    )
    .action(action(() => import('./commands/brief.js')));

  program
    .command('build')
    .argument('[study]', 'study folder (same as --study)')
    .description("write every table declared under outputs: in qualwave.yaml (only files whose content changed)")
    .option('--check', 'write nothing; exit 1 when an output is missing or out of date (for CI)')
    .addHelpText(
      'after',
      `
Each output runs a qualwave command line; its format follows the file's extension unless the line
gives --format. Outputs are written together and atomically; unchanged files are not touched.

Examples:
  qualwave build
  qualwave build --check        # in CI: fails when codings changed but the tables were not rebuilt`,
    )
    .action(action(() => import('./commands/build.js')));

  program
    .command('figure')
    .argument('<kind>', 'participation, timeline, heatmap, trajectories, saturation or agreement')
    .description('an SVG figure for the manuscript (black and white, journal-column sized)')
    .option('--coder <name>', 'whose codings (default: consensus, else the only coder)')
    .option('--coders <names>', 'agreement: coders to compare', many)
    .option('--rows <rows>', 'theme or code')
    .option('--by <attribute>', 'heatmap: split the columns by a participant attribute')
    .option('--wave <ids>', 'only these waves', many)
    .option('--where <attr=value>', 'participant attribute filter (repeatable)', manyRaw)
    .option('--coefficient <name>', 'agreement: alpha (default), kappa, fleiss, ac1, bp or agreement')
    .option('--resamples <n>', 'agreement: bootstrap resamples (default 1000)')
    .option('--seed <n>', 'agreement: bootstrap seed (default 1)')
    .option('--width <px>', 'width (default 640)')
    .option('--height <px>', 'height (default: from the content)')
    .option('--font-size <px>', 'font size (default 11)')
    .option('--title <text>', 'title (default: from the figure)')
    .addHelpText(
      'after',
      `
SVG only, to stdout or --output FILE.svg. (PNG would need a renderer with fonts; convert the SVG
with rsvg-convert or Inkscape if a journal asks for it.)

Examples:
  qualwave figure participation -o figures/participation.svg
  qualwave figure timeline -o figures/timeline.svg
  qualwave figure heatmap --rows code --width 480 --font-size 9 -o heatmap.svg
  qualwave figure agreement --coefficient ac1 -o agreement.svg`,
    )
    .action(action(() => import('./commands/figure.js')));

  program
    .command('report')
    .description('one self-contained HTML report: study, timeline, codebook, agreement, theme-by-wave, trajectories, change, anticipated vs experienced, drop-out, saturation, quotes, cases')
    .option('--coder <name>', 'whose codings (default: consensus, else the only coder)')
    .option('--stamp', 'add the generation time (otherwise the report is the same bytes every time)')
    .option('--width <px>', 'figure width (default 640)')
    .option('--font-size <px>', 'figure font size (default 11)')
    .addHelpText(
      'after',
      `
Inline CSS and SVG; no script, font or network request: email it, open it offline, print it.

Examples:
  qualwave report -o report.html
  qualwave report --coder alice --stamp -o report-alice.html`,
    )
    .action(action(() => import('./commands/report.js')));

  program
    .command('export')
    .description('the study as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder; or its codebook (.qdc)')
    .option('--coders <names>', 'only these coders (default: all)', many)
    .addHelpText(
      'after',
      `
Formats: qdpx (a zip: project.qde + sources/, needs --output), qdc (codebook XML). The format
follows the --output extension.

Examples:
  qualwave export -o study.qdpx
  qualwave export --coders alice,ben -o two-coders.qdpx
  qualwave export --format qdc > codebook.qdc`,
    )
    .action(action(() => import('./commands/export.js')));

  program
    .command('import')
    .argument('<file>', 'a REFI-QDA project (.qdpx) or codebook (.qdc)')
    .description('a project from NVivo, ATLAS.ti, MAXQDA, QualCoder (.qdpx) as a new study; or a codebook (.qdc) into this study')
    .option('--into <dir>', '.qdpx: the new study folder (default: from the project name)')
    .option('--merge', '.qdpx: add to the existing study in --into (new transcripts, participants, codings; the codebook as codebooks/imported.yaml)')
    .option('--participant-from <how>', 'case (default), variable:NAME or filename-pattern')
    .option('--wave-from <how>', "variable:NAME or filename-pattern (default: a variable named wave, else the file name, else one wave)")
    .option('--name-pattern <pattern>', 'for filename-pattern: how source names hold participant and wave (default {participant}_{wave})')
    .addHelpText(
      'after',
      `
Text sources become transcripts, codes the codebook (Description lines "Include:", "Exclude:",
"Example:" become those fields), users coders, PlainTextSelection codings each coder's codings
(positions in Unicode code points, turned into lines), cases participants, variables attributes.
Pictures, PDFs, audio, video, graphs, sets, links and notes are counted and left out.

Examples:
  qualwave import nvivo-export.qdpx --into my-study
  qualwave import atlas.qdpx --participant-from variable:Participant --wave-from variable:Wave
  qualwave import codebook.qdc`,
    )
    .action(action(() => import('./commands/import.js')));

  const quotes = program.command('quotes').description('exemplar quotes per theme and wave, attributed and traceable; and checking the quotes in a draft');
  tableOptions(quotes.command('list', { isDefault: true }))
    .description('the best candidate quotes for each theme (or code) and wave (the default)')
    .option('--theme <ids>', 'only these themes', many)
    .option('--code <ids>', 'per code instead of per theme: these codes', many)
    .option('--per-cell <n>', 'quotes per theme and wave (default 3)')
    .option('--min-words <n>', 'shortest quote (default 15)')
    .option('--max-words <n>', 'longest quote; longer passages are trimmed at sentences with "..." (default 120)')
    .option('--repeat', 'allow the same participant twice in a cell')
    .option('--clean', 'remove fillers (um, uh, you know, I mean), each removal marked "..."')
    .option('--explain', 'show why each quote ranks where it does')
    .addHelpText(
      'after',
      `
Formats: md (default: block quotes grouped by theme then wave, the source in an HTML comment),
latex (quote environments), docx (needs --output), table, csv, tsv, json.

Ranking: coder-flagged exemplars first; then centrality (TF-IDF cosine to the code's definition,
include text, examples and the other passages coded with it), divided by 1 + 0.25 x the number of
other themes on the passage; one quote per participant per cell; ties by segment id.

Examples:
  qualwave quotes --theme learning --wave post --per-cell 2
  qualwave quotes --explain --format md > quotes.md
  qualwave quotes --format docx -o quotes.docx`,
    )
    .action(action(() => import('./commands/quotes.js')));
  quotes
    .command('verify')
    .argument('<draft>', 'the manuscript draft: .md, .txt or .docx')
    .description('check that every quotation in a draft is in the transcript its attribution names')
    .option('--coder <name>', 'unused (accepted for symmetry with quotes)')
    .addHelpText(
      'after',
      `
Finds every quotation followed by an attribution ("…" (MS07, post interview), "…" (MS06), or a
Markdown block quote ending with one) and looks for the quoted words in that participant's
transcript at that wave, allowing ... / … omissions, [bracketed] insertions, case, punctuation,
whitespace and curly/straight quotes. Verdicts: verified (with file:line), misattributed (found
under another participant or wave: where), not found (the closest passage and its similarity).
Exit 1 when any quote is not verified. Formats: table (default), md, csv, json.

Examples:
  qualwave quotes verify manuscript.md
  qualwave quotes verify draft.docx --format json`,
    )
    .action(action(() => import('./commands/verify.js')));

  const codings = program
    .command('codings')
    .description('coded passages (code retrieval), import/export of codings as interchange CSV, and re-anchoring after transcript edits');
  codings
    .command('list', { isDefault: true })
    .description('list coded passages with their text, attribution and file:line (the default)')
    .option('--code <ids>', 'codes or themes (a theme includes its sub-codes); repeatable or comma-separated', many)
    .option('--wave <ids>', 'waves', many)
    .option('--participant <ids>', 'participants', many)
    .option('--coder <names>', 'coders', many)
    .option('--where <attr=value>', 'participant attribute filter, e.g. site=north (repeatable)', manyRaw)
    .addOption(new Option('--speaker <role>', 'only passages spoken by').choices(['participant', 'interviewer']))
    .addHelpText(
      'after',
      `
  Formats: table (default), md, csv, tsv, json.

  Examples:
    qualwave codings --code support --wave post
    qualwave codings --coder alice --where gender=M --format md
    qualwave codings --code learning.practice --format json | jq '.[].attribution'`,
    )
    .action(action(() => import('./commands/codings.js')));
  codings
    .command('import')
    .argument('<file>', 'interchange CSV: coder,participant,wave,start_line,end_line,code[,memo,exemplar,document,start_col,end_col,text]')
    .description('add codings from a CSV (NVivo, ATLAS.ti, MAXQDA or spreadsheet export); all or nothing unless --skip-bad')
    .option('--skip-bad', 'import the valid rows and report the bad ones (exit 1 if any)')
    .option('--dry-run', 'check and count, write nothing')
    .addHelpText(
      'after',
      `
  Examples:
    qualwave codings import nvivo-codings.csv
    qualwave codings import sheet.csv --skip-bad`,
    )
    .action(action(() => import('./commands/codings.js'), 'runImport'));
  codings
    .command('export')
    .description('every coding as interchange CSV (stdout or --output)')
    .option('--coder <names>', 'only these coders', many)
    .option('--csv-raw', 'keep cells starting with = + - @ as they are (by default they get a leading apostrophe, which codings import removes again)')
    .addHelpText(
      'after',
      `
  Examples:
    qualwave codings export > codings.csv
    qualwave codings export --coder alice,ben -o two-coders.csv`,
    )
    .action(action(() => import('./commands/codings.js'), 'runExport'));
  codings
    .command('reanchor')
    .description('move every drifted coding (its transcript edited since) to where its text now is; list the ones it cannot place')
    .option('--coder <names>', 'only these coders', many)
    .option('--dry-run', 'report what would move, write nothing')
    .addHelpText(
      'after',
      `
  A coding's hash fingerprints the text it marks. When it no longer matches, the text it marked is
  taken from the transcript's earlier versions in git and looked for: exactly (a unique place, or
  the place the unchanged text around the edits puts it), else approximately (at least 80% similar,
  no second place as close). What cannot be placed is listed and left as it is (exit 1); nothing is
  guessed. Every coder's file is written together, atomically. Formats: table (default), json.

  Examples:
    qualwave codings reanchor --dry-run
    qualwave codings reanchor --coder alice`,
    )
    .action(action(() => import('./commands/codings.js'), 'runReanchor'));
  return program;
}
