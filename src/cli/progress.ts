/**
 * Progress of long work on stderr: shown only on a terminal (never on a pipe or in a file), never
 * with --format json or --quiet, and only once the work has taken about a second; redrawn at most
 * ten times a second and erased when done, so that short commands print nothing.
 */
export interface Progress {
  /** `done` of `total` units of work (total 0: unknown). */
  update(done: number, total?: number): void;
  /** Erase the line (when one was shown). */
  done(): void;
}

export const NO_PROGRESS: Progress = { update: () => undefined, done: () => undefined };

export function progress(label: string, opts: { enabled: boolean; stream?: NodeJS.WriteStream; delayMs?: number; now?: () => number }): Progress {
  const stream = opts.stream ?? process.stderr;
  if (!opts.enabled || stream.isTTY !== true) return NO_PROGRESS;
  const now = opts.now ?? (() => performance.now());
  const started = now();
  const delay = opts.delayMs ?? 1000;
  let last = -Infinity;
  let shown = false;
  return {
    update(done, total = 0) {
      const t = now();
      if (t - started < delay || t - last < 100) return;
      last = t;
      shown = true;
      const part = total > 0 ? `${Math.min(100, Math.floor((done / total) * 100))}% (${done.toLocaleString('en')} of ${total.toLocaleString('en')})` : done.toLocaleString('en');
      stream.write(`\r\x1b[2K${label}: ${part}`);
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
