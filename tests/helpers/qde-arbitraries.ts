import fc from 'fast-check';

/**
 * Pieces of a REFI-QDA project document (.qde) for property tests of its readers: attributes in
 * either quote, whitespace, comments/CDATA/PIs that mention the tags, selections and text sources
 * of the three shapes (empty, with content and selections, text only), other sources. `text` and
 * `attrValue` are the caller's: one reader's tests want character references, another's none.
 */
export function qdeArbitraries(text: fc.Arbitrary<string>, attrValue: fc.Arbitrary<string>) {
  const attr = fc.tuple(fc.constantFrom('name', 'guid', 'plainTextPath', 'startPosition', 'qda:extra'), attrValue, fc.boolean()).map(([n, v, single]) => (single ? ` ${n}='${v.replace(/'/g, '&apos;')}'` : ` ${n}="${v.replace(/"/g, '&quot;')}"`));
  const attrs = fc.uniqueArray(attr, { maxLength: 3, selector: (a) => a.trim().split('=')[0] }).map((a) => a.join(''));
  const ws = fc.constantFrom('', '\n', '\n    ', ' ', '\r\n  ');
  const extra = fc.constantFrom('', '<!-- a comment with <TextSource> in it -->', '<![CDATA[ <TextSource/> & raw ]]>', '<?pi data?>');
  const selection = fc.tuple(attrs, ws, text, extra, fc.boolean()).map(([a, w, t, x, self]) => (self ? `<PlainTextSelection${a}/>` : `<PlainTextSelection${a}>${w}<Description>${t}</Description>${x}<Coding guid="c"><CodeRef targetGUID="k"/></Coding>${w}</PlainTextSelection>`));
  const textSource = fc
    .tuple(attrs, fc.array(selection, { maxLength: 4 }), ws, text, fc.constantFrom('', 'qda:'), fc.integer({ min: 0, max: 2 }))
    .map(([a, sels, w, t, pre, kind]) => (kind === 0 ? `<${pre}TextSource${a}/>` : kind === 1 ? `<${pre}TextSource${a}>${w}<PlainTextContent>${t}</PlainTextContent>${sels.join(w)}${w}</${pre}TextSource>` : `<${pre}TextSource>${t}</${pre}TextSource>`));
  const other = fc.constantFrom('<PDFSource guid="p"><Representation plainTextPath="internal://r.txt"/></PDFSource>', '<PictureSource guid="i"/>', '<Note guid="n">not a source</Note>');
  const child = fc.oneof({ weight: 4, arbitrary: textSource }, { weight: 1, arbitrary: other }, { weight: 1, arbitrary: extra });
  return { ws, extra, textSource, child };
}
