#!/usr/bin/env node
// Runs the compiled CLI (Node 20 cannot run the TypeScript sources). Build with: npm run build
import { existsSync, fstatSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
// The bundle (scripts/bundle.js: the same code in a few files, which loads faster), unless tsc has
// compiled dist/src since it was made (tsc alone rewrites every file): then the compiled modules.
const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
const bundle = new URL('../dist/bundle/cli/main.js', import.meta.url);
let help;
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // The version needs no command-line framework: answer before loading one.
  process.stdout.write(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version + '\n');
} else if (args.length === 1 && (args[0] === '--help' || args[0] === '-h') && (help = plainHelp()) !== undefined) {
  process.stdout.write(help);
} else {
  const bundled = statSync(bundle, { throwIfNoEntry: false });
  const main = bundled && !(bundled.mtimeMs < (statSync(compiled, { throwIfNoEntry: false })?.mtimeMs ?? 0)) ? bundle : compiled;
  if (!existsSync(main)) {
    process.stderr.write('qualwave: the compiled CLI is missing (dist/). Run: npm run build\n');
    process.exit(2);
  }
  // require() of the ES module graph: read synchronously, faster to start than import().
  await createRequire(import.meta.url)(main.pathname).start();
}

/**
 * The top-level help as the bundle printed it into a pipe when it was built (dist/bundle/cli/help.txt,
 * scripts/bundle.js), when this process would print the same bytes: its output is not a terminal
 * (commander wraps help to a terminal's width, else to 80 columns), no colour is asked for or
 * refused in the environment, and the bundle is the one that would run (no tsc build since).
 */
function plainHelp() {
  try {
    if (fstatSync(1).isCharacterDevice() || 'FORCE_COLOR' in process.env || 'NO_COLOR' in process.env || 'CLICOLOR_FORCE' in process.env) return undefined;
    const text = new URL('../dist/bundle/cli/help.txt', import.meta.url);
    const made = statSync(text, { throwIfNoEntry: false });
    const bundled = statSync(bundle, { throwIfNoEntry: false });
    if (!made || !bundled || made.mtimeMs < bundled.mtimeMs || bundled.mtimeMs < (statSync(compiled, { throwIfNoEntry: false })?.mtimeMs ?? 0)) return undefined;
    return readFileSync(text, 'utf8') || undefined;
  } catch (e) {
    // No standard output (closed) or no readable help.txt: the command line makes the help.
    if (['EBADF', 'ENOENT', 'EACCES', 'EPERM', 'EISDIR'].includes(e?.code)) return undefined;
    throw e;
  }
}
