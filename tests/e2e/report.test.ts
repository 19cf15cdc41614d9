import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { qualwave, repo } from '../helpers/cli.js';
import { copyStudy } from '../helpers/copy-study.js';

const buddy = join(repo, 'fixtures/buddy-study');
const CHROMIUM = '/usr/bin/chromium';
const tmp = () => mkdtempSync(join(tmpdir(), 'qualwave-report-'));

/** A copy of the buddy study where one top quote of the report carries a script tag. */
function hostileStudy(): string {
  const dir = join(tmp(), 'study');
  copyStudy(buddy, dir);
  const f = join(dir, 'transcripts/MS02_post.txt');
  writeFileSync(f, readFileSync(f, 'utf8').replace('We see a tumour and a protocol.', 'We see a tumour and a <script>window.__pwned = 1</script> protocol.'));
  // The analyst's case summary is Markdown: raw HTML in it is shown as text, never run.
  writeFileSync(join(dir, 'cases/MS02.md'), '# MS02\n\nA *pen* portrait <img src=x onerror="window.__pwned = 2"> with `support.respite`.\n');
  return dir;
}

describe('qualwave figure', () => {
  it.each(['participation', 'timeline', 'heatmap', 'trajectories', 'saturation', 'agreement'])('%s: a deterministic SVG with a title', async (kind) => {
    const a = await qualwave(['figure', kind, '--study', buddy]);
    expect(a.code).toBe(0);
    expect(a.stdout.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(a.stdout.trimEnd().endsWith('</svg>')).toBe(true);
    expect(a.stdout).toMatch(/<title>[^<]+<\/title>/);
    expect(a.stdout).not.toMatch(/fill="(red|blue|green)"/);
    expect((await qualwave(['figure', kind, '--study', buddy])).stdout).toBe(a.stdout);
  });

  it('sizes for a journal column and says which figures exist', async () => {
    expect((await qualwave(['figure', 'heatmap', '--study', buddy, '--width', '400', '--font-size', '8'])).stdout).toMatch(/^<svg [^>]*width="400pt"/);
    const r = await qualwave(['figure', 'heatmaps', '--study', buddy]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no figure 'heatmaps' (did you mean 'heatmap'?)");
  });

  it('the committed figures and report of the buddy study are up to date (build --check)', async () => {
    const r = await qualwave(['build', '--check', buddy]);
    expect(r.stderr).toContain('unchanged fixtures/buddy-study/figures/participation.svg');
    expect(r.stderr).toContain('unchanged fixtures/buddy-study/report.html');
    expect(r.code).toBe(0);
  });
});

describe('qualwave report', () => {
  it('is self-contained, deterministic, and escapes transcript text', async () => {
    const a = (await qualwave(['report', '--study', buddy])).stdout;
    expect((await qualwave(['report', '--study', buddy])).stdout).toBe(a);
    expect(a).not.toMatch(/<script|<link|src="http|href="http|@import|url\(http/i);
    for (const id of ['study', 'timeline', 'codebook', 'agreement', 'themes-by-wave', 'trajectories', 'change', 'anticipated', 'dropout', 'saturation', 'quotes', 'cases']) expect(a).toContain(`<section id="${id}">`);
    const hostile = (await qualwave(['report', '--study', hostileStudy()])).stdout;
    expect(hostile).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;');
    expect(hostile).not.toContain('<script');
    expect(hostile).toContain('A <em>pen</em> portrait &lt;img src=x onerror=&quot;window.__pwned = 2&quot;&gt; with <a href="#code-support-respite"');
    expect(hostile).not.toContain('<img');
    expect((await qualwave(['report', '--study', buddy, '--stamp'])).stdout).toMatch(/generated \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  });

  it.skipIf(!existsSync(CHROMIUM))(
    'renders in headless Chromium: every section, no console error, no network request',
    async () => {
      const dir = tmp();
      const file = join(dir, 'report.html');
      expect((await qualwave(['report', '--study', hostileStudy(), '-o', file])).code).toBe(0);
      const { chromium } = await import('playwright-core');
      // Playwright starts it headless; these flags keep it off the network and the GPU.
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
      try {
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        const requests: string[] = [];
        const errors: string[] = [];
        page.on('request', (r) => requests.push(r.url()));
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(`file://${file}`);
        const sections = await page.$$eval('section', (s) => s.map((x) => ({ id: x.id, height: x.getBoundingClientRect().height, svgs: x.querySelectorAll('svg').length })));
        expect(sections.map((s) => s.id)).toEqual(['study', 'timeline', 'codebook', 'agreement', 'themes-by-wave', 'trajectories', 'change', 'anticipated', 'dropout', 'saturation', 'quotes', 'cases']);
        for (const s of sections) expect(s.height, s.id).toBeGreaterThan(50);
        expect(sections.find((s) => s.id === 'themes-by-wave')!.svgs).toBe(1);
        expect(sections.find((s) => s.id === 'timeline')!.svgs).toBe(1);
        // The dossiers: the analyst's summaries open (MS04, MS07 in the example; MS02 here), the others folded.
        expect(await page.locator('#fold-case-MS02 ~ .body').isVisible()).toBe(true);
        expect(await page.locator('#fold-case-MS03 ~ .body').isVisible()).toBe(false);
        expect(await page.textContent('#cases')).toContain('<img src=x onerror="window.__pwned = 2">');
        expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
        expect(await page.textContent('#quotes')).toContain('<script>window.__pwned = 1</script>');
        // A fold opens and closes without script.
        const body = page.locator('#fold-quotes-learning ~ .body');
        expect(await body.isVisible()).toBe(true);
        await page.click('label[for="fold-quotes-learning"]');
        expect(await body.isVisible()).toBe(false);
        expect(errors).toEqual([]);
        expect(requests).toEqual([`file://${file}`]);
        const shot = join(dir, 'report.png');
        await page.screenshot({ path: shot });
        expect(statSync(shot).size).toBeGreaterThan(10_000);
      } finally {
        await browser.close();
      }
      // Starting Chromium beside the other test files' workers can take most of the default 30 s.
    },
    90_000,
  );
});

if (!existsSync(CHROMIUM)) console.warn(`report browser test skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

describe('qualwave report: the agreement section on worker threads', () => {
  it('written in pieces: the same bytes to standard output, to --output and from the in-process API (one string)', async () => {
    const out = await qualwave(['report', '--study', buddy]);
    expect(out.code).toBe(0);
    const file = join(tmp(), 'report.html');
    expect((await qualwave(['report', '--study', buddy, '-o', file])).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(out.stdout);
    const { loadStudy } = await import('../../src/io/load-study.js');
    const { report, reportPieces } = await import('../../src/api/report.js');
    const study = (await loadStudy(buddy, { cache: false })).study!;
    const whole = await report(study);
    expect(whole).toBe(out.stdout);
    const pieces = await reportPieces(study);
    expect(pieces.length).toBeGreaterThan(10);
    expect(pieces.join('')).toBe(whole);
    expect(whole.endsWith('</html>\n')).toBe(true);
  });

  it('the same bytes with QUALWAVE_WORKERS=0, 1 and 2; a value that is not a whole number is refused (exit 2)', async () => {
    const runs = [];
    for (const n of ['0', '1', '2']) runs.push(await qualwave(['report', '--study', buddy], { env: { QUALWAVE_WORKERS: n } }));
    for (const r of runs) expect(r.code).toBe(0);
    expect(runs[0]!.stdout).toContain('id="agreement"');
    expect(runs[1]!.stdout).toBe(runs[0]!.stdout);
    expect(runs[2]!.stdout).toBe(runs[0]!.stdout);
    const bad = await qualwave(['report', '--study', buddy], { env: { QUALWAVE_WORKERS: 'many' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('QUALWAVE_WORKERS=many: expected a whole number of worker threads from 0 to 16');
  });
});
