import { RegExpParser } from '@eslint-community/regexpp';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePattern, tokenize } from '../../src/core/coding/autocode.js';
import { necessaryLiterals } from '../../src/core/coding/patterns.js';

const literalsOf = (pattern: string): string[] | undefined => necessaryLiterals(new RegExpParser({ ecmaVersion: 2024 }).parseLiteral(`/${pattern}/i`).pattern as never);

describe('necessary literals of a pattern (auto-coding tries a pattern only where a word holds one)', () => {
  it('finds them by hand-checked cases', () => {
    expect(literalsOf('\\bsupport\\w*\\b')).toEqual(['support']);
    expect(literalsOf('\\b(respite|break) care\\b')).toEqual(['respite', 'break']);
    expect(literalsOf('(time off|day off)')).toEqual(['time', 'day']);
    expect(literalsOf('Hospital')).toEqual(['hospital']);
    expect(literalsOf('x{2,}y')).toEqual(['x']);
    // Nothing is certain: an optional part, a class, an alternative without letters.
    expect(literalsOf('(abc)?\\d+')).toBeUndefined();
    expect(literalsOf('[a-z]+')).toBeUndefined();
    expect(literalsOf('abc|\\d')).toBeUndefined();
  });

  it('every match contains one of them inside one word of the text', () => {
    const atom = fc.constantFrom('a', 'b', 'ab', 'ba', 'abc', 'B', 'Ab', '\\w', '\\d', '.', ' ', '\\b', "'", 'é');
    const piece = fc.oneof(
      atom,
      atom.map((a) => `(${a})+`),
      atom.map((a) => `(${a})?`),
      fc.tuple(atom, atom).map(([x, y]) => `(${x}|${y})`),
    );
    const pattern = fc.array(piece, { minLength: 1, maxLength: 4 }).map((p) => p.join(''));
    const text = fc.array(fc.constantFrom('a', 'b', 'c', 'A', 'B', ' ', "'", 'é', 'É', 'ſ', 'K', 'İ', '1', '\n', '-', '_'), { maxLength: 30 }).map((c) => c.join(''));
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        const lits = literalsOf(p);
        if (!lits || !compilePattern(p).test(t)) return;
        expect(tokenize(t).some((w) => lits.some((l) => w.includes(l)))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
