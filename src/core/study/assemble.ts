import type { Codebook } from '../codebook/types.js';
import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { naturalCompare } from '../text/sort.js';
import { didYouMeanSuffix } from '../text/suggest.js';
import type { Document, Participant, Study, StudyConfig } from './types.js';

/**
 * Put the parsed parts of a study together and check them against each other: every transcript's
 * participant and wave are known, no participant and wave twice, every participant interviewed,
 * no empty transcripts, participant speech present.
 */
export function assembleStudy(parts: {
  root: string;
  config: StudyConfig;
  participantsFile: string;
  participants: Participant[];
  documents: Document[];
  codebook: Codebook;
  /** False when participants.csv could not be read: participant checks would only repeat that. */
  participantsLoaded?: boolean;
  /** Participants whose transcripts failed to load (already reported): not "never interviewed". */
  failedParticipants?: ReadonlySet<string>;
}): { study: Study; diagnostics: Diagnostic[] } {
  const { config, participants } = parts;
  const diagnostics: Diagnostic[] = [];
  const participantIds = new Set(participants.map((p) => p.id));
  const waveIndex = new Map(config.waves.map((w) => [w.id, w.index]));
  const byId = new Map<string, Document>();
  const documents: Document[] = [];
  for (const doc of parts.documents) {
    let ok = true;
    if (parts.participantsLoaded !== false && !participantIds.has(doc.participant)) {
      diagnostics.push(
        error(
          doc.file,
          doc.frontMatterLines?.['participant'],
          `participant '${doc.participant}' is not in ${parts.participantsFile}${didYouMeanSuffix(doc.participant, participantIds)}`,
          `add a row for '${doc.participant}' to ${parts.participantsFile}, or fix the ${doc.frontMatterLines?.['participant'] !== undefined ? 'front matter and file name' : 'file name'}`,
        ),
      );
      ok = false;
    }
    if (!waveIndex.has(doc.wave)) {
      diagnostics.push(error(doc.file, doc.frontMatterLines?.['wave'], `unknown wave '${doc.wave}'${didYouMeanSuffix(doc.wave, waveIndex.keys())}`, `waves in qualwave.yaml: ${config.waves.map((w) => w.id).join(', ')}`));
      ok = false;
    }
    const dup = byId.get(doc.id);
    if (dup) {
      diagnostics.push(error(doc.file, undefined, `participant '${doc.participant}' at wave '${doc.wave}' has two transcripts: ${dup.file} and ${doc.file}`, 'keep one file per participant and wave (merge them, or move one out of the transcripts folder)'));
      ok = false;
    }
    if (doc.segmentList.length === 0) {
      diagnostics.push(error(doc.file, undefined, 'transcript is empty (no text after the front matter)', 'add the interview text, or remove the file'));
      ok = false;
    } else if (doc.segmentList.count('participant') === 0) {
      const labels = doc.speakers.length > 0 ? doc.speakers.map((s) => `'${s}'`).join(', ') : 'none';
      diagnostics.push(warning(doc.file, undefined, `no participant speech (speaker labels: ${labels})`, `label the participant's turns '${doc.participant}:' or one of ${config.speakers.participants.join(', ')}, or add the label to speakers.participants`));
    }
    if (ok) {
      byId.set(doc.id, doc);
      documents.push(doc);
    }
  }
  // Participants with a transcript that has errors are not "never interviewed": the errors say enough.
  const interviewed = new Set(parts.documents.map((d) => d.participant));
  for (const p of participants) {
    if (!interviewed.has(p.id) && !parts.failedParticipants?.has(p.id)) {
      diagnostics.push(warning(parts.participantsFile, p.line, `participant '${p.id}' has no transcript at any wave`, `add their transcripts, or remove the row if they were never interviewed`));
    }
  }
  sortByWaveAndParticipant(documents, waveIndex);
  return { study: { root: parts.root, config, participants, documents, codebook: parts.codebook, codings: [], coders: [], finished: [] }, diagnostics };
}

/** A run of 16 digits or more: a number naturalCompare reads with Number(), which is exact only to 15 digits. */
const LONG_DIGITS = /[0-9]{16}/;

/**
 * Sort documents by wave, then participant in natural order (naturalCompare), as
 * `(a, b) => waveIndex.get(a.wave)! - waveIndex.get(b.wave)! || naturalCompare(a.participant, b.participant)`
 * sorts them, comparing each pair of participants by their place in the participants sorted once
 * (a few hundred comparisons, not a natural comparison for each of the thousands of pairs a sort of
 * 1,000 transcripts makes). The same order: on names whose digit runs are at most 15 long,
 * naturalCompare is a total order in which only equal names compare 0, so the places compare as
 * the names do, pair by pair, and the sort does what it did; other names are sorted as before.
 */
export function sortByWaveAndParticipant(documents: Array<Pick<Document, 'wave' | 'participant'>>, waveIndex: ReadonlyMap<string, number>): void {
  const names = [...new Set(documents.map((d) => d.participant))];
  if (names.some((n) => LONG_DIGITS.test(n))) {
    documents.sort((a, b) => waveIndex.get(a.wave)! - waveIndex.get(b.wave)! || naturalCompare(a.participant, b.participant));
    return;
  }
  names.sort(naturalCompare);
  const place = new Map(names.map((n, i) => [n, i]));
  documents.sort((a, b) => waveIndex.get(a.wave)! - waveIndex.get(b.wave)! || place.get(a.participant)! - place.get(b.participant)!);
}
