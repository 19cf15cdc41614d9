import { addCodings, byCoder, withHashes } from '../../core/coding/edit.js';
import { interchangeCsvPieces, readInterchangeCsv } from '../../core/coding/interchange.js';
import { passages, type Passage, type Retrieved } from '../../core/coding/retrieve.js';
import { renderPassagesPieces } from '../../core/format/passages.js';
import { jsonArrayPieces } from '../../core/format/json.js';
import { tidyDelimitedPieces, tidyJsonLinesPieces, tidyTranscripts } from '../../core/coding/tidy.js';
import { renderDelimitedPieces, renderMarkdownPieces, renderTerminal, type Cell, type Table, type TableRuns } from '../../core/format/table.js';
import { decodeText } from '../../core/text/decode.js';
import type { Finished } from '../../core/coding/types.js';
import { codersCodings } from '../../core/coding/table.js';
import { updateStudy } from '../../io/codings.js';
import type { Coding } from '../../core/coding/types.js';
import type { Ctx } from '../context.js';
import { EXIT, InputError, UsageError } from '../errors.js';
import { checkFilters, codingRuns } from '../../api/analyses.js';
import { formatFromExtension } from '../options/parse.js';
import { loadStudy } from '../../io/load-study.js';
import { reanchorStudy } from '../../io/reanchor.js';
import { formatDiagnostics, plural } from '../report.js';
import { refuseUnlessPseudonymised } from '../pseudonymised.js';

/** One coder (--coder) or several (--coders): whose codings; both is a usage error. */
function coderFilter(o: { coder?: string | undefined; coders?: string[] | undefined }): string[] | undefined {
  if (o.coder !== undefined && o.coders !== undefined) throw new UsageError('give --coder NAME (one coder) or --coders A,B (several), not both');
  if (o.coder?.includes(',')) throw new UsageError(`--coder ${o.coder}: one coder; for several, use --coders ${o.coder}`);
  return o.coder !== undefined ? [o.coder] : o.coders;
}

/** qualwave codings [filters]: coded passages with their text, attribution and file:line. */
export async function run(ctx: Ctx<'codings list'>): Promise<number> {
  const o = ctx.opts;
  const study = await ctx.study();
  const coders = coderFilter(o);
  if (coders) checkFilters(study, { coders }, { coders: o.coder !== undefined ? '--coder' : '--coders' });
  // Written one transcript's rows at a time (each text read for its rows and let go): the same
  // bytes as the whole listing at once, which for a big study's JSON is longer than a string can be.
  let codingCount = 0;
  let passageCount = 0;
  // The filters checked here, before anything is written.
  const listed = codingRuns(study, { ...(o.code ? { codes: o.code } : {}), ...(o.wave ? { waves: o.wave } : {}), ...(o.participant ? { participants: o.participant } : {}), ...(coders ? { coders } : {}), where: o.where, ...(o.speaker ? { speaker: o.speaker } : {}) });
  const runs = (function* (): Generator<{ rows: Retrieved[]; passages: Passage[] }> {
    for (const rows of listed) {
      // A passage is one transcript's: counted a transcript at a time.
      const list = passages(rows);
      codingCount += rows.length;
      passageCount += list.length;
      yield { rows, passages: list };
    }
  })();
  const rows = mapRuns(runs, (run) => run.rows);
  if (o.format === 'json') {
    await ctx.emitTextPieces(jsonArrayPieces(rows));
  } else if (o.format === 'csv' || o.format === 'tsv') {
    await ctx.emitTextPieces(renderDelimitedPieces(retrievedTable(rows, false), o.format === 'csv' ? ',' : '\t'));
  } else if (o.format === 'md') {
    await ctx.emitTextPieces(renderMarkdownPieces(retrievedTable(rows, true)));
  } else {
    // One entry per passage (the codings of several coders together), the text whole, wrapped to
    // the terminal (80 columns when the output is not one).
    const style = { bold: (x: string) => ctx.out.bold(x), dim: (x: string) => ctx.out.dim(x) };
    await ctx.emitTextPieces(
      renderPassagesPieces(
        mapRuns(runs, (run) => run.passages),
        { width: ctx.width ?? 80, style },
      ),
    );
  }
  ctx.info(`${plural(codingCount, 'coding')} on ${plural(passageCount, 'passage')}`);
  return EXIT.ok;
}

/** The listing as a table (md, csv, tsv), its rows a transcript's at a time. */
function retrievedTable(runs: Iterable<readonly Retrieved[]>, compact: boolean): TableRuns {
  if (compact) {
    return {
      columns: [{ header: 'where' }, { header: 'attribution' }, { header: 'coder' }, { header: 'code' }, { header: 'text' }],
      runs: mapRuns(runs, (run) => run.map((r) => [`${r.file}:${r.lines}`, r.attribution, r.coder, r.exemplar ? `${r.code} *` : r.code, r.text.replace(/\s+/g, ' ')])),
    };
  }
  return {
    columns: ['coder', 'participant', 'wave', 'start_line', 'end_line', 'start_col', 'end_col', 'code', 'theme', 'speaker', 'text', 'attribution', 'file', 'exemplar', 'memo'].map((header) => ({ header })),
    runs: mapRuns(runs, (run) => run.map((r): Cell[] => [r.coder, r.participant, r.wave, r.startLine, r.endLine, r.lines.includes(':') ? r.start.column : '', r.lines.includes(':') ? r.end.column : '', r.code, r.theme, r.speaker ?? '', r.text, r.attribution, r.file, r.exemplar ? 'yes' : '', r.memo ?? ''])),
  };
}

/** Each run (one transcript's) made into what a renderer takes, as it comes. */
function* mapRuns<T, U>(runs: Iterable<T>, f: (run: T) => U): Generator<U> {
  for (const run of runs) yield f(run);
}

/** qualwave codings import FILE.csv [--skip-bad] */
export async function runImport(ctx: Ctx<'codings import'>, file: string): Promise<number> {
  const study = await ctx.study();
  const input = ctx.input(file);
  const decoded = decodeText(input.bytes, input.name);
  if (!decoded.ok) {
    ctx.stderr(formatDiagnostics([decoded.diagnostic], { color: ctx.err }));
    return EXIT.badInput;
  }
  const shown = ctx.progress('reading rows');
  const result = readInterchangeCsv(input.name, decoded.text, study, (done, of) => shown.update(done, of));
  shown.done();
  const skipBad = ctx.opts.skipBad === true;
  if (result.diagnostics.length > 0) {
    ctx.stderr(formatDiagnostics(result.diagnostics, { color: ctx.err, path: (f) => f }));
    if (!skipBad) {
      ctx.stderr(ctx.err.red(`nothing imported: fix the rows above, or import the good rows with --skip-bad\n`));
      return EXIT.badInput;
    }
  }
  // Added to each coder's file as it is on disk now (read again under the locks), all together.
  const perCoder = new Map<string, number>();
  const add = (groups: Map<string, Coding[]>): Map<string, Coding[]> => {
    perCoder.clear();
    // Each coder's new codings added in one go (one set of the coder's keys, not one per row).
    const incoming = new Map<string, Coding[]>();
    for (const c of withHashes(study, result.codings)) {
      let list = incoming.get(c.coder);
      if (!list) incoming.set(c.coder, (list = []));
      list.push(c);
    }
    for (const [coder, codings] of incoming) {
      let list = groups.get(coder);
      if (!list) groups.set(coder, (list = []));
      perCoder.set(coder, addCodings(list, codings));
    }
    return new Map([...groups].filter(([coder]) => (perCoder.get(coder) ?? 0) > 0));
  };
  const coders = new Set(result.codings.map((c) => c.coder));
  // The transcripts each coder has rows for were coded in the tool that exported them: mark them finished.
  let newlyFinished = 0;
  const markFinished =
    (coder: string) =>
    (current: Finished[]): Finished[] => {
      const have = new Set(current.map((f) => `${f.participant}/${f.wave}`));
      const next = [...current];
      for (const c of result.codings) {
        if (c.coder !== coder || have.has(`${c.participant}/${c.wave}`)) continue;
        have.add(`${c.participant}/${c.wave}`);
        next.push({ coder, participant: c.participant, wave: c.wave });
        newlyFinished++;
      }
      return next;
    };
  if (ctx.opts.dryRun === true) {
    add(new Map([...byCoder(study)].filter(([c]) => coders.has(c))));
    for (const coder of coders) markFinished(coder)(study.finished.filter((f) => f.coder === coder));
  } else updateStudy(study, coders, (current) => ({ codings: add(current), finished: new Map([...coders].map((c) => [c, markFinished(c)])) }));
  const added = [...perCoder.values()].reduce((a, b) => a + b, 0);
  const summary = [...perCoder]
    .filter(([, n]) => n > 0)
    .map(([coder, n]) => `${coder} +${n}`)
    .join(', ');
  ctx.info(`${ctx.opts.dryRun ? 'would import' : 'imported'} ${plural(added, 'coding')} from ${plural(result.rows, 'row')}${summary ? ` (${summary})` : ''}; ${result.codings.length - added} already present; ${plural(result.rows - result.codings.length, 'bad row')} skipped`);
  if (newlyFinished > 0) ctx.info(`${ctx.opts.dryRun ? 'would mark' : 'marked'} ${plural(newlyFinished, 'transcript')} finished (the coder has codings there in the import: uncoded text there means no code applies; take a mark off with qualwave code P W --coder NAME --not-done)`);
  return result.diagnostics.length > 0 ? EXIT.checkFailed : EXIT.ok;
}

/**
 * qualwave codings export [--coder ...]: the interchange CSV (what codings import reads back), or
 * with --format tidy the tidy table for R, Stata and pandas (core/coding/tidy.ts): CSV, or TSV or
 * JSON Lines by --format tidy-tsv / tidy-jsonl or the --output file's extension.
 */
export async function runExport(ctx: Ctx<'codings export'>): Promise<number> {
  let format = ctx.format;
  // --format tidy -o codings.tsv: the tidy table as the file's extension says.
  if (format === 'tidy') format = formatFromExtension(ctx.opts.output, ['tidy-tsv', 'tidy-jsonl'] as const) ?? 'tidy';
  const study = await ctx.study();
  await refuseUnlessPseudonymised(study, 'the codings export');
  const coders = coderFilter(ctx.opts);
  checkFilters(study, coders ? { coders } : {}, { coders: ctx.opts.coder !== undefined ? '--coder' : '--coders' });
  // Only the named coders' codings are made (study.codings would make every coder's first).
  const codings = coders ? codersCodings(study, new Set(coders)) : study.codings;
  const raw = ctx.opts.csvRaw === true;
  // Written one transcript's rows at a time (each text read for its rows and let go).
  if (format === 'csv') await ctx.emitTextPieces(interchangeCsvPieces(codings, study, { raw }));
  else {
    const tidy = tidyTranscripts(study, codings);
    await ctx.emitTextPieces(format === 'tidy-jsonl' ? tidyJsonLinesPieces(tidy) : tidyDelimitedPieces(tidy, format === 'tidy-tsv' ? '\t' : ',', { raw }));
  }
  ctx.info(`${plural(codings.length, 'coding')} exported${format === 'csv' ? '' : ' (tidy: one row per coding)'}`);
  return EXIT.ok;
}

/**
 * qualwave codings reanchor [--coder NAME] [--dry-run]: drifted codings moved to where their text
 * now is (io/reanchor.ts); the ones that cannot be placed listed and left as they are (exit 1).
 */
export async function runReanchor(ctx: Ctx<'codings reanchor'>): Promise<number> {
  const format = ctx.format;
  const root = ctx.studyRoot();
  ctx.recover(root);
  const { study, diagnostics } = await loadStudy(root, { allowOutside: ctx.opts.allowOutside === true });
  // Spans left outside their transcript by an edit are errors for every other command, not for this one.
  const blocking = diagnostics.filter((d) => d.severity === 'error' && d.kind !== 'drift');
  if (!study || blocking.length > 0) {
    ctx.printDiagnostics(root, blocking, { warnings: false });
    throw new InputError(`the study has ${plural(blocking.length, 'error')} other than drifted codings; fix them (qualwave validate lists every problem) and run again`);
  }
  const coders = coderFilter(ctx.opts);
  if (coders) checkFilters(study, { coders }, { coders: ctx.opts.coder !== undefined ? '--coder' : '--coders' });
  const dryRun = ctx.opts.dryRun;
  const report = reanchorStudy(study, { ...(coders ? { coders } : {}), dryRun });
  if (format === 'json') ctx.emit(JSON.stringify(report, null, 2));
  else if (report.rows.length > 0) {
    const table: Table = {
      columns: ['coding', 'code', 'transcript', 'from', 'to', 'how'].map((header) => ({ header })),
      rows: report.rows.map((r) => [r.source, r.code, r.file, r.from, r.to ?? '', r.how === 'fuzzy' ? `fuzzy, ${Math.floor(r.similarity! * 100)}% similar` : r.how === 'exact' ? 'exact' : `not placed: ${r.reason}`]),
    };
    ctx.emit(renderTerminal(table, ctx.width ? { maxWidth: ctx.width } : {}));
  }
  if (report.rows.length === 0) ctx.info('no drifted codings: every coding still marks the text it was made on');
  else {
    ctx.info(
      `${dryRun ? 'would move' : 'moved'} ${plural(report.moved, 'coding')} to where their text now is (exact, or fuzzy at ${Math.round(report.threshold * 100)}% similarity or more with no second place as close)${report.unplaced ? `; ${plural(report.unplaced, 'coding')} not placed, left as ${report.unplaced === 1 ? 'it was' : 'they were'}: re-code ${report.unplaced === 1 ? 'it' : 'them'} by hand (qualwave code)` : ''}`,
    );
    const without = new Set(report.rows.filter((r) => !report.withHistory.includes(r.file)).map((r) => r.file));
    if (without.size > 0) ctx.info(ctx.err.yellow(`no earlier version in git of ${[...without].slice(0, 5).join(', ')}${without.size > 5 ? ', …' : ''}: only codings whose text is unchanged could be moved there (commit transcripts and codings to let reanchor find edited text)`));
  }
  return report.unplaced > 0 ? EXIT.checkFailed : EXIT.ok;
}
