import { parse, parseFragment } from 'parse5';
import { stringify as yamlStringify } from 'yaml';
import { normalise } from '../coding/place.js';
import { LineIndex, formatSpan } from '../coding/span.js';
import { spanHash } from '../coding/text.js';
import { codingKey, type Coding } from '../coding/types.js';
import { slug } from './ids.js';
import { asId, ImportError, patternMatch } from './import.js';
import { emptyReport, type ImportPlan, type TagCount } from './plan.js';

/**
 * Taguette projects. Taguette keeps each document as HTML (converted on upload and sanitised) and
 * each highlight as start_offset/end_offset: UTF-8 byte offsets into the document's text, i.e. the
 * text nodes of the HTML parsed as a whole page (WHATWG parsing, as html5lib does), tags not
 * counted, whitespace between elements counted. A highlight's `snippet` is the HTML between them.
 * Tags have a path; "a.b" or "a/b" is code b under a. Pure: no I/O (parse5 parses in memory).
 */
export interface TaguetteData {
  name: string;
  documents: Array<{ id: number; name: string; filename: string; description: string; contents: string }>;
  tags: Array<{ id: number; path: string; description: string }>;
  highlights: Array<{ id: number; document: number; start: number; end: number; snippet: string; tags: number[] }>;
  /** Who added each highlight (from Taguette's command log), when known. */
  coderOf: Map<number, string>;
}

interface Node {
  nodeName: string;
  tagName?: string;
  value?: string;
  childNodes?: Node[];
  content?: Node;
}

const BLOCK = new Set(['p', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'blockquote', 'pre', 'tr', 'dt', 'dd', 'caption', 'table', 'ul', 'ol', 'dl', 'section', 'article', 'header', 'footer', 'thead', 'tbody', 'hr', 'body']);

const utf8Length = (cp: number): number => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);

/**
 * A Taguette document's text, one line per paragraph (block element or <br>), runs of whitespace
 * in a paragraph as one space, and the way from Taguette's offsets to it: for each byte of the
 * document's text nodes, where its character went (or -1: whitespace that was collapsed or left
 * out between paragraphs).
 */
export class HtmlText {
  readonly text: string;
  /** at[byte] = UTF-16 offset in `text` of the character starting at that byte, or -1. */
  private readonly at: Int32Array;
  /** Bytes of the document's text nodes. */
  readonly bytes: number;

  constructor(html: string, fragment = false) {
    const doc = (fragment ? parseFragment(html) : parse(html)) as unknown as Node;
    let bytes = 0;
    const texts: Array<{ value: string; pre: boolean }> = [];
    const events: Array<{ kind: 'text'; i: number } | { kind: 'break' }> = [];
    const walk = (n: Node, pre: boolean): void => {
      if (n.nodeName === '#text') {
        texts.push({ value: n.value ?? '', pre });
        events.push({ kind: 'text', i: texts.length - 1 });
        bytes += [...(n.value ?? '')].reduce((s, ch) => s + utf8Length(ch.codePointAt(0)!), 0);
        return;
      }
      if (n.nodeName === '#comment') return;
      const tag = n.tagName;
      if (tag === 'br') {
        events.push({ kind: 'break' });
        return;
      }
      const block = tag !== undefined && BLOCK.has(tag);
      if (block) events.push({ kind: 'break' });
      for (const c of n.childNodes ?? []) walk(c, pre || tag === 'pre');
      if (n.content) walk(n.content, pre);
      if (block) events.push({ kind: 'break' });
    };
    walk(doc, false);
    this.bytes = bytes;
    const at = new Int32Array(bytes + 1).fill(-1);
    let out = '';
    let lineStart = true;
    let space = false;
    let b = 0;
    for (const e of events) {
      if (e.kind === 'break') {
        if (!lineStart) out += '\n';
        lineStart = true;
        space = false;
        continue;
      }
      const { value, pre } = texts[e.i]!;
      for (const ch of value) {
        const cp = ch.codePointAt(0)!;
        if (pre && ch === '\n') {
          out += '\n';
          lineStart = true;
          space = false;
        } else if (!pre && /\s/u.test(ch) && ch !== '\u00a0') {
          space = true;
        } else {
          if (space && !lineStart) out += ' ';
          space = false;
          lineStart = false;
          at[b] = out.length;
          out += ch;
        }
        b += utf8Length(cp);
      }
    }
    at[bytes] = out.length;
    this.at = at;
    this.text = out.endsWith('\n') || out === '' ? out : out + '\n';
  }

  /** The UTF-16 range in `text` of the characters kept between two byte offsets, or undefined when none are. */
  range(start: number, end: number): { start: number; end: number } | undefined {
    if (start < 0 || end > this.bytes || end <= start) return undefined;
    let a = start;
    while (a < end && this.at[a]! < 0) a++;
    let z = end - 1;
    while (z >= a && this.at[z]! < 0) z--;
    if (a > z) return undefined;
    const last = this.at[z]!;
    const cp = this.text.codePointAt(last)!;
    return { start: this.at[a]!, end: last + (cp > 0xffff ? 2 : 1) };
  }
}

/** Text compared whitespace-insensitively: every run of whitespace left out, quotes as in place.ts. */
export function squeezed(s: string): string {
  return normalise(s).text.replace(/ /g, '');
}

/** Codes from Taguette tag paths: "a.b" or "a/b" is b under a (ids joined with dots); returns the codebook entries and tag id → code id. */
export function tagCodes(tags: TaguetteData['tags']): { themes: Array<Record<string, unknown>>; codeOf: Map<number, string> } {
  type Entry = { id: string; label: string; definition?: string; children: Entry[] };
  const roots: Entry[] = [];
  const byPath = new Map<string, Entry>();
  const taken = new Set<string>();
  const codeOf = new Map<number, string>();
  for (const t of [...tags].sort((a, b) => a.id - b.id)) {
    const sep = t.path.includes('/') ? '/' : '.';
    const parts = t.path.split(sep).map((p) => p.trim());
    const ok = parts.length > 1 && parts.every((p) => p !== '');
    const chain = ok ? parts : [t.path.trim() || 'tag'];
    let parent: Entry | undefined;
    let path = '';
    for (let i = 0; i < chain.length; i++) {
      path = path ? `${path}\u0000${chain[i]}` : chain[i]!;
      let e = byPath.get(path);
      if (!e) {
        const base = slug(chain[i]!, new Set());
        const id = parent ? uniqueId(`${parent.id}.${base}`, taken) : uniqueId(base, taken);
        e = { id, label: chain[i]!, children: [] };
        byPath.set(path, e);
        (parent ? parent.children : roots).push(e);
      }
      parent = e;
    }
    if (t.description.trim()) parent!.definition = t.description.trim();
    codeOf.set(t.id, parent!.id);
  }
  const plain = (e: Entry): Record<string, unknown> => ({ id: e.id, label: e.label, ...(e.definition ? { definition: e.definition } : {}), ...(e.children.length ? { children: e.children.map(plain) } : {}) });
  return { themes: roots.map(plain), codeOf };
}

function uniqueId(id: string, taken: Set<string>): string {
  let out = id;
  for (let k = 2; taken.has(out); k++) out = `${id}-${k}`;
  taken.add(out);
  return out;
}

/** Participant and wave of each document: --name-pattern, else the document's name as the participant (one wave). */
export function documentIds(names: ReadonlyArray<{ key: string; name: string }>, namePattern: string | undefined): Map<string, { participant: string; wave: string; original?: string }> {
  const out = new Map<string, { participant: string; wave: string; original?: string }>();
  const seen = new Map<string, string>();
  for (const { key, name } of names) {
    const label = name.replace(/\.[a-z0-9]{1,5}$/i, '');
    const m = namePattern ? patternMatch(namePattern, label) : undefined;
    const raw = m?.participant ?? label;
    const participant = asId(raw);
    const wave = m?.wave ? asId(m.wave) : 'interview';
    const k = `${participant}/${wave}`;
    if (seen.has(k)) throw new ImportError(`documents '${seen.get(k)}' and '${name}' are both participant ${participant} at wave ${wave}: say which wave each is with --name-pattern (e.g. '{participant}_{wave}' for names such as ${participant}_t1)`);
    seen.set(k, name);
    out.set(key, { participant, wave, ...(raw.trim() !== participant ? { original: raw.trim() } : {}) });
  }
  return out;
}

/** A Taguette project database as a study: documents → transcripts, tags → codes, highlights → exact spans (verified against their snippets). */
export function planTaguette(data: TaguetteData, opts: { namePattern?: string }): ImportPlan {
  const report = emptyReport('taguette-database');
  const drop = (k: string, n = 1) => {
    if (n > 0) report.dropped[k] = (report.dropped[k] ?? 0) + n;
  };
  const { themes, codeOf } = tagCodes(data.tags);
  report.codes = codeOf.size;
  const docs = [...data.documents].sort((a, b) => a.id - b.id);
  const ids = documentIds(
    docs.map((d) => ({ key: String(d.id), name: d.name || d.filename })),
    opts.namePattern,
  );
  const texts = new Map<number, { html: HtmlText; index: LineIndex; participant: string; wave: string }>();
  const participants = new Map<string, Record<string, string>>();
  const transcripts: ImportPlan['transcripts'] = [];
  for (const d of docs) {
    const id = ids.get(String(d.id))!;
    const html = new HtmlText(d.contents);
    if (html.text.trim() === '') {
      report.skipped.push({ source: d.name, reason: 'the document has no text', selections: data.highlights.filter((h) => h.document === d.id).length });
      drop('documents without text');
      continue;
    }
    texts.set(d.id, { html, index: new LineIndex(html.text), participant: id.participant, wave: id.wave });
    const attributes: Record<string, string> = {};
    if (id.original) attributes['original_name'] = id.original;
    if (d.description.trim()) attributes['description'] = d.description.trim().replace(/\s+/g, ' ');
    participants.set(id.participant, { ...(participants.get(id.participant) ?? {}), ...attributes });
    transcripts.push({ participant: id.participant, wave: id.wave, text: html.text, source: d.name, bom: false });
  }
  report.sources = transcripts.length;
  const counts = new Map<number, TagCount>();
  for (const t of data.tags) counts.set(t.id, { tag: t.path, code: codeOf.get(t.id)!, highlights: 0, codings: 0, placed: 0, unverified: 0, dropped: 0 });
  const codings = new Map<string, Coding[]>();
  const seen = new Set<string>();
  const coders = new Set<string>();
  for (const h of [...data.highlights].sort((a, b) => a.document - b.document || a.start - b.start || a.id - b.id)) {
    const tags = h.tags.filter((t) => counts.has(t));
    for (const t of tags) counts.get(t)!.highlights++;
    if (tags.length === 0) {
      drop('highlights without a tag');
      continue;
    }
    const doc = texts.get(h.document);
    if (!doc) {
      drop('highlights of documents without text', tags.length);
      for (const t of tags) counts.get(t)!.dropped++;
      continue;
    }
    const r = doc.html.range(h.start, h.end);
    const span = r ? doc.index.spanOf(r.start, r.end) : undefined;
    const coder = slug(data.coderOf.get(h.id) ?? 'taguette', new Set());
    if (!span || !r) {
      for (const t of tags) {
        counts.get(t)!.dropped++;
        report.unverifiedCodings.push({
          coder,
          participant: doc.participant,
          wave: doc.wave,
          code: codeOf.get(t)!,
          lines: '',
          text: squeezedShort(new HtmlText(h.snippet, true).text),
          why: `highlight ${h.id}: offsets ${h.start}-${h.end} hold no text of the document (${doc.html.bytes} bytes)`,
          placed: false,
          selection: String(h.id),
        });
      }
      drop('highlights outside their document', tags.length);
      continue;
    }
    const got = doc.html.text.slice(r.start, r.end);
    const want = new HtmlText(h.snippet, true).text;
    const verified = squeezed(got) === squeezed(want);
    for (const t of tags) {
      const c: Coding = { coder, participant: doc.participant, wave: doc.wave, ...span, code: codeOf.get(t)!, exemplar: false };
      const hash = spanHash(doc.index, span);
      if (hash) c.hash = hash;
      const k = codingKey(c);
      const count = counts.get(t)!;
      if (seen.has(k)) {
        drop('duplicate highlights (same tag and text)');
        count.dropped++;
        continue;
      }
      seen.add(k);
      coders.add(coder);
      let l = codings.get(coder);
      if (!l) codings.set(coder, (l = []));
      l.push(c);
      report.codings++;
      count.codings++;
      if (verified) {
        report.placed++;
        count.placed++;
      } else {
        report.unverified++;
        count.unverified++;
        report.unverifiedCodings.push({ coder, participant: doc.participant, wave: doc.wave, code: c.code, lines: formatSpan(c), text: squeezedShort(got), why: `highlight ${h.id}: its snippet "${squeezedShort(want)}" is not the text at its offsets`, placed: true, selection: String(h.id) });
      }
    }
  }
  report.tags = [...counts.values()];
  report.coders = coders.size;
  report.users = coders.size;
  const attributes = [...new Set([...participants.values()].flatMap((v) => Object.keys(v)))];
  const waves = [...new Set(transcripts.map((t) => t.wave))];
  return {
    title: data.name || 'Taguette project',
    waves: waves.map((id) => ({ id, label: id })),
    participants: [...participants].map(([id, attributes]) => ({ id, attributes })),
    attributes,
    transcripts,
    codebooks: [{ file: 'codebooks/imported.yaml', text: yamlStringify({ title: `${data.name || 'Taguette project'} (imported)`, codes: themes.length ? themes : [{ id: 'uncategorised', label: 'Uncategorised' }] }, { lineWidth: 0 }) }],
    codings,
    report,
  };
}

function squeezedShort(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 77)}...` : one;
}
