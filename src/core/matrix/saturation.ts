import { compareStrings } from '../diagnostics/diagnostic.js';
import { naturalCompare } from '../text/sort.js';
import type { CodedStudy } from './coded.js';

/**
 * Saturation: interviews in the order they were held (by date; without dates, by wave then
 * participant), with the codes each one used for the first time and the running total. The data
 * behind "no new themes emerged after interview N".
 */
export interface SaturationStep {
  order: number;
  participant: string;
  wave: string;
  date: string | null;
  codes: number;
  newCodes: string[];
  cumulative: number;
}

export function saturation(cs: CodedStudy, opts: { rows: 'theme' | 'code' }): SaturationStep[] {
  const waveIndex = new Map(cs.study.config.waves.map((w) => [w.id, w.index]));
  const docs = [...cs.documents].sort((a, b) => compareStrings(a.date ?? '\uffff', b.date ?? '\uffff') || waveIndex.get(a.wave)! - waveIndex.get(b.wave)! || naturalCompare(a.participant, b.participant));
  const seen = new Set<string>();
  return docs.map((doc, i) => {
    const used = new Set<string>();
    for (const seg of cs.coded.get(doc.id) ?? []) for (const c of seg.codes) used.add(opts.rows === 'theme' ? (cs.study.codebook.byId.get(c)?.theme ?? c) : c);
    const order = cs.study.codebook.codes.map((c) => c.id);
    const fresh = [...used].filter((c) => !seen.has(c)).sort((a, b) => order.indexOf(a) - order.indexOf(b));
    fresh.forEach((c) => seen.add(c));
    return { order: i + 1, participant: doc.participant, wave: doc.wave, date: doc.date ?? null, codes: used.size, newCodes: fresh, cumulative: seen.size };
  });
}
