import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A synthetic longitudinal study for benchmarks: participants x waves transcripts of about
 * `wordsPerTranscript` words each, with front matter, speaker turns, multi-paragraph answers and
 * some timestamps. Deterministic (seeded), written once into `dir`.
 */
export interface CorpusOptions {
  participants: number;
  waves: string[];
  wordsPerTranscript: number;
  seed: number;
}

export function corpusOptions(scale: number): CorpusOptions {
  return { participants: Math.max(2, Math.round(1000 * scale)), waves: ['pre', '4-month', 'post'], wordsPerTranscript: 8000, seed: 42 };
}

/** mulberry32: a small seeded generator for reproducible synthetic data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMON = 'i the and to a of it was that my you in they we for with but so like just really think about know felt family time buddy help parents kids hospital week more been support learn'.split(' ');
const SYLLABLES = ['ba', 'ri', 'to', 'men', 'sa', 'lo', 'ver', 'ca', 'di', 'ne', 'pra', 'cu', 'tion', 'ly', 'ing', 'ed', 'al', 'or', 'es', 'um', 'ko', 'fi', 'gan', 'pel', 'sto', 'vi', 'tra', 'mo', 'ber', 'lu'];

function vocabulary(random: () => number, size: number): string[] {
  const words = new Set<string>(COMMON);
  while (words.size < size) {
    const n = 2 + Math.floor(random() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(w);
  }
  return [...words];
}

/**
 * The auto-coding benchmark's codebook: 200 codes (20 themes x 10 sub-codes) with 5 keywords each
 * (some of them two-word phrases) drawn from the corpus vocabulary, and 20 patterns in all.
 */
function benchCodebook(random: () => number, vocab: string[]): string {
  // Keywords come from the content vocabulary, as a real codebook's would (no "the" or "and").
  const content = vocab.filter((w) => !COMMON.includes(w));
  const word = (): string => content[Math.floor(random() * content.length)]!;
  const lines = ['title: Benchmark codebook', 'codes:'];
  let patterns = 0;
  for (let t = 0; t < 20; t++) {
    lines.push(`  - id: theme${t}`, `    label: Theme ${t}`, '    children:');
    for (let c = 0; c < 10; c++) {
      const keywords = Array.from({ length: 5 }, (_, k) => (k === 4 ? `${word()} ${word()}` : word()));
      lines.push(`      - id: theme${t}.code${c}`, `        label: Code ${t}.${c}`, `        keywords: [${keywords.join(', ')}]`);
      if (c === 0 && patterns < 20) {
        lines.push(`        patterns: ['\\b${word()}\\w*\\b', '\\b(${word()}|${word()}) ${word()}\\b']`);
        patterns += 2;
      }
    }
  }
  return lines.join('\n') + '\n';
}

export function ensureCorpus(dir: string, opts: CorpusOptions): { dir: string; created: boolean } {
  const marker = join(dir, '.complete');
  if (existsSync(marker)) return { dir, created: false };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'transcripts'), { recursive: true });
  mkdirSync(join(dir, 'codebooks'), { recursive: true });
  const random = rng(opts.seed);
  const vocab = vocabulary(random, 20000);
  const pick = (): string => (random() < 0.45 ? COMMON[Math.floor(random() * COMMON.length)]! : vocab[Math.floor(random() * vocab.length)]!);
  const sentence = (): string => {
    const n = 6 + Math.floor(random() * 14);
    const ws: string[] = [];
    for (let i = 0; i < n; i++) ws.push(pick());
    const s = ws.join(' ');
    return s[0]!.toUpperCase() + s.slice(1) + (random() < 0.1 ? '?' : '.');
  };
  const ids = Array.from({ length: opts.participants }, (_, i) => `P${String(i + 1).padStart(4, '0')}`);
  writeFileSync(join(dir, 'qualwave.yaml'), `title: Benchmark corpus\nlanguage: en\nwaves:\n${opts.waves.map((w) => `  - id: ${w}\n    label: ${w} interview\n`).join('')}codebooks: [codebooks/bench.yaml]\n`);
  writeFileSync(join(dir, 'participants.csv'), 'id,group\n' + ids.map((id, i) => `${id},${i % 2 ? 'a' : 'b'}\n`).join(''));
  writeFileSync(join(dir, 'codebooks', 'bench.yaml'), benchCodebook(random, vocab));
  for (const id of ids) {
    for (const wave of opts.waves) {
      const parts: string[] = [`---\nparticipant: ${id}\nwave: ${wave}\ninterviewer: Sam\ndate: 2024-0${1 + opts.waves.indexOf(wave)}-15\n---\n`];
      let words = 0;
      let seconds = 0;
      const stamp = random() < 0.3;
      while (words < opts.wordsPerTranscript) {
        const ts = (): string => {
          seconds += 20 + Math.floor(random() * 90);
          const h = Math.floor(seconds / 3600);
          const m = Math.floor((seconds % 3600) / 60);
          const s = seconds % 60;
          return `[${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}] `;
        };
        const q = sentence();
        parts.push(`${stamp ? ts() : ''}Interviewer: ${q}\n\n`);
        words += q.split(' ').length + 1;
        const paragraphs = 1 + Math.floor(random() * 3);
        for (let p = 0; p < paragraphs; p++) {
          const sentences = 2 + Math.floor(random() * 6);
          const lines: string[] = [];
          for (let k = 0; k < sentences; k++) lines.push(sentence());
          const text = lines.join(' ');
          words += text.split(' ').length;
          parts.push(`${p === 0 ? `${stamp ? ts() : ''}${id}: ` : ''}${text}\n\n`);
        }
      }
      writeFileSync(join(dir, 'transcripts', `${id}_${wave}.txt`), parts.join(''));
    }
  }
  writeFileSync(marker, new Date(0).toISOString());
  return { dir, created: true };
}
