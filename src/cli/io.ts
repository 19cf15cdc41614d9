import { readFileSync } from 'node:fs';

/**
 * What the shell reads and writes: standard streams, the working folder and the environment. The
 * binary passes the process's own (processIo); tests run the whole command line in-process with
 * their own (tests/helpers/inproc.ts), which is how most end-to-end tests avoid a spawn.
 */
export interface OutStream {
  /** False when the stream holds more than it should (a pipe whose reader is slower): wait for 'drain'. */
  write(chunk: string | Uint8Array): unknown;
  once?(event: 'drain', listener: () => void): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ShellIo {
  stdout: OutStream;
  stderr: OutStream;
  /** Standard input, read whole (for `-` as a file name); undefined when it is a terminal. */
  readStdin(): Buffer | undefined;
  stdinIsTTY: boolean;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
}

export function processIo(): ShellIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: () => (process.stdin.isTTY ? undefined : readFileSync(0)),
    stdinIsTTY: process.stdin.isTTY === true,
    cwd: process.cwd(),
    env: process.env,
  };
}
