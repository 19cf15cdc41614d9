import { autocode, type Matcher } from '../../core/coding/autocode.js';
import { withHashes } from '../../core/coding/edit.js';
import { coderCodingCount } from '../../core/coding/table.js';
import { AUTO_CODER, isCoderName } from '../../core/coding/types.js';
import { renderDelimited, renderMarkdown, renderTerminal, type Table } from '../../core/format/table.js';
import { codingsFile, saveCodings } from '../../io/codings.js';
import { loadStemmer, STEMMER_LANGUAGES } from '../../io/stemmer.js';
import type { AnyCtx, Ctx } from '../context.js';
import type { Study } from '../../core/study/types.js';
import { EXIT, InputError, UsageError } from '../errors.js';
import { plural } from '../report.js';

/**
 * The codebook's patterns checked: one that could backtrack without end is refused (file:line,
 * then an InputError ending with `consequence`) or run by the linear-time engine (returned).
 */
export async function patternMatchers(ctx: AnyCtx, study: Study, consequence: string): Promise<{ linear: Map<string, Matcher>; literals: ReadonlyMap<string, readonly string[]> }> {
  const { linearMatcher } = await import('../../core/coding/patterns.js');
  const { checkPatternsKept } = await import('../../io/pattern-verdicts.js');
  const checked = await checkPatternsKept(study.root, study.codebook);
  if (checked.diagnostics.length > 0) {
    ctx.printDiagnostics(study.root, checked.diagnostics);
    throw new InputError(`${plural(checked.diagnostics.length, 'pattern')} of the codebook refused; ${consequence}`);
  }
  const linear = new Map<string, Matcher>();
  for (const [p, engine] of checked.engines) if (engine === 'linear') linear.set(p, await linearMatcher(p));
  // The literals each pattern needs (patterns.ts): auto-coding tries a pattern only where one is.
  return { linear, literals: checked.literals };
}

/**
 * qualwave autocode: code every segment with the codebook's keywords and patterns, as the codings of
 * a machine coder (default `auto`), which the agreement command can compare with the humans.
 */
export async function run(ctx: Ctx<'autocode'>): Promise<number> {
  const format = ctx.format;
  const coder = String(ctx.opts.coder ?? AUTO_CODER).normalize('NFC');
  if (!isCoderName(coder)) throw new UsageError(`--coder ${coder}: not a usable coder name`);
  const study = await ctx.study();
  const stem = await loadStemmer(study.config.language);
  if (!stem) throw new UsageError(`no stemmer for the study language '${study.config.language}'`, `auto-coding supports: ${STEMMER_LANGUAGES.join(', ')} (set language: in qualwave.yaml)`);
  const existing = coderCodingCount(study, coder);
  const dryRun = ctx.opts.dryRun === true;
  if (!dryRun && coder !== AUTO_CODER && existing > 0 && ctx.opts.force !== true) {
    throw new UsageError(`${coder} already has ${plural(existing, 'coding')}, which auto-coding would replace`, `choose another --coder (default ${AUTO_CODER}), or add --force`);
  }
  const { linear, literals } = await patternMatchers(ctx, study, 'nothing was coded');
  const shown = ctx.progress('auto-coding');
  const result = autocode(study, stem, coder, linear, literals, (done, of) => shown.update(done, of));
  shown.done();
  const rows = study.codebook.codes.map((c) => [c.id, c.label, result.hits.get(c.id) ?? 0] as [string, string, number]);
  if (format === 'json') {
    ctx.emit(JSON.stringify({ coder, segments: result.segments, codings: result.codings.length, hits: Object.fromEntries(rows.map(([id, , n]) => [id, n])) }, null, 2));
  } else {
    const table: Table = { columns: [{ header: 'code' }, { header: 'label' }, { header: 'segments', align: 'right' }], rows };
    ctx.emit(format === 'md' ? renderMarkdown(table) : format === 'csv' || format === 'tsv' ? renderDelimited(table, format === 'csv' ? ',' : '\t') : renderTerminal(table, { style: { bold: (x) => ctx.out.bold(x), dim: (x) => ctx.out.dim(x) } }));
  }
  const none = rows.filter(([, , n]) => n === 0).map(([id]) => id);
  if (none.length > 0) ctx.info(ctx.err.yellow(`matched nothing: ${none.join(', ')} (add keywords or patterns to these codes)`));
  if (dryRun) {
    ctx.info(`dry run: would write ${plural(result.codings.length, 'coding')} on ${plural(result.segments, 'segment')} to ${codingsFile(coder)}`);
  } else {
    saveCodings(study, new Map([[coder, withHashes(study, result.codings)]]));
    ctx.info(`wrote ${plural(result.codings.length, 'coding')} on ${plural(result.segments, 'segment')} to ${codingsFile(coder)}${existing ? ` (replacing ${existing})` : ''}`);
  }
  return EXIT.ok;
}
