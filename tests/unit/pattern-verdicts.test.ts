import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPatterns } from '../../src/core/coding/patterns.js';
import { loadStudy } from '../../src/io/load-study.js';
import { checkPatternsKept } from '../../src/io/pattern-verdicts.js';
import { transcript, writeStudy } from '../helpers/study.js';

/**
 * The pattern checks' verdicts kept in the study index (io/pattern-verdicts.ts): made from the
 * kept verdicts or made again, the check says the same (messages, engines, literals, in order).
 */
const codebook = (patterns: string[]): string => ['title: c', 'codes:', '  - id: t', '    label: T', '    children:', '      - id: t.a', '        label: A', `        patterns: [${patterns.map((p) => `'${p}'`).join(', ')}]`, '      - id: t.b', '        label: B', "        patterns: ['\\blegos?\\b']", ''].join('\n');

// Exponential (refused), overlapping under a repetition (linear engine), the same with lookbehind
// (refused: the linear engine cannot run it), plain (JavaScript, with literals), Unicode, and one
// pattern used by two codes.
const PATTERNS = ['(a+)+$', '(\\w|\\d)+x', '(?<=a)(b|bc)*d', '\\blegos?\\b', '\\p{L}+é'];

describe('pattern verdicts kept in the study index', () => {
  it('give the same check as the analysis made afresh', async () => {
    const root = writeStudy({ 'transcripts/P1_w1.txt': transcript('P1', 2), 'codebooks/c.yaml': codebook(PATTERNS) });
    const { study } = await loadStudy(root);
    const fresh = await checkPatterns(study!.codebook);
    // Hand-checked: two refused, in codebook order (exponential; lookbehind, which the linear
    // engine cannot run), and the engines and literals of the others.
    expect(fresh.diagnostics.map((d) => d.message.replace(/ is refused: (it can take exponential|its matching time|it cannot be analysed).*$/, ' $1'))).toEqual(['pattern "(a+)+$" of code \'t.a\' it can take exponential', 'pattern "(?<=a)(b|bc)*d" of code \'t.a\' its matching time']);
    expect([...fresh.engines]).toEqual([
      ['(\\w|\\d)+x', 'linear'],
      ['\\blegos?\\b', 'js'],
      ['\\p{L}+é', 'linear'],
    ]);
    expect([...fresh.literals]).toEqual([['\\blegos?\\b', ['lego']]]);
    const again = await checkPatterns(study!.codebook, fresh.verdicts);
    expect(again).toStrictEqual(fresh);

    const first = await checkPatternsKept(root, study!.codebook);
    expect(existsSync(join(root, '.qualwave', 'index', 'patterns.bin'))).toBe(true);
    const kept = await checkPatternsKept(root, study!.codebook);
    for (const c of [first, kept]) {
      expect(c.diagnostics).toStrictEqual(fresh.diagnostics);
      expect([...c.engines]).toStrictEqual([...fresh.engines]);
      expect([...c.literals]).toStrictEqual([...fresh.literals]);
    }

    // Another codebook: its own verdicts, not the kept ones.
    writeFileSync(join(root, 'codebooks/c.yaml'), codebook(['(b+)+$', 'plain']));
    const other = (await loadStudy(root)).study!.codebook;
    const changed = await checkPatternsKept(root, other);
    expect(changed.diagnostics).toStrictEqual((await checkPatterns(other)).diagnostics);
    expect(changed.diagnostics).toHaveLength(1);
    expect([...changed.engines]).toEqual([
      ['plain', 'js'],
      ['\\blegos?\\b', 'js'],
    ]);
  });
});
