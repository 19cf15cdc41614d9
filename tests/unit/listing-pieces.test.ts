import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { framework, frameworkInRows } from '../../src/api/analyses.js';
import { passages, retrieve, retrievedRuns, retrieving } from '../../src/core/coding/retrieve.js';
import { jsonArrayPieces, jsonObjectPieces } from '../../src/core/format/json.js';
import { renderPassages, renderPassagesPieces } from '../../src/core/format/passages.js';
import { renderDelimited, renderDelimitedPieces, renderMarkdown, renderMarkdownPieces, renderTerminal, renderTerminalPieces, stringifyCsv, stringifyWithLibrary, type Cell, type Table } from '../../src/core/format/table.js';
import { loadStudy } from '../../src/io/load-study.js';
import { batched } from '../../src/cli/context.js';
import { repo } from '../helpers/cli.js';
import { copyOf } from '../helpers/inproc.js';
import { fixtureStudies, randomCodings, scenario } from '../helpers/random-codings.js';
import * as before from '../helpers/table-before.js';
import * as meetingBefore from '../helpers/reconcile-before.js';
import { disagreements, reconcile } from '../../src/core/agreement/reconcile.js';

/** `items` cut into runs at the given places (empty runs included). */
function runsOf<T>(items: readonly T[], cuts: readonly number[]): T[][] {
  const at = [...new Set(cuts.map((c) => c % (items.length + 1)))].sort((a, b) => a - b);
  const out: T[][] = [];
  let from = 0;
  for (const c of at) {
    out.push(items.slice(from, c));
    from = c;
  }
  out.push(items.slice(from));
  return out;
}

// Text a cell may hold: Markdown and CSV specials, line breaks (CRLF, bare CR), tabs, formula
// starts, control characters, accents, emoji and a line separator.
const piece = fc.constantFrom('a', 'é', '👍🏽', '|', '*', '_', '"', ',', '\t', '\n', '\r\n', '\r', '=', '+', '-', '@', ' ', '\u001b[31m', '\u2028', '<b>', '\\', 'x y');
const text = fc.array(piece, { maxLength: 8 }).map((p) => p.join(''));
// (Integers whose text is not plain digits too: the terminal table takes an integer's width from its text's length.)
const cell: fc.Arbitrary<Cell> = fc.oneof(text, fc.integer({ min: -1000, max: 1000 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(-0, 1e21, -1e21, 2 ** 53, Infinity, -Infinity));
const table = fc.integer({ min: 1, max: 5 }).chain((width) =>
  fc.record({
    title: fc.option(text, { nil: undefined }),
    columns: fc.array(fc.record({ header: text, align: fc.constantFrom(undefined, 'left' as const, 'right' as const, 'center' as const) }), { minLength: width, maxLength: width }),
    rows: fc.array(fc.array(cell, { minLength: width, maxLength: width }), { maxLength: 12 }),
    footer: fc.option(fc.array(fc.array(cell, { minLength: width, maxLength: width }), { maxLength: 2 }), { nil: undefined }),
    bold: fc.option(fc.array(fc.boolean(), { maxLength: 14 }), { nil: undefined }),
    notes: fc.option(fc.array(text, { maxLength: 3 }), { nil: undefined }),
  }),
);
/** A table without the keys fast-check left undefined (as commands make them). */
const tidy = (t: Record<string, unknown>): Table => Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)) as unknown as Table;

describe('tables written a run of rows at a time', () => {
  it('Markdown, CSV/TSV and the terminal table in pieces are the whole table as it was rendered before (any runs, footer, bold rows, notes)', () => {
    fc.assert(
      fc.property(table, fc.array(fc.nat(), { maxLength: 5 }), fc.boolean(), (t0, cuts, raw) => {
        const t = tidy(t0);
        const runs = runsOf([...t.rows, ...(t.footer ?? [])], cuts);
        const { rows: _rows, footer: _footer, ...rest } = t;
        expect([...renderMarkdownPieces({ ...rest, runs })].join('')).toBe(before.renderMarkdown(t));
        expect(renderMarkdown(t)).toBe(before.renderMarkdown(t));
        // The terminal table in two passes over the rows (widths, then lines), with and without a width to fit.
        const style = { bold: (x: string) => `<${x}>`, dim: (x: string) => `(${x})` };
        for (const maxWidth of [undefined, 12, 30, 200]) {
          const o = maxWidth === undefined ? { style } : { style, maxWidth };
          const { rows, ...head } = t;
          expect([...renderTerminalPieces({ ...head, rows: () => runsOf(rows, cuts) }, o)].join('')).toBe(before.renderTerminal(t, o));
          expect(renderTerminal(t, o)).toBe(before.renderTerminal(t, o));
        }
        for (const d of [',', '\t'] as const) {
          expect([...renderDelimitedPieces({ columns: t.columns, runs }, d, { raw })].join('')).toBe(before.renderDelimited(t, d, { raw }));
          expect(renderDelimited(t, d, { raw })).toBe(before.renderDelimited(t, d, { raw }));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('CSV and TSV records are what csv-stringify writes with the same options (quotes, delimiters, line breaks, carriage returns, empty fields and records, any text)', () => {
    const field = fc.oneof(text, fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('', '"', '""', ',', '\t', '\r', '\n', '\r\n', ' ', "'=1"));
    fc.assert(
      fc.property(fc.array(fc.array(field, { maxLength: 5 }), { maxLength: 6 }), (records) => {
        for (const d of [',', '\t'] as const) expect(stringifyCsv(records, d)).toBe(stringifyWithLibrary(records, d));
      }),
      { numRuns: 1000 },
    );
  });

  it('a JSON array in pieces is JSON.stringify of the whole array (nested values, empty runs, no items)', () => {
    const value = fc.jsonValue();
    fc.assert(
      fc.property(
        fc.array(value, { maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.dictionary(
          fc.string().filter((k) => k !== 'rows' && !/^\d+$/.test(k)),
          value,
          { maxKeys: 3 },
        ),
        (items, cuts, head) => {
          const runs = runsOf(items, cuts);
          expect([...jsonArrayPieces(runs)].join('')).toBe(JSON.stringify(items, null, 2));
          expect([...jsonObjectPieces(head, 'rows', runs)].join('')).toBe(JSON.stringify({ ...head, rows: items }, null, 2));
        },
      ),
      { numRuns: 300 },
    );
    // By hand: the brackets and the indentation of the whole array.
    expect([...jsonArrayPieces([[1], [], [{ a: 'x' }]])].join('')).toBe('[\n  1,\n  {\n    "a": "x"\n  }\n]');
    expect([...jsonArrayPieces([])].join('')).toBe('[]');
    expect([...jsonObjectPieces({ coder: 'a' }, 'rows', [[], [2]])].join('')).toBe('{\n  "coder": "a",\n  "rows": [\n    2\n  ]\n}');
  });
});

describe('codings listed a transcript at a time', () => {
  it('the runs are the retrieved codings in order, one transcript each; the passages in pieces are the whole listing', async () => {
    const studies = await fixtureStudies();
    fc.assert(
      fc.property(scenario, (sc) => {
        const s = randomCodings(studies, sc);
        const all = retrieve(s);
        const runs = [...retrievedRuns(retrieving(s))];
        expect(runs.flat()).toEqual(all);
        const keys = runs.map((run) => `${run[0]!.participant}/${run[0]!.wave}`);
        expect(new Set(keys).size).toBe(runs.length);
        for (const run of runs) expect(run.every((r) => `${r.participant}/${r.wave}` === `${run[0]!.participant}/${run[0]!.wave}`)).toBe(true);
        // A passage never spans two runs: grouped per run, the same passages in the same order.
        expect(runs.flatMap((run) => passages(run))).toEqual(passages(all));
        for (const width of [40, 80, 123]) expect([...renderPassagesPieces(runs.map(passages), { width })].join('')).toBe(renderPassages(passages(all), { width }));
        expect([...jsonArrayPieces(runs)].join('')).toBe(JSON.stringify(all, null, 2));
      }),
      { numRuns: 80 },
    );
  });

  it('holds one transcript at a time while listing, and lets each go after its codings', async () => {
    const root = copyOf(join(repo, 'fixtures/buddy-study'));
    await loadStudy(root);
    // Loaded again, from the study index: the texts are read when asked for.
    const s = (await loadStudy(root)).study!;
    const held = () => s.documents.filter((d) => d.segmentList.holdsText).length;
    expect(held()).toBe(0);
    let most = 0;
    let n = 0;
    for (const run of retrievedRuns(retrieving(s))) {
      n += run.length;
      most = Math.max(most, held());
    }
    expect(n).toBe(s.codings.length);
    expect(most).toBe(1);
    expect(held()).toBe(0);
  });
});

describe("the coders' meeting a transcript at a time", () => {
  it('finds the same disagreements and reconciles the same as before, on random codings (exact spans, several segments, codes before their since:)', async () => {
    const studies = await fixtureStudies();
    let some = 0;
    fc.assert(
      fc.property(scenario, fc.boolean(), (sc, one) => {
        const s = randomCodings(studies, sc);
        const opts = { coders: ['x', 'y'], ...(one && s.codebook.codes.length > 0 ? { codes: new Set([s.codebook.codes[0]!.id]) } : {}) };
        const now = disagreements(s, opts);
        expect(now).toEqual(meetingBefore.disagreements(s, opts));
        some += now.list.length;
        for (const rule of [undefined, 'union', 'majority'] as const) {
          const o = { ...opts, into: 'consensus', ...(rule ? { rule } : {}) };
          expect(reconcile(s, o)).toEqual(meetingBefore.reconcile(s, o));
        }
      }),
      { numRuns: 80 },
    );
    expect(some).toBeGreaterThan(0);
  });
});

describe('the framework matrix a row at a time', () => {
  it('is the whole matrix, its JSON the whole JSON, holding one transcript at a time', async () => {
    for (const name of ['buddy-study']) {
      const root = copyOf(join(repo, 'fixtures', name));
      await loadStudy(root);
      for (const [rows, coder] of [
        ['theme', 'consensus'],
        ['code', 'alice'],
        ['theme', 'ben'],
      ] as const) {
        // Loaded again, from the study index: the texts are read when asked for.
        const s = (await loadStudy(root)).study!;
        const held = () => s.documents.filter((d) => d.segmentList.holdsText).length;
        const f = frameworkInRows(s, { rows, coder });
        const seen = [];
        let most = 0;
        for (const row of f.rows) {
          seen.push(row);
          most = Math.max(most, held());
        }
        expect(held()).toBe(0);
        const whole = framework(s, { rows, coder });
        expect(seen).toEqual(whole.rows);
        expect(f.themes).toEqual(whole.themes);
        expect(most).toBeLessThanOrEqual(1);
        expect(
          [
            ...jsonObjectPieces(
              { coder: f.coder, themes: f.themes },
              'rows',
              seen.map((r) => [r]),
            ),
          ].join(''),
        ).toBe(JSON.stringify({ coder: whole.coder, themes: whole.themes, rows: whole.rows }, null, 2));
      }
    }
  });
});

/**
 * `codings` through the whole command line in this process, into a stdout that acts as a pipe
 * whose reader is slow: every write says "full" (false) and 'drain' comes later. The listing
 * must come in pieces (the whole JSON of a big study is longer than a string can be: base5 failed
 * with "Invalid string length"), never written while the pipe is full, and be the whole listing.
 */
describe('codings into a slow pipe', () => {
  async function slowPipe(args: string[]): Promise<{ code: number; writes: string[]; early: number; stderr: string }> {
    const { main } = (await import(new URL('../../dist/src/cli/run.js', import.meta.url).href)) as { main: (argv: string[], io: unknown) => Promise<number> };
    const writes: string[] = [];
    let full = false;
    let early = 0;
    let drain: (() => void) | undefined;
    let stderr = '';
    const stdout = {
      isTTY: false,
      write(c: string | Uint8Array): boolean {
        if (full) early++;
        writes.push(typeof c === 'string' ? c : Buffer.from(c).toString('utf8'));
        full = true;
        setImmediate(() => {
          full = false;
          const d = drain;
          drain = undefined;
          d?.();
        });
        return false;
      },
      once(_event: 'drain', listener: () => void): void {
        drain = listener;
      },
    };
    const code = await main([...args, '--no-color'], { stdout, stderr: { write: (c: string) => (stderr += c), isTTY: false }, readStdin: () => undefined, stdinIsTTY: false, cwd: repo, env: { ...process.env, NO_COLOR: '1' } });
    return { code, writes, early, stderr };
  }

  it('JSON and the terminal listing: in pieces, each after the last was taken, the whole listing', async () => {
    const root = copyOf(join(repo, 'fixtures/buddy-study'));
    const s = (await loadStudy(root)).study!;
    const rows = retrieve(s);
    const transcripts = new Set(rows.map((r) => `${r.participant}/${r.wave}`)).size;
    expect(transcripts).toBeGreaterThan(2);
    const json = await slowPipe(['codings', '--format', 'json', '--study', root]);
    expect(json.code).toBe(0);
    expect(json.early).toBe(0);
    // One piece per transcript, and the final line break; joined into writes of up to 2^16
    // characters (cli/context.ts, batched): the writes are the batches of those pieces.
    const pieces = [...jsonArrayPieces(retrievedRuns(rows))];
    if (!pieces.at(-1)!.endsWith('\n')) pieces.push('\n');
    expect(pieces.length).toBe(transcripts + 2);
    expect(json.writes).toEqual([...batched(pieces)]);
    expect(json.writes.join('')).toBe(JSON.stringify(rows, null, 2) + '\n');
    expect(json.stderr).toContain(`${rows.length} codings on ${passages(rows).length} passages`);
    const listing = await slowPipe(['codings', '--study', root]);
    expect(listing.early).toBe(0);
    const shown = [
      ...renderPassagesPieces(
        [...retrievedRuns(rows)].map((run) => passages(run)),
        { width: 80 },
      ),
    ].filter((p) => p !== '');
    if (!shown.at(-1)!.endsWith('\n')) shown.push('\n');
    expect(shown.length).toBeGreaterThan(2);
    expect(listing.writes).toEqual([...batched(shown)]);
    expect(listing.writes.join('')).toBe(renderPassages(passages(rows), { width: 80 }));
  });
});
