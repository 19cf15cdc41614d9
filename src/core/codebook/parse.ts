import type { Node } from 'yaml';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { YamlReader } from '../yaml/reader.js';
import type { Code, Codebook, CodebookFile, SpeakerLimit } from './types.js';

export const CODEBOOK_FIELDS = ['title', 'description', 'version', 'codes'] as const;
export const CODE_FIELDS = ['id', 'label', 'definition', 'include', 'exclude', 'examples', 'keywords', 'patterns', 'speakers', 'color', 'since', 'anticipates', 'children'] as const;
export const SPEAKER_LIMITS: readonly SpeakerLimit[] = ['participant', 'interviewer', 'any'];

/** Code ids are used in codings files and on the command line: no spaces. */
export const CODE_ID = /^[\p{L}][\p{L}\p{N}_.-]*$/u;
const COLOR = /^#[0-9a-fA-F]{6}$|^#[0-9a-fA-F]{3}$|^[a-z]+$/;

export interface ParsedCodebookFile {
  meta: CodebookFile;
  themes: Code[];
  diagnostics: Diagnostic[];
}

/** Parse one codebook YAML file into its code tree, reporting every problem with file:line:column. */
export function parseCodebookFile(file: string, text: string): ParsedCodebookFile {
  const r = new YamlReader(file, text);
  const meta: CodebookFile = { file, title: '' };
  const themes: Code[] = [];
  if (!r.ok) return { meta, themes, diagnostics: r.diagnostics };
  if (r.root === null) {
    r.diagnostics.push(error(file, 1, 'codebook is empty', "start from 'qualwave init' or a file in the codebooks/ folder: it needs 'title:' and 'codes:'"));
    return { meta, themes, diagnostics: r.diagnostics };
  }
  const map = r.map(r.root, 'a codebook');
  if (!map) return { meta, themes, diagnostics: r.diagnostics };
  let sawCodes = false;
  for (const [key, value] of r.entries(map, 'the codebook', CODEBOOK_FIELDS)) {
    if (key === 'title') meta.title = r.string(value, "'title'", { nonEmpty: true }) ?? '';
    else if (key === 'description') {
      const d = r.string(value, "'description'");
      if (d !== undefined) meta.description = d;
    } else if (key === 'version') r.string(value, "'version'");
    else if (key === 'codes') {
      sawCodes = true;
      const seq = r.seq(value, "'codes'");
      if (seq) {
        if (seq.items.length === 0) r.error(value, "'codes' is empty", 'list at least one theme under codes:');
        for (const item of seq.items) {
          const code = readCode(r, item, undefined, 0);
          if (code) themes.push(code);
        }
      }
    }
  }
  if (!meta.title && !map.items.some((p) => (p.key as { value?: unknown })?.value === 'title')) {
    r.error(map, "the codebook has no 'title'", "add a line like 'title: Buddy program experience'");
  }
  if (!sawCodes) r.error(map, "the codebook has no 'codes'", 'add a codes: list of themes, each with id and label');
  return { meta, themes, diagnostics: r.diagnostics };
}

function readCode(r: YamlReader, node: Node | null, parent: Code | undefined, depth: number): Code | undefined {
  const what = parent ? `a sub-code of '${parent.id}'` : 'a theme';
  const map = r.map(node, what);
  if (!map) return undefined;
  const pos = r.position(map);
  const code: Code = {
    id: '',
    label: '',
    examples: [],
    keywords: [],
    patterns: [],
    speakers: parent?.speakers ?? 'participant',
    children: [],
    theme: parent?.theme ?? '',
    depth,
    file: r.file,
  };
  if (pos.line !== undefined) code.line = pos.line;
  if (parent) code.parent = parent.id;
  const entries = r.entries(map, `${what}${idOf(map)}`, CODE_FIELDS);
  let childrenNode: Node | null = null;
  let sawLabel = false;
  for (const [key, value] of entries) {
    switch (key) {
      case 'id': {
        const id = r.string(value, "'id'", { nonEmpty: true })?.normalize('NFC');
        if (id === undefined) break;
        if (!CODE_ID.test(id)) {
          r.error(value, `code id '${id}' is not valid`, 'use letters, digits, "_", "-" and "." only, starting with a letter (e.g. support.respite)');
        }
        code.id = id;
        break;
      }
      case 'label': {
        sawLabel = true;
        const label = r.string(value, `'label' of code '${code.id || '?'}'`);
        if (label !== undefined && label.trim() === '') r.error(value, `code '${code.id || '?'}' has an empty label`, 'give it a short human-readable name');
        else if (label !== undefined) code.label = label.trim();
        break;
      }
      case 'definition':
      case 'include':
      case 'exclude':
      case 'color': {
        const v = r.string(value, `'${key}'`);
        if (v === undefined) break;
        if (key === 'color' && !COLOR.test(v.trim())) {
          r.error(value, `color '${v}' is not a colour`, 'write it as \'#RRGGBB\' (quoted), e.g. color: "#4477AA"');
          break;
        }
        code[key] = v.trim();
        break;
      }
      case 'since': {
        // Checked against the study's waves when the study is assembled (the codebook does not know them).
        const v = r.string(value, "'since'", { nonEmpty: true });
        if (v !== undefined) code.since = v.trim();
        break;
      }
      case 'anticipates': {
        const v = r.string(value, "'anticipates'", { nonEmpty: true });
        if (v === undefined) break;
        if (!CODE_ID.test(v.trim())) r.error(value, `'anticipates: ${v}' is not a code id`, 'name the code this one anticipates, e.g. anticipates: emotions.toll');
        else code.anticipates = v.trim();
        break;
      }
      case 'examples':
      case 'keywords':
        code[key] = r.stringList(value, `'${key}'`).map((s) => s.value.trim());
        break;
      case 'patterns':
        for (const { value: p, node: pn } of r.stringList(value, "'patterns'")) {
          try {
            new RegExp(p, 'iu');
            code.patterns.push(p);
            (code.patternLines ??= []).push(r.position(pn).line);
          } catch (e) {
            r.error(pn, `invalid regular expression ${JSON.stringify(p)}: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`, "patterns are JavaScript regular expressions; in YAML, put them in single quotes ('\\bbreak\\b')");
          }
        }
        break;
      case 'speakers': {
        const v = r.string(value, "'speakers'");
        if (v === undefined) break;
        if ((SPEAKER_LIMITS as readonly string[]).includes(v)) code.speakers = v as SpeakerLimit;
        else r.error(value, `'speakers' must be one of ${SPEAKER_LIMITS.join(', ')}, not '${v}'`);
        break;
      }
      case 'children':
        childrenNode = value;
        break;
    }
  }
  if (!code.id) {
    if (!entries.some(([k]) => k === 'id')) r.error(map, `${what} has no 'id'`, 'add id: with a short unique name, e.g. id: support.respite');
    return undefined;
  }
  if (!sawLabel) r.error(map, `code '${code.id}' has no 'label'`, 'add label: with a short human-readable name');
  if (!parent) code.theme = code.id;
  if (childrenNode !== null) {
    const seq = r.seq(childrenNode, `'children' of '${code.id}'`);
    for (const item of seq?.items ?? []) {
      const child = readCode(r, item, code, depth + 1);
      if (child) code.children.push(child);
    }
  }
  return code;
}

function idOf(map: { items: Array<{ key: unknown; value: unknown }> }): string {
  for (const p of map.items) {
    const k = p.key as { value?: unknown } | null;
    const v = p.value as { value?: unknown } | null;
    if (k?.value === 'id' && typeof v?.value === 'string') return ` '${v.value}'`;
  }
  return '';
}

/** Combine codebook files into one tree; ids must be unique across all of them. */
export function combineCodebooks(parts: readonly ParsedCodebookFile[]): { codebook: Codebook; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const byId = new Map<string, Code>();
  const codes: Code[] = [];
  const themes: Code[] = [];
  const visit = (code: Code): void => {
    const seen = byId.get(code.id);
    if (seen) {
      diagnostics.push(error(code.file, code.line, `duplicate code id '${code.id}' (first defined at ${seen.file}${seen.line ? ':' + seen.line : ''})`, 'code ids must be unique across all codebooks: rename one of them'));
      return;
    }
    byId.set(code.id, code);
    codes.push(code);
    code.children.forEach(visit);
  };
  for (const part of parts) {
    for (const theme of part.themes) {
      const before = byId.get(theme.id);
      visit(theme);
      if (!before) themes.push(theme);
    }
  }
  return { codebook: { files: parts.map((p) => p.meta), themes, codes, byId }, diagnostics };
}

/** What to do with an imported codebook, given the study's codebooks. */
export type CodebookMerge = { kind: 'write' } | { kind: 'same' } | { kind: 'kept'; codes: number } | { kind: 'conflict'; missing: string[] };

/**
 * Decide how an incoming codebook joins the study's codebooks, never overwriting one: a file of the
 * same name and text is left as it is; when the study already defines every incoming code nothing
 * is written (the study's own definitions win); a codebook none of whose codes the study has is
 * written as a new file; anything in between (some codes there, some not, or a different file of
 * that name) is a conflict listing the codes the study lacks.
 */
export function decideCodebookMerge(study: ReadonlyArray<{ file: string; text: string }>, incoming: { file: string; text: string }): CodebookMerge {
  const same = study.find((f) => f.file === incoming.file);
  if (same && same.text === incoming.text) return { kind: 'same' };
  const ids = (file: string, text: string): string[] => {
    const out: string[] = [];
    const visit = (c: Code): void => {
      out.push(c.id);
      c.children.forEach(visit);
    };
    parseCodebookFile(file, text).themes.forEach(visit);
    return out;
  };
  const have = new Set(study.flatMap((f) => ids(f.file, f.text)));
  const wanted = ids(incoming.file, incoming.text);
  const missing = wanted.filter((id) => !have.has(id));
  if (missing.length === 0) return { kind: 'kept', codes: wanted.length };
  if (missing.length === wanted.length && !same) return { kind: 'write' };
  return { kind: 'conflict', missing };
}
