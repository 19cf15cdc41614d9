import { describe, expect, it } from 'vitest';
import { combineCodebooks, parseCodebookFile } from '../../src/core/codebook/parse.js';

const good = `title: Buddy program experience
description: Four themes.
codes:
  - id: support
    label: Supporting the family
    definition: Help for the child and the parents.
    include: Practical or emotional help.
    exclude: Feelings of the student (use emotions).
    examples: ["I gave her parents a break."]
    keywords: [respite, break]
    patterns: ['\\btake a break\\b']
    color: "#4477AA"
    children:
      - id: support.respite
        label: Respite for parents
        speakers: any
  - id: emotions
    label: Emotional experience
`;

describe('codebook parsing', () => {
  it('reads the tree with inherited theme ids, depths and lines', () => {
    const r = parseCodebookFile('codebooks/buddy.yaml', good);
    expect(r.diagnostics).toEqual([]);
    expect(r.meta).toEqual({ file: 'codebooks/buddy.yaml', title: 'Buddy program experience', description: 'Four themes.' });
    const [support, emotions] = r.themes;
    expect(support).toMatchObject({ id: 'support', theme: 'support', depth: 0, line: 4, keywords: ['respite', 'break'], speakers: 'participant', color: '#4477AA' });
    expect(support!.children[0]).toMatchObject({ id: 'support.respite', parent: 'support', theme: 'support', depth: 1, line: 14, speakers: 'any' });
    expect(emotions).toMatchObject({ id: 'emotions', examples: [], children: [] });
  });

  it('reports every problem at once with line and column', () => {
    const bad = `title: Codes
codes:
  - id: support
    label: Support
    defintion: Help.
    patterns: ['(unclosed']
    children:
      - id: support.x
        label: "  "
  - id: has space
    label: Bad id
    keywords: 5
    speakers: patient
  - label: No id
`;
    const r = parseCodebookFile('c.yaml', bad);
    expect(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      "5:5 unknown field 'defintion' in a theme 'support' (did you mean 'definition'?)",
      '6:16 invalid regular expression "(unclosed": /(unclosed/iu: Unterminated group',
      "9:16 code 'support.x' has an empty label",
      "10:9 code id 'has space' is not valid",
      "12:15 'keywords' must be a list ('- item' lines or [a, b]), not the number 5",
      "13:15 'speakers' must be one of participant, interviewer, any, not 'patient'",
      "14:5 a theme has no 'id'",
    ]);
  });

  it('reports YAML syntax errors at their position', () => {
    const r = parseCodebookFile('c.yaml', 'title: x\ncodes:\n  - id: a\n   label: b\n');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', file: 'c.yaml', line: 4 });
  });

  it('requires a title and codes', () => {
    const r = parseCodebookFile('c.yaml', 'description: nothing else\n');
    expect(r.diagnostics.map((d) => d.message)).toEqual(["the codebook has no 'title'", "the codebook has no 'codes'"]);
    expect(parseCodebookFile('c.yaml', '').diagnostics[0]!.message).toBe('codebook is empty');
  });

  it('combines files and rejects ids defined twice, naming the first place', () => {
    const a = parseCodebookFile('a.yaml', good);
    const b = parseCodebookFile('b.yaml', 'title: More\ncodes:\n  - id: coping\n    label: Coping\n  - id: support.respite\n    label: Again\n');
    const { codebook, diagnostics } = combineCodebooks([a, b]);
    expect(codebook.themes.map((t) => t.id)).toEqual(['support', 'emotions', 'coping']);
    expect(codebook.codes.map((c) => c.id)).toEqual(['support', 'support.respite', 'emotions', 'coping']);
    expect(codebook.byId.get('coping')?.file).toBe('b.yaml');
    expect(diagnostics.map((d) => `${d.file}:${d.line} ${d.message}`)).toEqual(["b.yaml:5 duplicate code id 'support.respite' (first defined at a.yaml:14)"]);
  });
});
