import { existsSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseCodebookFile } from '../../core/codebook/parse.js';
import { didYouMeanSuffix } from '../../core/text/suggest.js';
import { EXAMPLES, exampleFiles, examplePaths, packageRoot, starterCodebooks } from '../../io/package.js';
import { createFiles, makeFolder } from '../../io/write.js';
import type { Ctx } from '../context.js';
import { UsageError } from '../errors.js';

/**
 * qualwave init [DIR]: scaffold a study folder. Refuses to touch an existing study; writes nothing
 * if any target file already exists; removes what it wrote if writing fails half-way.
 */
export async function run(ctx: Ctx<'init'>, dirArg: string): Promise<number> {
  const names = starterCodebooks();
  if (ctx.opts.list) {
    const root = packageRoot();
    const rows = names.map((n) => {
      const { meta } = parseCodebookFile(n, readFileSync(join(root, 'codebooks', `${n}.yaml`), 'utf8'));
      return `${n.padEnd(24)} ${meta.title}`;
    });
    ctx.emit(rows.join('\n'));
    return 0;
  }
  if (ctx.opts.example !== undefined) return example(ctx, ctx.opts.example, dirArg);
  const codebook = ctx.opts.codebook;
  if (!names.includes(codebook)) {
    throw new UsageError(`no starter codebook '${codebook}'${didYouMeanSuffix(codebook, names)}`, `available: ${names.join(', ')} (qualwave init --list)`);
  }
  const dir = resolve(ctx.cwd, dirArg);
  const shown = relative(ctx.cwd, dir) || '.';
  if (existsSync(join(dir, 'qualwave.yaml'))) {
    throw new UsageError(`${shown} already holds a study (qualwave.yaml)`, 'choose a new folder, or edit the existing qualwave.yaml');
  }
  const title = ctx.opts.title ?? titleFrom(basename(dir));
  const templates = join(packageRoot(), 'templates', 'init');
  const files: Array<[string, string]> = [
    ['qualwave.yaml', fill(readFileSync(join(templates, 'qualwave.yaml'), 'utf8'), { title: yamlString(title), codebook })],
    ['participants.csv', readFileSync(join(templates, 'participants.csv'), 'utf8')],
    [`codebooks/${codebook}.yaml`, readFileSync(join(packageRoot(), 'codebooks', `${codebook}.yaml`), 'utf8')],
    ['transcripts/P01_pre.txt', readFileSync(join(templates, 'P01_pre.txt'), 'utf8')],
  ];
  const clash = files.map(([f]) => f).filter((f) => existsSync(join(dir, f)));
  if (clash.length > 0) throw new UsageError(`${shown} already has ${clash.join(', ')}`, 'choose an empty folder; init never overwrites files');

  // Written new (never over a file), all or nothing: what was made is removed again on failure.
  createFiles(dir, files);
  if (!existsSync(join(dir, 'codings'))) makeFolder(join(dir, 'codings'));
  ctx.info(`created study '${title}' in ${shown}:`);
  for (const [f] of files) ctx.info(`  ${join(shown, f)}`);
  ctx.info(`next: edit ${join(shown, 'qualwave.yaml')}, add transcripts, then run: qualwave validate ${shown}`);
  return 0;
}

/**
 * qualwave init --example NAME DIR: a copy of an example study the package ships, byte for byte
 * (its tables, figures and report included, so that `qualwave build` finds them up to date), in a
 * new or empty folder, never over a file.
 */
function example(ctx: Ctx<'init'>, name: string, dirArg: string): number {
  const names = Object.keys(EXAMPLES);
  if (!EXAMPLES[name]) throw new UsageError(`no example study '${name}'${didYouMeanSuffix(name, names)}`, `examples: ${names.map((n) => `${n} (${EXAMPLES[n]!.what})`).join('; ')}`);
  if (ctx.opts.title !== undefined || ctx.given.has('codebook')) throw new UsageError('--example copies a whole study: it takes no --title or --codebook', 'leave them out');
  const dir = resolve(ctx.cwd, dirArg);
  const shown = relative(ctx.cwd, dir) || '.';
  if (existsSync(join(dir, 'qualwave.yaml'))) throw new UsageError(`${shown} already holds a study (qualwave.yaml)`, 'choose a new folder');
  const files = exampleFiles(name);
  const clash = files.map(([f]) => f).filter((f) => existsSync(join(dir, f)));
  if (clash.length > 0) throw new UsageError(`${shown} already has ${clash.slice(0, 5).join(', ')}${clash.length > 5 ? `, … (${clash.length})` : ''}`, 'choose an empty folder; init never overwrites files');
  createFiles(dir, files);
  if (name === 'tutorial') {
    ctx.info(`copied the tutorial's files (${files.length}: ${examplePaths(name).join(', ')}) to ${shown}`);
    ctx.info(`next: cd ${shown}, then the README's tutorial from step 1 (cp -r fixtures/buddy-study my-buddy)`);
  } else {
    ctx.info(`copied the example study '${name}' (${files.length} files) to ${shown}`);
    ctx.info(`next: cd ${shown} && qualwave validate   (the README's tutorial starts there)`);
  }
  return 0;
}

function titleFrom(folder: string): string {
  const words = folder.replace(/[-_]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : 'My study';
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => values[k] ?? '');
}

/** A YAML scalar for any title (quoted, with JSON escaping, which YAML accepts). */
function yamlString(s: string): string {
  return JSON.stringify(s);
}
