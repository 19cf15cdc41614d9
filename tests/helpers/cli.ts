import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../..', import.meta.url));
export const bin = fileURLToPath(new URL('../../bin/qualwave.js', import.meta.url));

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Standard input (a pipe); absent: a terminal-less empty input. */
  stdin?: string;
}

/**
 * Run the built CLI like a user would, in this process (no spawn): the whole command line through
 * the shell's entry point (src/cli/run.ts `main`) with its own working folder, environment,
 * standard streams (not terminals, so no colour) and input. Imports come from dist/ (npm test
 * builds first), the modules the binary's bundle is made from (tests/e2e/bundle.test.ts: the same output).
 */
export async function qualwave(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const { main } = (await import(new URL('../../dist/src/cli/run.js', import.meta.url).href)) as { main: (argv: string[], io: unknown) => Promise<number> };
  const env: Record<string, string | undefined> = { ...process.env, ...opts.env };
  if (!opts.env || !('FORCE_COLOR' in opts.env)) delete env['FORCE_COLOR'];
  if (!opts.env || !('NO_COLOR' in opts.env)) delete env['NO_COLOR'];
  let stdout = '';
  let stderr = '';
  const text = (c: string | Uint8Array) => (typeof c === 'string' ? c : Buffer.from(c).toString('utf8'));
  const cwd = opts.cwd ?? repo;
  const before = process.cwd();
  // The I/O layer shows paths relative to the process's folder (as the binary does).
  process.chdir(cwd);
  try {
    const code = await main(args, {
      stdout: { write: (c: string | Uint8Array) => (stdout += text(c)), isTTY: false },
      stderr: { write: (c: string | Uint8Array) => (stderr += text(c)), isTTY: false },
      readStdin: () => Buffer.from(opts.stdin ?? '', 'utf8'),
      stdinIsTTY: false,
      cwd,
      env,
    });
    return { code, stdout, stderr };
  } finally {
    process.chdir(before);
  }
}

/** Run the real binary in a new process: start-up, exit codes, pipes, signals, terminals. */
export function spawnQualwave(args: string[], opts: RunOptions = {}): RunResult {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  if (!opts.env || !('FORCE_COLOR' in opts.env)) delete env['FORCE_COLOR'];
  if (!opts.env || !('NO_COLOR' in opts.env)) delete env['NO_COLOR'];
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: opts.cwd ?? repo, env, encoding: 'utf8', ...(opts.stdin !== undefined ? { input: opts.stdin } : {}) });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
