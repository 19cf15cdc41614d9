import { setFlagsFromString } from 'node:v8';

/**
 * Keep the JavaScript heap close to what the process holds, for the rest of the process: for the
 * commands whose work makes far more short-lived garbage than it keeps. Only how often the
 * collector runs changes, never a result. Set at run time (the bin script takes no node flags),
 * which works for these flags; --max-semi-space-size, which lowers the same peaks when given to
 * node, has no effect once the heap is made.
 *
 * - By default (import): the old generation grows by 30% past what survives each full collection
 *   (V8's own rule let it reach about three times that here). import of a big project (each
 *   source's selections parsed, its text decoded and placed): on a 3,000-document .qdpx V8's
 *   default peaked at 1.56 GB, 60% at 1.30 GB; once the plan held its codings in columns and the
 *   note compressed, 30% gave 531 MB where 60% gave 551–553 MB, for the same CPU time (495,648 KiB
 *   since the note's selections are checked in small runs: RUN in core/refi/note.ts; the young
 *   setting below gave import no more: 499,384 KiB).
 * - `young` (export): the young generation keeps the size it has (V8 doubles it, up to 16 MB a
 *   semi-space, as allocation goes on): its collections are more frequent, each with as little to
 *   copy; the old generation then grows by 100%. export --format qdpx at 1,000 transcripts (each
 *   transcript read and checked, each coder file parsed, then each transcript's XML made), median
 *   peaks of farm-bench pairs against V8's rules: 141 MiB for 213 MiB cold (no study index), 125
 *   for 167 MiB warm, CPU time ×1.00 cold and ×1.04 warm. (30% instead of 100% saved no more
 *   memory and cost 6% of CPU time warm; 30% alone left 178–194 MB cold.)
 */
export function tightenHeap(o: { young?: boolean } = {}): void {
  if (o.young) {
    setFlagsFromString('--semi-space-growth-factor=1');
    setFlagsFromString('--heap-growing-percent=100');
  } else setFlagsFromString('--heap-growing-percent=30');
}
