import type { Code } from '../codebook/types.js';
import type { Study } from '../study/types.js';
import { codedStudy } from '../matrix/coded.js';
import { countWords } from '../text/words.js';

/** Per wave: who was interviewed and how much they said. */
export interface WaveSummary {
  id: string;
  label: string;
  /** Participants interviewed at this wave (the wave's denominator). */
  participants: number;
  documents: number;
  segments: number;
  words: number;
  participantWords: number;
  /** Segments carrying at least one code of the summary's coder (null without one). */
  codedSegments: number | null;
}

/** Between consecutive waves: who stayed, who was lost (attrition), who joined. */
export interface Transition {
  from: string;
  to: string;
  continued: number;
  lost: number;
  joined: number;
}

export interface ParticipantSummary {
  id: string;
  attributes: Record<string, string>;
  /** Wave ids at which the participant was interviewed, in wave order. */
  waves: string[];
}

export interface CodeOutline {
  id: string;
  label: string;
  depth: number;
  children: CodeOutline[];
}

export interface StudySummary {
  title: string;
  language: string;
  /** Whose codings the coded-segment counts are: consensus, else the only coder; null if none. */
  coder: string | null;
  totals: { participants: number; interviewed: number; documents: number; segments: number; words: number; participantWords: number; codes: number; themes: number };
  waves: WaveSummary[];
  attrition: Transition[];
  participants: ParticipantSummary[];
  codebook: { files: Array<{ file: string; title: string }>; themes: CodeOutline[] };
}

/** The study at a glance: participation by wave, attrition and the codebook outline. Pure. */
export function summarise(study: Study, coder?: string): StudySummary {
  const waves = study.config.waves;
  const present = new Map<string, Set<string>>(waves.map((w) => [w.id, new Set<string>()]));
  const waveSummaries: WaveSummary[] = waves.map((w) => ({ id: w.id, label: w.label, participants: 0, documents: 0, segments: 0, words: 0, participantWords: 0, codedSegments: coder === undefined ? null : 0 }));
  const coded = coder === undefined ? undefined : codedStudy(study, coder);
  const byWave = new Map(waveSummaries.map((w) => [w.id, w]));
  for (const d of study.documents) {
    const ws = byWave.get(d.wave)!;
    ws.documents++;
    const list = d.segmentList;
    ws.segments += list.length;
    for (let i = 0; i < list.length; i++) {
      const n = countWords(list.text(i));
      ws.words += n;
      if (list.role(i) === 'participant') ws.participantWords += n;
    }
    if (coded) ws.codedSegments! += coded.coded.get(d.id)?.length ?? 0;
    present.get(d.wave)!.add(d.participant);
  }
  for (const ws of waveSummaries) ws.participants = present.get(ws.id)!.size;
  const attrition: Transition[] = [];
  for (let i = 1; i < waves.length; i++) {
    const a = present.get(waves[i - 1]!.id)!;
    const b = present.get(waves[i]!.id)!;
    let continued = 0;
    for (const p of a) if (b.has(p)) continued++;
    attrition.push({ from: waves[i - 1]!.id, to: waves[i]!.id, continued, lost: a.size - continued, joined: b.size - continued });
  }
  const participants = study.participants.map((p) => ({ id: p.id, attributes: p.attributes, waves: waves.filter((w) => present.get(w.id)!.has(p.id)).map((w) => w.id) }));
  const outline = (c: Code): CodeOutline => ({ id: c.id, label: c.label, depth: c.depth, children: c.children.map(outline) });
  const sum = (k: 'segments' | 'words' | 'participantWords'): number => waveSummaries.reduce((n, w) => n + w[k], 0);
  return {
    title: study.config.title,
    language: study.config.language,
    coder: coder ?? null,
    totals: {
      participants: study.participants.length,
      interviewed: participants.filter((p) => p.waves.length > 0).length,
      documents: study.documents.length,
      segments: sum('segments'),
      words: sum('words'),
      participantWords: sum('participantWords'),
      codes: study.codebook.codes.length,
      themes: study.codebook.themes.length,
    },
    waves: waveSummaries,
    attrition,
    participants,
    codebook: { files: study.codebook.files.map((f) => ({ file: f.file, title: f.title })), themes: study.codebook.themes.map(outline) },
  };
}
