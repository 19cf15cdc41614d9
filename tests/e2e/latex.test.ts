import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { escapeLatex, LATEX_PREAMBLE, renderLatex, SAFE_RANGES } from '../../src/core/format/latex.js';
import { bin, repo } from '../helpers/cli.js';
import { compileTex, skipSlow, texEngines } from '../helpers/tex.js';

/**
 * Every LaTeX output of the example study, compiled with a real TeX engine (pdflatex and
 * xelatex: CI installs both from Debian's packages) inside the README's minimal preamble: no
 * error, nothing sticking out of the text block, no character the fonts lack. Slow (TeX runs):
 * skipped with QUALWAVE_SKIP_SLOW=1, and where no TeX is installed (with a message).
 */
const engines = skipSlow ? [] : texEngines();
if (engines.length < 2) {
  process.stderr.write(skipSlow ? 'latex.test: QUALWAVE_SKIP_SLOW is set: TeX compile checks skipped\n' : `latex.test: ${engines.length ? 'only ' + engines.join(', ') : 'no TeX engine'} installed (apt-get install texlive-latex-base texlive-latex-recommended texlive-xetex): the missing engines' checks are skipped\n`);
}

const buddy = join(repo, 'fixtures/buddy-study');
const COMMANDS = [
  ['matrix'],
  ['matrix', '--rows', 'code', '--caption', 'Codes by wave: participants (percent of those interviewed)', '--label', 'tab:codes'],
  ['matrix', '--by', 'gender'],
  ['matrix', '--rows', 'code', '--cells', 'ids'],
  ['trajectories', '--rows', 'code'],
  ['framework'],
  ['cooccurrence'],
  ['saturation'],
  ['agree', '--coders', 'alice,ben', '--resamples', '200', '--seed', '1'],
  ['agree', '--resamples', '0'],
  ['change'],
  ['anticipated'],
  ['dropout'],
  ['case-matrix', '--sort', 'change:learning'],
  ['codebook', 'show', '--caption', 'Codebook', '--label', 'tab:codebook'],
  ['quotes'],
];

const run = promisify(execFile);

async function studyOutputs(): Promise<Array<{ name: string; tex: string }>> {
  // The commands at once (each is a Node start-up).
  const out = await Promise.all(
    COMMANDS.map(async (args) => {
      const r = await run(process.execPath, [bin, ...args, '--study', buddy, '--format', 'latex', '--no-color'], { maxBuffer: 64 << 20 });
      // No character the minimal preamble lacks in the example study: no warning.
      expect(r.stderr, args.join(' ')).not.toContain('cannot typeset');
      return { name: args.join(' '), tex: r.stdout };
    }),
  );
  // And the .tex files the study's build writes (committed).
  const tables = join(buddy, 'tables');
  for (const f of readdirSync(tables).filter((f) => f.endsWith('.tex'))) out.push({ name: `tables/${f}`, tex: readFileSync(join(tables, f), 'utf8') });
  return out;
}

describe.skipIf(engines.length === 0)('LaTeX outputs compile', () => {
  let outputs: Array<{ name: string; tex: string }> = [];
  let body = '';
  beforeAll(async () => {
    outputs = await studyOutputs();
    // All outputs in one document per engine (one TeX start each), a page apart.
    body = outputs.map((o) => `% ${o.name}\n${o.tex}\\clearpage`).join('\n');
  }, 120_000);
  for (const engine of engines) {
    it(`with ${engine}: no error, no overfull box, no missing character`, () => {
      const r = compileTex(engine, LATEX_PREAMBLE, body);
      expect(r.errors, r.log.slice(-3000)).toEqual([]);
      expect(r.ok).toBe(true);
      // A box more than a point too wide sticks out visibly.
      expect(r.overfull.filter((o) => o.points > 1).map((o) => o.line)).toEqual([]);
      expect(r.missing).toEqual([]);
      // Every output on its own page at least.
      expect(r.pages).toBeGreaterThanOrEqual(outputs.length);
    });
  }

  it('hostile text: every special, Greek, the symbols and every character called safe, in a table', () => {
    const safe: string[] = [];
    // Printable ASCII, and every character the escaper says both engines typeset as it is.
    for (let cp = 0x20; cp < 0x7f; cp++) safe.push(String.fromCodePoint(cp));
    for (const [a, b] of SAFE_RANGES) for (let cp = a; cp <= b; cp++) safe.push(String.fromCodePoint(cp));
    const sample = 'àéîõüçñßæøåłœžš Āăĉďėĝīĵķĺľńőŕśťůűŵŷź ‐–—‘’“”†‡•…‰‱※‽⁄ ₡₤₦₩₫€₱ ℃№℗℞℠™Ω℮ ←↑→↓◦';
    const greek = 'αβγδεζηθικλμνξοπρςστυφχψω ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ ϑϕϖϱϵ';
    const maths = '− ≤ ≥ ≠ ≈ ∞ ± ∓ ● ∙ ○ √ ∑ ∆ ′ ∼';
    const rows = [...Array.from({ length: Math.ceil(safe.length / 40) }, (_, i) => safe.slice(i * 40, i * 40 + 40).join(' ')), sample.replace(/\u2028|\u2029/g, ''), greek, maths, "pre--post ``q'' !` ?` 100% & $5 #3 a_b {x} ~y ^z \\w <t> |p|", 'Rene\u0301e co\u00adop 10\u00a0% thin\u2009space zero\u200bwidth'];
    const tex = renderLatex({ title: 'Hostile κ & α', columns: [{ header: 'text' }], rows: rows.map((r) => [r]) }) + `\n${escapeLatex(rows.join(' '))}\n`;
    for (const engine of engines) {
      const r = compileTex(engine, LATEX_PREAMBLE, tex);
      expect(r.errors, `${engine}: ${r.log.slice(-2000)}`).toEqual([]);
      expect(r.missing, engine).toEqual([]);
    }
  });
});
