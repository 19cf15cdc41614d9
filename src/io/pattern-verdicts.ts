import type { Codebook } from '../core/codebook/types.js';
import { checkPatterns, codebookPatterns, PATTERN_CHECK_VERSION, type PatternCheck, type PatternVerdict } from '../core/coding/patterns.js';
import { combinedKey, StudyIndex } from './study-index.js';

/**
 * checkPatterns with its verdicts kept in the study index (`patterns.bin`): the analysis loads
 * three libraries and parses every pattern (tens of milliseconds), and says the same of the same
 * patterns each time. The entry is keyed by the codebook's distinct patterns and the analysis'
 * version (and, as every entry, by the qualwave build: an upgrade of qualwave or of its libraries
 * makes them again); a miss makes every verdict as before, so the messages are the same either way.
 */
export async function checkPatternsKept(root: string, codebook: Pick<Codebook, 'codes'>): Promise<PatternCheck> {
  const patterns = codebookPatterns(codebook);
  if (patterns.length === 0) return checkPatterns(codebook);
  const index = new StudyIndex(root);
  try {
    const key = index.enabled ? combinedKey([PATTERN_CHECK_VERSION, ...patterns]) : undefined;
    const kept = key ? index.get<Array<[string, PatternVerdict]>>('patterns', 'codebook', key) : undefined;
    const known = Array.isArray(kept) && kept.length === patterns.length ? new Map(kept) : undefined;
    const checked = await checkPatterns(codebook, known);
    if (key && !known) index.put('patterns', 'codebook', key, [...checked.verdicts]);
    return checked;
  } finally {
    index.finish();
  }
}
