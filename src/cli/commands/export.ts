import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { CASES_DIR } from '../../core/cases/summary.js';
import { join } from 'node:path';
import { finishedFile } from '../../core/coding/finished.js';
import { codebookXml, projectParts, type ProjectSummary, type StudyFilesForNote } from '../../core/refi/export.js';
import type { Study } from '../../core/study/types.js';
import { isSystemError } from '../../io/errors.js';
import { packageRoot } from '../../io/package.js';
import { qdpxPieces } from '../../io/refi.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { tightenHeap } from '../heap.js';
import { checkFilters } from '../../api/analyses.js';
import { refuseUnlessPseudonymised } from '../pseudonymised.js';

/** qualwave export --format qdpx|qdc: the study as a REFI-QDA project, or its codebook. */
export async function run(ctx: Ctx<'export'>): Promise<number> {
  const format = ctx.format;
  // Before the load: a study read without its index makes most of the garbage (see tightenHeap).
  if (format !== 'qdc') tightenHeap({ young: true });
  const study = await ctx.study();
  await refuseUnlessPseudonymised(study, format === 'qdc' ? 'the codebook export' : 'the export');
  if (format === 'qdc') {
    ctx.emit(codebookXml(study));
    return EXIT.ok;
  }
  const coders = ctx.opts.coders ?? study.coders;
  checkFilters(study, { coders });
  const version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  const shown = ctx.progress('exporting transcripts');
  // Made one transcript at a time while the file is written (memory: one transcript, not the project).
  const parts = projectParts(study, { coders, version, files: studyFiles(study, coders), onProgress: (done, of) => shown.update(done, of) });
  let project: ProjectSummary | undefined;
  ctx.emitBytes(
    (function* () {
      project = yield* qdpxPieces(parts);
      shown.done();
    })(),
    'a .qdpx project',
    'project.qdpx',
  );
  const c = project!.counts;
  ctx.info(`${c.sources} sources, ${c.codes} codes, ${c.codings} codings by ${c.users} coder${c.users === 1 ? '' : 's'}, ${c.cases} cases`);
  if (project!.removed > 0) ctx.info(ctx.err.yellow(`note: ${project!.removed} control character${project!.removed === 1 ? '' : 's'} that XML 1.0 cannot hold (in memos, labels or attributes) left out of project.qde; the transcripts in sources/ are unchanged`));
  return EXIT.ok;
}

/** qualwave's own files as they are on disk, for the project's qualwave note (so that import gives them back). */
function studyFiles(study: Study, coders: readonly string[]): StudyFilesForNote {
  const read = (rel: string): string | undefined => {
    try {
      return readFileSync(join(study.root, rel), 'utf8');
    } catch (e) {
      if (isSystemError(e) && e.code === 'ENOENT') return undefined;
      throw e;
    }
  };
  const config = read('qualwave.yaml');
  const participants = read(study.config.participants.file);
  const bom = new Set<string>();
  for (const d of study.documents) {
    try {
      if (d.format !== 'docx' && startsWithBom(join(study.root, d.file))) bom.add(d.file);
    } catch (e) {
      // Gone since the study was loaded: no byte order mark to keep.
      if (!(isSystemError(e) && e.code === 'ENOENT')) throw e;
    }
  }
  return {
    ...(config !== undefined ? { config } : {}),
    ...(participants !== undefined ? { participants: { path: study.config.participants.file, text: participants } } : {}),
    codebooks: study.codebook.files.flatMap((f) => {
      const text = read(f.file);
      return text === undefined ? [] : [{ path: f.file, text }];
    }),
    finished: coders.flatMap((coder) => {
      const path = finishedFile(coder);
      const text = existsSync(join(study.root, path)) ? read(path) : undefined;
      return text === undefined ? [] : [{ coder, path, text }];
    }),
    others: caseSummaries(study.root).flatMap((path) => {
      const text = read(path);
      return text === undefined ? [] : [{ path, text }];
    }),
    bom,
  };
}

/** Whether a file's first three bytes are UTF-8's byte order mark (only they are read). */
function startsWithBom(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(3);
    return readSync(fd, b, 0, 3, 0) === 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
  } finally {
    closeSync(fd);
  }
}

function caseSummaries(root: string): string[] {
  try {
    return readdirSync(join(root, CASES_DIR))
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => `${CASES_DIR}/${f}`);
  } catch (e) {
    if (isSystemError(e) && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return [];
    throw e;
  }
}
