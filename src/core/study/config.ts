import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { YamlReader } from '../yaml/reader.js';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { readSpeakerMap } from '../transcript/front-matter.js';
import { SEGMENT_MODES, UNLABELLED_ROLES, type SegmentMode, type UnlabelledRole } from '../transcript/types.js';
import { RECORD_FILE } from '../pseudonymisation/record.js';
import { NAME_FIELDS, placeholders, type NamePattern } from './naming.js';
import type { OutputSpec, StudyConfig, Wave } from './types.js';

export const CONFIG_FILE = 'qualwave.yaml';
export const CONFIG_FIELDS = ['title', 'language', 'waves', 'participants', 'transcripts', 'codebooks', 'speakers', 'attribution', 'outputs', 'pseudonymisation'] as const;
const OUTPUT_FIELDS = ['file', 'run'] as const;
const WAVE_FIELDS = ['id', 'label'] as const;
const PARTICIPANTS_FIELDS = ['file', 'id'] as const;
const TRANSCRIPTS_FIELDS = ['paths', 'name', 'segments'] as const;
const SPEAKERS_FIELDS = ['interviewers', 'participants', 'unlabelled', 'map'] as const;

export const DEFAULTS = {
  language: 'en',
  participantsFile: 'participants.csv',
  participantsId: 'id',
  transcriptPaths: ['transcripts/**/*'],
  name: '{participant}_{wave}',
  codebooks: ['codebooks/*.yaml'],
  interviewers: ['Interviewer', 'I', 'Researcher', 'Moderator', 'Q'],
  participantLabels: ['Participant', 'P', 'Respondent', 'Interviewee', 'A'],
  attribution: '({participant}, {wave.label})',
  segments: 'paragraph' as SegmentMode,
  /**
   * Text outside any speaker turn is a note, nobody's speech, unless the study or the transcript
   * says otherwise: crediting unknown text to the participant would put a researcher's words in
   * their mouth (and in the quotes); a note is still kept, shown, counted as words and codable.
   */
  unlabelled: 'note' as UnlabelledRole,
} as const;

/**
 * The commands an output of `build` may run: each only reads the study and prints a table, a
 * figure or a document. Commands that write (code, autocode, reconcile, import, codebook rename...)
 * or run other commands (build) are refused, as are options that write or leave the study.
 */
export const OUTPUT_COMMANDS = [
  'summary',
  'matrix',
  'trajectories',
  'framework',
  'cooccurrence',
  'saturation',
  'agree',
  'disagreements',
  'figure',
  'report',
  'export',
  'quotes',
  'quotes list',
  'codebook show',
  'codings',
  'codings list',
  'codings export',
  'change',
  'anticipated',
  'dropout',
  'case-matrix',
  'case',
  'brief',
] as const;
const OUTPUT_REFUSED_OPTIONS = ['-o', '--output', '--force', '--study', '--allow-outside', '--dry-run'];
const WITH_SUBCOMMANDS = new Set(['quotes', 'codebook', 'codings']);
/** Folders and files of the study that an output may never be. */
export const PROTECTED_PATHS = ['codings', 'transcripts', 'codebooks', '.git', '.qualwave'] as const;

/** The command an output's arguments name ("matrix", "codebook show"), as OUTPUT_COMMANDS spells it. */
export function outputCommand(args: readonly string[]): string {
  const [first = '', second] = args;
  return WITH_SUBCOMMANDS.has(first) && second !== undefined && !second.startsWith('-') ? `${first} ${second}` : first;
}

/** Why an output (its file and arguments) is refused, or undefined when it is fine. */
export function outputProblem(file: string, args: readonly string[]): { message: string; hint: string } | undefined {
  const command = outputCommand(args);
  if (!(OUTPUT_COMMANDS as readonly string[]).includes(command)) {
    return { message: `output '${file}' runs '${command}', which is not a command that only reads the study and prints an output`, hint: `outputs may run: ${OUTPUT_COMMANDS.filter((c) => !c.endsWith(' list') && c !== 'codings list').join(', ')}` };
  }
  const bad = args.find((a) => OUTPUT_REFUSED_OPTIONS.includes(a.split('=')[0]!));
  if (bad) return { message: `output '${file}' gives ${bad.split('=')[0]}, which build decides itself`, hint: 'remove it: build writes the output to its file, in this study' };
  const parts = file
    .replace(/\\/g, '/')
    .split('/')
    .filter((p) => p !== '' && p !== '.');
  const top = (parts[0] ?? '').normalize('NFC').toLowerCase();
  if (parts.length === 1 && top === CONFIG_FILE) return { message: `output file '${file}' is the study's configuration`, hint: 'choose another file, e.g. tables/NAME.md' };
  if (parts.length === 1 && top === RECORD_FILE) return { message: `output file '${file}' is the study's pseudonymisation record`, hint: 'choose another file, e.g. tables/NAME.md' };
  if ((PROTECTED_PATHS as readonly string[]).includes(top)) return { message: `output file '${file}' is inside ${parts[0]}/, which holds the study's own data`, hint: 'write outputs elsewhere, e.g. tables/ or figures/' };
  return undefined;
}

/** Wave ids appear in file names and flags: no spaces or slashes. */
const WAVE_ID = /^[\p{L}\p{N}][\p{L}\p{N}_.-]*$/u;
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]+)*$/;
const ATTRIBUTION_FIELD = /\{([^{}]*)\}/g;

/** Parse qualwave.yaml; missing optional fields get documented defaults. */
export function parseConfig(file: string, text: string): { config: StudyConfig | undefined; diagnostics: Diagnostic[]; lines: Record<string, number> } {
  const r = new YamlReader(file, text);
  const lines: Record<string, number> = {};
  if (!r.ok) return { config: undefined, diagnostics: r.diagnostics, lines };
  if (r.root === null) {
    r.diagnostics.push(error(file, 1, `${file} is empty`, "run 'qualwave init' to create a commented one, or add at least title: and waves:"));
    return { config: undefined, diagnostics: r.diagnostics, lines };
  }
  const map = r.map(r.root, file);
  if (!map) return { config: undefined, diagnostics: r.diagnostics, lines };
  const config: StudyConfig = {
    title: '',
    language: DEFAULTS.language,
    waves: [],
    participants: { file: DEFAULTS.participantsFile, id: DEFAULTS.participantsId },
    transcripts: { paths: [...DEFAULTS.transcriptPaths], name: DEFAULTS.name, names: [{ kind: 'pattern', text: DEFAULTS.name }], segments: DEFAULTS.segments },
    codebooks: [...DEFAULTS.codebooks],
    speakers: { interviewers: [...DEFAULTS.interviewers], participants: [...DEFAULTS.participantLabels], unlabelled: DEFAULTS.unlabelled, map: [] },
    attribution: DEFAULTS.attribution,
    outputs: [],
  };
  const seen = new Set<string>();
  for (const [key, value] of r.entries(map, file, CONFIG_FIELDS)) {
    seen.add(key);
    const line = r.position(value).line;
    if (line !== undefined) lines[key] = line;
    switch (key) {
      case 'title':
        config.title = r.string(value, "'title'", { nonEmpty: true }) ?? '';
        break;
      case 'language': {
        const v = r.string(value, "'language'");
        if (v === undefined) break;
        if (!LANGUAGE.test(v)) r.error(value, `language '${v}' is not a language code`, "use a two-letter code such as 'en' or 'fr'");
        else config.language = v;
        break;
      }
      case 'waves': {
        const seq = r.seq(value, "'waves'");
        if (!seq) break;
        if (seq.items.length === 0) r.error(value, "'waves' is empty", 'list the interview time points in order, e.g. - { id: pre, label: pre-interview }');
        seq.items.forEach((item, index) => {
          const wm = r.map(item, `wave ${index + 1}`);
          if (!wm) return;
          let id: string | undefined;
          let label: string | undefined;
          for (const [k, v] of r.entries(wm, `wave ${index + 1}`, WAVE_FIELDS)) {
            if (k === 'id') {
              id = r.string(v, 'wave id', { nonEmpty: true })?.normalize('NFC');
              if (id !== undefined && !WAVE_ID.test(id)) {
                r.error(v, `wave id '${id}' is not valid`, "wave ids appear in file names: use letters, digits, '-', '_' or '.' (e.g. 4-month)");
                id = undefined;
              } else if (id !== undefined && config.waves.some((w) => w.id === id)) {
                r.error(v, `wave '${id}' is listed twice`, 'each wave needs its own id');
                id = undefined;
              }
            } else label = r.string(v, 'wave label', { nonEmpty: true });
          }
          if (id === undefined) {
            if (!wm.items.some((p) => (p.key as { value?: unknown })?.value === 'id')) r.error(wm, `wave ${index + 1} has no 'id'`, 'add id:, e.g. id: pre');
            return;
          }
          const wave: Wave = { id, label: label ?? id, index: config.waves.length };
          config.waves.push(wave);
        });
        break;
      }
      case 'participants': {
        const pm = r.map(value, "'participants'");
        if (!pm) break;
        for (const [k, v] of r.entries(pm, "'participants'", PARTICIPANTS_FIELDS)) {
          const s = r.string(v, `'participants.${k}'`, { nonEmpty: true });
          if (s !== undefined) config.participants[k as 'file' | 'id'] = s;
        }
        break;
      }
      case 'transcripts': {
        const tm = r.map(value, "'transcripts'");
        if (!tm) break;
        for (const [k, v] of r.entries(tm, "'transcripts'", TRANSCRIPTS_FIELDS)) {
          if (k === 'paths') {
            const list = r.stringList(v, "'transcripts.paths'", { single: true }).map((x) => x.value);
            if (list.length > 0) config.transcripts.paths = list;
          } else if (k === 'segments') {
            const mode = r.string(v, "'transcripts.segments'", { nonEmpty: true });
            if (mode === undefined) continue;
            if (!(SEGMENT_MODES as readonly string[]).includes(mode)) r.error(v, `segments '${mode}' is not a way to cut a transcript`, `use one of: ${SEGMENT_MODES.join(', ')} (paragraph: blank lines separate segments)`);
            else {
              config.transcripts.segments = mode as SegmentMode;
              config.transcripts.segmentsLine = r.position(v).line ?? 0;
            }
          } else {
            const names = namePatterns(r, v);
            if (names.length > 0) {
              config.transcripts.names = names;
              config.transcripts.name = names[0]!.kind === 'regex' ? `regex ${names[0]!.text}` : names[0]!.text;
            }
          }
        }
        break;
      }
      case 'codebooks': {
        const list = r.stringList(value, "'codebooks'", { single: true }).map((x) => x.value);
        config.codebooks = list;
        break;
      }
      case 'speakers': {
        const sm = r.map(value, "'speakers'");
        if (!sm) break;
        for (const [k, v] of r.entries(sm, "'speakers'", SPEAKERS_FIELDS)) {
          if (k === 'unlabelled') {
            const u = r.string(v, "'speakers.unlabelled'", { nonEmpty: true });
            if (u === undefined) continue;
            if (!(UNLABELLED_ROLES as readonly string[]).includes(u)) r.error(v, `unlabelled '${u}' is not a role for text outside any turn`, `use one of: ${UNLABELLED_ROLES.join(', ')}`);
            else {
              config.speakers.unlabelled = u as UnlabelledRole;
              config.speakers.unlabelledLine = r.position(v).line ?? 0;
            }
          } else if (k === 'map') {
            config.speakers.map = readSpeakerMap(r, v, "'speakers.map'") ?? [];
          } else config.speakers[k as 'interviewers' | 'participants'] = r.stringList(v, `'speakers.${k}'`, { single: true }).map((x) => x.value.trim());
        }
        break;
      }
      case 'outputs': {
        const seq = r.seq(value, "'outputs'");
        for (const item of seq?.items ?? []) {
          const om = r.map(item, 'an output');
          if (!om) continue;
          let file: string | undefined;
          let args: string[] | undefined;
          for (const [k, v] of r.entries(om, 'an output', OUTPUT_FIELDS)) {
            if (k === 'file') file = r.string(v, "output 'file'", { nonEmpty: true });
            else {
              const runText = isStringNode(v) ? r.string(v, "output 'run'", { nonEmpty: true }) : undefined;
              args = runText !== undefined ? splitCommandLine(runText) : r.stringList(v, "output 'run'").map((x) => x.value);
              if (args?.[0] === 'qualwave') args = args.slice(1);
            }
          }
          if (!file || !args || args.length === 0) {
            r.error(om, "an output needs 'file' and 'run'", "e.g. - { file: tables/themes.md, run: 'matrix --value percent' }");
            continue;
          }
          if (file.startsWith('/') || /^[a-zA-Z]:/.test(file) || file.split(/[\\/]/).includes('..')) {
            r.error(om, `output file '${file}' must stay inside the study folder`, 'give a relative path such as tables/themes.md');
            continue;
          }
          const problem = outputProblem(file, args);
          if (problem) {
            r.error(om, problem.message, problem.hint);
            continue;
          }
          const same = config.outputs.find((o) => o.file.replace(/^\.\//, '').normalize('NFC').toLowerCase() === file.replace(/^\.\//, '').normalize('NFC').toLowerCase());
          if (same) {
            r.error(om, `output file '${file}' is written by another output too${same.line ? ` (line ${same.line})` : ''}`, 'give each output its own file');
            continue;
          }
          const spec: OutputSpec = { file, args };
          const line = r.position(om).line;
          if (line !== undefined) spec.line = line;
          config.outputs.push(spec);
        }
        break;
      }
      case 'attribution': {
        const v = r.string(value, "'attribution'", { nonEmpty: true });
        if (v !== undefined) config.attribution = v;
        break;
      }
      case 'pseudonymisation': {
        const v = r.string(value, "'pseudonymisation'", { nonEmpty: true });
        if (v === undefined) break;
        if (v !== 'required') r.error(value, `pseudonymisation '${v}' is not a setting`, "write 'pseudonymisation: required' (exports and the report only from the pseudonymised study), or leave it out");
        else config.pseudonymisation = { required: true, line: r.position(value).line ?? 0 };
        break;
      }
    }
  }
  if (!seen.has('title')) r.error(map, `${file} has no 'title'`, "add a line like 'title: Buddy program study'");
  if (!seen.has('waves')) r.error(map, `${file} has no 'waves'`, 'list the interview time points in order, e.g. waves: [{ id: pre, label: pre-interview }] (a cross-sectional study has one wave)');
  return { config: r.ok ? config : undefined, diagnostics: r.diagnostics, lines };
}

/**
 * `transcripts.name`: a pattern, `{ regex: ... }`, or a list of them tried in order. A pattern
 * needs {participant} and knows {participant}, {wave}, {date} and {*}; a regular expression
 * needs a named group `participant` and may have `wave` and `date`.
 */
function namePatterns(r: YamlReader, v: Node | null): NamePattern[] {
  const items = isSeq(v) ? (v.items as Array<Node | null>) : [v];
  if (isSeq(v) && items.length === 0) r.error(v, "'transcripts.name' is an empty list", "give at least one pattern, e.g. name: '{participant}_{wave}'");
  const out: NamePattern[] = [];
  for (const item of items) {
    if (isMap<Node, Node>(item)) {
      let regex: string | undefined;
      for (const [k, rv] of r.entries(item, "a 'transcripts.name' entry", ['regex'])) if (k === 'regex') regex = r.string(rv, "'transcripts.name' regex", { nonEmpty: true });
      if (regex === undefined) {
        if (!item.items.some((p) => (p.key as { value?: unknown })?.value === 'regex')) r.error(item, "a 'transcripts.name' entry needs 'regex'", "e.g. name: { regex: '(?<participant>P\\d+)_(?<wave>pre|post)$' }");
        continue;
      }
      let re: RegExp;
      try {
        re = new RegExp(regex, 'u');
      } catch (e) {
        r.error(item, `invalid regular expression ${JSON.stringify(regex)}: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`, "in YAML, put it in single quotes; backslashes stay as written ('\\d+')");
        continue;
      }
      const groups = [...regex.matchAll(/\(\?<([A-Za-z_]\w*)>/g)].map((m) => m[1]!);
      if (!groups.includes('participant')) {
        r.error(item, `regular expression ${JSON.stringify(regex)} has no group (?<participant>...)`, 'name the part of the path that is the participant id: (?<participant>...); (?<wave>...) and (?<date>...) may follow');
        continue;
      }
      out.push({ kind: 'regex', text: regex, re });
      continue;
    }
    const name = r.string(item, "'transcripts.name'", { nonEmpty: true });
    if (name === undefined) continue;
    const fields = placeholders(name);
    const unknown = fields.filter((f) => !(NAME_FIELDS as readonly string[]).includes(f));
    if (!fields.includes('participant')) r.error(item, `name pattern '${name}' has no {participant}`, "write how file names are built, e.g. name: '{participant}_{wave}'");
    else if (unknown.length > 0) r.error(item, `name pattern '${name}' uses unknown placeholder {${unknown[0]}}`, 'allowed: {participant}, {wave}, {date} and {*} (anything); for more, use name: { regex: ... }');
    else out.push({ kind: 'pattern', text: name });
  }
  return out;
}

/** Placeholders in an attribution template, for checking against known fields. */
export function attributionFields(template: string): string[] {
  return [...template.matchAll(ATTRIBUTION_FIELD)].map((m) => m[1] ?? '');
}

function isStringNode(v: Node | null): boolean {
  return isScalar(v) && typeof v.value === 'string';
}

/** A command line into arguments: spaces separate, single or double quotes group (no escapes). */
export function splitCommandLine(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of text.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}
