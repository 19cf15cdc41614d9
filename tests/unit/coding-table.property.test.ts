import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { codeRatings } from '../../src/core/agreement/units.js';
import { retrieve } from '../../src/core/coding/retrieve.js';
import { hasColumns } from '../../src/core/coding/span.js';
import { parseCodingsFile } from '../../src/core/coding/store.js';
import { coderCodingCount, codersCodings, codingCount, codingTable, packCodings, setCodingTable, tableOf, type CodingPart } from '../../src/core/coding/table.js';
import type { Coding } from '../../src/core/coding/types.js';
import { codedSegmentCounts, codedStudy, type CodedSegment } from '../../src/core/matrix/coded.js';
import { cooccurrence } from '../../src/core/matrix/cooccurrence.js';
import { matrix } from '../../src/core/matrix/matrix.js';
import { summarise } from '../../src/core/summary/summary.js';
import type { Study } from '../../src/core/study/types.js';
import { loadStudy } from '../../src/io/load-study.js';
import { fixtureStudies, randomCodings, scenario } from '../helpers/random-codings.js';

/**
 * The study's codings in columns (core/coding/table.ts): `study.codings` made from them on first
 * access must be the parser's objects exactly (order, fields, key order, optional fields present
 * or not), and every analysis that reads the columns must give what it gives from the objects.
 */

/** Whether the study still holds its codings as columns only (its `codings` not made yet). */
const lazy = (s: Study): boolean => typeof Object.getOwnPropertyDescriptor(s, 'codings')?.get === 'function';

/** A study object whose codings are the given parts (the rest is not read by these tests). */
function withParts(parts: CodingPart[]): Study {
  const s = { codings: [] } as unknown as Study;
  setCodingTable(s, tableOf(parts));
  return s;
}

// A codings file's rows, as a coder (or a spreadsheet) writes them.
const cell = (units: string[]) => fc.string({ unit: fc.constantFrom(...units), minLength: 1, maxLength: 8 });
const row = fc.record({
  participant: fc.constantFrom('P1', 'P2', 'Zoë', 'Ma\u0301ria'),
  wave: fc.constantFrom('w1', 'w2'),
  startLine: fc.integer({ min: 1, max: 400 }),
  lines: fc.integer({ min: 0, max: 3 }),
  columns: fc.option(fc.tuple(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 80 })), { nil: undefined }),
  code: fc.constantFrom('t', 't.a', 't.b', 'not.in.codebook'),
  exemplar: fc.constantFrom('', 'yes', 'no', '*'),
  memo: fc.option(cell(['a', 'é', '😀', ' ', 'Z', '“', ',', ';']), { nil: undefined }),
  hash: fc.option(cell([...'0123456789abcdef']), { nil: undefined }),
});
const file = fc.record({ rows: fc.array(row, { maxLength: 30 }), crlf: fc.boolean() });

function tsv(rows: Array<typeof row extends fc.Arbitrary<infer T> ? T : never>, crlf: boolean): string {
  const eol = crlf ? '\r\n' : '\n';
  const lines = rows.map((r) => {
    const end = r.startLine + r.lines;
    const span = r.columns ? `${r.startLine}:${r.columns[0]}-${end}:${r.lines === 0 ? Math.max(...r.columns) : r.columns[1]}` : r.lines === 0 ? `${r.startLine}` : `${r.startLine}-${end}`;
    return [r.participant, r.wave, span, r.code, r.exemplar, r.memo ?? '', r.hash ?? ''].join('\t');
  });
  return ['participant\twave\tlines\tcode\texemplar\tmemo\thash', ...lines, ''].join(eol);
}

describe('codings in columns, made into objects when first read', () => {
  it('are the parser’s objects: same order, same fields in the same order, optional fields present exactly when parsed (several coders, CRLF, emoji, exact spans, memos, hashes)', () => {
    fc.assert(
      fc.property(fc.array(file, { minLength: 1, maxLength: 3 }), fc.nat(), (files, objectsAt) => {
        const parsed = files.map((f, i) => {
          const coder = ['alice', 'ben', 'chloé'][i]!;
          const r = parseCodingsFile(`codings/${coder}.tsv`, tsv(f.rows, f.crlf), coder);
          expect(r.diagnostics).toEqual([]);
          return { coder, codings: r.codings };
        });
        const want = parsed.flatMap((p) => p.codings);
        // Every file from the index (packed), or one of them as parsed objects (a file just edited).
        for (const mixed of [false, true]) {
          const parts: CodingPart[] = parsed.map((p, i) => (mixed && i === objectsAt % parsed.length ? { objects: p.codings } : { packed: packCodings(p.coder, `codings/${p.coder}.tsv`, p.codings)! }));
          const s = withParts(parts);
          expect(codingCount(s)).toBe(want.length);
          expect(lazy(s)).toBe(true);
          const got = s.codings;
          // JSON keeps the key order: the same text means the same keys in the same order.
          expect(JSON.stringify(got)).toBe(JSON.stringify(want));
          expect(got).toStrictEqual(want);
          for (let i = 0; i < got.length; i++) expect(Object.keys(got[i]!)).toEqual(Object.keys(want[i]!));
          // Made once: an ordinary property from then on, the columns let go.
          expect(lazy(s)).toBe(false);
          expect(s.codings).toBe(got);
          expect(codingTable(s).parts).toEqual([{ objects: got }]);
          // A copy of the study (spread) sees the objects.
          expect(JSON.stringify({ ...withParts(parts) }.codings)).toBe(JSON.stringify(want));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('codersCodings gives study.codings filtered by coder and transcript, in order, and coderCodingCount their number, without making the columns into objects (property)', () => {
    fc.assert(
      fc.property(fc.array(file, { minLength: 1, maxLength: 3 }), fc.nat(), fc.subarray(['alice', 'ben', 'chloé']), fc.subarray(['P1/w1', 'P1/w2', 'P2/w1', 'Zoë/w2', 'Ma\u0301ria/w1']), (files, objectsAt, coders, docs) => {
        const parsed = files.map((f, i) => {
          const coder = ['alice', 'ben', 'chloé'][i]!;
          return { coder, codings: parseCodingsFile(`codings/${coder}.tsv`, tsv(f.rows, f.crlf), coder).codings };
        });
        const all = parsed.flatMap((p) => p.codings);
        const wanted = new Set(coders);
        const inDoc = new Set(docs);
        for (const mixed of [false, true]) {
          const parts: CodingPart[] = parsed.map((p, i) => (mixed && i === objectsAt % parsed.length ? { objects: p.codings } : { packed: packCodings(p.coder, `codings/${p.coder}.tsv`, p.codings)! }));
          const s = withParts(parts);
          const got = codersCodings(s, wanted, (participant, wave) => inDoc.has(`${participant}/${wave}`));
          expect(JSON.stringify(got)).toBe(JSON.stringify(all.filter((c) => wanted.has(c.coder) && inDoc.has(`${c.participant}/${c.wave}`))));
          expect(JSON.stringify(codersCodings(s, wanted))).toBe(JSON.stringify(all.filter((c) => wanted.has(c.coder))));
          // coderCodingCount (autocode's "already has N"): the filter's length, for each coder, with or without codings.
          for (const coder of ['alice', 'ben', 'chloé', 'nobody']) expect(coderCodingCount(s, coder)).toBe(all.filter((c) => c.coder === coder).length);
          expect(lazy(s)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('can be replaced or added to as before', () => {
    const parsed = parseCodingsFile('codings/alice.tsv', tsv([{ participant: 'P1', wave: 'w1', startLine: 3, lines: 0, columns: undefined, code: 't.a', exemplar: '', memo: 'm 😀', hash: undefined }], false), 'alice').codings;
    const s = withParts([{ packed: packCodings('alice', 'codings/alice.tsv', parsed)! }]);
    const extra: Coding = { coder: 'ben', participant: 'P2', wave: 'w2', startLine: 7, endLine: 7, code: 't.b', exemplar: false };
    s.codings = [extra];
    expect(lazy(s)).toBe(false);
    expect(s.codings).toEqual([extra]);
    expect(codingCount(s)).toBe(1);
    const t = withParts([{ packed: packCodings('alice', 'codings/alice.tsv', parsed)! }]);
    t.codings.push(extra);
    expect(t.codings).toStrictEqual([...parsed, extra]);
    expect(codingCount(t)).toBe(2);
  });
});

let studies: Study[];
beforeAll(async () => {
  studies = await fixtureStudies();
});

/** The codings as a parser makes them: its key order, a source line per coder file, memos and hashes on some. */
function asParsed(codings: readonly Coding[]): Coding[] {
  const line = new Map<string, number>();
  return codings.map((c, i) => {
    const n = (line.get(c.coder) ?? 1) + 1;
    line.set(c.coder, n);
    const o: Coding = { coder: c.coder, participant: c.participant, wave: c.wave, startLine: c.startLine, endLine: c.endLine, ...(hasColumns(c) ? { startColumn: c.startColumn, endColumn: c.endColumn } : {}), code: c.code, exemplar: i % 5 === 1, source: { file: `codings/${c.coder}.tsv`, line: n } };
    if (i % 3 === 0) o.memo = `memo ${i} 😀 é`;
    if (i % 4 === 0) o.hash = `h${i}`;
    return o;
  });
}

/** The same codings as columns: each run of one coder packed as the index packs a coder file (the first run left as objects when `mixed`). */
function columnsOf(s: Study, codings: readonly Coding[], mixed: boolean): Study {
  const parts: CodingPart[] = [];
  for (let from = 0; from < codings.length; ) {
    let to = from + 1;
    while (to < codings.length && codings[to]!.coder === codings[from]!.coder) to++;
    const run = codings.slice(from, to);
    const packed = packCodings(run[0]!.coder, `codings/${run[0]!.coder}.tsv`, run);
    expect(packed).toBeDefined();
    parts.push(mixed && from === 0 ? { objects: run } : { packed: packed! });
    from = to;
  }
  const t: Study = { ...s, codings: [] };
  setCodingTable(t, tableOf(parts));
  return t;
}

const plain = (m: Map<string, CodedSegment[]>) => [...m].map(([id, segs]) => [id, segs.map((x) => ({ doc: x.doc.id, index: x.index, codes: x.codes, ...(x.lineCodes ? { lineCodes: x.lineCodes } : {}) }))]);

describe('analyses read from columns give what they give from objects', () => {
  it('codedStudy (segments, pairs, exact spans, before since), matrix, cooccurrence, summary, coded segment counts, retrieval; the columns never made into objects', () => {
    fc.assert(
      fc.property(scenario, fc.boolean(), fc.nat(), (sc, mixed, which) => {
        const base = randomCodings(studies, sc);
        const objects = asParsed(base.codings);
        const o: Study = { ...base, codings: objects };
        const t = columnsOf(base, objects, mixed);
        const waves = sc.wave === null ? undefined : [o.config.waves[sc.wave % o.config.waves.length]!.id];
        for (const coder of ['x', 'y', 'nobody']) {
          const a = codedStudy(t, coder, waves ? { waves } : {});
          const b = codedStudy(o, coder, waves ? { waves } : {});
          expect([...a.pairs]).toStrictEqual([...b.pairs]);
          expect(a.pairCodes).toStrictEqual(b.pairCodes);
          expect(a.pairWidth).toBe(b.pairWidth);
          expect([...a.exact]).toStrictEqual([...b.exact]);
          expect(a.beforeSince).toBe(b.beforeSince);
          expect(plain(a.coded)).toStrictEqual(plain(b.coded));
          for (const rows of ['theme', 'code'] as const) {
            expect(matrix(a, { rows })).toStrictEqual(matrix(b, { rows }));
            for (const unit of ['segment', 'document'] as const) expect(cooccurrence(a, { rows, unit })).toStrictEqual(cooccurrence(b, { rows, unit }));
          }
          expect([...codedSegmentCounts(t, coder)]).toStrictEqual([...codedSegmentCounts(o, coder)]);
          expect(JSON.stringify(summarise(t, coder))).toBe(JSON.stringify(summarise(o, coder)));
        }
        // The agreement's reliability data: the same units, marks and transcripts compared.
        const ratings = (s: Study, unit: 'segment' | 'character' | 'document', level: 'code' | 'theme', uncoded: 'absent' | 'missing') => {
          const r = codeRatings(s, { coders: ['x', 'y'], unit, level, uncoded, ...(waves ? { waves } : {}) });
          const ids = (l: ReadonlyArray<{ transcript: string }>) => l.map((x) => x.transcript);
          return { units: r.units, perCode: r.perCode.map((c) => ({ ...c, ratings: c.ratings() })), marked: r.marked, compared: r.selection.compared.map((d) => d.id), excluded: ids(r.selection.excluded), readAsAbsent: r.selection.readAsAbsent, notFinished: r.selection.notFinished };
        };
        for (const unit of ['segment', 'character', 'document'] as const) for (const level of ['code', 'theme'] as const) for (const uncoded of ['absent', 'missing'] as const) expect(ratings(t, unit, level, uncoded)).toStrictEqual(ratings(o, unit, level, uncoded));
        const code = o.codebook.codes[which % o.codebook.codes.length]!;
        const attribute = Object.entries(o.participants[0]?.attributes ?? {})[0];
        const filters = [
          {},
          { codes: [code.id] },
          { codes: [code.theme] },
          { coders: ['y'] },
          { waves: [o.config.waves[which % o.config.waves.length]!.id] },
          { participants: [o.participants[which % o.participants.length]!.id], codes: [code.id] },
          ...(attribute ? [{ where: [{ attribute: attribute[0], values: [attribute[1]] }] }] : []),
        ];
        for (const f of filters) expect(retrieve(t, f)).toStrictEqual(retrieve(o, f));
        expect(lazy(t)).toBe(true);
        expect(JSON.stringify(t.codings)).toBe(JSON.stringify(objects));
      }),
      { numRuns: 150 },
    );
  });
});

describe('a study loaded from the index', () => {
  it('has the codings a load without the index parses, made only when read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qualwave-columns-'));
    const files: Record<string, string> = {
      'qualwave.yaml': 'title: Columns\nwaves:\n  - id: w1\n  - id: w2\nparticipants:\n  file: participants.csv\n  id: id\ntranscripts:\n  paths: ["transcripts/*.txt"]\n  name: "{participant}_{wave}"\ncodebooks:\n  - codebooks/c.yaml\nspeakers:\n  interviewers: [I]\n  participants: []\n',
      'participants.csv': 'id\nP1\nZoë\n',
      'codebooks/c.yaml': 'title: Codes\ncodes:\n  - id: t\n    label: Theme\n    children:\n      - id: t.a\n        label: A\n      - id: t.b\n        label: B\n',
      'transcripts/P1_w1.txt': 'I: Question?\r\n\r\nP1: Un café ☕ et 😀 deux.\r\n\r\nI: More?\r\n\r\nP1: Yes, more words here.\r\n',
      'transcripts/Zoë_w2.txt': 'I: Question?\n\nZoë: Première réponse 😀.\n',
      'codings/alice.tsv': 'participant\twave\tlines\tcode\texemplar\tmemo\thash\r\nP1\tw1\t3:5-3:9\tt.a\tyes\tle café 😀\t\r\nP1\tw1\t3-7\tt\t\t\t\r\nZoë\tw2\t3\tt.b\t\tmémo\t\r\n',
      'codings/ben.tsv': 'participant\twave\tlines\tcode\texemplar\tmemo\thash\nP1\tw1\t7\tt.b\t\t\t\nZoë\tw2\t3:1-3:4\tt.a\t*\t\t\n',
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(dir, rel, '..'), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
    const cold = (await loadStudy(dir, { cache: false })).study!;
    const want = JSON.stringify(cold.codings);
    expect(cold.codings).toHaveLength(5);
    await loadStudy(dir); // writes the index
    const warm = (await loadStudy(dir)).study!;
    expect(lazy(warm)).toBe(true);
    expect(codingCount(warm)).toBe(5);
    expect(JSON.stringify(summarise(warm, 'alice'))).toBe(JSON.stringify(summarise(cold, 'alice')));
    expect(retrieve(warm, { codes: ['t'] })).toStrictEqual(retrieve(cold, { codes: ['t'] }));
    expect(lazy(warm)).toBe(true);
    expect(JSON.stringify(warm.codings)).toBe(want);
    expect(warm.codings).toStrictEqual(cold.codings);
  });
});
