import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { appliedHere, currentSegment, HELP, press, searchCodes, startSession, type Key, type SessionState } from '../../src/core/coding/session.js';
import { renderSession } from '../../src/cli/tui/render.js';
import { loadStudy } from '../../src/io/load-study.js';
import { parseKeys } from '../../src/cli/tui/keys.js';
import { repo } from '../helpers/cli.js';
import { tinyStudy } from '../helpers/inproc.js';

async function session(): Promise<SessionState> {
  const { study } = await loadStudy(join(repo, 'fixtures/buddy-study'));
  const doc = study!.documents.find((d) => d.id === 'MS02/4-month')!;
  return startSession(doc, study!.codebook, 'tester', []);
}

function type(s: SessionState, input: string): { state: SessionState; saves: number } {
  let saves = 0;
  for (const key of parseKeys(input)) {
    const r = press(s, key);
    if (r.changed) saves++;
    s = r.state;
  }
  return { state: s, saves };
}

describe('interactive coding session', () => {
  it('steps through participant speech only, and stops at the ends', async () => {
    const s = await session();
    expect(s.stops.length).toBe(7);
    expect(currentSegment(s)?.startLine).toBe(10);
    const down = type(s, 'jjj').state;
    expect(currentSegment(down)?.startLine).toBe(20);
    const top = type(down, 'kkkkkkk').state;
    expect(top.pos).toBe(0);
    expect(top.message).toBe('first segment');
  });

  it('adds and removes codes by number or search; every change asks for a save; undo restores', async () => {
    const s = await session();
    const a = type(s, '3\r');
    expect(a.saves).toBe(1);
    expect(a.state.codings.map((c) => [c.code, c.startLine, c.endLine, c.coder])).toEqual([['support.respite', 10, 10, 'tester']]);
    const b = type(a.state, '/trust\r');
    expect(appliedHere(b.state).map((c) => c.code)).toEqual(['support.respite', 'relationship.trust']);
    const c = type(b.state, '3\r');
    expect(appliedHere(c.state).map((x) => x.code)).toEqual(['relationship.trust']);
    const d = type(c.state, 'u');
    expect(appliedHere(d.state).map((x) => x.code)).toEqual(['support.respite', 'relationship.trust']);
    expect(d.saves).toBe(1);
  });

  it('marks exemplars and writes memos on an applied code', async () => {
    const s = type(await session(), '3\r/trust\r').state;
    const e = type(s, 'e1\r').state;
    expect(e.codings.find((c) => c.code === 'support.respite')?.exemplar).toBe(true);
    const m = type(e, 'm2 parents trust her\r').state;
    expect(m.codings.find((c) => c.code === 'relationship.trust')?.memo).toBe('parents trust her');
  });

  it('a memo on the only code applied is exactly what was typed: no number slipped in front (the prompt used to be pre-filled with "1 ")', async () => {
    const s = type(await session(), '3\r').state;
    const m = type(s, 'm').state;
    expect(m.prompt).toEqual({ kind: 'memo', input: '' });
    expect(renderSession(m, undefined, { columns: 100, rows: 40 }, new Chalk({ level: 0 }))).toContain(' memo on support.respite (empty removes it): █');
    // A memo starting with a number keeps it.
    expect(type(m, '3 hours a week, her only break\r').state.codings[0]!.memo).toBe('3 hours a week, her only break');
    // Several codes: N first says which, and is not part of the memo; without N, nothing is saved.
    const two = type(s, '/trust\r').state;
    expect(type(two, 'm2 12 visits so far\r').state.codings.find((c) => c.code === 'relationship.trust')?.memo).toBe('12 visits so far');
    const none = type(two, 'mparents\r');
    expect(none.saves).toBe(0);
    expect(none.state.message).toBe('which code? give its place in the applied list (1-2) first');
  });

  it('the ? screen shows keys and descriptions in two aligned columns, long descriptions wrapped under their column', async () => {
    const s = type(await session(), '?').state;
    const screen = renderSession(s, undefined, { columns: 80, rows: 40 }, new Chalk({ level: 0 })).split('\n');
    // The widest keys, "j n → ↓ space" and "/ or a TEXT ⏎", are 13 columns: descriptions start at 2 + 13 + 3 = 18.
    for (const [keys, what] of HELP) {
      const line = screen.find((l) => l.startsWith(`  ${keys} `))!;
      expect(line, keys).toBeDefined();
      expect([...line].slice(18).join(''), keys).toBe(
        what
          .split(' ')
          .slice(0, [...line].slice(18).join('').split(' ').length)
          .join(' '),
      );
    }
    // "f" wraps (its description is longer than 80 - 18 columns): the next line continues at column 18.
    const f = screen.findIndex((l) => l.startsWith('  f '));
    expect(screen[f + 1]!.slice(0, 18).trim()).toBe('');
    expect(screen[f + 1]!.length).toBeGreaterThan(18);
  });

  it('a word longer than the screen is broken across lines, never cut: every character of the segment is on the screen', async () => {
    const dir = tinyStudy();
    const url = `https://example.org/${'very-long-path-segment/'.repeat(4)}index.html`; // 112 characters
    writeFileSync(join(dir, 'transcripts', 'P1_pre.txt'), `I: How was it?\nP: The form was at ${url} and nowhere else.\n`);
    const { study } = await loadStudy(dir);
    const s = startSession(study!.documents.find((d) => d.id === 'P1/pre')!, study!.codebook, 'tester', []);
    // 40 columns (the screen's least) leave 36 for text: the URL needs four lines.
    const screen = renderSession(s, undefined, { columns: 40, rows: 400 }, new Chalk({ level: 0 }));
    const squeezed = screen.replace(/^(▶ | {2})/gm, '').replace(/\s+/g, '');
    expect(squeezed).toContain(`Theformwasat${url}andnowhereelse.`);
  });

  it('jumps to a line, shows a definition and help, and quits', async () => {
    const s = await session();
    const j = type(s, 'g24\r').state;
    expect(currentSegment(j)?.startLine).toBe(24);
    const d = type(j, 'd3\r').state;
    expect(d.panel?.lines[0]).toBe('support.respite: Respite for parents');
    expect(type(d, 'x').state.panel).toBeUndefined();
    expect(type(s, '?').state.panel?.title).toBe('Keys');
    expect(type(s, 'q').state.done).toBe(true);
    expect(press(s, { type: 'quit' } as Key).state.done).toBe(true);
  });

  it('resumes after the last segment the coder coded', async () => {
    const s = type(await session(), 'jj3\r').state;
    const { study } = await loadStudy(join(repo, 'fixtures/buddy-study'));
    const again = startSession(s.doc, study!.codebook, 'tester', s.codings);
    expect(currentSegment(again)?.startLine).toBe(20);
  });

  it('f marks the transcript finished (and f again takes the mark off); the last segment reminds the coder', async () => {
    const s = await session();
    expect(s.finished).toBe(false);
    const end = type(s, 'jjjjjjj').state;
    expect(end.message).toBe('last segment: press f (done) once you have read the whole transcript');
    const f = press(end, { type: 'char', char: 'f' });
    expect(f.finishedChanged).toBe(true);
    expect(f.changed).toBe(false);
    expect(f.state.finished).toBe(true);
    expect(f.state.message).toMatch(/marked finished/);
    expect(type(f.state, 'j').state.message).toBe('last segment');
    const off = press(f.state, { type: 'char', char: 'f' });
    expect(off.state.finished).toBe(false);
    expect(off.finishedChanged).toBe(true);
  });

  it('finds codes by words of id or label', async () => {
    const s = await session();
    expect(searchCodes(s.codes, 'trust')[0]?.id).toBe('relationship.trust');
    expect(searchCodes(s.codes, 'future practice')[0]?.id).toBe('learning.practice');
    expect(searchCodes(s.codes, 'sprsp')[0]?.id).toBe('support.respite');
    expect(searchCodes(s.codes, 'zzz')).toEqual([]);
  });
});
