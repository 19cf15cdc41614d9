import { XMLBuilder } from 'fast-xml-parser';
import { formatSpan, hasColumns, lineIndexOf } from '../../src/core/coding/span.js';
import type { Code } from '../../src/core/codebook/types.js';
import type { Study } from '../../src/core/study/types.js';
import { xmlText } from '../../src/core/format/escape.js';
import { writeDescription } from '../../src/core/refi/description.js';
import { stableGuid, utf16Table } from '../../src/core/refi/ids.js';
import { casesDigest, codebookDigest, readProject } from '../../src/core/refi/import.js';
import { digest, NOTE_NAME, NOTE_VERSION, type StudyNote } from '../../src/core/refi/note.js';
import type { ProjectSummary, StudyFilesForNote } from '../../src/core/refi/export.js';

/** The whole project in memory: project.qde, each source's text, what was exported. */
export interface RefiExport extends ProjectSummary {
  xml: string;
  sources: Array<{ name: string; text: string }>;
}

/*
 * The REFI-QDA export as it was before it was written one transcript at a time (main at 611fe3a):
 * the whole tree built with fast-xml-parser's builder, then parsed back for the digests, then built
 * again. Kept as the oracle of tests/unit/refi-export.test.ts: the export must give the same bytes.
 */

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

/** A selection's name: the start of its text on one line. */
function selectionName(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  const cps = [...one];
  return cps.length > 60 ? `${cps.slice(0, 57).join('').trimEnd()}...` : one;
}

export function exportProjectBefore(study: Study, opts: { coders?: string[]; version: string; files?: StudyFilesForNote; onProgress?: (documents: number, of: number) => void }): RefiExport {
  const guid = (key: string) => stableGuid(study.config.title, key);
  const coders = opts.coders ?? study.coders;
  const attributes = [...new Set(study.participants.flatMap((p) => Object.keys(p.attributes)))];
  const variables = [...attributes.map((a) => ({ key: `var:${a}`, name: a })), { key: 'var:wave', name: 'wave' }];
  const sources: Array<{ name: string; text: string }> = [];
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
  let codingCount = 0;
  const byDoc = new Map<string, typeof study.codings>();
  for (const c of study.codings) {
    if (!coders.includes(c.coder)) continue;
    const k = `${c.participant}/${c.wave}`;
    let l = byDoc.get(k);
    if (!l) byDoc.set(k, (l = []));
    l.push(c);
  }
  const textSources = study.documents.map((doc, i) => {
    opts.onProgress?.(i, study.documents.length);
    const sourceGuid = guid(`source:${doc.id}`);
    const text = doc.segmentList.sourceTextValue;
    sources.push({ name: `${sourceGuid}.txt`, text });
    note.sources[sourceGuid] = { file: doc.format === 'docx' ? doc.file.replace(/\.docx$/i, '.txt') : doc.file, participant: doc.participant, wave: doc.wave, ...(opts.files?.bom.has(doc.file) ? { bom: true } : {}) };
    const index = lineIndexOf(doc);
    const cp = utf16Table(text);
    const selections = (byDoc.get(`${doc.participant}/${doc.wave}`) ?? []).map((c) => {
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
      const lines = hasColumns(c) ? formatSpan(c) : `${c.startLine}-${c.endLine}`;
      const key = `${c.coder}:${doc.id}:${lines}:${c.code}`;
      codingCount++;
      const selGuid = guid(`selection:${key}`);
      const a = cp(start);
      const b = cp(end);
      const sel: Record<string, unknown> = {
        '@_guid': selGuid,
        '@_name': selectionName(text.slice(start, end)) || `${doc.participant} ${doc.wave} lines ${lines}`,
        '@_startPosition': String(a),
        '@_endPosition': String(b),
        '@_creatingUser': guid(`user:${c.coder}`),
      };
      note.selections[selGuid] = { start: a, end: b, ...(hasColumns(c) ? {} : { lines: formatSpan(c) }), ...(c.hash ? { hash: c.hash } : {}), ...(c.exemplar ? { exemplar: true } : {}) };
      const memo = [c.exemplar ? '[exemplar]' : '', c.memo ?? ''].filter(Boolean).join(' ');
      if (memo) sel['Description'] = memo;
      sel['Coding'] = { '@_guid': guid(`coding:${key}`), '@_creatingUser': guid(`user:${c.coder}`), CodeRef: { '@_targetGUID': guid(`code:${c.code}`) } };
      return sel;
    });
    const src: Record<string, unknown> = {
      '@_guid': sourceGuid,
      '@_name': doc.file
        .split('/')
        .pop()!
        .replace(/\.[^.]+$/, ''),
      '@_plainTextPath': `internal://${sourceGuid}.txt`,
    };
    if (selections.length) src['PlainTextSelection'] = selections;
    src['VariableValue'] = { VariableRef: { '@_targetGUID': guid('var:wave') }, TextValue: doc.wave };
    return src;
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
  if (textSources.length) project['Sources'] = { TextSource: textSources };
  const noteGuid = guid('note:qualwave');
  const removed = { n: 0 };
  const build = () => builder().build(xmlSafe({ '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' }, Project: project }, removed));
  // The digests are of the project as import will read it: the XML is parsed back for them.
  if (opts.files) {
    const parsed = readProject(build(), 'project.qde');
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
  project['Notes'] = { Note: [{ '@_guid': noteGuid, '@_name': NOTE_NAME, Description: 'What qualwave knows of this study that REFI-QDA has no place for (JSON, read back by qualwave import).', PlainTextContent: JSON.stringify(note) }] };
  project['NoteRef'] = { '@_targetGUID': noteGuid };
  const xml = build();
  return { xml, sources, counts: { sources: textSources.length, codes: study.codebook.codes.length, codings: codingCount, users: coders.length, cases: study.participants.length }, removed: removed.n };
}
