#!/usr/bin/env node
// Runs the compiled CLI (Node 20 cannot run the TypeScript sources). Build with: npm run build
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // The version needs no command-line framework: answer before loading one.
  process.stdout.write(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version + '\n');
} else {
  // The bundle (scripts/bundle.js: the same code in a few files, which loads faster), unless tsc has
  // compiled dist/src since it was made (tsc alone rewrites every file): then the compiled modules.
  const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
  const bundle = new URL('../dist/bundle/cli/main.js', import.meta.url);
  const bundled = statSync(bundle, { throwIfNoEntry: false });
  const main = bundled && !(bundled.mtimeMs < (statSync(compiled, { throwIfNoEntry: false })?.mtimeMs ?? 0)) ? bundle : compiled;
  if (!existsSync(main)) {
    process.stderr.write('qualwave: the compiled CLI is missing (dist/). Run: npm run build\n');
    process.exit(2);
  }
  // require() of the ES module graph: read synchronously, faster to start than import().
  await createRequire(import.meta.url)(main.pathname).start();
}
