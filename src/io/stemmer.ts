import { createRequire } from 'node:module';
import type { Stem } from '../core/coding/autocode.js';

/** Porter stemmers shipped by natural, by study language; loaded only when auto-coding runs. */
const STEMMERS: Record<string, string> = {
  en: 'porter_stemmer.js',
  fr: 'porter_stemmer_fr.js',
  de: 'porter_stemmer_de.js',
  es: 'porter_stemmer_es.js',
  it: 'porter_stemmer_it.js',
  nl: 'porter_stemmer_nl.js',
  no: 'porter_stemmer_no.js',
  pt: 'porter_stemmer_pt.js',
  ru: 'porter_stemmer_ru.js',
  sv: 'porter_stemmer_sv.js',
};

export const STEMMER_LANGUAGES = Object.keys(STEMMERS);

/** Longest token that is stemmed (see loadStemmer). */
export const MAX_STEMMED = 64;

/**
 * Which stemmer loadStemmer(language) gives (its module and natural's version), to key what was
 * stemmed with it; undefined when there is none.
 */
export function stemmerId(language: string): string | undefined {
  const file = STEMMERS[language.split('-')[0]!.toLowerCase()];
  if (!file) return undefined;
  naturalVersion ??= (createRequire(import.meta.url)('natural/package.json') as { version?: string }).version ?? '';
  return `${file}@${naturalVersion}:${MAX_STEMMED}`;
}
let naturalVersion: string | undefined;

/**
 * The stemmer for a language code (`en`, `fr`, `fr-CA`, ...). natural's top-level import costs
 * about a second and prints through dotenv; only the one stemmer module is imported here.
 */
export async function loadStemmer(language: string): Promise<Stem | undefined> {
  const file = STEMMERS[language.split('-')[0]!.toLowerCase()];
  if (!file) return undefined;
  const mod = (await import(`natural/lib/natural/stemmers/${file}`)) as { default: { stem(word: string): string } };
  const stemmer = mod.default;
  // Porter stemming costs more than linear time in the word's length (its rules rescan the
  // word): a 100 KB run of letters took half a minute. No word of any language is this long, so
  // tokens past MAX_STEMMED characters (a URL, a pasted hash, a hostile label) stay as they are.
  return (word) => (word.length > MAX_STEMMED ? word : stemmer.stem(word));
}
