import { describe, expect, it } from 'vitest';
import { speakerClassifier, unnumbered } from '../../src/core/transcript/labels.js';
import { documentSummary } from '../../src/core/summary/summary.js';
import { config, read, rows } from '../helpers/study.js';

/**
 * Speaker turns on files as they come: each rule on a small transcript whose expected segments
 * are written out by hand.
 */
describe('speaker labels on real files', () => {
  it('reads labels indented with tabs or spaces (0 of 187 MODERATOR lines were found before)', () => {
    const r = read('transcripts/MS07_pre.txt', '\tMODERATOR: Can you show me?\n\t\tMS07: Here, I click this.\n    MODERATOR:   And then?\n  MS07:\tThen it saves.\n', config('speakers:\n  interviewers: [Moderator]\n'));
    expect(rows(r)).toEqual([
      ['MODERATOR', 'interviewer', 1, 1, 'Can you show me?'],
      ['MS07', 'participant', 2, 2, 'Here, I click this.'],
      ['MODERATOR', 'interviewer', 3, 3, 'And then?'],
      ['MS07', 'participant', 4, 4, 'Then it saves.'],
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  it('takes any participant id in any case as a label: admin-1 was merged into the interviewer before', () => {
    const r = read('transcripts/admin-1_pre.txt', 'Interviewer: What do you do first?\n\nadmin-1: I open the queue.\n\nADMIN-1: Then the oldest ticket.\n');
    expect(rows(r)).toEqual([
      ['Interviewer', 'interviewer', 1, 1, 'What do you do first?'],
      ['admin-1', 'participant', 3, 3, 'I open the queue.'],
      ['ADMIN-1', 'participant', 5, 5, 'Then the oldest ticket.'],
    ]);
  });

  it('matches numbered variants of configured labels: Researcher 1, Interviewer 2, I_3', () => {
    const r = read('transcripts/MS07_pre.txt', 'Researcher 1: Hello.\nInterviewer 2: Hi.\nI_3: Hey.\nMS07: Hello all.\n');
    expect(rows(r).map((x) => [x[0], x[1]])).toEqual([
      ['Researcher 1', 'interviewer'],
      ['Interviewer 2', 'interviewer'],
      ['I_3', 'interviewer'],
      ['MS07', 'participant'],
    ]);
    expect(unnumbered('Researcher 12')).toBe('Researcher');
    expect(unnumbered('MS07')).toBe('MS');
    expect(unnumbered('F2-01')).toBeUndefined(); // ends in a number after a digit, not after a word
    expect(unnumbered('Ana')).toBeUndefined();
  });

  it("uses speakers.map for roles and participant ids (a group interview), the transcript's own first", () => {
    const cfg = config('speakers:\n  map:\n    Speaker 1: interviewer\n    Ana: MS08\n    Dana: note\n');
    const r = read('transcripts/MS07_pre.txt', '---\nspeakers:\n  Bo: MS07\n  Dana: other\n---\nSpeaker 1: Welcome, both.\nAna: Thanks.\nBo: Glad to be here.\nDana: [door closes]\n', cfg);
    expect(r.diagnostics).toEqual([]);
    expect(r.document!.segments.map((s) => [s.speaker, s.role, s.participant ?? null])).toEqual([
      ['Speaker 1', 'interviewer', null],
      ['Ana', 'participant', 'MS08'],
      ['Bo', 'participant', null],
      ['Dana', 'other', null], // the transcript's map wins over the study's
    ]);
    expect(r.document!.segments[1]!.toJSON()).toMatchObject({ participant: 'MS08' });
  });

  it("warns when a label is another participant's id not confirmed by a map, and refuses a map to an unknown id", () => {
    const r = read('transcripts/MS07_pre.txt', 'Interviewer: Hi.\nMS08: Hello.\nMS07: Hi.\n');
    expect(r.document!.segments[1]).toMatchObject({ role: 'participant', participant: 'MS08' });
    expect(r.diagnostics.map((d) => [d.line, d.message])).toEqual([[2, "speaker 'MS08' is participant MS08, not MS07: 1 turn counted as participant speech and quoted as MS08's (a group interview)"]]);
    const bad = read('transcripts/MS07_pre.txt', '---\nspeakers:\n  Ana: MS99\n---\nAna: Hi.\n');
    expect(bad.diagnostics.map((d) => [d.severity, d.line, d.message])).toEqual([['error', 3, "speakers: 'Ana' is mapped to 'MS99', which is neither a role nor a participant in participants.csv"]]);
  });

  it.each([
    ['interviewer', 'interviewer', 2],
    ['participant', 'participant', 2],
    ['note', 'note', 2],
  ] as const)('unlabelled: %s gives text outside any turn the role %s', (unlabelled, role, n) => {
    const text = `---\nunlabelled: ${unlabelled}\n---\nField notes, visit 2.\n\nShe shows the app.\n`;
    const r = read('transcripts/MS07_pre.txt', text);
    expect(r.document!.segments.map((s) => [s.speaker, s.role])).toEqual(Array.from({ length: n }, () => [null, role]));
    expect(r.diagnostics).toEqual([]); // chosen explicitly: no warning
    expect(r.document!.unlabelled).toEqual({ role: unlabelled, from: 'front matter' });
  });

  it('unlabelled: none leaves the text out, and says how much', () => {
    const r = read('transcripts/MS07_pre.txt', 'Study X, interview 4\nRecorded 3 May\n\nInterviewer: Hi.\nMS07: Hello there.\n', config('speakers:\n  unlabelled: none\n'));
    expect(rows(r)).toEqual([
      ['Interviewer', 'interviewer', 4, 4, 'Hi.'],
      ['MS07', 'participant', 5, 5, 'Hello there.'],
    ]);
    expect(r.document!.unlabelled).toEqual({ role: 'none', from: 'study', skipped: { lines: 2, words: 7 } });
    expect(documentSummary(r.document!).skipped).toEqual({ lines: 2, words: 7 });
  });

  it('by default takes text with no labels at all as notes, never as the participant, and says so', () => {
    const r = read('transcripts/MS07_pre.txt', 'P2 clicks the wrong button twice.\n\nP2 asks where the list went.\n');
    expect(r.document!.segments.map((s) => s.role)).toEqual(['note', 'note']);
    expect(r.document!.segmentList.count('participant')).toBe(0);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'warning', line: 1, message: "no speaker labels found: the text is taken as notes (unlabelled: note), not as anyone's speech" });
  });

  it('reports every speaker with role, rule, turns, segments and words (summary --speakers)', () => {
    const r = read('transcripts/MS07_pre.txt', 'Intro line here.\n\nResearcher 1: One two three?\n\nMS07: Four five.\n\nSix seven eight.\n\nResearcher 1: Nine?\n\nMom: Ten.\n');
    const s = documentSummary(r.document!);
    expect(s.speakers).toEqual([
      { label: null, role: 'note', rule: 'unlabelled', turns: 1, segments: 1, words: 3 },
      { label: 'Researcher 1', role: 'interviewer', rule: 'numbered', turns: 2, segments: 2, words: 4 },
      { label: 'MS07', role: 'participant', rule: 'participant', turns: 1, segments: 2, words: 5 },
      { label: 'Mom', role: 'other', rule: 'unknown', turns: 1, segments: 1, words: 1 },
    ]);
    expect(s.words).toBe(3 + 4 + 5 + 1);
  });

  it('classifies in a documented order: map, own id, interviewer, generic, other ids, numbered', () => {
    const c = speakerClassifier({ interviewers: ['Interviewer', 'P'], participantLabels: ['P', 'Participant'], participant: 'P1', participantIds: ['P1', 'P2'], maps: [new Map([['P2', 'note' as const]])] });
    expect(['P2', 'p1', 'P', 'Participant 3', 'P3', 'Zed'].map((l) => [l, c.info(l).role, c.info(l).rule])).toEqual([
      ['P2', 'note', 'map'],
      ['p1', 'participant', 'participant'],
      ['P', 'interviewer', 'interviewer'], // interviewer labels come before generic participant labels
      ['Participant 3', 'participant', 'numbered'],
      ['P3', 'interviewer', 'numbered'], // not a participant id: P, numbered
      ['Zed', 'other', 'unknown'],
    ]);
    expect(c.known('p1')).toBe(true);
    expect(c.known('so what')).toBe(false);
  });

  it('does not take speech for a label: "So: ..." stays a label only if it looks like one, "so: ..." never', () => {
    const r = read('transcripts/MS07_pre.txt', 'MS07: I went.\nso: then what?\nthe thing is: nobody knew.\n');
    expect(rows(r)).toEqual([['MS07', 'participant', 1, 3, 'I went.\nso: then what?\nthe thing is: nobody knew.']]);
  });
});
