import { CommanderError } from 'commander';
import { createProgram } from './program.js';

/** Entry point: parse the command line and run the command; known errors become exit codes. */
// Output piped into a command that stops reading early (| head) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
const program = createProgram();
try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else {
    const { reportUnexpected } = await import('./run.js');
    process.exitCode = reportUnexpected(e, process.argv.includes('--debug'));
  }
}
