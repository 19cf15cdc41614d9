export type SpeakerLimit = 'participant' | 'interviewer' | 'any';

/** An entry of the codebook; top-level codes are themes. */
export interface Code {
  id: string;
  label: string;
  definition?: string;
  include?: string;
  exclude?: string;
  examples: string[];
  keywords: string[];
  patterns: string[];
  /** Line of each pattern in the codebook file (for messages). */
  patternLines?: Array<number | undefined>;
  speakers: SpeakerLimit;
  color?: string;
  /** Wave id from which the code was in use (codebook versions); before it, cells are "not coded for". */
  since?: string;
  /** Id of the code this one anticipates: an expectation voiced early, paired with its later experience. */
  anticipates?: string;
  children: Code[];
  /** Id of the parent code, undefined for a theme. */
  parent?: string;
  /** Id of the theme (top-level ancestor); a theme's own id. */
  theme: string;
  /** Depth: 0 for a theme. */
  depth: number;
  file: string;
  line?: number;
}

export interface CodebookFile {
  file: string;
  title: string;
  description?: string;
}

/** One or more codebook files combined into one tree. */
export interface Codebook {
  files: CodebookFile[];
  /** Themes (top-level codes), in file order. */
  themes: Code[];
  /** Every code, depth-first in file order. */
  codes: Code[];
  byId: Map<string, Code>;
}
