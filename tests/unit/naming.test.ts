import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/study/config.js';
import { assembleStudy } from '../../src/core/study/assemble.js';
import { compileNamePattern, nameFromPattern, normaliseDate } from '../../src/core/study/naming.js';
import { config, read } from '../helpers/study.js';

const WAVES = ['pre', 'later', 'post'];

describe('transcripts.name: {*}, {date} and regular expressions', () => {
  it('{*} matches anything within a folder name, {date} a date in three spellings', () => {
    const m = compileNamePattern('{participant}_GMT{date}{*}', WAVES);
    expect(m('transcripts/P1_GMT20211118')).toEqual({ participant: 'P1', date: '2021-11-18' });
    expect(m('transcripts/P1_GMT20211118-150102_Recording.transcript')).toEqual({ participant: 'P1', date: '2021-11-18' });
    expect(m('transcripts/P1_GMT2021-11-18')).toEqual({ participant: 'P1', date: '2021-11-18' });
    expect(m('transcripts/P1_GMT2021_11_18_x')).toEqual({ participant: 'P1', date: '2021-11-18' });
    expect(m('transcripts/P1_20211118')).toBeNull();
    expect(compileNamePattern('{*}/{participant}_{wave}', WAVES)('transcripts/site-a/MS07_post')).toEqual({ participant: 'MS07', wave: 'post' });
    expect(compileNamePattern('{participant}_{wave}_{*}', WAVES)('transcripts/MS07_post_final_v2')).toEqual({ participant: 'MS07', wave: 'post' });
  });

  it('a date that is not a calendar date is reported, not guessed', () => {
    expect(compileNamePattern('{participant}_{date}', WAVES)('t/P1_20211318')).toEqual({ participant: 'P1', badDate: '20211318' });
    expect(normaliseDate('20240229')).toBe('2024-02-29');
    expect(normaliseDate('20230229')).toBeUndefined();
    const r = read('transcripts/P1_20211318.txt', 'P1: Hi.\n', config("transcripts:\n  name: '{participant}_{date}'\n", 'waves:\n  - id: only\n'));
    expect(r.diagnostics.map((d) => d.message)).toEqual(["the file name's date '20211318' is not a date"]);
  });

  it("the name's date becomes the document's date; front matter must agree with it", () => {
    const cfg = config("transcripts:\n  name: '{participant}_{wave}_{date}'\n");
    expect(read('transcripts/P1_pre_2024-03-01.txt', 'P1: Hi.\n', cfg).document!.date).toBe('2024-03-01');
    const clash = read('transcripts/P1_pre_2024-03-01.txt', '---\ndate: 2024-03-02\n---\nP1: Hi.\n', cfg);
    expect(clash.diagnostics.map((d) => [d.line, d.message])).toEqual([[2, "front matter says date '2024-03-02' but the file name says '2024-03-01'"]]);
  });

  it('a regular expression with named groups covers the rest; a list of patterns is tried in order', () => {
    const cfg = config("transcripts:\n  name:\n    - '{participant}_{wave}'\n    - regex: '(?:^|/)Interview (?<participant>P\\d+) \\((?<wave>pre|post)\\)$'\n");
    expect(cfg.transcripts.names.map((n) => n.kind)).toEqual(['pattern', 'regex']);
    const m = compileNamePattern(cfg.transcripts.names, ['pre', 'post']);
    expect(m('transcripts/P1_pre')).toEqual({ participant: 'P1', wave: 'pre' });
    expect(m('transcripts/Interview P12 (post)')).toEqual({ participant: 'P12', wave: 'post' });
    expect(m('transcripts/Interview X (post)')).toBeNull();
  });

  it('reports bad patterns with their line', () => {
    const errs = (yaml: string) => parseConfig('qualwave.yaml', `title: T\nwaves: [{ id: pre }]\ntranscripts:\n  name: ${yaml}\n`).diagnostics.map((d) => [d.line, d.message]);
    expect(errs("'{participant}_{visit}'")).toEqual([[4, "name pattern '{participant}_{visit}' uses unknown placeholder {visit}"]]);
    expect(errs("'{wave}_{*}'")).toEqual([[4, "name pattern '{wave}_{*}' has no {participant}"]]);
    expect(errs("{ regex: '(?<wave>\\w+)' }")).toEqual([[4, 'regular expression "(?<wave>\\\\w+)" has no group (?<participant>...)']]);
    expect(errs("{ regex: '(?<participant>[' }")[0]![1]).toMatch(/^invalid regular expression/);
  });

  it('makes a file name from a pattern (for qualwave add), with {*} left empty', () => {
    expect(nameFromPattern({ kind: 'pattern', text: '{wave}/{participant}' }, { participant: 'P1', wave: 'post' })).toBe('post/P1');
    expect(nameFromPattern({ kind: 'pattern', text: '{participant}_GMT{date}{*}' }, { participant: 'P1', wave: 'pre', date: '2021-11-18' })).toBe('P1_GMT2021-11-18');
    expect(nameFromPattern({ kind: 'pattern', text: '{participant}_{date}' }, { participant: 'P1' })).toBeUndefined();
  });
});

describe('errors that point at the front-matter line', () => {
  it('an unknown participant or wave named in front matter: transcripts/MS99_later.txt:2 and :3', () => {
    const cfg = config('', 'waves:\n  - id: pre\n  - id: post\n');
    const r = read('transcripts/MS99_later.txt', '---\nparticipant: MS99\nwave: later\n---\nMS99: Hi.\n', cfg, ['MS07']);
    const { diagnostics } = assembleStudy({ root: '/s', config: cfg, participantsFile: 'participants.csv', participants: [{ id: 'MS07', attributes: {}, line: 2 }], documents: [r.document!], codebook: { files: [], codes: [], themes: [], byId: new Map() } as never, failedParticipants: new Set(['MS07']) });
    expect(diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`)).toEqual(["transcripts/MS99_later.txt:2: participant 'MS99' is not in participants.csv", "transcripts/MS99_later.txt:3: unknown wave 'later'"]);
  });

  it('a disagreement between front matter and file name names the front-matter line', () => {
    const r = read('transcripts/MS07_pre.txt', '---\ntitle: x\nwave: post\n---\nMS07: Hi.\n');
    expect(r.diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`)).toEqual(["transcripts/MS07_pre.txt:3: front matter says wave 'post' but the file name says 'pre'"]);
  });
});
