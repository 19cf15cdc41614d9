import { describe, expect, it } from 'vitest';
import { progress } from '../../src/cli/progress.js';

function fakeStream(tty: boolean): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  return { stream: { isTTY: tty, write: (s: string) => written.push(s) > 0 } as unknown as NodeJS.WriteStream, written };
}

describe('progress on stderr', () => {
  it('appears on a terminal only after a second, at most ten times a second, and is erased', () => {
    const { stream, written } = fakeStream(true);
    let t = 0;
    const p = progress('reading the study', { enabled: true, stream, now: () => t });
    p.update(1, 10);
    t = 900;
    p.update(2, 10);
    expect(written).toEqual([]);
    t = 1000;
    p.update(3, 10);
    t = 1050;
    p.update(4, 10);
    t = 1100;
    p.update(5, 10);
    expect(written).toEqual(['\r\x1b[2Kreading the study: 30% (3 of 10)', '\r\x1b[2Kreading the study: 50% (5 of 10)']);
    p.done();
    expect(written.at(-1)).toBe('\r\x1b[2K');
  });

  it('never on a pipe, never when disabled (--format json, --quiet), and nothing to erase for short work', () => {
    for (const [tty, enabled] of [
      [false, true],
      [true, false],
    ] as const) {
      const { stream, written } = fakeStream(tty);
      let t = 0;
      const p = progress('x', { enabled, stream, now: () => t });
      t = 5000;
      p.update(1, 2);
      p.done();
      expect(written).toEqual([]);
    }
    const { stream, written } = fakeStream(true);
    const p = progress('x', { enabled: true, stream, now: () => 10 });
    p.update(1, 2);
    p.done();
    expect(written).toEqual([]);
  });
});
