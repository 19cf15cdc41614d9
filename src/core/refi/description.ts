/**
 * How qualwave's code fields travel in a REFI-QDA code's single Description text: the definition
 * first (its own line breaks kept), then one field per line: "Include: …", "Exclude: …",
 * "Example: …" (one per example), "Keywords: a, b", "Pattern: …" (one per pattern), "Speakers: …",
 * "Since: WAVE", "Anticipates: CODE" and "qualwave-id: …". Descriptions written by other tools are
 * read as definitions (line breaks kept), with any of these lines they happen to have picked out.
 */
export interface CodeText {
  definition?: string;
  include?: string;
  exclude?: string;
  examples: string[];
  keywords?: string[];
  patterns?: string[];
  speakers?: string;
  since?: string;
  anticipates?: string;
  id?: string;
}

const oneLine = (s: string): string => s.replace(/\s*\r?\n\s*/g, ' ');

export function writeDescription(c: CodeText): string {
  const out: string[] = [];
  if (c.definition) out.push(c.definition.replace(/\r\n?/g, '\n'));
  if (c.include) out.push(`Include: ${oneLine(c.include)}`);
  if (c.exclude) out.push(`Exclude: ${oneLine(c.exclude)}`);
  for (const e of c.examples) out.push(`Example: ${oneLine(e)}`);
  if (c.keywords?.length) out.push(`Keywords: ${c.keywords.map(oneLine).join(', ')}`);
  for (const p of c.patterns ?? []) out.push(`Pattern: ${oneLine(p)}`);
  if (c.speakers) out.push(`Speakers: ${c.speakers}`);
  if (c.since) out.push(`Since: ${c.since}`);
  if (c.anticipates) out.push(`Anticipates: ${c.anticipates}`);
  if (c.id) out.push(`qualwave-id: ${c.id}`);
  return out.join('\n');
}

const KEYS = /^(include|exclude|example|keywords|pattern|speakers|since|anticipates|qualwave-id)\s*:\s?(.*)$/i;

export function readDescription(text: string | undefined): CodeText {
  const out: CodeText = { examples: [] };
  const definition: string[] = [];
  for (const raw of (text ?? '').split(/\r?\n/)) {
    const m = KEYS.exec(raw.trim());
    if (!m) {
      definition.push(raw.replace(/\s+$/, ''));
      continue;
    }
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (key === 'include') out.include = value;
    else if (key === 'exclude') out.exclude = value;
    else if (key === 'example') out.examples.push(value);
    else if (key === 'keywords') out.keywords = value.split(/\s*,\s*/).filter(Boolean);
    else if (key === 'pattern') (out.patterns ??= []).push(value);
    else if (key === 'speakers') out.speakers = value;
    else if (key === 'since') out.since = value;
    else if (key === 'anticipates') out.anticipates = value;
    else out.id = value;
  }
  // The definition's own line breaks are kept; blank lines around it are not.
  while (definition.length && definition[0] === '') definition.shift();
  while (definition.length && definition[definition.length - 1] === '') definition.pop();
  if (definition.length) out.definition = definition.join('\n');
  return out;
}
