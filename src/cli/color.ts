import type { OutStream } from './io.js';

/** Decide colour ourselves (chalk 5 ignores NO_COLOR): --no-color, NO_COLOR, FORCE_COLOR, TTY. */
export function colorEnabled(stream: OutStream, flag: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  if (flag === false) return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined) return env['FORCE_COLOR'] !== '0' && env['FORCE_COLOR'] !== 'false';
  return stream.isTTY === true;
}
