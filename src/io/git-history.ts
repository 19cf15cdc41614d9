import { execFileSync } from 'node:child_process';
import { EXIT, QualwaveError } from '../core/errors.js';
import { join, relative, sep } from 'node:path';
import { parseCodebookFile } from '../core/codebook/parse.js';
import type { Code } from '../core/codebook/types.js';
import type { HistorySnapshot } from '../core/codebook/versions.js';
import { parseCodingsFile } from '../core/coding/store.js';
import { AUTO_CODER } from '../core/coding/types.js';
import type { Study } from '../core/study/types.js';

/**
 * The history of a study's codebook and codings, read from git (the only place qualwave runs git):
 * every commit that touched a codebook file or a coder's codings file (the machine coder `auto`
 * aside), oldest first in topological order, with the code ids the codebooks held and the waves
 * that had codings at that commit. Renames of those files are not followed.
 */
export class GitHistoryError extends QualwaveError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.badInput, hint);
  }
}

function git(cwd: string, args: string[], input?: string): Buffer {
  try {
    return execFileSync('git', args, { cwd, input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') throw new GitHistoryError('git is not installed (or not on PATH)', 'install git, or write since: into the codebook by hand');
    throw new GitHistoryError(`git ${args[0]} failed: ${err.stderr?.toString().trim().split('\n')[0] ?? err.message}`);
  }
}

export function readHistory(study: Pick<Study, 'root' | 'codebook' | 'coders' | 'config'>): HistorySnapshot[] {
  let top: string;
  try {
    top = git(study.root, ['rev-parse', '--show-toplevel']).toString().trim();
  } catch (e) {
    if (!(e instanceof GitHistoryError)) throw e;
    throw new GitHistoryError(`${study.root} is not in a git repository`, 'the codebook history is read from git: commit the study to a repository, or write since: into the codebook by hand');
  }
  if (git(study.root, ['rev-parse', '--is-shallow-repository']).toString().trim() === 'true') {
    throw new GitHistoryError('this is a shallow clone: the history is incomplete', 'fetch it whole (git fetch --unshallow), or write since: into the codebook by hand');
  }
  const toTop = (f: string): string => relative(top, join(study.root, f)).split(sep).join('/');
  const codebooks = study.codebook.files.map((f) => f.file);
  const codings = study.coders.filter((c) => c !== AUTO_CODER).map((c) => `codings/${c}.tsv`);
  const paths = [...codebooks, ...codings].map(toTop);
  const log = git(top, ['log', '--topo-order', '--reverse', '--format=%H%x09%aI', '--', ...paths])
    .toString()
    .trim();
  if (!log) return [];
  const commits = log.split('\n').map((l) => {
    const [commit, date] = l.split('\t') as [string, string];
    return { commit, date };
  });
  // Every file at every commit, in one git process.
  const requests = commits.flatMap((c) => paths.map((p) => `${c.commit}:${p}`));
  const blobs = catFileBatch(top, requests);
  const waves = new Set(study.config.waves.map((w) => w.id));
  return commits.map((c, i) => {
    const codes = new Set<string>();
    const codedWaves = new Set<string>();
    paths.forEach((_p, j) => {
      const text = blobs[i * paths.length + j];
      if (text === undefined) return;
      if (j < codebooks.length) {
        const visit = (code: Code): void => {
          codes.add(code.id);
          code.children.forEach(visit);
        };
        parseCodebookFile(codebooks[j]!, text).themes.forEach(visit);
      } else {
        for (const coding of parseCodingsFile(codings[j - codebooks.length]!, text, 'history').codings) if (waves.has(coding.wave)) codedWaves.add(coding.wave);
      }
    });
    return { commit: c.commit, date: c.date, codes, codedWaves };
  });
}

/** `git cat-file --batch`: the text of each `commit:path`, or undefined where the file did not exist. */
function catFileBatch(cwd: string, requests: string[]): Array<string | undefined> {
  if (requests.length === 0) return [];
  const out = git(cwd, ['cat-file', '--batch'], requests.join('\n') + '\n');
  const result: Array<string | undefined> = [];
  let at = 0;
  for (let k = 0; k < requests.length; k++) {
    const nl = out.indexOf(0x0a, at);
    const header = out.subarray(at, nl).toString();
    at = nl + 1;
    if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
      result.push(undefined);
      continue;
    }
    const size = Number(header.split(' ')[2]);
    result.push(out.subarray(at, at + size).toString('utf8'));
    at += size + 1;
  }
  return result;
}

/**
 * Earlier texts of a study file, newest first, for re-anchoring codings: the version staged in
 * git's index (when it differs from the last commit), then the file at each of the last `limit`
 * commits that changed it, each decoded as UTF-8 without its BOM (as qualwave reads it), the
 * current text of the file left out. Empty when the study is not in a git repository or git is
 * missing: re-anchoring then only moves codings whose text is unchanged.
 */
export function earlierVersions(root: string, file: string, current: string, limit = 50): string[] {
  let top: string;
  try {
    top = git(root, ['rev-parse', '--show-toplevel']).toString().trim();
  } catch (e) {
    // Not in a repository, or no git: no earlier versions.
    if (!(e instanceof GitHistoryError)) throw e;
    return [];
  }
  const path = relative(top, join(root, file)).split(sep).join('/');
  let commits: string[] = [];
  try {
    commits = git(top, ['log', '--format=%H', '-n', String(limit), '--', path])
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean);
  } catch (e) {
    // No commits yet.
    if (!(e instanceof GitHistoryError)) throw e;
  }
  let texts: Array<string | undefined> = [];
  try {
    texts = catFileBatch(top, [`:${path}`, ...commits.map((c) => `${c}:${path}`)]);
  } catch (e) {
    // An unreadable history is no history: only exact moves.
    if (!(e instanceof GitHistoryError)) throw e;
  }
  const out: string[] = [];
  for (const t of texts) {
    if (t === undefined) continue;
    const text = t.charCodeAt(0) === 0xfeff ? t.slice(1) : t;
    if (text !== current && !out.includes(text)) out.push(text);
  }
  return out;
}
