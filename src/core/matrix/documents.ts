import { escapeMarkdown, terminalText } from '../format/escape.js';

/** User text for running Markdown: one line, no control characters, no markup. */
const md = (s: string): string => escapeMarkdown(terminalText(s, { oneLine: true }));
import { renderMarkdown } from '../format/table.js';
import { evidenceKey, type Evidence } from '../quotes/evidence.js';
import type { Quote } from '../quotes/select.js';
import { ANTICIPATION_STATUSES, type Anticipations } from './anticipation.js';
import { CHANGE_CATEGORIES, type ChangeMatrix } from './change.js';
import { anticipationSummaryTable, anticipationTable, changeTable, marks, MARKS_LEGEND } from './tables.js';
import { append } from '../arrays.js';

/**
 * The change matrix and anticipated-vs-experienced as Markdown documents: the table, then per
 * theme and category the participants behind each cell with their values across waves and one
 * attributed passage per wave they had it (the quote ranking's best for them), traceable to file:line.
 */
const where = (q: Quote) => `${q.file}:${q.lines}`;

function quoteLines(q: Quote | undefined, wave: string, indent = '  '): string[] {
  if (!q) return [`${indent}- ${md(wave)}: *coded, but no participant passage to quote*`];
  return [`${indent}- ${md(q.waveLabel)}:`, '', `${indent}  > ${md(q.text)} ${md(q.attribution)}`, '', `${indent}  <!-- ${where(q)} · ${q.segment} · ${q.codes.join(', ')} -->`, ''];
}

export function changeMarkdown(cm: ChangeMatrix, ev: Evidence | undefined, opts: { title: string; ids: boolean }): string {
  const out: string[] = [`# ${md(opts.title)}`, '', renderMarkdown(changeTable(cm, { ids: opts.ids, numeric: false }))];
  if (!ev) return out.join('\n');
  out.push(`Values across ${md(cm.waves.map((w) => w.id).join(', '))}: ${md(MARKS_LEGEND)}.`, '');
  for (const r of cm.rows) {
    out.push(`## ${md(r.label)}${r.level === 'sub-code' ? ` (\`${md(r.id)}\`)` : ''}`, '');
    for (const c of CHANGE_CATEGORIES) {
      const people = r.participants.filter((p) => p.category === c.id);
      if (people.length === 0) continue;
      out.push(`### ${md(c.label)} (${people.length})`, '');
      for (const p of people) {
        out.push(`- **${md(p.participant)}** ${md(marks(p.values))}${p.kind && p.kind !== c.label ? ` (${p.kind})` : ''}`);
        const present = cm.waves.filter((_, w) => p.values[w]! > 0);
        if (present.length) out.push('');
        for (const w of present) append(out, quoteLines(ev.get(evidenceKey(r.id, w.id, p.participant)), w.id));
      }
      out.push('');
    }
  }
  return out.join('\n');
}

export function anticipationMarkdown(a: Anticipations, ev: Evidence | undefined, opts: { title: string }): string {
  const out: string[] = [`# ${md(opts.title)}`, ''];
  if (a.pairs.length === 0) {
    out.push('*No code in the codebook says what it anticipates (add `anticipates: CODE` to the anticipation code).*', '');
    return out.join('\n');
  }
  out.push(renderMarkdown(anticipationSummaryTable(a, { numeric: false })), renderMarkdown(anticipationTable(a, { numeric: false })));
  if (!ev) return out.join('\n');
  const label = new Map(ANTICIPATION_STATUSES.map((s) => [s.id, s.label]));
  for (const p of a.pairs) {
    out.push(`## ${md(p.anticipation.label)} → ${md(p.experience.label)}`, '');
    for (const s of ANTICIPATION_STATUSES) {
      if (s.id === 'neither') continue;
      const people = p.entries.filter((e) => e.status === s.id);
      if (people.length === 0) continue;
      out.push(`### ${md(label.get(s.id)!)} (${people.length})`, '');
      for (const e of people) {
        out.push(`- **${md(e.participant)}**`, '');
        const first = e.anticipatedAt[0];
        if (first) out.push(`  Anticipated (${md(p.anticipation.label)}):`, '', ...quoteLines(ev.get(evidenceKey(p.anticipation.id, first, e.participant)), first, '  '));
        const exp = e.experiencedAt[0];
        if (exp) out.push(`  Experienced (${md(p.experience.label)}):`, '', ...quoteLines(ev.get(evidenceKey(p.experience.id, exp, e.participant)), exp, '  '));
      }
      out.push('');
    }
  }
  return out.join('\n');
}
