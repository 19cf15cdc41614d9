// Runs `qualwave code ... --apply` once per line of argv[3] (a JSON list of [participant, wave,
// line, code]), in this process, one after the other; prints the exit codes as JSON.
const [, , study, jobs] = process.argv;
const { createProgram } = await import(new URL('../../dist/src/cli/program.js', import.meta.url).href);
const codes = [];
process.stderr.write = () => true;
for (const [p, w, line, code] of JSON.parse(jobs)) {
  process.exitCode = 0;
  await createProgram().parseAsync(['node', 'qualwave', 'code', p, w, '--coder', 'alice', '--apply', code, '--lines', String(line), '--study', study, '--quiet']);
  codes.push(Number(process.exitCode ?? 0));
}
process.exitCode = 0;
process.stdout.write(JSON.stringify(codes) + '\n');
