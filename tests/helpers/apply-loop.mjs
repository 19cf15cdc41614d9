// Runs `qualwave code ... --apply` once per line of argv[3] (a JSON list of [participant, wave,
// line, code]), in this process, one after the other; prints the exit codes as JSON.
const [, , study, jobs] = process.argv;
const { main } = await import(new URL('../../dist/src/cli/run.js', import.meta.url).href);
const codes = [];
const io = { stdout: { write: () => true }, stderr: { write: () => true }, readStdin: () => undefined, stdinIsTTY: false, cwd: process.cwd(), env: process.env };
for (const [p, w, line, code] of JSON.parse(jobs)) {
  codes.push(await main(['code', p, w, '--coder', 'alice', '--apply', code, '--lines', String(line), '--study', study, '--quiet'], io));
}
process.stdout.write(JSON.stringify(codes) + '\n');
