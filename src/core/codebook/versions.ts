import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Coding } from '../coding/types.js';
import type { Wave } from '../study/types.js';
import { didYouMeanSuffix } from '../text/suggest.js';
import type { Code, Codebook } from './types.js';
import { maxOf } from '../arrays.js';

/**
 * Codebook versions: a code says from which wave it was in use (`since: 4-month`). Before that
 * wave nobody looked for it, so a cell there is "not coded for", not zero: it is left out of
 * denominators and of every comparison between waves. A sub-code is in use no earlier than its
 * parent (it inherits the parent's `since` and may only move it later).
 */

/** The wave index from which each code is in use (0: from the first wave), parents' `since` inherited. */
export function sinceIndex(codebook: Pick<Codebook, 'codes' | 'byId'>, waves: readonly Wave[]): Map<string, number> {
  const byWave = new Map(waves.map((w) => [w.id, w.index]));
  const out = new Map<string, number>();
  // Codes are depth-first, so a parent is always resolved before its children.
  for (const c of codebook.codes) {
    const own = c.since === undefined ? 0 : (byWave.get(c.since) ?? 0);
    const parent = c.parent === undefined ? 0 : (out.get(c.parent) ?? 0);
    out.set(c.id, Math.max(own, parent));
  }
  return out;
}

/** `since` names a wave and is not earlier than the parent's; `anticipates` names another code, not its own branch. */
export function checkCodebookVersions(codebook: Pick<Codebook, 'codes' | 'byId'>, waves: readonly Wave[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const byWave = new Map(waves.map((w) => [w.id, w.index]));
  const effective = sinceIndex(codebook, waves);
  for (const c of codebook.codes) {
    if (c.since !== undefined) {
      const own = byWave.get(c.since);
      if (own === undefined) {
        diagnostics.push(error(c.file, c.line, `code '${c.id}': since: '${c.since}' is not a wave${didYouMeanSuffix(c.since, byWave.keys())}`, `waves in qualwave.yaml: ${waves.map((w) => w.id).join(', ')}`));
      } else if (c.parent !== undefined && own < (effective.get(c.parent) ?? 0)) {
        const parentSince = waves[effective.get(c.parent)!]!.id;
        diagnostics.push(error(c.file, c.line, `code '${c.id}' is in use since '${c.since}', before its parent '${c.parent}' (since '${parentSince}')`, `a sub-code cannot be older than its theme: give '${c.parent}' an earlier since:, or this code since: ${parentSince}`));
      }
    }
    if (c.anticipates !== undefined) {
      const target = codebook.byId.get(c.anticipates);
      if (!target) diagnostics.push(error(c.file, c.line, `code '${c.id}' anticipates '${c.anticipates}', which is not in the codebook${didYouMeanSuffix(c.anticipates, codebook.byId.keys())}`, 'name the code for what was later experienced'));
      else if (target.id === c.id || isWithin(codebook, target, c.id) || isWithin(codebook, c, target.id)) {
        diagnostics.push(error(c.file, c.line, `code '${c.id}' anticipates '${c.anticipates}', ${target.id === c.id ? 'itself' : 'a code of its own branch'}`, 'pair the anticipation with a code outside its own branch of the codebook (e.g. emotions.anticipated anticipates emotions.toll)'));
      }
    }
  }
  return diagnostics;
}

/** Whether `id` is `code` or one of its ancestors. */
function isWithin(codebook: Pick<Codebook, 'byId'>, code: Code, id: string): boolean {
  for (let c: Code | undefined = code; c; c = c.parent === undefined ? undefined : codebook.byId.get(c.parent)) if (c.id === id) return true;
  return false;
}

/**
 * Codings at a wave before their code's `since`: the code says nobody looked for it there, so the
 * tables leave these codings out; each is reported (the study says two things at once).
 */
export function checkCodingsSince(codebook: Pick<Codebook, 'codes' | 'byId'>, waves: readonly Wave[], codings: Iterable<Coding>): Diagnostic[] {
  const since = sinceIndex(codebook, waves);
  const byWave = new Map(waves.map((w) => [w.id, w.index]));
  const out: Diagnostic[] = [];
  for (const c of codings) {
    const s = since.get(c.code);
    const w = byWave.get(c.wave);
    if (s === undefined || w === undefined || w >= s) continue;
    const at = c.source ?? { file: `codings/${c.coder}.tsv`, line: undefined };
    out.push(
      warning(
        at.file,
        at.line,
        `'${c.code}' is coded at wave '${c.wave}', before the code was in use (since: ${waves[s]!.id}); tables treat '${c.wave}' as not coded for and leave this coding out`,
        `if wave '${c.wave}' was (re-)coded with '${c.code}', move its since: earlier (or remove it); otherwise remove the coding`,
      ),
    );
  }
  return out;
}

/**
 * Deriving `since` from the history of the codebook and the codings (read from git by the io
 * layer): `snapshots` are the commits that touched them, oldest first, each with the code ids the
 * codebook held and the waves that had at least one coding then. A code is in use from the first
 * wave whose coding had not yet begun when the code first appeared (a wave already being coded
 * without it is "not coded for"); a code that was there before any coding is in use from the first
 * wave. As `since` names a wave from which on, every wave up to the last one coded without the code
 * counts as not coded for. Codes the history never saw are returned as `unknown`, not guessed.
 */
export interface HistorySnapshot {
  commit: string;
  date: string;
  codes: ReadonlySet<string>;
  codedWaves: ReadonlySet<string>;
}

export interface DerivedSince {
  code: string;
  /** Wave id from which the code was in use, or null when that is after the last wave (the code was added after every wave's coding began). */
  since: string | null;
  /** The commit where the code first appeared. */
  added: { commit: string; date: string };
  /** Waves before `since` (not coded for): up to the last wave whose coding began before the code appeared. */
  before: string[];
}

export function sinceFromHistory(snapshots: readonly HistorySnapshot[], codes: readonly string[], waves: readonly Wave[]): { derived: DerivedSince[]; unknown: string[] } {
  const firstCode = new Map<string, number>();
  const firstWave = new Map<string, number>();
  snapshots.forEach((s, i) => {
    for (const c of s.codes) if (!firstCode.has(c)) firstCode.set(c, i);
    for (const w of s.codedWaves) if (!firstWave.has(w)) firstWave.set(w, i);
  });
  const derived: DerivedSince[] = [];
  const unknown: string[] = [];
  for (const code of codes) {
    const at = firstCode.get(code);
    if (at === undefined) {
      unknown.push(code);
      continue;
    }
    // A wave whose coding began in an earlier commit than the one adding the code was coded without it.
    const started = waves.filter((w) => firstWave.has(w.id) && firstWave.get(w.id)! < at);
    // `since` names a wave from which on the code was in use: after the last wave coded without it.
    const last = started.length ? maxOf(started.map((w) => w.index)) : -1;
    const since = waves[last + 1]?.id ?? null;
    const before = waves.filter((w) => w.index <= last).map((w) => w.id);
    derived.push({ code, since, added: { commit: snapshots[at]!.commit, date: snapshots[at]!.date }, before });
  }
  return { derived, unknown };
}
