/**
 * The plain text of an RTF document, one line per paragraph (\par), as a REFI-QDA tool shows it:
 * control words and groups that hold no body text (font and colour tables, stylesheets, document
 * info, pictures, fields' instructions, headers and footers, any "\*" destination) left out;
 * \line as a line break, \tab as a tab, \'hh as a Windows-1252 character, \uN as that character
 * (skipping its \ucN fallback characters). Pure: no I/O.
 */
const SKIP = new Set([
  'fonttbl',
  'colortbl',
  'stylesheet',
  'info',
  'pict',
  'fldinst',
  'header',
  'footer',
  'headerl',
  'headerr',
  'headerf',
  'footerl',
  'footerr',
  'footerf',
  'listtable',
  'listoverridetable',
  'rsidtbl',
  'generator',
  'xmlnstbl',
  'themedata',
  'colorschememapping',
  'datastore',
  'latentstyles',
  'object',
  'bkmkstart',
  'bkmkend',
  'footnote',
  'annotation',
  'revtbl',
  'filetbl',
  'pgdsctbl',
  'mmathPr',
  'nonshppict',
  'shppict',
]);
const CP1252: Record<number, string> = {
  0x80: '€',
  0x82: '‚',
  0x83: 'ƒ',
  0x84: '„',
  0x85: '…',
  0x86: '†',
  0x87: '‡',
  0x88: 'ˆ',
  0x89: '‰',
  0x8a: 'Š',
  0x8b: '‹',
  0x8c: 'Œ',
  0x8e: 'Ž',
  0x91: '‘',
  0x92: '’',
  0x93: '“',
  0x94: '”',
  0x95: '•',
  0x96: '–',
  0x97: '—',
  0x98: '˜',
  0x99: '™',
  0x9a: 'š',
  0x9b: '›',
  0x9c: 'œ',
  0x9e: 'ž',
  0x9f: 'Ÿ',
};

export function isRtf(text: string): boolean {
  return /^\s*\{\\rtf/.test(text);
}

export function rtfToText(rtf: string): string {
  let out = '';
  // Per group: skipping its text, and \uc (characters to skip after \uN).
  const stack: Array<{ skip: boolean; uc: number }> = [];
  let skip = false;
  let uc = 1;
  let pendingSkip = 0;
  let i = 0;
  const emit = (s: string) => {
    if (pendingSkip > 0) {
      pendingSkip--;
      return;
    }
    if (!skip) out += s;
  };
  while (i < rtf.length) {
    const ch = rtf[i]!;
    if (ch === '{') {
      stack.push({ skip, uc });
      i++;
      if (rtf.startsWith('\\*', i)) skip = true;
      continue;
    }
    if (ch === '}') {
      const top = stack.pop();
      if (top) ({ skip, uc } = top);
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      i++;
      continue;
    }
    if (ch !== '\\') {
      emit(ch);
      i++;
      continue;
    }
    const next = rtf[i + 1];
    if (next === undefined) break;
    if (next === '\\' || next === '{' || next === '}') {
      emit(next);
      i += 2;
      continue;
    }
    if (next === "'") {
      const code = parseInt(rtf.slice(i + 2, i + 4), 16);
      if (Number.isFinite(code)) emit(CP1252[code] ?? String.fromCharCode(code));
      i += 4;
      continue;
    }
    if (next === '~') {
      emit('\u00a0');
      i += 2;
      continue;
    }
    if (next === '-' || next === '_') {
      if (next === '_') emit('\u2011');
      i += 2;
      continue;
    }
    if (next === '\n' || next === '\r') {
      emit('\n');
      i += 2;
      continue;
    }
    const m = /^([a-zA-Z]+)(-?\d+)? ?/.exec(rtf.slice(i + 1, i + 40));
    if (!m) {
      i += 2;
      continue;
    }
    i += 1 + m[0].length;
    const word = m[1]!;
    const arg = m[2] === undefined ? undefined : Number(m[2]);
    if (SKIP.has(word)) {
      skip = true;
      continue;
    }
    switch (word) {
      case 'par':
      case 'line':
      case 'sect':
      case 'page':
        if (pendingSkip === 0) emit('\n');
        break;
      case 'tab':
        emit('\t');
        break;
      case 'cell':
        emit('\t');
        break;
      case 'row':
        emit('\n');
        break;
      case 'uc':
        uc = arg ?? 1;
        break;
      case 'u': {
        let cp = arg ?? 0;
        if (cp < 0) cp += 65536;
        if (!skip) out += String.fromCharCode(cp);
        pendingSkip = uc;
        continue;
      }
      case 'emdash':
        emit('—');
        break;
      case 'endash':
        emit('–');
        break;
      case 'lquote':
        emit('‘');
        break;
      case 'rquote':
        emit('’');
        break;
      case 'ldblquote':
        emit('“');
        break;
      case 'rdblquote':
        emit('”');
        break;
      case 'bullet':
        emit('•');
        break;
      default:
        break;
    }
    if (word !== 'u') pendingSkip = 0;
  }
  // Surrogate pairs written as two \u words are already adjacent UTF-16 units.
  return out.replace(/[ \t]+\n/g, '\n').replace(/\n+$/, '') + '\n';
}
