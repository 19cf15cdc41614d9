import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { strToU8, unzipSync, Zip, ZipDeflate } from 'fflate';
import { describe, expect, it } from 'vitest';
import { codingTable } from '../../src/core/coding/table.js';
import type { Coding } from '../../src/core/coding/types.js';
import { type ExportOptions, projectParts, selectionNameIn } from '../../src/core/refi/export.js';
import type { Study } from '../../src/core/study/types.js';
import { setFsOps } from '../../src/io/fs-ops.js';
import { loadStudy } from '../../src/io/load-study.js';
import { qdpxPieces } from '../../src/io/refi.js';
import { writeFileAtomic } from '../../src/io/write.js';
import { inspectArchive, UnsafeArchiveError } from '../../src/io/zip.js';
import { repo } from '../helpers/cli.js';
import { copyOf } from '../helpers/inproc.js';
import { codingsOf } from '../helpers/random-codings.js';
import { exportProjectBefore, type RefiExport } from '../helpers/refi-export-before.js';
import { writeStudy } from '../helpers/study.js';

/*
 * The export is written one transcript at a time (project.qde in pieces, each <TextSource> written
 * directly) so that its memory is one transcript's. The oracle is the export as it was: the whole
 * tree built by fast-xml-parser's builder (tests/helpers/refi-export-before.ts). Every byte of
 * project.qde, every source, the counts and the number of characters XML cannot hold must agree.
 */

const files = { config: 'title: x\n', codebooks: [{ path: 'codebooks/c.yaml', text: 'codes: []\n' }], finished: [], others: [], bom: new Set<string>() };

/** The parts joined: project.qde, the sources in order, and what was exported. */
function exportProject(study: Study, opts: ExportOptions): RefiExport {
  const xml: string[] = [];
  const sources: RefiExport['sources'] = [];
  const parts = projectParts(study, opts);
  for (let r = parts.next(); ; r = parts.next()) {
    if (r.done) return { xml: xml.join(''), sources, ...r.value };
    if ('xml' in r.value) xml.push(r.value.xml);
    else sources.push(r.value.source);
  }
}

function same(study: () => Study, opts: ExportOptions): void {
  // The new export first: it must read the columns of a warm load, not objects the oracle made.
  const now = exportProject(study(), opts);
  const before = exportProjectBefore(study(), opts);
  expect(now.xml).toBe(before.xml);
  expect(now.sources).toEqual(before.sources);
  expect(now.counts).toEqual(before.counts);
  expect(now.removed).toBe(before.removed);
}

/** Text that XML and the builder must take care of: its entities, characters XML 1.0 forbids, lone surrogates, emoji, accents, every kind of white space. */
const hostile = fc.array(fc.constantFrom('a', 'Zé', ' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2003', '\u3000', '\ufeff', '&', '<', '>', '"', "'", '&amp;', '\u0001', '\u001f', '\ufffe', '\ud800', '\udc00', '😀', 'ß', '\u0085', '\u1680', 'word'), { maxLength: 30 }).map((a) => a.join(''));

describe('the REFI-QDA export written one transcript at a time', () => {
  it('gives the bytes of the whole-tree export on the fixture studies, warm (codings in columns) and not', async () => {
    let columns = 0;
    for (const name of ['buddy-study', 'ap-study', 'formats-study']) {
      const root = copyOf(join(repo, 'fixtures', name));
      // The first load builds the study index; the later ones read it.
      for (let k = 0; k < 2; k++) {
        const load = async () => (await loadStudy(root)).study!;
        const a = await load();
        const b = await load();
        if (codingTable(a).parts.some((p) => p.packed)) columns++;
        const studies = [a, b];
        same(() => studies.shift()!, { version: '1.2.3', files: { ...files, bom: new Set([a.documents[0]!.file]) } });
        const again = [await load(), await load()];
        const coder = again[0]!.coders[0]!;
        same(() => again.shift()!, { version: '1.2.3', coders: [coder] });
      }
    }
    // (A file copied less than two seconds ago is read again, not trusted from the index: so not every warm load here is in columns.)
    expect(columns, 'some warm load kept its codings in columns').toBeGreaterThan(0);
  });

  it('gives every source before project.qde, and stops when a transcript changes between its two reads', async () => {
    const texts = { 'transcripts/P1_w1.txt': 'I: How was it?\r\nP1: Fine, thanks é😀.\r\n', 'transcripts/P2_w1.txt': 'P2: Tired.\n\nI: Why?\nP2: Long days.\n' };
    const root = writeStudy({ ...texts, 'codings/x.tsv': 'participant\twave\tlines\tcode\nP1\tw1\t2\tc\nP2\tw1\t4\tc\n' });
    // Settled files (written long ago): a warm load trusts the index and reads each text only when asked.
    const past = new Date(Date.now() - 3_600_000);
    for (const f of [...Object.keys(texts), 'codings/x.tsv']) utimesSync(join(root, f), past, past);
    await loadStudy(root);
    const study = (await loadStudy(root)).study!;
    expect(
      study.documents.some((d) => d.segmentList.holdsText),
      'the warm load read no text',
    ).toBe(false);
    const parts = projectParts(study, { version: '1' });
    const kinds: string[] = [];
    for (let r = parts.next(); !r.done; r = parts.next()) {
      kinds.push('xml' in r.value ? 'xml' : 'source');
      if ('xml' in r.value) break;
    }
    expect(kinds).toEqual(['source', 'source', 'xml']);
    expect(
      study.documents.some((d) => d.segmentList.holdsText),
      'each source let go',
    ).toBe(false);
    // The same size, another text: project.qde's positions would be of another text than its source's.
    writeFileSync(join(root, 'transcripts/P2_w1.txt'), texts['transcripts/P2_w1.txt'].replace('Tired', 'Happy'));
    expect(() => {
      for (let r = parts.next(); !r.done; r = parts.next());
    }).toThrow('transcripts/P2_w1.txt changed while qualwave was running');
  });

  it('gives the bytes of the whole-tree export on random codings with hostile memos, titles, attributes and transcripts', async () => {
    const answers = ['plain words', ' \u00a0lead and trail\u3000 ', 'a & b < c > d "e" \'f\'', 'control \u0001 and \ufffe here', 'emoji 😀 and é, ß', 'lone \ud800 surrogate', `${'long '.repeat(60)}end`, `${'\u2003'.repeat(130)}x`, `${'ab😀'.repeat(50)}`];
    const root = writeStudy({
      'transcripts/P1_w1.txt': answers.map((a, i) => `I: Q${i}?\r\n\r\nP1: ${a}\r\n`).join('\r\n'),
      'transcripts/P2_w1.txt': answers.map((a, i) => `P2: ${a} (${i})\n\nI: next & more?\n`).join('\n'),
      'transcripts/P2_w2.txt': `\ufeffP2: ${answers.join(' ')}\n`,
    });
    const base = (await loadStudy(root)).study!;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            doc: fc.nat(),
            seg: fc.nat(),
            more: fc.nat({ max: 3 }),
            code: fc.nat(),
            coder: fc.constantFrom('x', 'y & z'),
            columns: fc.option(fc.record({ start: fc.integer({ min: 1, max: 40 }), end: fc.integer({ min: 1, max: 90 }) }), { freq: 2 }),
            memo: fc.option(hostile),
            exemplar: fc.boolean(),
            hash: fc.option(fc.stringMatching(/^[0-9a-f]{8}$/)),
          }),
          { maxLength: 40 },
        ),
        hostile,
        hostile,
        async (picks, title, attribute) => {
          const codings: Coding[] = codingsOf(base, picks).map((c, i) => {
            const p = picks[i]!;
            const out: Coding = { ...c, exemplar: p.exemplar };
            if (p.memo) out.memo = p.memo;
            if (p.hash) out.hash = p.hash;
            return out;
          });
          const study = (): Study => ({
            ...base,
            config: { ...base.config, title: title || 'untitled' },
            participants: base.participants.map((q, i) => ({ ...q, attributes: { ...q.attributes, note: i ? attribute : '' } })),
            codings: [...codings],
            coders: ['x', 'y & z'],
          });
          same(study, { version: '0.0.1', files });
          same(study, { version: '0.0.1', coders: ['y & z'] });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a study without transcripts or codings', async () => {
    const base = (await loadStudy(writeStudy({}))).study!;
    expect(base.documents.length).toBe(0);
    same(() => ({ ...base }), { version: '1', files });
  });
});

describe('a selection is named from the start of its text only', () => {
  // The definition: white space collapsed, trimmed; more than 60 characters: the first 57 and "...".
  const named = (text: string): string => {
    const one = text.replace(/\s+/g, ' ').trim();
    const cps = [...one];
    return cps.length > 60 ? `${cps.slice(0, 57).join('').trimEnd()}...` : one;
  };
  it('names it as the whole selection would be named, at every length around the cut', () => {
    const piece = fc.constantFrom('a', 'é', ' ', '\u00a0', '\u2003', '\u3000', '\ufeff', '\n', '\t', '\u1680', '\u180e', '\u0085', '😀', '\ud800', 'xy');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 400 }), fc.nat(), fc.nat(), (parts, a, b) => {
        const text = parts.join('');
        const start = text.length ? a % (text.length + 1) : 0;
        const end = start + (text.length - start ? b % (text.length - start + 1) : 0);
        expect(selectionNameIn(text, start, end)).toBe(named(text.slice(start, end)));
      }),
      { numRuns: 3000 },
    );
  });
  it('cuts after 57 characters, not UTF-16 units (emoji), and only names longer than 60', () => {
    for (const unit of ['x', '😀', 'é']) {
      for (const n of [59, 60, 61, 62, 70, 200]) {
        for (const tail of ['', ' ', ' and more', '\u3000\u3000']) {
          const text = `  ${unit.repeat(n)}${tail}`;
          expect(selectionNameIn(text, 0, text.length), `${unit} x ${n} + ${JSON.stringify(tail)}`).toBe(named(text));
        }
      }
    }
    expect(selectionNameIn('😀'.repeat(61), 0, 122)).toBe(`${'😀'.repeat(57)}...`);
    expect(selectionNameIn(`a\n\n b${' '.repeat(500)}`, 0, 505)).toBe('a b');
  });
  it('counts towards the cut only characters that are not white space (every UTF-16 unit checked)', () => {
    // A selection of 122 copies of one character and then white space: if that character were
    // counted while being white space, the name would be cut too early.
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      const text = `${ch.repeat(122)}${' '.repeat(10)}b`;
      const got = selectionNameIn(text, 0, text.length);
      if (got !== named(text)) throw new Error(`U+${c.toString(16)}: ${JSON.stringify(got)}`);
    }
  });
});

/** Each entry of a zip with the CRC-32 its central directory gives (read here by hand: fflate does not check it). */
function centralCrcs(zip: Uint8Array): Map<string, number> {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = zip.length - 22;
  while (v.getUint32(eocd, true) !== 0x06054b50) eocd--;
  const count = v.getUint16(eocd + 10, true);
  let at = v.getUint32(eocd + 16, true);
  const out = new Map<string, number>();
  for (let k = 0; k < count; k++) {
    expect(v.getUint32(at, true)).toBe(0x02014b50);
    const n = v.getUint16(at + 28, true);
    const extra = v.getUint16(at + 30, true);
    const comment = v.getUint16(at + 32, true);
    out.set(new TextDecoder().decode(zip.subarray(at + 46, at + 46 + n)), v.getUint32(at + 16, true));
    at += 46 + n + extra + comment;
  }
  return out;
}

function zipOf(parts: ReadonlyArray<{ xml: string } | { source: { name: string; text: string } }>): Uint8Array {
  const pieces = qdpxPieces(
    (function* () {
      yield* parts;
      return { counts: { sources: 0, codes: 0, codings: 0, users: 0, cases: 0 }, removed: 0 };
    })(),
  );
  return Buffer.concat([...{ [Symbol.iterator]: () => pieces }]);
}

describe('the .qdpx written in pieces', () => {
  it('holds each entry whole, in the order the parts come (project.qde at its first piece), with the right checksums', () => {
    const big = 'é😀<x>'.repeat(150_000);
    // A piece bigger than a third of the buffer is compressed on its own; the final flush is then empty.
    type Part = { xml: string } | { source: { name: string; text: string } };
    const cases: Part[][] = [
      [{ xml: '<a/>' }],
      [{ xml: 'x'.repeat(400_000) }],
      // As the export gives them: the sources first.
      [{ source: { name: 's1.txt', text: 'one\r\n' } }, { source: { name: 's2.txt', text: big } }, { xml: '<p>' }, { xml: big }, { xml: '</p>' }],
      // A source given while project.qde is being written comes after it.
      [{ source: { name: 's0.txt', text: 'zero' } }, { xml: '<p>' }, { source: { name: 's1.txt', text: 'one\r\n' } }, { xml: big }, { source: { name: 's2.txt', text: '' } }, { xml: '</p>' }],
    ];
    const order = [['project.qde'], ['project.qde'], ['sources/s1.txt', 'sources/s2.txt', 'project.qde'], ['sources/s0.txt', 'project.qde', 'sources/s1.txt', 'sources/s2.txt']];
    for (const [k, parts] of cases.entries()) {
      const zip = zipOf(parts);
      const files = unzipSync(zip);
      const qde = parts.flatMap((p) => ('xml' in p ? [p.xml] : [])).join('');
      const sources = parts.flatMap((p) => ('source' in p ? [p.source] : []));
      expect(Object.keys(files)).toEqual(order[k]);
      expect([...centralCrcs(zip).keys()]).toEqual(order[k]);
      expect(new TextDecoder().decode(files['project.qde'])).toBe(qde);
      for (const s of sources) expect(new TextDecoder().decode(files[`sources/${s.name}`])).toBe(s.text);
      for (const [name, crc] of centralCrcs(zip)) expect(crc, name).toBe(crc32(files[name]!) >>> 0);
    }
  });

  it('is the same bytes each time', () => {
    const parts = [{ xml: 'a'.repeat(3_000_000) }, { source: { name: 's.txt', text: 'text' } }];
    expect(Buffer.from(zipOf(parts)).equals(Buffer.from(zipOf(parts)))).toBe(true);
  });
});

describe('zips whose entries have their sizes after their data (streaming writers)', () => {
  const streamed = (name: string, data: Uint8Array): Uint8Array => {
    const out: Uint8Array[] = [];
    const zip = new Zip((err, chunk) => {
      if (err) throw err;
      out.push(chunk);
    });
    const f = new ZipDeflate(name, { level: 6 });
    zip.add(f);
    f.push(data, true);
    zip.end();
    return Buffer.concat(out);
  };
  it('an entry of several MB that compresses normally is accepted (it was refused as a zip bomb)', () => {
    // Numbers in base 36 from a multiplicative hash: compresses about 1.5 times.
    const text = Array.from({ length: 400_000 }, (_, i) => ((i * 2654435761) >>> 0).toString(36)).join(' ');
    const zip = streamed('project.qde', strToU8(text));
    const entries = inspectArchive(zip);
    expect(entries).toEqual([{ name: 'project.qde', compressed: expect.any(Number), size: text.length }]);
    expect(entries[0]!.compressed).toBeGreaterThan(text.length / 4);
    expect(inflateRawSync(zip.subarray(30 + 'project.qde'.length, 30 + 'project.qde'.length + entries[0]!.compressed)).length).toBe(text.length);
  });
  it('a streamed bomb is still refused', () => {
    expect(() => inspectArchive(streamed('bomb.txt', new Uint8Array(20 * 1024 * 1024)))).toThrow(UnsafeArchiveError);
  });
});

describe('writing a file in pieces', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'qualwave-pieces-'));
  it('writes every piece, in order', () => {
    const d = dir();
    writeFileAtomic(join(d, 'f'), [Buffer.from('ab'), Buffer.from(''), Buffer.from('cd')]);
    expect(readFileSync(join(d, 'f'), 'utf8')).toBe('abcd');
  });
  it('a piece that cannot be made: its own error, the old file kept, no temporary file left', () => {
    const d = dir();
    writeFileSync(join(d, 'f'), 'old');
    const failing = (function* () {
      yield Buffer.from('new, half');
      throw Object.assign(new Error('the transcript changed'), { code: 'ENOENT' });
    })();
    expect(() => writeFileAtomic(join(d, 'f'), failing, { force: true })).toThrow(/^the transcript changed$/);
    expect(readFileSync(join(d, 'f'), 'utf8')).toBe('old');
    expect(readdirSync(d)).toEqual(['f']);
  });
  it('a full disk after some pieces: refused, the old file kept, no temporary file left', () => {
    const d = dir();
    writeFileSync(join(d, 'f'), 'old');
    let written = 0;
    const restore = setFsOps({
      write: (fd, bytes, off, len) => {
        if (written > 5) return 0;
        written += len;
        return writeSync(fd, bytes, off, len);
      },
    });
    try {
      expect(() => writeFileAtomic(join(d, 'f'), [Buffer.from('123456'), Buffer.from('789')], { force: true })).toThrow(/the disk is full/);
    } finally {
      restore();
    }
    expect(readFileSync(join(d, 'f'), 'utf8')).toBe('old');
    expect(readdirSync(d)).toEqual(['f']);
  });
});
