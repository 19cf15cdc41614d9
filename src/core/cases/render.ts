import { escapeMarkdown, terminalText } from '../format/escape.js';

/** User text for running Markdown: one line, no control characters, no markup. */
const md = (s: string): string => escapeMarkdown(terminalText(s, { oneLine: true }));
import { escapeHtml, renderHtml, renderMarkdown, type Table } from '../format/table.js';
import { CHANGE_CATEGORIES } from '../matrix/change.js';
import { describeValue, mark } from '../matrix/grid.js';
import { MARKS_LEGEND } from '../matrix/tables.js';
import type { Quote } from '../quotes/select.js';
import type { Brief } from './brief.js';
import type { Dossier } from './dossier.js';
import type { CaseSummary } from './summary.js';

/**
 * Case dossiers, pen-portrait templates and next-wave briefs as Markdown (and the dossier as HTML
 * for the report). Every piece of study text is escaped; the analyst's own case summary is
 * Markdown and stays Markdown, with raw HTML disabled.
 */
const categoryLabel = new Map(CHANGE_CATEGORIES.map((c) => [c.id, c.label]));
const where = (q: Pick<Quote, 'file' | 'lines'>) => `${q.file}:${q.lines}`;

function attributesLine(participant: string, attributes: Record<string, string>): string {
  return [participant, ...Object.entries(attributes).map(([k, v]) => `${k} ${v}`)].join(' · ');
}

export function interviewsTable(d: Dossier): Table {
  return {
    columns: ['wave', 'date', 'interviewer', 'transcript', 'segments', 'words'].map((header, i) => ({ header, ...(i >= 4 ? { align: 'right' as const } : {}) })),
    rows: d.interviews.map((i) => (i.interviewed ? [i.wave.label, i.date ?? '', i.interviewer ?? '', i.file ?? '', i.segments ?? 0, i.words ?? 0] : [i.wave.label, 'not interviewed', '', '', '', ''])),
  };
}

export function codesTable(d: Dossier): Table {
  return {
    columns: [{ header: 'code' }, ...d.waves.map((w) => ({ header: w.id, align: 'right' as const }))],
    rows: d.codes.map((c) => [`${'\u00a0\u00a0'.repeat(c.depth)}${c.label}`, ...c.values.map(mark)]),
    bold: d.codes.map((c) => c.level === 'theme'),
  };
}

export function themesTable(d: Dossier): Table {
  return {
    columns: [{ header: 'theme' }, ...d.waves.map((w) => ({ header: w.id, align: 'right' as const })), { header: 'change' }],
    rows: d.themes.map((t) => [t.label, ...t.values.map(mark), `${categoryLabel.get(t.category)}${t.kind && t.kind !== categoryLabel.get(t.category) ? ` (${t.kind})` : ''}`]),
  };
}

function verdictText(q: CaseSummary['quotes'][number]): string {
  const v = q.verdict;
  return v.status === 'verified' ? `verified (${v.file}:${v.line})` : v.status === 'misattributed' ? `misattributed: found under ${v.participant} ${v.wave} (${v.file}:${v.line})` : `not found${v.closest ? ` (closest: ${v.closest.file}:${v.closest.line}, similarity ${v.closest.similarity.toFixed(2)})` : ''}`;
}

function codedText(l: Dossier['codeLinks'][number], waves: Dossier['waves']): string {
  if (!l.known) return `not in the codebook${l.suggestion ? ` (did you mean ${l.suggestion}?)` : ''}`;
  if (l.coded.length === 0) return 'never coded for this participant';
  return waves
    .map((w) => {
      const at = l.coded.filter((c) => c.wave === w.id);
      return at.length ? `${w.id} ${at.map((c) => `L${c.startLine}${c.endLine > c.startLine ? `-${c.endLine}` : ''}`).join(', ')}` : '';
    })
    .filter(Boolean)
    .join('; ');
}

/** The analyst's Markdown, headings moved two levels down (under the dossier's), raw HTML shown as text. */
function embedSummary(text: string): string {
  return terminalText(text.replace(/\r\n?/g, '\n').replace(/\t/g, '    '))
    .split('\n')
    .map((l) => (/^#{1,4}\s/.test(l) ? `##${l}` : l).replace(/</g, '&lt;'))
    .join('\n')
    .trim();
}

export function dossierMarkdown(d: Dossier): string {
  const out: string[] = [`# Case ${md(d.participant)}`, '', `${md(attributesLine(d.participant, d.attributes))}  `, `${md(d.participation)} · coder ${md(d.coder)}`, ''];
  out.push('## Interviews', '', renderMarkdown(interviewsTable(d)));
  out.push('## Codes per wave', '', `Values: ${md(MARKS_LEGEND)}.`, '', renderMarkdown(codesTable(d)));
  out.push('## Trajectory per theme', '', 'The change category is the one of the change matrix (`qualwave change`), from the values at the waves observed.', '', renderMarkdown(themesTable(d)));
  out.push('## Quotes per wave', '');
  if (d.quotes.length === 0) out.push('*No coded participant passage.*', '');
  let wave = '';
  // A passage that is the best for two themes is quoted once; the second theme points to it.
  const shown = new Map<string, string>();
  for (const q of d.quotes) {
    if (q.wave !== wave) {
      wave = q.wave;
      out.push(`### ${md(q.waveLabel)}`, '');
    }
    const first = shown.get(q.quote.segment);
    if (first !== undefined) {
      out.push(`**${md(q.rowLabel)}**: the passage quoted under ${md(first)} (${where(q.quote)}).`, '');
      continue;
    }
    shown.set(q.quote.segment, q.rowLabel);
    out.push(`**${md(q.rowLabel)}**`, '', `> ${md(q.quote.text)} ${md(q.quote.attribution)}`, '', `<!-- ${where(q.quote)} · ${q.quote.segment} · ${q.quote.codes.join(', ')} -->`, '');
  }
  out.push(`## Analyst's summary`, '');
  if (!d.summary) {
    out.push(`*No case summary yet.* Start one from the facts: \`qualwave case ${md(d.participant)} --template -o cases/${md(d.participant)}.md\`.`, '');
  } else {
    out.push(`From \`${md(d.summary.file)}\`:`, '', embedSummary(d.summary.text), '', '### Checks', '');
    if (d.summary.quotes.length === 0) out.push('- Quotations: none with an attribution.');
    const checks = [...d.summary.quotes.map((q) => ({ line: q.line, text: `- Line ${q.line}, quotation ${md(q.attribution)}: ${md(verdictText(q))}` })), ...d.codeLinks.map((l) => ({ line: l.line, text: `- Line ${l.line}, code \`${md(l.code)}\`${l.label ? ` (${md(l.label)})` : ''}: ${md(codedText(l, d.waves))}` }))];
    for (const c of checks.sort((a, b) => a.line - b.line)) out.push(c.text);
    if (d.codeLinks.length === 0) out.push('- Codes: none mentioned (write code ids in backticks, e.g. `emotions.toll`, to link them).');
    out.push('');
  }
  return out.join('\n');
}

/**
 * A pen portrait to start from: the facts filled in, the interpretation left to the analyst
 * (prompts in HTML comments, invisible once rendered). Meant to be saved as cases/PARTICIPANT.md.
 */
export function penPortraitTemplate(d: Dossier): string {
  const interviews = d.interviews.map((i) => (i.interviewed ? `${i.wave.id} (${[i.date, i.interviewer].filter(Boolean).join(', ') || 'undated'})` : `${i.wave.id}: not interviewed`)).join('; ');
  // An attribution as the study writes them (its template), from one of the participant's quotes.
  const example = d.quotes[d.quotes.length - 1]?.quote.attribution ?? `(${d.participant})`;
  const themes = d.themes.map((t) => `- ${md(t.label)}: ${t.values.map((v, w) => `${d.waves[w]!.id} ${describeValue(v)}`).join(', ')}; ${categoryLabel.get(t.category)}${t.kind && t.kind !== categoryLabel.get(t.category) ? ` (${t.kind})` : ''}`);
  return [
    `# ${md(d.participant)}`,
    '',
    `<!-- Made by qualwave case ${d.participant} --template: the facts below come from the study (coder ${d.coder});`,
    `     everything else is yours to write. Quote with an attribution, e.g. "..." ${example}: qualwave`,
    '     checks every quotation against the transcripts. Write codes in backticks (`emotions.toll`) to link them. -->',
    '',
    '## Facts',
    '',
    `- ${md(attributesLine(d.participant, d.attributes))}`,
    `- Interviews: ${md(interviews)} (${md(d.participation)})`,
    '- Segments coded per theme and wave, and the change category:',
    ...themes.map((t) => `  ${t}`),
    '',
    '## Pen portrait',
    '',
    '<!-- Who this person is, in your words: their situation, what matters to them, how they speak about it. -->',
    '',
    '## Through-line',
    '',
    '<!-- What runs through all their interviews. -->',
    '',
    '## Turning points',
    '',
    '<!-- What changed, when, and what they say made it change. -->',
    '',
    '## Open threads',
    '',
    '<!-- One list item per thing to ask at the next interview; they go into the next-wave brief. -->',
    '',
  ].join('\n');
}

export function briefMarkdown(b: Brief, title: string): string {
  const next = b.next ? b.next.label : 'next interview';
  const out: string[] = [`# Next-wave brief: ${md(next)}`, '', `${md(title)}. For the interviewers of the ${md(next)}: what each participant said at the ${md(b.last.label)} (coder ${md(b.coder)}), the threads the analysts left open, and what to read back to them.`, ''];
  out.push(`${b.entries.length} participant${b.entries.length === 1 ? '' : 's'} interviewed at ${md(b.last.id)}${b.notInterviewed.length ? `; not interviewed at ${md(b.last.id)} (not in this brief): ${md(b.notInterviewed.join(', '))}` : ''}.`, '');
  if (b.caseThreadsLeftOut) out.push(`*The ${md(b.next!.label)} has already been held: the open threads of the case summaries (cases/), which may draw on it, are left out; the memos' threads are those made before it.*`, '');
  for (const e of b.entries) {
    out.push(`## ${md(e.participant)}`, '', `${md(attributesLine(e.participant, e.attributes))}  `, `Last interview: ${md([e.interview.date, e.interview.interviewer].filter(Boolean).join(', ') || 'undated')} · ${md(e.interview.file)}`, '');
    out.push(`### What they said at the ${md(b.last.label)}`, '');
    const said = e.themes.filter((t) => t.said);
    if (said.length === 0) out.push('*Nothing coded at this wave.*', '');
    const shown = new Map<string, string>();
    for (const t of said) {
      out.push(`- **${md(t.label)}**${t.codes.length ? `: ${t.codes.map((c) => `${md(c.label)} (${c.segments})`).join(', ')}` : ''}`);
      if (!t.quote) continue;
      const first = shown.get(t.quote.segment);
      if (first !== undefined) out.push(`  (best passage: the one quoted under ${md(first)}, ${where(t.quote)})`);
      else {
        shown.set(t.quote.segment, t.label);
        out.push('', `  > ${md(t.quote.text)} ${md(t.quote.attribution)}`, '', `  <!-- ${where(t.quote)} -->`);
      }
    }
    out.push('');
    const quiet = e.themes.filter((t) => t.said === false && t.earlier.length > 0);
    if (quiet.length) {
      out.push(`### Raised before, not at the ${md(b.last.label)}`, '');
      for (const t of quiet) out.push(`- ${md(t.label)} (at ${md(t.earlier.join(', '))})`);
      out.push('');
    }
    out.push('### Open threads', '');
    if (e.threads.length === 0) out.push('*None flagged (memos with "follow-up:", or an "Open threads" list in the case summary).*');
    for (const t of e.threads) out.push(`- ${md(t.text)} (${t.source === 'memo' ? `memo at ${md(t.wave ?? '')}, ` : 'case summary, '}${md(t.where)})`);
    out.push('');
    if (e.feedBack.length) {
      out.push('### To feed back', '');
      for (const f of e.feedBack) {
        out.push(`- At the ${md(f.waveLabel)} they anticipated *${md(f.anticipationLabel)}*; *${md(f.experienceLabel)}* has not been coded since.`);
        if (f.quote) out.push('', `  > ${md(f.quote.text)} ${md(f.quote.attribution)}`, '', `  <!-- ${where(f.quote)} -->`);
      }
      out.push('');
    }
  }
  return out.join('\n');
}

/** A small, safe subset of Markdown as HTML (everything escaped first): headings, lists, block quotes, paragraphs, emphasis, code. */
export function markdownToHtml(text: string, opts: { headingOffset?: number; code?: (id: string) => string | undefined } = {}): string {
  const inline = (s: string): string =>
    escapeHtml(s)
      .replace(/`([^`]+)`/g, (_, c: string) => opts.code?.(c) ?? `<code>${c}</code>`)
      .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
      .replace(/\*([^*]+)\*/g, '<em>$1</em>');
  const out: string[] = [];
  let para: string[] = [];
  let list: string[] = [];
  let quote: string[] = [];
  const flush = (): void => {
    if (para.length) out.push(`<p>${inline(para.join(' '))}</p>`);
    if (list.length) out.push(`<ul>${list.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`);
    if (quote.length) out.push(`<blockquote>${inline(quote.join(' '))}</blockquote>`);
    para = [];
    list = [];
    quote = [];
  };
  // HTML comments (the template's prompts) are not part of the text.
  const body = text.replace(/\r\n?/g, '\n').replace(/<!--[\s\S]*?-->/g, '');
  for (const l of body.split('\n')) {
    const h = /^(#{1,6})\s+(.*)$/.exec(l);
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(l);
    const q = /^\s*>\s?(.*)$/.exec(l);
    if (h) {
      flush();
      const level = Math.min(6, h[1]!.length + (opts.headingOffset ?? 0));
      out.push(`<h${level}>${inline(h[2]!)}</h${level}>`);
    } else if (l.trim() === '') flush();
    else if (item) {
      if (para.length || quote.length) flush();
      list.push(item[1]!);
    } else if (q) {
      if (para.length || list.length) flush();
      quote.push(q[1]!);
    } else if (list.length && /^\s{2,}/.test(l)) list[list.length - 1] += ' ' + l.trim();
    else {
      if (list.length || quote.length) flush();
      para.push(l.trim());
    }
  }
  flush();
  return out.join('\n');
}

/** The dossier as an HTML fragment (for the report): escaped text, tables by renderHtml. */
export function dossierHtml(d: Dossier, opts: { codeAnchor?: (id: string) => string } = {}): string {
  const e = escapeHtml;
  const out: string[] = [`<p>${e(attributesLine(d.participant, d.attributes))}<br>${e(d.participation)}</p>`];
  out.push('<h4>Interviews</h4>', renderHtml(interviewsTable(d)));
  out.push('<h4>Codes per wave</h4>', `<p class="muted">${e(MARKS_LEGEND)}</p>`, renderHtml(codesTable(d)));
  out.push('<h4>Trajectory per theme</h4>', renderHtml(themesTable(d)));
  out.push('<h4>Quotes per wave</h4>');
  const shown = new Map<string, string>();
  for (const q of d.quotes) {
    const first = shown.get(q.quote.segment);
    if (first !== undefined) {
      out.push(`<p><strong>${e(q.waveLabel)} · ${e(q.rowLabel)}</strong>: <span class="muted">${e(`the passage quoted under ${first} (${where(q.quote)})`)}</span></p>`);
      continue;
    }
    shown.set(q.quote.segment, q.rowLabel);
    out.push(`<p><strong>${e(q.waveLabel)} · ${e(q.rowLabel)}</strong></p><blockquote>${e(q.quote.text)} ${e(q.quote.attribution)}</blockquote><p class="source">${e(`${where(q.quote)} · ${q.quote.codes.join(', ')}`)}</p>`);
  }
  out.push(`<h4>Analyst's summary</h4>`);
  if (!d.summary) out.push(`<p class="muted">${e(`No case summary yet (cases/${d.participant}.md; qualwave case ${d.participant} --template makes one from the facts).`)}</p>`);
  else {
    const known = new Set(d.codeLinks.filter((l) => l.known).map((l) => l.code));
    const code = (id: string): string | undefined => {
      const raw = id
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'");
      if (!known.has(raw)) return undefined;
      const link = d.codeLinks.find((l) => l.code === raw)!;
      const href = opts.codeAnchor ? ` href="#${e(opts.codeAnchor(raw))}"` : '';
      return `<a${href} title="${e(`${link.label}: ${codedText(link, d.waves)}`)}"><code>${id}</code></a>`;
    };
    out.push(`<p class="muted">${e(d.summary.file)}</p>`, `<div class="case-summary">${markdownToHtml(d.summary.text, { headingOffset: 3, code })}</div>`);
    const checks = [...d.summary.quotes.map((q) => ({ line: q.line, text: `line ${q.line}, quotation ${q.attribution}: ${verdictText(q)}` })), ...d.codeLinks.map((l) => ({ line: l.line, text: `line ${l.line}, code ${l.code}${l.label ? ` (${l.label})` : ''}: ${codedText(l, d.waves)}` }))].sort(
      (a, b) => a.line - b.line,
    );
    if (checks.length) out.push(`<p class="muted">Checks of the summary:</p><ul class="checks">${checks.map((c) => `<li>${e(c.text)}</li>`).join('')}</ul>`);
  }
  return out.join('\n');
}
