import type { RetrieveFilters } from '../core/coding/retrieve.js';
import { AUTO_CODER, CONSENSUS_CODER } from '../core/coding/types.js';
import type { Study } from '../core/study/types.js';
import { defaultCoder } from '../core/matrix/coded.js';
import { didYouMeanSuffix } from '../core/text/suggest.js';
import { UsageError } from './errors.js';

/** Unknown codes, waves, participants or coders in filters are usage errors with a suggestion. */
export function checkFilters(study: Study, f: RetrieveFilters): RetrieveFilters {
  const check = (values: string[] | undefined, known: Iterable<string>, what: string, flag: string): void => {
    const set = new Set(known);
    for (const v of values ?? []) {
      if (!set.has(v)) throw new UsageError(`${flag} ${v}: no such ${what}${didYouMeanSuffix(v, set)}`, `${what}s: ${[...set].slice(0, 12).join(', ')}${set.size > 12 ? ', …' : ''}`);
    }
  };
  check(f.codes, study.codebook.byId.keys(), 'code', '--code');
  check(f.waves, study.config.waves.map((w) => w.id), 'wave', '--wave');
  check(f.participants, study.participants.map((p) => p.id), 'participant', '--participant');
  check(f.coders, study.coders, 'coder', '--coder');
  const attributes = new Set(study.participants.flatMap((p) => Object.keys(p.attributes)));
  for (const w of f.where ?? []) {
    if (!attributes.has(w.attribute)) throw new UsageError(`--where ${w.attribute}=…: no participant attribute '${w.attribute}'${didYouMeanSuffix(w.attribute, attributes)}`, `attributes: ${[...attributes].join(', ')}`);
  }
  return f;
}

/** Coders to compare: given, or every coder but auto and consensus; two or more. */
export function selectCoders(study: Study, given: string[] | undefined): string[] {
  const coders = given ?? study.coders.filter((c) => c !== AUTO_CODER && c !== CONSENSUS_CODER);
  for (const c of coders) if (!study.coders.includes(c)) throw new UsageError(`--coders: no coder '${c}'${didYouMeanSuffix(c, study.coders)}`, `coders: ${study.coders.join(', ') || 'none yet'}`);
  if (coders.length < 2) throw new UsageError(`this needs two or more coders; the study has ${study.coders.length ? study.coders.join(', ') : 'none'}`, 'name them with --coders A,B');
  return coders;
}


/** The coder whose codings a table uses (--coder; default consensus, else the only coder). */
export function tableCoder(study: Study, asked: string | undefined): string {
  const { coder, problem } = defaultCoder(study, asked);
  if (coder) return coder;
  throw new UsageError(`${problem}${asked ? didYouMeanSuffix(asked, study.coders) : ''}: choose the coder with --coder`, study.coders.length ? `coders: ${study.coders.join(', ')} (qualwave reconcile makes a consensus coder)` : 'code the study first: qualwave code, qualwave codings import or qualwave autocode');
}

/** A non-negative whole number option (e.g. --decimals). */
export function wholeNumber(v: unknown, flag: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 10) throw new UsageError(`${flag} ${String(v)}: expected a whole number from 0 to 10`);
  return n;
}
