/**
 * How qualwave's code fields travel in a REFI-QDA code's single Description text, one field per
 * line: the definition first, then "Include: …", "Exclude: …", "Example: …" (one per example) and
 * "qualwave-id: …". Descriptions written by other tools are read as definitions, with any of these
 * lines they happen to have picked out.
 */
export interface CodeText {
  definition?: string;
  include?: string;
  exclude?: string;
  examples: string[];
  id?: string;
}

export function writeDescription(c: CodeText): string {
  const out: string[] = [];
  if (c.definition) out.push(c.definition);
  if (c.include) out.push(`Include: ${c.include}`);
  if (c.exclude) out.push(`Exclude: ${c.exclude}`);
  for (const e of c.examples) out.push(`Example: ${e}`);
  if (c.id) out.push(`qualwave-id: ${c.id}`);
  return out.join('\n');
}

export function readDescription(text: string | undefined): CodeText {
  const out: CodeText = { examples: [] };
  const definition: string[] = [];
  for (const raw of (text ?? '').split(/\r?\n/)) {
    const line = raw.trim();
    const m = /^(include|exclude|example|qualwave-id)\s*:\s*(.*)$/i.exec(line);
    if (!m) {
      if (line) definition.push(line);
      continue;
    }
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (key === 'include') out.include = value;
    else if (key === 'exclude') out.exclude = value;
    else if (key === 'example') out.examples.push(value);
    else out.id = value;
  }
  if (definition.length) out.definition = definition.join(' ');
  return out;
}
