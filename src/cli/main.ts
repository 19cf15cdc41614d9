import { FileError, fileErrorFrom } from '../io/errors.js';
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
    // Any other refusal to take the output (a full disk behind `> file`, EIO) is the operating
    // system's, as for any file written (exit 2, what to do); at once, so the command cannot go on
    // to exit 0 with its output cut.
    const refused = fileErrorFrom(e, 'standard output', 'cannot write to');
    if (!(refused instanceof FileError)) throw e;
    process.stderr.write(`qualwave: ${refused.message}\n${refused.hint ? `  hint: ${refused.hint}\n` : ''}`);
    process.exit(refused.exitCode);
  });
  process.exitCode = await main(process.argv.slice(2), processIo());
}

/** Run the command line `argv` in this process, as start() runs this process's (the build's code cache runs several: bin/qualwave.js). */
export function runCommand(argv: string[]): Promise<number> {
  return main(argv, processIo());
}
