import { type LineIndex, lineIndexOf } from '../coding/span.js';
import type { Study } from '../study/types.js';
import { WORD_CHAR, type Key } from './key.js';

/**
 * `qualwave pseudonymise --suggest`: the capitalised words and runs of them ("Sofia", "St Mary's
 * Hospital", "Ana de Souza") in the transcripts, for the analyst to review and put in the key. No
 * dictionary and no model: a candidate is a capitalised word that is not an acronym, not at the
 * start of a sentence unless the word is never written in lower case in the study ("Well," starts
 * sentences, "well" is found elsewhere; "Sofia" never is), and not one of a few English words
 * that are always capitalised (I, I'm, months, days). Speaker labels and front-matter values
 * (interviewer: Chloe) that look like names are listed too. It finds candidates, not names: it
 * lists words to look at, and misses names written in lower case.
 *
 * Every speaker's text is read, not only the participant's: a name the interviewer says, or one
 * in a note, identifies as much.
 */
export interface Suggestion {
  /** The candidate as written (spaces collapsed, a possessive 's left out). */
  name: string;
  occurrences: number;
  /** Transcripts it occurs in. */
  transcripts: number;
  first: { file: string; line: number; column: number };
  /** Where it was found: speech roles (participant, interviewer, other, note), label, front matter. */
  where: string[];
}

const TOKEN = /[\p{L}\p{M}\p{N}]+(?:['’\-.][\p{L}\p{M}\p{N}]+)*/gu;
const UPPER_START = /^[\p{Lu}\p{Lt}]/u;
const HAS_LOWER = /\p{Ll}/u;
const CONNECTORS = new Set(['of', 'de', 'da', 'do', 'dos', 'das', 'del', 'della', 'der', 'den', 'van', 'von', 'la', 'le', 'du', 'di', 'ter', 'ten', 'y', 'al', 'el', 'bin', 'ibn']);
const TITLES = new Set(['Mr', 'Mrs', 'Ms', 'Miss', 'Dr', 'Prof', 'Sr', 'St']);
const ALWAYS_CAPITALISED = new Set([
  "I'm",
  "I'd",
  "I've",
  "I'll",
  'I’m',
  'I’d',
  'I’ve',
  'I’ll',
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
  'Mondays',
  'Tuesdays',
  'Wednesdays',
  'Thursdays',
  'Fridays',
  'Saturdays',
  'Sundays',
  "He'll",
  "She'll",
  "It'll",
  "We'll",
  "They'll",
  "You'll",
  "He'd",
  "She'd",
  "We'd",
  "They'd",
  "You'd",
  "We're",
  "They're",
  "You're",
  "We've",
  "They've",
  "You've",
]);
/**
 * English closed-class words (pronouns, determiners, conjunctions, prepositions, question words,
 * interjections) and a few adverbs that start spoken sentences: at a sentence's start they are the
 * word even when a small study never writes them in lower case. Only for studies in English.
 */
const SENTENCE_WORDS_EN = new Set(
  `a about above actually after again against all alright also although always an and another any anyone anything anyway are as at
  because been before being below between both but by can could did do does doing done during each either else even ever every
  everyone everything exactly few fine finally first for from further good great had has have having he hello her here hers herself hi
  him himself his hmm honestly how however i if in into is it its itself just least less like many maybe me might more most mostly much
  must my myself neither never next no nobody none nor not nothing now of off often oh ok okay on once one only or other others
  otherwise our ours ourselves out over own perhaps please probably quite rather really right same second several she should since
  so some someone something sometimes soon still such sure than thank thanks that the their theirs them themselves then there these
  they this those though through thus to too uh um under until up upon us usually very was we well were what whatever when whenever
  where whether which while who whom whose why will with within without would yeah yep yes yet you your yours yourself`.split(/\s+/),
);
const WHERE_ORDER = ['participant', 'interviewer', 'other', 'note', 'label', 'front matter'];
const GENERIC_LABEL = /^(?:speaker|spk|s|unknown|guest)[ _-]?\d*$/i;

interface Token {
  start: number;
  end: number;
  text: string;
}

export function suggestNames(study: Study, opts: { key?: Key } = {}): Suggestion[] {
  const known = new Set<string>();
  for (const p of study.participants) known.add(p.id.toLowerCase());
  for (const l of [...study.config.speakers.interviewers, ...study.config.speakers.participants]) known.add(l.toLowerCase());
  for (const w of study.config.waves) {
    known.add(w.id.toLowerCase());
    known.add(w.label.toLowerCase());
  }
  const keyNames = new Set<string>();
  const pseudonyms: string[] = [];
  for (const e of opts.key?.entries ?? []) {
    keyNames.add(e.name);
    keyNames.add(e.name.toUpperCase());
    pseudonyms.push(e.pseudonym, e.pseudonym.toUpperCase());
  }
  const excluded = (name: string): boolean => known.has(name.toLowerCase()) || keyNames.has(name) || keyNames.has(name.normalize('NFC')) || pseudonyms.some((p) => holdsWords(p, name));

  const english = study.config.language === 'en' || study.config.language.startsWith('en-');
  // Words written in lower case somewhere in the study: capitalised at a sentence's start, they are
  // most likely the word, not a name.
  const lower = new Set<string>();
  for (const doc of study.documents) {
    const text = doc.segmentList.sourceTextValue;
    for (const m of text.matchAll(TOKEN)) if (!UPPER_START.test(m[0])) lower.add(m[0].toLowerCase());
  }
  if (english) for (const w of SENTENCE_WORDS_EN) lower.add(w);

  const found = new Map<string, { occurrences: number; files: Set<string>; first: Suggestion['first']; order: number; where: Set<string> }>();
  let order = 0;
  const add = (name: string, file: string, index: LineIndex, offset: number, where: string): void => {
    if (excluded(name)) return;
    let f = found.get(name);
    if (!f) {
      const p = index.position(offset) ?? { line: 1, column: 1 };
      found.set(name, (f = { occurrences: 0, files: new Set(), first: { file, line: p.line, column: p.column }, order: order++, where: new Set() }));
    }
    f.occurrences++;
    f.files.add(file);
    f.where.add(where);
  };

  for (const doc of study.documents) {
    const index = lineIndexOf(doc);
    const text = index.text;
    const list = doc.segmentList;
    for (let i = 0; i < list.length; i++) {
      const start = list.startOffset(i);
      const end = list.endOffset(i);
      const role = list.role(i);
      for (const run of candidates(text, start, end, lower)) add(run.text, doc.file, index, run.start, role);
    }
    // Labels that look like names ("Chloe:", "Sarah Jones  0:03"), once per turn.
    const turns = new Map<string, Set<number>>();
    for (let i = 0; i < list.length; i++) {
      const label = list.speaker(i);
      if (label === null || list.participant(i) !== undefined) continue;
      const seen = turns.get(label) ?? turns.set(label, new Set()).get(label)!;
      if (seen.has(list.turn(i))) continue;
      seen.add(list.turn(i));
      if (!looksLikeName(label) || GENERIC_LABEL.test(label)) continue;
      const line = list.startLine(i);
      const col = index.line(line).indexOf(label);
      add(label.replace(/[\t\p{Zs}]+/gu, ' '), doc.file, index, index.starts[line - 1]! + Math.max(0, col), 'label');
    }
    // Front matter: interviewer and other values that look like names.
    const values: Array<[string, unknown]> = [['interviewer', doc.interviewer], ...Object.entries(doc.attributes)];
    for (const [k, v] of values) {
      if (typeof v !== 'string') continue;
      const line = doc.frontMatterLines?.[k];
      if (line === undefined) continue;
      const at = index.starts[line - 1]! + Math.max(0, index.line(line).indexOf(v));
      for (const run of candidates(v, 0, v.length, new Set())) add(run.text, doc.file, index, at + run.start, 'front matter');
    }
  }

  return [...found].map(([name, f]) => ({ name, occurrences: f.occurrences, transcripts: f.files.size, first: f.first, where: WHERE_ORDER.filter((w) => f.where.has(w)) })).sort((a, b) => b.occurrences - a.occurrences || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function looksLikeName(s: string): boolean {
  const words = s.trim().split(/[\t\p{Zs}]+/u);
  return words.length <= 4 && words.every((w) => UPPER_START.test(w) && HAS_LOWER.test(w));
}

/** Runs of capitalised words in text[start, end), those at a sentence's start left out when the word is common. */
function candidates(text: string, start: number, end: number, lower: ReadonlySet<string>): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = start;
  for (let m = TOKEN.exec(text); m && m.index < end; m = TOKEN.exec(text)) {
    let t = m[0];
    if (m.index + t.length > end) t = t.slice(0, end - m.index);
    tokens.push({ start: m.index, end: m.index + t.length, text: t });
  }
  const out: Token[] = [];
  let run: Token[] = [];
  const flush = (): void => {
    // Connectors and titles at the ends of a run are not part of the name.
    while (run.length > 0 && (CONNECTORS.has(run[run.length - 1]!.text) || TITLES.has(run[run.length - 1]!.text))) run.pop();
    while (run.length > 0 && CONNECTORS.has(run[0]!.text)) run.shift();
    if (run.length > 0 && !run.every((t) => TITLES.has(t.text))) {
      const name = text
        .slice(run[0]!.start, run[run.length - 1]!.end)
        .replace(/[\t\p{Zs}]+/gu, ' ')
        .replace(/['’]s$/u, '');
      out.push({ start: run[0]!.start, end: run[run.length - 1]!.end, text: name });
    }
    run = [];
  };
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    const gap = k === 0 ? text.slice(start, t.start) : text.slice(tokens[k - 1]!.end, t.start);
    const joined = run.length > 0 && /^[\t\p{Zs}]$/u.test(gap);
    if (!joined) flush();
    const capital = UPPER_START.test(t.text) && HAS_LOWER.test(t.text) && [...t.text].length >= 2;
    if (capital && !ALWAYS_CAPITALISED.has(t.text)) {
      if (run.length === 0 && sentenceStart(text, start, t.start) && (lower.has(t.text.toLowerCase()) || lower.has(t.text.replace(/['’]s$/u, '').toLowerCase()))) continue;
      run.push(t);
    } else if (run.length > 0 && CONNECTORS.has(t.text) && tokens[k + 1] && UPPER_START.test(tokens[k + 1]!.text)) {
      run.push(t);
    } else flush();
  }
  flush();
  return out;
}

/** Whether a word at `at` starts a sentence: nothing but opening quotes or brackets since the start, or since . ! ? … : ; */
function sentenceStart(text: string, from: number, at: number): boolean {
  for (let i = at - 1; i >= from; i--) {
    const c = text[i]!;
    if (/[\s"“”‘'([*_—–-]/u.test(c)) continue;
    return /[.!?…:;]/u.test(c);
  }
  return true;
}

/** Whether `words` occur in `text` as whole words. */
function holdsWords(text: string, words: string): boolean {
  for (let i = text.indexOf(words); i >= 0; i = text.indexOf(words, i + 1)) {
    const before = text[i - 1] ?? '';
    const after = text[i + words.length] ?? '';
    if (!WORD_CHAR.test(before) && !WORD_CHAR.test(after)) return true;
  }
  return false;
}
