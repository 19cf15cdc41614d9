import { disagreements } from '../../api/analyses.js';
import { meetingTranscripts, type Disagreement } from '../../core/agreement/reconcile.js';
import { attribution } from '../../core/study/attribution.js';
import { escapeMarkdown, markdownCode } from '../../core/format/escape.js';
import { renderDelimitedPieces, renderTerminalPieces, type Cell, type Table } from '../../core/format/table.js';
import { jsonArrayPieces } from '../../core/format/json.js';
import type { Study } from '../../core/study/types.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { beforeSinceNote, plural } from '../report.js';
import { append } from '../../core/arrays.js';

/** qualwave disagreements: every segment where the coders differ on a code, for the coders' meeting. */
export async function run(ctx: Ctx<'disagreements'>): Promise<number> {
  const format = ctx.format;
  const study = await ctx.study();
  const waves = ctx.opts.wave;
  const where = ctx.opts.where;
  const { coders, list, beforeSince } = disagreements(study, { ...(ctx.opts.coders ? { coders: ctx.opts.coders } : {}), ...(ctx.opts.code ? { codes: ctx.opts.code } : {}), ...(waves ? { waves } : {}), where });
  // Written a few hundred disagreements at a time (each made into its output as it comes): the
  // same bytes as the whole at once.
  if (format === 'json') {
    await ctx.emitTextPieces(jsonArrayPieces(inRuns(list, (d) => ({ ...d, lines: lines(d), segment: d.segment.id, speaker: d.segment.speaker, text: d.segment.text, attribution: attr(study, d) }))));
  } else if (format === 'md') {
    ctx.emit(markdown(study, list, coders));
  } else if (format === 'csv' || format === 'tsv') {
    const t = decisionsTemplate([], coders);
    await ctx.emitTextPieces(renderDelimitedPieces({ columns: t.columns, runs: inRuns(list, (d) => decisionsTemplate([d], coders).rows[0]!) }, format === 'csv' ? ',' : '\t'));
  } else {
    // The columns' widths from a first pass over the rows, then the lines (renderTerminalPieces).
    const row = (d: Disagreement): Cell[] => [d.code, `${d.file}:${lines(d)}`, ...d.coders.map((c) => (c.applied ? '✓' : '·')), d.segment.text.replace(/\s+/g, ' ')];
    const table = {
      columns: [{ header: 'code' }, { header: 'where' }, ...coders.map((c) => ({ header: c, align: 'center' as const })), { header: 'text' }],
      rows: () => inRuns(list, row),
    };
    await ctx.emitTextPieces(renderTerminalPieces(table, ctx.width ? { maxWidth: ctx.width } : {}));
  }
  const skipped = meetingTranscripts(study, { coders, ...(waves ? { waves } : {}), where }).excluded.filter((e) => e.reason !== 'no compared coder coded or finished it');
  if (skipped.length > 0)
    ctx.info(
      ctx.err.yellow(
        `${plural(skipped.length, 'transcript')} left out because a coder neither coded nor finished ${skipped.length === 1 ? 'it' : 'them'}: ${skipped
          .slice(0, 8)
          .map((e) => `${e.transcript} (${e.reason.replace(' neither coded nor finished it', '')})`)
          .join(', ')}${skipped.length > 8 ? ', …' : ''} (mark a transcript read with nothing to code: qualwave code P W --coder NAME --done)`,
      ),
    );
  if (beforeSince.length > 0) ctx.info(ctx.err.yellow(beforeSinceNote(beforeSince, 'left out')));
  const codesInvolved = new Set(list.map((d) => d.code)).size;
  ctx.info(`${plural(list.length, 'disagreement')} on ${plural(codesInvolved, 'code')} between ${coders.join(', ')}`);
  return EXIT.ok;
}

/** `list` made into its output a few hundred at a time. */
function* inRuns<T>(list: readonly Disagreement[], f: (d: Disagreement) => T): Generator<T[]> {
  for (let i = 0; i < list.length; i += 500) yield list.slice(i, i + 500).map(f);
}

function lines(d: Disagreement): string {
  return d.segment.startLine === d.segment.endLine ? String(d.segment.startLine) : `${d.segment.startLine}-${d.segment.endLine}`;
}

/** Each disagreement's attribution (the documents and participants looked up by id, found once per study). */
const lookups = new WeakMap<Study, { docs: Map<string, Study['documents'][number]>; people: Map<string, Study['participants'][number]> }>();
function attr(study: Study, d: Disagreement): string {
  let l = lookups.get(study);
  if (!l) {
    // The first of each id, as find() took it.
    const docs = new Map<string, Study['documents'][number]>();
    for (const x of study.documents) if (!docs.has(`${x.participant}\u0000${x.wave}`)) docs.set(`${x.participant}\u0000${x.wave}`, x);
    const people = new Map<string, Study['participants'][number]>();
    for (const p of study.participants) if (!people.has(p.id)) people.set(p.id, p);
    lookups.set(study, (l = { docs, people }));
  }
  const doc = l.docs.get(`${d.participant}\u0000${d.wave}`)!;
  const speaking = d.segment.participant ?? d.participant;
  return attribution(study.config.attribution, study, doc, l.people.get(speaking), d.segment);
}

/** For the meeting: grouped by code, each passage quoted with what every coder did. */
function markdown(study: Study, list: Disagreement[], coders: string[]): string {
  // Passages, memos, labels and attributions are data: escaped, so nothing in them renders as
  // Markdown or HTML (a transcript's <script> shows as text in the meeting's document).
  const md = escapeMarkdown;
  const out: string[] = [`# Disagreements: ${coders.join(', ')}`, ''];
  if (list.length === 0) out.push('None: the coders agree on every code of every segment they both coded.');
  const labels = new Map(study.codebook.codes.map((c) => [c.id, c.label]));
  let current = '';
  for (const d of list) {
    if (d.code !== current) {
      current = d.code;
      const n = list.filter((x) => x.code === d.code).length;
      out.push(`## ${md(`${d.code}: ${labels.get(d.code) ?? ''}`)} (${n})`, '');
    }
    out.push(`**${md(attr(study, d))}**, ${markdownCode(`${d.file}:${lines(d)}`)}, ${md(d.segment.speaker ?? 'unlabelled')}`, '');
    append(
      out,
      d.segment.text.split(/\r?\n/).map((l) => `> ${md(l)}`),
    ).push('');
    for (const c of d.coders) {
      const what = c.applied ? `applied${c.exemplar ? ' (exemplar)' : ''}${c.coded ? ` to ${c.coded.map((x) => `“${x.text.replace(/\s*\n\s*/g, ' ')}” (${x.lines})`).join(', ')}` : ''}` : `not applied${c.otherCodes.length ? ` (used ${c.otherCodes.join(', ')})` : ''}`;
      out.push(`- ${md(c.coder)}: ${md(what)}${c.memo ? `; memo: ${md(c.memo.replace(/\s*\r?\n\s*/g, ' '))}` : ''}`);
    }
    out.push('- decision: ', '');
  }
  return out.join('\n');
}

/** CSV for a spreadsheet, and the decisions file for `reconcile --decisions` once filled in. */
export function decisionsTemplate(list: Disagreement[], coders: string[]): Table {
  return {
    columns: ['code', 'participant', 'wave', 'lines', 'file', 'speaker', 'text', ...coders, ...coders.map((c) => `${c}_memo`), 'decision'].map((header) => ({ header })),
    rows: list.map((d) => [d.code, d.participant, d.wave, lines(d), d.file, d.segment.speaker ?? '', d.segment.text, ...d.coders.map((c) => (c.applied ? 'yes' : 'no')), ...d.coders.map((c) => c.memo ?? ''), '']),
  };
}
