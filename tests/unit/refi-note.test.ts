import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { RUN, readNote, splitSelections } from '../../src/core/refi/note.js';

/**
 * readNote indexes the note's selections where they lie in its text (splitSelections) instead of
 * parsing them all. The oracle is JSON.parse of the whole note (what readNote did before): the
 * same refusals, the same members, and for every key the own member `selections[key]` (the last of
 * a repeated key) or undefined.
 */

const head = '{"qualwave":1,"study":{"title":"T","waves":[{"id":"pre","label":"Pre"}]},"files":[{"path":"qualwave.yaml","text":"a: \\"b\\"\\n","of":"config","digest":"d"}],"sources":{"g1":{"file":"transcripts/P1_pre.txt","participant":"P1","wave":"pre"}}';

// Keys as a hand-edited or hostile note may hold them: escapes, braces and quotes, the key itself, repeats.
const key = fc.constantFrom('a', 'b', '4d73e32d-1e9a-5b84-a28e-ebec6c79b75c', 'x\\"y', '}{', '\\u0061', '\\\\', 'selections', '"selections":', '__proto__', 'constructor', 'é😀', '\\n', ',');
const scalar = fc.constantFrom('1', '-2.5e3', '"9"', '"3-5"', '"}"', '"{["', '"a\\"}b"', 'true', 'null', '"\\u007d"', '0');
const field = fc.tuple(fc.constantFrom('start', 'end', 'lines', 'hash', 'exemplar', '}'), scalar);
const ws = fc.constantFrom('', ' ', '\n', '\r\n\t', '  ');
const flatValue = fc.tuple(fc.array(field, { maxLength: 4 }), ws).map(([fs, w]) => `{${w}${fs.map(([k, v]) => `"${k}"${w}:${w}${v}`).join(`,${w}`)}${w}}`);
// Mostly flat objects (the indexed shape), sometimes what makes the note be parsed whole.
const value = fc.oneof({ weight: 8, arbitrary: flatValue }, { weight: 1, arbitrary: fc.constantFrom('1', '"s"', 'null', '[]', '{"a":{"b":1}}', '{"a":[1,2]}', '[{"start":1}]') });
const entries = fc.array(fc.tuple(key, ws, value), { maxLength: 8 }).map((es) => es.map(([k, w, v]) => `${w}"${k}"${w}:${w}${v}`).join(','));
const note = fc.tuple(entries, ws, ws, fc.boolean(), fc.constantFrom('', ',"extra":{"selections":{"a":{"start":5}}}', ',"selections":{"a":{"start":7}}'), fc.boolean()).map(([sel, w1, w2, onlyMember, before, last]) => {
  if (onlyMember) return `${w1}{${w2}"selections":${w2}{${sel}}${w2}}${w1}`;
  const member = `"selections":${w2}{${sel}${w2}}`;
  return last ? `${w1}${head}${before},${w2}${member}${w2}}${w1}` : `${w1}${head},${member}${before}}`;
});
// Notes broken the ways an edit or a cut breaks them.
const broken = fc.tuple(note, fc.nat(), fc.constantFrom('', '"', '}', '{', ',', '\\', 'x', ':')).map(([t, at, put]) => {
  const i = at % (t.length + 1);
  return `${t.slice(0, i)}${put}${t.slice(i + (put === '' ? 1 : 0))}`;
});

/** What readNote's lookup must give for `k`: the whole parse's own member. */
function oracle(whole: unknown, k: string): unknown {
  const sel = (whole as { selections?: unknown }).selections as Record<string, unknown>;
  return Object.hasOwn(sel, k) ? sel[k] : undefined;
}

const probes = ['a', 'b', '4d73e32d-1e9a-5b84-a28e-ebec6c79b75c', 'x"y', '}{', '\\', 'selections', '"selections":', '__proto__', 'constructor', 'toString', 'é😀', '\n', ',', 'missing', ''];

describe("the qualwave note's selections looked up where they lie", () => {
  it('gives what JSON.parse of the whole note gives, for every key, and refuses what it refuses (property)', () => {
    fc.assert(
      fc.property(fc.oneof(note, broken), (text) => {
        let whole: unknown;
        try {
          whole = JSON.parse(text);
        } catch (e) {
          if (!(e instanceof SyntaxError)) throw e;
          expect(readNote(text).problem).toMatch(/not readable JSON/);
          expect(splitSelections(text)).toBeUndefined();
          return;
        }
        const got = readNote(text);
        const w = whole as Record<string, unknown>;
        const usable = w && typeof w === 'object' && w['qualwave'] === 1 && typeof w['study'] === 'object' && Array.isArray(w['files']) && typeof w['sources'] === 'object' && typeof w['selections'] === 'object';
        if (!usable) {
          expect(got.note).toBeUndefined();
          expect(got.problem).toMatch(/not one this version reads/);
          return;
        }
        expect(got.problem).toBeUndefined();
        const { selections, ...rest } = got.note!;
        const { selections: _s, ...wholeRest } = w;
        expect(rest).toEqual(wholeRest);
        if (w['selections'] === null) return;
        for (const k of probes) expect(selections.get(k)).toEqual(oracle(whole, k));
        for (const k of Object.keys(w['selections'] as object)) expect(selections.get(k)).toEqual(oracle(whole, k));
      }),
      { numRuns: 3000 },
    );
  });

  it('indexes a note as export writes it (selections last, flat entries), and the last of a repeated key wins (hand-made)', () => {
    const text = `${head},"selections":{"s1":{"start":0,"end":10,"lines":"1-2"},"s2":{"start":3,"end":4,"hash":"abc","exemplar":true},"s1":{"start":5,"end":6}}}`;
    const split = splitSelections(text);
    expect(split).toBeDefined();
    expect(split!.rest).toEqual({ qualwave: 1, study: { title: 'T', waves: [{ id: 'pre', label: 'Pre' }] }, files: [{ path: 'qualwave.yaml', text: 'a: "b"\n', of: 'config', digest: 'd' }], sources: { g1: { file: 'transcripts/P1_pre.txt', participant: 'P1', wave: 'pre' } } });
    expect(split!.selections.get('s1')).toEqual({ start: 5, end: 6 });
    expect(split!.selections.get('s2')).toEqual({ start: 3, end: 4, hash: 'abc', exemplar: true });
    expect(split!.selections.get('s3')).toBeUndefined();
    expect(split!.selections.get('constructor')).toBeUndefined();
    // Selections not last, or an entry holding an object: parsed whole (and still looked up the same).
    expect(splitSelections(`{"selections":{"a":{"start":1}},"qualwave":1}`)).toBeUndefined();
    expect(splitSelections(`{"selections":{"a":{"start":{"x":1}}}}`)).toBeUndefined();
    const nested = readNote(`${head},"selections":{"a":{"start":{"x":1}}}}`);
    expect(nested.note!.selections.get('a')).toEqual({ start: { x: 1 } });
  });

  it('checks entries a run at a time: a bad entry far from the first is still refused (hand-made, 10,000 entries)', () => {
    const good = Array.from({ length: 10000 }, (_, k) => `"k${k}":{"start":${k},"end":${k + 1}}`);
    const text = `${head},"selections":{${good.join(',')}}}`;
    expect(readNote(text).note!.selections.get('k9999')).toEqual({ start: 9999, end: 10000 });
    expect(readNote(text).note!.selections.get('k4096')).toEqual({ start: 4096, end: 4097 });
    const bad = [...good];
    bad[9000] = '"k9000":{"start":01}';
    expect(readNote(`${head},"selections":{${bad.join(',')}}}`).problem).toMatch(/not readable JSON/);
    bad[9000] = '"k9000":{"start":1,}';
    expect(readNote(`${head},"selections":{${bad.join(',')}}}`).problem).toMatch(/not readable JSON/);
  });

  it('checks the entries in runs of at most RUN units plus one entry, so that no check makes a string for the large-object space (10,000 entries, one of 100,000 units)', () => {
    // 10,000 entries of 31-35 units ("k0":{"start":0,"end":1} to "k9999":{"start":9999,"end":10000}) are
    // about 340,000 units: runs of 4,096 entries were strings of ~140,000 units (over 128 KB).
    const good = Array.from({ length: 10000 }, (_, k) => `"k${k}":{"start":${k},"end":${k + 1}}`);
    // One entry far longer than a run: checked on its own (an entry is never split).
    good[5000] = `"k5000":{"memo":"${'é'.repeat(100000)}"}`;
    const text = `${head},"selections":{${good.join(',')}}}`;
    const lengths: number[] = [];
    const parse = JSON.parse;
    const spy = vi.spyOn(JSON, 'parse').mockImplementation((s: string, r?: Parameters<typeof JSON.parse>[1]) => {
      lengths.push(s.length);
      return parse(s, r);
    });
    let got: ReturnType<typeof readNote>;
    try {
      got = readNote(text);
    } finally {
      spy.mockRestore();
    }
    expect(got.note!.selections.get('k9999')).toEqual({ start: 9999, end: 10000 });
    expect(got.note!.selections.get('k5000')).toEqual({ memo: 'é'.repeat(100000) });
    // The rest of the note (head), then the runs: each at most RUN units, the entry that ends it
    // (<= 35 units), a comma and the braces around it; the long entry's run holds it and at most RUN units before it.
    const runs = lengths.slice(1).filter((l) => l < 100000);
    expect(runs.length).toBeGreaterThan(340000 / (RUN + 40));
    expect(Math.max(...runs)).toBeLessThanOrEqual(RUN + 40);
    expect(RUN + 40).toBeLessThan(1 << 16);
    expect(lengths.slice(1).filter((l) => l >= 100000)).toHaveLength(1);
  });
});
