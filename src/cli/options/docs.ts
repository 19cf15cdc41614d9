import type { CommandSpec } from './command.js';
import { COMMANDS } from './commands.js';
import { GLOBAL } from './groups.js';
import { readmeTable } from './help.js';

/**
 * The README's option tables, made from the command table: each sits between
 * `<!-- options:NAME -->` and `<!-- /options -->` (NAME a command, or `global`). `npm run docs`
 * rewrites them; a test fails when one is stale or missing.
 */
export function optionTables(): Map<string, string> {
  const tables = new Map<string, string>([['global', readmeTable({ summary: '', options: GLOBAL, examples: [], module: '' })]]);
  for (const [name, spec] of Object.entries(COMMANDS) as Array<[string, CommandSpec]>) tables.set(name, readmeTable(spec));
  return tables;
}

const BLOCK = /<!-- options:([a-z -]+) -->\n[\s\S]*?<!-- \/options -->/g;

/** The README with every option table regenerated; `missing` lists the tables it has no place for. */
export function updateReadme(readme: string): { text: string; missing: string[] } {
  const tables = optionTables();
  const seen = new Set<string>();
  const text = readme.replace(BLOCK, (whole, name: string) => {
    const table = tables.get(name);
    if (table === undefined) return whole;
    seen.add(name);
    return `<!-- options:${name} -->\n${table}\n<!-- /options -->`;
  });
  return { text, missing: [...tables.keys()].filter((n) => !seen.has(n)) };
}
