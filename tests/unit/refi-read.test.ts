import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { packed, readRefi } from '../../src/io/refi.js';

/**
 * readRefi lets the .qde's bytes go once it has decoded them; a source whose plain text path names
 * the .qde itself (hostile or odd, but a path like any other) must still get those exact bytes.
 */
describe('readRefi: a source that names the project file itself', () => {
  for (const bom of [false, true]) {
    it(`reads it as the file it is${bom ? ' (with a byte order mark)' : ''}`, async () => {
      const xml = '<?xml version="1.0" encoding="utf-8"?>\r\n<Project name="café ☕"><Sources><TextSource guid="G1" name="self" plainTextPath="internal://project.qde"/></Sources></Project>\n';
      const body = new TextEncoder().encode(xml);
      const qde = bom ? new Uint8Array([0xef, 0xbb, 0xbf, ...body]) : body;
      const zip = zipSync({ 'project.qde': qde });
      const input = await readRefi('p.qdpx', zip);
      // Its text is the file's: the XML as written (the byte order mark said, not in the text).
      expect(input.texts.get('g1')).toEqual({ text: xml, bom, from: 'project.qde' });
    });
  }
});

describe('packed: a text kept compressed', () => {
  it('gives back exactly the text it was given, each time (UTF-8 and lone surrogates)', () => {
    const texts = ['', 'plain', 'café 😀\r\n&amp;', 'a\uD800b', '\uDC00', 'x\uDBFF', '\uD83D\uDE00', 'ü'.repeat(100000)];
    for (const t of texts) {
      const back = packed(t);
      expect(back()).toBe(t);
      expect(back()).toBe(t);
    }
  });
});
