import { setFlagsFromString } from 'node:v8';

/**
 * Let the JavaScript heap grow by 30% past what survives each full collection (V8's own rule lets
 * it reach about three times that here), for the rest of the process. For the commands whose
 * work makes far more short-lived garbage than it holds, so that the process peaks close to what
 * it holds. Only how often the collector runs changes, never a result. Measured (`/usr/bin/time
 * %M`, growth studies):
 *
 * - import of a big project (each source's selections parsed, its text decoded and placed): on a
 *   3,000-document .qdpx V8's default peaked at 1.56 GB, 60% at 1.30 GB; once the plan held its
 *   codings in columns and the note compressed, 30% gave 531 MB where 60% gave 551–553 MB, for
 *   the same CPU time;
 * - export --format qdpx at 1,000 transcripts without a study index (each coder file parsed and
 *   each transcript read and checked: garbage of 80 MB for 13 MB kept): 225–235 MB peak with the
 *   default, 178–190 MB with 30%.
 *
 * (--max-semi-space-size, which also lowered these peaks as a command-line flag, has no effect
 * when set here, once the heap is made.)
 */
export function tightenHeap(): void {
  setFlagsFromString('--heap-growing-percent=30');
}
