import { decisionKey, meetingTranscripts, reconcile } from '../../core/agreement/reconcile.js';
import { withHashes } from '../../core/coding/edit.js';
import { codersCodings } from '../../core/coding/table.js';
import { CONSENSUS_CODER, isCoderName, type Finished } from '../../core/coding/types.js';
import { error, type Diagnostic } from '../../core/diagnostics/diagnostic.js';
import type { Study } from '../../core/study/types.js';
import { readTable } from '../../core/format/read-table.js';
import { didYouMeanSuffix } from '../../core/text/suggest.js';
import { codingsFile, saveCodings } from '../../io/codings.js';
import { formatSpan } from '../../core/coding/span.js';
import type { Ctx } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { selectCoders } from '../../api/analyses.js';
import { beforeSinceNote, formatDiagnostics, plural } from '../report.js';

const YES = new Set(['apply', 'applied', 'yes', 'y', '1', 'true', 'keep', '✓', 'x']);
const NO = new Set(['reject', 'rejected', 'no', 'n', '0', 'false', 'drop', 'remove', '-']);

/** The decisions file: the CSV of `qualwave disagreements --format csv` with `decision` filled in. */
function readDecisions(ctx: Ctx<'reconcile'>, study: Study, file: string): { decisions: Map<string, boolean>; diagnostics: Diagnostic[] } {
  const decisions = new Map<string, boolean>();
  const input = ctx.input(file);
  const read = readTable(input.bytes, input.name, { hint: 'the decisions file is the CSV of qualwave disagreements --format csv with its decision column filled in' });
  if (!read.table) return { decisions, diagnostics: [read.diagnostic] };
  file = input.name;
  const diagnostics: Diagnostic[] = [];
  const header = read.table.header.map((h) => h.trim().toLowerCase());
  const need = ['code', 'participant', 'wave', 'lines', 'decision'];
  const missing = need.filter((n) => !header.includes(n));
  if (missing.length) return { decisions, diagnostics: [error(file, 1, `the header lacks ${missing.join(', ')}`, 'start from: qualwave disagreements --format csv > decisions.csv, then fill in the decision column')] };
  for (const { cells: record, line } of read.table.rows) {
    const info = { lines: line };
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
export async function run(ctx: Ctx<'reconcile'>): Promise<number> {
  const study = await ctx.study();
  const coders = selectCoders(study, ctx.opts.coders);
  const into = String(ctx.opts.into ?? CONSENSUS_CODER);
  if (!isCoderName(into)) throw new UsageError(`--into ${into}: not a usable coder name`);
  if (coders.includes(into)) throw new UsageError(`--into ${into} is one of the coders being reconciled`, `write the consensus to another coder, e.g. --into ${CONSENSUS_CODER}`);
  const rule = ctx.opts.rule;
  let decisions: Map<string, boolean> | undefined;
  if (ctx.opts.decisions !== undefined) {
    const read = readDecisions(ctx, study, String(ctx.opts.decisions));
    if (read.diagnostics.length > 0) {
      ctx.stderr(formatDiagnostics(read.diagnostics, { color: ctx.err }));
      ctx.stderr(ctx.err.red('nothing written: fix the decisions above\n'));
      return EXIT.badInput;
    }
    decisions = read.decisions;
  }
  if (decisions !== undefined && decisions.size === 0) {
    ctx.info(ctx.err.red(`${String(ctx.opts.decisions)} decides nothing: every decision cell is empty; nothing written`));
    ctx.info('  fill in the decision column at the meeting (apply or reject), then run reconcile again');
    return EXIT.checkFailed;
  }
  const result = reconcile(study, { coders, into, ...(rule ? { rule } : {}), ...(decisions ? { decisions } : {}) });
  if (decisions !== undefined && result.decided === 0) {
    ctx.info(ctx.err.red(`${String(ctx.opts.decisions)} decides nothing: none of its ${plural(decisions.size, 'decision')} matches a disagreement of ${coders.join(', ')} (already agreed, or the codings changed); nothing written`));
    return EXIT.checkFailed;
  }
  const skipped = meetingTranscripts(study, { coders }).excluded.filter((e) => e.reason !== 'no compared coder coded or finished it');
  if (skipped.length > 0)
    ctx.info(
      ctx.err.yellow(
        `${plural(skipped.length, 'transcript')} not reconciled because a coder neither coded nor finished ${skipped.length === 1 ? 'it' : 'them'}: ${skipped
          .slice(0, 8)
          .map((e) => `${e.transcript} (${e.reason.replace(' neither coded nor finished it', '')})`)
          .join(', ')}${skipped.length > 8 ? ', …' : ''}`,
      ),
    );
  // Documents not every coder has coded keep whatever the consensus coder already had there.
  const reconciled = new Set(result.documents);
  const kept = codersCodings(study, new Set([into]), (participant, wave) => !reconciled.has(`${participant}/${wave}`));
  const dryRun = ctx.opts.dryRun === true;
  if (result.lost.length > 0 && ctx.opts.force !== true && !dryRun) {
    const sample = result.lost.slice(0, 5).map((c) => `${c.participant}/${c.wave}:${formatSpan(c)} ${c.code}`);
    ctx.info(ctx.err.red(`${codingsFile(into)} has ${plural(result.lost.length, 'coding')} this reconciliation would drop or change (${sample.join(', ')}${result.lost.length > 5 ? ', …' : ''}); nothing written`));
    ctx.info(`  hint: an existing consensus is kept where nothing new was decided; these go because of a decision, a rule, or because they are on passages no coder coded. Check with --dry-run --format json ("lost"), then add --force to replace them`);
    return EXIT.checkFailed;
  }
  // The reconciled transcripts are finished for the consensus coder (its marks elsewhere stay as they are on disk).
  const markReconciled = (current: Finished[]): Finished[] => [...current.filter((f) => !reconciled.has(`${f.participant}/${f.wave}`)), ...result.documents.map((id) => ({ coder: into, participant: id.slice(0, id.lastIndexOf('/')), wave: id.slice(id.lastIndexOf('/') + 1) }))];
  const made = result.codings.length;
  if (!dryRun) {
    // The list is let go once hashed (only its length is told): the codings written are the hashed copies.
    const codings = withHashes(study, [...kept, ...result.codings]);
    result.codings = [];
    saveCodings(study, new Map([[into, codings]]), new Map([[into, markReconciled]]));
  }
  const summary = {
    into,
    coders,
    codings: made,
    agreed: result.agreed,
    decided: result.decided,
    kept: result.kept,
    byRule: result.byRule,
    rule: rule ?? null,
    open: result.open.map((d) => ({ code: d.code, participant: d.participant, wave: d.wave, lines: `${d.segment.startLine}${d.segment.endLine > d.segment.startLine ? `-${d.segment.endLine}` : ''}`, file: d.file, applied: d.coders.filter((c) => c.applied).map((c) => c.coder) })),
    unusedDecisions: result.unused.length,
    lost: result.lost.map((c) => ({ participant: c.participant, wave: c.wave, lines: formatSpan(c), code: c.code })),
    widened: result.widened,
    beforeSince: result.beforeSince,
    notReconciled: skipped.map((e) => ({ transcript: e.transcript, reason: e.reason })),
  };
  if (ctx.opts.format === 'json') ctx.emit(JSON.stringify(summary, null, 2));
  ctx.info(
    `${dryRun ? 'would write' : 'wrote'} ${plural(made, 'coding')} for ${into} on the ${plural(result.documents.length, 'transcript')} every coder coded or finished (${codingsFile(into)}): ${result.agreed} agreed, ${result.decided} decided${result.kept ? `, ${result.kept} as the existing consensus had them` : ''}${rule ? `, ${result.byRule} by the ${rule} rule` : ''}${kept.length ? `; ${plural(kept.length, 'coding')} of ${into} on other transcripts kept` : ''}${result.lost.length ? `; ${plural(result.lost.length, 'existing coding')} ${dryRun ? 'would be replaced (that needs --force)' : 'replaced (--force)'}` : ''}`,
  );
  if (result.open.length > 0) ctx.info(ctx.err.yellow(`${plural(result.open.length, 'disagreement')} still open (left uncoded): settle them in a decisions file (qualwave disagreements --format csv) or with --rule`));
  if (result.widened.length > 0)
    ctx.info(
      ctx.err.yellow(
        `${plural(result.widened.length, 'coding')} applied to the whole segment because the coders marked different exact spans in it: ${result.widened
          .slice(0, 5)
          .map((w) => `${w.participant}/${w.wave}:${w.lines} ${w.code}`)
          .join(', ')}${result.widened.length > 5 ? ', …' : ''} (--format json lists them under "widened"; narrow them with qualwave code if need be)`,
      ),
    );
  if (result.beforeSince.length > 0) ctx.info(ctx.err.yellow(beforeSinceNote(result.beforeSince, `not settled (${into} keeps what it had there)`)));
  if (result.unused.length > 0) ctx.info(ctx.err.yellow(`${plural(result.unused.length, 'decision')} matched no disagreement (already agreed, or the codings changed)`));
  return EXIT.ok;
}
