import { codingsTsv } from './study.js';

/**
 * Small studies for the learner (core/learn, qualwave suggest), built so that what a model can learn
 * from them, and so their evaluation numbers, follow by hand (tests/unit/learn.test.ts).
 */

/** A transcript whose interviewer asks the same question before every answer (so the question tells nothing). */
export function interview(participant: string, answers: readonly string[]): string {
  return answers.map((a) => `I: Tell me more about that?\n\n${participant}: ${a}\n`).join('\n');
}
/** The line of answer i in `interview`: each question and answer take 4 lines (question, blank, answer, blank). */
export const line = (i: number): number => 3 + 4 * i;

export const PEOPLE = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6'];
export const WAVES = ['w1', 'w2'];
const FLOWERS = ['roses', 'tulips', 'daisies', 'lilies', 'poppies', 'violets'];
const CITIES = ['Leeds', 'York', 'Bath', 'Derby', 'Hull', 'Ely'];

/**
 * Separable: every transcript has four answers; answers 1 and 2 are about the garden (alice codes
 * them t.a), answers 3 and 4 about train tickets (not coded). The codebook's keyword for t.a is
 * "ticket": the keyword auto-coder marks exactly the answers alice did not code.
 */
export function separable(opts: { ben?: boolean; uncoded?: string[] } = {}): Record<string, string> {
  const files: Record<string, string> = {
    'codebooks/c.yaml': ['title: Toy', 'codes:', '  - id: t', '    label: Theme', '    children:', '      - id: t.a', '        label: Garden', '        keywords: [ticket]', '      - id: t.b', '        label: B', ''].join('\n'),
  };
  const alice: Array<[string, string, number, string]> = [];
  const ben: Array<[string, string, number, string]> = [];
  PEOPLE.forEach((p, k) => {
    for (const w of WAVES) {
      const f = FLOWERS[k]!;
      const c = CITIES[k]!;
      files[`transcripts/${p}_${w}.txt`] = interview(p, [`We planted ${f} in the garden, my sister and I.`, `The garden was full of ${f} and weeds by spring.`, `The train ticket to ${c} cost too much.`, `I lost my ticket at the station in ${c}.`]);
      if (opts.uncoded?.includes(p)) continue;
      alice.push([p, w, line(0), 't.a'], [p, w, line(1), 't.a']);
      ben.push([p, w, line(0), 't.a'], [p, w, line(1), 't.a']);
    }
  });
  // ben applies t.a once where alice did not: P1 at w1, answer 3.
  ben.push(['P1', 'w1', line(2), 't.a']);
  files['codings/alice.tsv'] = codingsTsv(alice);
  if (opts.ben) files['codings/ben.tsv'] = codingsTsv(ben);
  return files;
}
