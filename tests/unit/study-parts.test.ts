import { describe, expect, it } from 'vitest';
import { sortDiagnostics } from '../../src/core/diagnostics/diagnostic.js';
import { parseConfig, DEFAULTS } from '../../src/core/study/config.js';
import { parseParticipants } from '../../src/core/study/participants.js';
import { compileNamePattern } from '../../src/core/study/naming.js';
import { decodeText } from '../../src/core/text/decode.js';
import { didYouMean, editDistance } from '../../src/core/text/suggest.js';
import { countWords } from '../../src/core/text/words.js';
import { naturalCompare } from '../../src/core/text/sort.js';

describe('qualwave.yaml', () => {
  it('fills documented defaults', () => {
    const { config, diagnostics } = parseConfig('qualwave.yaml', 'title: T\nwaves:\n  - id: pre\n    label: pre-interview\n  - id: post\n');
    expect(diagnostics).toEqual([]);
    expect(config).toEqual({
      title: 'T',
      language: 'en',
      waves: [
        { id: 'pre', label: 'pre-interview', index: 0 },
        { id: 'post', label: 'post', index: 1 },
      ],
      participants: { file: 'participants.csv', id: 'id' },
      transcripts: { paths: ['transcripts/**/*'], name: '{participant}_{wave}', names: [{ kind: 'pattern', text: '{participant}_{wave}' }], segments: 'paragraph' },
      codebooks: ['codebooks/*.yaml'],
      speakers: { interviewers: [...DEFAULTS.interviewers], participants: [...DEFAULTS.participantLabels], unlabelled: 'note', map: [] },
      attribution: '({participant}, {wave.label})',
      outputs: [],
    });
  });

  it('reports misspelt fields, duplicate waves and bad values', () => {
    const { config, diagnostics } = parseConfig('qualwave.yaml', 'title: T\nlanguage: English\nwaves:\n  - id: pre\n  - id: pre\n  - id: 4 month\ntranscript:\n  name: x\nspeakers:\n  interviewer: [I]\n');
    expect(config).toBeUndefined();
    expect(sortDiagnostics(diagnostics).map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      "2:11 language 'English' is not a language code",
      "5:9 wave 'pre' is listed twice",
      "6:9 wave id '4 month' is not valid",
      "7:1 unknown field 'transcript' in qualwave.yaml (did you mean 'transcripts'?)",
      "10:3 unknown field 'interviewer' in 'speakers' (did you mean 'interviewers'?)",
    ]);
  });

  it('rejects a name pattern without {participant} or with unknown placeholders', () => {
    expect(parseConfig('q.yaml', "title: T\nwaves: [{id: a}]\ntranscripts:\n  name: '{wave}'\n").diagnostics[0]?.message).toMatch(/has no \{participant\}/);
    expect(parseConfig('q.yaml', "title: T\nwaves: [{id: a}]\ntranscripts:\n  name: '{participant}-{site}'\n").diagnostics[0]?.message).toMatch(/unknown placeholder \{site\}/);
  });
});

describe('participants.csv', () => {
  it('reads ids and attributes, with the row line', () => {
    const { participants, diagnostics } = parseParticipants('p.csv', 'id,site,sex\nF1-01,north,F\n"F1-02","south\nwing",M\nF2-01,,M\n', 'id');
    expect(diagnostics).toEqual([]);
    expect(participants).toEqual([
      { id: 'F1-01', attributes: { site: 'north', sex: 'F' }, line: 2 },
      { id: 'F1-02', attributes: { site: 'south\nwing', sex: 'M' }, line: 3 },
      { id: 'F2-01', attributes: { site: '', sex: 'M' }, line: 5 },
    ]);
  });

  it('accepts semicolons (spreadsheets in French locales) and a BOM', () => {
    const { participants } = parseParticipants('p.csv', '\ufeffid;site\nP1;est\n', 'id');
    expect(participants).toEqual([{ id: 'P1', attributes: { site: 'est' }, line: 2 }]);
  });

  it('names the missing id column with a suggestion', () => {
    const { diagnostics } = parseParticipants('p.csv', 'ID,site\nP1,a\n', 'id');
    expect(diagnostics[0]!.message).toBe("no 'id' column in the header (ID, site) (did you mean 'ID'?)");
  });

  it('reports an unclosed quote with its line', () => {
    const { diagnostics } = parseParticipants('p.csv', 'id,site\nP1,"a\n', 'id');
    expect(diagnostics[0]).toMatchObject({ severity: 'error', line: 2 });
  });
});

describe('file names', () => {
  const match = compileNamePattern('{participant}_{wave}', ['pre', '4-month', 'post']);
  it('finds participant and wave, preferring known waves', () => {
    expect(match('transcripts/MS07_4-month')).toEqual({ participant: 'MS07', wave: '4-month' });
    expect(match('transcripts/MS_07_post')).toEqual({ participant: 'MS_07', wave: 'post' });
    expect(match('transcripts/MS07_psot')).toEqual({ participant: 'MS07', wave: 'psot' });
    expect(match('transcripts/MS07')).toBeNull();
  });
  it('matches folder patterns', () => {
    const m = compileNamePattern('{wave}/{participant}', ['w1', 'w2']);
    expect(m('transcripts/w2/P1')).toEqual({ wave: 'w2', participant: 'P1' });
  });
});

describe('encodings', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  it('accepts UTF-8 with and without BOM', () => {
    expect(decodeText(bytes('héllo'), 'a')).toEqual({ ok: true, text: 'héllo', bom: false });
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('hé')]), 'a')).toEqual({ ok: true, text: 'hé', bom: true });
  });
  it('locates the first Latin-1 byte and says how to convert', () => {
    const r = decodeText(new Uint8Array([...bytes('line one\nTr'), 0xe8, ...bytes('s bien\n')]), 't.txt');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.diagnostic).toMatchObject({ line: 2, column: 3 });
      expect(r.diagnostic.hint).toContain('iconv -f WINDOWS-1252 -t UTF-8');
    }
  });
  it('recognises UTF-16', () => {
    const r = decodeText(new Uint8Array([0xff, 0xfe, 0x41, 0]), 't.txt');
    expect(!r.ok && r.diagnostic.message).toBe('file is encoded as UTF-16LE, not UTF-8');
  });
});

describe('text helpers', () => {
  it('suggests close names only', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(didYouMean('defintion', ['definition', 'include'])).toBe('definition');
    expect(didYouMean('colour', ['color'])).toBe('color');
    expect(didYouMean('zzz', ['definition'])).toBeUndefined();
  });
  it('counts words, not punctuation', () => {
    expect(countWords("I don't know — maybe... 4-month F2-01")).toBe(6);
    expect(countWords('  \n ')).toBe(0);
    expect(countWords('« Très bien », dit-elle.')).toBe(3);
  });
  it('sorts ids naturally', () => {
    expect(['P10', 'P2', 'P1', 'MS07', 'MS10'].sort(naturalCompare)).toEqual(['MS07', 'MS10', 'P1', 'P2', 'P10']);
  });
});
