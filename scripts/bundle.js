#!/usr/bin/env node
// npm run build, after tsc: the command line as few files (dist/bundle/cli/), which bin/qualwave.js runs.
// Start-up is mostly the loading of modules, and each file costs (resolve, stat, read, compile): a warm
// `summary` loaded about 180 of them (yaml alone is 72). esbuild joins the compiled dist/src/cli/main.js,
// what it imports and the pure-JavaScript libraries every command needs into one file per lazily
// imported command (the laziness stays: --help loads no command). The in-process API (dist/src/api)
// is not bundled; the other libraries stay in node_modules (some read their own files or load
// native code). The bundle sits three folders deep, as dist/src/cli/ does, so the package.json the
// modules find relative to themselves is the same one.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * The libraries joined into the bundle: pure JavaScript, loaded at start-up by most commands. Each
 * behaves the same bundled (tests/e2e/bundle.test.ts compares outputs). The pattern checks'
 * libraries stay in node_modules: bundled, scslre's check failed ("analyse is not a function").
 */
const BUNDLED = new Set(['yaml', 'commander', 'csv-parse', 'csv-stringify', 'picomatch', 'tinyglobby', 'fdir', 'chalk']);

const root = new URL('..', import.meta.url).pathname;

/**
 * What the bundle imports as 'yaml': what src uses of it, each loading the library on first use
 * (yaml.cjs beside the chunks). A function called with `new` that returns an object gives that
 * object, so `new LineCounter()` is the library's own; `instanceof YAMLError` asks the library's class.
 */
const LAZY_YAML = `
let yaml;
const lib = () => (yaml ??= require(new URL('./yaml.cjs', import.meta.url).pathname));
export function LineCounter() { return new (lib().LineCounter)(); }
export const parseDocument = (...a) => lib().parseDocument(...a);
export const parse = (...a) => lib().parse(...a);
export const stringify = (...a) => lib().stringify(...a);
export const isMap = (n) => lib().isMap(n);
export const isScalar = (n) => lib().isScalar(n);
export const isSeq = (n) => lib().isSeq(n);
export const YAMLError = { [Symbol.hasInstance]: (e) => e instanceof lib().YAMLError };
`;
const outdir = `${root}dist/bundle/cli`;
rmSync(outdir, { recursive: true, force: true });

const packageName = (specifier) => specifier.split('/', specifier.startsWith('@') ? 2 : 1).join('/');

/** The libraries bundled or left installed, and the lazy YAML (both builds below). */
const plugins = [
  {
    name: 'libraries-stay-installed',
    setup(b) {
      // The YAML library (some 40 modules to set up, 260 kB to compile) only when YAML is parsed:
      // a warm run takes the study's config and codebooks from the study index and loads none of
      // it. Every import of it goes through this module, which requires yaml.cjs (the library as
      // one file, made below) on first use.
      b.onResolve({ filter: /^yaml$/ }, () => ({ path: 'yaml', namespace: 'lazy-yaml' }));
      b.onLoad({ filter: /.*/, namespace: 'lazy-yaml' }, () => ({ contents: LAZY_YAML, loader: 'js' }));
      // fdir's ES module build loads picomatch with a require() of its own at run time (from
      // node_modules: 6 more files); its CommonJS build requires it where esbuild sees it.
      b.onResolve({ filter: /^fdir$/ }, () => ({ path: `${root}node_modules/fdir/dist/index.cjs` }));
      b.onResolve({ filter: /^[^./#]/ }, (args) => (args.path.startsWith('node:') || BUNDLED.has(packageName(args.path)) ? undefined : { path: args.path, external: true }));
    },
  },
];

await build({
  // The bootstrap's worker thread (io/bootstrap-workers.ts) loads beside the chunks: ./bootstrap-worker.js.
  entryPoints: { main: `${root}dist/src/cli/main.js`, 'bootstrap-worker': `${root}dist/src/io/bootstrap-worker.js` },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The bundled CommonJS libraries require Node's own modules: an ES module has no `require` of its own.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
  plugins,
});

// The YAML library as one CommonJS file, which the lazy 'yaml' above requires when YAML is first parsed.
await build({ entryPoints: [`${root}node_modules/yaml/dist/index.js`], outfile: `${outdir}/yaml.cjs`, bundle: true, format: 'cjs', platform: 'node', target: 'node20', legalComments: 'none', logLevel: 'warning' });

// The command line again as one CommonJS script (main.cjs), which bin/qualwave.js compiles with the
// code V8 made of it when a command ran (main.cjs.cache, below): start-up then compiles little of
// what a command runs. V8 keeps such a cache for classic scripts only (Node 20 has none for ES
// modules). The same modules; import.meta.url is the script's own URL, and a dynamic import() of
// an installed library is the binary's (a script compiled by node:vm cannot import by itself).
await build({
  entryPoints: { main: `${root}dist/src/cli/main.js` },
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  define: { 'import.meta.url': '__qualwaveUrl' },
  banner: { js: "'use strict';\nconst __qualwaveUrl = require('node:url').pathToFileURL(__filename).href;" },
  legalComments: 'none',
  logLevel: 'warning',
  plugins,
});
{
  const file = `${outdir}/main.cjs`;
  const text = readFileSync(file, 'utf8');
  // Every import() left is of an installed library (a string or template naming it; the modules'
  // own are bundled, their names only in comments and keys): as many as the ES module chunks have;
  // else (an import( elsewhere, in a string?) no script is kept and the binary runs the chunks.
  const dynamic = /(?<![\w$.])import\((?=["`](?!\.\/))/g;
  const chunks = readdirSync(outdir).filter((f) => f.endsWith('.js') && f !== 'bootstrap-worker.js');
  let expected = 0;
  for (const f of chunks) expected += (readFileSync(`${outdir}/${f}`, 'utf8').match(/(?<![\w$.])import\((?=["`](?!\.\/))/g) ?? []).length;
  const found = text.match(dynamic)?.length ?? 0;
  // Written in ASCII: esbuild escapes strings but leaves comments and regular expressions as they
  // are, and a script with one character beyond Latin-1 is held by V8 as two bytes a character,
  // twice the memory, read and scanned more slowly at each start. \uXXXX means the same in a
  // comment, a regular expression (with or without the u flag: a surrogate pair's two escapes are
  // its character) and a string; a String.raw template would not keep it: refused.
  const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== text && /String\.raw/.test(text)) throw new Error('bundle: main.cjs has String.raw and characters beyond ASCII: escaping them would change a template');
  if (found === expected) writeFileSync(file, ascii.replace(dynamic, '__qualwaveImport('));
  else {
    rmSync(file);
    process.stderr.write(`bundle: main.cjs not kept (${found} dynamic imports, the chunks have ${expected}): the binary runs the chunks\n`);
  }
}

// `qualwave --help`, and each command's `--help`, as the bundle just made prints them into a pipe
// (80 columns, no colour), kept beside the bundle: help.txt, and help/COMMAND.txt and
// help/COMMAND.SUBCOMMAND.txt for every command of the table and each group of subcommands.
// bin/qualwave.js prints the file when the output is not a terminal and the environment asks for
// no colour, instead of loading commander and the command table to make the same bytes again
// (start-up of --help: tests/e2e/bundle.test.ts checks that each is the same). Each is made by
// the binary as a user's would be, two at a time. The top-level help must be made; a command whose
// help fails or says anything on stderr is left out (the binary then makes its help at each run).
const env = { ...process.env };
for (const k of ['FORCE_COLOR', 'NO_COLOR', 'CLICOLOR_FORCE']) delete env[k];
{
  const { COMMANDS } = await import(`${root}dist/src/cli/options/commands.js`);
  const names = new Set(['']);
  for (const name of Object.keys(COMMANDS)) {
    const words = name.split(' ');
    for (let n = 1; n <= words.length; n++) names.add(words.slice(0, n).join(' '));
  }
  rmSync(`${outdir}/help`, { recursive: true, force: true });
  mkdirSync(`${outdir}/help`);
  const one = (name) =>
    new Promise((resolve, reject) => {
      const words = name === '' ? [] : name.split(' ');
      const child = spawn(process.execPath, [`${root}bin/qualwave.js`, ...words, '--help'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const out = [];
      const err = [];
      child.stdout.on('data', (b) => out.push(b));
      child.stderr.on('data', (b) => err.push(b));
      child.on('error', reject);
      child.on('close', (code) => {
        const text = Buffer.concat(out);
        if (code === 0 && err.length === 0 && text.length > 0) {
          writeFileSync(name === '' ? `${outdir}/help.txt` : `${outdir}/help/${words.join('.')}.txt`, text);
          resolve();
        } else if (name === '') reject(new Error(`bundle: qualwave --help failed (exit ${code}): ${Buffer.concat(err)}`));
        else {
          process.stderr.write(`bundle: qualwave ${name} --help exited ${code}${err.length ? `: ${Buffer.concat(err)}` : ''}; its help is made at each run\n`);
          resolve();
        }
      });
    });
  // The top-level help first: the commands' are made after it (each process of theirs finds it).
  await one('');
  names.delete('');
  const queue = [...names];
  await Promise.all(
    [0, 1].map(async () => {
      while (queue.length > 0) await one(queue.shift());
    }),
  );
}

// The code cache of main.cjs: V8's compiled code of what warm runs of the commands that answer
// from the study index ran (the index read, the study put together, the analyses, the tables),
// made by the binary on a copy of the example study. The
// binary uses it only for the bytes of main.cjs it was made from, and V8 only when its version
// and flags are the same; else main.cjs is compiled as any script.
// (Without the example study, as in a copy that lacks the fixtures, no cache: main.cjs is compiled at each run.)
if (readdirSync(outdir).includes('main.cjs') && existsSync(`${root}fixtures/buddy-study/qualwave.yaml`)) {
  const study = join(mkdtempSync(join(tmpdir(), 'qualwave-bundle-')), 'study');
  cpSync(`${root}fixtures/buddy-study`, study, { recursive: true, filter: (src) => !src.includes('.qualwave') });
  for (const write of ['', '1']) {
    const more = [['matrix', '--rows', 'code', '--value', 'segments'], ['codings', '--code', 'support.respite'], ['cooccurrence'], ['validate']].map((args) => [...args, '--study', study]);
    const r = spawnSync(process.execPath, [`${root}bin/qualwave.js`, 'summary', '--study', study], { env: { ...env, QUALWAVE_WRITE_CODE_CACHE: write, QUALWAVE_CODE_CACHE_RUNS: JSON.stringify(more) }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bundle: the code cache's run failed (exit ${r.status}): ${r.stderr}`);
  }
  rmSync(join(study, '..'), { recursive: true, force: true });
}
