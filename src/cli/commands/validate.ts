import { codingCount } from '../../core/coding/table.js';
import { hasErrors, sortDiagnostics, warning } from '../../core/diagnostics/diagnostic.js';
import { caseDiagnostics, readCaseSummaries } from '../../io/cases.js';
import { loadStudy } from '../../io/load-study.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { countLine, plural } from '../report.js';

/**
 * qualwave validate: load everything and report every problem at once (the case summaries in
 * cases/ too: their quotations are checked against the transcripts). Exit 2 on errors; with
 * --strict, exit 1 on warnings.
 */
export async function run(ctx: Ctx<'validate'>, studyArg?: string): Promise<number> {
  const format = ctx.format;
  const root = ctx.studyRoot(studyArg);
  ctx.recover(root);
  const loaded0 = await loadStudy(root, { allowOutside: ctx.opts.allowOutside === true });
  const study = loaded0.study;
  let diagnostics = loaded0.diagnostics;
  if (study) {
    // Patterns that could backtrack without end (checked here and by autocode, not on every load).
    const { checkPatternsKept } = await import('../../io/pattern-verdicts.js');
    const { diagnostics: refused } = await checkPatternsKept(study.root, study.codebook);
    if (refused.length > 0) diagnostics = [...refused, ...diagnostics];
  }
  // Case summaries (cases/*.md) are checked once the study itself is sound: their quotations against the transcripts.
  if (study && !hasErrors(diagnostics)) {
    const cases = await readCaseSummaries(study);
    if (cases.diagnostics.length || cases.summaries.size) diagnostics = sortDiagnostics([...diagnostics, ...cases.diagnostics, ...caseDiagnostics(cases.summaries)]);
  }
  // A study that requires pseudonymisation: whether exports and the report can be made now.
  if (study && !hasErrors(diagnostics)) {
    const { pseudonymisationProblem } = await import('../../io/pseudonymised.js');
    const p = await pseudonymisationProblem(study);
    if (p) diagnostics = sortDiagnostics([...diagnostics, warning(p.file, p.line, `exports and the report will be refused: ${p.reason}`, p.hint)]);
  }
  const errors = hasErrors(diagnostics);
  const strict = ctx.opts.strict === true;
  const code = errors ? EXIT.badInput : strict && diagnostics.length > 0 ? EXIT.checkFailed : EXIT.ok;
  const files = new Set(diagnostics.map((d) => d.file)).size;
  if (format === 'json') {
    const counts = { errors: diagnostics.filter((d) => d.severity === 'error').length, warnings: diagnostics.filter((d) => d.severity === 'warning').length };
    const loaded = study ? { participants: study.participants.length, waves: study.config.waves.length, documents: study.documents.length, segments: study.documents.reduce((n, d) => n + d.segmentList.length, 0), codes: study.codebook.codes.length, coders: study.coders, codings: codingCount(study) } : null;
    ctx.emit(JSON.stringify({ ok: code === EXIT.ok, ...counts, study: loaded, diagnostics }, null, 2));
    return code;
  }
  if (diagnostics.length > 0) {
    ctx.printDiagnostics(root, diagnostics);
  }
  const drift = diagnostics.filter((d) => d.kind === 'drift').length;
  if (drift > 0) ctx.info(ctx.err.yellow(`${plural(drift, 'coding')} drifted (${drift === 1 ? 'its transcript was' : 'their transcripts were'} edited after coding): run qualwave codings reanchor to move ${drift === 1 ? 'it' : 'them'} to where the text now is (--dry-run first)`));
  if (study && !errors) {
    const segs = study.documents.reduce((n, d) => n + d.segmentList.length, 0);
    const what = [
      plural(study.participants.length, 'participant'),
      plural(study.config.waves.length, 'wave'),
      plural(study.documents.length, 'transcript'),
      plural(segs, 'segment'),
      plural(study.codebook.codes.length, 'code'),
      plural(codingCount(study), 'coding') + (study.coders.length ? ` by ${study.coders.join(', ')}` : ''),
    ].join(', ');
    const verdict = diagnostics.length === 0 ? ctx.err.green('✓ no problems') : strict ? ctx.err.red(`✗ ${countLine(diagnostics, files)} (--strict)`) : ctx.err.yellow(`✓ no errors`);
    ctx.info(`${verdict}: ${study.config.title} (${what})`);
  } else if (diagnostics.length === 0) {
    ctx.info('✗ the study could not be loaded');
  }
  return code;
}
