/**
 * qualwave as a library: the same analyses as the command line, in-process, for a notebook, a
 * script or another tool. Load a study once with openStudy, then call the analyses on it; each
 * returns plain data (the types below), and `render` turns a table into a manuscript format.
 * Errors are QualwaveError subclasses with a message and a hint (what to do); an InputError's
 * `diagnostics` say where (file:line).
 *
 *   import { openStudy, matrix, agreement, quotes } from 'qualwave';
 *   const study = await openStudy('fixtures/buddy-study');
 *   const m = matrix(study, { rows: 'code', waves: ['pre', 'post'] });
 */
export { openStudy, studyLoads, type OpenOptions } from './study.js';
export {
  agreement,
  anticipated,
  caseMatrix,
  change,
  checkFilters,
  coded,
  codings,
  cooccurrence,
  disagreements,
  dropout,
  evidence,
  framework,
  matrix,
  quotes,
  saturation,
  selectCoders,
  stemmer,
  summary,
  tableCoder,
  trajectories,
  type AgreementOptions,
  type QuotesOptions,
  type Rows,
  type Scope,
  type StudyAgreement,
} from './analyses.js';
export { figure, FIGURES, type FigureKind, type FigureRequest } from './figures.js';
export { report, type ReportOptions } from './report.js';
export { render, RENDERERS, type Format } from './render.js';
export { CheckFailedError, EXIT, InputError, QualwaveError, UsageError } from '../core/errors.js';
export { FileError } from '../io/errors.js';
export { loadStudy, type LoadResult } from '../io/load-study.js';
export { parseTable, readTable, type DelimitedTable } from '../core/format/read-table.js';
export type { Study, Document, Participant, Wave } from '../core/study/types.js';
export type { Codebook, Code } from '../core/codebook/types.js';
export type { Coding } from '../core/coding/types.js';
export type { Diagnostic } from '../core/diagnostics/diagnostic.js';
export type { Matrix } from '../core/matrix/matrix.js';
export type { ChangeMatrix } from '../core/matrix/change.js';
export type { QuoteCell, Quote } from '../core/quotes/select.js';
export type { Retrieved } from '../core/coding/retrieve.js';
export type { StudySummary } from '../core/summary/summary.js';
export type { Table } from '../core/format/table.js';
export type { Where } from '../core/study/filters.js';
