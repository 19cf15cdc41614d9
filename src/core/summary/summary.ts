import type { Code } from '../codebook/types.js';
import type { SpeakerRule } from '../transcript/labels.js';
import type { SegmentMode, SpeakerRole, TranscriptFormat, TranscriptSource, UnlabelledRole } from '../transcript/types.js';
import type { Document, Study } from '../study/types.js';
import { codedSegmentCounts, type PairsStore } from '../matrix/coded.js';

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

/** One speaker of one transcript: who qualwave took them to be, and how much they said. */
export interface SpeakerSummary {
  /** The label as written, or null for text outside any turn. */
  label: string | null;
  role: SpeakerRole;
  /** The participant speaking, when not the transcript's (group interviews). */
  participant?: string;
  /** Why: speakers.map, the participant's id, an interviewer or participant label, a numbered label, another participant's id, unknown; `unlabelled` for text outside any turn. */
  rule: SpeakerRule | 'unlabelled';
  turns: number;
  segments: number;
  words: number;
}

/** Per transcript: its format, how it was segmented, and its speakers. */
export interface DocumentSummary {
  id: string;
  participant: string;
  wave: string;
  file: string;
  format: TranscriptFormat;
  /** The service whose export layout the file has, when recognised. */
  source?: TranscriptSource;
  date?: string;
  segmentation: SegmentMode;
  unlabelled: UnlabelledRole;
  segments: number;
  words: number;
  speakers: SpeakerSummary[];
  /** Text outside any turn left out (`unlabelled: none`). */
  skipped?: { lines: number; words: number };
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
  /** Every transcript with its speakers, in study order. */
  documents: DocumentSummary[];
}

/** The study at a glance: participation by wave, attrition and the codebook outline. Pure. */
export function summarise(study: Study, coder?: string, store?: PairsStore): StudySummary {
  const waves = study.config.waves;
  const present = new Map<string, Set<string>>(waves.map((w) => [w.id, new Set<string>()]));
  const waveSummaries: WaveSummary[] = waves.map((w) => ({ id: w.id, label: w.label, participants: 0, documents: 0, segments: 0, words: 0, participantWords: 0, codedSegments: coder === undefined ? null : 0 }));
  const coded = coder === undefined ? undefined : codedSegmentCounts(study, coder, store);
  const byWave = new Map(waveSummaries.map((w) => [w.id, w]));
  for (const d of study.documents) {
    const ws = byWave.get(d.wave)!;
    ws.documents++;
    const list = d.segmentList;
    ws.segments += list.length;
    // A text read only to count its words (none kept yet) is let go once counted: read again when needed.
    const held = list.holdsText;
    for (let i = 0; i < list.length; i++) {
      const n = list.words(i);
      ws.words += n;
      if (list.role(i) === 'participant') ws.participantWords += n;
    }
    if (!held) list.releaseText();
    if (coded) ws.codedSegments! += coded.get(d.id) ?? 0;
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
  let documents: DocumentSummary[] | undefined;
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
    // Made when first read (JSON, --speakers): the participation tables do not need every transcript's speakers.
    get documents(): DocumentSummary[] {
      return (documents ??= study.documents.map((d) => documentSummary(d)));
    },
  };
}

/**
 * A transcript's speakers in order of first appearance (text outside any turn first, when there
 * is some), each with turns, segments and words, so that a wrong detection shows at once.
 */
export function documentSummary(d: Document, words?: ArrayLike<number>): DocumentSummary {
  const list = d.segmentList;
  // Labelled speakers by their index (small integers: an array, in index order).
  const bySpeaker: Array<(SpeakerSummary & { lastTurn: number }) | undefined> = [];
  const unlabelled = new Map<SpeakerRole, SpeakerSummary & { lastTurn: number }>();
  let total = 0;
  let previous: SpeakerSummary | undefined;
  for (let i = 0; i < list.length; i++) {
    const n = words?.[i] ?? list.words(i);
    total += n;
    const s = list.speakerIndex(i);
    let row = s >= 0 ? bySpeaker[s] : unlabelled.get(list.role(i));
    if (!row) {
      if (s >= 0) {
        const info = d.speakerInfo[s];
        row = { label: d.speakers[s]!, role: list.role(i), rule: info?.rule ?? 'unknown', turns: 0, segments: 0, words: 0, lastTurn: -1 };
        if (info?.participant !== undefined) row.participant = info.participant;
        bySpeaker[s] = row;
      } else {
        row = { label: null, role: list.role(i), rule: 'unlabelled', turns: 0, segments: 0, words: 0, lastTurn: -1 };
        unlabelled.set(list.role(i), row);
      }
    }
    row.segments++;
    row.words += n;
    // A labelled speaker's turns are their turn numbers; unlabelled text's, its runs.
    const turn = list.turn(i);
    if (s >= 0 ? turn !== row.lastTurn : previous !== row) row.turns++;
    row.lastTurn = turn;
    previous = row;
  }
  const strip = ({ lastTurn: _, ...r }: SpeakerSummary & { lastTurn: number }): SpeakerSummary => r;
  const out: DocumentSummary = {
    id: d.id,
    participant: d.participant,
    wave: d.wave,
    file: d.file,
    format: d.format,
    ...(d.source !== undefined ? { source: d.source } : {}),
    ...(d.date !== undefined ? { date: d.date } : {}),
    segmentation: d.segmentation.mode,
    unlabelled: d.unlabelled.role,
    segments: list.length,
    words: total,
    speakers: [...[...unlabelled.values()].map(strip), ...bySpeaker.filter((r) => r !== undefined).map(strip)],
  };
  if (d.unlabelled.skipped) out.skipped = d.unlabelled.skipped;
  return out;
}
