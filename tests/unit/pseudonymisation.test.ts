import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKey, type Key } from '../../src/core/pseudonymisation/key.js';
import { applyReplacements, KeyMatcher, OffsetMap, replacedWithin } from '../../src/core/pseudonymisation/match.js';
import { compareRecord, formatRecord, memosText, parseRecord } from '../../src/core/pseudonymisation/record.js';

const key = (csv: string): Key => {
  const r = parseKey('key.csv', csv);
  if (!r.key) throw new Error(r.diagnostics.map((d) => `${d.line}: ${d.message}`).join('\n'));
  return r.key;
};
const replace = (csv: string, text: string): string => new KeyMatcher(key(csv)).replace(text);

describe('the key file', () => {
  it('reads name,pseudonym rows: BOM, CRLF, semicolons, quoted commas, extra columns, NFC, blank lines', () => {
    const k = key('\uFEFFName,Pseudonym,note\r\nSofia,Ana,the child\r\n\r\n"Cooper, Jamal",[child]\r\nJose\u0301 ,  Luis\r\n');
    expect(k.entries).toEqual([
      { name: 'Sofia', pseudonym: 'Ana', line: 2 },
      { name: 'Cooper, Jamal', pseudonym: '[child]', line: 4 },
      { name: 'José', pseudonym: 'Luis', line: 5 },
    ]);
    expect(key('name;pseudonym\nSofia;Ana\n').entries).toEqual([{ name: 'Sofia', pseudonym: 'Ana', line: 2 }]);
  });

  it('refuses what it cannot honour, at the line, without quoting a name', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['name,alias\nSofia,Ana\n', 1, /lacks 'name' and 'pseudonym'/],
      ['name,pseudonym\n', 1, /has no names/],
      ['name,pseudonym\nSofia,\n', 2, /without a pseudonym/],
      ['name,pseudonym\n,Ana\n', 2, /without a name/],
      ['name,pseudonym\nSofia,Ana\nSofia,Eva\n', 3, /same name as line 2/],
      ['name,pseudonym\nSofia,Theo\nTheo,Leo\n', 2, /pseudonym is the name of line 3/],
      ['name,pseudonym\nSofia,THEO\nTheo,Leo\n', 2, /pseudonym is the name of line 3/],
      ['name,pseudonym\nSofia,Ana Sofia\n', 2, /contains the name of line 2/],
      // A quoted cell over two lines: reported at the row's last line (where the CSV reader ends it).
      ['name,pseudonym\nSofia,"An\na"\n', 3, /line break/],
      ['name,pseudonym\n---,Ana\n', 2, /no letter or digit/],
      ['name,pseudonym\nDana,Eva\nDaNa,Mia\n', 3, /same name in capitals as line 2/],
      ['name,pseudonym\n"Sofia,Ana\n', 2, /cannot read the key/],
    ];
    for (const [csv, line, message] of cases) {
      const r = parseKey('key.csv', csv);
      expect(r.key, csv).toBeUndefined();
      const d = r.diagnostics.find((x) => x.severity === 'error')!;
      expect(d.message, csv).toMatch(message);
      expect(d.line, csv).toBe(line);
      expect(d.message).not.toMatch(/Sofia|Theo|Dana/);
    }
  });
});

describe('finding the names', () => {
  const K = "name,pseudonym\nSofia,Ana\nSofia Marquez,Ana M.\nTheo,Leonardo\nJosé,Luis\nSt Mary's Hospital,[hospital]\n";

  it('whole words only, in any script: not inside a longer word', () => {
    expect(replace(K, 'Sofias, 2Sofia, Sofiaé, Sofia! (Sofia) «Sofia»')).toBe('Sofias, 2Sofia, Sofiaé, Ana! (Ana) «Ana»');
    // An underscore separates words (file names: Sofia_pre.txt).
    expect(replace(K, 'Sofia_pre')).toBe('Ana_pre');
    // A combining accent after the name makes it another word ("Sofiá" written decomposed).
    expect(replace(K, 'Sofia\u0301 and Sofia')).toBe('Sofia\u0301 and Ana');
    // Emoji are not letters: the name next to one is a word.
    expect(replace(K, '😀Sofia😀 👩‍👧Theo')).toBe('😀Ana😀 👩‍👧Leonardo');
  });

  it("possessives and hyphens end a word; the key's spelling or capitals, the pseudonym in capitals then", () => {
    expect(replace(K, "Sofia's mum; SOFIA: hi; Theo-like")).toBe("Ana's mum; ANA: hi; Leonardo-like");
    // Lower case and other casings are not replaced (rose, will, may are words).
    expect(replace(K, 'sofia, sOFIA, SoFia')).toBe('sofia, sOFIA, SoFia');
  });

  it('longest first, spaces as any run of spaces or tabs (never a line break)', () => {
    expect(replace(K, 'Sofia Marquez and Sofia')).toBe('Ana M. and Ana');
    expect(replace(K, 'Sofia  Marquez, Sofia\tMarquez, Sofia\u00a0Marquez')).toBe('Ana M., Ana M., Ana M.');
    expect(replace(K, 'Sofia\nMarquez')).toBe('Ana\nMarquez');
    expect(replace(K, "at St Mary's Hospital")).toBe('at [hospital]');
  });

  it('accents composed or decomposed alike; the text is never renormalised', () => {
    // The key has José composed (NFC); the transcript from a Mac has it decomposed (NFD).
    expect(replace(K, 'Jose\u0301 and José; Jose')).toBe('Luis and Luis; Jose');
    const text = 'cafe\u0301 with Jose\u0301';
    expect(replace(K, text)).toBe('cafe\u0301 with Luis');
  });

  it('lists other spellings (case, accents) without replacing them, each at its place', () => {
    const m = new KeyMatcher(key(K));
    const text = 'Sofía, sofia, SOFIA, Sofia, theo, Théo, Jose';
    const found = m.find(text);
    expect(found.map((r) => text.slice(r.start, r.end))).toEqual(['SOFIA', 'Sofia']);
    const variants = m.variants(text, found);
    expect(variants.map((v) => [text.slice(v.start, v.end), v.entry])).toEqual([
      ['Sofía', 0],
      ['sofia', 0],
      ['theo', 2],
      ['Théo', 2],
      ['Jose', 3],
    ]);
  });
});

describe('positions after the replacements', () => {
  // "Sofia and Theo came" → "Ana and Leonardo came": Sofia (0-5) shrinks by 2, Theo (10-14) grows by 4.
  const m = new KeyMatcher(key('name,pseudonym\nSofia,Ana\nTheo,Leonardo\n'));
  const text = 'Sofia and Theo came';
  const reps = m.find(text);
  const map = new OffsetMap(reps);

  it('moves positions outside the names by what came before them', () => {
    expect(reps.map((r) => [r.start, r.end])).toEqual([
      [0, 5],
      [10, 14],
    ]);
    expect(map.map(0, 'start')).toEqual({ offset: 0, cut: false });
    expect(map.map(5, 'end')).toEqual({ offset: 3, cut: false });
    expect(map.map(6, 'start')).toEqual({ offset: 4, cut: false }); // "and"
    expect(map.map(10, 'start')).toEqual({ offset: 8, cut: false }); // "Theo" → "Leonardo" at 8
    expect(map.map(14, 'end')).toEqual({ offset: 16, cut: false });
    expect(map.map(19, 'end')).toEqual({ offset: 21, cut: false });
    expect(applyReplacements(text, reps)).toBe('Ana and Leonardo came');
  });

  it('a position inside a name goes to the start (a start) or the end (an end) of its pseudonym', () => {
    expect(map.map(2, 'start')).toEqual({ offset: 0, cut: true });
    expect(map.map(12, 'end')).toEqual({ offset: 16, cut: true });
    expect(replacedWithin(text, reps, 6, 14)).toBe('and Leonardo');
  });

  it('property: every stretch between names keeps its text, wherever the names are', () => {
    const k = key('name,pseudonym\nSofia,Ana\nTheo,Leonardo\nJosé,Luis Ángel\nBo,Christopher\n');
    const matcher = new KeyMatcher(k);
    const piece = fc.constantFrom('Sofia', 'Theo', 'José', 'Jose\u0301', 'Bo', 'BO', ' ', ', ', '\r\n', '😀', 'é', 'x', 'a', '. ');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const t = pieces.join('');
        const rs = matcher.find(t);
        const after = applyReplacements(t, rs);
        const om = new OffsetMap(rs);
        // Between two replacements (or the ends), the text is the same, at the mapped place.
        const bounds = [0, ...rs.flatMap((r) => [r.start, r.end]), t.length];
        for (let i = 0; i < bounds.length; i += 2) {
          const s = bounds[i]!;
          const e = bounds[i + 1]!;
          const ns = om.map(s, 'start');
          const ne = om.map(e, 'end');
          expect(ns.cut || ne.cut).toBe(false);
          expect(after.slice(ns.offset, ne.offset)).toBe(t.slice(s, e));
        }
        // Each replaced name is its pseudonym at its mapped place.
        for (const r of rs) expect(after.slice(om.map(r.start, 'start').offset, om.map(r.end, 'end').offset)).toBe(r.text);
      }),
    );
  });
});

describe('the record', () => {
  it('round-trips fingerprints and tells changed from new', () => {
    const texts = new Map([
      ['transcripts/P1_w1.txt', 'a'.repeat(64)],
      ['codings/alice.tsv', 'b'.repeat(64)],
    ]);
    const text = formatRecord({ texts });
    expect(text).not.toMatch(/key\b.*:/i);
    const { record } = parseRecord('pseudonymised.yaml', text);
    expect(record?.texts).toEqual(texts);
    const now = new Map([
      ['transcripts/P1_w1.txt', 'a'.repeat(64)],
      ['codings/alice.tsv', 'c'.repeat(64)],
      ['cases/P1.md', 'd'.repeat(64)],
    ]);
    expect(compareRecord(record!, now)).toEqual({ changed: ['codings/alice.tsv'], added: ['cases/P1.md'] });
    expect(parseRecord('pseudonymised.yaml', 'qualwave: other\n').record).toBeUndefined();
  });

  it("a codings file's fingerprint is made from its memos only, in any order", () => {
    const c = (memo?: string, line = 1) => ({ coder: 'a', participant: 'P1', wave: 'w1', startLine: line, endLine: line, code: 'x', exemplar: false, ...(memo ? { memo } : {}) });
    expect(memosText([c('b'), c('a', 2), c(undefined, 3)])).toBe(memosText([c('a', 7), c('b', 9)]));
    expect(memosText([c('b')])).not.toBe(memosText([c('a')]));
  });
});
