import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../..', import.meta.url));
export const bin = fileURLToPath(new URL('../../bin/qualwave.js', import.meta.url));

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the built CLI like a user would (no TTY, so no colour). */
export function qualwave(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): RunResult {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  if (!opts.env || !('FORCE_COLOR' in opts.env)) delete env['FORCE_COLOR'];
  if (!opts.env || !('NO_COLOR' in opts.env)) delete env['NO_COLOR'];
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: opts.cwd ?? repo, env, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
