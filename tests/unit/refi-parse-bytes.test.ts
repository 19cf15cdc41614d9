import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImportError, ownSelections, parseProject, parseProjectBytes, parseXml } from '../../src/core/refi/import.js';
import { qdeArbitraries } from '../helpers/qde-arbitraries.js';

/**
 * parseProjectBytes reads a .qde from its bytes in parts (never one string of the whole); the
 * oracle is parseXml, the whole document decoded and parsed at once. It must give the same tree
 * or nothing (undefined: the caller then reads the document whole, which refuses what is wrong):
 * never a tree for a document the whole read refuses.
 */

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
type El = Record<string, unknown>;
const list = (x: unknown): El[] => (Array.isArray(x) ? (x as El[]) : x === undefined || x === '' ? [] : [x as El]);

// No character references here (a document holding one is read whole; tested below).
const text = fc.constantFrom('plain', 'café &amp; co', ' &lt;tag&gt; ', 'line\nnext', 'a\r\nb', '', '  ', 'quote " and \' here', '> alone', 'emoji 😀 ü', ']]> in text', '&quot;x&apos;');
// (A "<" in a value is not well-formed XML, but the validator lets it pass: the whole read takes it.)
const attrValue = fc.constantFrom('x', 'a>b', 'a/>', '/', "it's", 'say "hi"', '&amp;', 'é😀', '', 'a<TextSource/>', '<');
const { ws, extra, textSource, child } = qdeArbitraries(text, attrValue);
// A note long enough to be read in pieces (with the small threshold given below).
const noteText = fc.array(fc.constantFrom('a', ' ', '&amp;', '&lt;', '\r\n', '😀', 'é', '{"k":"v"}', '  '), { minLength: 0, maxLength: 40 }).map((b) => b.join(''));
const project = fc
  .tuple(fc.boolean(), textSource, fc.array(child, { maxLength: 5 }), ws, fc.boolean(), fc.constantFrom('', 'qda:'), extra, noteText, fc.boolean())
  .map(
    ([decl, first, children, w, before, pre, x, note, bom]) =>
      `${bom ? '\ufeff' : ''}${decl ? '<?xml version="1.0" encoding="utf-8"?>\n' : ''}<${pre}Project xmlns="urn:QDA-XML:project:1.0" name="P &amp; Q">${w}${before ? `<Users><User guid="u" name="a"/></Users>${x}` : ''}<${pre}Sources>${[first, ...children].join(w)}${w}</${pre}Sources>${w}<Notes><Note name="qualwave"><PlainTextContent>${note}</PlainTextContent></Note><Note name="n"><PlainTextContent>a &lt;TextSource&gt;</PlainTextContent></Note></Notes></${pre}Project>\n`,
  );

/** The whole read, or undefined where it refuses the document. */
function whole(xml: string): El | undefined {
  try {
    return parseXml(xml.replace(/^\ufeff/, ''), 'p.qde');
  } catch (e) {
    if (e instanceof ImportError) return undefined;
    throw e;
  }
}

describe('a .qde read from its bytes in parts', () => {
  it('gives the tree the whole document gives, for every document of this shape (property, against the whole parse)', () => {
    fc.assert(
      fc.property(project, fc.integer({ min: 1, max: 12 }), (xml, n) => {
        const got = parseProjectBytes(utf8(xml), 'p.qde', { longText: n });
        expect(got).toBeDefined();
        expect(got).toEqual(whole(xml));
      }),
      { numRuns: 400 },
    );
  });

  it('with its selections deferred and kept, gives the same tree once each source is given its selections back (property)', () => {
    fc.assert(
      fc.property(project, (xml) => {
        const want = whole(xml)!;
        const kept: string[] = [];
        const got = parseProjectBytes(utf8(xml), 'p.qde', {
          defer: true,
          keep: (x) => {
            kept.push(x);
            return () => x;
          },
        })!;
        const mine = list(((got['Project'] as El)['Sources'] as El)['TextSource']);
        const theirs = list(((want['Project'] as El)['Sources'] as El)['TextSource']);
        mine.forEach((el, k) => {
          if (!el || typeof el !== 'object') return;
          expect(ownSelections(el)).toEqual(list(theirs[k]!['PlainTextSelection']));
          const sels = ownSelections(el);
          if (sels.length) el['PlainTextSelection'] = sels;
        });
        expect(got).toEqual(want);
        for (const x of kept) expect(x.startsWith('<PlainTextSelection') && x.endsWith('>')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never gives a tree for a document the whole read refuses (property: a broken character or tag anywhere)', () => {
    const bad = fc.constantFrom('<', '>', '&', '"', "'", '/', '=', '<!DOCTYPE x>', '<!ENTITY e "x">', '</TextSource>', '<TextSource>', '<TextSource/>', '</Sources>', '<?xml version="1.0"?>', '<!--', ']]>', '&amp', '&;', 'é', '\u0000', ' ', '</PlainTextSelection>');
    const mutated = fc.tuple(project, fc.nat(), fc.nat({ max: 3 }), bad, fc.integer({ min: 1, max: 12 })).map(([xml, at, cut, put, n]) => {
      const i = at % (xml.length + 1);
      return { xml: xml.slice(0, i) + put + xml.slice(i + cut), n };
    });
    let taken = 0;
    let refused = 0;
    fc.assert(
      fc.property(mutated, ({ xml: cut, n }) => {
        // (A cut inside a surrogate pair: the file holds what encoding makes of it.)
        const xml = new TextDecoder().decode(utf8(cut));
        const want = whole(xml);
        if (!want) refused++;
        let got: El | undefined;
        try {
          got = parseProjectBytes(utf8(xml), 'p.qde', { longText: n });
        } catch (e) {
          // Only a refusal, never a crash, and only what the whole read refuses.
          expect(want).toBeUndefined();
          throw e;
        }
        if (got === undefined) return;
        taken++;
        expect(want).toBeDefined();
        expect(got).toEqual(want);
      }),
      { numRuns: 3000 },
    );
    // Not vacuous: both kinds were seen.
    expect(taken).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });

  it('checks the text around each text source with the source in its place (hand-made: a reference that only the cut would complete)', () => {
    // "&" then a source then "amp;": "&" followed by "<" is not well-formed, though "&amp;" would be.
    const xml = '<Project><Sources><TextSource guid="a"/>&<TextSource guid="b"/>amp;<TextSource guid="c"/></Sources></Project>';
    expect(whole(xml)).toBeUndefined();
    expect(parseProjectBytes(utf8(xml), 'p.qde')).toBeUndefined();
  });

  it('keeps the texts between text sources apart, as the whole document has them (hand-made: a CR before a source, a LF after it)', () => {
    const xml = '<Project><Sources><TextSource guid="a"/>\r<TextSource guid="b"/>\n</Sources></Project>';
    // Two line ends (the parser makes a lone CR a LF), not one CR LF.
    expect((whole(xml)!['Project'] as El)['Sources']).toMatchObject({ '#text': '\n\n' });
    expect(parseProjectBytes(utf8(xml), 'p.qde')).toEqual(whole(xml));
    expect(parseProject(xml, 'p.qde')).toEqual(whole(xml));
  });

  it('leaves to the whole read what it cannot read in parts (hand-made)', () => {
    const ok = '<Project><Sources><TextSource guid="a"><PlainTextContent>x</PlainTextContent></TextSource></Sources></Project>';
    expect(parseProjectBytes(utf8(ok), 'p.qde')).toEqual(whole(ok));
    // A character reference (decoded in the whole text first), UTF-16, bytes that are not UTF-8.
    expect(parseProjectBytes(utf8(ok.replace('>x<', '>caf&#233;<')), 'p.qde')).toBeUndefined();
    expect(parseProjectBytes(new Uint8Array([0xff, 0xfe, ...utf8(ok)]), 'p.qde')).toBeUndefined();
    const latin1 = utf8(ok.replace('>x<', '>xx<'));
    latin1[latin1.indexOf(0x78)] = 0xe9;
    expect(parseProjectBytes(latin1, 'p.qde')).toBeUndefined();
    // No text source, a DTD, a document cut short.
    expect(parseProjectBytes(utf8('<Project><Sources/></Project>'), 'p.qde')).toBeUndefined();
    expect(parseProjectBytes(utf8(`<!DOCTYPE p>${ok}`), 'p.qde')).toBeUndefined();
    expect(parseProjectBytes(utf8(ok.slice(0, -10)), 'p.qde')).toBeUndefined();
    // A UTF-8 byte order mark is read past, as decoding does.
    expect(parseProjectBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(ok)]), 'p.qde')).toEqual(whole(ok));
  });
});
