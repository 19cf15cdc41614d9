import { extname } from 'node:path';
import { findQuotes, verifyQuotes, type Verdict } from '../../core/quotes/verify.js';
import { decodeText } from '../../core/text/decode.js';
import { readDocx } from '../../io/docx.js';
import type { Ctx } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { renderTable } from '../render.js';
import { plural } from '../report.js';

/** qualwave quotes verify DRAFT: every quotation in the draft, checked against the transcripts. */
export async function run(ctx: Ctx<'quotes verify'>, draftFile: string): Promise<number> {
  const format = ctx.format;
  const study = await ctx.study();
  const bytes = ctx.input(draftFile).bytes;
  let text: string;
  if (extname(draftFile).toLowerCase() === '.docx') {
    const r = await readDocx(bytes, draftFile);
    if (r.text === undefined) throw new UsageError(`${draftFile}: ${r.diagnostic?.message ?? 'cannot read'}`, r.diagnostic?.hint);
    text = r.text;
  } else {
    const d = decodeText(bytes, draftFile);
    if (!d.ok) throw new UsageError(`${draftFile}: ${d.diagnostic.message}`, d.diagnostic.hint);
    text = d.text;
  }
  const quotes = findQuotes(text, study);
  const verdicts = verifyQuotes(study, quotes);
  const rows = quotes.map((q, i) => ({ ...q, verdict: verdicts[i]! }));
  if (format === 'json') ctx.emit(JSON.stringify({ draft: draftFile, quotes: rows }, null, 2));
  else {
    const describe = (v: Verdict): string => (v.status === 'verified' ? `${v.file}:${v.line}` : v.status === 'misattributed' ? `found under ${v.participant} ${v.wave}: ${v.file}:${v.line}` : v.closest ? `closest: ${v.closest.file}:${v.closest.line} (similarity ${v.closest.similarity.toFixed(2)})` : '');
    ctx.emit(
      renderTable(
        ctx,
        {
          columns: [{ header: 'line', align: 'right' }, { header: 'attribution' }, { header: 'verdict' }, { header: 'where' }, { header: 'quote' }],
          rows: rows.map((r) => [r.line, r.attribution, r.verdict.status, describe(r.verdict), r.text.length > 60 && format === 'table' ? r.text.slice(0, 59) + '…' : r.text]),
        },
        format,
      ),
    );
  }
  const bad = rows.filter((r) => r.verdict.status !== 'verified');
  ctx.info(`${plural(rows.length, 'quote')} in ${draftFile}: ${rows.length - bad.length} verified${bad.length ? `, ${bad.length} not (${bad.map((r) => `line ${r.line}`).join(', ')})` : ''}`);
  return bad.length > 0 ? EXIT.checkFailed : EXIT.ok;
}
