import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { qualwave, repo } from '../helpers/cli.js';

/**
 * Projects shaped like real exports (built here, no third-party file): each imports with no flags
 * but --into, and every coding's text is the text the vendor's positions select, counted the
 * vendor's way by this test (code points, UTF-16 units, a CRLF as one...), independently of the
 * import.
 */
const tmp = () => mkdtempSync(join(tmpdir(), 'qualwave-vendors-'));
const G = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const XMLLINT = spawnSync('xmllint', ['--version']).status === 0;
const SCHEMAS = join(repo, '../shared/refi-qda');
const CAN_VALIDATE = XMLLINT && existsSync(join(SCHEMAS, 'Project.xsd'));
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** An interview with CRLF line breaks, accents, an emoji before most selections, curly quotes. */
const CRLF = ['Interviewer: Comment ça va ?', 'Ana: Très bien 😀 merci, vraiment.', 'J’ai appris à écouter 🙂 les autres, à écouter vraiment.', 'Interviewer: Et après ?', 'Ana: Je continue, café au lait ☕ chaque matin.', ''].join('\r\n');

type Count = 'codepoints' | 'utf16' | 'crlf-as-one' | 'lf-as-two';
/** Where `phrase` (its n-th occurrence) sits in `text`, counted one way; end just after its last character. */
function position(text: string, phrase: string, count: Count, nth = 0): [number, number] {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = text.indexOf(phrase, i + 1);
  if (i < 0) throw new Error(`test: ${phrase} not in text`);
  const units = (s: string) => (count === 'utf16' ? s.length : count === 'crlf-as-one' ? [...s.replace(/\r\n/g, '\n')].length : count === 'lf-as-two' ? [...s.replace(/\n/g, '\r\n')].length : [...s].length);
  return [units(text.slice(0, i)), units(text.slice(0, i + phrase.length))];
}

// Hand-counted, to check the helper: "Très bien 😀 merci" starts after "Interviewer: Comment ça va ?"
// (28 characters), CRLF (2) and "Ana: " (5) = 35 in code points and in UTF-16 units alike; it
// ends 17 characters later (the emoji is one code point) = 52, or 53 UTF-16 units.
// "J’ai appris" starts on line 3: 28 + 2 + 33 ("Ana: Très bien 😀 merci, vraiment.": 5 + 10 + 1 + 17)
// + 2 = 65 code points; 66 UTF-16 units (the emoji of line 2 is two); 63 with CRLFs counted as one.
it('test helper: positions counted by hand', async () => {
  expect(position(CRLF, 'Très bien 😀 merci', 'codepoints')).toEqual([35, 52]);
  expect(position(CRLF, 'Très bien 😀 merci', 'utf16')).toEqual([35, 53]);
  expect(position(CRLF, 'J’ai appris', 'codepoints')[0]).toBe(65);
  expect(position(CRLF, 'J’ai appris', 'utf16')[0]).toBe(66);
  expect(position(CRLF, 'J’ai appris', 'crlf-as-one')[0]).toBe(63);
});

interface Sel {
  phrase: string;
  code: number;
  user?: number;
  nth?: number;
  name?: string | null;
  memo?: string;
}

const CODES = `<CodeBook><Codes>
    <Code guid="${G(10)}" name="Humeur" isCodable="true"><Description>Comment la personne se sent.
Deuxième ligne de la définition.
Include: joie, fatigue</Description></Code>
    <Code guid="${G(11)}" name="Écoute" isCodable="true"/>
    <Code guid="${G(12)}" name="Routine" isCodable="true"/>
  </Codes></CodeBook>`;

function selectionXml(text: string, sels: Sel[], count: Count, base: number): string {
  return sels
    .map((s, i) => {
      const [a, b] = position(text, s.phrase, count, s.nth ?? 0);
      const name = s.name === null ? '' : ` name="${esc(s.name ?? s.phrase)}"`;
      const user = ` creatingUser="${G(s.user ?? 1)}"`;
      return `<PlainTextSelection guid="${G(base + i)}"${name} startPosition="${a}" endPosition="${b}"${user}>${s.memo ? `<Description>${esc(s.memo)}</Description>` : ''}<Coding guid="${G(base + 500 + i)}"${user}><CodeRef targetGUID="${G(s.code)}"/></Coding></PlainTextSelection>`;
    })
    .join('\n');
}

const SELECTIONS: Sel[] = [
  { phrase: 'Très bien 😀 merci', code: 10, memo: '[exemplar] joyeuse' },
  { phrase: 'écouter 🙂 les autres', code: 11, user: 2 },
  // The same code twice on one line: two codings.
  { phrase: 'écouter vraiment', code: 11, user: 2 },
  { phrase: 'café au lait ☕ chaque matin', code: 12 },
];

/** A project: users, codes, one source holding `text` (file or inline), the selections counted `count`. */
function project(opts: { text: string; count: Count; sels?: Sel[]; origin?: string; sourceAttrs?: string; cases?: boolean; name?: string | null; inline?: boolean }): string {
  const sels = opts.sels ?? SELECTIONS;
  const srcName = opts.name === null ? '' : ` name="${opts.name ?? 'Ana entretien'}"`;
  const content = opts.inline ? `<PlainTextContent>${esc(opts.text)}</PlainTextContent>` : '';
  const cases = opts.cases ? `<Cases><Case guid="${G(30)}" name="Ana B"><SourceRef targetGUID="${G(40)}"/></Case></Cases>` : '';
  return `<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Projet" origin="${opts.origin ?? 'NVivo 12'}">
  <Users><User guid="${G(1)}" name="Marie Curie"/><User guid="${G(2)}" name="Ben"/></Users>
  ${CODES}
  ${cases}
  <Sources>
    <TextSource guid="${G(40)}"${srcName} ${opts.sourceAttrs ?? `plainTextPath="internal://${G(40)}.txt"`}>${content}
${selectionXml(opts.text, sels, opts.count, 100)}
    </TextSource>
  </Sources>
</Project>`;
}

function qdpx(dir: string, files: Record<string, string | Uint8Array>, name: string): string {
  const path = join(dir, name);
  writeFileSync(path, zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? strToU8(v) : v]))));
  return path;
}

/** The JSON report of `import --format json`: the report type of the core. */
import type { ImportReport } from '../../src/core/refi/plan.js';
type Report = ImportReport;

/** Import with no flags but --into and --format json; the study must validate. */
async function importIt(file: string, into: string, validate = true): Promise<{ report: Report; stderr: string }> {
  const r = await qualwave(['import', file, '--into', into, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  if (validate) {
    const v = await qualwave(['validate', into]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
  }
  return { report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

/** Each coding's text in the imported study (codings list), by code, in order. */
async function codedTexts(study: string): Promise<Array<[string, string]>> {
  const rows = JSON.parse((await qualwave(['codings', 'list', '--study', study, '--format', 'json'])).stdout) as Array<{ code: string; text: string; coder: string }>;
  return rows.map((r) => [r.code, r.text] as [string, string]).sort();
}

const wanted = (sels: Sel[]) => sels.map((s) => [s.code === 10 ? 'humeur' : s.code === 11 ? 'ecoute' : 'routine', s.phrase] as [string, string]).sort();

describe('REFI-QDA projects as vendors write them', () => {
  it('CRLF text with the standard code-point positions: every coding on its text, CRLF kept', async () => {
    const dir = tmp();
    const file = qdpx(dir, { 'project.qde': project({ text: CRLF, count: 'codepoints', origin: 'ATLAS.ti 23' }), [`sources/${G(40)}.txt`]: CRLF }, 'std.qdpx');
    const { report } = await importIt(file, join(dir, 's'));
    expect(report.reading?.id).toBe('codepoints');
    expect(report).toMatchObject({ codings: 4, placed: 4, unverified: 0, sources: 1, users: 2, codes: 3 });
    expect(await codedTexts(join(dir, 's'))).toEqual(wanted(SELECTIONS));
    // The text as stored, line breaks included: positions were not read on a converted copy.
    expect(readFileSync(join(dir, 's/transcripts/Ana-entretien_interview.txt'), 'utf8')).toBe(CRLF);
    // No cases: the participant is the source's name, made an id, the name kept.
    expect(readFileSync(join(dir, 's/participants.csv'), 'utf8')).toBe('id,original_name\nAna-entretien,Ana entretien\n');
    // Two codings of one code on one line (line 3), as exact spans.
    const ben = readFileSync(join(dir, 's/codings/ben.tsv'), 'utf8');
    expect(ben.split('\n').filter((l) => /\t3:\d+-3:\d+\tecoute\t/.test(l))).toHaveLength(2);
    // The exemplar mark and the memo, and the multi-line description's line breaks.
    expect(readFileSync(join(dir, 's/codings/marie-curie.tsv'), 'utf8')).toContain('\thumeur\tyes\tjoyeuse\t');
    expect(readFileSync(join(dir, 's/codebooks/imported.yaml'), 'utf8')).toContain('Comment la personne se sent.\n');
  });

  it('the same project with NVivo for Windows’ UTF-16 positions: read as UTF-16, said so', async () => {
    const dir = tmp();
    const file = qdpx(dir, { 'project.qde': project({ text: CRLF, count: 'utf16' }), [`Sources/${G(40)}.txt`]: CRLF }, 'nvivo.qdpx');
    const { report, stderr } = await importIt(file, join(dir, 's'));
    expect(report.reading?.id).toBe('utf16');
    expect(stderr).toContain('positions read as UTF-16 code units');
    expect(stderr).toContain('4 of 4 selection names repeat the text at their positions');
    expect(report).toMatchObject({ codings: 4, placed: 4, unverified: 0 });
    expect(await codedTexts(join(dir, 's'))).toEqual(wanted(SELECTIONS));
  });

  it('ATLAS.ti counting each CRLF as one character, selections without names: word boundaries decide', async () => {
    const dir = tmp();
    const sels = SELECTIONS.map((s) => ({ ...s, name: null }));
    const file = qdpx(dir, { 'Mon projet.qde': project({ text: CRLF, count: 'crlf-as-one', sels, origin: 'ATLAS.ti 8' }), [`sources/${G(40)}.txt`]: CRLF }, 'atlas.qdpx');
    const { report } = await importIt(file, join(dir, 's'));
    expect(report.reading?.id).toBe('codepoints+crlf-as-one');
    expect(report.placed).toBe(4);
    expect(await codedTexts(join(dir, 's'))).toEqual(wanted(SELECTIONS));
  });

  it('a selection whose name is not its text is imported and listed as unverified', async () => {
    const dir = tmp();
    const sels: Sel[] = [...SELECTIONS, { phrase: 'Et après', code: 12, name: 'something else entirely' }];
    const file = qdpx(dir, { 'project.qde': project({ text: CRLF, count: 'codepoints', sels }), [`sources/${G(40)}.txt`]: CRLF }, 'p.qdpx');
    const { report, stderr } = await importIt(file, join(dir, 's'));
    expect(report).toMatchObject({ codings: 5, placed: 4, unverified: 1 });
    expect(report.unverifiedCodings[0]!.why).toContain('its name "something else entirely" is not the text at its position');
    expect(stderr).toContain('1 unverified');
  });

  it('unnamed sources are named by their file; cases hold participants', async () => {
    const dir = tmp();
    const file = qdpx(dir, { 'project.qde': project({ text: CRLF, count: 'codepoints', name: null, sourceAttrs: 'plainTextPath="internal://P07_w2.txt"' }), 'sources/P07_w2.txt': CRLF }, 'p.qdpx');
    const { report } = await importIt(file, join(dir, 's'));
    expect(report.sources).toBe(1);
    expect(existsSync(join(dir, 's/transcripts/P07_w2_interview.txt'))).toBe(true);
    const withCase = qdpx(dir, { 'project.qde': project({ text: CRLF, count: 'codepoints', cases: true }), [`sources/${G(40)}.txt`]: CRLF }, 'c.qdpx');
    await importIt(withCase, join(dir, 'c'));
    expect(readFileSync(join(dir, 'c/participants.csv'), 'utf8')).toBe('id,original_name\nAna-B,Ana B\n');
  });

  it('--name-pattern gives the wave when no variable does', async () => {
    const dir = tmp();
    const file = qdpx(dir, { 'project.qde': project({ text: CRLF, count: 'codepoints', name: 'P07_w2' }), [`sources/${G(40)}.txt`]: CRLF }, 'p.qdpx');
    const r = await qualwave(['import', file, '--into', join(dir, 's'), '--name-pattern', '{participant}_{wave}']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 's/transcripts/P07_w2.txt'))).toBe(true);
  });

  it('sources kept only as Word documents are converted (positions counted on CRLF paragraphs)', async () => {
    const dir = tmp();
    const paragraphs = ['Interviewer: Comment ça va ?', 'Ana: Très bien 😀 merci, vraiment.', 'J’ai appris à écouter 🙂 les autres, à écouter vraiment.', 'Interviewer: Et après ?', 'Ana: Je continue, café au lait ☕ chaque matin.'];
    const asText = paragraphs.join('\n') + '\n';
    const docx = wordDocument(paragraphs);
    const xml = project({ text: asText, count: 'lf-as-two', sourceAttrs: `richTextPath="internal://${G(40)}.docx"` });
    const file = qdpx(dir, { 'project.qde': xml, [`sources/${G(40)}.docx`]: docx }, 'w.qdpx');
    const { report, stderr } = await importIt(file, join(dir, 's'));
    expect(stderr).toContain('converted from the Word document');
    expect(report.reading?.id).toBe('codepoints+lf-as-two');
    expect(report).toMatchObject({ codings: 4, placed: 4, unverified: 0 });
    expect(await codedTexts(join(dir, 's'))).toEqual(wanted(SELECTIONS));
  });

  it('an empty text file with the text beside it (NVivo for Mac) is used and said; a source with no text anywhere is skipped and the study validates', async () => {
    const dir = tmp();
    const xml = project({ text: CRLF, count: 'codepoints', name: 'Ana' }).replace(
      '</Sources>',
      `<TextSource guid="${G(41)}" name="Vide" plainTextPath="internal://${G(41)}.txt"><PlainTextSelection guid="${G(99)}" startPosition="0" endPosition="4"><Coding guid="${G(98)}"><CodeRef targetGUID="${G(10)}"/></Coding></PlainTextSelection></TextSource></Sources>`,
    );
    const file = qdpx(dir, { 'project.qde': xml, [`sources/${G(40)}.txt`]: '\n', 'sources/Ana.txt': CRLF, [`sources/${G(41)}.txt`]: '\n' }, 'mac.qdpx');
    const { report, stderr } = await importIt(file, join(dir, 's'));
    expect(stderr).toContain(`Ana: its text was empty in the project (${G(40)}.txt); read from sources/Ana.txt`);
    expect(report.skipped).toEqual([{ source: 'Vide', reason: `its text is empty (${G(41)}.txt) and no other copy of it is in the project`, selections: 1 }]);
    expect(report.dropped).toMatchObject({ 'text sources without text': 1, 'selections of sources without text': 1 });
    expect(report).toMatchObject({ sources: 1, codings: 4, placed: 4 });
  });

  it('a project whose sources have no text at all still brings its codes and users', async () => {
    const dir = tmp();
    const file = qdpx(dir, { 'project.qde': project({ text: CRLF, count: 'codepoints', sourceAttrs: `richTextPath="internal://${G(40)}.pdf"` }), [`sources/${G(40)}.pdf`]: '%PDF-1.4' }, 'pdf.qdpx');
    const { report, stderr } = await importIt(file, join(dir, 's'), false);
    expect(report).toMatchObject({ sources: 0, codes: 3, users: 2, codings: 0 });
    expect(stderr).toContain('no source of the project had text: the study holds its codebook');
    expect(report.skipped[0]!.reason).toContain('PDF without a plain text representation');
    expect(readFileSync(join(dir, 's/codebooks/imported.yaml'), 'utf8')).toContain('label: Routine');
  });

  it('a bare .qde, with its sources beside it or none', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'p/sources'), { recursive: true });
    writeFileSync(join(dir, 'p/project.qde'), project({ text: CRLF, count: 'codepoints' }));
    writeFileSync(join(dir, 'p/sources', `${G(40)}.txt`), CRLF);
    const { report, stderr } = await importIt(join(dir, 'p/project.qde'), join(dir, 's'));
    expect(stderr).toContain('a bare .qde');
    expect(report).toMatchObject({ sources: 1, codings: 4, placed: 4 });
    mkdirSync(join(dir, 'q'));
    writeFileSync(join(dir, 'q/project.qde'), project({ text: CRLF, count: 'codepoints', inline: true }));
    expect((await importIt(join(dir, 'q/project.qde'), join(dir, 't'))).report).toMatchObject({ sources: 1, codings: 4 });
    // An outside path in the project is looked for beside the .qde only, never followed.
    writeFileSync(join(dir, 'secret.txt'), 'private words');
    mkdirSync(join(dir, 'r'));
    writeFileSync(join(dir, 'r/project.qde'), project({ text: CRLF, count: 'codepoints', sourceAttrs: `plainTextPath="${join(dir, 'secret.txt')}"` }));
    const out = await importIt(join(dir, 'r/project.qde'), join(dir, 'u'), false);
    expect(out.report.sources).toBe(0);
    expect(out.report.skipped[0]!.reason).toContain('outside file');
  });

  it('refuses what is unsafe in a bare .qde too, and writes nothing', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'e.qde'), '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><Project name="&x;"/>');
    const r = await qualwave(['import', join(dir, 'e.qde'), '--into', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('declares a DTD or entities');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('exports of these projects validate against the Project schema', async () => {
    if (!CAN_VALIDATE) return;
    const dir = tmp();
    const file = qdpx(dir, { 'project.qde': project({ text: CRLF, count: 'utf16' }), [`sources/${G(40)}.txt`]: CRLF }, 'p.qdpx');
    await importIt(file, join(dir, 's'));
    expect((await qualwave(['export', '--study', join(dir, 's'), '-o', join(dir, 'back.qdpx')])).code).toBe(0);
    writeFileSync(join(dir, 'project.qde'), unzipSync(readFileSync(join(dir, 'back.qdpx')))['project.qde']!);
    const v = spawnSync('xmllint', ['--noout', '--schema', join(SCHEMAS, 'Project.xsd'), join(dir, 'project.qde')], { encoding: 'utf8' });
    expect(v.stderr).toContain('validates');
  });
});

describe('REFI-QDA codebooks (.qdc)', () => {
  it('sets of a flat codebook become themes; descriptions keep their line breaks', async () => {
    const dir = join(tmp(), 'study');
    mkdirSync(dir);
    expect((await qualwave(['init', dir])).code).toBe(0);
    writeFileSync(
      join(dir, 'groups.qdc'),
      `<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="ATLAS.ti"><Codes>
<Code guid="${G(1)}" name="Joy" isCodable="true"><Description>First line.
Second line.</Description></Code>
<Code guid="${G(2)}" name="Fear" isCodable="true"/>
<Code guid="${G(3)}" name="Other" isCodable="true"/>
</Codes><Sets><Set guid="${G(9)}" name="Feelings"><Description>Emotions named.</Description><MemberCode guid="${G(1)}"/><MemberCode guid="${G(2)}"/></Set></Sets></CodeBook>`,
    );
    const r = await qualwave(['import', 'groups.qdc'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('1 code set made themes: Feelings (2 codes)');
    const yaml = readFileSync(join(dir, 'codebooks/groups.yaml'), 'utf8');
    expect(yaml).toContain('- id: feelings\n    label: Feelings\n    definition: Emotions named.\n    children:\n      - id: joy');
    expect(yaml).toMatch(/definition: \|-?\n\s+First line\.\n\s+Second line\./);
  });

  it('a truncated .qdc is reported at its end, in plain words', async () => {
    const dir = join(tmp(), 'study');
    mkdirSync(dir);
    await qualwave(['init', dir]);
    writeFileSync(join(dir, 'cut.qdc'), `<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0">\n  <Codes>\n    <Code guid="${G(1)}" name="Joy" isCodable="true">\n      <Descrip`);
    const r = await qualwave(['import', 'cut.qdc'], { cwd: dir });
    expect(r.code).toBe(2);
    // The file's last line is line 5; "      <Descrip" is 14 characters: the end is column 15.
    expect(r.stderr).toContain('cut.qdc:5:15: the file ends before its XML does');
    expect(r.stderr).toContain('cut short');
  });
});

/** A minimal Word document with these paragraphs (the parts mammoth needs). */
function wordDocument(paragraphs: string[]): Uint8Array {
  const body = paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${esc(p)}</w:t></w:r></w:p>`).join('');
  return zipSync({
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    '_rels/.rels': strToU8('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'),
    'word/document.xml': strToU8(`<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`),
  });
}
