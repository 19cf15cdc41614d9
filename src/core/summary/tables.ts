import type { Table } from '../format/table.js';
import type { CodeOutline, DocumentSummary, SpeakerSummary, StudySummary } from './summary.js';

export type SummaryTable = 'waves' | 'participation' | 'attrition' | 'codebook' | 'speakers';

/** What the speakers table says about how a label's role was decided. */
const RULES: Record<SpeakerSummary['rule'], string> = {
  map: 'speakers.map',
  participant: "participant's id",
  interviewer: 'interviewer label',
  label: 'participant label',
  id: "another participant's id",
  numbered: 'numbered label',
  unknown: 'not recognised',
  unlabelled: 'no label (outside any turn)',
};

/**
 * Per transcript, every speaker found: label, role (and participant, in a group interview), how
 * the role was decided, turns, segments and words. One row per speaker; `flat` adds the columns
 * CSV needs (participant, wave, format, segmentation).
 */
export function speakersTable(docs: readonly DocumentSummary[], opts: { flat?: boolean } = {}): Table {
  const rows: Array<Array<string | number>> = [];
  for (const d of docs) {
    for (const sp of d.speakers) {
      const role = sp.participant !== undefined ? `participant ${sp.participant}` : sp.role;
      const label = sp.label ?? '(no label)';
      rows.push(opts.flat ? [d.participant, d.wave, d.file, d.format, d.source ?? '', d.segmentation, label, sp.role, sp.participant ?? '', RULES[sp.rule], sp.turns, sp.segments, sp.words] : [d.file, label, role, RULES[sp.rule], sp.turns, sp.segments, sp.words]);
    }
    if (d.skipped) rows.push(opts.flat ? [d.participant, d.wave, d.file, d.format, d.source ?? '', d.segmentation, '(no label)', 'none', '', 'left out (unlabelled: none)', '', 0, d.skipped.words] : [d.file, '(no label)', 'none', 'left out (unlabelled: none)', '', 0, d.skipped.words]);
  }
  const counts = [
    { header: 'turns', align: 'right' as const },
    { header: 'segments', align: 'right' as const },
    { header: 'words', align: 'right' as const },
  ];
  const columns = opts.flat
    ? [{ header: 'participant' }, { header: 'wave' }, { header: 'file' }, { header: 'format' }, { header: 'source' }, { header: 'segmented_by' }, { header: 'speaker' }, { header: 'role' }, { header: 'speaking_participant' }, { header: 'how' }, ...counts]
    : [{ header: 'transcript' }, { header: 'speaker' }, { header: 'role' }, { header: 'how' }, ...counts];
  return { title: 'Speakers', columns, rows };
}

/** Participants x waves, as in a participation figure: a mark where the participant was interviewed. */
export function participationTable(s: StudySummary, marks: { yes: string; no: string } = { yes: '●', no: '·' }): Table {
  return {
    title: 'Participation',
    columns: [{ header: 'participant' }, ...s.waves.map((w) => ({ header: w.id, align: 'center' as const }))],
    rows: s.participants.map((p) => [p.id, ...s.waves.map((w) => (p.waves.includes(w.id) ? marks.yes : marks.no))]),
    footer: [['n', ...s.waves.map((w) => w.participants)]],
  };
}

export function wavesTable(s: StudySummary): Table {
  return {
    title: 'Waves',
    columns: [
      { header: 'wave' },
      { header: 'label' },
      { header: 'participants', align: 'right' },
      { header: 'transcripts', align: 'right' },
      { header: 'segments', align: 'right' },
      { header: 'words', align: 'right' },
      { header: 'participant words', align: 'right' },
      ...(s.coder ? [{ header: `coded (${s.coder})`, align: 'right' as const }] : []),
    ],
    rows: s.waves.map((w) => [w.id, w.label, w.participants, w.documents, w.segments, w.words, w.participantWords, ...(s.coder ? [w.codedSegments ?? 0] : [])]),
    footer: [['all', '', s.totals.interviewed, s.totals.documents, s.totals.segments, s.totals.words, s.totals.participantWords, ...(s.coder ? [s.waves.reduce((n, w) => n + (w.codedSegments ?? 0), 0)] : [])]],
  };
}

export function attritionTable(s: StudySummary): Table {
  return {
    title: 'Attrition',
    columns: [{ header: 'from' }, { header: 'to' }, { header: 'continued', align: 'right' }, { header: 'lost', align: 'right' }, { header: 'joined', align: 'right' }],
    rows: s.attrition.map((t) => [t.from, t.to, t.continued, t.lost, t.joined]),
  };
}

/**
 * The codebook outline: one row per code. For the terminal and Markdown sub-codes are indented
 * under their theme; `flat` (CSV/TSV) gives theme and depth columns instead.
 */
export function codebookTable(s: StudySummary, opts: { flat?: boolean } = {}): Table {
  const rows: Array<Array<string | number>> = [];
  const walk = (c: CodeOutline, theme: string): void => {
    rows.push(opts.flat ? [c.id, c.label, theme, c.depth] : ['\u00a0\u00a0'.repeat(c.depth) + c.id, c.label]);
    c.children.forEach((child) => walk(child, theme));
  };
  s.codebook.themes.forEach((t) => walk(t, t.id));
  const titles = s.codebook.files.map((f) => `${f.title} (${f.file})`).join('; ');
  const columns = opts.flat ? [{ header: 'code' }, { header: 'label' }, { header: 'theme' }, { header: 'depth', align: 'right' as const }] : [{ header: 'code' }, { header: 'label' }];
  return { title: `Codebook: ${titles || 'none'}`, columns, rows };
}

export function summaryTable(s: StudySummary, which: SummaryTable): Table {
  switch (which) {
    case 'waves':
      return wavesTable(s);
    case 'participation':
      return participationTable(s, { yes: '1', no: '0' });
    case 'attrition':
      return attritionTable(s);
    case 'codebook':
      return codebookTable(s, { flat: true });
    case 'speakers':
      return speakersTable(s.documents, { flat: true });
  }
}
