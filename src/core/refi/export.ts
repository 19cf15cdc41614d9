import { XMLBuilder } from 'fast-xml-parser';
import { formatSpan, hasColumns, lineIndexOf } from '../coding/span.js';
import type { Code } from '../codebook/types.js';
import type { Study } from '../study/types.js';
import { xmlText } from '../format/escape.js';
import { writeDescription } from './description.js';
import { stableGuid, utf16Table } from './ids.js';

/**
 * A qualwave study as a REFI-QDA project (QDA-XML 1.0): users (coders), codebook, variables
 * (participant attributes, and the wave as a document variable), cases (participants), text
 * sources (transcripts as plain text) with one PlainTextSelection per coding. Positions count
 * Unicode code points. A coding's memo (and exemplar flag) is the selection's Description.
 */
export interface RefiExport {
  /** project.qde */
  xml: string;
  /** sources/NAME.txt contents */
  sources: Array<{ name: string; text: string }>;
  counts: { sources: number; codes: number; codings: number; users: number; cases: number };
  /** Characters XML 1.0 cannot hold (control characters in a memo or label), removed: how many. */
  removed: number;
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

function codeXml(c: Code, guid: (key: string) => string): Record<string, unknown> {
  const out: Record<string, unknown> = { '@_guid': guid(`code:${c.id}`), '@_name': c.label, '@_isCodable': 'true' };
  if (c.color && /^#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$/.test(c.color)) out['@_color'] = c.color.toUpperCase();
  out['Description'] = writeDescription({ ...(c.definition ? { definition: c.definition } : {}), ...(c.include ? { include: c.include } : {}), ...(c.exclude ? { exclude: c.exclude } : {}), examples: c.examples, id: c.id });
  if (c.children.length) out['Code'] = c.children.map((ch) => codeXml(ch, guid));
  return out;
}

export function codebookXml(study: Pick<Study, 'config' | 'codebook'>): string {
  const guid = (key: string) => stableGuid(study.config.title, key);
  return builder().build(xmlSafe({ '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' }, CodeBook: { '@_xmlns': 'urn:QDA-XML:codebook:1.0', '@_origin': 'qualwave', Codes: { Code: study.codebook.themes.map((t) => codeXml(t, guid)) } } }, { n: 0 }));
}

export function exportProject(study: Study, opts: { coders?: string[]; version: string }): RefiExport {
  const guid = (key: string) => stableGuid(study.config.title, key);
  const coders = opts.coders ?? study.coders;
  const attributes = [...new Set(study.participants.flatMap((p) => Object.keys(p.attributes)))];
  const variables = [...attributes.map((a) => ({ key: `var:${a}`, name: a })), { key: 'var:wave', name: 'wave' }];
  const sources: Array<{ name: string; text: string }> = [];
  let codingCount = 0;
  const textSources = study.documents.map((doc) => {
    const sourceGuid = guid(`source:${doc.id}`);
    const text = doc.segmentList.sourceTextValue;
    sources.push({ name: `${sourceGuid}.txt`, text });
    const segments = doc.segments;
    const cp = utf16Table(text);
    const selections = study.codings
      .filter((c) => coders.includes(c.coder) && c.participant === doc.participant && c.wave === doc.wave)
      .map((c) => {
        // An exact span: its characters. Whole lines: the speech of the segments they touch (as always).
        const exact = hasColumns(c) ? lineIndexOf(doc).range(c) : undefined;
        const touched = segments.filter((s) => s.startLine <= c.endLine && s.endLine >= c.startLine);
        const start = exact && !('problem' in exact) ? exact.start : touched.length ? Math.min(...touched.map((s) => s.start)) : lineOffset(text, c.startLine);
        const end = exact && !('problem' in exact) ? exact.end : touched.length ? Math.max(...touched.map((s) => s.end)) : lineOffset(text, c.endLine + 1) - 1;
        const lines = hasColumns(c) ? formatSpan(c) : `${c.startLine}-${c.endLine}`;
        const key = `${c.coder}:${doc.id}:${lines}:${c.code}`;
        codingCount++;
        const sel: Record<string, unknown> = {
          '@_guid': guid(`selection:${key}`),
          '@_name': `${doc.participant} ${doc.wave} lines ${lines}`,
          '@_startPosition': String(cp(start)),
          '@_endPosition': String(cp(end)),
          '@_creatingUser': guid(`user:${c.coder}`),
        };
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
  const removed = { n: 0 };
  const xml = builder().build(xmlSafe({ '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' }, Project: project }, removed));
  return { xml, sources, counts: { sources: textSources.length, codes: study.codebook.codes.length, codings: codingCount, users: coders.length, cases: study.participants.length }, removed: removed.n };
}

function lineOffset(text: string, line: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return off;
}
