import { XMLBuilder } from 'fast-xml-parser';
import { formatSpan, hasColumns, LineIndex, lineIndexOf } from '../coding/span.js';
import { codingAt, codingTable, partLength } from '../coding/table.js';
import type { Code } from '../codebook/types.js';
import type { Study } from '../study/types.js';
import { xmlText } from '../format/escape.js';
import { writeDescription } from './description.js';
import { stableGuid, utf16Table } from './ids.js';
import { casesDigest, codebookDigest, readProject } from './import.js';
import { digest, NOTE_NAME, NOTE_VERSION, type StudyNote } from './note.js';

/*
 * A qualwave study as a REFI-QDA project (QDA-XML 1.0): users (coders), codebook, variables
 * (participant attributes, and the wave as a document variable), cases (participants), text
 * sources (transcripts as plain text) with one PlainTextSelection per coding, at the coding's exact
 * characters (whole lines: from the first line's start to the last line's end). Positions count
 * Unicode code points of the text as stored (the standard). A coding's memo is the selection's
 * Description ("[exemplar]" first for an exemplar); its name is the start of its text, as NVivo and
 * ATLAS.ti name quotations. What REFI-QDA has no element for travels in the project's "qualwave"
 * note (note.ts), so that importing the export gives the same study back.
 */

/** qualwave's own files, as they are on disk, for the note (read by the caller). */
export interface StudyFilesForNote {
  config?: string;
  participants?: { path: string; text: string };
  codebooks: Array<{ path: string; text: string }>;
  finished: Array<{ coder: string; path: string; text: string }>;
  /** The researchers' own other files of the study (case summaries in cases/), given back as they are. */
  others: Array<{ path: string; text: string }>;
  /** Transcripts (study-relative paths) whose file starts with a UTF-8 byte order mark. */
  bom: ReadonlySet<string>;
}

/**
 * Every string of the tree to build made XML-safe (escape.ts): characters XML 1.0 forbids are
 * removed and counted, so the project is well-formed and the caller can say what was changed.
 */
function xmlSafe(node: unknown, count: { n: number }): unknown {
  if (typeof node === 'string') {
    const { text, removed } = xmlText(node);
    count.n += removed;
    return text;
  }
  if (Array.isArray(node)) return node.map((x) => xmlSafe(x, count));
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, xmlSafe(v, count)]));
  return node;
}

const NS = 'urn:QDA-XML:project:1.0';
const builder = () => new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, indentBy: '  ', suppressEmptyNode: true, suppressBooleanAttributes: false, processEntities: true });

function codeXml(c: Code, guid: (key: string) => string, parentSpeakers = 'participant'): Record<string, unknown> {
  const out: Record<string, unknown> = { '@_guid': guid(`code:${c.id}`), '@_name': c.label, '@_isCodable': 'true' };
  if (c.color && /^#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$/.test(c.color)) out['@_color'] = c.color.toUpperCase();
  out['Description'] = writeDescription({
    ...(c.definition ? { definition: c.definition.replace(/\s+$/, '') } : {}),
    ...(c.include ? { include: c.include } : {}),
    ...(c.exclude ? { exclude: c.exclude } : {}),
    examples: c.examples,
    ...(c.keywords.length ? { keywords: c.keywords } : {}),
    ...(c.patterns.length ? { patterns: c.patterns } : {}),
    ...(c.speakers !== parentSpeakers ? { speakers: c.speakers } : {}),
    ...(c.since ? { since: c.since } : {}),
    ...(c.anticipates ? { anticipates: c.anticipates } : {}),
    id: c.id,
  });
  if (c.children.length) out['Code'] = c.children.map((ch) => codeXml(ch, guid, c.speakers));
  return out;
}

export function codebookXml(study: Pick<Study, 'config' | 'codebook'>): string {
  const guid = (key: string) => stableGuid(study.config.title, key);
  return builder().build(xmlSafe({ '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' }, CodeBook: { '@_xmlns': 'urn:QDA-XML:codebook:1.0', '@_origin': 'qualwave', Codes: { Code: study.codebook.themes.map((t) => codeXml(t, guid)) } } }, { n: 0 }));
}

/** A selection's name: the start of its text on one line. */
function selectionName(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  const cps = [...one];
  return cps.length > 60 ? `${cps.slice(0, 57).join('').trimEnd()}...` : one;
}

/**
 * selectionName(text.slice(start, end)) without collapsing the whole selection: its start up to
 * 122 UTF-16 units that are surely not white space (so at least 61 characters, and more than 60
 * once spaces are collapsed and trimmed) names it the same, since the name keeps at most 57.
 */
export function selectionNameIn(text: string, start: number, end: number): string {
  let seen = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if ((c > 0x20 && c < 0x7f) || (c > 0xa0 && c < 0x1680) || (c > 0x3000 && c !== 0xfeff)) {
      if (++seen === 122) return selectionName(text.slice(start, i + 1));
    }
  }
  return selectionName(text.slice(start, end));
}

/**
 * What the project is made of: project.qde is its `xml` pieces one after the other; the sources'
 * texts come first, each once, in the study's order (a .qdpx holds the sources first, in this order,
 * then project.qde: each entry is written whole as it comes, none is held back for another).
 */
export type ProjectPart = { xml: string } | { source: { name: string; text: string } };

/** What was exported, known when the last part has been made. */
export interface ProjectSummary {
  counts: { sources: number; codes: number; codings: number; users: number; cases: number };
  /** Characters XML 1.0 cannot hold (control characters in a memo or label), removed: how many. */
  removed: number;
}

export interface ExportOptions {
  coders?: string[];
  version: string;
  files?: StudyFilesForNote;
  onProgress?: (documents: number, of: number) => void;
}

/**
 * The project as parts, made one transcript at a time so that memory stays that of one
 * transcript and not of the whole project (project.qde is about twice the study's text):
 * project.qde's text in pieces, each source's <TextSource> as the XML builder writes it inside
 * the whole tree (the same bytes: tested against building the whole tree at once). The sources'
 * texts come before all of it, in a first pass: each transcript is read for its source, let go,
 * and read again for its <TextSource> (a transcript read again is checked to be the one loaded),
 * so that neither zip entry waits in memory for the other. The qualwave note's selections are made
 * again from the codings after the sources.
 */
export function* projectParts(study: Study, opts: ExportOptions): Generator<ProjectPart, ProjectSummary> {
  const ids = guids(study.config.title);
  const guid = ids.of;
  const coders = opts.coders ?? study.coders;
  const attributes = [...new Set(study.participants.flatMap((p) => Object.keys(p.attributes)))];
  const variables = [...attributes.map((a) => ({ key: `var:${a}`, name: a })), { key: 'var:wave', name: 'wave' }];
  const note: StudyNote = {
    qualwave: NOTE_VERSION,
    study: {
      title: study.config.title,
      waves: study.config.waves.map((w) => ({ id: w.id, label: w.label })),
      attribution: study.config.attribution,
      names: study.config.transcripts.names.map((n) => n.text),
      ...(study.codebook.files[0]?.title ? { codebookTitle: study.codebook.files[0].title } : {}),
    },
    files: [],
    sources: {},
    selections: {},
  };
  // Each transcript's codings by where they are in the study's table (part, index), in the
  // study's order: each coding is made only while its transcript is written (from the columns of
  // a warm load, without making all of them at once).
  const table = codingTable(study);
  const byDoc = new Map<string, number[]>();
  table.parts.forEach((part, k) => {
    for (let i = 0, n = partLength(part); i < n; i++) {
      const c = part.objects?.[i];
      const coder = c ? c.coder : part.packed!.coder;
      if (!coders.includes(coder)) continue;
      const key = c ? `${c.participant}/${c.wave}` : `${part.packed!.strings[part.packed!.participant[i]!]}/${part.packed!.strings[part.packed!.wave[i]!]}`;
      let l = byDoc.get(key);
      if (!l) byDoc.set(key, (l = []));
      l.push(k, i);
    }
  });
  const project: Record<string, unknown> = {
    '@_xmlns': NS,
    '@_name': study.config.title,
    '@_origin': `qualwave ${opts.version}`,
  };
  if (coders.length) project['Users'] = { User: coders.map((c) => ({ '@_guid': guid(`user:${c}`), '@_name': c, '@_id': c })) };
  project['CodeBook'] = { Codes: { Code: study.codebook.themes.map((t) => codeXml(t, guid)) } };
  project['Variables'] = { Variable: variables.map((v) => ({ '@_guid': guid(v.key), '@_name': v.name, '@_typeOfVariable': 'Text' })) };
  project['Cases'] = {
    Case: study.participants.map((p) => {
      const docs = study.documents.filter((d) => d.participant === p.id);
      const c: Record<string, unknown> = { '@_guid': guid(`case:${p.id}`), '@_name': p.id };
      const values = attributes.filter((a) => p.attributes[a] !== undefined && p.attributes[a] !== '').map((a) => ({ VariableRef: { '@_targetGUID': guid(`var:${a}`) }, TextValue: p.attributes[a] }));
      if (values.length) c['VariableValue'] = values;
      if (docs.length) c['SourceRef'] = docs.map((d) => ({ '@_targetGUID': guid(`source:${d.id}`) }));
      return c;
    }),
  };
  const removed = { n: 0 };
  const build = (tree: Record<string, unknown>) => builder().build(xmlSafe(tree, removed)) as string;
  // The digests are of the project as import will read it: the XML is parsed back for them. They
  // are of its name, codebook, variables and cases only, so the sources need not be in it.
  if (opts.files) {
    const parsed = readProject(build({ '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' }, Project: project }), 'project.qde');
    removed.n = 0;
    const f = opts.files;
    const exportedWaves = note.study.waves.filter((w) => study.documents.some((d) => d.wave === w.id));
    if (f.config !== undefined) note.files.push({ path: 'qualwave.yaml', text: f.config, of: 'config', digest: digest([String(parsed['@_name'] ?? ''), exportedWaves]) });
    if (f.participants) note.files.push({ path: f.participants.path, text: f.participants.text, of: 'cases', digest: casesDigest(parsed) });
    const book = codebookDigest(parsed['CodeBook'] as Record<string, unknown> | undefined);
    for (const c of f.codebooks) note.files.push({ path: c.path, text: c.text, of: 'codebook', digest: book });
    for (const x of f.finished) if (coders.includes(x.coder)) note.files.push({ path: x.path, text: x.text, of: `finished:${x.coder}`, digest: '' });
    for (const x of f.others) note.files.push({ path: x.path, text: x.text, of: 'file', digest: '' });
  }
  const documents = study.documents;
  for (const doc of documents) note.sources[guid(`source:${doc.id}`)] = { file: doc.format === 'docx' ? doc.file.replace(/\.docx$/i, '.txt') : doc.file, participant: doc.participant, wave: doc.wave, ...(opts.files?.bom.has(doc.file) ? { bom: true } : {}) };
  // The tree without its sources, and the note without its selections: split where they go.
  if (documents.length) project['Sources'] = { TextSource: [] };
  const noteGuid = guid('note:qualwave');
  project['Notes'] = { Note: [{ '@_guid': noteGuid, '@_name': NOTE_NAME, Description: 'What qualwave knows of this study that REFI-QDA has no place for (JSON, read back by qualwave import).', PlainTextContent: JSON.stringify(note) }] };
  project['NoteRef'] = { '@_targetGUID': noteGuid };
  const skeleton = build({ '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' }, Project: project });
  const sourcesAt = documents.length ? at(skeleton, SOURCES_PLACE, 'the sources') : -1;
  const selectionsAt = at(skeleton, SELECTIONS_PLACE, 'the selections') + SELECTIONS_PLACE.indexOf('{}') + 1;
  // The sources' texts first, each read and let go (project.qde reads them again).
  for (let i = 0; i < documents.length; i++) {
    const doc = documents[i]!;
    opts.onProgress?.(i, 2 * documents.length);
    const held = doc.segmentList.holdsText;
    yield { source: { name: `${guid(`source:${doc.id}`)}.txt`, text: doc.segmentList.sourceTextValue } };
    if (!held) doc.segmentList.releaseText();
  }
  if (sourcesAt >= 0) {
    yield { xml: skeleton.slice(0, sourcesAt) + '  <Sources>\n' };
  }
  // Per source: its <TextSource>. Each selection's positions are kept for the note, which comes
  // after the sources (its entries are made again from the codings then: not kept as text).
  let total = 0;
  for (const at of byDoc.values()) total += at.length / 2;
  const positions = new Uint32Array(total * 2);
  let codingCount = 0;
  for (let i = 0; i < documents.length; i++) {
    const doc = documents[i]!;
    opts.onProgress?.(documents.length + i, 2 * documents.length);
    const sourceGuid = guid(`source:${doc.id}`);
    const held = doc.segmentList.holdsText;
    const text = doc.segmentList.sourceTextValue;
    const index = held ? lineIndexOf(doc) : new LineIndex(text);
    const cp = utf16Table(text);
    const user = (coder: string) => ids.kept(`user:${coder}`);
    // In small pieces (one per selection): a transcript's whole <TextSource> would be a string
    // big enough for V8's large-object space, which only a full collection frees.
    yield {
      xml: `    <TextSource guid="${sourceGuid}" name="${esc(
        doc.file
          .split('/')
          .pop()!
          .replace(/\.[^.]+$/, ''),
        removed,
      )}" plainTextPath="internal://${sourceGuid}.txt">\n`,
    };
    const at = byDoc.get(`${doc.participant}/${doc.wave}`) ?? [];
    for (let j = 0; j < at.length; j += 2) {
      const c = codingAt(table.parts[at[j]!]!, at[j + 1]!);
      // An exact span: its characters. Whole lines: from the first line's start to the last one's end.
      const r = index.range(c);
      let start: number;
      let end: number;
      if ('problem' in r) {
        // A drifted coding (its span now past the text): the lines that are there.
        const last = Math.min(c.endLine, index.lineCount);
        start = index.starts[Math.min(c.startLine, index.lineCount) - 1]!;
        end = Math.max(start, index.ends[last - 1]!);
      } else ({ start, end } = r);
      const { lines, key } = selectionKey(doc, c);
      const selGuid = guid(`selection:${key}`);
      const a = cp(start);
      const b = cp(end);
      positions[2 * codingCount] = a;
      positions[2 * codingCount + 1] = b;
      codingCount++;
      const name = selectionNameIn(text, start, end) || `${doc.participant} ${doc.wave} lines ${lines}`;
      let xml = `      <PlainTextSelection guid="${selGuid}" name="${esc(name, removed)}" startPosition="${a}" endPosition="${b}" creatingUser="${user(c.coder)}">\n`;
      const memo = [c.exemplar ? '[exemplar]' : '', c.memo ?? ''].filter(Boolean).join(' ');
      if (memo) xml += element('        ', 'Description', esc(memo, removed));
      xml += `        <Coding guid="${guid(`coding:${key}`)}" creatingUser="${user(c.coder)}">\n          <CodeRef targetGUID="${ids.kept(`code:${c.code}`)}"/>\n        </Coding>\n      </PlainTextSelection>\n`;
      yield { xml };
    }
    yield { xml: `      <VariableValue>\n        <VariableRef targetGUID="${ids.kept('var:wave')}"/>\n${element('        ', 'TextValue', esc(doc.wave, removed))}      </VariableValue>\n    </TextSource>\n` };
    if (!held) doc.segmentList.releaseText();
  }
  yield { xml: sourcesAt >= 0 ? '  </Sources>\n' + skeleton.slice(sourcesAt + SOURCES_PLACE.length, selectionsAt) : skeleton.slice(0, selectionsAt) };
  // The note's selections, one source's at a time (escaping is character by character, and the
  // pieces meet at commas), so the note's text is never made whole.
  let q = 0;
  for (const doc of documents) {
    const at = byDoc.get(`${doc.participant}/${doc.wave}`);
    if (!at) continue;
    // Keyed as the note's object is: a GUID given twice keeps its first place and its last value.
    const entries = new Map<string, string>();
    for (let j = 0; j < at.length; j += 2, q++) {
      const c = codingAt(table.parts[at[j]!]!, at[j + 1]!);
      const selGuid = guid(`selection:${selectionKey(doc, c).key}`);
      entries.set(selGuid, `${JSON.stringify(selGuid)}:${JSON.stringify({ start: positions[2 * q], end: positions[2 * q + 1], ...(hasColumns(c) ? {} : { lines: formatSpan(c) }), ...(c.hash ? { hash: c.hash } : {}), ...(c.exemplar ? { exemplar: true } : {}) })}`);
    }
    yield { xml: (q > at.length / 2 ? ',' : '') + esc([...entries.values()].join(','), removed) };
  }
  yield { xml: skeleton.slice(selectionsAt) };
  return { counts: { sources: documents.length, codes: study.codebook.codes.length, codings: codingCount, users: coders.length, cases: study.participants.length }, removed: removed.n };
}

/** A selection's lines as its key and fallback name say them, and its key (of its GUIDs). */
function selectionKey(doc: Study['documents'][number], c: Study['codings'][number]): { lines: string; key: string } {
  const lines = hasColumns(c) ? formatSpan(c) : `${c.startLine}-${c.endLine}`;
  return { lines, key: `${c.coder}:${doc.id}:${lines}:${c.code}` };
}

/** Where the skeleton has its (empty) sources and the note its (empty) selections. */
const SOURCES_PLACE = '  <Sources/>\n';
const SELECTIONS_PLACE = '&quot;selections&quot;:{}}</PlainTextContent>';

/**
 * A source's <TextSource> is written here directly, as the XML builder writes it inside the whole
 * tree (two spaces of indent per level, empty elements closed with "/>"): user text made XML-safe
 * (characters XML 1.0 forbids removed and counted, as xmlSafe does), then & > < ' " as the
 * builder's entities, in its order. The same bytes as building the tree: tests/unit/refi-export.test.ts.
 */
function esc(s: string, removed: { n: number }): string {
  const safe = xmlText(s);
  removed.n += safe.removed;
  const t = safe.text;
  return /[&<>'"]/.test(t) ? t.replace(/&/g, '&amp;').replace(/>/g, '&gt;').replace(/</g, '&lt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;') : t;
}

/** An element holding text (already escaped): closed at once when the text is empty, as the builder does. */
function element(indent: string, name: string, text: string): string {
  return text === '' ? `${indent}<${name}/>\n` : `${indent}<${name}>${text}</${name}>\n`;
}

/** The one place of `what` in the skeleton (user text is escaped there, so it cannot hold these). */
function at(skeleton: string, place: string, what: string): number {
  const i = skeleton.indexOf(place);
  if (i < 0 || skeleton.indexOf(place, i + 1) >= 0) throw new Error(`the project's XML has no single place for ${what}`);
  return i;
}

/** The study's GUIDs; those used for every selection (a coder's, a code's) made once. */
function guids(title: string): { of: (key: string) => string; kept: (key: string) => string } {
  const of = (key: string) => stableGuid(title, key);
  const made = new Map<string, string>();
  return {
    of,
    kept: (key) => {
      let g = made.get(key);
      if (g === undefined) made.set(key, (g = of(key)));
      return g;
    },
  };
}
