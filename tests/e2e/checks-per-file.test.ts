import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCodingsSince } from '../../src/core/codebook/versions.js';
import { checkCodings } from '../../src/core/coding/check.js';
import { sortDiagnostics } from '../../src/core/diagnostics/diagnostic.js';
import { loadStudy } from '../../src/io/load-study.js';
import { repo } from '../helpers/cli.js';

/**
 * The load checks the codings one coder file at a time, with the study index or without it (so
 * that without it only one file's codings are objects at a time). The oracle is the check of the
 * whole study at once, as the load made it without the index before: checkCodings and then
 * checkCodingsSince of every coding, sorted as the load sorts what follows from the transcripts.
 */
describe('the codings checked a coder file at a time', () => {
  it('give the diagnostics of the whole study checked at once, with the index and without it (problems in three files)', async () => {
    const study = join(mkdtempSync(join(tmpdir(), 'qualwave-checks-')), 'buddy-study');
    cpSync(join(repo, 'fixtures', 'buddy-study'), study, { recursive: true, filter: (src) => !src.includes('.qualwave') });
    const add = (coder: string, rows: string[]) => writeFileSync(join(study, 'codings', `${coder}.tsv`), readFileSync(join(study, 'codings', `${coder}.tsv`), 'utf8') + rows.join('\n') + '\n');
    // alice: a duplicate of her own coding and an unknown code; ben: an unknown participant, lines
    // past the transcript's end and the same coding as alice's (not a duplicate: another coder);
    // consensus: an unknown wave.
    add('alice', ['MS01\tpre\t10\tsupport.companionship\t\t\taaf7c52f', 'MS01\tpre\t10\tsupport.nothing\t\t\t']);
    add('ben', ['MS99\tpre\t10\tsupport.companionship\t\t\t', 'MS01\tpre\t9999\tsupport.companionship\t\t\t', 'MS01\tpre\t10\tsupport.companionship\t\t\t']);
    add('consensus', ['MS01\tlater\t10\tsupport.companionship\t\t\t']);
    for (const cache of [false, true, true]) {
      const { study: s, diagnostics } = await loadStudy(study, { cache });
      const whole = [...checkCodings(s!, s!.codings), ...checkCodingsSince(s!.codebook, s!.config.waves, s!.codings)];
      expect(whole.length).toBeGreaterThanOrEqual(5);
      expect(diagnostics).toEqual(sortDiagnostics(whole));
    }
  }, 60_000);
});
