import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small longitudinal study written to a temporary folder, shaped to exercise attrition and a
 * late code. Every expected value of the tests that use it is worked out by hand from the tables
 * below (the raw codings), never from qualwave's output.
 *
 * Waves w1, w2, w3 (labels first, second, third). Who was interviewed:
 *
 *   participant  site   w1  w2  w3
 *   A            north  x   x   x
 *   B            south  x   x   .     lost after w2
 *   C            north  x   .   x     missed w2
 *   D            south  x   .   .     lost after w1
 *   E            north  .   x   x     joined at w2
 *   F            south  x   x   .     lost after w2, never coded
 *
 * Codebook: theme t (sub-codes t.a, t.b); theme u (sub-codes u.fear, anticipates u.late; and
 * u.late, since: w2, a code added to the codebook after w1 had been coded).
 *
 * Every transcript has one interviewer question (line 7) and four participant paragraphs, at lines
 * 9, 11, 13 and 15: four segments. Codings (coder x), as participant wave line code:
 */
export const MINI_CODINGS: ReadonlyArray<[string, string, number, string, string?]> = [
  ['A', 'w1', 9, 't.a'],
  ['A', 'w1', 15, 'u.fear'],
  ['A', 'w2', 9, 't.a'],
  ['A', 'w2', 11, 't.b'],
  ['A', 'w2', 15, 'u.late'],
  ['A', 'w3', 9, 't.a'],
  ['A', 'w3', 11, 't.b'],
  ['A', 'w3', 13, 't'],
  ['A', 'w3', 15, 't.a', 'follow-up: made at the third wave, after the second'],
  ['B', 'w1', 9, 't.a', 'follow-up: ask B about the move to the new flat'],
  ['B', 'w1', 9, 't.b'],
  ['B', 'w1', 11, 't.a'],
  ['B', 'w1', 13, 'u.fear'],
  ['C', 'w1', 13, 'u.fear'],
  ['C', 'w3', 9, 't.b'],
  ['C', 'w3', 13, 'u.late'],
  ['D', 'w1', 9, 't.a'],
  // Before u.late's since: w2. validate warns, and every table leaves it out.
  ['D', 'w1', 13, 'u.late'],
  ['D', 'w1', 15, 'u.fear'],
  ['E', 'w2', 9, 't.a'],
  ['E', 'w3', 9, 't.a'],
  ['E', 'w3', 11, 'u.late'],
];

const WHO: Record<string, { site: string; waves: string[] }> = {
  A: { site: 'north', waves: ['w1', 'w2', 'w3'] },
  B: { site: 'south', waves: ['w1', 'w2'] },
  C: { site: 'north', waves: ['w1', 'w3'] },
  D: { site: 'south', waves: ['w1'] },
  E: { site: 'north', waves: ['w2', 'w3'] },
  F: { site: 'south', waves: ['w1', 'w2'] },
};
const DATES: Record<string, string> = { w1: '2024-01-1', w2: '2024-05-1', w3: '2024-09-1' };

/** Words a participant says in each paragraph: distinct per participant, wave and line. */
function paragraph(p: string, wave: string, line: number): string {
  const topics: Record<number, string> = {
    9: 'the weekly visits and what we do together, mostly games and long talks about school',
    11: 'how the family started to trust me and leave us alone for an hour',
    13: 'being scared of how hard it might get if things go badly for her',
    15: 'what I feel after a bad week, sad and tired, and how I cope with it',
  };
  return `${p}: At ${wave} I talked about ${topics[line]}, and that is what ${p} remembers.`;
}

export function writeMiniStudy(opts: { since?: boolean } = {}): string {
  const root = join(mkdtempSync(join(tmpdir(), 'qualwave-mini-')), 'mini');
  mkdirSync(join(root, 'transcripts'), { recursive: true });
  mkdirSync(join(root, 'codebooks'));
  mkdirSync(join(root, 'codings'));
  writeFileSync(join(root, 'qualwave.yaml'), ['title: Mini longitudinal study', 'waves:', '  - { id: w1, label: first }', '  - { id: w2, label: second }', '  - { id: w3, label: third }', 'speakers:', '  interviewers: [Interviewer]', ''].join('\n'));
  writeFileSync(join(root, 'participants.csv'), ['id,site', ...Object.entries(WHO).map(([p, w]) => `${p},${w.site}`), ''].join('\n'));
  writeFileSync(
    join(root, 'codebooks/mini.yaml'),
    [
      'title: Mini codebook',
      'codes:',
      '  - id: t',
      '    label: Theme T',
      '    children:',
      '      - id: t.a',
      '        label: Sub-code A',
      '      - id: t.b',
      '        label: Sub-code B',
      '  - id: u',
      '    label: Theme U',
      '    children:',
      '      - id: u.fear',
      '        label: What was feared',
      '        anticipates: u.late',
      '      - id: u.late',
      '        label: What was lived',
      ...(opts.since === false ? [] : ['        since: w2']),
      '',
    ].join('\n'),
  );
  Object.entries(WHO).forEach(([p, w], i) => {
    for (const wave of w.waves) {
      const lines = ['---', `participant: ${p}`, `wave: ${wave}`, `date: ${DATES[wave]}${i}`, '---', '', 'Interviewer: How has it been?', '', paragraph(p, wave, 9), '', paragraph(p, wave, 11), '', paragraph(p, wave, 13), '', paragraph(p, wave, 15), ''];
      writeFileSync(join(root, 'transcripts', `${p}_${wave}.txt`), lines.join('\n'));
    }
  });
  writeFileSync(join(root, 'codings/x.tsv'), ['participant\twave\tlines\tcode\texemplar\tmemo\thash', ...MINI_CODINGS.map(([p, w, l, c, memo]) => `${p}\t${w}\t${l}\t${c}\t\t${memo ?? ''}\t`), ''].join('\n'));
  return root;
}
