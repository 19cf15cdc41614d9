import { error, hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { splitFrontMatter, parseFrontMatter } from '../transcript/front-matter.js';
import type { TranscriptFormat } from '../transcript/types.js';
import { readDocument } from './documents.js';
import { compileNamePattern, nameFromPattern, normaliseDate, type NameMatch } from './naming.js';
import type { Document, StudyConfig } from './types.js';

/** A raw transcript to bring into the study: its name and text as qualwave reads it. */
export interface AddSource {
  /** How the user named it (for messages). */
  shown: string;
  /** The file's name, with extension. */
  name: string;
  format: TranscriptFormat;
  /** Decoded text (.docx: one line per Word paragraph). */
  text: string;
  /** The text uses CRLF line endings. */
  crlf: boolean;
}

export interface AddFlags {
  participant?: string;
  wave?: string;
  date?: string;
}

export type Provenance = 'option' | 'file name' | 'front matter' | 'only wave';

/** What `qualwave add` will do with one file. */
export interface AddPlan {
  source: AddSource;
  /** Where it goes, relative to the study folder. */
  file: string;
  participant: string;
  wave: string;
  date?: string;
  from: { participant: Provenance; wave: Provenance; date?: Provenance };
  /** Front matter written before the text (text and Markdown files that have none), or undefined: copied as it is. */
  frontMatter?: string;
  /** The transcript as the study will read it. */
  document: Document;
  /** Warnings about it (unknown speakers, text outside turns, ...). */
  diagnostics: Diagnostic[];
}

export interface AddContext {
  config: StudyConfig;
  participantIds: readonly string[];
  /** Transcripts already in the study, by document id (participant/wave). */
  existing: ReadonlyMap<string, string>;
  /** Files already in the study (relative paths). */
  files: ReadonlySet<string>;
  /** Whether a study-relative path would be found by transcripts.paths. */
  inTranscripts: (file: string) => boolean;
}

/**
 * Plan bringing one raw file into the study: whose interview it is and at which wave (options,
 * else the file's name read with the study's name pattern, else its front matter), where it goes
 * (its own name if the pattern reads it right, else a name made from the pattern, in the folder of
 * the first transcripts.paths glob), what front matter is written, and how the study will read
 * it. Refuses (diagnostics, no plan) rather than guess, overwrite or write outside the study.
 */
export function planAdd(src: AddSource, flags: AddFlags, ctx: AddContext, planned: ReadonlyMap<string, string> = new Map()): { plan?: AddPlan; diagnostics: Diagnostic[] } {
  const { config } = ctx;
  const fail = (message: string, hint?: string, line?: number): { diagnostics: Diagnostic[] } => ({ diagnostics: [error(src.shown, line, message, hint)] });
  const waves = config.waves.map((w) => w.id);
  const match = compileNamePattern(config.transcripts.names, waves);
  const ext = src.name.includes('.') ? src.name.slice(src.name.lastIndexOf('.')) : '';
  const base = src.name.slice(0, src.name.length - ext.length);
  const fromName: NameMatch = match(base) ?? {};

  // The file's own front matter (text, Markdown, Word).
  let fm: { participant?: string; wave?: string; date?: string; lines: Record<string, number> } | undefined;
  if (src.format === 'text' || src.format === 'markdown' || src.format === 'docx') {
    const { split, diagnostic } = splitFrontMatter(src.text, src.shown);
    if (diagnostic) return { diagnostics: [diagnostic] };
    if (split.yaml !== null) {
      const parsed = parseFrontMatter(split.yaml, src.shown);
      if (hasErrors(parsed.diagnostics)) return { diagnostics: parsed.diagnostics };
      fm = parsed.frontMatter;
    }
  }
  let date = flags.date;
  if (date !== undefined) {
    const d = normaliseDate(date);
    if (d === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return fail(`--date '${date}' is not a date`, 'write it as YYYY-MM-DD, e.g. --date 2021-11-18');
    date = d;
  }
  const pick = (key: 'participant' | 'wave' | 'date', flag: string | undefined): { value?: string; from?: Provenance; error?: { diagnostics: Diagnostic[] } } => {
    const inFm = fm?.[key];
    if (flag !== undefined && inFm !== undefined && flag !== inFm) return { error: fail(`--${key} says '${flag}' but the file's front matter says '${inFm}'`, 'make them agree: fix the front matter or the option', fm?.lines[key]) };
    if (flag !== undefined) return { value: flag, from: 'option' };
    if (inFm !== undefined) {
      if (fromName[key] !== undefined && fromName[key] !== inFm) return { error: fail(`the file's front matter says ${key} '${inFm}' but its name says '${fromName[key]}'`, `give --${key}, or fix the front matter`, fm?.lines[key]) };
      return { value: inFm, from: 'front matter' };
    }
    if (fromName[key] !== undefined) return { value: fromName[key], from: 'file name' };
    return {};
  };
  const p = pick('participant', flags.participant);
  if (p.error) return p.error;
  const w = pick('wave', flags.wave);
  if (w.error) return w.error;
  const d = pick('date', date);
  if (d.error) return d.error;
  if (fromName.badDate !== undefined && d.value === undefined) return fail(`the file name's date '${fromName.badDate}' is not a date`, 'give --date YYYY-MM-DD');
  if (p.value === undefined) return fail(`cannot tell whose interview this is: the file name does not match '${config.transcripts.name}' and there is no participant: in it`, 'give --participant ID (and --wave)');
  let wave = w.value;
  let waveFrom = w.from;
  if (wave === undefined) {
    if (waves.length !== 1) return fail('cannot tell the wave of this interview', `give --wave (one of: ${waves.join(', ')})`);
    wave = waves[0]!;
    waveFrom = 'only wave';
  }
  const participant = p.value;
  if (!ctx.participantIds.includes(participant)) return fail(`participant '${participant}' is not in ${config.participants.file}`, `add a row for '${participant}' to ${config.participants.file} first, or check --participant`);
  if (!waves.includes(wave)) return fail(`unknown wave '${wave}'`, `waves in qualwave.yaml: ${waves.join(', ')}`);
  const id = `${participant}/${wave}`;
  const already = ctx.existing.get(id) ?? planned.get(id);
  if (already !== undefined) return fail(`${participant} at wave ${wave} already has a transcript: ${already}`, 'keep one file per participant and wave; remove or merge the other first');

  // Where it goes: the folder of the first transcripts.paths glob, under the naming pattern.
  const folder = staticFolder(config.transcripts.paths[0] ?? 'transcripts/**/*');
  if (folder === undefined) return fail(`transcripts.paths '${config.transcripts.paths[0]}' is outside the study folder`, 'qualwave add only writes inside the study; copy the file by hand');
  const at = (name: string): string => (folder === '' ? name : `${folder}/${name}`);
  const reads = (path: string): NameMatch | null => match(path.slice(0, path.length - ext.length));
  const agrees = (m: NameMatch | null): boolean => m !== null && m.participant === participant && (m.wave === undefined || m.wave === wave) && (m.date === undefined || m.date === d.value);
  let file = at(src.name);
  if (!agrees(reads(file))) {
    const pattern = config.transcripts.names.find((n) => n.kind === 'pattern');
    const made = pattern ? nameFromPattern(pattern, d.value !== undefined ? { participant, wave, date: d.value } : { participant, wave }) : undefined;
    if (made === undefined) {
      return fail(pattern ? `the name pattern '${pattern.text}' needs a {date}` : 'the study names transcripts with a regular expression, which qualwave cannot fill in', pattern ? 'give --date YYYY-MM-DD' : 'rename the file so that transcripts.name reads it, then add it again');
    }
    file = at(made + ext);
    if (!agrees(reads(file))) return fail(`a file named ${file} would not be read back as ${participant} at ${wave}`, 'check transcripts.name');
  }
  if (file.split('/').some((part) => part === '..' || part === '' || part === '.')) return fail(`${file} is not a path inside the study`, 'check transcripts.name and transcripts.paths');
  if (ctx.files.has(file) || [...planned.values()].includes(file)) return fail(`${file} already exists`, 'qualwave add never overwrites: remove it first, or give another --participant/--wave');
  if (!ctx.inTranscripts(file)) return fail(`${file} would not be read as a transcript: transcripts.paths is ${config.transcripts.paths.join(', ')}`, 'widen transcripts.paths in qualwave.yaml (e.g. "transcripts/**/*")');

  // Front matter: written into text files that have none, so that they say whose they are.
  const named = reads(file)!;
  let frontMatter: string | undefined;
  let text = src.text;
  if ((src.format === 'text' || src.format === 'markdown') && fm === undefined) {
    const nl = src.crlf ? '\r\n' : '\n';
    frontMatter = ['---', `participant: ${participant}`, `wave: ${wave}`, ...(d.value !== undefined ? [`date: ${d.value}`] : []), '---', ''].join(nl);
    text = frontMatter + src.text;
  } else if (named.wave === undefined && waveFrom !== 'front matter' && waveFrom !== 'only wave') {
    return fail(`the name pattern '${config.transcripts.name}' has no {wave} and a ${ext || src.format} file has no front matter to say it`, 'put {wave} in transcripts.name, or convert the file to .txt');
  }
  const { document, diagnostics } = readDocument({ file, text, format: src.format, name: named }, config, ctx.participantIds);
  if (!document || hasErrors(diagnostics)) {
    // Said of the file as given: its own lines, before any front matter written.
    const shift = frontMatter === undefined ? 0 : frontMatter.split('\n').length - 1;
    // Without a document, even a warning (a .json that is not Whisper output) is why it was refused.
    const own = diagnostics.map((x) => ({ ...x, ...(document ? {} : { severity: 'error' as const }), file: src.shown, ...(x.line !== undefined ? { line: Math.max(1, x.line - shift) } : {}) }));
    return { diagnostics: own.length > 0 ? own : [error(src.shown, undefined, 'the file could not be read as a transcript')] };
  }
  if (document.segmentList.length === 0) return fail('the transcript is empty (no text)', 'check it is the right file');
  const plan: AddPlan = {
    source: src,
    file,
    participant,
    wave,
    from: { participant: p.from!, wave: waveFrom! },
    document,
    diagnostics,
  };
  if (d.value !== undefined) {
    plan.date = d.value;
    plan.from.date = d.from!;
  }
  if (frontMatter !== undefined) plan.frontMatter = frontMatter;
  return { plan, diagnostics: [] };
}

/** The folder part of a glob before its first wildcard (`transcripts/**\/*` → `transcripts`); undefined outside the study. */
export function staticFolder(glob: string): string | undefined {
  if (glob.startsWith('/') || /^[A-Za-z]:/.test(glob)) return undefined;
  const parts = glob.split('/');
  const out: string[] = [];
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!;
    if (/[*?{}[\]!()]/.test(part)) break;
    if (part === '..') return undefined;
    if (part !== '.' && part !== '') out.push(part);
  }
  return out.join('/');
}
