#!/usr/bin/env node
// npm run docs: rewrites the README's option tables from the command table (src/cli/options/commands.ts).
import { readFileSync, writeFileSync } from 'node:fs';

const { updateReadme } = await import(new URL('../dist/src/cli/options/docs.js', import.meta.url).href);
const path = new URL('../README.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const { text, missing } = updateReadme(before);
if (missing.length) {
  process.stderr.write(`README.md has no place for the option tables of: ${missing.join(', ')} (add <!-- options:NAME --> <!-- /options --> to its section)\n`);
  process.exitCode = 1;
}
if (text !== before) writeFileSync(path, text);
process.stderr.write(text === before ? 'README option tables up to date\n' : 'README option tables rewritten\n');
