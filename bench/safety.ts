import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { zipSync } from 'fflate';
import { checkPatterns, linearMatcher } from '../src/core/coding/patterns.js';
import { planImport, readProject, sourcesOf } from '../src/core/refi/import.js';
import { inspectArchive, UnsafeArchiveError } from '../src/io/zip.js';

/**
 * The pathological inputs of issue 11, each beside a baseline measured in the same run: the
 * growth from a normal to a hostile input shows whether the work stays linear.
 */
export async function safetyRows(repo: string, bin: string): Promise<Array<[string, string, string, string]>> {
  const rows: Array<[string, string, string, string]> = [];
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const time = (fn: () => unknown, n = 3): number => {
    const ts: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      fn();
      ts.push(performance.now() - s);
    }
    return median(ts);
  };

  // 1. The report of the example study, with one code label of 100 KB without a space.
  const cache = join(repo, '.bench-cache', 'safety');
  rmSync(cache, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  const normal = join(cache, 'normal');
  const hostile = join(cache, 'label');
  cpSync(join(repo, 'fixtures', 'buddy-study'), normal, { recursive: true });
  cpSync(join(repo, 'fixtures', 'buddy-study'), hostile, { recursive: true });
  const cb = join(hostile, 'codebooks', 'buddy.yaml');
  writeFileSync(
    cb,
    readFileSync(cb, 'utf8').replace(/label: .*/, () => `label: ${'x'.repeat(100_000)}`),
  );
  const report = (dir: string) =>
    time(() => {
      const r = spawnSync(process.execPath, [bin, 'report', '--study', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
      if (r.status !== 0) throw new Error(`report failed: ${r.stderr}`);
    });
  const rn = report(normal);
  const rh = report(hostile);
  rows.push(['report, one 100 KB unbroken label', `${rh.toFixed(0)} ms`, `same study, normal labels: ${rn.toFixed(0)} ms`, `${(rh / rn).toFixed(2)}x (before: 27 s here; target < 2x): ${rh / rn < 2 ? 'ok' : 'MISSED'}`]);

  // 2. A REFI-QDA project with 20,000 selections in one source, against 2,000.
  const project = (n: number): string => {
    const text = Array.from({ length: n }, (_, i) => `P: line ${i} of a long interview, with é and 😀 in it.`).join('\n');
    const sels = Array.from({ length: n }, (_, i) => {
      const start = i * 40;
      return `<PlainTextSelection guid="00000000-0000-4000-8000-${String(i).padStart(12, '0')}" startPosition="${start}" endPosition="${start + 20}"><Coding guid="10000000-0000-4000-8000-${String(i).padStart(12, '0')}" creatingUser="20000000-0000-4000-8000-000000000001"><CodeRef targetGUID="30000000-0000-4000-8000-000000000001"/></Coding></PlainTextSelection>`;
    });
    return `<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="bench"><Users><User guid="20000000-0000-4000-8000-000000000001" name="alice"/></Users><CodeBook><Codes><Code guid="30000000-0000-4000-8000-000000000001" name="A code" isCodable="true"/></Codes></CodeBook><Sources><TextSource guid="40000000-0000-4000-8000-000000000001" name="P01_pre"><PlainTextContent>${text}</PlainTextContent>${sels.join('')}</TextSource></Sources></Project>`;
  };
  // Reading the XML, choosing how positions are counted (every candidate reading tried on every
  // selection), placing and verifying each selection.
  const plan = (xml: string, name: string) => {
    const p = readProject(xml, name);
    const texts = new Map(sourcesOf(p).map((r) => [r.guid, { text: r.inline!, bom: false, from: 'PlainTextContent' }]));
    return planImport(p, name, { texts, namePattern: '{participant}_{wave}' });
  };
  const small = project(2_000);
  const big = project(20_000);
  const ts = time(() => plan(small, 'small.qde'));
  const tb = time(() => plan(big, 'big.qde'));
  rows.push(['REFI import, 20,000 selections in one source', `${tb.toFixed(0)} ms`, `2,000 selections: ${ts.toFixed(0)} ms`, `${(tb / ts).toFixed(1)}x for 10x the selections (before: 49.8 s, 72x; linear: about 10x): ${tb / ts < 20 ? 'ok' : 'MISSED'}`]);

  // 3. A backtracking pattern: refused, or run on the linear engine.
  const text = 'a'.repeat(100_000) + 'c';
  const checked = await checkPatterns({ codes: [{ id: 'x', file: 'cb.yaml', patterns: ['(a|a)*b$', '^(a+)+$'], patternLines: [1, 2] } as never] });
  const m = await linearMatcher('(a|a)*b$');
  const tl = time(() => m.test(text));
  const tsafe = time(() => /b$/i.test(text));
  rows.push(['pattern (a|a)*b$ on 100 KB of a', `${tl.toFixed(0)} ms (linear engine)`, `/b$/ in V8: ${tsafe.toFixed(1)} ms; ^(a+)+$ refused: ${checked.diagnostics.length === 1 ? 'yes' : 'NO'}`, 'JavaScript engine: does not finish (2^100000)']);

  // 4. A zip bomb (.docx or .qdpx): refused after inflating how much?
  const bomb = zipSync({ 'word/document.xml': new Uint8Array(256 * 1024 * 1024) }, { level: 9 });
  let refused = false;
  const tz = time(() => {
    try {
      inspectArchive(bomb);
    } catch (e) {
      refused = e instanceof UnsafeArchiveError;
    }
  });
  rows.push([`zip bomb: ${(bomb.length / 1024).toFixed(0)} KB → 256 MB`, `${tz.toFixed(1)} ms to refuse`, 'stops at the first 1 MiB that expands > 200x', refused ? 'refused: ok' : 'MISSED']);
  if (existsSync(cache)) rmSync(cache, { recursive: true, force: true });
  return rows;
}
