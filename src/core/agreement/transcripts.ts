import type { Document, Study } from '../study/types.js';
import { codingTable } from '../coding/table.js';

/**
 * Which transcripts coders are compared on. For each coder, a transcript is *finished* (they
 * marked it so: codings/CODER.finished.tsv), *coded* (they applied at least one code there), or
 * *not coded*. In a finished or coded transcript, text the coder did not code means "code absent".
 *
 * What a coder's silence in a transcript means (`--uncoded`):
 *
 * - `absent` (the default for agreement): the coder read it and found nothing, as NVivo and
 *   MAXQDA count it. This cannot inflate agreement: every coding another coder made there counts
 *   against the silent coder. Transcripts that no compared coder coded or finished are left out
 *   (counting them would add agreement nobody observed) and reported.
 * - `missing`: the coder has not coded it yet; the transcript is left out, and reported.
 *
 * Disagreements and reconciliation always use `missing`: a meeting settles transcripts everyone coded.
 */
export type Uncoded = 'absent' | 'missing';
export type CoderStatus = 'finished' | 'coded' | 'not coded';

export interface ExcludedTranscript {
  transcript: string;
  file: string;
  reason: string;
  coders: Record<string, CoderStatus>;
}

export interface SilentTranscript {
  transcript: string;
  file: string;
  /** Coders who neither coded nor finished it, counted as "code absent" everywhere there. */
  coders: string[];
}

export interface TranscriptSelection {
  compared: Document[];
  excluded: ExcludedTranscript[];
  /** With `absent`: transcripts where some coders are silent, counted as having found nothing. */
  readAsAbsent: SilentTranscript[];
  /** Coded but not marked finished, by coders who mark finished transcripts elsewhere (a transcript in progress?). */
  notFinished: Array<{ transcript: string; file: string; coders: string[] }>;
}

export function coderStatus(study: Pick<Study, 'codings' | 'finished'>, coders: readonly string[]): (doc: Document, coder: string) => CoderStatus {
  const wanted = new Set(coders);
  const coded = new Set<string>();
  // Codings come grouped by coder and transcript: one set entry per run (read from the columns when
  // the codings are kept so: no object made per coding).
  for (const part of codingTable(study).parts) {
    if (part.objects) {
      let last: { coder: string; participant: string; wave: string } | undefined;
      for (const c of part.objects) {
        if (last && c.coder === last.coder && c.participant === last.participant && c.wave === last.wave) continue;
        last = c;
        if (wanted.has(c.coder)) coded.add(`${c.coder}\u0000${c.participant}/${c.wave}`);
      }
      continue;
    }
    const p = part.packed;
    if (!wanted.has(p.coder)) continue;
    for (let i = 0; i < p.participant.length; i++) {
      if (i > 0 && p.participant[i] === p.participant[i - 1] && p.wave[i] === p.wave[i - 1]) continue;
      coded.add(`${p.coder}\u0000${p.strings[p.participant[i]!]}/${p.strings[p.wave[i]!]}`);
    }
  }
  const finished = new Set<string>();
  for (const f of study.finished) if (wanted.has(f.coder)) finished.add(`${f.coder}\u0000${f.participant}/${f.wave}`);
  return (doc, coder) => (finished.has(`${coder}\u0000${doc.id}`) ? 'finished' : coded.has(`${coder}\u0000${doc.id}`) ? 'coded' : 'not coded');
}

export function selectTranscripts(study: Pick<Study, 'codings' | 'finished'>, docs: readonly Document[], coders: readonly string[], uncoded: Uncoded): TranscriptSelection {
  const status = coderStatus(study, coders);
  const marksFinished = new Set(study.finished.map((f) => f.coder));
  const out: TranscriptSelection = { compared: [], excluded: [], readAsAbsent: [], notFinished: [] };
  for (const doc of docs) {
    const st: Record<string, CoderStatus> = Object.fromEntries(coders.map((c) => [c, status(doc, c)]));
    const silent = coders.filter((c) => st[c] === 'not coded');
    if (silent.length === coders.length) {
      out.excluded.push({ transcript: doc.id, file: doc.file, reason: 'no compared coder coded or finished it', coders: st });
      continue;
    }
    if (silent.length > 0 && uncoded === 'missing') {
      out.excluded.push({ transcript: doc.id, file: doc.file, reason: `${silent.join(', ')} neither coded nor finished it`, coders: st });
      continue;
    }
    if (silent.length > 0) out.readAsAbsent.push({ transcript: doc.id, file: doc.file, coders: silent });
    const unfinished = coders.filter((c) => st[c] === 'coded' && marksFinished.has(c));
    if (unfinished.length > 0) out.notFinished.push({ transcript: doc.id, file: doc.file, coders: unfinished });
    out.compared.push(doc);
  }
  return out;
}
