import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { EXIT, QualwaveError } from '../errors.js';
import { stringify as yamlStringify } from 'yaml';
import { codingKey, type Coding } from '../coding/types.js';
import { decodeCharRefs, restoreCarriageReturns } from '../format/escape.js';

function restoreAll(node: unknown): unknown {
  if (typeof node === 'string') return restoreCarriageReturns(node);
  if (Array.isArray(node)) return node.map(restoreAll);
  if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) (node as Record<string, unknown>)[k] = restoreAll(v);
  }
  return node;
}
import { readDescription } from './description.js';
import { codePointTable, slug } from './ids.js';

/**
 * A REFI-QDA project (the XML of its .qde and the files of its sources/ folder) as a qualwave study
 * to write: transcripts, participants with attributes, a codebook, each user's codings. Pure: the
 * caller reads the archive and writes the files. Everything not carried over is counted.
 */
export type Mapping = { from: 'case' } | { from: 'variable'; name: string } | { from: 'pattern'; pattern: string };

export interface ImportOptions {
  participant: Mapping;
  wave?: Mapping;
  /** Look up a file of the archive by its path, case-insensitively. */
  file: (path: string) => Uint8Array | undefined;
}

export interface ImportPlan {
  title: string;
  waves: string[];
  participants: Array<{ id: string; attributes: Record<string, string> }>;
  attributes: string[];
  transcripts: Array<{ participant: string; wave: string; text: string; source: string }>;
  codebook: string;
  codings: Map<string, Coding[]>;
  imported: Record<string, number>;
  dropped: Record<string, number>;
  notes: string[];
}

/** A project or codebook that cannot be imported as it is; nothing was written. */
export class ImportError extends QualwaveError {
  constructor(message: string) {
    super(message, EXIT.badInput, 'nothing was written');
  }
}

const ARRAYS = new Set(['User', 'Code', 'Variable', 'Case', 'VariableValue', 'SourceRef', 'TextSource', 'PictureSource', 'PDFSource', 'AudioSource', 'VideoSource', 'PlainTextSelection', 'Coding', 'Note', 'Link', 'Set', 'Graph', 'CodeRef', 'SelectionRef', 'NoteRef']);

type El = Record<string, unknown>;
const list = (x: unknown): El[] => (Array.isArray(x) ? (x as El[]) : x === undefined || x === null || x === '' ? [] : [x as El]);
const attr = (e: El | undefined, name: string): string | undefined => {
  const v = e?.[`@_${name}`];
  return v === undefined ? undefined : String(v);
};
const textOf = (x: unknown): string | undefined => (x === undefined || x === null ? undefined : typeof x === 'object' ? String((x as El)['#text'] ?? '') : String(x));

/** Deepest element nesting accepted (a REFI-QDA project nests codes a few levels; 200 is plenty). */
const MAX_DEPTH = 200;

export function parseXml(xml: string, what: string): El {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new ImportError(`${what}: declares a DTD or entities, which qualwave does not read (they could pull in outside files or expand without end)`);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new ImportError(`${what}:${valid.err.line}:${valid.err.col}: malformed XML: ${valid.err.msg}`);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', removeNSPrefix: true, parseTagValue: false, parseAttributeValue: false, trimValues: false, isArray: (name) => ARRAYS.has(name), processEntities: true, htmlEntities: false, maxNestedTags: MAX_DEPTH });
  try {
    // Character references (&#233;, &#xD;&#xA;) are text like any other: decoded before parsing.
    return restoreAll(parser.parse(decodeCharRefs(xml))) as El;
  } catch (e) {
    if (/nested/i.test((e as Error).message)) throw new ImportError(`${what}: elements nested more than ${MAX_DEPTH} deep: not a REFI-QDA project (or a hostile one)`);
    throw new ImportError(`${what}: cannot read the XML: ${(e as Error).message}`);
  }
}

const VALID_ID = /^[\p{L}\p{N}][\p{L}\p{N}_.-]*$/u;
function asId(name: string): string {
  const cleaned = name
    .trim()
    .replace(/\s+/g, '-')
    .replace(/[^\p{L}\p{N}_.-]/gu, '');
  return VALID_ID.test(cleaned) ? cleaned : `P-${cleaned || 'x'}`;
}

function variableValue(v: El): string | undefined {
  for (const k of ['TextValue', 'BooleanValue', 'IntegerValue', 'FloatValue', 'DateValue', 'DateTimeValue']) {
    if (v[k] !== undefined) return textOf(v[k])?.trim();
  }
  return undefined;
}

export function planImport(xml: string, qdeName: string, opts: ImportOptions): ImportPlan {
  const root = parseXml(xml, qdeName);
  const project = root['Project'] as El | undefined;
  if (!project) throw new ImportError(`${qdeName}: no <Project> element: not a REFI-QDA project`);
  const notes: string[] = [];
  const dropped: Record<string, number> = {};
  const drop = (k: string, n = 1) => {
    if (n > 0) dropped[k] = (dropped[k] ?? 0) + n;
  };

  // Users → coders.
  const coderIds = new Set<string>();
  const users = new Map<string, string>();
  for (const u of list((project['Users'] as El | undefined)?.['User'])) users.set(attr(u, 'guid')!.toLowerCase(), slug(attr(u, 'name') ?? attr(u, 'id') ?? 'coder', coderIds));

  // Codes → codebook.
  const codes = new Map<string, string>();
  const themes = readCodes(list(((project['CodeBook'] as El | undefined)?.['Codes'] as El | undefined)?.['Code']), codes);

  // Variables and cases.
  const variables = new Map<string, string>();
  for (const v of list((project['Variables'] as El | undefined)?.['Variable'])) variables.set(attr(v, 'guid')!.toLowerCase(), attr(v, 'name') ?? 'variable');
  const valuesOf = (e: El): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const vv of list(e['VariableValue'])) {
      const name = variables.get(attr(vv['VariableRef'] as El, 'targetGUID')?.toLowerCase() ?? '');
      const value = variableValue(vv);
      if (name && value !== undefined) out[name] = value;
    }
    return out;
  };
  const caseOfSource = new Map<string, { name: string; values: Record<string, string> }>();
  const cases = list((project['Cases'] as El | undefined)?.['Case']).map((c) => ({ name: attr(c, 'name') ?? attr(c, 'guid')!, values: valuesOf(c), sources: list(c['SourceRef']).map((r) => attr(r, 'targetGUID')!.toLowerCase()) }));
  for (const c of cases) for (const s of c.sources) caseOfSource.set(s, c);

  // Sources.
  const sourcesEl = (project['Sources'] as El | undefined) ?? {};
  drop('picture sources', list(sourcesEl['PictureSource']).length);
  drop('PDF sources', list(sourcesEl['PDFSource']).length);
  drop('audio sources', list(sourcesEl['AudioSource']).length);
  drop('video sources', list(sourcesEl['VideoSource']).length);
  drop('graphs', list((project['Graphs'] as El | undefined)?.['Graph']).length);
  drop('sets', list((project['Sets'] as El | undefined)?.['Set']).length);
  drop('links', list((project['Links'] as El | undefined)?.['Link']).length);
  drop('notes', list((project['Notes'] as El | undefined)?.['Note']).length);

  const decoder = new TextDecoder('utf-8');
  const patternMatch = (pattern: string, name: string): { participant?: string; wave?: string } | undefined => {
    const order: string[] = [];
    const re = new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, (ch) => (ch === '{' || ch === '}' ? ch : `\\${ch}`)).replace(/\{(participant|wave)\}/g, (_, f: string) => (order.push(f), '(.+?)'))}$`, 'u');
    const m = re.exec(name);
    if (!m) return undefined;
    const out: { participant?: string; wave?: string } = {};
    order.forEach((f, i) => (out[f as 'participant' | 'wave'] = m[i + 1]!));
    return out;
  };
  const transcripts: ImportPlan['transcripts'] = [];
  const codings = new Map<string, Coding[]>();
  const seen = new Map<string, string>();
  const participants = new Map<string, Record<string, string>>();
  const seenCodings = new Set<string>();
  let selections = 0;
  for (const src of list(sourcesEl['TextSource'])) {
    const guid = attr(src, 'guid')!.toLowerCase();
    const name = attr(src, 'name') ?? guid;
    let text = textOf(src['PlainTextContent']);
    if (!text) {
      const path = attr(src, 'plainTextPath');
      const candidates: string[] = [];
      if (path) {
        const p = path.replace(/^internal:\/\//i, '').replace(/\\/g, '/');
        candidates.push(`sources/${p}`, p.split('/').pop()!, `sources/${p.split('/').pop()}`);
        if (!/^internal:/i.test(path)) notes.push(`${name}: plainTextPath '${path}' is not internal://; the file of that name in the archive was used`);
      }
      candidates.push(`sources/${guid}.txt`, `sources/${name}.txt`);
      for (const c of candidates) {
        const bytes = opts.file(c);
        if (bytes && bytes.length > 0) {
          text = decoder.decode(bytes).replace(/^\ufeff/, '');
          if (!path || !c.toLowerCase().endsWith(path.replace(/^internal:\/\//i, '').toLowerCase())) notes.push(`${name}: its text was empty in the project; read from ${c}`);
          break;
        }
      }
    }
    if (text === undefined || text === '') {
      drop('text sources without text');
      continue;
    }
    text = text.replace(/\r\n?/g, '\n');
    // Participant and wave.
    const kase = caseOfSource.get(guid);
    const own = valuesOf(src);
    const pick = (m: Mapping, field: 'participant' | 'wave'): string | undefined => {
      if (m.from === 'case') return kase?.name;
      if (m.from === 'variable') return own[m.name] ?? kase?.values[m.name];
      return patternMatch(m.pattern, name)?.[field];
    };
    const participantRaw = pick(opts.participant, 'participant');
    if (!participantRaw) throw new ImportError(`source '${name}' has no participant by ${describe(opts.participant)}: choose another --participant-from (case, variable:NAME or filename-pattern)`);
    const participant = asId(participantRaw);
    const waveRaw = opts.wave ? pick(opts.wave, 'wave') : (own['wave'] ?? kase?.values['wave'] ?? patternMatch('{participant}_{wave}', name)?.wave);
    const wave = waveRaw ? asId(waveRaw) : 'interview';
    const key = `${participant}/${wave}`;
    if (seen.has(key)) throw new ImportError(`sources '${seen.get(key)}' and '${name}' are both ${participant} at wave ${wave}: say how waves are found (--wave-from variable:NAME or filename-pattern)`);
    seen.set(key, name);
    if (!participants.has(participant)) participants.set(participant, kase ? { ...kase.values } : {});
    transcripts.push({ participant, wave, text, source: name });
    // Codings: selections (code points → lines), and codings of the whole source.
    // Line of a UTF-16 offset by binary search over the line starts, and code points to UTF-16
    // offsets through one table: linear in the text plus log per selection, not text x selections.
    const breaks: number[] = [];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) breaks.push(i);
    const lineAt = (offset: number): number => {
      let lo = 0;
      let hi = breaks.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (breaks[mid]! < offset) lo = mid + 1;
        else hi = mid;
      }
      return lo + 1;
    };
    const toUtf16 = codePointTable(text);
    const lastLine = lineAt(text.length);
    const add = (coding: El, start: number, end: number, description: string | undefined, creator: string | undefined): void => {
      const code = codes.get(attr(list(coding['CodeRef'])[0], 'targetGUID')?.toLowerCase() ?? '');
      if (!code) {
        drop('codings of unknown codes');
        return;
      }
      const user = attr(coding, 'creatingUser') ?? creator;
      const coder = (user && users.get(user.toLowerCase())) || 'imported';
      const memo = (description ?? '').replace(/^\s*\[exemplar\]\s*/i, '').trim();
      const c: Coding = { coder, participant, wave, startLine: start, endLine: Math.max(start, end), code, exemplar: /^\s*\[exemplar\]/i.test(description ?? '') };
      if (memo) c.memo = memo;
      let l = codings.get(coder);
      if (!l) codings.set(coder, (l = []));
      const k = codingKey(c);
      if (!seenCodings.has(k)) {
        seenCodings.add(k);
        l.push(c);
      }
    };
    for (const sel of list(src['PlainTextSelection'])) {
      selections++;
      const a = Number(attr(sel, 'startPosition'));
      const b = Number(attr(sel, 'endPosition'));
      if (!Number.isFinite(a) || !Number.isFinite(b) || a < 0 || b < a) {
        drop('selections with bad positions');
        continue;
      }
      const start = toUtf16(a);
      // The end position is exclusive: the selection's last character is just before it.
      const end = Math.max(start, toUtf16(b) - 1);
      for (const coding of list(sel['Coding'])) add(coding, lineAt(start), lineAt(end), textOf(sel['Description']), attr(sel, 'creatingUser'));
    }
    for (const coding of list(src['Coding'])) add(coding, 1, lastLine, undefined, undefined);
  }
  if (transcripts.length === 0) throw new ImportError(`${qdeName}: no text source with text: nothing to import`);
  const waves = [...new Set(transcripts.map((t) => t.wave))];
  const attributes = [...new Set([...participants.values()].flatMap((v) => Object.keys(v)))].filter((a) => a !== 'wave');
  const title = attr(project, 'name') ?? 'Imported project';
  const codebook = yamlStringify({ title: `${title} (imported)`, codes: themes.length ? themes : [{ id: 'uncategorised', label: 'Uncategorised' }] }, { lineWidth: 0 });
  const codingCount = [...codings.values()].reduce((n, l) => n + l.length, 0);
  return {
    title,
    waves,
    participants: [...participants].map(([id, attributes]) => ({ id, attributes })),
    attributes,
    transcripts,
    codebook,
    codings,
    imported: { sources: transcripts.length, participants: participants.size, codes: codes.size, coders: codings.size, codings: codingCount, selections },
    dropped,
    notes,
  };
}

function describe(m: Mapping): string {
  return m.from === 'case' ? 'case' : m.from === 'variable' ? `variable ${m.name}` : `file name pattern ${m.pattern}`;
}

/** A .qdc codebook as qualwave codebook YAML. */
export function planCodebook(xml: string, name: string): { yaml: string; codes: number } {
  const root = parseXml(xml, name);
  const book = root['CodeBook'] as El | undefined;
  if (!book) throw new ImportError(`${name}: no <CodeBook> element: not a REFI-QDA codebook`);
  const guids = new Map<string, string>();
  const codes = readCodes(list((book['Codes'] as El | undefined)?.['Code']), guids);
  return { yaml: yamlStringify({ title: `${name.replace(/\.qdc$/i, '')} (imported)`, codes }, { lineWidth: 0 }), codes: guids.size };
}

/**
 * REFI-QDA codes as qualwave codebook entries: ids from "qualwave-id:" when valid and free, else
 * from the name; the Description's lines as fields; colours kept. Fills guid → id.
 */
function readCodes(elements: El[], guids: Map<string, string>): Array<Record<string, unknown>> {
  const taken = new Set<string>();
  const tree = (c: El): Record<string, unknown> => {
    const label = attr(c, 'name') ?? 'code';
    const d = readDescription(textOf(c['Description']));
    const id = d.id && /^[\p{L}][\p{L}\p{N}_.-]*$/u.test(d.id) && !taken.has(d.id) ? (taken.add(d.id), d.id) : slug(label, taken);
    guids.set(attr(c, 'guid')!.toLowerCase(), id);
    const out: Record<string, unknown> = { id, label };
    if (d.definition) out['definition'] = d.definition;
    if (d.include) out['include'] = d.include;
    if (d.exclude) out['exclude'] = d.exclude;
    if (d.examples.length) out['examples'] = d.examples;
    const color = attr(c, 'color');
    if (color && /^#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$/.test(color)) out['color'] = color;
    const children = list(c['Code']).map(tree);
    if (children.length) out['children'] = children;
    return out;
  };
  return elements.map(tree);
}
