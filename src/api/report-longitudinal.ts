import { caseData } from '../core/cases/data.js';
import { dossier } from '../core/cases/dossier.js';
import { dossierHtml } from '../core/cases/render.js';
import type { CaseSummary } from '../core/cases/summary.js';
import type { Stem } from '../core/coding/autocode.js';
import type { FigureOptions } from '../core/figures/svg.js';
import { timelineData, timelineFigure } from '../core/figures/timeline.js';
import { anticipations } from '../core/matrix/anticipation.js';
import { caseOrdered } from '../core/matrix/case-order.js';
import { CHANGE_CATEGORIES } from '../core/matrix/change.js';
import type { CodedStudy } from '../core/matrix/coded.js';
import { dropout } from '../core/matrix/dropout.js';
import { anticipationSummaryTable, anticipationTable, caseOrderedTable, changeTable, dropoutTable, marks, MARKS_LEGEND } from '../core/matrix/tables.js';
import { evidenceKey } from '../core/quotes/evidence.js';
import { esc, fold, foldEnds, table, type ReportSection } from '../core/report/html.js';
import type { Study } from '../core/study/types.js';

/**
 * The report's longitudinal sections: the interview timeline, the change matrix with the
 * participants and quotes behind each cell, anticipated vs experienced, the drop-out check, and
 * the cases (case-ordered matrix and one dossier per participant).
 */
export function codeAnchor(id: string): string {
  return `code-${id.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

export function timelineSection(study: Study, o: FigureOptions): ReportSection | undefined {
  const t = timelineData(study);
  if (t.dated === 0 || study.config.waves.length < 2) return undefined;
  return { id: 'timeline', title: 'Timeline', html: `<p class="muted">${esc('Each interview at its date, one shape per wave; shaded: the span of each wave; lost after: the last wave a participant was interviewed at.')}</p>${timelineFigure(t, o)}` };
}

export function longitudinalSections(cs: CodedStudy, stem: Stem, summaries: ReadonlyMap<string, CaseSummary>, afterEvidence?: () => void): { change: ReportSection[]; cases: ReportSection } {
  const data = caseData(cs, stem);
  // (The caller lets the quote corpus go here: nothing below ranks passages.)
  afterEvidence?.();
  const out: ReportSection[] = [];
  const cm = data.change;
  // Every participant's quotes: tens of thousands of pieces on a big study, joined once per theme
  // (each level of nested joins copied the section again; the whole section as one string was a
  // 30 MB copy at 3,000 transcripts, made again to be written).
  const perTheme: string[] = [];
  for (const [i, r] of cm.rows.entries()) {
    const pieces: string[] = [];
    if (i > 0) pieces.push('\n');
    const [open, close] = foldEnds({ id: `change-${r.id}`, title: `${r.label}: participants and quotes` });
    pieces.push(open);
    for (const c of CHANGE_CATEGORIES) {
      if (r.cells[c.id].length === 0) continue;
      const people = r.participants.filter((p) => p.category === c.id);
      pieces.push(`<h4>${esc(`${c.label} (${people.length})`)}</h4>`);
      for (const p of people) {
        pieces.push(`<p><strong>${esc(p.participant)}</strong> ${esc(marks(p.values))}${p.kind ? ` <span class="muted">${esc(p.kind)}</span>` : ''}</p>`);
        for (const [k, w] of cm.waves.entries()) {
          if (p.values[k]! <= 0) continue;
          const q = data.evidence.get(evidenceKey(r.id, w.id, p.participant));
          if (q) pieces.push(`<blockquote>${esc(q.text)} ${esc(q.attribution)}</blockquote><p class="source">${esc(`${q.file}:${q.lines}`)}</p>`);
        }
      }
    }
    pieces.push(close);
    perTheme.push(pieces.join(''));
  }
  out.push({
    id: 'change',
    title: 'Change',
    html: `<p class="muted">${esc(`Within each participant, across ${cm.waves.map((w) => w.id).join(', ')}: the categories of Saldaña (2003), from the segments coded at the waves each participant was interviewed at (and the code was in use); values: ${MARKS_LEGEND}. The rules are in the README (Analysing change).`)}</p>${table(changeTable(cm, { ids: false, numeric: false }))}${fold({ id: 'change-ids', title: 'Who is in each cell', html: table(changeTable(cm, { ids: true, numeric: false })) })}`,
    parts: perTheme,
  });
  const a = anticipations(cs, { grid: data.codes });
  if (a.pairs.length > 0) {
    out.push({ id: 'anticipated', title: 'Anticipated vs experienced', html: `${table(anticipationSummaryTable(a, { numeric: false }))}${fold({ id: 'anticipated-participants', title: 'Per participant', html: table(anticipationTable(a, { numeric: false })) })}` });
  }
  const blocks = dropout(cs, { rows: 'theme', grid: data.themes });
  if (blocks.length > 0) out.push({ id: 'dropout', title: 'Drop-out check', html: table(dropoutTable(blocks, { numeric: false, decimals: 0 })) });
  // Cases: the case-ordered matrix, then a dossier per participant (with many participants, only those with a case summary).
  const co = caseOrdered(cs, { rows: 'theme', order: { by: 'participant' }, grid: data.themes });
  const many = data.themes.participants.length > 60;
  const who = data.themes.participants.filter((p) => !many || summaries.has(p));
  const dossiers = who.map((p) => fold({ id: `case-${p}`, title: `${p}${summaries.has(p) ? ' · case summary' : ''}`, html: dossierHtml(dossier(cs, p, { ...data, summary: summaries.get(p) ?? null }), { codeAnchor }), open: summaries.has(p) && !many }));
  const cases: ReportSection = {
    id: 'cases',
    title: 'Cases',
    html: `<p class="muted">${esc(`One dossier per participant${many ? ' with a case summary (cases/*.md; the study has more than 60 participants)' : ''}; those with the analyst's case summary are open. Case-ordered matrix: ${MARKS_LEGEND}.`)}</p>${fold({ id: 'case-matrix', title: 'Case-ordered matrix', html: table(caseOrderedTable(co, { numeric: false, keyHeader: 'sorted by' })) })}${dossiers.join('\n')}`,
  };
  return { change: out, cases };
}
