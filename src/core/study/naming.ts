/**
 * How file names map to participant and wave. A pattern such as `{participant}_{wave}` is matched
 * against the end of the transcript's path (without extension), so `transcripts/MS07_post.txt`
 * gives participant MS07, wave post; `{wave}/{participant}` matches `transcripts/post/MS07.txt`.
 * `{date}` matches a date (2021-11-18, 20211118 or 2021_11_18) and `{*}` anything within one
 * folder name: `{participant}_GMT{date}{*}` reads `P1_GMT20211118-150102_Recording`.
 * A regular expression (`{ regex: ... }`) with named groups `participant`, `wave` and `date`
 * covers the rest; it is matched against the path relative to the study folder, without extension.
 */
export interface NameMatch {
  participant?: string;
  wave?: string;
  /** YYYY-MM-DD, from `{date}`; `badDate` holds what the name said when it is not a date. */
  date?: string;
  badDate?: string;
}

export type NamePattern = { kind: 'pattern'; text: string } | { kind: 'regex'; text: string; re: RegExp };

export const NAME_FIELDS = ['participant', 'wave', 'date', '*'] as const;
type Field = 'participant' | 'wave' | 'date';

const DATE_IN_NAME = '(\\d{4}[-_]?\\d{2}[-_]?\\d{2})';

/** `{participant}`-style placeholders used in a pattern, in order. */
export function placeholders(pattern: string): string[] {
  return [...pattern.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!);
}

export function compileNamePattern(pattern: string | NamePattern | readonly NamePattern[], waveIds: readonly string[]): (pathWithoutExtension: string) => NameMatch | null {
  const list: readonly NamePattern[] = typeof pattern === 'string' ? [{ kind: 'pattern', text: pattern }] : Array.isArray(pattern) ? pattern : [pattern as NamePattern];
  const matchers = list.map((p) => (p.kind === 'regex' ? regexMatcher(p.re) : placeholderMatcher(p.text, waveIds)));
  return (path) => {
    for (const m of matchers) {
      const r = m(path);
      if (r) return r;
    }
    return null;
  };
}

function placeholderMatcher(pattern: string, waveIds: readonly string[]): (path: string) => NameMatch | null {
  const waves = [...waveIds].sort((a, b) => b.length - a.length || (a < b ? -1 : 1)).map(escapeRegExp);
  const build = (strict: boolean): { re: RegExp; order: Field[] } => {
    const order: Field[] = [];
    let src = '';
    let last = 0;
    for (const m of pattern.matchAll(/\{(participant|wave|date|\*)\}/g)) {
      src += escapeRegExp(pattern.slice(last, m.index));
      const field = m[1]!;
      if (field === '*') src += '[^/]*?';
      else {
        order.push(field as Field);
        src += field === 'wave' ? (strict && waves.length > 0 ? `(${waves.join('|')})` : '([^/]+?)') : field === 'date' ? DATE_IN_NAME : '([^/]+?)';
      }
      last = m.index + m[0].length;
    }
    src += escapeRegExp(pattern.slice(last));
    return { re: new RegExp(`(?:^|/)${src}$`, 'u'), order };
  };
  const strict = build(true);
  const loose = build(false);
  return (path) => {
    for (const { re, order } of [strict, loose]) {
      const m = re.exec(path);
      if (!m) continue;
      const out: NameMatch = {};
      order.forEach((f, k) => set(out, f, m[k + 1]!));
      return out;
    }
    return null;
  };
}

function regexMatcher(re: RegExp): (path: string) => NameMatch | null {
  return (path) => {
    const m = re.exec(path);
    if (!m) return null;
    const out: NameMatch = {};
    for (const f of ['participant', 'wave', 'date'] as const) {
      const v = m.groups?.[f];
      if (v !== undefined && v !== '') set(out, f, v);
    }
    return out;
  };
}

function set(out: NameMatch, field: Field, value: string): void {
  if (field !== 'date') {
    out[field] = value;
    return;
  }
  const date = normaliseDate(value);
  if (date) out.date = date;
  else out.badDate = value;
}

/** `20211118`, `2021_11_18` or `2021-11-18` → `2021-11-18`, when it is a real calendar date. */
export function normaliseDate(s: string): string | undefined {
  const m = /^(\d{4})[-_]?(\d{2})[-_]?(\d{2})$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/**
 * The file name (path without extension, relative to the transcripts folder) a pattern gives for
 * a participant, wave and date: `{*}` becomes nothing. Undefined for a regular expression, or
 * when the pattern needs a value not given.
 */
export function nameFromPattern(pattern: NamePattern, values: { participant: string; wave?: string; date?: string }): string | undefined {
  if (pattern.kind === 'regex') return undefined;
  let missing = false;
  const out = pattern.text.replace(/\{(participant|wave|date|\*)\}/g, (_, f: string) => {
    if (f === '*') return '';
    const v = f === 'date' ? values.date : values[f as 'participant' | 'wave'];
    if (v === undefined) missing = true;
    return v ?? '';
  });
  return missing ? undefined : out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
