import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { qualwave, repo } from '../helpers/cli.js';
import { writeStudy } from '../helpers/study.js';
import { copyStudy } from '../helpers/copy-study.js';

const buddy = join(repo, 'fixtures/buddy-study');
const tmp = () => mkdtempSync(join(tmpdir(), 'qualwave-refi-'));
const XMLLINT = spawnSync('xmllint', ['--version']).status === 0;
/** The REFI-QDA schemas, in the workplace's shared folder beside the repository. */
const SCHEMAS = join(repo, '../shared/refi-qda');
const CAN_VALIDATE = XMLLINT && existsSync(join(SCHEMAS, 'Project.xsd'));
const G = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A small project written here: two coders, a code hierarchy, overlapping selections, accents and emoji. */
function projectXml(opts: { textInline?: boolean; path?: string } = {}): string {
  const text1 = 'Interviewer: Comment ça va ?\nAna: Très bien 😀 merci.\nJ’ai appris à écouter.\n';
  const text2 = 'Interviewer: And now?\nAna: Still learning 🙂 every day.\n';
  const content = (t: string) => (opts.textInline === false ? '' : `<PlainTextContent>${t}</PlainTextContent>`);
  // Positions count code points: "Ana: Très bien 😀 merci." starts at 29; "Très bien 😀 merci." at 34.
  return `<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Projet d’essai" origin="hand-made">
  <Users><User guid="${G(1)}" name="Marie Curie"/><User guid="${G(2)}" name="Ben"/></Users>
  <CodeBook><Codes>
    <Code guid="${G(10)}" name="Apprentissage" isCodable="true" color="#336699"><Description>Ce que la personne apprend.
Include: écoute, patience
Example: J’ai appris beaucoup.</Description>
      <Code guid="${G(11)}" name="Écoute" isCodable="true"/>
    </Code>
    <Code guid="${G(12)}" name="Humeur" isCodable="true"/>
  </Codes></CodeBook>
  <Variables><Variable guid="${G(20)}" name="site" typeOfVariable="Text"/><Variable guid="${G(21)}" name="Wave" typeOfVariable="Text"/></Variables>
  <Cases><Case guid="${G(30)}" name="Ana B"><VariableValue><VariableRef targetGUID="${G(20)}"/><TextValue>Nord</TextValue></VariableValue><SourceRef targetGUID="${G(40)}"/><SourceRef targetGUID="${G(41)}"/></Case></Cases>
  <Sources>
    <TextSource guid="${G(40)}" name="Ana entretien 1"${opts.path ? ` plainTextPath="${opts.path}"` : ''}>${content(text1)}
      <PlainTextSelection guid="${G(50)}" startPosition="34" endPosition="52" creatingUser="${G(1)}"><Description>[exemplar] joyeuse</Description><Coding guid="${G(60)}" creatingUser="${G(1)}"><CodeRef targetGUID="${G(12)}"/></Coding></PlainTextSelection>
      <PlainTextSelection guid="${G(51)}" startPosition="34" endPosition="75" creatingUser="${G(2)}"><Coding guid="${G(61)}" creatingUser="${G(2)}"><CodeRef targetGUID="${G(11)}"/></Coding></PlainTextSelection>
      <VariableValue><VariableRef targetGUID="${G(21)}"/><TextValue>t1</TextValue></VariableValue>
    </TextSource>
    <TextSource guid="${G(41)}" name="Ana entretien 2"><PlainTextContent>${text2}</PlainTextContent>
      <Coding guid="${G(62)}" creatingUser="${G(1)}"><CodeRef targetGUID="${G(10)}"/></Coding>
      <VariableValue><VariableRef targetGUID="${G(21)}"/><TextValue>t2</TextValue></VariableValue>
    </TextSource>
    <PictureSource guid="${G(42)}" name="photo"/>
  </Sources>
  <Graphs><Graph guid="${G(70)}" name="map"/></Graphs>
</Project>`;
}

function qdpx(dir: string, files: Record<string, string | Uint8Array>, name = 'p.qdpx'): string {
  const path = join(dir, name);
  writeFileSync(path, zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? strToU8(v) : v]))));
  return path;
}

describe('qualwave export', () => {
  it('writes a project valid against the REFI-QDA Project schema, the same bytes every time', async () => {
    const dir = tmp();
    expect((await qualwave(['export', '--study', buddy, '-o', join(dir, 'a.qdpx')])).code).toBe(0);
    expect((await qualwave(['export', '--study', buddy, '-o', join(dir, 'b.qdpx')])).code).toBe(0);
    const a = readFileSync(join(dir, 'a.qdpx'));
    expect(a.equals(readFileSync(join(dir, 'b.qdpx')))).toBe(true);
    const files = unzipSync(a);
    expect(Object.keys(files).filter((f) => f.startsWith('sources/'))).toHaveLength(36);
    writeFileSync(join(dir, 'project.qde'), files['project.qde']!);
    if (CAN_VALIDATE) {
      const v = spawnSync('xmllint', ['--noout', '--schema', join(SCHEMAS, 'Project.xsd'), join(dir, 'project.qde')], { encoding: 'utf8' });
      expect(v.stderr).toContain('validates');
      expect(v.status).toBe(0);
      writeFileSync(join(dir, 'c.qdc'), (await qualwave(['export', '--study', buddy, '--format', 'qdc'])).stdout);
      expect(spawnSync('xmllint', ['--noout', '--schema', join(SCHEMAS, 'Codebook.xsd'), join(dir, 'c.qdc')]).status).toBe(0);
    } else console.warn(`schema validation skipped: ${XMLLINT ? `no REFI-QDA schemas at ${SCHEMAS}` : 'xmllint is not installed (apt-get install libxml2-utils)'}`);
  });

  it('round trip: export then import gives the same study back, byte for byte, and the same outputs after build', async () => {
    const dir = tmp();
    const study = join(dir, 'study');
    copyStudy(buddy, study);
    // Sub-line spans with memos and exemplars by two coders, on top of the fixture's whole lines
    // (the fixture has wave labels, keywords, patterns, an attribution template, case summaries).
    // Line 10 of MS01_pre starts "MS01: Um, I think mostly I'll be a friend for her.": "I think
    // mostly" is columns 11-24, "a friend" 36-43.
    const code = async (coder: string, lines: string, apply: string, more: string[] = []) => expect((await qualwave(['code', 'MS01', 'pre', '--study', study, '--coder', coder, '--lines', lines, '--apply', apply, ...more])).code).toBe(0);
    await code('alice', '10:11-10:24', 'support.companionship', ['--exemplar', '--memo', 'a hedge, then a plan']);
    await code('alice', '10:36-10:43', 'relationship.connecting', ['--memo', 'the role she expects']);
    await code('ben', '10:36-10:43', 'support.companionship');
    expect(readFileSync(join(study, 'codings/alice.tsv'), 'utf8')).toContain('MS01\tpre\t10:11-10:24\tsupport.companionship\tyes\ta hedge, then a plan\t');
    expect((await qualwave(['export', '--study', study, '-o', join(dir, 'b.qdpx')])).code).toBe(0);
    const r = await qualwave(['import', join(dir, 'b.qdpx'), '--into', join(dir, 'back'), '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.unverified).toBe(0);
    expect(report.restored).toEqual(expect.arrayContaining(['qualwave.yaml', 'participants.csv', 'codebooks/buddy.yaml', 'cases/MS04.md', 'cases/MS07.md']));
    const files = (root: string): string[] => {
      const out: string[] = [];
      for (const d of ['transcripts', 'codings', 'codebooks', 'cases']) for (const f of readdirSync(join(root, d))) out.push(`${d}/${f}`);
      return [...out, 'qualwave.yaml', 'participants.csv'].sort();
    };
    expect(files(join(dir, 'back'))).toEqual(files(study));
    for (const f of files(study)) expect(readFileSync(join(dir, 'back', f), 'utf8'), f).toBe(readFileSync(join(study, f), 'utf8'));
    // The same outputs after build.
    expect((await qualwave(['build', '--study', join(dir, 'back')])).code).toBe(0);
    expect((await qualwave(['build', '--study', study])).code).toBe(0);
    for (const f of ['tables/themes-by-wave.md', 'tables/agreement.md', 'tables/change-evidence.md', 'report.html', 'dossiers/MS07.md']) expect(readFileSync(join(dir, 'back', f), 'utf8'), f).toBe(readFileSync(join(study, f), 'utf8'));
    expect((await qualwave(['validate', '--strict', join(dir, 'back')])).code).toBe(0);
  });

  it('a big export (project.qde of several MB, written as a stream) imports back with every coding', async () => {
    // 4 transcripts x 500 answers, every answer coded by two coders (one with an exact span and a
    // memo): 4,000 selections, project.qde about 3 MB. Its entries carry their sizes after their
    // data (a streaming zip writer's data descriptor), which the zip check once took for a bomb.
    const dir = tmp();
    const study = join(dir, 'study');
    const answers = (p: string, w: string) => Array.from({ length: 500 }, (_, i) => `I: Question ${i}?\n\n${p}: At ${w}, answer ${i}: é 😀 & "quoted" <b>\n`).join('\n');
    const rows = (coder: string) =>
      ['participant\twave\tlines\tcode\texemplar\tmemo\thash']
        .concat(['P1', 'P2'].flatMap((p) => ['w1', 'w2'].flatMap((w) => Array.from({ length: 500 }, (_, i) => (coder === 'x' ? `${p}\t${w}\t${3 + 4 * i}\tt.a\t\t\t` : `${p}\t${w}\t${3 + 4 * i}:5-${3 + 4 * i}:12\tt.b\t${i % 2 ? 'yes' : ''}\tmemo ${i} & <more>\t`)))))
        .join('\n') + '\n';
    cpSync(writeStudy({ 'transcripts/P1_w1.txt': answers('P1', 'w1'), 'transcripts/P1_w2.txt': answers('P1', 'w2'), 'transcripts/P2_w1.txt': answers('P2', 'w1'), 'transcripts/P2_w2.txt': answers('P2', 'w2'), 'codings/x.tsv': rows('x'), 'codings/y.tsv': rows('y') }, { participants: ['P1', 'P2'] }), study, {
      recursive: true,
    });
    const out = await qualwave(['export', '--study', study, '-o', join(dir, 'big.qdpx')]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toContain('4000 codings by 2 coders');
    expect(unzipSync(readFileSync(join(dir, 'big.qdpx')))['project.qde']!.length).toBeGreaterThan(2 * 1024 * 1024);
    const r = await qualwave(['import', join(dir, 'big.qdpx'), '--into', join(dir, 'back'), '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).unverified).toBe(0);
    for (const f of ['transcripts/P1_w1.txt', 'transcripts/P2_w2.txt']) expect(readFileSync(join(dir, 'back', f), 'utf8'), f).toBe(readFileSync(join(study, f), 'utf8'));
    // The same codings (import adds the hash of each coding's text, which these had not, and orders them by source).
    const withoutHash = (text: string) =>
      text
        .split('\n')
        .map((l) => l.replace(/\t[0-9a-f]{8}$/, '\t'))
        .sort();
    for (const f of ['codings/x.tsv', 'codings/y.tsv']) expect(withoutHash(readFileSync(join(dir, 'back', f), 'utf8')), f).toEqual(withoutHash(readFileSync(join(study, f), 'utf8')));
  });

  it('a qualwave export edited in another tool: what changed is rebuilt from the project, and said', async () => {
    const dir = tmp();
    await qualwave(['export', '--study', buddy, '-o', join(dir, 'b.qdpx')]);
    const files = unzipSync(readFileSync(join(dir, 'b.qdpx')));
    const xml = new TextDecoder().decode(files['project.qde']!).replace('name="Companionship and normalcy for the child"', 'name="Company"');
    files['project.qde'] = strToU8(xml);
    writeFileSync(join(dir, 'edited.qdpx'), zipSync(files));
    const r = await qualwave(['import', join(dir, 'edited.qdpx'), '--into', join(dir, 'back')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('rebuilt the codebook (its codes were changed since qualwave exported them)');
    const book = readFileSync(join(dir, 'back/codebooks/imported.yaml'), 'utf8');
    expect(book).toContain('label: Company');
    expect(book).toContain('title: Buddy program experience');
    // The codings are the same: the codes keep their ids (qualwave-id: in their descriptions).
    for (const coder of ['alice', 'ben']) expect(readFileSync(join(dir, 'back/codings', `${coder}.tsv`), 'utf8')).toBe(readFileSync(join(buddy, 'codings', `${coder}.tsv`), 'utf8'));
  });
});

describe('qualwave import', () => {
  it('a hand-made project: hierarchy, two coders, overlapping selections, emoji positions, cases and variables', async () => {
    const dir = tmp();
    const file = qdpx(dir, { 'project.qde': projectXml() });
    const r = await qualwave(['import', file, '--into', join(dir, 's'), '--wave-from', 'variable:Wave'], { env: { NO_COLOR: '1' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('imported into');
    expect(r.stderr).toContain('not imported: 1 picture sources, 1 graphs');
    expect(readFileSync(join(dir, 's/participants.csv'), 'utf8')).toBe('id,site,original_name\nAna-B,Nord,Ana B\n');
    expect(readFileSync(join(dir, 's/transcripts/Ana-B_t1.txt'), 'utf8')).toContain('Très bien 😀 merci.');
    // Marie's selection (code points 34-52) is "Très bien 😀 merci." on line 2: line 1 is 28
    // characters and its line break, so line 2 starts at 29 and 34 is its column 6; 18 characters
    // (the emoji is one) end at column 23. Ben's (34-75) runs on to the end of line 3 (column 22).
    // The coding of the whole second source is its lines 1-2 (the text ends with a line break).
    const cols = (f: string) =>
      readFileSync(f, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split('\t').slice(0, 6).join('\t'));
    expect(cols(join(dir, 's/codings/marie-curie.tsv'))).toEqual(['participant\twave\tlines\tcode\texemplar\tmemo', 'Ana-B\tt1\t2:6-2:23\thumeur\tyes\tjoyeuse', 'Ana-B\tt2\t1-2\tapprentissage\t\t']);
    expect(readFileSync(join(dir, 's/codings/ben.tsv'), 'utf8')).toContain('Ana-B\tt1\t2:6-3:22\tecoute');
    // The project is each user's: every transcript of it is finished for every coder who coded in it.
    for (const coder of ['marie-curie', 'ben']) expect(readFileSync(join(dir, `s/codings/${coder}.finished.tsv`), 'utf8')).toBe('participant\twave\nAna-B\tt1\nAna-B\tt2\n');
    expect(r.stderr).toContain('marked the 2 transcripts finished for');
    const book = readFileSync(join(dir, 's/codebooks/imported.yaml'), 'utf8');
    expect(book).toContain('include: écoute, patience');
    expect(book).toContain('- id: ecoute');
    const v = await qualwave(['validate', join(dir, 's')]);
    expect(v.code).toBe(0);
  });

  it('takes the vendor quirks in its stride and says so', async () => {
    const dir = tmp();
    // ATLAS.ti: the project file is not called project.qde.
    const atlas = qdpx(dir, { 'Mon projet.qde': projectXml() }, 'atlas.qdpx');
    const a = await qualwave(['import', atlas, '--into', join(dir, 'a'), '--wave-from', 'variable:Wave']);
    expect(a.code).toBe(0);
    expect(a.stderr).toContain("the project file is named 'Mon projet.qde'");
    // NVivo for Windows: Sources/ with a capital, text only in the file (internal:// path).
    const text1 = 'Interviewer: Comment ça va ?\nAna: Très bien 😀 merci.\nJ’ai appris à écouter.\n';
    const nvivo = qdpx(dir, { 'project.qde': projectXml({ textInline: false, path: 'internal://one.txt' }), 'Sources/one.txt': text1 }, 'nvivo.qdpx');
    const n = await qualwave(['import', nvivo, '--into', join(dir, 'n'), '--wave-from', 'variable:Wave']);
    expect(n.code).toBe(0);
    expect(n.stderr).toContain("sources are under 'Sources/'");
    expect(readFileSync(join(dir, 'n/transcripts/Ana-B_t1.txt'), 'utf8')).toBe(text1);
    // NVivo for Mac: empty text in the project, the text in a .txt beside it, no path.
    const mac = qdpx(dir, { 'project.qde': projectXml({ textInline: false }), [`sources/${G(40)}.txt`]: text1 }, 'mac.qdpx');
    const m = await qualwave(['import', mac, '--into', join(dir, 'm'), '--wave-from', 'variable:Wave']);
    expect(m.code).toBe(0);
    expect(m.stderr).toContain(`the project names no text file for it; read from sources/${G(40)}.txt`);
  });

  it('converts sources kept only as Word documents', async () => {
    const dir = tmp();
    const docx = readFileSync(join(repo, 'fixtures/formats-study/transcripts/w1/P3.docx'));
    const xml = `<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="Word"><CodeBook><Codes><Code guid="${G(1)}" name="Time" isCodable="true"/></Codes></CodeBook><Sources><TextSource guid="${G(2)}" name="P3_w1" richTextPath="internal://${G(2)}.docx"><PlainTextSelection guid="${G(3)}" startPosition="44" endPosition="60"><Coding guid="${G(4)}"><CodeRef targetGUID="${G(1)}"/></Coding></PlainTextSelection></TextSource></Sources></Project>`;
    const file = qdpx(dir, { 'project.qde': xml, [`sources/${G(2)}.docx`]: docx });
    const r = await qualwave(['import', file, '--into', join(dir, 'w'), '--participant-from', 'filename-pattern']);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'w/transcripts/P3_w1.txt'), 'utf8')).toContain('P3: Finding the time, every single week.');
    expect(readFileSync(join(dir, 'w/codings/imported.tsv'), 'utf8')).toMatch(/\nP3\tw1\t2:\d+-2:\d+\ttime\t/);
  });

  it('refuses unsafe or broken archives and writes nothing', async () => {
    const dir = tmp();
    const cases: Array<[string, string, string]> = [
      ['traversal', qdpx(dir, { 'project.qde': projectXml(), '../evil.txt': 'x' }, 't.qdpx'), 'points outside the archive'],
      ['bomb', qdpx(dir, { 'project.qde': projectXml(), 'sources/big.txt': new Uint8Array(30 * 1024 * 1024) }, 'b.qdpx'), 'times (a zip bomb?)'],
      ['malformed', qdpx(dir, { 'project.qde': '<Project name="x"><Users></Project>' }, 'm.qdpx'), 'project.qde:1:'],
      ['entities', qdpx(dir, { 'project.qde': '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><Project name="&x;"/>' }, 'e.qdpx'), 'declares a DTD or entities'],
    ];
    writeFileSync(join(dir, 'truncated.qdpx'), readFileSync(cases[0]![1]).subarray(0, 100));
    cases.push(['truncated', join(dir, 'truncated.qdpx'), 'not a readable zip archive']);
    for (const [name, file, message] of cases) {
      const r = await qualwave(['import', file, '--into', join(dir, `out-${name}`)]);
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toContain(message);
      expect(existsSync(join(dir, `out-${name}`)), name).toBe(false);
    }
  });

  it('--merge adds a project to an existing study', async () => {
    const dir = tmp();
    await qualwave(['export', '--study', buddy, '--coders', 'alice', '-o', join(dir, 'alice.qdpx')]);
    const study = join(dir, 'study');
    copyStudy(buddy, study);
    const r = await qualwave(['import', join(dir, 'alice.qdpx'), '--into', study, '--merge']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('0 new transcripts (36 already there, kept), 0 new participants, 0 new codings');
    expect(readFileSync(join(study, 'codings/alice.finished.tsv'), 'utf8').trim().split('\n')).toHaveLength(37);
    const refused = await qualwave(['import', join(dir, 'alice.qdpx'), '--into', study]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is not empty');
  });

  it('a codebook (.qdc) into the current study', async () => {
    const dir = join(tmp(), 'study');
    copyStudy(buddy, dir);
    writeFileSync(join(dir, 'extra.qdc'), `<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="${G(1)}" name="Coping later" isCodable="true"><Description>Later coping.</Description></Code></Codes></CodeBook>`);
    const r = await qualwave(['import', 'extra.qdc'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'codebooks/extra.yaml'), 'utf8')).toContain('- id: coping-later');
  });
});
