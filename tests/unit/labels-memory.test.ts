import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repo } from '../helpers/cli.js';

/*
 * A speaker label read from a transcript is kept by the label tables (and by the study): it must be
 * a string of its own. A slice of 13 or more characters is, in V8, a view of the whole transcript
 * text, which it would then keep alive for the life of the process. Measured in a process of its
 * own, with the collector run by hand: 40 transcripts of 2 MB each, every one with a label of its
 * own, read and let go.
 */
describe('labels do not keep their transcripts alive', () => {
  it('40 transcripts of 2 MB, each with its own long label: after they are let go, the heap holds far less than one of them per label', () => {
    const script = `
      const { readLineHead, looksLikeLabel, fold } = await import(${JSON.stringify(`${repo}/dist/src/core/transcript/labels.js`)});
      const kept = [];
      for (let i = 0; i < 40; i++) {
        const label = 'Participant Number ' + String(i).padStart(3, '0');
        let text = label + ': ' + ('words and more words ').repeat(100000) + String(i);
        const end = text.indexOf('\\n') < 0 ? text.length : text.indexOf('\\n');
        const head = readLineHead(text, 0, end, false);
        looksLikeLabel(text.slice(0, label.length));
        fold(text.slice(0, label.length));
        kept.push(head && head.label);
        text = undefined;
      }
      globalThis.gc(); globalThis.gc();
      process.stdout.write(JSON.stringify({ heap: process.memoryUsage().heapUsed, labels: kept }));
    `;
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const { heap, labels } = JSON.parse(r.stdout) as { heap: number; labels: string[] };
    expect(labels[7]).toBe('Participant Number 007');
    // 40 texts of 2 MB would be 80 MB; the labels themselves are a few hundred bytes.
    expect(heap).toBeLessThan(20 * 1024 * 1024);
  });
});
