import fc from 'fast-check';
import { splitFrontMatter } from '../../src/core/transcript/front-matter.js';
import type { speakerClassifier } from '../../src/core/transcript/labels.js';
import type { BodyOptions } from '../../src/core/transcript/parse-text.js';
import { SEGMENT_MODES, UNLABELLED_ROLES } from '../../src/core/transcript/types.js';

/** The parser's choices a property test of a transcript parser tries (fields for fc.record). */
export const bodyChoices = {
  markdown: fc.boolean(),
  inlineHeaders: fc.boolean(),
  mode: fc.constantFrom(...SEGMENT_MODES),
  unlabelled: fc.constantFrom(...UNLABELLED_ROLES),
  unlabelledExplicit: fc.boolean(),
  known: fc.boolean(),
};

export interface BodyChoice {
  markdown: boolean;
  inlineHeaders: boolean;
  mode: (typeof SEGMENT_MODES)[number];
  unlabelled: (typeof UNLABELLED_ROLES)[number];
  unlabelledExplicit: boolean;
  known: boolean;
  /** Whether the parser is given the text as its source (for the segments' text). */
  source?: boolean;
}

/** The options readDocument gives the body parser of `text` (the body starts after any front matter) for these choices. */
export function bodyOptionsOf(text: string, o: BodyChoice, classify: ReturnType<typeof speakerClassifier>): BodyOptions {
  const { split } = splitFrontMatter(text, 't.txt');
  const opts: BodyOptions = {
    file: 't.txt',
    documentId: 'MS07/pre',
    start: split.yaml !== null ? split.bodyStart : 0,
    firstLine: split.yaml !== null ? split.bodyLine : 1,
    classify,
    isUnknown: (label) => classify.info(label).rule === 'unknown',
    markdown: o.markdown,
    inlineHeaders: o.inlineHeaders,
    mode: o.mode,
    unlabelled: o.unlabelled,
    unlabelledExplicit: o.unlabelledExplicit,
  };
  if (o.known) opts.isKnown = classify.known;
  if (o.source) opts.source = () => text;
  return opts;
}
