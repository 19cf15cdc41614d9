import { parse } from 'csv-parse/sync';
import { decisionKey, reconcile, type Rule } from '../../core/agreement/reconcile.js';
import { withHashes } from '../../core/coding/edit.js';
import { CODER_NAME, CONSENSUS_CODER } from '../../core/coding/types.js';
import { error, type Diagnostic } from '../../core/diagnostics/diagnostic.js';
import type { Study } from '../../core/study/types.js';
import { decodeText } from '../../core/text/decode.js';
import { didYouMeanSuffix } from '../../core/text/suggest.js';
import { codingsFile, saveCodings } from '../../io/codings.js';
import type { Context } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { readUserFile } from '../user-file.js';
import { selectCoders } from '../filters.js';
import { formatDiagnostics, plural } from '../report.js';

const YES = new Set(['apply', 'applied', 'yes', 'y', '1', 'true', 'keep', '✓', 'x']);
const NO = new Set(['reject', 'rejected', 'no', 'n', '0', 'false', 'drop', 'remove', '-']);

/** The decisions file: the CSV of `qualwave disagreements --format csv` with `decision` filled in. */
function readDecisions(ctx: Context, study: Study, file: string): { decisions: Map<string, boolean>; diagnostics: Diagnostic[] } {
  const decisions = new Map<string, boolean>();
  const diagnostics: Diagnostic[] = [];
  const d = decodeText(readUserFile(ctx, file), file);
  if (!d.ok) return { decisions, diagnostics: [d.diagnostic] };
  const text = d.text;
  const delimiter = text.slice(0, text.indexOf('\n')).includes('\t') ? '\t' : ',';
  const records = parse(text, { delimiter, info: true, bom: true, relax_column_count: true, skip_empty_lines: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  const header = (records[0]?.record ?? []).map((h) => h.trim().toLowerCase());
  const need = ['code', 'participant', 'wave', 'lines', 'decision'];
  const missing = need.filter((n) => !header.includes(n));
  if (missing.length) return { decisions, diagnostics: [error(file, 1, `the header lacks ${missing.join(', ')}`, 'start from: qualwave disagreements --format csv > decisions.csv, then fill in the decision column')] };
  for (const { record, info } of records.slice(1)) {
    const get = (n: string): string => (record[header.indexOf(n)] ?? '').trim();
    const decision = get('decision').toLowerCase();
    if (decision === '') continue;
    const code = get('code');
    const m = /^(\d+)(?:-\d+)?$/.exec(get('lines'));
    if (!YES.has(decision) && !NO.has(decision)) diagnostics.push(error(file, info.lines, `decision '${get('decision')}' is neither apply nor reject`, 'write apply (or yes) to keep the code on the passage, reject (or no) to leave it off; leave it empty if undecided'));
    else if (!study.codebook.byId.has(code)) diagnostics.push(error(file, info.lines, `unknown code '${code}'${didYouMeanSuffix(code, study.codebook.byId.keys())}`));
    else if (!m) diagnostics.push(error(file, info.lines, `lines '${get('lines')}' is not a line or a range`));
    else decisions.set(decisionKey(code, get('participant'), get('wave'), Number(m[1])), YES.has(decision));
  }
  return { decisions, diagnostics };
}

/** qualwave reconcile: the consensus coder's codings from the coders' agreements and the meeting's decisions. */
export async function run(ctx: Context): Promise<number> {
  const study = await ctx.study();
  const coders = selectCoders(study, ctx.opts['coders'] as string[] | undefined);
  const into = String(ctx.opts['into'] ?? CONSENSUS_CODER);
  if (!CODER_NAME.test(into)) throw new UsageError(`--into ${into}: not a usable coder name`);
  if (coders.includes(into)) throw new UsageError(`--into ${into} is one of the coders being reconciled`, `write the consensus to another coder, e.g. --into ${CONSENSUS_CODER}`);
  const rule = ctx.opts['rule'] as Rule | undefined;
  let decisions: Map<string, boolean> | undefined;
  if (ctx.opts['decisions'] !== undefined) {
    const read = readDecisions(ctx, study, String(ctx.opts['decisions']));
    if (read.diagnostics.length > 0) {
      process.stderr.write(formatDiagnostics(read.diagnostics, { color: ctx.err }));
      process.stderr.write(ctx.err.red('nothing written: fix the decisions above\n'));
      return EXIT.badInput;
    }
    decisions = read.decisions;
  }
  const result = reconcile(study, { coders, into, ...(rule ? { rule } : {}), ...(decisions ? { decisions } : {}) });
  // Documents not every coder has coded keep whatever the consensus coder already had there.
  const reconciled = new Set(result.documents);
  const kept = study.codings.filter((c) => c.coder === into && !reconciled.has(`${c.participant}/${c.wave}`));
  if (ctx.opts['dryRun'] !== true) saveCodings(study, new Map([[into, withHashes(study, [...kept, ...result.codings])]]));
  const summary = {
    into,
    coders,
    codings: result.codings.length,
    agreed: result.agreed,
    decided: result.decided,
    byRule: result.byRule,
    rule: rule ?? null,
    open: result.open.map((d) => ({ code: d.code, participant: d.participant, wave: d.wave, lines: `${d.segment.startLine}${d.segment.endLine > d.segment.startLine ? `-${d.segment.endLine}` : ''}`, file: d.file, applied: d.coders.filter((c) => c.applied).map((c) => c.coder) })),
    unusedDecisions: result.unused.length,
  };
  if (ctx.opts.format === 'json') ctx.emit(JSON.stringify(summary, null, 2));
  ctx.info(
    `${ctx.opts['dryRun'] ? 'would write' : 'wrote'} ${plural(result.codings.length, 'coding')} for ${into} on the ${plural(result.documents.length, 'transcript')} every coder coded (${codingsFile(into)}): ${result.agreed} agreed, ${result.decided} decided${rule ? `, ${result.byRule} by the ${rule} rule` : ''}${kept.length ? `; ${plural(kept.length, 'coding')} of ${into} on other transcripts kept` : ''}`,
  );
  if (result.open.length > 0) ctx.info(ctx.err.yellow(`${plural(result.open.length, 'disagreement')} still open (left uncoded): settle them in a decisions file (qualwave disagreements --format csv) or with --rule`));
  if (result.unused.length > 0) ctx.info(ctx.err.yellow(`${plural(result.unused.length, 'decision')} matched no disagreement (already agreed, or the codings changed)`));
  return EXIT.ok;
}
