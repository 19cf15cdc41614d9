import type { StudyAgreementRow } from '../core/agreement/study.js';
import type { Study } from '../core/study/types.js';
import { loadedAsRead, studyInputsKey } from './load-study.js';
import { combinedKey, StudyIndex } from './study-index.js';

/**
 * The report's agreement rows (coefficients and bootstrap intervals) in the study index
 * (`.qualwave/index/agreement.bin`): they are made from the study alone (its files, read by the
 * load) with fixed options and a fixed seed, the same numbers with any number of workers; kept
 * under a key of every file the load read (studyInputsKey) and of the options, they are read back
 * while none of those files changed, instead of rating every segment and resampling again. One
 * entry (the last options'): the file never grows.
 */
const KIND = 'agreement';
const FILE = 'report';

export interface AgreementData {
  units: number;
  rows: StudyAgreementRow[];
}

/** The store of the agreement rows made from `study` with `options`; undefined with the index off (or a study not loaded from its files, or changed since: loadedAsRead). */
export function agreementStore(study: Study, options: unknown): { get(): AgreementData | undefined; put(data: AgreementData): void } | undefined {
  const inputs = studyInputsKey(study);
  const index = new StudyIndex(study.root).afterLoad();
  // (Only a study object as its load made it: one changed in memory gets rows made from what it holds.)
  if (inputs === undefined || !index.enabled || !loadedAsRead(study)) return undefined;
  const key = combinedKey([inputs, options]);
  return {
    get() {
      const data = index.get<AgreementData>(KIND, FILE, key);
      return data && typeof data.units === 'number' && Array.isArray(data.rows) ? data : undefined;
    },
    put(data) {
      index.put(KIND, FILE, key, data);
      index.flush();
    },
  };
}
