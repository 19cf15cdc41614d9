#!/usr/bin/env node
// Runs the compiled CLI (Node 20 cannot run the TypeScript sources). Build with: npm run build
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('qualwave: the compiled CLI is missing (dist/). Run: npm run build\n');
  process.exit(2);
}
await import(main.href);
