import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { autocode, tokenize } from '../../src/core/coding/autocode.js';
import { checkCodings } from '../../src/core/coding/check.js';
import { renameInCodings, withHashes } from '../../src/core/coding/edit.js';
import fc from 'fast-check';
import { INTERCHANGE_OPTIONAL, INTERCHANGE_REQUIRED, interchangeCsvPieces, readInterchangeCsv, writeInterchangeCsv } from '../../src/core/coding/interchange.js';
import { hasColumns, lineIndexOf } from '../../src/core/coding/span.js';
import { sortCodings } from '../../src/core/coding/store.js';
import { spanText } from '../../src/core/coding/text.js';
import { tidyCodings, tidyDelimited, tidyDelimitedPieces, tidyJsonLines, tidyJsonLinesPieces, tidyTranscripts } from '../../src/core/coding/tidy.js';
import { guardCsvCell } from '../../src/core/format/escape.js';
import { stringifyCsv } from '../../src/core/format/table.js';
import { retrieve } from '../../src/core/coding/retrieve.js';
import { formatCodingsFile, parseCodingsFile } from '../../src/core/coding/store.js';
import type { Coding } from '../../src/core/coding/types.js';
import { removeCodeFromText, renameCodeInText } from '../../src/core/codebook/edit.js';
import { parseCodebookFile, combineCodebooks } from '../../src/core/codebook/parse.js';
import { loadStudy } from '../../src/io/load-study.js';
import { loadStemmer } from '../../src/io/stemmer.js';
import { repo } from '../helpers/cli.js';
import { copyOf } from '../helpers/inproc.js';
import { fixtureStudies, randomCodings, scenario } from '../helpers/random-codings.js';
import { writeStudy } from '../helpers/study.js';

const study = async () => (await loadStudy(join(repo, 'fixtures/buddy-study'))).study!;
const coding = (over: Partial<Coding>): Coding => ({ coder: 'alice', participant: 'MS02', wave: '4-month', startLine: 10, endLine: 10, code: 'support.respite', exemplar: false, ...over });

describe('codings store (codings/CODER.tsv)', () => {
  it('reads rows with their file line, and writes them back sorted', () => {
    const text = 'participant\twave\tlines\tcode\texemplar\tmemo\thash\nMS02\tpost\t12-14\tlearning\t\t\t\nMS02\tpre\t10\tsupport\tyes\tgood one\t\n';
    const { codings, diagnostics } = parseCodingsFile('codings/alice.tsv', text, 'alice');
    expect(diagnostics).toEqual([]);
    expect(codings.map((c) => [c.wave, c.startLine, c.endLine, c.code, c.exemplar, c.memo ?? null, c.source?.line])).toEqual([
      ['post', 12, 14, 'learning', false, null, 2],
      ['pre', 10, 10, 'support', true, 'good one', 3],
    ]);
    expect(formatCodingsFile(codings, ['pre', 'post'])).toBe('participant\twave\tlines\tcode\texemplar\tmemo\thash\nMS02\tpre\t10\tsupport\tyes\tgood one\t\nMS02\tpost\t12-14\tlearning\t\t\t\n');
  });

  it('reports bad rows with file:line', () => {
    const text = 'participant\twave\tlines\tcode\nMS02\tpre\t12-x\tsupport\n\tpre\t3\tsupport\nMS02\tpre\t9-3\tsupport\n';
    const { diagnostics } = parseCodingsFile('codings/ben.tsv', text, 'ben');
    expect(diagnostics.map((d) => `${d.line}: ${d.message}`)).toEqual(["2: lines '12-x' is not a line, a line range or a span", '3: no participant', "4: lines '9-3' ends before it starts"]);
  });

  it('keeps memos with tabs, quotes and line breaks intact', () => {
    const c = coding({ memo: 'a\t"quoted"\nsecond line' });
    const back = parseCodingsFile('x.tsv', formatCodingsFile([c], ['pre', '4-month', 'post']), 'alice').codings[0]!;
    expect(back.memo).toBe(c.memo);
  });
});

describe('finished transcripts (codings/CODER.finished.tsv)', () => {
  it('read with their lines, written sorted by wave then participant (natural order), one line each', async () => {
    const { parseFinishedFile, formatFinishedFile } = await import('../../src/core/coding/finished.js');
    const read = parseFinishedFile('codings/ann.finished.tsv', '\ufeffparticipant\twave\r\nMS10\tpre\r\nMS2\tpost\r\nMS2\tpre\r\nMS2\tpre\r\n', 'ann');
    expect(read.finished.map((f) => [f.participant, f.wave, f.source?.line])).toEqual([
      ['MS10', 'pre', 2],
      ['MS2', 'post', 3],
      ['MS2', 'pre', 4],
    ]);
    expect(read.diagnostics.map((d) => `${d.line}: ${d.message}`)).toEqual(['5: MS2/pre is listed twice (also line 4)']);
    expect(formatFinishedFile(read.finished, ['pre', '4-month', 'post'])).toBe('participant\twave\nMS2\tpre\nMS10\tpre\nMS2\tpost\n');
  });
  it('a header without participant and wave is an error', async () => {
    const { parseFinishedFile } = await import('../../src/core/coding/finished.js');
    expect(parseFinishedFile('f.tsv', 'who\twhen\n', 'x').diagnostics[0]!.message).toBe("the header lacks 'participant', 'wave'");
  });
});

describe('checking codings against the study', () => {
  it('finds unknown codes (did-you-mean), participants, missing interviews, lines outside, duplicates', async () => {
    const s = await study();
    const at = (line: number) => ({ file: 'codings/alice.tsv', line });
    const d = checkCodings(s, [coding({ code: 'support.respit', source: at(2) }), coding({ participant: 'MS99', source: at(3) }), coding({ participant: 'MS05', wave: 'post', source: at(4) }), coding({ startLine: 10, endLine: 999, source: at(5) }), coding({ source: at(6) }), coding({ source: at(7) })]);
    expect(d.map((x) => `${x.line}: ${x.message}`)).toEqual([
      "2: unknown code 'support.respit' (did you mean 'support.respite'?)",
      "3: unknown participant 'MS99' (did you mean 'MS09'?)",
      "4: MS05 has no transcript at wave 'post'",
      expect.stringMatching(/^5: lines 10-999 are outside transcripts\/MS02_4-month.txt \(\d+ lines\)$/),
      '7: duplicate coding (same as line 6)',
    ]);
  });

  it('notices coded text that moved or changed since coding', async () => {
    const s = await study();
    const [hashed] = withHashes(s, [coding({})]);
    expect(checkCodings(s, [hashed!])).toEqual([]);
    const moved = { ...hashed!, startLine: 12, endLine: 12, source: { file: 'codings/alice.tsv', line: 2 } };
    expect(checkCodings(s, [moved])[0]?.message).toBe("transcripts/MS02_4-month.txt changed after coding: the text coded 'support.respite' at line 12 is now at line 10");
    expect(checkCodings(s, [{ ...hashed!, hash: '00000000' }])[0]?.message).toMatch(/is no longer there$/);
  });
});

describe('interchange CSV', () => {
  it('imports valid rows and reports every bad one with its line', async () => {
    const s = await study();
    const csv = ['coder,participant,wave,start_line,end_line,code,memo,exemplar', 'alice,MS02,4-month,10,10,support.respite,,yes', ',MS02,4-month,10,10,support.respite,,', 'alice,MS02,4-month,10,10,support.respit,,', 'alice,MS02,4month,10,10,support,,', 'alice,MS02,4-month,10,10,support.respite,,yes'].join('\n');
    const r = readInterchangeCsv('in.csv', csv, s);
    expect(r.rows).toBe(5);
    expect(r.codings.map((c) => [c.coder, c.code, c.exemplar])).toEqual([['alice', 'support.respite', true]]);
    expect(r.diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`)).toEqual(['in.csv:3: row has no coder', "in.csv:4: unknown code 'support.respit' (did you mean 'support.respite'?)", "in.csv:5: unknown wave '4month' (did you mean '4-month'?)", 'in.csv:6: duplicate coding (same as line 2)']);
  });

  it('round-trips through export', async () => {
    const s = await study();
    const codings = [coding({ memo: 'x, "y"', exemplar: true }), coding({ participant: 'MS01', wave: 'pre', code: 'learning' })];
    const r = readInterchangeCsv('out.csv', writeInterchangeCsv(codings, s), s);
    expect(r.diagnostics).toEqual([]);
    expect(r.codings.map(({ source: _s, ...c }) => c)).toEqual([codings[1], codings[0]]);
  });

  it('rejects a header without the required columns', async () => {
    const r = readInterchangeCsv('in.csv', 'coder,participant,code\n', await study());
    expect(r.diagnostics[0]?.message).toBe('the header lacks wave, start_line, end_line');
  });
});

describe('codings export, one transcript at a time', () => {
  // The definition: every coding in the study's order, each with its text, as one table.
  const wholeCsv = (codings: readonly Coding[], s: Awaited<ReturnType<typeof study>>): string => {
    const docs = new Map(s.documents.map((d) => [d.id, d]));
    const rows = sortCodings(
      codings,
      s.config.waves.map((w) => w.id),
    ).map((c) => {
      const doc = docs.get(`${c.participant}/${c.wave}`);
      const text = doc ? (spanText(lineIndexOf(doc), c) ?? '') : '';
      return [c.coder, c.participant, c.wave, String(c.startLine), String(c.endLine), c.code, c.memo ?? '', c.exemplar ? 'yes' : '', doc?.file ?? '', hasColumns(c) ? String(c.startColumn) : '', hasColumns(c) ? String(c.endColumn) : '', text].map((cell) => guardCsvCell(cell));
    });
    return stringifyCsv([[...INTERCHANGE_REQUIRED, ...INTERCHANGE_OPTIONAL], ...rows]);
  };

  it('the pieces are the whole table, on random codings (unknown codes and waves, exact spans, documents out of order)', async () => {
    const studies = await fixtureStudies();
    fc.assert(
      fc.property(scenario, fc.nat(), (sc, wave) => {
        const s = randomCodings(studies, sc);
        // Some codings of a wave the study lacks: no document, no text.
        const codings = s.codings.map((c, i) => (i % 7 === wave % 7 ? { ...c, wave: 'not-a-wave' } : c));
        const pieces = [...interchangeCsvPieces(codings, s)];
        expect(pieces.join('')).toBe(wholeCsv(codings, s));
        const tidy = tidyCodings(s, codings);
        const sorted = sortCodings(
          codings,
          s.config.waves.map((w) => w.id),
        );
        expect(tidy.rows.map((r) => [r[0], r[1]])).toEqual(sorted.map((c) => [c.coder, c.participant]));
        expect([...tidyDelimitedPieces(tidyTranscripts(s, codings), '\t')].join('')).toBe(tidyDelimited(tidy, '\t'));
        expect([...tidyJsonLinesPieces(tidyTranscripts(s, codings))].join('')).toBe(tidyJsonLines(tidy));
      }),
      { numRuns: 80 },
    );
  });

  it('holds one transcript at a time, and lets each go after its rows', async () => {
    const root = copyOf(join(repo, 'fixtures/buddy-study'));
    await loadStudy(root);
    const s = (await loadStudy(root)).study!;
    const held = () => s.documents.filter((d) => d.segmentList.holdsText).length;
    expect(held()).toBe(0);
    let most = 0;
    for (const piece of interchangeCsvPieces(s.codings, s)) {
      expect(piece.length).toBeGreaterThan(0);
      most = Math.max(most, held());
    }
    expect(most).toBe(1);
    expect(held()).toBe(0);
  });
});

describe('auto-coding', () => {
  const book = (yaml: string) => combineCodebooks([parseCodebookFile('c.yaml', yaml)]).codebook;

  it('matches stemmed keywords, phrases, patterns, within speaker limits', async () => {
    const s = await study();
    const stem = (await loadStemmer('en'))!;
    expect(['support', 'supported', 'supporting', 'supports'].map(stem)).toEqual(['support', 'support', 'support', 'support']);
    const codebook = book(`title: t
codes:
  - id: respite
    label: Respite
    keywords: [take a break]
  - id: lego
    label: Lego
    patterns: ['\\blego\\b']
  - id: asks
    label: Interviewer asks
    keywords: [role]
    speakers: interviewer
`);
    const r = autocode({ documents: s.documents.filter((d) => d.id === 'MS02/4-month'), codebook }, stem, 'auto');
    const byCode = (id: string) => r.codings.filter((c) => c.code === id).map((c) => c.startLine);
    expect(byCode('lego')).toEqual([10, 24]);
    expect(byCode('asks')).toEqual([8]); // "what has your role turned out to be?" is the interviewer's
    expect(r.hits.get('respite')).toBe(byCode('respite').length);
    expect(r.codings.every((c) => c.coder === 'auto')).toBe(true);
  });

  it("reads words in place where the text allows, and codes exactly as from each segment's text", async () => {
    // Hand-checked: P1's lines 3 (İ: lower-casing changes its length, so that transcript is read segment by segment),
    // P2's 3 (Σ alone as a word: its lower case depends on its neighbours), a paragraph of two lines with a timestamp (P2's 7-8).
    const root = writeStudy(
      {
        'transcripts/P1_w1.txt': 'I: How was it?\n\nP1: İstanbul was a long break, Lego too.\n\nI: And then?\n\nP1: No BREAK at all.\n',
        'transcripts/P2_w1.txt': 'I: How was it?\n\nP2: Σ then a break, LEGO bricks.\n\nI: More?\n\nP2: First line\n[00:01:02] 02 legos and a break\n',
        'codebooks/c.yaml': ['title: c', 'codes:', '  - id: t', '    label: T', '    children:', '      - id: t.a', '        label: A', '        keywords: [break]', '      - id: t.b', '        label: B', "        patterns: ['\\blegos?\\b', '\\b02\\b']", ''].join('\n'),
      },
      { participants: ['P1', 'P2'] },
    );
    const { study: s } = await loadStudy(root);
    const stem = (await loadStemmer('en'))!;
    const { checkPatterns } = await import('../../src/core/coding/patterns.js');
    const checked = await checkPatterns(s!.codebook);
    expect([...checked.literals]).toEqual([
      ['\\blegos?\\b', ['lego']],
      ['\\b02\\b', ['02']],
    ]);
    for (const literals of [checked.literals, new Map()]) {
      const r = autocode(s!, stem, 'auto', new Map(), literals);
      expect(r.codings.map((c) => `${c.participant}:${c.startLine}-${c.endLine}:${c.code}`)).toEqual(['P1:3-3:t.a', 'P1:3-3:t.b', 'P1:7-7:t.a', 'P2:3-3:t.a', 'P2:3-3:t.b', 'P2:7-8:t.a', 'P2:7-8:t.b']);
    }
  });

  it('stems French', async () => {
    const stem = (await loadStemmer('fr'))!;
    expect(stem('accompagnatrice')).toBe(stem('accompagnatrices'));
    expect(tokenize("L’hôpital, c'est loin")).toEqual(['l', 'hôpital', 'c', 'est', 'loin']);
    expect(await loadStemmer('xx')).toBeUndefined();
  });
});

describe('retrieval', () => {
  it('a theme includes its sub-codes; filters by wave, coder, attribute and speaker', async () => {
    const s = await study();
    s.codings = [];
    s.coders = [];
    s.codings.push(coding({}), coding({ coder: 'ben', code: 'support' }), coding({ participant: 'MS01', wave: 'pre', startLine: 10, endLine: 10, code: 'learning' }));
    s.coders.push('alice', 'ben');
    expect(retrieve(s, { codes: ['support'] }).map((r) => [r.coder, r.code])).toEqual([
      ['ben', 'support'],
      ['alice', 'support.respite'],
    ]);
    expect(retrieve(s, { codes: ['support'], coders: ['alice'] })).toHaveLength(1);
    const [r] = retrieve(s, { waves: ['pre'] });
    expect(r).toMatchObject({ participant: 'MS01', attribution: '(MS01, pre-interview)', file: 'transcripts/MS01_pre.txt', role: 'participant', segments: ['MS01/pre#L10'] });
    expect(retrieve(s, { where: [{ attribute: 'gender', values: ['M'] }] })).toEqual([]);
    expect(retrieve(s, { speaker: 'interviewer' })).toEqual([]);
  });

  it('reads each coded transcript for its codings and lets it go: the same results as with every text in memory', async () => {
    const root = copyOf(join(repo, 'fixtures/buddy-study'));
    await loadStudy(root);
    const lazy = (await loadStudy(root)).study!;
    const held = (await loadStudy(root)).study!;
    for (const d of held.documents) expect(d.segmentList.sourceTextValue.length).toBeGreaterThan(0);
    expect(lazy.documents.filter((d) => d.segmentList.holdsText)).toEqual([]);
    const got = retrieve(lazy, {});
    expect(got.length).toBeGreaterThan(100);
    expect(lazy.documents.filter((d) => d.segmentList.holdsText)).toEqual([]);
    expect(got).toEqual(retrieve(held, {}));
    expect(held.documents.every((d) => d.segmentList.holdsText)).toBe(true);
  });
});

describe('codebook edits keep the rest of the file as written', () => {
  const text = '# my codebook\ntitle: T\ncodes:\n  - id: a   # first\n    label: A\n    children:\n      - id: "a.x"\n        label: X\n  - id: b\n    label: B\n';
  it('renames an id in place, quoted or not', () => {
    expect(renameCodeInText(text, 'a', 'alpha')).toBe(text.replace('id: a   #', 'id: alpha   #'));
    expect(renameCodeInText(text, 'a.x', 'a.y')).toBe(text.replace('"a.x"', 'a.y'));
    expect(renameCodeInText(text, 'zzz', 'y')).toBeUndefined();
  });
  it('removes a code with its whole item', () => {
    expect(removeCodeFromText(text, 'a.x')).toBe('# my codebook\ntitle: T\ncodes:\n  - id: a   # first\n    label: A\n    children:\n  - id: b\n    label: B\n');
    expect(removeCodeFromText(text, 'b')).toBe('# my codebook\ntitle: T\ncodes:\n  - id: a   # first\n    label: A\n    children:\n      - id: "a.x"\n        label: X\n');
  });
  it('merging folds codings that become duplicates', () => {
    const r = renameInCodings([coding({ code: 'x' }), coding({ code: 'y' }), coding({ code: 'z', startLine: 12, endLine: 12 })], ['x', 'z'], 'y');
    expect(r.codings.map((c) => [c.code, c.startLine])).toEqual([
      ['y', 10],
      ['y', 12],
    ]);
    expect(r).toMatchObject({ changed: 2, merged: 1 });
  });
});
