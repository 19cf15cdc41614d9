import { isScalar } from 'yaml';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { asciiText } from '../text/decode.js';
import { YamlReader } from '../yaml/reader.js';
import { SEGMENT_MODES, UNLABELLED_ROLES, type SegmentMode, type UnlabelledRole } from './types.js';

/** Front-matter keys with a meaning; any other key becomes a document attribute. */
export const FRONT_MATTER_FIELDS = ['participant', 'wave', 'interviewer', 'date', 'language', 'segments', 'unlabelled'] as const;

/** One entry of a `speakers:` map (study or front matter): a label and whom it names, with its line. */
export interface SpeakerMapEntry {
  label: string;
  /** A role (interviewer, participant, other, note) or a participant id, as written. */
  value: string;
  line?: number;
}

export interface FrontMatter {
  participant?: string;
  wave?: string;
  interviewer?: string;
  date?: string;
  language?: string;
  /** How this transcript is cut into segments (overrides transcripts.segments). */
  segments?: SegmentMode;
  /** Whose text is text outside any turn in this transcript (overrides speakers.unlabelled). */
  unlabelled?: UnlabelledRole;
  /** This transcript's own speakers map (`speakers: { Ana: MS03 }`), before the study's. */
  speakers?: SpeakerMapEntry[];
  attributes: Record<string, unknown>;
  /** Line of each key, for diagnostics that name them. */
  lines: Record<string, number>;
}

export interface SplitText {
  /** The YAML between the `---` lines, or null when there is no front matter. */
  yaml: string | null;
  /** Offset and 1-based line where the body starts. */
  bodyStart: number;
  bodyLine: number;
}

/** Find YAML front matter: a first line `---`, then YAML, then a line `---` (or `...`). */
export function splitFrontMatter(text: string, file: string): { split: SplitText; diagnostic?: Diagnostic } {
  const none: SplitText = { yaml: null, bodyStart: 0, bodyLine: 1 };
  if (!/^---[ \t]*\r?\n/.test(text)) return { split: none };
  const first = text.indexOf('\n') + 1;
  const re = /^(?:---|\.\.\.)[ \t]*\r?$/gm;
  re.lastIndex = first;
  const m = re.exec(text);
  if (!m) return { split: none, diagnostic: unclosed(file) };
  const yaml = text.slice(first, m.index);
  let bodyStart = m.index + m[0].length;
  if (text.charCodeAt(bodyStart) === 10) bodyStart++;
  let bodyLine = 2;
  for (let i = first; i < bodyStart; i++) if (text.charCodeAt(i) === 10) bodyLine++;
  if (bodyStart >= text.length && !text.endsWith('\n')) bodyLine--;
  return { split: { yaml, bodyStart, bodyLine } };
}

function unclosed(file: string): Diagnostic {
  return error(file, 1, 'front matter opened with --- on line 1 is never closed', "add a line '---' after the front matter's last key");
}

/**
 * splitFrontMatter over the bytes of an ASCII text (every byte below 0x80, one character each):
 * the same split and diagnostic as splitFrontMatter(the bytes as text, file) gives, the YAML the
 * only string made. Its expressions read here by hand: the first line `---` then spaces or tabs,
 * an optional CR, LF; the closing line is the first after it that starts (after LF or CR, as `^`
 * of a multiline expression does) with `---` or `...`, then spaces or tabs, then an optional CR
 * and the end of a line (LF, CR) or of the text.
 */
export function splitAsciiFrontMatter(b: Uint8Array, file: string): { split: SplitText; diagnostic?: Diagnostic } {
  const none: SplitText = { yaml: null, bodyStart: 0, bodyLine: 1 };
  const n = b.length;
  if (b[0] !== 45 || b[1] !== 45 || b[2] !== 45) return { split: none };
  let k = 3;
  while (b[k] === 32 || b[k] === 9) k++;
  if (!(b[k] === 10 || (b[k] === 13 && b[k + 1] === 10))) return { split: none };
  const first = b.indexOf(10) + 1;
  let close = -1;
  let closeEnd = -1;
  for (let i = first; i < n; i++) {
    if (b[i - 1] !== 10 && b[i - 1] !== 13) continue;
    const c = b[i];
    if ((c !== 45 && c !== 46) || b[i + 1] !== c || b[i + 2] !== c) continue;
    let j = i + 3;
    while (b[j] === 32 || b[j] === 9) j++;
    if (b[j] === 13) {
      const after = b[j + 1];
      closeEnd = j + 1 === n || after === 10 || after === 13 ? j + 1 : j;
    } else if (j === n || b[j] === 10) closeEnd = j;
    else continue;
    close = i;
    break;
  }
  if (close < 0) return { split: none, diagnostic: unclosed(file) };
  const yaml = asciiText(b.subarray(first, close));
  let bodyStart = closeEnd;
  if (b[bodyStart] === 10) bodyStart++;
  let bodyLine = 2;
  for (let i = first; i < bodyStart; i++) if (b[i] === 10) bodyLine++;
  if (bodyStart >= n && b[n - 1] !== 10) bodyLine--;
  return { split: { yaml, bodyStart, bodyLine } };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Read the front matter's keys (the YAML starts on line 2 of the file). */
export function parseFrontMatter(yaml: string, file: string): { frontMatter: FrontMatter; diagnostics: Diagnostic[] } {
  const quick = quickFrontMatter(yaml);
  if (quick) return { frontMatter: quick, diagnostics: [] };
  return fullFrontMatter(yaml, file);
}

/**
 * Fast path for the front matter nearly every transcript has: a few `key: plain text` lines.
 * It accepts only lines whose value YAML reads as that same string (no quotes, comments, flow or
 * block syntax, nothing YAML would read as a number, boolean or null) and whose known keys are
 * valid; anything else goes to the YAML library (fullFrontMatter), which also reports problems
 * with their positions. A property test checks it against the YAML library.
 */
const QUICK_LINE = /^([A-Za-z_][A-Za-z0-9_-]*):[ \t]+([\p{L}\p{N}][\p{L}\p{N} ._\-/(),’']*)$/u;
const NOT_A_STRING = /^(?:true|True|TRUE|false|False|FALSE|null|Null|NULL|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+)$/;

export function quickFrontMatter(yaml: string): FrontMatter | undefined {
  const fm: FrontMatter = { attributes: {}, lines: {} };
  const lines = yaml.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') continue;
    const m = QUICK_LINE.exec(line);
    if (!m) return undefined;
    const key = m[1]!;
    const value = m[2]!.trimEnd();
    if (NOT_A_STRING.test(value) || key in fm.lines) return undefined;
    fm.lines[key] = i + 2;
    if ((FRONT_MATTER_FIELDS as readonly string[]).includes(key)) {
      if (key === 'date' && !DATE.test(value)) return undefined;
      if (key === 'segments' && !(SEGMENT_MODES as readonly string[]).includes(value)) return undefined;
      if (key === 'unlabelled' && !(UNLABELLED_ROLES as readonly string[]).includes(value)) return undefined;
      (fm as unknown as Record<string, string>)[key] = value;
    } else if (key === 'speakers') return undefined;
    else fm.attributes[key] = value;
  }
  return fm;
}

function fullFrontMatter(yaml: string, file: string): { frontMatter: FrontMatter; diagnostics: Diagnostic[] } {
  const r = new YamlReader(file, yaml, 1);
  const fm: FrontMatter = { attributes: {}, lines: {} };
  if (!r.ok || r.root === null) return { frontMatter: fm, diagnostics: r.diagnostics };
  const map = r.map(r.root, 'front matter');
  if (!map) return { frontMatter: fm, diagnostics: r.diagnostics };
  for (const [key, value] of r.entries(map, 'front matter')) {
    const line = r.position(value ?? map).line;
    if (line !== undefined) fm.lines[key] = line;
    if ((FRONT_MATTER_FIELDS as readonly string[]).includes(key)) {
      const v = r.string(value, `front matter '${key}'`, { nonEmpty: true });
      if (v === undefined) continue;
      if (key === 'date' && !DATE.test(v)) {
        r.error(value, `date '${v}' is not a date`, 'write it as YYYY-MM-DD, e.g. date: 2021-09-14');
        continue;
      }
      if (key === 'segments' && !(SEGMENT_MODES as readonly string[]).includes(v.trim())) {
        r.error(value, `segments '${v}' is not a way to cut a transcript`, `use one of: ${SEGMENT_MODES.join(', ')}`);
        continue;
      }
      if (key === 'unlabelled' && !(UNLABELLED_ROLES as readonly string[]).includes(v.trim())) {
        r.error(value, `unlabelled '${v}' is not a role for text outside any turn`, `use one of: ${UNLABELLED_ROLES.join(', ')}`);
        continue;
      }
      (fm as unknown as Record<string, string>)[key] = v.trim();
    } else if (key === 'speakers') {
      const entries = readSpeakerMap(r, value, "front matter 'speakers'");
      if (entries) fm.speakers = entries;
    } else {
      fm.attributes[key] = isScalar(value) ? value.value : value?.toJSON();
    }
  }
  return { frontMatter: fm, diagnostics: r.diagnostics };
}

/**
 * A speakers map: `{ label: role or participant id }`, each entry with its line. Used for the
 * study's `speakers.map` and a transcript's front-matter `speakers:`.
 */
export function readSpeakerMap(r: YamlReader, node: Parameters<YamlReader['map']>[0], what: string): SpeakerMapEntry[] | undefined {
  const m = r.map(node, what);
  if (!m) return undefined;
  const out: SpeakerMapEntry[] = [];
  for (const [label, v] of r.entries(m, what)) {
    const value = isScalar(v) && (typeof v.value === 'string' || typeof v.value === 'number') ? String(v.value).trim() : undefined;
    if (value === undefined || value === '') {
      r.error(v ?? m, `${what}: '${label}' needs a role or a participant id`, "e.g. 'Speaker 1': interviewer, or Ana: MS03 (roles: interviewer, participant, other, note)");
      continue;
    }
    const entry: SpeakerMapEntry = { label: label.trim(), value };
    const line = r.position(v ?? m).line;
    if (line !== undefined) entry.line = line;
    out.push(entry);
  }
  return out;
}
