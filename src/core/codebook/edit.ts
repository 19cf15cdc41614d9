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
