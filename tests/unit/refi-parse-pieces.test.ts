import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ownSelectionCount, ownSelections, parseProject, parseXml, textSourcePieces, textSourceRanges } from '../../src/core/refi/import.js';
import { qdeArbitraries } from '../helpers/qde-arbitraries.js';

/**
 * parseProject reads a .qde's <TextSource> elements one at a time; the oracle is parseXml, the
 * whole document parsed at once (what import did before): the trees must be equal, element for
 * element, on documents shaped like real and hostile projects.
 */

const text = fc.constantFrom('plain', 'caf&#233; &amp; co', 'a&#xD;&#xA;b', ' &lt;tag&gt; ', 'line\nnext', '', '  ', 'quote " and \' here', '> alone', 'emoji 😀', '&#60;not markup&#62;');
const attrValue = fc.constantFrom('x', 'a>b', 'a/>', '/', "it's", 'say "hi"', '&amp;', '&#x3E;', '');
const { ws, extra, child } = qdeArbitraries(text, attrValue);
const project = fc
  .tuple(fc.boolean(), fc.array(child, { maxLength: 6 }), ws, fc.boolean(), fc.constantFrom('', 'qda:'), extra)
  .map(
    ([decl, children, w, before, pre, x]) =>
      `${decl ? '<?xml version="1.0" encoding="utf-8"?>\n' : ''}<${pre}Project xmlns="urn:QDA-XML:project:1.0" name="P &amp; Q">${w}${before ? `<Users><User guid="u" name="a"/></Users>${x}` : ''}<${pre}Sources>${children.join(w)}${w}</${pre}Sources>${w}<Notes><Note name="n"><PlainTextContent>a &lt;TextSource&gt;</PlainTextContent></Note></Notes></${pre}Project>\n`,
  );

describe('a .qde read one <TextSource> at a time', () => {
  it('gives the tree the whole document gives (property, against the whole parse)', () => {
    fc.assert(
      fc.property(project, (xml) => {
        expect(parseProject(xml, 'p.qde')).toEqual(parseXml(xml, 'p.qde'));
      }),
      { numRuns: 400 },
    );
  });

  it('with its selections deferred, gives the same tree once each source is given its selections back (property)', () => {
    fc.assert(
      fc.property(project, (xml) => {
        const whole = parseXml(xml, 'p.qde');
        const lazy = parseProject(xml, 'p.qde', { defer: true });
        const sources = ((lazy['Project'] as Record<string, unknown> | undefined)?.['Sources'] ?? {}) as Record<string, unknown>;
        const wholeSources = ((whole['Project'] as Record<string, unknown> | undefined)?.['Sources'] ?? {}) as Record<string, unknown>;
        const list = (x: unknown) => (Array.isArray(x) ? x : x === undefined ? [] : [x]);
        list(sources['TextSource']).forEach((el, k) => {
          if (!el || typeof el !== 'object') return;
          const want = list((list(wholeSources['TextSource'])[k] as Record<string, unknown>)['PlainTextSelection']);
          expect(ownSelectionCount(el)).toBe(want.length);
          // Asked twice, given twice (a planner may look at a source's selections more than once).
          expect(ownSelections(el)).toEqual(want);
          const got = ownSelections(el);
          if (got.length) (el as Record<string, unknown>)['PlainTextSelection'] = got;
        });
        expect(lazy).toEqual(whole);
      }),
      { numRuns: 400 },
    );
  });

  it('with `keep`, hands each deferred source its own selections XML once and parses what keep gives back (property)', () => {
    fc.assert(
      fc.property(project, (xml) => {
        const kept: string[] = [];
        const lazy = parseProject(xml, 'p.qde', { defer: true });
        const keeping = parseProject(xml, 'p.qde', {
          defer: true,
          keep: (x) => {
            kept.push(x);
            return () => x;
          },
        });
        expect(keeping).toEqual(lazy);
        const list = (x: unknown) => (Array.isArray(x) ? x : x === undefined ? [] : [x]);
        const sources = (t: Record<string, unknown>) => list(((t['Project'] as Record<string, unknown> | undefined)?.['Sources'] as Record<string, unknown> | undefined)?.['TextSource']);
        const mine = sources(keeping).filter((el) => el && typeof el === 'object');
        const theirs = sources(lazy).filter((el) => el && typeof el === 'object');
        // One call per source whose selections were deferred, each with that source's selections as the document has them.
        const deferredSources = mine.filter((el) => ownSelectionCount(el) > 0 && !('PlainTextSelection' in el));
        expect(kept.length).toBe(deferredSources.length);
        for (const x of kept) expect(x.startsWith('<PlainTextSelection') && x.endsWith('>')).toBe(true);
        mine.forEach((el, k) => expect(ownSelections(el)).toEqual(ownSelections(theirs[k])));
      }),
      { numRuns: 400 },
    );
  });

  it("with `keep`, a source's selections are what the whole parse gives, even when keep hands back a copy (hand-made source)", () => {
    const xml =
      '<Project><Sources><TextSource guid="g" name="a"><PlainTextContent>x</PlainTextContent><PlainTextSelection guid="s1" startPosition="0" endPosition="1"><Description>caf&#233; 😀</Description></PlainTextSelection>text<PlainTextSelection guid="s2" startPosition="1" endPosition="2"/></TextSource></Sources></Project>';
    const kept: string[] = [];
    const tree = parseProject(xml, 'p.qde', {
      defer: true,
      keep: (x) => {
        kept.push(x);
        const copy = [...x].join('');
        return () => copy;
      },
    });
    expect(kept).toEqual(['<PlainTextSelection guid="s1" startPosition="0" endPosition="1"><Description>café 😀</Description></PlainTextSelection><PlainTextSelection guid="s2" startPosition="1" endPosition="2"/>']);
    const el = (((tree['Project'] as Record<string, unknown>)['Sources'] as Record<string, unknown>)['TextSource'] as Array<Record<string, unknown>>)[0]!;
    const whole = (((parseXml(xml, 'p.qde')['Project'] as Record<string, unknown>)['Sources'] as Record<string, unknown>)['TextSource'] as Array<Record<string, unknown>>)[0]!;
    expect(ownSelections(el)).toEqual(whole['PlainTextSelection']);
    expect({ ...el, PlainTextSelection: ownSelections(el) }).toEqual(whole);
  });

  it('parses long texts in pieces to the same values (property: references, line breaks, surrogate pairs at every cut)', () => {
    const bit = fc.constantFrom('a', ' ', '&amp;', '&lt;', '&quot;', '&#xD;&#xA;', '\r\n', '\r', '\n', '😀', 'é', '&#233;', '&#x1F600;', '  ', '&apos;&gt;');
    const long = fc.array(bit, { minLength: 1, maxLength: 60 }).map((b) => b.join(''));
    const doc = fc.tuple(long, long, fc.boolean(), fc.integer({ min: 1, max: 12 })).map(([a, b, attrs, n]) => ({
      xml: `<Project name="x"><Users><User name="u"/></Users><Sources><TextSource guid="g"><PlainTextSelection guid="s" startPosition="0" endPosition="1"/></TextSource></Sources><Notes><Note name="qualwave"><PlainTextContent${attrs ? ' lang="en"' : ''}>${a}</PlainTextContent></Note><Note><PlainTextContent>${b}</PlainTextContent><Description>short</Description></Note></Notes></Project>`,
      n,
    }));
    fc.assert(
      fc.property(doc, ({ xml, n }) => {
        const whole = parseXml(xml, 'p.qde');
        expect(parseProject(xml, 'p.qde', { longText: n })).toEqual(whole);
        expect(parseProject(xml, 'p.qde', { longText: n, defer: true })['Project']).toMatchObject({ Notes: (whole['Project'] as Record<string, unknown>)['Notes'] });
      }),
      { numRuns: 400 },
    );
  });

  it('takes as a long text only the whole content of an element outside the text sources (hand-placed offsets)', () => {
    const xml = '<Project><Notes><Note><PlainTextContent>0123456789</PlainTextContent></Note><Note>ab<!-- c -->0123456789</Note><Note><X/>0123456789</Note></Notes><Sources><TextSource><PlainTextContent>0123456789</PlainTextContent></TextSource></Sources></Project>';
    const longs: Array<[number, number]> = [];
    textSourcePieces(xml, longs, 5);
    const at = xml.indexOf('0123456789');
    expect(longs).toEqual([[at, at + 10]]);
    // A document that already holds the placeholder is parsed as it is.
    const marked = '<Project><Notes><Note>@@qualwave-long-text-0@@ and more text here</Note></Notes><Sources><TextSource/></Sources></Project>';
    expect(parseProject(marked, 'p.qde', { longText: 3 })).toEqual(parseXml(marked, 'p.qde'));
  });

  it('finds the text sources of Project > Sources only, each whole (hand-placed offsets)', () => {
    const head = '<Project><Sources>';
    const a = '<TextSource name="a>b"><PlainTextContent>x</PlainTextContent></TextSource>';
    const b = "<TextSource name='/>'/>";
    const xml = `${head}${a}<PDFSource><TextSource/></PDFSource>${b}</Sources><Notes><TextSource/></Notes></Project>`;
    const at = head.length;
    const bAt = xml.indexOf(b);
    expect(textSourceRanges(xml)).toEqual([
      [at, at + a.length],
      [bAt, bAt + b.length],
    ]);
  });

  it('leaves documents of another shape to the whole parse', () => {
    // Two <Sources>, a root that is not <Project>, nesting deeper than any real project.
    expect(textSourceRanges('<Project><Sources/><Sources/></Project>')).toBeUndefined();
    expect(textSourceRanges('<CodeBook><Sources/></CodeBook>')).toBeUndefined();
    expect(textSourceRanges(`<Project><Sources><TextSource>${'<a>'.repeat(150)}${'</a>'.repeat(150)}</TextSource></Sources></Project>`)).toBeUndefined();
    // Still refused as before when nested beyond the parser's limit.
    const deep = `<Project><Sources><TextSource>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</TextSource></Sources></Project>`;
    expect(() => parseProject(deep, 'deep.qde')).toThrow(/nested more than 200 deep/);
  });
});
