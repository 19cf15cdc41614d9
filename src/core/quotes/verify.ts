import type { Document, Study } from '../study/types.js';

/**
 * Checking a draft's quotations against the transcripts: every quotation followed by an
 * attribution naming a participant is looked for, leniently (case, punctuation, whitespace, curly
 * quotes; "..." omissions and [bracketed] insertions are gaps), in the transcript of that
 * participant at the wave the attribution names (any wave when it names none).
 */
export interface DraftQuote {
  /** 1-based line (paragraph for .docx) of the draft where the quotation starts. */
  line: number;
  text: string;
  attribution: string;
  participant: string;
  /** Waves the attribution names (empty: any). */
  waves: string[];
}

export type Verdict = { status: 'verified'; file: string; line: number } | { status: 'misattributed'; file: string; line: number; participant: string; wave: string } | { status: 'not found'; closest: { file: string; line: number; similarity: number } | null };

const INLINE = /[“"«]\s*([^“”"«»\n]{8,}?)\s*[”"»]\s*\(([^()\n]{1,100})\)/g;

/** Quotations with attributions in a draft (Markdown or plain text; .docx as one line per paragraph). */
export function findQuotes(draft: string, study: Pick<Study, 'participants' | 'config'>): DraftQuote[] {
  // Names that stand for a participant: their id, and the value of any participant attribute the
  // attribution template uses (a pseudonym column), when that value is theirs alone.
  const names = new Map<string, string>(study.participants.map((p) => [p.id, p.id]));
  const fields = [...study.config.attribution.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]!);
  for (const field of fields) {
    const values = study.participants.map((p) => p.attributes[field]).filter((v): v is string => !!v);
    for (const p of study.participants) {
      const v = p.attributes[field];
      if (v && values.filter((x) => x === v).length === 1 && !names.has(v)) names.set(v, p.id);
    }
  }
  const ids = [...names.keys()].sort((a, b) => b.length - a.length);
  const out: DraftQuote[] = [];
  const resolve = (attribution: string): { participant: string; waves: string[] } | undefined => {
    const name = ids.find((id) => new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(id)}($|[^\\p{L}\\p{N}])`, 'u').test(attribution));
    const participant = name === undefined ? undefined : names.get(name);
    if (!participant) return undefined;
    const rest = attribution.toLowerCase();
    const waves = study.config.waves.filter((w) => rest.includes(w.label.toLowerCase()) || new RegExp(`(^|[^\\p{L}\\p{N}-])${escapeRegExp(w.id.toLowerCase())}($|[^\\p{L}\\p{N}-])`, 'u').test(rest)).map((w) => w.id);
    return { participant, waves };
  };
  const lines = draft.split('\n');
  const lineAt = (offset: number): number => draft.slice(0, offset).split('\n').length;
  // Inline quotations: "..." (MS07, post interview). A quotation may wrap onto the next line of its
  // paragraph: single line breaks count as spaces (same length, so offsets still give the line).
  const joined = draft.replace(/(?<![\n\r])\r?\n(?![ \t]*\r?\n)/g, (m) => ' '.repeat(m.length));
  for (const m of joined.matchAll(INLINE)) {
    const who = resolve(m[2]!);
    if (who) out.push({ line: lineAt(m.index), text: m[1]!, attribution: `(${m[2]})`, ...who });
  }
  // Markdown block quotes ending with an attribution.
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*>/.test(lines[i]!)) continue;
    const start = i;
    const body: string[] = [];
    while (i < lines.length && /^\s*>/.test(lines[i]!)) body.push(lines[i++]!.replace(/^\s*>\s?/, ''));
    const text = body.join(' ').trim();
    const m = /^(.*?)[\s—–-]*\(([^()]{1,100})\)\s*$/.exec(text);
    if (!m || /[“"]/.test(m[1]!.slice(0, 1))) continue;
    const who = resolve(m[2]!);
    if (who) out.push({ line: start + 1, text: m[1]!.trim(), attribution: `(${m[2]})`, ...who });
  }
  return out.sort((a, b) => a.line - b.line);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Lower case, letters and digits only, single spaces: what matching compares. */
export function normalise(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The quoted words as fragments: "..." / "…" and [bracketed insertions] are gaps. */
export function fragments(quote: string): string[] {
  return quote
    .split(/\.\.\.|…|\[[^\]]*\]/)
    .map(normalise)
    .filter(Boolean);
}

interface Indexed {
  doc: Document;
  text: string;
  /** Start offset in `text` of each participant segment, and its first line. */
  starts: number[];
  lines: number[];
}

function index(doc: Document): Indexed {
  let text = '';
  const starts: number[] = [];
  const lines: number[] = [];
  const list = doc.segmentList;
  for (let i = 0; i < list.length; i++) {
    if (list.role(i) !== 'participant') continue;
    starts.push(text.length + (text ? 1 : 0));
    lines.push(list.startLine(i));
    text += (text ? ' ' : '') + normalise(list.text(i));
  }
  return { doc, text, starts, lines };
}

/** Where the fragments occur in order (within a few segments of each other), or -1. */
function locate(ix: Indexed, parts: string[]): number {
  if (parts.length === 0) return -1;
  const usable = parts.filter((p) => p.split(' ').length >= 2);
  const search = usable.length > 0 ? usable : parts;
  let from = 0;
  for (;;) {
    const first = ix.text.indexOf(search[0]!, from);
    if (first < 0) return -1;
    let at = first + search[0]!.length;
    let ok = true;
    for (const p of search.slice(1)) {
      const next = ix.text.indexOf(p, at);
      if (next < 0 || next - at > 1500) {
        ok = false;
        break;
      }
      at = next + p.length;
    }
    if (ok) return first;
    from = first + 1;
  }
}

function lineOf(ix: Indexed, offset: number): number {
  let lo = 0;
  let hi = ix.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ix.starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return ix.lines[lo] ?? 1;
}

/** Dice coefficient of word bigrams: how close two passages are (0..1). */
export function similarity(a: string, b: string): number {
  const grams = (s: string): Map<string, number> => {
    const w = s.split(' ');
    const m = new Map<string, number>();
    for (let i = 0; i + 1 < w.length; i++) m.set(`${w[i]} ${w[i + 1]}`, (m.get(`${w[i]} ${w[i + 1]}`) ?? 0) + 1);
    return m;
  };
  const x = grams(a);
  const y = grams(b);
  let both = 0;
  let nx = 0;
  let ny = 0;
  for (const v of x.values()) nx += v;
  for (const v of y.values()) ny += v;
  for (const [g, v] of x) both += Math.min(v, y.get(g) ?? 0);
  return nx + ny > 0 ? (2 * both) / (nx + ny) : 0;
}

export function verifyQuotes(study: Study, quotes: readonly DraftQuote[]): Verdict[] {
  const indexes = new Map<string, Indexed>();
  const ix = (doc: Document): Indexed => {
    let x = indexes.get(doc.id);
    if (!x) indexes.set(doc.id, (x = index(doc)));
    return x;
  };
  return quotes.map((q) => {
    const parts = fragments(q.text);
    const claimed = study.documents.filter((d) => d.participant === q.participant && (q.waves.length === 0 || q.waves.includes(d.wave)));
    for (const doc of claimed) {
      const x = ix(doc);
      const at = locate(x, parts);
      if (at >= 0) return { status: 'verified', file: doc.file, line: lineOf(x, at) };
    }
    for (const doc of study.documents) {
      if (claimed.includes(doc)) continue;
      const x = ix(doc);
      const at = locate(x, parts);
      if (at >= 0) return { status: 'misattributed', file: doc.file, line: lineOf(x, at), participant: doc.participant, wave: doc.wave };
    }
    // Not found: the closest passage in the transcripts the attribution names.
    const whole = parts.join(' ');
    let closest: { file: string; line: number; similarity: number } | null = null;
    for (const doc of claimed.length ? claimed : study.documents) {
      const list = doc.segmentList;
      for (let i = 0; i < list.length; i++) {
        if (list.role(i) !== 'participant') continue;
        const sim = similarity(whole, normalise(list.text(i)));
        if (!closest || sim > closest.similarity) closest = { file: doc.file, line: list.startLine(i), similarity: Math.round(sim * 100) / 100 };
      }
    }
    return { status: 'not found', closest };
  });
}
