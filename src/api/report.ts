import { agreementOf, studyAgreementJobs, type StudyAgreementRow } from '../core/agreement/study.js';
import type { CaseSummary } from '../core/cases/summary.js';
import { CONSENSUS_CODER, isHumanCoder } from '../core/coding/types.js';
import { QualwaveError } from '../core/errors.js';
import { agreementFigure, heatmapFigure, participationFigure, saturationFigure, trajectoriesFigure } from '../core/figures/figures.js';
import { DEFAULT_FONT_SIZE, DEFAULT_WIDTH, type FigureOptions } from '../core/figures/svg.js';
import type { Table } from '../core/format/table.js';
import { codedStudy, defaultCoder } from '../core/matrix/coded.js';
import { matrix } from '../core/matrix/matrix.js';
import { matrixTable, NOT_CODED_FOR_TEXT as NOT_CODED_FOR } from '../core/matrix/tables.js';
import { saturation } from '../core/matrix/saturation.js';
import { trajectories } from '../core/matrix/trajectories.js';
import { forgetCorpus, selectQuotes } from '../core/quotes/select.js';
import { esc, fold, reportPieces as reportHtml, reportTables, table, type ReportSection } from '../core/report/html.js';
import type { Study } from '../core/study/types.js';
import { summarise } from '../core/summary/summary.js';
import { codebookTable, wavesTable } from '../core/summary/tables.js';
import { caseDiagnostics, readCaseSummaries } from '../io/cases.js';
import { agreementStore, type AgreementData } from '../io/agreement-store.js';
import { corpusStore } from '../io/corpus-store.js';
import { loadStemmer } from '../io/stemmer.js';
import { mapOnWorkers, poolWorkers } from '../io/workers.js';
import { tableCoder } from './analyses.js';
import { codeAnchor, longitudinalSections, timelineSection } from './report-longitudinal.js';
import { append } from '../core/arrays.js';

export interface ReportOptions {
  /** Whose codings the tables use (default: consensus, else the only coder). */
  coder?: string;
  /** Add the generation time (otherwise the report is the same bytes every time). */
  stamp?: boolean;
  /** Figures' printed width in points (default 453: 16 cm) and label size in points (default 10). */
  width?: number;
  fontSize?: number;
  /** Worker threads for the agreement section's bootstraps (default: QUALWAVE_WORKERS, else one when a second core is idle); the same report with any number, 0 included. */
  workers?: number;
  /** Notes for the user (a warning: problems in the case summaries; else what was left out). */
  onNote?: (message: string, warning: boolean) => void;
}

/**
 * The report: one self-contained HTML file (inline CSS and SVG; no script, font or network
 * request) with the study, codebook, agreement, theme-by-wave table and heatmap, trajectories,
 * the change matrix, anticipated vs experienced, the drop-out check, saturation, the top quotes and
 * a dossier per participant, for co-authors to open anywhere. Deterministic unless stamp.
 */
export async function report(study: Study, opts: ReportOptions = {}): Promise<string> {
  return (await reportHtmlOf(study, opts)).join('');
}

/** The same report in pieces, in order (what `qualwave report` writes, piece by piece: never the page as one string). */
export async function reportPieces(study: Study, opts: ReportOptions = {}): Promise<string[]> {
  return reportHtmlOf(study, opts);
}

/** The report's tables, exactly the ones the HTML report shows, in order (report -o FILE.docx). */
export async function reportTablesOf(study: Study, opts: ReportOptions = {}): Promise<Table[]> {
  const tables: Table[] = [];
  reportTables.tables = tables;
  try {
    await reportHtmlOf(study, opts);
  } finally {
    reportTables.tables = undefined;
  }
  return tables;
}

async function reportHtmlOf(study: Study, opts: ReportOptions): Promise<string[]> {
  const note = opts.onNote ?? (() => {});
  const o: FigureOptions = { width: opts.width ?? DEFAULT_WIDTH, fontSize: opts.fontSize ?? DEFAULT_FONT_SIZE };
  const s = summarise(study, defaultCoder(study, opts.coder).coder);
  const sections: ReportSection[] = [];
  const many = study.participants.length > 60;
  const participation = participationFigure(s, o);
  sections.push({
    id: 'study',
    title: 'Study',
    html: `<p>${esc(`${s.totals.interviewed} participants, ${s.waves.length} wave${s.waves.length === 1 ? '' : 's'}, ${s.totals.documents} transcripts, ${s.totals.words} words; codebook of ${s.totals.themes} themes and ${s.totals.codes} codes.`)}</p>${table(wavesTable(s))}${many ? fold({ id: 'participation', title: `Participation (${s.participants.length} participants)`, html: participation }) : participation}`,
  });
  const timeline = timelineSection(study, o);
  if (timeline) sections.push(timeline);
  const cb = codebookTable(s, { flat: true });
  // The codebook is shown with an anchor per code (below); for the Word document, the same rows as a table.
  reportTables.tables?.push({
    title: 'Codebook',
    columns: ['code', 'label', 'definition', 'include', 'exclude'].map((header) => ({ header })),
    rows: study.codebook.codes.map((c) => [c.id, c.label, c.definition ?? '', c.include ?? '', c.exclude ?? '']),
    bold: study.codebook.codes.map((c) => c.depth === 0),
  });
  sections.push({
    id: 'codebook',
    title: 'Codebook',
    html:
      study.codebook.themes
        .map((t) => {
          const codes = study.codebook.codes.filter((c) => c.theme === t.id);
          // Each code's row is an anchor: the case summaries link the codes they mention to it.
          const head = ['code', 'label', 'definition', 'include', 'exclude'].map((h) => `<th>${esc(h)}</th>`).join('');
          const body = codes.map((c) => `<tr id="${codeAnchor(c.id)}">${[c.id, c.label, c.definition ?? '', c.include ?? '', c.exclude ?? ''].map((x, i) => `<td>${i === 0 && c.depth === 0 && codes.length > 1 ? `<strong>${esc(x)}</strong>` : esc(x)}</td>`).join('')}</tr>`).join('\n');
          return fold({ id: `codebook-${t.id}`, title: `${t.label} (${codes.length} code${codes.length === 1 ? '' : 's'})`, html: `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>\n`, open: study.codebook.themes.length <= 8 });
        })
        .join('\n') + `<p class="muted">${esc(cb.title ?? '')}</p>`,
  });
  const humans = study.coders.filter((c) => isHumanCoder(c) && c !== CONSENSUS_CODER);
  // The agreement section's bootstraps run on worker threads (src/io/workers.ts) while this thread
  // makes the other sections; the section takes its place once they are done. For the Word
  // document (whose tables come in the order they are made) it is made here, in order.
  let agreementLater: { at: number; section: Promise<ReportSection> } | undefined;
  if (humans.length >= 2) {
    const agreementOptions = { coders: humans, unit: 'segment' as const, level: 'code' as const, resamples: 1000, seed: 1 };
    // The rows made before from the same files with the same options, from the study index (io/agreement-store.ts).
    const store = agreementStore(study, agreementOptions);
    const kept = store?.get();
    let data: Promise<AgreementData>;
    if (kept) data = Promise.resolve(kept);
    else {
      const jobs = studyAgreementJobs(study, agreementOptions);
      const results = reportTables.tables
        ? Promise.resolve(jobs.rows.map((r) => agreementOf(r.job)))
        : mapOnWorkers(
            'agreement',
            jobs.rows.map((r) => r.job),
            opts.workers ?? poolWorkers(),
          );
      data = results.then((res) => {
        const made = { units: jobs.units, rows: jobs.rows.map(({ job: _job, ...row }, i) => ({ ...row, result: res[i]! })) };
        store?.put(made);
        return made;
      });
    }
    const section = data.then((d) => agreementSection(d, humans, o));
    if (reportTables.tables) sections.push(await section);
    else {
      // Handled when awaited below (a failure is the report's error, not an unhandled rejection meanwhile).
      section.catch(() => {});
      agreementLater = { at: sections.length, section };
      sections.push({ id: 'agreement', title: 'Agreement', html: '' });
    }
  }
  const coder = study.coders.length || opts.coder !== undefined ? safeCoder(study, opts.coder, note) : undefined;
  if (coder) {
    const cs = codedStudy(study, coder);
    const m = matrix(cs, { rows: 'theme' });
    const mc = matrix(cs, { rows: 'code' });
    sections.push({
      id: 'themes-by-wave',
      title: 'Themes by wave',
      html: `<p class="muted">${esc(`Coder ${coder}. Each cell: participants with the theme, of those interviewed at that wave.`)}</p>${heatmapFigure(m, o)}${table(matrixTable(m, { value: 'participants', ids: false, decimals: 0, numeric: false }))}${fold({ id: 'codes-by-wave', title: 'Codes by wave', html: table(matrixTable(mc, { value: 'participants', ids: false, decimals: 0, numeric: false })) })}`,
    });
    if (study.config.waves.length > 1) {
      const tr = trajectories(cs, { rows: 'theme' });
      const t: Table = {
        title: 'Trajectories between consecutive waves, among participants interviewed at both',
        columns: ['theme', 'from → to', 'both', 'persisted', 'emerged', 'faded', 'absent'].map((header) => ({ header })),
        rows: tr.flatMap((x) => x.transitions.map((y) => [x.label, `${y.from} → ${y.to}`, ...(y.codedFor ? [y.both, y.persisted.length, y.emerged.length, y.faded.length, y.absent.length] : [NOT_CODED_FOR, NOT_CODED_FOR, NOT_CODED_FOR, NOT_CODED_FOR, NOT_CODED_FOR])])),
      };
      sections.push({ id: 'trajectories', title: 'Trajectories', html: trajectoriesFigure(tr, o) + table(t) });
    }
    const stem = await loadStemmer(study.config.language);
    // The quotes section first (it ranks each theme's passages; the evidence of the change section
    // reuses those rankings), so that the corpus (the passages' terms and the rankings) goes as soon
    // as the evidence is made: it is not held while the change section's pages of quotes are put
    // together. The sections keep their order on the page.
    let quotes: ReportSection | undefined;
    if (stem) {
      // The passages' term counts from the study index when it has them for these texts (io/corpus-store.ts).
      const cells = selectQuotes(cs, stem, { rows: 'theme', perCell: 2, minWords: 15, maxWords: 120, repeatParticipants: false, clean: false }, corpusStore(study, coder, study.config.language));
      quotes = {
        id: 'quotes',
        title: 'Quotes',
        html: study.codebook.themes
          .map((t) => {
            const mine = cells.filter((c) => c.row === t.id);
            const body = mine
              .map((c) => `<h3>${esc(c.waveLabel)}</h3>` + (c.quotes.length ? c.quotes.map((q) => `<blockquote>${esc(q.text)} ${esc(q.attribution)}</blockquote><p class="source">${esc(`${q.file}:${q.lines} · ${q.codes.join(', ')}`)}</p>`).join('') : '<p class="muted">No quote in the length window.</p>'))
              .join('');
            return fold({ id: `quotes-${t.id}`, title: t.label, html: body, open: study.codebook.themes.length <= 8 });
          })
          .join('\n'),
      };
    }
    const summaries = study.config.waves.length > 1 ? await checkedCaseSummaries(study, note) : undefined;
    // The last quotes taken are the evidence's: the corpus goes once it is made.
    const longitudinal = summaries ? longitudinalSections(cs, stem ?? ((w: string) => w), summaries, () => forgetCorpus(cs)) : undefined;
    forgetCorpus(cs);
    if (longitudinal) append(sections, longitudinal.change);
    sections.push({ id: 'saturation', title: 'Saturation', html: saturationFigure(saturation(cs, { rows: 'code' }), o) });
    if (quotes) sections.push(quotes);
    if (longitudinal) sections.push(longitudinal.cases);
  }
  if (agreementLater) sections[agreementLater.at] = await agreementLater.section;
  const stamp = opts.stamp === true ? new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : undefined;
  return reportHtml({ title: study.config.title, language: study.config.language, subtitle: `qualwave report${coder ? ` · codings of ${coder}` : ''}`, ...(stamp ? { stamp } : {}), sections });
}

/** The agreement section: the figure of alpha per code and the table of coefficients with their intervals. */
function agreementSection(data: { units: number; rows: StudyAgreementRow[] }, humans: string[], o: FigureOptions): ReportSection {
  const two = humans.length === 2;
  const f = (x: { value: number | null; ciLow: number | null; ciHigh: number | null; warnings?: string[] } | undefined) => (!x || x.value === null ? '—' : `${x.value.toFixed(2)}${x.ciLow !== null && x.ciHigh !== null ? ` [${x.ciLow.toFixed(2)}, ${x.ciHigh.toFixed(2)}]` : ''}${x.warnings ? '†' : ''}`);
  const t: Table = {
    title: `Agreement between ${humans.join(', ')} on ${data.units} segments (95% BCa bootstrap intervals, seed 1; marked † when they rest on too little information)`,
    columns: ['code', 'agreement', two ? "Cohen's κ" : "Fleiss' κ", "Krippendorff's α", "Gwet's AC1", 'Brennan–Prediger'].map((header) => ({ header })),
    rows: data.rows.map((r) => [r.name, f(r.result.coefficients.percentAgreement), f(r.result.coefficients[two ? 'cohenKappa' : 'fleissKappa']), f(r.result.coefficients.krippendorffAlpha), f(r.result.coefficients.gwetAC1), f(r.result.coefficients.brennanPrediger)]),
  };
  return { id: 'agreement', title: 'Agreement', html: agreementFigure(data.rows, 'krippendorffAlpha', o) + table(t) };
}

function safeCoder(study: Study, asked: string | undefined, note: (m: string, w: boolean) => void): string | undefined {
  // A coder asked for by name that does not exist is a typo, not a report without tables.
  if (asked !== undefined) return tableCoder(study, asked);
  try {
    return tableCoder(study, asked);
  } catch (e) {
    if (!(e instanceof QualwaveError)) throw e;
    note('no consensus coder (and several coders): the report leaves out the tables built on codings; name one with --coder', false);
    return undefined;
  }
}

/** The case summaries in cases/, checked; problems counted in a note (qualwave validate lists them). */
export async function checkedCaseSummaries(study: Study, note: (m: string, w: boolean) => void): Promise<Map<string, CaseSummary>> {
  const { summaries, diagnostics } = await readCaseSummaries(study);
  const problems = [...diagnostics, ...caseDiagnostics(summaries)];
  if (problems.length > 0) note(`${problems.length} problem${problems.length === 1 ? '' : 's'} in the case summaries (cases/): run qualwave validate to see them`, true);
  return summaries;
}
