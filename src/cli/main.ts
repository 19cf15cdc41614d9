import { processIo } from './io.js';
import { main } from './run.js';

/**
 * Entry point of the binary: the command line of this process, its exit code. bin/qualwave.js
 * loads this module with require() (Node 20.19+ loads an ES module graph that way synchronously,
 * which keeps start-up lean: the asynchronous loader would wait on each of its files).
 */
export async function start(): Promise<void> {
  // Output piped into a command that stops reading early (| head) is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  process.exitCode = await main(process.argv.slice(2), processIo());
}

/** Run the command line `argv` in this process, as start() runs this process's (the build's code cache runs several: bin/qualwave.js). */
export function runCommand(argv: string[]): Promise<number> {
  return main(argv, processIo());
}
