/**
 * How file names map to participant and wave: a pattern such as `{participant}_{wave}` is matched
 * against the end of the transcript's path (without extension), so `transcripts/MS07_post.txt`
 * gives participant MS07, wave post; `{wave}/{participant}` matches `transcripts/post/MS07.txt`.
 */
export interface NameMatch {
  participant?: string;
  wave?: string;
}

export function compileNamePattern(pattern: string, waveIds: readonly string[]): (pathWithoutExtension: string) => NameMatch | null {
  const waves = [...waveIds].sort((a, b) => b.length - a.length || (a < b ? -1 : 1)).map(escape);
  const build = (strict: boolean): { re: RegExp; order: Array<'participant' | 'wave'> } => {
    const order: Array<'participant' | 'wave'> = [];
    let src = '';
    let last = 0;
    for (const m of pattern.matchAll(/\{(participant|wave)\}/g)) {
      src += escape(pattern.slice(last, m.index));
      const field = m[1] as 'participant' | 'wave';
      order.push(field);
      src += field === 'wave' ? (strict && waves.length > 0 ? `(${waves.join('|')})` : '([^/]+?)') : '([^/]+?)';
      last = m.index + m[0].length;
    }
    src += escape(pattern.slice(last));
    return { re: new RegExp(`(?:^|/)${src}$`, 'u'), order };
  };
  const strict = build(true);
  const loose = build(false);
  return (path) => {
    for (const { re, order } of [strict, loose]) {
      const m = re.exec(path);
      if (!m) continue;
      const out: NameMatch = {};
      order.forEach((f, k) => {
        out[f] = m[k + 1]!;
      });
      return out;
    }
    return null;
  };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
