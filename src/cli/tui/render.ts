import type { ChalkInstance } from 'chalk';
import { appliedHere, currentSegment, hintsHere, searchCodes, selectionText, sentencesHere, type SessionState } from '../../core/coding/session.js';
import { exactText, formatSpan, hasColumns } from '../../core/coding/span.js';
import { terminalText } from '../../core/format/escape.js';
import { displayWidth } from '../../core/format/table.js';
import { wrapText } from '../../core/format/wrap.js';
import type { Wave } from '../../core/study/types.js';
import { append, maxOf } from '../../core/arrays.js';

/** The study's text on the coding screen: escape sequences and control characters removed. */
const t = (s: string): string => terminalText(s);
const t1 = (s: string): string => terminalText(s, { oneLine: true });

/** The coding screen wraps with the one wrapper: a word longer than a line is broken, never cut. */
const wrap = wrapText;

/** The whole screen for one state of a coding session. */
export function renderSession(s: SessionState, wave: Wave | undefined, size: { columns: number; rows: number }, c: ChalkInstance): string {
  const width = Math.max(40, size.columns);
  const text = width - 4;
  const out: string[] = [];
  const seg = currentSegment(s);
  const lines = (a: number, b: number) => (a === b ? `${a}` : `${a}-${b}`);
  const header = t1(
    ` qualwave code · ${s.doc.participant} · ${wave?.label ?? s.doc.wave} · coder ${s.coder} · segment ${s.stops.length ? s.pos + 1 : 0}/${s.stops.length}${s.ordered ? ' (most uncertain first)' : ''}${seg ? ` · ${s.doc.file}:${lines(seg.startLine, seg.endLine)}` : ''}${s.finished ? ' · finished' : ''}`,
  );
  out.push(c.inverse(header.padEnd(width).slice(0, width)), '');
  if (s.panel) {
    out.push(c.bold(` ${t1(s.panel.title)}`), '');
    for (const l of s.panel.lines)
      append(
        out,
        wrap(t(l), text).map((w) => `  ${w}`),
      );
    if (s.panel.keys) {
      // Two columns: the keys padded to the widest, each description wrapped beside them.
      const keyWidth = maxOf(s.panel.keys.map(([k]) => displayWidth(k)));
      for (const [k, d] of s.panel.keys) {
        wrapText(d, Math.max(20, text - keyWidth - 3)).forEach((l, i) => out.push(`  ${(i === 0 ? c.bold(k) : '') + ' '.repeat(keyWidth - (i === 0 ? displayWidth(k) : 0))}   ${l}`));
      }
    }
    out.push('', c.dim(' press any key'));
    return out.join('\n');
  }
  if (seg) {
    const segments = s.doc.segments;
    const index = s.stops[s.pos]!;
    const context = (i: number): string[] => {
      const x = segments[i];
      if (!x) return [];
      return wrap(t(`${x.speaker ?? '?'} (${lines(x.startLine, x.endLine)}): ${x.text}`), text)
        .slice(0, 3)
        .map((l) => c.dim(`  ${l}`));
    };
    append(out, context(index - 1));
    append(
      out,
      wrap(t(`${seg.speaker ?? '?'} (${lines(seg.startLine, seg.endLine)}): ${seg.text}`), text).map((l, k) => c.bold(`${k === 0 ? '▶ ' : '  '}${l}`)),
    );
    append(out, context(index + 1)).push('');
    if (s.prompt?.kind === 'sentences') {
      const text = s.doc.segmentList.sourceTextValue;
      sentencesHere(s).forEach((x, k) =>
        append(
          out,
          wrap(t(exactText(text, x.start, x.end)), width - 8)
            .slice(0, 2)
            .map((l, j) => c.cyan(`${j === 0 ? String(k + 1).padStart(4) : '    '}  ${l}`)),
        ),
      );
      out.push('');
    }
    const selected = selectionText(s);
    if (selected !== undefined)
      append(
        out,
        wrap(t(`selected (${s.selection!.what}): “${selected}”`), text)
          .slice(0, 3)
          .map((l) => c.cyan(` ${l}`)),
      ).push('');
    const here = appliedHere(s);
    const applied = here.length === 0 ? c.dim('none') : here.map((x, k) => `${k + 1} ${c.green(t1(x.code))}${hasColumns(x) ? c.dim(` @${formatSpan(x)}`) : ''}${x.exemplar ? c.yellow(' ★') : ''}${x.memo ? c.dim(` (${t1(x.memo)})`) : ''}`).join('   ');
    out.push(` applied: ${applied}`);
    if (s.hints) {
      const hints = hintsHere(s);
      const next = hints.find((h) => !h.applied);
      out.push(` hints:   ${hints.length === 0 ? c.dim('none') : hints.map((h) => `${h.applied ? c.dim(t1(h.code)) : c.magenta(t1(h.code))} ${h.score.toFixed(2)}`).join('   ')}${next ? c.dim(`   (y: apply ${t1(next.code)})`) : ''}`);
    }
    out.push('');
  }
  const numbered = s.codes.map((x, k) => `${String(k + 1).padStart(2)} ${'  '.repeat(x.depth)}${t1(x.id)}`);
  const colWidth = maxOf(numbered.map((n) => n.length)) + 2;
  const perRow = Math.max(1, Math.floor((width - 1) / colWidth));
  const room = Math.max(3, size.rows - out.length - 6);
  const rows: string[] = [];
  for (let k = 0; k < numbered.length; k += perRow)
    rows.push(
      ' ' +
        numbered
          .slice(k, k + perRow)
          .map((n) => n.padEnd(colWidth))
          .join('')
          .trimEnd(),
    );
  append(out, rows.slice(0, room));
  if (rows.length > room) out.push(c.dim(`  … ${s.codes.length} codes: / to search`));
  out.push('');
  if (s.prompt) {
    const label = { number: 'code number', search: 'find code', memo: 'memo (N text)', jump: 'go to line', define: 'show code (number or text)', exemplar: 'exemplar: which applied code (N)', sentences: 'select sentences (N or N-M)', words: 'select the phrase with the words', create: 'new code: ID LABEL' }[
      s.prompt.kind
    ];
    const here = appliedHere(s);
    const which = s.prompt.kind === 'memo' && here.length === 1 ? `memo on ${here[0]!.code} (empty removes it)` : s.prompt.kind === 'memo' ? `memo: N TEXT (N: 1-${here.length}, the code's place in "applied")` : label;
    out.push(` ${which}: ${t1(s.prompt.input)}█`);
    if (s.prompt.kind === 'search' && s.prompt.input) {
      const found = searchCodes(s.codes, s.prompt.input).slice(0, 5);
      out.push(c.dim(`   ${found.length ? found.map((x) => t1(`${x.id} (${x.label})`)).join(' · ') : 'no match'}`));
    }
  } else {
    out.push(` ${t1(s.message ?? '')}`);
  }
  const keys = ' j/k move · N⏎ code · / find · s/w part · c new code · m memo · f done · u undo · ? help · q quit';
  out.push(c.dim(keys.length <= width ? keys : ' j/k move · N⏎ code · / find · ? all keys · q quit'));
  return out.join('\n');
}
