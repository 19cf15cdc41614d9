import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMeanSuffix } from '../text/suggest.js';

/**
 * A YAML document read with positions, so that every problem in a config, codebook or front
 * matter can be reported as file:line:column. Pure: takes text, returns values and diagnostics.
 */
export class YamlReader {
  readonly diagnostics: Diagnostic[] = [];
  readonly root: Node | null;
  private readonly lines = new LineCounter();

  /**
   * @param file path used in diagnostics
   * @param text the YAML text
   * @param lineOffset number of lines before `text` in the file (front matter starts on line 2)
   */
  constructor(
    readonly file: string,
    text: string,
    private readonly lineOffset = 0,
  ) {
    const doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    for (const e of [...doc.errors, ...doc.warnings]) {
      const pos = this.lines.linePos(e.pos[0]);
      const first = e.message.split('\n')[0] ?? e.message;
      const sev = doc.errors.includes(e) ? 'error' : 'warning';
      const msg = `YAML: ${first.replace(/ at line \d+, column \d+:?$/, '')}`;
      const hint = 'check indentation (spaces, not tabs), colons after keys, and quotes around text that contains ": " or starts with a special character';
      this.diagnostics.push(sev === 'error' ? error(file, pos.line + lineOffset, msg, hint, pos.col) : warning(file, pos.line + lineOffset, msg, undefined, pos.col));
    }
    this.root = doc.errors.length > 0 ? null : (doc.contents as Node | null);
  }

  get ok(): boolean {
    return !this.diagnostics.some((d) => d.severity === 'error');
  }

  /** 1-based line and column where a node starts. */
  position(node: Node | Pair | null | undefined): { line?: number; column?: number } {
    const n = node && 'range' in node ? node : node && 'key' in node ? (node.key as Node | null) : null;
    const offset = n?.range?.[0];
    if (offset === undefined) return {};
    const p = this.lines.linePos(offset);
    return { line: p.line + this.lineOffset, column: p.col };
  }

  error(node: Node | Pair | null | undefined, message: string, hint?: string): void {
    const p = this.position(node);
    this.diagnostics.push(error(this.file, p.line, message, hint, p.column));
  }

  warn(node: Node | Pair | null | undefined, message: string, hint?: string): void {
    const p = this.position(node);
    this.diagnostics.push(warning(this.file, p.line, message, hint, p.column));
  }

  /** The node as a mapping, or an error naming `what`. */
  map(node: Node | null | undefined, what: string): YAMLMap<Node, Node> | undefined {
    if (isMap(node)) return node as YAMLMap<Node, Node>;
    this.error(node, `${what} must be a mapping of 'key: value' lines, not ${describe(node)}`);
    return undefined;
  }

  seq(node: Node | null | undefined, what: string): YAMLSeq<Node> | undefined {
    if (isSeq(node)) return node as YAMLSeq<Node>;
    this.error(node, `${what} must be a list ('- item' lines or [a, b]), not ${describe(node)}`);
    return undefined;
  }

  /**
   * Entries of a mapping as [key, valueNode, pair]; reports keys not in `allowed` with a
   * did-you-mean. When `allowed` is undefined any key is accepted.
   */
  entries(map: YAMLMap<Node, Node>, what: string, allowed?: readonly string[]): Array<[string, Node | null, Pair<Node, Node>]> {
    const out: Array<[string, Node | null, Pair<Node, Node>]> = [];
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : null;
      if (key === null) {
        this.error(pair.key as Node, `${what}: keys must be plain names`);
        continue;
      }
      if (allowed && !allowed.includes(key)) {
        this.error(pair.key as Node, `unknown field '${key}' in ${what}${didYouMeanSuffix(key, allowed)}`, `allowed fields: ${allowed.join(', ')}`);
        continue;
      }
      out.push([key, (pair.value as Node | null) ?? null, pair]);
    }
    return out;
  }

  /** A scalar as a string (numbers and booleans are turned into their text). */
  string(node: Node | null | undefined, what: string, opts: { nonEmpty?: boolean } = {}): string | undefined {
    if (!isScalar(node) || node.value === null || typeof node.value === 'object') {
      this.error(node, `${what} must be text, not ${describe(node)}`);
      return undefined;
    }
    const value = typeof node.value === 'string' ? node.value : String(node.value);
    if (opts.nonEmpty && value.trim() === '') {
      this.error(node, `${what} must not be empty`);
      return undefined;
    }
    return value;
  }

  /** A list of strings; a single string is accepted as a one-item list when `single` is set. */
  stringList(node: Node | null | undefined, what: string, opts: { single?: boolean } = {}): Array<{ value: string; node: Node }> {
    if (opts.single && isScalar(node) && typeof node.value === 'string') return [{ value: node.value, node }];
    const seq = this.seq(node, what);
    if (!seq) return [];
    const out: Array<{ value: string; node: Node }> = [];
    seq.items.forEach((item, i) => {
      const v = this.string(item, `${what} item ${i + 1}`, { nonEmpty: true });
      if (v !== undefined) out.push({ value: v, node: item });
    });
    return out;
  }
}

export function describe(node: Node | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'nothing';
    if (typeof v === 'string') return `the text '${v.length > 30 ? v.slice(0, 30) + '…' : v}'`;
    return `the ${typeof v} ${String(v)}`;
  }
  return 'an alias';
}
