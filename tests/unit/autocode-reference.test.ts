import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { autocode, compilePattern, tokenize, type Stem } from '../../src/core/coding/autocode.js';
import { combineCodebooks, parseCodebookFile } from '../../src/core/codebook/parse.js';
import type { Codebook } from '../../src/core/codebook/types.js';
import { checkPatterns } from '../../src/core/coding/patterns.js';
import type { Document } from '../../src/core/study/types.js';
import { loadStemmer } from '../../src/io/stemmer.js';
import { read } from '../helpers/study.js';

/**
 * The straightforward reading of the codebook's rules, segment by segment: tokenize the segment's
 * text, stem every word, and a code matches when one of its keywords' stems occurs as a run of
 * consecutive stems, or one of its patterns matches the text, and the speaker is one it allows.
 * Auto-coding's one-pass scanner (words read in place, flags per distinct word, literal prefilters)
 * must give exactly these codings, in this order.
 */
function reference(documents: readonly Document[], codebook: Codebook, stem: Stem): string[] {
  const out: string[] = [];
  for (const doc of documents) {
    for (const s of doc.segments) {
      const stems = tokenize(s.text).map(stem);
      for (const code of codebook.codes) {
        if (code.speakers !== 'any' && code.speakers !== s.role) continue;
        const keyword = code.keywords.some((k) => {
          const ks = tokenize(k).map(stem);
          if (ks.length === 0) return false;
          for (let t = 0; t + ks.length <= stems.length; t++) if (ks.every((x, j) => stems[t + j] === x)) return true;
          return false;
        });
        if (keyword || code.patterns.some((p) => compilePattern(p).test(s.text))) out.push(`${doc.participant}/${doc.wave}:${s.startLine}-${s.endLine}:${code.id}`);
      }
    }
  }
  return out;
}

const codebookYaml = `title: c
codes:
  - id: care
    label: Care
    keywords: [break, respite care, "l'hôpital"]
  - id: lego
    label: Lego
    patterns: ['\\blegos?\\b', '\\b(café|tea) time\\b']
  - id: emoji
    label: Emoji
    keywords: [🎉 party]
    patterns: ['smile\\w*']
  - id: asks
    label: Asks
    keywords: [break, why]
    speakers: interviewer
  - id: anyone
    label: Anyone
    keywords: [Σοφία, naïve]
    patterns: ['\\d\\d:\\d\\d']
    speakers: any
`;

describe('auto-coding agrees with the per-segment reference', () => {
  it('on random transcripts (accents, emoji, CRLF, odd labels, timestamps, capital sigma, İ)', async () => {
    const codebook = combineCodebooks([parseCodebookFile('c.yaml', codebookYaml)]).codebook;
    expect(codebook.codes.map((c) => c.id)).toEqual(['care', 'lego', 'emoji', 'asks', 'anyone']);
    const stem = (await loadStemmer('en'))!;
    const checked = await checkPatterns(codebook);
    expect(checked.diagnostics).toEqual([]);
    // Patterns with necessary literals are prefiltered by them; the time pattern has none (it runs behind the combined filter).
    expect([...checked.literals.keys()].sort()).toEqual(['\\b(café|tea) time\\b', '\\blegos?\\b', 'smile\\w*'].sort());
    // Keywords and pattern words in other cases and forms, accents (composed and not), emoji, Greek with capital sigma, İ, dashes.
    const words = "break Break BREAKS breaking respite care cares l'hôpital l’hôpital hôpital lego LEGOS legoland café CAFÉ tea time smiles Smiling".split(' ');
    const others = '🎉 party 🎉party why Why? Σοφία ΣΟΦΊΑ naïve nai\u0308ve İstanbul 12:30 the a — … x'.split(' ');
    const word = fc.constantFrom(...words, ...others);
    const sentence = fc.array(fc.tuple(word, fc.constantFrom(' ', '  ', ', ', ' - ', '')), { minLength: 0, maxLength: 8 }).map((ws) => ws.map(([w, sep]) => w + sep).join(''));
    const label = fc.constantFrom('I: ', 'P1: ', 'Interviewer: ', 'P1 : ', 'Moderator: ', '[00:01:02] P1: ', '**I:** ', '', '', 'the thing is: ');
    const line = fc.tuple(label, sentence).map(([l, s]) => l + s);
    const eol = fc.constantFrom('\n', '\r\n', '\n\n', '\r\n\r\n');
    const body = fc.array(fc.tuple(line, eol), { minLength: 1, maxLength: 12 }).map((ls) => ls.map(([l, e]) => l + e).join(''));
    fc.assert(
      fc.property(body, body, (a, b) => {
        const docs = [read('P1_pre.txt', a), read('P2_post.txt', b)].map((r) => r.document).filter((d): d is Document => d !== undefined);
        const expected = reference(docs, codebook, stem);
        for (const literals of [checked.literals, new Map<string, string[]>()]) {
          const got = autocode({ documents: docs, codebook }, stem, 'auto', new Map(), literals).codings.map((c) => `${c.participant}/${c.wave}:${c.startLine}-${c.endLine}:${c.code}`);
          expect(got).toEqual(expected);
        }
      }),
      { numRuns: 200 },
    );
  });
});
