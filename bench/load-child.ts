import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadStudy } from '../src/io/load-study.js';

/** Child process for memory figures: load the whole study (or only read it, with --baseline) and report peak RSS. */
const [root, mode] = process.argv.slice(2) as [string, string | undefined];
let bytes = 0;
let segments = 0;
let keep: unknown;
if (mode === '--baseline') {
  const dir = join(root, 'transcripts');
  const texts = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
  bytes = texts.reduce((n, t) => n + t.length, 0);
  keep = texts;
} else {
  const { study, diagnostics } = await loadStudy(root);
  if (!study || diagnostics.some((d) => d.severity === 'error')) throw new Error('benchmark corpus failed to load');
  segments = study.documents.reduce((n, d) => n + d.segmentList.length, 0);
  keep = study;
}
// Peak resident memory of this process. On Linux, VmHWM belongs to this program alone (maxRSS from
// getrusage carries over the parent's size at fork), so prefer it.
let peak = process.resourceUsage().maxRSS * 1024;
try {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  if (m) peak = Number(m[1]) * 1024;
} catch (e) {
  // Not Linux: no /proc (the resource usage above is the figure then).
  if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
}
process.stdout.write(JSON.stringify({ maxRssBytes: peak, bytes, segments, kept: keep !== undefined }) + '\n');
