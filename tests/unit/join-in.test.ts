import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinerIn } from '../../src/io/load-study.js';

describe('joinerIn: join(root, f) for a study’s files', () => {
  const segment = fc.constantFrom('', '.', '..', '...', '.x', '..x', 'x..', 'a', 'transcripts', 'P0001_pre.txt', 'é 😀.md', 'a b', '\\', 'a\\b');
  const path = (max: number) => fc.array(segment, { maxLength: max }).map((s) => s.join('/'));
  it('gives what join gives, for any root and path (plain or not: ., .., //, leading and trailing /)', () => {
    fc.assert(
      fc.property(fc.boolean(), path(4), path(5), (absolute, root, f) => {
        const r = absolute ? `/${root}` : root;
        expect(joinerIn(r)(f)).toBe(join(r, f));
      }),
      { numRuns: 3000 },
    );
  });
  it('hand cases', () => {
    expect(joinerIn('/s/study/')('transcripts/P1_pre.txt')).toBe('/s/study/transcripts/P1_pre.txt');
    expect(joinerIn('.')('transcripts/P1_pre.txt')).toBe('transcripts/P1_pre.txt');
    expect(joinerIn('/')('a')).toBe('/a');
    expect(joinerIn('/s/x/..')('a/../b')).toBe('/s/b');
  });
});
