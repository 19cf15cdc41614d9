import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';

/**
 * Edits to a codebook file's text that touch only what changes: the rest of the file (comments,
 * quoting, line wrapping) stays byte for byte as the researcher wrote it.
 */

/** The mapping of the code whose `id` is `id`, with the sequence item it is. */
function findCode(root: Node | null, id: string): { map: YAMLMap; idNode: Node } | undefined {
  let found: { map: YAMLMap; idNode: Node } | undefined;
  const visit = (node: unknown): void => {
    if (found) return;
    if (isSeq(node)) node.items.forEach(visit);
    else if (isMap(node)) {
      for (const pair of node.items) {
        if (isScalar(pair.key) && pair.key.value === 'id' && isScalar(pair.value) && String(pair.value.value) === id) {
          found = { map: node as YAMLMap, idNode: pair.value as Node };
          return;
        }
      }
      for (const pair of node.items) visit(pair.value);
    }
  };
  visit(root);
  return found;
}

/** The text with code `from`'s id changed to `to`, or undefined when the file does not define `from`. */
export function renameCodeInText(text: string, from: string, to: string): string | undefined {
  const doc = parseDocument(text);
  const hit = findCode(doc.contents as Node | null, from);
  const range = hit?.idNode.range;
  if (!range) return undefined;
  return text.slice(0, range[0]) + to + text.slice(range[1]);
}

/** The text without code `id` (its whole list item, comments inside it included), or undefined. */
export function removeCodeFromText(text: string, id: string): string | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const hit = findCode(doc.contents as Node | null, id);
  const range = hit?.map.range;
  if (!range) return undefined;
  const start = text.lastIndexOf('\n', range[0] - 1) + 1;
  let end = range[2];
  // The item ends at the start of the next item's line: do not eat into it.
  if (end > 0 && text[end - 1] !== '\n') {
    const nl = text.indexOf('\n', end);
    end = nl < 0 ? text.length : nl + 1;
  }
  return text.slice(0, start) + text.slice(end);
}

/**
 * The text with `field: value` set on code `id`: the value replaced where the field exists, else a
 * new line after the code's `id:` line, indented like its keys. Undefined when the file does not
 * define the code, or defines it in flow style ({ id: x, ... }) where a line cannot be added.
 */
export function setCodeFieldInText(text: string, id: string, field: string, value: string): string | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const hit = findCode(doc.contents as Node | null, id);
  if (!hit || hit.map.flow) return undefined;
  const existing = hit.map.items.find((p) => isScalar(p.key) && p.key.value === field);
  if (existing && isScalar(existing.value) && existing.value.range) {
    const r = existing.value.range;
    return text.slice(0, r[0]) + value + text.slice(r[1]);
  }
  const idPair = hit.map.items.find((p) => isScalar(p.key) && p.key.value === 'id');
  const keyRange = (idPair?.key as Node | undefined)?.range;
  const valueRange = hit.idNode.range;
  if (!keyRange || !valueRange) return undefined;
  const column = lines.linePos(keyRange[0]).col - 1;
  const eol = text.indexOf('\n', valueRange[1]);
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const at = eol < 0 ? text.length : text[eol - 1] === '\r' ? eol - 1 : eol;
  return text.slice(0, at) + `${nl}${' '.repeat(column)}${field}: ${value}` + text.slice(at);
}

/**
 * The text with a new code added: as the last child of `parent` (a `children:` list made when it
 * has none), or as the last theme under `codes:`. Indented like its neighbours, the rest of the
 * file byte for byte. Undefined when the place is written in flow style ([...], {...}) or missing.
 */
export function addCodeToText(text: string, code: { id: string; label: string; parent?: string }): string | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const label = scalar(code.label);
  const lineStart = (offset: number): number => text.lastIndexOf('\n', offset - 1) + 1;
  const after = (offset: number): number => {
    const n = text.indexOf('\n', offset);
    return n < 0 ? text.length : n + 1;
  };
  // After the end of `node`'s last line; a file without a final line break gets one first.
  const insertAfter = (end: number, block: string): string => {
    // Right after the item's last character: blank lines after it keep separating it from what follows.
    let e = end;
    while (e > 0 && /\s/.test(text[e - 1]!)) e--;
    const at = after(e);
    const pre = at === text.length && !text.endsWith('\n') ? nl : '';
    return text.slice(0, at) + pre + block + text.slice(at);
  };
  const item = (dash: number, key: number): string => `${' '.repeat(dash)}- id: ${code.id}${nl}${' '.repeat(key)}label: ${label}${nl}`;
  const lastItem = (seq: { items: unknown[]; flow?: boolean }): { dash: number; key: number; end: number } | undefined => {
    if (seq.flow || seq.items.length === 0) return undefined;
    const last = seq.items[seq.items.length - 1] as Node;
    const first = seq.items[0] as Node;
    if (!isMap(first) || !isMap(last) || (first as YAMLMap).flow || !first.range || !last.range) return undefined;
    const s = first.range[0];
    const dash = text.lastIndexOf('-', s - 1) - lineStart(s);
    const key = lines.linePos(s).col - 1;
    return dash < 0 ? undefined : { dash, key, end: last.range[1] };
  };
  if (code.parent === undefined) {
    const root = doc.contents;
    if (!isMap(root)) return undefined;
    const codes = root.items.find((p) => isScalar(p.key) && p.key.value === 'codes');
    if (!codes || !isSeq(codes.value)) return undefined;
    const at = lastItem(codes.value);
    return at ? insertAfter(at.end, item(at.dash, at.key)) : undefined;
  }
  const hit = findCode(doc.contents as Node | null, code.parent);
  if (!hit || hit.map.flow || !hit.map.range) return undefined;
  const children = hit.map.items.find((p) => isScalar(p.key) && p.key.value === 'children');
  if (children) {
    if (!isSeq(children.value)) return undefined;
    const at = lastItem(children.value);
    return at ? insertAfter(at.end, item(at.dash, at.key)) : undefined;
  }
  const keyCol = lines.linePos(hit.map.range[0]).col - 1;
  return insertAfter(hit.map.range[1], `${' '.repeat(keyCol)}children:${nl}${item(keyCol + 2, keyCol + 4)}`);
}

/** A label as a YAML scalar on one line: plain when that reads back the same, else double-quoted. */
function scalar(value: string): string {
  const plain = /^[\p{L}\p{N}(][^:#\n\r]*$/u.test(value) && !/\s$/.test(value) && !/^(true|false|null|yes|no|on|off|~)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}
