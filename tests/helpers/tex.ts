import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Engine = 'pdflatex' | 'xelatex';

/** The engines installed here (CI installs both from Debian's packages: .ci/run). */
export function texEngines(): Engine[] {
  return (['pdflatex', 'xelatex'] as const).filter((e) => spawnSync(e, ['--version'], { stdio: 'ignore' }).status === 0);
}

/** Slow external checks (TeX, npm pack) run unless QUALWAVE_SKIP_SLOW is set: CI runs them all. */
export const skipSlow = process.env['QUALWAVE_SKIP_SLOW'] !== undefined && process.env['QUALWAVE_SKIP_SLOW'] !== '' && process.env['QUALWAVE_SKIP_SLOW'] !== '0';

export interface TexResult {
  ok: boolean;
  /** `! ...` error lines of the log. */
  errors: string[];
  /** Overfull boxes, with how far they stick out (points). */
  overfull: Array<{ points: number; line: string }>;
  /** Characters the fonts did not have (xelatex drops them with a warning). */
  missing: string[];
  pages: number;
  log: string;
}

/**
 * Compile `body` inside `preamble` with a real TeX engine (twice, for longtable's widths), in a
 * temporary folder; nonstop mode, no shell escape.
 */
export function compileTex(engine: Engine, preamble: string, body: string): TexResult {
  const dir = mkdtempSync(join(tmpdir(), 'qw-tex-'));
  try {
    writeFileSync(join(dir, 'doc.tex'), `${preamble}\n\\begin{document}\n${body}\n\\end{document}\n`);
    let status: number | null = 0;
    for (let pass = 0; pass < 2 && status === 0; pass++) {
      status = spawnSync(engine, ['-interaction=nonstopmode', '-halt-on-error', '-no-shell-escape', 'doc.tex'], { cwd: dir, stdio: 'ignore', timeout: 120_000 }).status;
    }
    const log = readFileSync(join(dir, 'doc.log'), 'latin1');
    const errors = log.split('\n').filter((l) => l.startsWith('! '));
    const overfull = [...log.matchAll(/^Overfull \\[hv]box \(([\d.]+)pt too (?:wide|high)\)(.*)$/gm)].map((m) => ({ points: Number(m[1]), line: m[0] }));
    const missing = [...log.matchAll(/Missing character: There is no (.+?) in font/g)].map((m) => m[1]!);
    const pages = Number(/Output written on doc\.pdf \((\d+) pages?/.exec(log)?.[1] ?? 0);
    return { ok: status === 0 && errors.length === 0, errors, overfull, missing, pages, log };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
