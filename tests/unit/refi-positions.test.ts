import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candidateReadings, chooseReading, PositionTable, readingId, STANDARD, traitsOf, type Reading } from '../../src/core/refi/positions.js';
import { rtfToText } from '../../src/core/text/rtf.js';

/** Units of a prefix of the text, counted the reading's way, written out here independently. */
function units(prefix: string, r: Reading): number {
  let s = prefix;
  if (r.breaks === 'crlf-as-one') s = s.replace(/\r\n/g, '\n');
  if (r.breaks === 'lf-as-two') s = s.replace(/\r?\n/g, '\r\n');
  const n = r.unit === 'utf16' ? s.length : r.unit === 'utf8' ? Buffer.byteLength(s) : [...s].length;
  return n + (r.bom ? (r.unit === 'utf8' ? 3 : 1) : 0);
}

const piece = fc.constantFrom('a', 'é', 'e\u0301', '😀', ' ', '\r\n', '\n', 'ß', '☕', 'Ω', 'x');
const texts = fc.array(piece, { minLength: 1, maxLength: 40 }).map((p) => p.join(''));
const readings: Reading[] = [];
for (const unit of ['codepoint', 'utf16', 'utf8'] as const) for (const breaks of ['stored', 'crlf-as-one', 'lf-as-two'] as const) for (const bom of [false, true]) readings.push({ unit, breaks, bom, endInclusive: false });

describe('REFI-QDA position readings', () => {
  it('a position counted any way leads back to the same character (property)', () => {
    fc.assert(
      fc.property(texts, fc.nat(), fc.constantFrom(...readings), (text, k, r) => {
        // Character starts of the text (not inside a surrogate pair or between CR and LF when they count as one).
        const starts: number[] = [];
        for (let i = 0; i <= text.length; ) {
          starts.push(i);
          if (i === text.length) break;
          const c = text.charCodeAt(i);
          i += (c >= 0xd800 && c <= 0xdbff) || (c === 13 && text[i + 1] === '\n' && r.breaks !== 'stored') ? 2 : 1;
        }
        const at = starts[k % starts.length]!;
        const table = new PositionTable(text, r);
        expect(table.start(units(text.slice(0, at), r))).toBe(at);
      }),
      { numRuns: 400 },
    );
  });

  it('chooses the reading the selections were written in, from their names', () => {
    const text = 'Ana: très bien 😀 merci.\r\nBen: à demain 🙂 alors.\r\nAna: oui, à demain.\r\n';
    const phrases = ['très bien', 'merci', 'à demain 🙂 alors', 'oui', 'à demain.'];
    for (const r of readings.filter((x) => !x.bom)) {
      const sels = phrases.map((p) => {
        const i = text.lastIndexOf(p);
        return { start: units(text.slice(0, i), r), end: units(text.slice(0, i + p.length), r), name: p };
      });
      const choice = chooseReading([{ text, bom: false, selections: sels }]);
      // Readings that agree on every selection here tie; the choice must at least put every name on its text.
      expect(choice.byName, readingId(r)).toBe(phrases.length);
      // (Every line break of this text is a CRLF: counting LFs as two is counting them as stored.)
      if (r.unit !== 'codepoint' || r.breaks === 'crlf-as-one') expect(readingId(choice.reading)).not.toBe(readingId(STANDARD));
    }
  });

  it('tries only readings that can differ on the texts', () => {
    expect(candidateReadings([traitsOf('plain ascii\n', false)]).map(readingId)).toEqual(['codepoints', 'codepoints+lf-as-two', 'codepoints+end-inclusive', 'codepoints+lf-as-two+end-inclusive']);
  });
});

describe('RTF', () => {
  it('gives the body text, one line per paragraph', () => {
    const rtf = "{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}{\\colortbl;\\red0\\green0\\blue0;}{\\*\\generator Word;}\\f0 Interviewer: Comment \\'e7a va ?\\par Ana: Tr\\u232?s bien \\u-10179?\\u-8704? merci.\\line Fin.\\par}";
    expect(rtfToText(rtf)).toBe('Interviewer: Comment ça va ?\nAna: Très bien 😀 merci.\nFin.\n');
  });
});
