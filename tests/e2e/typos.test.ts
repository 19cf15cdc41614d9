import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { qualwave, repo } from '../helpers/cli.js';

const buddy = join(repo, 'fixtures', 'buddy-study');
const q = (...args: string[]) => qualwave([...args, '--study', buddy], { env: { NO_COLOR: '1' } });

/**
 * A typo in a filter or a coder's name never gives an empty (or another coder's) table with exit 0:
 * it is an error (exit 2) saying what exists, with a did-you-mean. The buddy study's participants.csv
 * has gender F (11) and M (4), year 1 and 2; its coders are alice, ben and consensus.
 */
describe('typo guards', () => {
  it('--where with a value no participant has: exit 2, the values that exist, did you mean', async () => {
    for (const cmd of [['matrix'], ['codings'], ['agree', '--coders', 'alice,ben', '--resamples', '0'], ['quotes'], ['trajectories'], ['figure', 'heatmap']]) {
      const r = await q(...cmd, '--where', 'gender=f');
      expect(r.code, cmd.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain("--where gender=f: no participant has gender 'f' (did you mean 'F'?)");
      expect(r.stderr).toContain('values of gender in participants.csv: F, M');
    }
    // One of several values wrong is as wrong.
    expect((await q('matrix', '--where', 'gender=F,W')).stderr).toContain("--where gender=W: no participant has gender 'W'");
  });

  it('--where filters that each exist but select nobody together: exit 2', async () => {
    // Every year-1 and year-2 participant is F or M, so F,M with year=1 keeps the year-1 students (exit 0).
    expect((await q('matrix', '--where', 'gender=F,M', '--where', 'year=1')).code).toBe(0);
    const r = await q('matrix', '--where', 'gender=F', '--where', 'gender=M');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no participant has gender F and gender M: --where gender=F --where gender=M selects nobody');
  });

  it('--code, --wave, --participant, --coder and --coders that match nothing: exit 2 with did you mean', async () => {
    const cases: Array<[string[], string]> = [
      [['codings', '--code', 'support.respit'], "--code support.respit: no such code (did you mean 'support.respite'?)"],
      [['codings', '--wave', 'pots'], "--wave pots: no such wave (did you mean 'post'?)"],
      [['codings', '--participant', 'MS1'], "--participant MS1: no such participant (did you mean 'MS01'?)"],
      [['codings', '--coder', 'alcie'], "--coder alcie: no such coder (did you mean 'alice'?)"],
      [['matrix', '--coder', 'alcie'], "no coder 'alcie' (did you mean 'alice'?)"],
      [['case', 'MS07', '--coder', 'alcie'], "no coder 'alcie' (did you mean 'alice'?)"],
      [['agree', '--coders', 'alice,bne'], "--coders: no coder 'bne' (did you mean 'ben'?)"],
      [['codings', 'export', '--coder', 'alcie'], "--coder alcie: no such coder (did you mean 'alice'?)"],
      // The report used to leave its tables out with exit 0, as if no coder had been named.
      [['report', '--coder', 'alcie'], "no coder 'alcie' (did you mean 'alice'?)"],
    ];
    for (const [args, message] of cases) {
      const r = await q(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(message);
    }
  });
});
