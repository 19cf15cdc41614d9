#!/usr/bin/env node
// Runs the compiled CLI (Node 20 cannot run the TypeScript sources). Build with: npm run build
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isatty } from 'node:tty';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
// The bundle (scripts/bundle.js: the same code in a few files, which loads faster), unless tsc has
// compiled dist/src since it was made (tsc alone rewrites every file): then the compiled modules.
const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
const bundle = new URL('../dist/bundle/cli/main.js', import.meta.url);
const script = new URL('../dist/bundle/cli/main.cjs', import.meta.url);
let help;
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // The version needs no command-line framework: answer before loading one.
  process.stdout.write(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version + '\n');
} else if (isHelp(args) && (help = plainHelp(args.length === 1 ? 'help.txt' : `help/${args.slice(0, -1).join('.')}.txt`)) !== undefined) {
  process.stdout.write(help);
} else {
  const bundled = statSync(bundle, { throwIfNoEntry: false });
  const main = bundled && !(bundled.mtimeMs < (statSync(compiled, { throwIfNoEntry: false })?.mtimeMs ?? 0)) ? bundle : compiled;
  if (!existsSync(main)) {
    process.stderr.write('qualwave: the compiled CLI is missing (dist/). Run: npm run build\n');
    process.exit(2);
  }
  // The bundle as one script with its code cache, when the build made it with the bundle;
  // else require() of the ES module graph: read synchronously, faster to start than import().
  const one = main === bundle ? statSync(script, { throwIfNoEntry: false }) : undefined;
  if (one && !(one.mtimeMs < bundled.mtimeMs)) await cachedScript(script);
  else await createRequire(import.meta.url)(main.pathname).start();
  await exitWhenFlushed();
}

/**
 * The command is done (every piece of its work awaited): exit once what was written to stdout and
 * stderr has been taken, with the command's exit code. Left to itself, Node would first wait for
 * V8's background compile jobs still running and tear the heap down (13-43 ms of a 0.3 s warm
 * command). process.exit still runs the 'exit' handlers (src/io/lock.ts releases held locks there).
 */
async function exitWhenFlushed() {
  for (const stream of [process.stdout, process.stderr]) {
    // A stream already closed (a reader that stopped early: main.ts's EPIPE handler) has nothing to flush.
    if (stream.destroyed || stream.writableEnded) continue;
    await new Promise((resolve) => stream.write('', resolve));
  }
  process.exit(process.exitCode ?? 0);
}

/**
 * Run main.cjs (scripts/bundle.js) compiled with main.cjs.cache, the code V8 made of it when the
 * build ran a command: its first 8 bytes are the length and CRC-32 of the script it was made from,
 * and it is used only for those bytes (V8 itself refuses a cache of another version or flags).
 * Without it, or refused, the script is compiled as any. QUALWAVE_WRITE_CODE_CACHE=1 (the build
 * only) writes the cache once the command (and those of QUALWAVE_CODE_CACHE_RUNS) is done.
 */
async function cachedScript(url) {
  // (Loaded here: --version and --help need neither.)
  const require = createRequire(import.meta.url);
  const { Script } = require('node:vm');
  const { crc32 } = require('node:zlib');
  const file = fileURLToPath(url);
  const bytes = readFileSync(file);
  const sum = Buffer.alloc(8);
  sum.writeUInt32LE(bytes.length, 0);
  sum.writeUInt32LE(crc32(bytes), 4);
  const cacheFile = `${file}.cache`;
  let cachedData;
  try {
    const cache = readFileSync(cacheFile);
    if (cache.length > 8 && cache.subarray(0, 8).equals(sum)) cachedData = cache.subarray(8);
  } catch (e) {
    if (!['ENOENT', 'EACCES', 'EPERM', 'EISDIR'].includes(e?.code)) throw e;
  }
  const code = new Script(`(function (exports, require, module, __filename, __dirname, __qualwaveImport) {${bytes.toString('utf8')}\n})`, { filename: url.href, cachedData });
  const module = { exports: {} };
  code.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file), (specifier) => import(specifier));
  await module.exports.start();
  if (process.env.QUALWAVE_WRITE_CODE_CACHE === '1') {
    // More commands first, in this process (QUALWAVE_CODE_CACHE_RUNS: a JSON list of command lines), so that the cache holds their code too.
    for (const argv of JSON.parse(process.env.QUALWAVE_CODE_CACHE_RUNS ?? '[]')) await module.exports.runCommand(argv);
    writeFileSync(cacheFile, Buffer.concat([sum, code.createCachedData()]));
  }
}

/**
 * `qualwave --help` or `qualwave COMMAND [SUBCOMMAND] --help` (or -h), nothing else: a help the
 * build may have kept.
 */
function isHelp(argv) {
  const last = argv[argv.length - 1];
  return argv.length >= 1 && argv.length <= 3 && (last === '--help' || last === '-h') && argv.slice(0, -1).every((w) => /^[a-z][a-z-]*$/.test(w));
}

/**
 * A help as the bundle printed it into a pipe when it was built (dist/bundle/cli/help.txt, and
 * help/COMMAND[.SUBCOMMAND].txt for each command: scripts/bundle.js), when this process would
 * print the same bytes: its output is not a terminal (commander wraps help to a terminal's width,
 * else to 80 columns), no colour is asked for or refused in the environment, and the bundle is the
 * one that would run (no tsc build since). A command the build kept no help for (a typo) is
 * answered by the command line, as before.
 */
function plainHelp(file) {
  try {
    if (isatty(1) || 'FORCE_COLOR' in process.env || 'NO_COLOR' in process.env || 'CLICOLOR_FORCE' in process.env) return undefined;
    const text = new URL(`../dist/bundle/cli/${file}`, import.meta.url);
    const made = statSync(text, { throwIfNoEntry: false });
    const bundled = statSync(bundle, { throwIfNoEntry: false });
    if (!made || !bundled || made.mtimeMs < bundled.mtimeMs || bundled.mtimeMs < (statSync(compiled, { throwIfNoEntry: false })?.mtimeMs ?? 0)) return undefined;
    return readFileSync(text, 'utf8') || undefined;
  } catch (e) {
    // No standard output (closed) or no readable help.txt: the command line makes the help.
    if (['EBADF', 'ENOENT', 'ENOTDIR', 'EACCES', 'EPERM', 'EISDIR'].includes(e?.code)) return undefined;
    throw e;
  }
}
