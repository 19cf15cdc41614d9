import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseConfig } from '../../src/core/study/config.js';
import { readDocument, type ReadResult } from '../../src/core/study/documents.js';
import { compileNamePattern } from '../../src/core/study/naming.js';
import type { StudyConfig } from '../../src/core/study/types.js';
import type { TranscriptFormat } from '../../src/core/transcript/types.js';

/**
 * A small study written to a temporary folder: two waves, the given participants, a codebook with
 * one theme `t` and codes `t.a`, `t.b`, and the given transcripts and codings files.
 */
export function writeStudy(files: Record<string, string>, opts: { participants?: string[] } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'qualwave-study-'));
  const participants = opts.participants ?? ['P1', 'P2', 'P3'];
  const base: Record<string, string> = {
    'qualwave.yaml': [
      'title: Test study',
      'waves:',
      '  - id: w1',
      '    label: first',
      '  - id: w2',
      '    label: second',
      'participants:',
      '  file: participants.csv',
      '  id: id',
      'transcripts:',
      '  paths: ["transcripts/*.txt"]',
      '  name: "{participant}_{wave}"',
      'codebooks:',
      '  - codebooks/c.yaml',
      'speakers:',
      '  interviewers: [I]',
      '  participants: []',
      '',
    ].join('\n'),
    'participants.csv': ['id,group', ...participants.map((p, i) => `${p},${i % 2 ? 'b' : 'a'}`), ''].join('\n'),
    'codebooks/c.yaml': ['title: Test codes', 'codes:', '  - id: t', '    label: Theme', '    children:', '      - id: t.a', '        label: A', '      - id: t.b', '        label: B', ''].join('\n'),
  };
  for (const [rel, text] of Object.entries({ ...base, ...files })) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** A transcript with n participant paragraphs, each answering one interviewer question: participant lines are 3, 7, 11, ... */
export function transcript(participant: string, n: number, text: (i: number) => string = (i) => `Answer ${i + 1}, some words here.`): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`I: Question ${i + 1}?`, '', `${participant}: ${text(i)}`, '');
  return out.join('\n');
}

/** The line of participant paragraph i (0-based) in `transcript`. */
export const answerLine = (i: number): number => 3 + 4 * i;

/** A codings file from rows [participant, wave, lines, code]. */
export function codingsTsv(rows: Array<[string, string, string | number, string]>): string {
  return ['participant\twave\tlines\tcode\texemplar\tmemo\thash', ...rows.map((r) => `${r[0]}\t${r[1]}\t${r[2]}\t${r[3]}\t\t\t`), ''].join('\n');
}

// In memory: a configuration and one transcript read as the loader reads it.

/** A study configuration from qualwave.yaml text (waves pre and post unless given); throws on errors. */
export function config(extra = '', waves = 'waves:\n  - id: pre\n  - id: post\n'): StudyConfig {
  const { config, diagnostics } = parseConfig('qualwave.yaml', `title: T\n${waves}${extra}`);
  if (!config) throw new Error(diagnostics.map((d) => `${d.line}: ${d.message}`).join('\n'));
  return config;
}

/** Read one transcript in memory as the loader does: its name through the study's pattern. */
export function read(file: string, text: string, cfg: StudyConfig = config(), ids: readonly string[] = ['MS07', 'MS08', 'admin-1', 'P1', 'P2']): ReadResult {
  const format = ({ txt: 'text', md: 'markdown', vtt: 'vtt', srt: 'srt', json: 'json', docx: 'docx' } as Record<string, TranscriptFormat>)[file.slice(file.lastIndexOf('.') + 1)]!;
  const name = compileNamePattern(
    cfg.transcripts.names,
    cfg.waves.map((w) => w.id),
  )(file.slice(0, file.lastIndexOf('.')));
  return readDocument({ file, text, format, name }, cfg, ids);
}

/** Segments as [speaker, role, startLine, endLine, text] rows. */
export function rows(r: ReadResult): Array<[string | null, string, number, number, string]> {
  return r.document!.segments.map((s) => [s.speaker, s.role, s.startLine, s.endLine, s.text]);
}
