import { command } from './command.js';
import { BOOTSTRAP, CODER, coders, FIGURE, FIGURE_HEIGHT, FILTERS, MANUSCRIPT, ROWS, tableScope } from './groups.js';
import { choice, flag, integer, list, number, repeated, switchable, text, value } from './kinds.js';
import { gate, GATE_NAMES, lineRange } from './parsers.js';

/**
 * Every qualwave command, declared once: its arguments, options (typed, with defaults, choices and
 * ranges), formats, notes and examples. The commander program (program.ts), `--help`, the README's
 * option tables (npm run docs) and each handler's typed options come from here. To add an option,
 * add one line to its command; to add a command, add an entry here and a module in commands/.
 */

const TABLE_FORMATS = ['table', 'md', 'latex', 'html', 'csv', 'tsv', 'json', 'docx'] as const;
const TABLES_NOTE = 'Formats: table (default), md, latex, html, csv, tsv, json, docx (Word, with --output); --output FILE picks the format\nfrom its extension (one qualwave cannot write is an error).';
export const FIGURE_KINDS = ['participation', 'timeline', 'heatmap', 'trajectories', 'saturation', 'agreement'] as const;
export const FIGURE_COEFFICIENTS = ['alpha', 'kappa', 'fleiss', 'ac1', 'bp', 'agreement'] as const;
export const MATRIX_VALUES = ['participants', 'percent', 'documents', 'segments', 'words'] as const;
export const LEVELS = ['nominal', 'ordinal', 'interval', 'ratio'] as const;

/** The groups of sub-commands (`qualwave codebook show`). */
export const GROUPS: Record<string, string> = {
  codebook: 'show the codebook; add, rename and merge codes (codebook and codings together); its versions',
  quotes: 'exemplar quotes per theme and wave, attributed and traceable; and checking the quotes in a draft',
  codings: 'coded passages (code retrieval), import/export of codings as interchange CSV, and re-anchoring after transcript edits',
};

export const COMMANDS = {
  init: command({
    summary: 'create a study folder: commented qualwave.yaml, participants.csv, a codebook and an example transcript',
    args: [{ name: 'dir', meaning: 'folder to create the study in', default: '.' }],
    options: {
      codebook: text('NAME', 'starter codebook to copy from the codebooks/ folder (see --list)', { default: 'program-experience' }),
      title: text('TITLE', 'study title', { defaultText: 'from the folder name' }),
      list: flag('list the starter codebooks and exit'),
      example: choice('NAME', ['buddy', 'ap', 'tutorial'], "copy an example the package ships instead: buddy (the tutorial's study), ap (cross-sectional, in French), tutorial (the study and the other files the tutorial reads, under fixtures/ as in a clone)"),
    },
    formats: ['table'],
    defaultFormat: 'table',
    examples: [
      'qualwave init buddy-study',
      'qualwave init ap-study --codebook peer-support --title "Accompanying patients"',
      'qualwave init --list',
      "qualwave init --example buddy buddy-study    # the tutorial's study",
      'qualwave init --example tutorial qualwave-tutorial    # all the tutorial reads: follow the README from step 1 there',
    ],
    module: 'init',
  }),

  validate: command({
    summary: 'load the whole study and report every problem as file:line: message',
    args: [{ name: 'study', meaning: 'study folder (same as --study)' }],
    options: { strict: flag('warnings fail too (exit 1)') },
    formats: ['table', 'json'],
    defaultFormat: 'table',
    notes: 'Formats: table (default, on stderr), json (on stdout).\nExit codes: 0 no errors, 1 warnings with --strict, 2 errors.',
    examples: ['qualwave validate fixtures/buddy-study', 'qualwave validate --strict', 'qualwave validate --format json | jq \'.diagnostics[] | select(.severity == "error")\''],
    module: 'validate',
  }),

  summary: command({
    summary: 'participation table (participants x waves), per-wave counts, attrition and the codebook outline',
    args: [{ name: 'study', meaning: 'study folder (same as --study)' }],
    options: {
      table: choice('TABLE', ['waves', 'participation', 'attrition', 'codebook', 'speakers'], 'the table to print for csv/tsv', { default: 'waves' }),
      speakers: flag("add every transcript's speakers: role, how it was decided, turns, segments, words", { details: 'add the Speakers table: per transcript, every speaker found, the role qualwave gave it and why, turns, segments and words (see [Bring your transcripts](#bring-your-transcripts))' }),
    },
    formats: ['table', 'md', 'csv', 'tsv', 'json', 'docx'],
    defaultFormat: 'table',
    notes: 'Formats: table (default), md, csv, tsv, json, docx (Word, with --output: every table). csv/tsv print\none table (--table); json has every table, the speakers under "documents".',
    examples: ['qualwave summary fixtures/buddy-study', 'qualwave summary --speakers              # check who qualwave thinks is speaking', 'qualwave summary --format md > participation.md', 'qualwave summary --format csv --table participation -o participation.csv'],
    module: 'summary',
  }),

  add: command({
    summary: "bring transcripts into the study: named by the study's pattern, front matter written, format recognised; shows what it understood",
    args: [{ name: 'files', meaning: 'raw transcripts: .txt, .md, .docx, .vtt, .srt or Whisper .json, as Otter, Rev, Teams, Zoom or Whisper wrote them', required: true, variadic: true }],
    options: {
      participant: text('ID', 'whose interview (must be in participants.csv)', { defaultText: 'from the file name or its front matter' }),
      wave: text('ID', 'which wave (must be in qualwave.yaml)', { defaultText: 'from the file name or its front matter' }),
      date: text('YYYY-MM-DD', 'the interview date, written into the front matter', { details: 'the interview date: front matter, and `{date}` in the name pattern' }),
      dryRun: flag('show what would be added, write nothing'),
    },
    formats: ['table', 'json'],
    defaultFormat: 'table',
    output: false,
    notes: 'Each file is copied into the transcripts folder (never over an existing file, never outside the\nstudy); .txt and .md files without front matter get participant:, wave: and date:. All or nothing:\nif one file cannot be added, none is. Formats: table (default), json.',
    examples: ['qualwave add ~/Downloads/P01_pre.txt', 'qualwave add "otter export.txt" --participant P02 --wave pre --date 2025-01-20', 'qualwave add GMT20250120-150102_Recording.transcript.vtt --participant P03 --wave pre --dry-run'],
    module: 'add',
  }),

  pseudonymise: command({
    summary: 'replace names with pseudonyms from a key kept outside the study: every transcript, memo, case summary and codebook, each coding kept on its text; --suggest lists the names found',
    options: {
      key: text('FILE', 'the key: a CSV with a header name,pseudonym, outside the study folder and its git repository', { details: 'the key: a CSV file with a header `name,pseudonym`; refused inside the study folder or the git repository holding it' }),
      suggest: flag('list the capitalised words (names, places?) in the transcripts for review; with --key, those not in it', {
        details: 'list candidates for the key: name, occurrences, transcripts, first `file:line:column`, where (participant, interviewer, other, note, label, front matter); with `--key`, those not in it',
      }),
      dryRun: flag('show what would be replaced, per file and per row of the key; write nothing'),
    },
    formats: ['table', 'md', 'csv', 'tsv', 'json'],
    defaultFormat: 'table',
    output: false,
    notes:
      "A name is replaced where it is a whole word, written as in the key or in capitals (the pseudonym\nthen in capitals), composed or decomposed accents alike, longest name first. Other cases and\naccents are listed, not replaced. Codings move with their text (spans shifted, hashes made anew);\nevery file is written together, or none. The key's names are never printed: rows are named by\ntheir line and pseudonym. Afterwards pseudonymised.yaml records the check, and export and report\nrefuse while a text changed since. Formats: table (default), md, csv, tsv, json.",
    examples: ['qualwave pseudonymise --suggest', 'qualwave pseudonymise --key ~/keys/buddy-key.csv --dry-run', 'qualwave pseudonymise --key ~/keys/buddy-key.csv', 'qualwave pseudonymise --suggest --key ~/keys/buddy-key.csv --format csv > review.csv'],
    module: 'pseudonymise',
  }),

  code: command({
    summary: 'code one transcript: interactively in the terminal, or with --apply/--remove from scripts',
    args: [
      { name: 'participant', meaning: 'participant id, e.g. MS07', required: true },
      { name: 'wave', meaning: 'wave id, e.g. post', required: true },
    ],
    options: {
      coder: text('NAME', 'required: who is coding; the codings go to codings/NAME.tsv', { defaultText: 'none: required' }),
      apply: text('CODE', 'apply CODE to --lines (non-interactive)'),
      remove: text('CODE', 'remove CODE from --lines (non-interactive; exit 1 if there is no such coding)'),
      lines: value('SPAN', 'whole lines as your editor numbers them (12, 12-14), or an exact span line:column-line:column (12:5-12:40; columns in characters, the end included)', lineRange),
      text: text('WORDS', 'the words coded: placed where they occur inside --lines (or anywhere in the transcript without --lines); spaces and quote styles need not match', {
        details: 'with `--apply`/`--remove`: the span is where WORDS are inside `--lines` (or anywhere in the transcript without `--lines`); spaces, line breaks and quote styles need not match; not there or there twice: exit 2',
      }),
      memo: text('TEXT', 'memo for the coding (with --apply)'),
      exemplar: flag('mark the coding as an exemplar (with --apply)'),
      allSpeakers: flag('step through interviewer turns too (interactive; default: participant speech)'),
      hints: flag('interactive: show the suggestions for each segment (codings/suggest.tsv, from qualwave suggest) with their scores; y applies the first, as your coding'),
      hintsFrom: text('NAME', 'with --hints: the suggestion coder shown', { default: 'suggest' }),
      order: choice('ORDER', ['text', 'uncertain'], "interactive: the text's order, or the segments the models learned from your coded transcripts are least sure of first (uncertainty sampling)", { default: 'text' }),
      done: flag('mark the transcript finished: read to the end, uncoded text means no code applies'),
      notDone: flag('take the finished mark off the transcript'),
      newCoder: flag('start a new coder: NAME has no codings yet (without it the session asks first, and --apply refuses a name close to an existing coder)', {
        details: "start a new coder: `codings/NAME.tsv` does not exist yet. Without it, the interactive session asks before creating it, and `--apply`/`--remove`/`--done` refuse a name close to an existing coder's (`--coder alcie` when `alice` exists: exit 2, did you mean); another new name is created with a notice",
      }),
    },
    notes:
      "Interactive keys: j/k next/previous, NUMBER⏎ add or remove code NUMBER, / find a code, e exemplar,\nm memo, d show a code's definition, g jump to a line, s select sentences, w select words (a\nphrase), x back to the whole segment, c create a new code, f finished, u undo, ? help, q quit.\nEvery change is saved before the screen changes; only your own codings are shown (blind coding),\nand with --hints the suggestion coder's (y applies the first hint not applied yet).",
    examples: [
      'qualwave code MS07 post --coder alice',
      'qualwave code MS07 post --coder alice --apply support.respite --lines 12-14 --memo "mum\'s gym hour"',
      'qualwave code MS07 post --coder alice --apply support.respite --lines 12:5-12:40',
      'qualwave code MS07 post --coder alice --apply support.respite --lines 12 --text "a few hours a week"',
      'qualwave code MS07 post --coder alice --remove support.respite --lines 12-14',
      'qualwave code MS07 post --coder alice --done          # read to the end',
      'qualwave code MS12 pre --coder alice --hints --order uncertain',
    ],
    module: 'code',
  }),

  autocode: command({
    summary: "code every segment with the codebook's keywords (stemmed) and patterns, as a machine coder",
    options: {
      coder: text('NAME', 'the machine coder whose codings (codings/NAME.tsv) are written', { default: 'auto' }),
      dryRun: flag('count hits, write nothing'),
    },
    formats: ['table', 'md', 'csv', 'tsv', 'json'],
    defaultFormat: 'table',
    notes: "Prints segments matched per code (stdout; --format table, md, csv, tsv, json) and the codes that\nmatched nothing. Replaces that coder's codings; a coder other than 'auto' with codings needs --force.",
    examples: ['qualwave autocode --dry-run', 'qualwave autocode && qualwave codings --coder auto --code support.respite'],
    module: 'autocode',
  }),

  suggest: command({
    summary: "propose codings for the transcripts not yet coded, learned from a coder's own codings of this study (offline), as a machine coder; --evaluate measures them as a third coder",
    options: {
      coder: text('NAME', 'the human coder learned from', { defaultText: 'consensus, else the only human coder' }),
      as: text('NAME', "the suggestion coder written (codings/NAME.tsv): 'suggest' or a name starting with 'suggest-'", { default: 'suggest' }),
      code: list('IDS', 'only these codes'),
      minExamples: integer('N', 'segments a code needs in the training transcripts for a model (fewer: reported, not suggested or scored)', { default: 10, min: 1 }),
      evaluate: flag('measure instead of writing: train on some participants, suggest for the others, compare with the coder (Cohen’s kappa, F1) beside the keyword auto-coder and a second human coder'),
      byWave: flag('with --evaluate: train on the earlier waves, test on each later one (instead of holding out participants)'),
      folds: integer('K', 'with --evaluate: participants are dealt into K groups, each held out once', { default: 5, min: 2 }),
      humans: list('A,B', 'with --evaluate: the two human coders whose agreement is shown beside the suggestions’', { defaultText: 'the coder and one other human coder, when there is exactly one other' }),
      ...BOOTSTRAP,
      dryRun: flag('train and count suggestions, write nothing'),
    },
    formats: ['table', 'md', 'csv', 'tsv', 'json'],
    defaultFormat: 'table',
    notes:
      "Learns one model per code (TF-IDF of the study's own stemmed words, L2 logistic regression; no\nnetwork, nothing downloaded) from the transcripts the coder finished (or coded, for a coder who marks\nnone finished), and suggests for the others. Writes codings/suggest.tsv (replacing earlier suggestions;\na file holding anything but suggestions is refused). Show them while coding: qualwave code P W --coder\nNAME --hints (y accepts). --evaluate writes nothing. Formats: table (default), md, csv, tsv, json.",
    examples: ['qualwave suggest --coder alice', 'qualwave suggest --evaluate --coder alice', 'qualwave suggest --evaluate --by-wave --coder consensus --format json', 'qualwave code MS12 pre --coder alice --hints --order uncertain'],
    module: 'suggest',
  }),

  'codebook show': command({
    summary: 'the codebook as a table: id, label, definition, include, exclude, examples',
    options: { ...MANUSCRIPT },
    formats: TABLE_FORMATS,
    defaultFormat: 'table',
    notes: 'Formats: table (default: code, label, definition), md, latex (booktabs), html, csv, tsv, json, docx (with --output).',
    examples: ['qualwave codebook show', 'qualwave codebook show --format latex -o appendix-codebook.tex'],
    module: 'codebook',
    handler: 'runShow',
  }),

  'codebook add': command({
    summary: "add a code to the codebook file (its parent's, else the first): an edit that keeps every comment and line, under the study lock",
    args: [{ name: 'id', meaning: 'the new code id, e.g. support.gym', required: true }],
    options: {
      label: text('TEXT', 'required: its label (one line)', { defaultText: 'none: required' }),
      parent: text('ID', 'the code it goes under', { defaultText: 'the code its id starts with, e.g. support for support.gym; else a new theme' }),
      dryRun: flag('say where it would go, write nothing'),
    },
    examples: ['qualwave codebook add support.gym --label "Time at the gym"', 'qualwave codebook add money --label "Money worries"            # a new theme', 'qualwave codebook add costs --label "Costs" --parent support'],
    module: 'codebook',
    handler: 'runAdd',
  }),

  'codebook rename': command({
    summary: "rename a code in its codebook file and in every coder's codings, as one change",
    args: [
      { name: 'old', meaning: 'current code id', required: true },
      { name: 'new', meaning: 'new code id', required: true },
    ],
    options: { dryRun: flag('report what would change, write nothing') },
    examples: ['qualwave codebook rename support.respite support.parent-respite'],
    module: 'codebook',
    handler: 'runRename',
  }),

  'codebook merge': command({
    summary: 'fold codes into one: their codings become --into, and they leave the codebook',
    args: [{ name: 'codes', meaning: 'codes to merge', required: true, variadic: true }],
    options: {
      into: text('CODE', 'required: the code they become (an existing code, possibly one of them)', { defaultText: 'none: required' }),
      dryRun: flag('report what would change, write nothing'),
    },
    examples: ['qualwave codebook merge emotions.toll emotions.coping --into emotions.toll'],
    module: 'codebook',
    handler: 'runMerge',
  }),

  'codebook versions': command({
    summary: 'from which wave each code was in use (since:), and the codings before it; derived from git with --from-git',
    options: {
      fromGit: flag("derive each code's since from the history of the codebook and the codings"),
      write: flag('with --from-git: write the derived since: lines into the codebook (codes without one)'),
      dryRun: flag('with --write: report what would be written, write nothing'),
    },
    formats: ['table', 'md', 'csv', 'tsv', 'json'],
    defaultFormat: 'table',
    notes: 'Formats: table (default), md, csv, tsv, json.',
    examples: ['qualwave codebook versions', 'qualwave codebook versions --from-git', 'qualwave codebook versions --from-git --write --dry-run'],
    module: 'codebook',
    handler: 'runVersions',
  }),

  agree: command({
    summary: 'inter-coder agreement per code (or on reliability data), with bootstrap intervals, standard errors and tests',
    options: {
      ...MANUSCRIPT,
      ...coders(),
      code: list('IDS', 'only these codes'),
      rows: choice('ROWS', ROWS, 'study: per code, or per theme (a theme is applied when the theme or any sub-code is)', { default: 'code' }),
      level: choice('LEVEL', LEVELS, 'reliability data: the level of measurement for alpha', { default: 'nominal', hint: 'on a study, per code or per theme is --rows code or --rows theme' }),
      unit: choice('UNIT', ['segment', 'document', 'character'], 'study: what coders are compared on: each segment, each transcript, or each character of a line', { default: 'segment' }),
      uncoded: choice('RULE', ['absent', 'missing'], 'study: a transcript a coder neither coded nor finished counts as read with nothing coded (absent) or is left out (missing)', { default: 'absent' }),
      unitizing: flag("study: Krippendorff's alpha for unitizing: agreement on where coded stretches begin and end, per code and pooled"),
      ...FILTERS,
      includeInterviewer: flag('count interviewer speech as units too (default: participant speech only)'),
      masi: flag("add a row comparing each unit's whole set of codes: Krippendorff's alpha with the MASI distance", {
        details: "add a row comparing the whole set of codes each coder put on a unit: Krippendorff's alpha with the MASI distance (Passonneau 2006; the other coefficients of that row treat each distinct set as a category)",
      }),
      matrix: text('FILE', 'reliability data: rows = units, columns = coders (a header of coder names; - reads standard input); see the README for missing values and sets (a;b)'),
      unitIds: switchable('with --matrix/--counts: the first column holds unit ids (--no-unit-ids: it is data, even if it looks like ids)', {
        details: 'with `--matrix`/`--counts`: the first column holds unit ids (`--no-unit-ids`: it is data even though it looks like ids; an id-like first column with neither is an error)',
      }),
      long: text('FILE', 'reliability data in long form: one row per unit, coder and value (see --unit-column, --coder-column, --value-column)'),
      unitColumn: text('COLUMN', 'with --long: the unit column', { default: 'unit' }),
      coderColumn: text('COLUMN', 'with --long: the coder column', { default: 'coder' }),
      valueColumn: text('COLUMN', 'with --long: the value column', { default: 'value' }),
      counts: text('FILE', 'reliability data as counts: rows = units, columns = categories, cells = how many coders chose it', { details: 'reliability data as counts: rows = units, columns = categories, cells = how many coders chose it (coders are not identified: no Cohen, Scott, Conger or pairwise coefficients)' }),
      contingency: text('FILE', 'two coders as a contingency table: the first coder down, the second across (counts, or proportions with --n)'),
      n: integer('UNITS', 'with --contingency of proportions: the number of units', { min: 1 }),
      categories: list('VALUES', 'with --matrix/--long: the declared scale, in order; label=number gives a label its value', { details: 'with `--matrix`/`--long`: the declared scale, in order; `label=number` gives a text label its value (`low=1,mid=2,high=3`)' }),
      weights: text('SCHEME', 'weighted kappa, AC2 and weighted Brennan–Prediger: linear, quadratic, or a weights file (categories x categories)', {
        details: "weighted kappa (two coders), Gwet's AC2 and weighted Brennan–Prediger: `linear` or `quadratic` weights over the categories' numbers (their ranks for declared text labels), or a weight matrix file (categories x categories)",
      }),
      chance: choice('UNITS', ['compared', 'rated'], "chance agreement of Gwet's coefficients from the units compared, or every rated unit (as irrCAC)", {
        default: 'compared',
        details: "where Gwet's coefficients take their chance agreement: the units compared (like every other coefficient), or every unit with a value, as Gwet (2014) and irrCAC do",
      }),
      interval: choice('METHOD', ['bca', 'percentile'], 'bootstrap interval', { default: 'bca', details: 'the bootstrap interval (BCa: the method whose coverage `npm run bench` measured best)' }),
      ...BOOTSTRAP,
      confidence: number('P', 'interval coverage', { default: 0.95, min: 0, max: 1, exclusive: true }),
      min: repeated('NAME=VALUE', `exit 1 when a value is below; NAME one of ${GATE_NAMES.join(', ')} (repeatable)`, gate),
      pooled: flag('with --min: check the pooled value only'),
    },
    formats: ['table', 'md', 'latex', 'html', 'csv', 'tsv', 'json', 'docx'],
    defaultFormat: 'table',
    notes: "Formats: table (default), md, latex, html, csv, tsv, json, docx (with --output).\n--min kappa checks Cohen's kappa for two coders, Fleiss' for more; a gate on a coefficient not\ncomputed for the data is a usage error (exit 2).",
    examples: [
      'qualwave agree --study fixtures/buddy-study',
      'qualwave agree --coders alice,ben --rows theme --unit document --format md',
      'qualwave agree --min alpha=0.667 --pooled            # a CI gate',
      'qualwave agree --unitizing --code support.respite',
      'qualwave agree --matrix reliability.csv --level interval --format json',
      'qualwave agree --counts ratings.csv --unit-ids',
      'qualwave agree --contingency table.csv --weights quadratic',
    ],
    module: 'agree',
  }),

  disagreements: command({
    summary: "every segment where the coders differ on a code, with each coder's codes and memos, for the coders' meeting",
    options: { ...coders(), code: list('IDS', 'only these codes'), ...FILTERS },
    formats: ['table', 'md', 'csv', 'tsv', 'json'],
    defaultFormat: 'table',
    notes: 'Formats: table (default), md (for the meeting), csv/tsv (a spreadsheet, and the decisions file for\nreconcile: fill in the decision column with apply or reject), json.',
    examples: ['qualwave disagreements --format md > meeting.md', 'qualwave disagreements --coders alice,ben --format csv -o decisions.csv'],
    module: 'disagreements',
  }),

  reconcile: command({
    summary: "write the consensus coder's codings: what the coders agree on, plus the meeting's decisions",
    options: {
      ...coders('coders to reconcile'),
      into: text('NAME', 'the consensus coder, whose codings (codings/NAME.tsv) are written', { default: 'consensus' }),
      rule: choice('RULE', ['union', 'intersection', 'majority'], 'settle undecided disagreements: union (anyone applied), intersection (everyone), majority'),
      decisions: text('FILE', 'the disagreements CSV with its decision column filled in (apply / reject); - reads standard input'),
      dryRun: flag('report, write nothing'),
    },
    formats: ['table', 'json'],
    defaultFormat: 'table',
    notes: 'Formats: table (default: the counts on stderr), json (the counts, the open disagreements and what would be lost, on stdout).\nDisagreements with neither a decision nor a rule stay open: left uncoded and counted.',
    examples: ['qualwave disagreements --format csv -o decisions.csv   # fill in "decision" at the meeting', 'qualwave reconcile --decisions decisions.csv', 'qualwave reconcile --coders alice,ben --rule majority --into consensus'],
    module: 'reconcile',
  }),

  matrix: command({
    summary: 'themes (or codes) x waves: participants with the theme, with attrition-aware denominators',
    options: {
      ...tableScope({ rows: 'theme', decimals: 0 }),
      value: choice('VALUE', MATRIX_VALUES, 'what each cell counts: participants (with %), percent, documents, segments or words', { default: 'participants' }),
      by: text('ATTRIBUTE', 'split the columns by a participant attribute (e.g. experience)'),
      cells: choice('CELLS', ['count', 'ids'], 'count, or ids: the participant ids in each cell', { default: 'count' }),
    },
    formats: TABLE_FORMATS,
    defaultFormat: 'table',
    notes: TABLES_NOTE,
    examples: ['qualwave matrix --study fixtures/buddy-study', 'qualwave matrix --value percent --format latex --caption "Themes by wave" --label tab:themes', 'qualwave matrix --by gender --cells ids', 'qualwave matrix --rows code -o tables/codes-by-wave.csv'],
    module: 'matrix',
  }),

  trajectories: command({
    summary: 'per theme, between consecutive waves: persisted, emerged, faded, absent (participants at both waves)',
    options: {
      ...tableScope({ rows: 'theme', decimals: 0 }),
      theme: list('IDS', 'only these themes (or codes with --rows code)'),
      patterns: flag("each participant's pattern across waves instead (+ present, - absent, . not interviewed)"),
    },
    formats: TABLE_FORMATS,
    defaultFormat: 'table',
    notes: TABLES_NOTE,
    examples: ['qualwave trajectories', 'qualwave trajectories --theme learning --patterns'],
    module: 'trajectories',
  }),

  framework: command({
    summary: 'the framework matrix: participants (per wave) x themes, each cell the coded passages',
    options: {
      ...tableScope({ rows: 'theme', decimals: 0 }),
      cells: choice('CELLS', ['lines', 'words', 'count'], 'lines (count and line numbers), words (first words of each passage) or count', { default: 'lines' }),
    },
    formats: TABLE_FORMATS,
    defaultFormat: 'table',
    notes: TABLES_NOTE,
    examples: ['qualwave framework --wave post', 'qualwave framework --cells words --format md > framework.md'],
    module: 'framework',
  }),

  cooccurrence: command({
    summary: 'code x code: units coded with both (the diagonal: coded at all), or the Jaccard index',
    options: {
      ...tableScope({ rows: 'code', decimals: 2 }),
      unit: choice('UNIT', ['segment', 'document'], 'what is counted: segments or transcripts coded with both', { default: 'segment' }),
      jaccard: flag('the Jaccard index instead of counts'),
    },
    formats: TABLE_FORMATS,
    defaultFormat: 'table',
    notes: TABLES_NOTE,
    examples: ['qualwave cooccurrence', 'qualwave cooccurrence --rows theme --unit document --jaccard'],
    module: 'cooccurrence',
  }),

  saturation: command({
    summary: 'new codes contributed by each interview, in interview order, and the running total',
    options: { ...tableScope({ rows: 'code', decimals: 0 }) },
    formats: TABLE_FORMATS,
    defaultFormat: 'table',
    notes: TABLES_NOTE,
    examples: ['qualwave saturation', 'qualwave saturation --rows theme --format csv'],
    module: 'saturation',
  }),

  change: command({
    summary: "the change matrix (Saldaña): per theme, each participant's change across the waves, in categories; who is in each cell",
    options: {
      ...tableScope({ rows: 'theme', decimals: 0 }),
      theme: list('IDS', 'only these themes (or codes with --rows code)'),
      cells: choice('CELLS', ['count', 'ids'], 'count, or ids: the participants in each cell', { default: 'count' }),
      measure: choice('MEASURE', ['segments', 'presence'], 'what is compared between waves: how many segments were coded, or presence (coded or not)', { default: 'segments' }),
      detail: flag('one row per theme and participant: the values at each wave and the category'),
      evidence: flag('with --format md or json: per cell, each participant with an attributed quote per wave they had the theme'),
    },
    formats: TABLE_FORMATS,
    defaultFormat: 'table',
    notes: `${TABLES_NOTE}\n\nCategories (rules in the README, "Analysing change"): emerged/increased, cumulative, surged,\ndecreased/ceased, constant, idiosyncratic, missing, too few waves. Waves a participant was not\ninterviewed at, and waves before a code's since:, are skipped, never read as absent.`,
    examples: ['qualwave change', 'qualwave change --rows code --cells ids', 'qualwave change --theme learning --detail', 'qualwave change --evidence --format md > change.md'],
    module: 'change',
  }),

  'case-matrix': command({
    summary: "the case-ordered matrix: participants (sorted by an attribute or a theme's change) x themes, each cell the values across waves",
    options: {
      ...tableScope({ rows: 'theme', decimals: 0 }),
      sort: text('KEY', "an attribute (e.g. gender), or change:THEME for that theme's change category", { defaultText: 'by participant' }),
      theme: list('IDS', 'only these themes (or codes with --rows code) as columns'),
    },
    formats: TABLE_FORMATS,
    defaultFormat: 'table',
    notes: TABLES_NOTE,
    examples: ['qualwave case-matrix --sort prior_experience', 'qualwave case-matrix --sort change:learning --format md'],
    module: 'case-matrix',
  }),

  dropout: command({
    summary: 'the drop-out check: participants lost after a wave vs retained, on attributes and on what they said at that wave (counts, no tests)',
    options: {
      ...tableScope({ rows: 'theme', decimals: 0 }),
      after: list('IDS', 'only after these waves', { defaultText: 'every wave but the last' }),
      cells: choice('CELLS', ['count', 'ids'], 'count (n and % of each group), or ids', { default: 'count' }),
    },
    formats: TABLE_FORMATS,
    defaultFormat: 'table',
    notes: TABLES_NOTE,
    examples: ['qualwave dropout', 'qualwave dropout --after 4-month --rows code --cells ids'],
    module: 'dropout',
  }),

  anticipated: command({
    summary: "anticipated vs experienced (Lewis): codes marked 'anticipates:' at an earlier wave paired with their counterpart later, per participant",
    options: {
      ...tableScope({ rows: 'theme', decimals: 0 }),
      code: list('IDS', 'only these anticipation codes'),
      summary: flag('only the counts per status (for tables); in md/json, leave out the quotes'),
    },
    formats: ['md', 'table', 'latex', 'html', 'csv', 'tsv', 'json', 'docx'],
    defaultFormat: 'md',
    notes: "Formats: md (default: tables and each participant's quotes), table, latex, html, csv, tsv, json, docx (with --output).",
    examples: ['qualwave anticipated', 'qualwave anticipated --format csv -o anticipated.csv'],
    module: 'anticipated',
  }),

  case: command({
    summary: "the case dossier: one participant across every wave, with the analyst's summary from cases/PARTICIPANT.md (checked)",
    args: [{ name: 'participant', meaning: 'participant id, e.g. MS07', required: true }],
    options: {
      ...CODER,
      template: flag('a pen portrait to start from: the facts filled in, the interpretation left to you (Markdown)'),
    },
    formats: ['md', 'html', 'json'],
    defaultFormat: 'md',
    notes: 'Formats: md (default), html (a self-contained page), json.',
    examples: ['qualwave case MS07', 'qualwave case MS07 --format html -o MS07.html', 'qualwave case MS09 --template -o cases/MS09.md'],
    module: 'case',
  }),

  brief: command({
    summary: 'next-wave briefs for the interviewers: per participant, what they said last time, open threads, quotes to feed back',
    options: {
      ...CODER,
      for: text('WAVE', 'the wave being prepared; the brief reads the wave before it', { defaultText: 'the first wave with no interview yet' }),
      participant: list('IDS', 'only these participants'),
    },
    formats: ['md', 'docx', 'json'],
    defaultFormat: 'md',
    notes: 'Formats: md (default), docx (needs --output), json. Open threads: coding memos holding\n"follow-up: ..." and the list under "## Open threads" in cases/PARTICIPANT.md.',
    examples: ['qualwave brief --for post', 'qualwave brief --for post --format docx -o brief-post.docx', 'qualwave brief --participant MS07,MS09'],
    module: 'brief',
  }),

  build: command({
    summary: 'write every table declared under outputs: in qualwave.yaml (only files whose content changed)',
    args: [{ name: 'study', meaning: 'study folder (same as --study)' }],
    options: { check: flag('write nothing; exit 1 when an output is missing or out of date (for CI)') },
    notes: "Each output is a qualwave command line, run on the study loaded once; its format follows the file's\nextension unless the line gives --format. Outputs are written together and atomically; unchanged\nfiles are not touched.",
    examples: ['qualwave build', 'qualwave build --check        # in CI: fails when codings changed but the tables were not rebuilt'],
    module: 'build',
  }),

  figure: command({
    summary: 'a figure for the manuscript: SVG, PNG or PDF (black and white, drawn at its printed size)',
    args: [{ name: 'kind', meaning: FIGURE_KINDS.join(', '), required: true, choices: FIGURE_KINDS, noun: 'figure' }],
    options: {
      ...CODER,
      ...coders('agreement: coders to compare'),
      rows: choice('ROWS', ROWS, 'heatmap, trajectories: themes or codes (default theme); saturation, agreement: codes or themes (default code)'),
      by: text('ATTRIBUTE', 'heatmap: split the columns by a participant attribute'),
      ...FILTERS,
      coefficient: choice('NAME', FIGURE_COEFFICIENTS, 'agreement: the coefficient shown', { default: 'alpha' }),
      ...BOOTSTRAP,
      ...FIGURE,
      height: FIGURE_HEIGHT,
      dpi: integer('N', 'PNG: dots per inch of the printed size (recorded in the file)', { default: 300, min: 72, max: 2400, hint: 'journals usually ask for 300 (photos) to 600 or 1200 (line art)' }),
      title: text('TEXT', 'title', { defaultText: 'from the figure' }),
    },
    formats: ['svg', 'png', 'pdf'],
    defaultFormat: 'svg',
    notes:
      'SVG (default), PNG or PDF: -o FILE.svg, FILE.png or FILE.pdf (or --format). Drawn at its printed\nsize: place it at its own size (LaTeX: \\includegraphics{fig.pdf}, no width=) for labels of 9-10 pt,\nor give --width your column width. PNG and PDF are rendered with a bundled font (Arimo), the same\nbytes on every machine; no browser, no network.',
    examples: [
      'qualwave figure participation -o figures/participation.svg',
      'qualwave figure timeline -o figures/timeline.svg',
      'qualwave figure heatmap --rows code --width 12cm --font-size 9 -o heatmap.svg',
      'qualwave figure saturation -o saturation.png --dpi 600',
      'qualwave figure agreement --coefficient ac1 -o agreement.pdf',
    ],
    module: 'figure',
  }),

  report: command({
    summary: 'one self-contained HTML report: study, timeline, codebook, agreement, theme-by-wave, trajectories, change, anticipated vs experienced, drop-out, saturation, quotes, cases',
    options: {
      ...CODER,
      stamp: flag('add the generation time (otherwise the report is the same bytes every time)'),
      ...FIGURE,
    },
    formats: ['html', 'docx'],
    defaultFormat: 'html',
    notes: "Inline CSS and SVG; no script, font or network request: email it, open it offline, print it.\n-o FILE.docx (or --format docx): the report's tables, the same ones, as one Word document.",
    examples: ['qualwave report -o report.html', 'qualwave report --coder alice --stamp -o report-alice.html', 'qualwave report -o report-tables.docx'],
    module: 'report',
  }),

  export: command({
    summary: 'the study as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder; or its codebook (.qdc)',
    options: { ...coders('only these coders', 'all') },
    formats: ['qdpx', 'qdc'],
    defaultFormat: 'qdpx',
    notes: 'Formats: qdpx (a zip: project.qde + sources/, needs --output), qdc (codebook XML). The format\nfollows the --output extension.',
    examples: ['qualwave export -o study.qdpx', 'qualwave export --coders alice,ben -o two-coders.qdpx', 'qualwave export --format qdc > codebook.qdc'],
    module: 'export',
  }),

  import: command({
    summary: 'a project from NVivo, ATLAS.ti, MAXQDA, QualCoder (.qdpx, .qde) or Taguette (.sqlite3) as a new study; a codebook (.qdc) or Taguette highlights (.csv) into this study',
    args: [{ name: 'file', meaning: 'a REFI-QDA project (.qdpx or a bare .qde) or codebook (.qdc); a Taguette project (.sqlite3) or highlights export (.csv)', required: true }],
    options: {
      into: text('DIR', 'project: the new study folder', { defaultText: 'from the project name' }),
      merge: flag('project: add to the existing study in --into (new transcripts, participants, codings; the codebook only where the study lacks all its codes, never overwritten)'),
      participantFrom: text('HOW', 'case, variable:NAME or filename-pattern', {
        defaultText: 'the case holding the source, else its name, else its file name',
        details: "who each source is: `case` (the case that holds it), `variable:NAME` (a variable's value), or `filename-pattern` (from the source's name by --name-pattern).",
      }),
      waveFrom: text('HOW', 'variable:NAME or filename-pattern', { defaultText: 'a variable named wave, else --name-pattern, else one wave' }),
      namePattern: text('PATTERN', 'how source or document names hold participant and wave, e.g. {participant}_{wave}', { defaultText: 'none' }),
      coder: text('NAME', 'Taguette highlights CSV: whose codings they become', { default: 'taguette' }),
    },
    formats: ['table', 'json'],
    defaultFormat: 'table',
    notes:
      'Text sources become transcripts (their text as stored; Word and RTF sources converted), codes the\ncodebook (Description lines "Include:", "Exclude:", "Example:", "Keywords:", "Pattern:" become those\nfields; code sets of a flat codebook become themes), users coders, selections exact spans, cases\nparticipants, variables attributes. Positions are read the way that puts the project\'s selections on\ntheir text (the standard\'s code points, NVivo\'s UTF-16 units, ATLAS.ti\'s one-character line breaks,\n...): the report says which and lists every coding it cannot verify. Pictures, audio, video, graphs,\nlinks and notes are counted and left out. --format json prints the report.',
    examples: [
      'qualwave import nvivo-export.qdpx --into my-study',
      'qualwave import project.qde --into my-study',
      'qualwave import atlas.qdpx --wave-from variable:Wave --format json',
      "qualwave import taguette-project.sqlite3 --into my-study --name-pattern '{participant}_{wave}'",
      'qualwave import all_tags.csv --coder ana',
      'qualwave import codebook.qdc',
    ],
    module: 'import',
  }),

  'quotes list': command({
    summary: 'the best candidate quotes for each theme (or code) and wave (the default)',
    options: {
      ...tableScope({ rows: 'theme', decimals: 2 }),
      theme: list('IDS', 'only these themes'),
      code: list('IDS', 'per code instead of per theme: these codes'),
      perCell: integer('N', 'quotes per theme and wave', { default: 3, min: 1 }),
      minWords: integer('N', 'shortest quote, in words', { default: 15, min: 1 }),
      maxWords: integer('N', 'longest quote, in words; longer passages are trimmed at sentences with "..."', { default: 120, min: 1 }),
      repeat: flag('allow the same participant twice in a cell'),
      clean: flag('remove fillers (um, uh, you know, I mean), each removal marked "..."', { details: 'remove fillers (um, uh, erm, hmm, you know, I mean), each removal marked `...`; the original stays in JSON/CSV' }),
      explain: flag('show why each quote ranks where it does'),
    },
    formats: ['md', 'table', 'latex', 'csv', 'tsv', 'json', 'docx'],
    defaultFormat: 'md',
    notes:
      "Formats: md (default: block quotes grouped by theme then wave, the source in an HTML comment),\nlatex (quote environments), docx (needs --output), table, csv, tsv, json.\n\nRanking: coder-flagged exemplars first; then centrality (TF-IDF cosine to the code's definition,\ninclude text, examples and the other passages coded with it), divided by 1 + 0.25 x the number of\nother themes on the passage; one quote per participant per cell; ties by segment id.",
    examples: ['qualwave quotes --theme learning --wave post --per-cell 2', 'qualwave quotes --explain --format md > quotes.md', 'qualwave quotes --format docx -o quotes.docx'],
    module: 'quotes',
    isDefault: true,
  }),

  'quotes verify': command({
    summary: 'check that every quotation in a draft is in the transcript its attribution names',
    args: [{ name: 'draft', meaning: 'the manuscript draft: .md, .txt or .docx', required: true }],
    options: {},
    formats: ['table', 'md', 'csv', 'tsv', 'json'],
    defaultFormat: 'table',
    notes:
      'Finds every quotation followed by an attribution ("…" (MS07, post interview), "…" (MS06), or a\nMarkdown block quote ending with one) and looks for the quoted words in that participant\'s\ntranscript at that wave, allowing ... / … omissions, [bracketed] insertions, case, punctuation,\nwhitespace and curly/straight quotes. Verdicts: verified (with file:line), misattributed (found\nunder another participant or wave: where), not found (the closest passage and its similarity).\nExit 1 when any quote is not verified. Formats: table (default), md, csv, tsv, json.',
    examples: ['qualwave quotes verify manuscript.md', 'qualwave quotes verify draft.docx --format json'],
    module: 'verify',
  }),

  'codings list': command({
    summary: 'list coded passages with their text, attribution and file:line (the default)',
    options: {
      code: list('IDS', 'codes or themes (a theme includes its sub-codes); repeatable or comma-separated'),
      wave: FILTERS.wave,
      participant: list('IDS', 'only these participants'),
      coder: text('NAME', 'only the codings of this coder', { defaultText: 'every coder' }),
      ...coders('only the codings of these coders', 'every coder'),
      where: FILTERS.where,
      speaker: choice('ROLE', ['participant', 'interviewer'], 'only passages spoken by'),
    },
    formats: ['table', 'md', 'csv', 'tsv', 'json'],
    defaultFormat: 'table',
    notes: 'Formats: table (default), md, csv, tsv, json.',
    examples: ['qualwave codings --code support --wave post', 'qualwave codings --coder alice --where gender=M --format md', "qualwave codings --code learning.practice --format json | jq '.[].attribution'"],
    module: 'codings',
    isDefault: true,
  }),

  'codings import': command({
    summary: 'add codings from a CSV (NVivo, ATLAS.ti, MAXQDA or spreadsheet export); all or nothing unless --skip-bad',
    args: [{ name: 'file', meaning: 'interchange CSV: coder,participant,wave,start_line,end_line,code[,memo,exemplar,document,start_col,end_col,text]; - reads standard input', required: true }],
    options: {
      skipBad: flag('import the valid rows and report the bad ones (exit 1 if any)'),
      dryRun: flag('check and count, write nothing'),
    },
    examples: ['qualwave codings import nvivo-codings.csv', 'qualwave codings import sheet.csv --skip-bad'],
    module: 'codings',
    handler: 'runImport',
  }),

  'codings export': command({
    summary: 'every coding as interchange CSV, or as a tidy table for R, Stata and pandas (stdout or --output)',
    options: {
      coder: text('NAME', 'only the codings of this coder', { defaultText: 'every coder' }),
      ...coders('only the codings of these coders', 'every coder'),
      csvRaw: flag('keep cells starting with = + - @ as they are (by default they get a leading apostrophe, which codings import removes again)'),
    },
    formats: ['csv', 'tidy', 'tidy-tsv', 'tidy-jsonl'],
    defaultFormat: 'csv',
    notes: "Formats: csv (default: the interchange CSV that codings import reads back); tidy: one row per\ncoding with the participant's attributes, wave, wave order, theme, code, exact span, text and\ncoder, as CSV, or TSV or JSON Lines (tidy-tsv, tidy-jsonl, or -o FILE.tsv / FILE.jsonl).",
    examples: ['qualwave codings export > codings.csv', 'qualwave codings export --coders alice,ben -o two-coders.csv', 'qualwave codings export --format tidy -o tidy.csv', 'qualwave codings export --format tidy-jsonl > tidy.jsonl'],
    module: 'codings',
    handler: 'runExport',
  }),

  'codings reanchor': command({
    summary: 'move every drifted coding (its transcript edited since) to where its text now is; list the ones it cannot place',
    options: {
      coder: text('NAME', 'only the codings of this coder', { defaultText: 'every coder' }),
      ...coders('only the codings of these coders', 'every coder'),
      dryRun: flag('report what would move, write nothing'),
    },
    formats: ['table', 'json'],
    defaultFormat: 'table',
    output: false,
    notes:
      "A coding's hash fingerprints the text it marks. When it no longer matches, the text it marked is\ntaken from the transcript's earlier versions in git and looked for: exactly (a unique place, or\nthe place the unchanged text around the edits puts it), else approximately (at least 80% similar,\nno second place as close). What cannot be placed is listed and left as it is (exit 1); nothing is\nguessed. Every coder's file is written together, atomically. Formats: table (default), json.",
    examples: ['qualwave codings reanchor --dry-run', 'qualwave codings reanchor --coder alice'],
    module: 'codings',
    handler: 'runReanchor',
  }),
};

export type CommandName = keyof typeof COMMANDS;
