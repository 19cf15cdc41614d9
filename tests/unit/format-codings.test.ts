import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSpan } from '../../src/core/coding/span.js';
import { CODINGS_COLUMNS, formatCodingsFile, parseCodingsFile, sortCodings } from '../../src/core/coding/store.js';
import type { Coding } from '../../src/core/coding/types.js';

/** formatCodingsFile as it was: every row's cells made, then stringified at once (the oracle). */
function formatBefore(codings: readonly Coding[], waveOrder: readonly string[]): string {
  const rows = sortCodings(codings, waveOrder).map((c) => [c.participant, c.wave, formatSpan(c), c.code, c.exemplar ? 'yes' : '', c.memo ?? '', c.hash ?? '']);
  return stringify([[...CODINGS_COLUMNS], ...rows], { delimiter: '\t', record_delimiter: '\n', quoted_match: /\r/ });
}

const waves = ['pre', '4-month', 'post'];
// Memos with what the file must quote or keep: tabs, quotes, a bare CR, CRLF, emoji, accents.
const memo = fc.option(fc.constantFrom('plain', 'tab\there', 'say "so"', 'bare\rcr', 'crlf\r\nline', 'new\nline', 'emoji 😀 and é', 'e\u0301', '=SUM(A1)'), { nil: undefined });
const coding = fc
  .record({
    participant: fc.constantFrom('P1', 'P2', 'P10', 'José', 'P2b'),
    wave: fc.constantFrom(...waves),
    startLine: fc.integer({ min: 1, max: 400 }),
    length: fc.integer({ min: 0, max: 3 }),
    columns: fc.option(fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 })), { nil: undefined }),
    code: fc.constantFrom('a', 'a.b', 'theme3.code4', 'zeta'),
    exemplar: fc.boolean(),
    memo,
    hash: fc.option(fc.constantFrom('0c1f9e2a', '5d41402a'), { nil: undefined }),
  })
  .map((r): Coding => {
    const c: Coding = { coder: 'alice', participant: r.participant, wave: r.wave, startLine: r.startLine, endLine: r.startLine + r.length, code: r.code, exemplar: r.exemplar };
    if (r.columns) {
      c.startColumn = r.columns[0];
      c.endColumn = r.length === 0 ? Math.max(r.columns[0], r.columns[1]) : r.columns[1];
    }
    if (r.memo !== undefined) c.memo = r.memo;
    if (r.hash !== undefined) c.hash = r.hash;
    return c;
  });

describe('formatCodingsFile, a run of rows at a time', () => {
  it('writes no coding as the header alone', () => {
    expect(formatCodingsFile([], waves)).toBe('participant\twave\tlines\tcode\texemplar\tmemo\thash\n');
  });

  it('writes the bytes of the file stringified at once (property: up to 7,000 rows, runs of 2,048 crossed; quoted memos)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(coding, { maxLength: 20 }), fc.array(coding, { minLength: 2000, maxLength: 7000, size: 'max' })), (list) => {
        expect(formatCodingsFile(list, waves)).toBe(formatBefore(list, waves));
      }),
      { numRuns: 25 },
    );
  });

  it('round-trips a file of several runs: the parse of what it writes is the codings, sorted', () => {
    const list: Coding[] = [];
    // 5,000 rows: two full runs of 2,048 and a part; a memo with a bare CR in the second run.
    for (let i = 0; i < 5000; i++) list.push({ coder: 'alice', participant: `P${(i % 50) + 1}`, wave: waves[i % 3]!, startLine: i + 1, endLine: i + 1, code: 'a', exemplar: i % 7 === 0, ...(i === 3000 ? { memo: 'bare\rcr' } : {}) });
    const text = formatCodingsFile(list, waves);
    expect(text.split('\n').length).toBe(5000 + 2); // header, rows, the empty string after the last newline
    const parsed = parseCodingsFile('codings/alice.tsv', text, 'alice');
    expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(parsed.codings.length).toBe(5000);
    expect(parsed.codings.find((c) => c.memo !== undefined)?.memo).toBe('bare\rcr');
    const row = (c: Coding): string => `${c.participant} ${c.wave} ${c.startLine}-${c.endLine} ${c.code} ${c.exemplar} ${c.memo ?? ''}`;
    expect(parsed.codings.map(row)).toEqual(sortCodings(list, waves).map(row));
  });
});
