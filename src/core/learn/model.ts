import type { Code } from '../codebook/types.js';
import { allows, countOf, inverseFrequencies, longestRow, onePlusLogOfCounts, tfidf, trainingColumns, trainingScales, type ColumnRoom, type Corpus } from './features.js';
import { fitLogistic, type SparseRows } from './logistic.js';
import { sortScores } from './sort.js';

/**
 * One model per code, learned from a coder's codings: which segments they applied the code to
 * (positives) and which they did not (negatives), as TF-IDF vectors of the segments' stems.
 *
 * 1. Features: the stems that are more frequent in the code's positive segments than in its
 *    negative ones, the `features` with the largest chi-square statistic (Yang & Pedersen 1997:
 *    chi-square selection loses nothing against using every word in text classification). A
 *    code's model thus knows a few hundred stems, not the study's whole vocabulary, and a segment
 *    that holds none of them gets the model's base rate: that is what keeps training and
 *    suggesting on 3,000 transcripts and 200 codes to about a minute (npm run bench).
 * 2. Weights: L2-regularised logistic regression (logistic.ts) on those features.
 * 3. Decision: the score (the model's probability) above which the code is suggested: by default
 *    the one that maximised F1 when the model was trained again within the training transcripts
 *    with a third of the participants held out, three times (each participant held out once).
 *
 * Codes with fewer than `minExamples` positive segments get no model ("too few examples").
 * Everything is deterministic: no random numbers, sums in row order, ties broken by number.
 */
export interface LearnSettings {
  /** Positive segments a code needs for a model. */
  minExamples: number;
  /** Stems kept per code (chi-square). */
  features: number;
  /** L2 penalty λ of the logistic regression. */
  lambda: number;
  /** Class weights: `balanced` gives the positives and the negatives the same total weight. */
  classWeight: 'none' | 'balanced';
  /** The decision threshold on the probability, or `cv`: chosen by inner cross-validation (F1). */
  threshold: number | 'cv';
  /** Folds of the inner cross-validation that chooses the threshold. */
  innerFolds: number;
  /** The stems of the interviewer's question before a segment are features of the segment too (`?stem`). */
  context: boolean;
  /** L-BFGS iterations of the inner fits, which only place the threshold. */
  innerIterations: number;
  /** Negative rows holding a kept stem beyond which an even sample of them is fitted (each weighing for those left out). */
  maxNegatives: number;
  /** L-BFGS: at most this many iterations, stopping once the gradient's norm falls below `tolerance` times its first. */
  maxIterations: number;
  tolerance: number;
}

/**
 * The defaults, chosen on the example study (fixtures/buddy-study, README "Suggestions"): pooled
 * kappa against alice over 5 participant folds 0.43 with neither the question's words nor
 * balanced class weights, 0.51 balanced, 0.56 with the question, 0.60 with both; λ 0.1 to 1 made
 * no difference beyond ±0.01 there, λ = 3 halved it. A small study: measure yours with --evaluate.
 */
export const DEFAULT_SETTINGS: LearnSettings = { minExamples: 10, features: 500, lambda: 1, classWeight: 'balanced', threshold: 'cv', innerFolds: 3, context: true, maxIterations: 50, tolerance: 1e-3, maxNegatives: 2000, innerIterations: 20 };

export interface CodeModel {
  /** Index of the code in the codes trained. */
  code: number;
  /** Positive and eligible (negative + positive) training segments. */
  positives: number;
  eligible: number;
  /** Absent: too few examples. */
  fit?: {
    /** Term numbers (corpus.terms) and their weights. */
    terms: Int32Array;
    weights: Float64Array;
    bias: number;
    /** Suggest when the score (log-odds) is at least this: ln(t / (1 − t)) for the threshold t. */
    cut: number;
    iterations: number;
    converged: boolean;
  };
}

export interface Models {
  codes: readonly Code[];
  idf: Float64Array;
  perCode: CodeModel[];
  /** By term: the models that weigh it (codes' indices and weights), for scoring a row in one pass. */
  termPtr: Int32Array;
  termCode: Int32Array;
  termWeight: Float64Array;
}

/**
 * What a coder decided: for each code, the corpus rows (ascending) of the segments they applied
 * it to.
 */
export type Positives = readonly Int32Array[];

/** The training rows' participant of each row, for the inner cross-validation (grouped by participant). */
export type GroupOf = (row: number) => number;

const logit = (p: number): number => Math.log(p / (1 - p));

/**
 * Train every code's model on the training rows (ascending corpus rows). `group` assigns each row
 * to a participant (numbers from 0), for the inner cross-validation of the threshold.
 */
/** Bytes the held-out scores of the inner cross-validation may take at once (innerCuts). */
export const SCORES_BUDGET = 64 * 1024 * 1024;

export function trainModels(corpus: Corpus, codes: readonly Code[], positives: Positives, train: Int32Array, group: GroupOf, settings: LearnSettings = DEFAULT_SETTINGS, scoresBudget = SCORES_BUDGET): Models {
  const idf = inverseFrequencies(corpus, train);
  const fixed = settings.threshold === 'cv' ? 0.5 : settings.threshold;
  // The fits made here one after the other (the model's, then the inner cross-validation's) share
  // one set of scratch arrays; they are let go before the inner models score.
  const scratch = new FitScratch(corpus);
  const perCode = fitAll(corpus, codes, positives, train, idf, settings, logit(fixed), scratch);
  if (settings.threshold === 'cv') {
    const cuts = innerCuts(corpus, codes, positives, train, group, settings, perCode, scoresBudget, scratch);
    for (const m of perCode) if (m.fit) m.fit.cut = cuts[m.code]!;
  }
  scratch.release();
  return index(codes, idf, perCode, corpus.terms.length);
}

/**
 * The arrays a fit (fitAll) works in, reused by the fits that follow it instead of each fit making
 * its own (at 3,000 transcripts about 60 MB a fit: the columns, the scales, the local row numbers,
 * the frequent stems' bitsets, which the next fit's came on top of until collected). Each fit
 * starts them afresh (filled, or every value written before it is read): a fit's numbers are the
 * same with a new scratch or a used one.
 */
export class FitScratch {
  local: Int32Array;
  private readonly rows: number;
  scale = new Float64Array(0);
  columns: ColumnRoom;
  /** Bitsets of the frequent stems (as many as a fit took so far), each of the longest fit's words. */
  dense: Uint32Array[] = [];
  y = new Uint8Array(0);
  touched = new Uint32Array(0);
  readonly a: Int32Array;
  readonly localFeature: Int32Array;
  readonly candidates: Int32Array;
  readonly chis: Float64Array;
  selected = new Int32Array(1024);
  entries = new Int32Array(1024);
  values = new Float64Array(1024);
  constructor(corpus: Corpus) {
    const T = corpus.terms.length;
    this.rows = corpus.rowDoc.length;
    this.local = new Int32Array(this.rows);
    this.columns = { ptr: new Int32Array(T + 1), fill: new Int32Array(T), idx: new Int32Array(0) };
    this.a = new Int32Array(T);
    this.localFeature = new Int32Array(T);
    this.candidates = new Int32Array(T);
    this.chis = new Float64Array(T);
  }
  /** Arrays for a fit on n training rows (words: n / 32 rounded up). */
  start(n: number, words: number): void {
    if (this.local.length !== this.rows) this.local = new Int32Array(this.rows);
    this.local.fill(-1);
    if (this.scale.length < n) this.scale = new Float64Array(n);
    if (this.y.length < n) this.y = new Uint8Array(n);
    else this.y.fill(0, 0, n);
    if (this.touched.length < words) this.touched = new Uint32Array(words);
    this.a.fill(0);
    this.localFeature.fill(-1);
  }
  /** The j-th frequent stem's bitset of this fit (words long, all 0). */
  denseBits(j: number, words: number): Uint32Array {
    let b = this.dense[j];
    if (!b || b.length < words) this.dense[j] = b = new Uint32Array(words);
    return b.subarray(0, words).fill(0);
  }
  /** Let the large arrays go (the scratch is not used again). */
  release(): void {
    this.local = new Int32Array(0);
    this.scale = new Float64Array(0);
    this.columns.idx = new Int32Array(0);
    this.dense = [];
    this.y = new Uint8Array(0);
    this.touched = new Uint32Array(0);
    this.selected = this.entries = new Int32Array(0);
    this.values = new Float64Array(0);
  }
}

/** Every code's model on these training rows, the decision cut given (`cut`), working in `scratch` (exported for tests). */
export function fitAll(corpus: Corpus, codes: readonly Code[], positives: Positives, train: Int32Array, idf: Float64Array, settings: LearnSettings, cut: number, scratch: FitScratch = new FitScratch(corpus)): CodeModel[] {
  // What scales each training row's TF-IDF values (row i's terms are corpus.term[corpus.ptr[train[i]] ..],
  // a value made when a fit takes the row); which training rows hold each stem some code keeps (below).
  const n = train.length;
  // Sets of training rows as bitsets (bit i of word i >>> 5): which rows hold a code's kept stems.
  const words = (n + 31) >>> 5;
  scratch.start(n, words);
  const scale = trainingScales(corpus, idf, train, scratch.scale);
  const lg = onePlusLogOfCounts();
  let Xc: { ptr: Int32Array; idx: Int32Array };
  const { ptr: cp, term: ct } = corpus;
  const T = corpus.terms.length;
  // Local row of each corpus row in the training rows (-1: not a training row).
  const local = scratch.local;
  for (let i = 0; i < n; i++) local[train[i]!] = i;
  // Which training rows each speakers rule allows (also as a bitset), and the document frequencies among them.
  const classes = new Map<string, { eligible: Uint8Array; bits: Uint32Array; count: number; df: Int32Array }>();
  const classOf = (code: Code) => {
    let c = classes.get(code.speakers);
    if (!c) {
      const eligible = new Uint8Array(n);
      const bits = new Uint32Array(words);
      const df = new Int32Array(T);
      let count = 0;
      for (let i = 0; i < n; i++) {
        if (!allows(code.speakers, corpus.rowRole[train[i]!]!)) continue;
        eligible[i] = 1;
        bits[i >>> 5]! |= 1 << (i & 31);
        count++;
        for (let k = cp[train[i]!]!; k < cp[train[i]! + 1]!; k++) df[ct[k]!]!++;
      }
      c = { eligible, bits, count, df };
      classes.set(code.speakers, c);
    }
    return c;
  };
  // The rows of a frequent stem (in more than 2 of every 32 rows) as a bitset, made once for all codes:
  // or-ing it costs n / 32 words, walking its column more than twice that.
  const dense: Array<Uint32Array | undefined> = [];
  let denseCount = 0;
  const denseOf = (t: number): Uint32Array => {
    let b = dense[t];
    if (!b) {
      b = scratch.denseBits(denseCount++, words);
      for (let k = Xc.ptr[t]!; k < Xc.ptr[t + 1]!; k++) {
        const i = Xc.idx[k]!;
        b[i >>> 5]! |= 1 << (i & 31);
      }
      dense[t] = b;
    }
    return b;
  };
  const y = scratch.y;
  const { a, localFeature, candidates, chis } = scratch;
  const touched = scratch.touched.subarray(0, words);
  let { selected, entries, values } = scratch;
  const out: CodeModel[] = [];
  // First each code's positive rows and the stems it keeps (chi-square: no column needed), then the
  // columns of the stems some code keeps (about half of the entries at 3,000 transcripts), then each
  // code's fit: the same numbers as taking the codes one by one through all three.
  const chosen: Array<{ pos: number[]; P: number; N: number; kept?: Int32Array }> = [];
  const keptByAny = new Uint8Array(T);
  for (let ci = 0; ci < codes.length; ci++) {
    const cls = classOf(codes[ci]!);
    const pos: number[] = [];
    for (const r of positives[ci]!) {
      const i = local[r]!;
      if (i >= 0 && cls.eligible[i]) pos.push(i);
    }
    const P = pos.length;
    const N = cls.count;
    if (P < settings.minExamples || P === N) {
      chosen.push({ pos, P, N });
      continue;
    }
    // Candidate stems: those in some positive segment; a[t]: positive segments holding t.
    let m = 0;
    for (const i of pos)
      for (let k = cp[train[i]!]!; k < cp[train[i]! + 1]!; k++) {
        const t = ct[k]!;
        if (a[t]!++ === 0) candidates[m++] = t;
      }
    let scored = 0;
    for (let q = 0; q < m; q++) {
      const t = candidates[q]!;
      const at = a[t]!;
      const bt = cls.df[t]! - at;
      a[t] = 0;
      // More frequent among the positives than among the negatives.
      if (at * (N - P) <= bt * P) continue;
      const c = P - at;
      const d = N - P - bt;
      candidates[scored] = t;
      chis[scored++] = (N * (at * d - bt * c) ** 2) / ((at + bt) * (c + d) * (at + c) * (bt + d));
    }
    const kept = topStems(candidates.subarray(0, scored), chis.subarray(0, scored), settings.features);
    for (const t of kept) keptByAny[t] = 1;
    chosen.push({ pos, P, N, kept });
  }
  Xc = trainingColumns(corpus, train, keptByAny, scratch.columns);
  for (let ci = 0; ci < codes.length; ci++) {
    const cls = classOf(codes[ci]!);
    const { pos, P, N, kept } = chosen[ci]!;
    if (!kept) {
      out.push({ code: ci, positives: P, eligible: N });
      continue;
    }
    for (const i of pos) y[i] = 1;
    kept.forEach((t, j) => (localFeature[t] = j));
    // The eligible rows holding a kept stem, as a bitset; the others only count.
    touched.fill(0);
    for (const t of kept) {
      if (Xc.ptr[t + 1]! - Xc.ptr[t]! > 2 * words) {
        const b = denseOf(t);
        for (let w = 0; w < words; w++) touched[w]! |= b[w]!;
      } else
        for (let k = Xc.ptr[t]!; k < Xc.ptr[t + 1]!; k++) {
          const i = Xc.idx[k]!;
          touched[i >>> 5]! |= 1 << (i & 31);
        }
    }
    let all = 0;
    if (N < n) for (let w = 0; w < words; w++) touched[w]! &= cls.bits[w]!;
    for (let w = 0; w < words; w++) all += popcount(touched[w]!);
    let posTouched = 0;
    for (const i of pos) if (touched[i >>> 5]! & (1 << (i & 31))) posTouched++;
    const touchedNeg = all - posTouched;
    // Past `maxNegatives` touched negative rows, an even sample of them (every k-th in row order,
    // no randomness), each weighing for the ones left out: the cost of a fit is bounded by the
    // positives, not by the size of the study. The negative numbered s (from 0, in row order) is
    // kept when the running quota floor((s + 1) · max / total) passes the number kept so far; the
    // quota only grows, so a word of the bitset whose negatives cannot pass it is skipped whole.
    const sampling = touchedNeg > settings.maxNegatives;
    const M = settings.maxNegatives;
    const negScale = sampling ? touchedNeg / M : 1;
    const size = posTouched + (sampling ? M : touchedNeg);
    if (selected.length < size) scratch.selected = selected = new Int32Array(size * 2);
    let nSel = 0;
    let seen = 0;
    let taken = 0;
    for (let w = 0; w < words; w++) {
      let bits = touched[w]!;
      if (bits === 0) continue;
      if (sampling) {
        let neg = 0;
        for (let b = bits; b !== 0; b &= b - 1) if (!y[(w << 5) | (31 - Math.clz32(b & -b))]) neg++;
        if (Math.floor(((seen + neg) * M) / touchedNeg) <= taken) {
          // No negative of this word is kept: only its positives.
          for (; bits !== 0; bits &= bits - 1) {
            const i = (w << 5) | (31 - Math.clz32(bits & -bits));
            if (y[i]) selected[nSel++] = i;
          }
          seen += neg;
          continue;
        }
      }
      for (; bits !== 0; bits &= bits - 1) {
        const i = (w << 5) | (31 - Math.clz32(bits & -bits));
        if (y[i] || !sampling) selected[nSel++] = i;
        else {
          if (Math.floor(((seen + 1) * M) / touchedNeg) > taken) {
            selected[nSel++] = i;
            taken++;
          }
          seen++;
        }
      }
    }
    // Each selected row's kept stems, in term order (= local order: kept is ascending).
    let room = 0;
    for (let r = 0; r < nSel; r++) room += cp[train[selected[r]!]! + 1]! - cp[train[selected[r]!]!]!;
    if (entries.length < room) {
      scratch.entries = entries = new Int32Array(room * 2);
      scratch.values = values = new Float64Array(room * 2);
    }
    const ptr = new Int32Array(nSel + 1);
    const yy = new Uint8Array(nSel);
    let at = 0;
    for (let r = 0; r < nSel; r++) {
      const i = selected[r]!;
      yy[r] = y[i]!;
      for (let k = cp[train[i]!]!; k < cp[train[i]! + 1]!; k++) {
        const j = localFeature[ct[k]!]!;
        if (j >= 0) {
          entries[at] = j;
          // tfidf's value of the entry (as trainingMatrix keeps it: a 32-bit float).
          values[at] = Math.fround(lg[countOf(corpus, k)]! * idf[ct[k]!]! * scale[i]!);
          at++;
        }
      }
      ptr[r + 1] = at;
    }
    for (const t of kept) localFeature[t] = -1;
    for (const i of pos) y[i] = 0;
    // (Views of the scratch arrays: the fit keeps nothing of its rows.)
    const rows: SparseRows = { n: nSel, dim: kept.length, ptr, idx: entries.subarray(0, at), val: values.subarray(0, at) };
    const wPos = settings.classWeight === 'balanced' ? N / (2 * P) : 1;
    const wNeg = settings.classWeight === 'balanced' ? N / (2 * (N - P)) : 1;
    let weight: Float64Array | undefined;
    if (settings.classWeight === 'balanced' || negScale !== 1) {
      weight = new Float64Array(nSel);
      const wn = wNeg * negScale;
      for (let r = 0; r < nSel; r++) weight[r] = yy[r] ? wPos : wn;
    }
    const fit = fitLogistic({ rows, y: yy, ...(weight ? { weight } : {}), emptyPositive: (P - posTouched) * wPos, emptyNegative: (N - P - touchedNeg) * wNeg, lambda: settings.lambda }, { maxIterations: settings.maxIterations, tolerance: settings.tolerance });
    out.push({ code: ci, positives: P, eligible: N, fit: { terms: kept, weights: fit.w, bias: fit.bias, cut, iterations: fit.iterations, converged: fit.converged } });
  }
  return out;
}

/** Bits set in a 32-bit word. */
function popcount(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/**
 * The `k` stems of the largest chi-square, ties broken by the smaller stem number, in ascending
 * stem order: the same stems as sorting every candidate by (chi descending, stem ascending) and
 * taking the first k, without sorting pairs: the k-th largest value is found by a numeric sort of
 * the values alone, and only the stems tied at it are sorted.
 */
export function topStems(stems: Int32Array, chi: Float64Array, k: number): Int32Array {
  if (stems.length <= k) return Int32Array.from(stems).sort();
  const kth = Float64Array.from(chi).sort()[chi.length - k]!;
  const out = new Int32Array(k);
  const ties: number[] = [];
  let n = 0;
  for (let q = 0; q < stems.length; q++) {
    if (chi[q]! > kth) out[n++] = stems[q]!;
    else if (chi[q] === kth) ties.push(stems[q]!);
  }
  ties.sort((u, v) => u - v);
  for (let q = 0; n < k; q++) out[n++] = ties[q]!;
  return out.sort();
}

function index(codes: readonly Code[], idf: Float64Array, perCode: CodeModel[], terms: number): Models {
  const termPtr = new Int32Array(terms + 1);
  for (const m of perCode) if (m.fit) for (const t of m.fit.terms) termPtr[t + 1]!++;
  for (let t = 0; t < terms; t++) termPtr[t + 1]! += termPtr[t]!;
  const fill = termPtr.slice(0, terms);
  const termCode = new Int32Array(termPtr[terms]!);
  const termWeight = new Float64Array(termCode.length);
  for (const m of perCode) {
    if (!m.fit) continue;
    m.fit.terms.forEach((t, j) => {
      const at = fill[t]!++;
      termCode[at] = m.code;
      termWeight[at] = m.fit!.weights[j]!;
    });
  }
  return { codes, idf, perCode, termPtr, termCode, termWeight };
}

/**
 * Score rows: for each row (in the order given), `each(row, z)` with z[c] the log-odds of code c
 * (NaN for a code without a model, or one its speakers rule does not allow on this row). `z` is
 * reused between calls.
 */
export function scoreRows(models: Models, corpus: Corpus, rows: Iterable<number>, each: (row: number, z: Float64Array) => void): void {
  const C = models.codes.length;
  const z = new Float64Array(C);
  const idx = new Int32Array(Math.max(1, longestRow(corpus)));
  const val = new Float64Array(idx.length);
  const base = new Float64Array(C).fill(NaN);
  for (const m of models.perCode) if (m.fit) base[m.code] = m.fit.bias;
  const allowed = allowedByRole(models.codes);
  for (const r of rows) {
    z.set(base);
    const n = tfidf(corpus, models.idf, r, idx, val);
    for (let k = 0; k < n; k++) {
      const t = idx[k]!;
      const x = val[k]!;
      for (let e = models.termPtr[t]!; e < models.termPtr[t + 1]!; e++) z[models.termCode[e]!]! += x * models.termWeight[e]!;
    }
    const role = corpus.rowRole[r]!;
    for (let c = 0; c < C; c++) if (!allowed[role * C + c]) z[c] = NaN;
    each(r, z);
  }
}

/**
 * The decision threshold of each code chosen by inner cross-validation: the training
 * participants split into `innerFolds` groups (participant numbers taken in turn), each group's
 * rows scored by models trained on the others, and the cut that maximises F1 over all those
 * out-of-fold scores. A code whose inner models never found a positive keeps the cut of p = 0.5.
 */
function innerCuts(corpus: Corpus, codes: readonly Code[], positives: Positives, train: Int32Array, group: GroupOf, settings: LearnSettings, outer: CodeModel[], scoresBudget: number, scratch: FitScratch): number[] {
  const groups = [...new Set(Array.from(train, group))].sort((u, v) => u - v);
  const k = Math.min(settings.innerFolds, groups.length);
  const cuts = codes.map(() => 0);
  if (k < 2) return cuts;
  const foldOf = new Map(groups.map((g, i) => [g, i % k]));
  const need = Int32Array.from(outer.filter((m) => m.fit).map((m) => m.code));
  const C = codes.length;
  const allowed = allowedByRole(codes);
  // Each fold's models, trained once (a few hundred weights a code); their training matrices are let go.
  const folds = Array.from({ length: k }, (_, f) => {
    const inner = train.filter((r) => foldOf.get(group(r)) !== f);
    const held = train.filter((r) => foldOf.get(group(r)) === f);
    const idf = inverseFrequencies(corpus, inner);
    const perCode = fitAll(corpus, codes, positives, inner, idf, { ...settings, minExamples: 1, maxIterations: settings.innerIterations }, 0, scratch);
    const bias = new Float64Array(C).fill(NaN);
    for (const m of perCode) if (m.fit) bias[m.code] = m.fit.bias;
    return { held, idf, perCode, bias };
  });
  scratch.release();
  // Every held-out score of a code is kept until its sweep (8 bytes a training row): the codes are
  // scored a group at a time, as many as fit in the budget. A code's scores are the same whichever
  // codes are scored with it (its own sums, in term order).
  const L = Math.max(1, train.length);
  const chunk = Math.max(1, Math.min(need.length, Math.floor(scoresBudget / (8 * L))));
  // The held-out scores of a group's codes, and the sweep's work, in one array made once: a code's
  // scores are at most one a training row (each is held out once), so code q of the group has the
  // L numbers from q * L (its positives from the start up, its stored negatives from the end
  // down), then L for the merged negatives and L for the sort's work. Only what is written takes
  // memory (pages never written are not backed), and the numbers stay in one place instead of
  // lists grown and let go code after code (at 3,000 transcripts that churn left the allocator
  // holding ~100 MB more after each split's scoring than the arrays alive).
  const room = new Float64Array((chunk + 2) * L);
  const all = room.subarray(chunk * L, (chunk + 1) * L);
  const work = room.subarray((chunk + 1) * L);
  for (let first = 0; first < need.length; first += chunk) {
    const part = need.subarray(first, first + chunk);
    const inPart = new Set(part);
    // Held-out scores of each code, split by the coder's decision. A negative scored exactly its
    // fold model's bias (a segment holding none of the model's stems: most of them in a large
    // study) is only counted, and put back before the sweep: the same numbers.
    const nPos = new Int32Array(part.length);
    const nNeg = new Int32Array(part.length);
    const pushPos = (q: number, v: number): void => {
      room[q * L + nPos[q]!++] = v;
    };
    const pushNeg = (q: number, v: number): void => {
      room[(q + 1) * L - 1 - nNeg[q]!++] = v;
    };
    const atBias: Array<Array<[number, number]>> = Array.from(part, () => []);
    for (const { held, idf, perCode, bias } of folds) {
      const models = index(
        codes,
        idf,
        perCode.filter((m) => inPart.has(m.code)),
        corpus.terms.length,
      );
      const biasCount = new Float64Array(part.length);
      // The held rows are ascending: each code's positives (ascending) are walked alongside.
      const at = new Int32Array(C);
      scoreRows(models, corpus, held, (r, z) => {
        const role = corpus.rowRole[r]! * C;
        for (let q = 0; q < part.length; q++) {
          const c = part[q]!;
          const list = positives[c]!;
          let p = at[c]!;
          while (p < list.length && list[p]! < r) p++;
          at[c] = p;
          const v = z[c]!;
          if (Number.isNaN(v)) {
            if (!allowed[role + c]) continue;
            if (p < list.length && list[p] === r) pushPos(q, -Infinity);
            else pushNeg(q, -Infinity);
          } else if (p < list.length && list[p] === r) pushPos(q, v);
          else if (v === bias[c] && (v !== 0 || 1 / v === 1 / bias[c]!)) biasCount[q]!++;
          else pushNeg(q, v);
        }
      });
      for (let q = 0; q < part.length; q++) if (biasCount[q]! > 0) atBias[q]!.push([bias[part[q]!]!, biasCount[q]!]);
    }
    for (let q = 0; q < part.length; q++) {
      // The stored negatives sorted (the same sorted list in whichever order they were stored), and
      // the counted ones merged in as runs (the same sorted list).
      const stored = sortScores(room.subarray((q + 1) * L - nNeg[q]!, (q + 1) * L), work);
      const runs = atBias[q]!.sort((u, v) => u[0] - v[0] || (Object.is(u[0], -0) ? -1 : Object.is(v[0], -0) ? 1 : 0));
      let n = stored.length;
      for (const [, count] of runs) n += count;
      const merged = all.subarray(0, n);
      let from = 0;
      let o = 0;
      for (const [v, count] of runs) {
        // Stored values below v (−0 counts below +0, as the sort has it), then v's run.
        let to = from;
        while (to < stored.length && (stored[to]! < v || (stored[to] === v && Object.is(stored[to], -0) && !Object.is(v, -0)))) to++;
        merged.set(stored.subarray(from, to), o);
        o += to - from;
        from = to;
        merged.fill(v, o, o + count);
        o += count;
      }
      merged.set(stored.subarray(from), o);
      cuts[part[q]!] = bestCutOfSorted(sortScores(room.subarray(q * L, q * L + nPos[q]!), work), merged);
    }
  }
  return cuts;
}

/** allowed[role · codes + c]: may code c be applied to a segment of this role (ROLE_NUMBER)? */
function allowedByRole(codes: readonly Code[]): Uint8Array {
  const out = new Uint8Array(4 * codes.length);
  for (let role = 0; role < 4; role++) for (let c = 0; c < codes.length; c++) out[role * codes.length + c] = allows(codes[c]!.speakers, role) ? 1 : 0;
  return out;
}

/**
 * The cut on the scores that maximises F1 = 2TP / (2TP + FP + FN) for "suggest when score ≥ cut":
 * midway between the score of the last segment suggested and the next one down. Ties between
 * cuts of the same F1: the higher cut (fewer suggestions). No positive at all: the cut of p = 0.5.
 * No cut better than suggesting every segment (the model shows no skill): Infinity, nothing is
 * suggested (a code the text cannot tell is not put on every segment).
 */
export function bestCut(pairs: ReadonlyArray<readonly [number, number]>): number {
  return bestCutOf(Float64Array.from(pairs.filter((x) => x[1] === 1).map((x) => x[0])), Float64Array.from(pairs.filter((x) => x[1] !== 1).map((x) => x[0])));
}

/** bestCut on the scores of the positives and of the negatives (both sorted here, in place). */
export function bestCutOf(pos: Float64Array, neg: Float64Array): number {
  return bestCutOfSorted(sortScores(pos), sortScores(neg));
}

/** bestCutOf on scores already in ascending order. */
function bestCutOfSorted(pos: Float64Array, neg: Float64Array): number {
  const P = pos.length;
  if (P === 0) return 0;
  let i = P - 1;
  let j = neg.length - 1;
  const top = (): number => Math.max(i >= 0 ? pos[i]! : -Infinity, j >= 0 ? neg[j]! : -Infinity);
  let tp = 0;
  let fp = 0;
  let best = 0;
  let cut = 0;
  // Suggesting every segment reaches F1 = 2P / (2P + negatives) with no skill at all: a cut must do better.
  const trivial = (2 * P) / (2 * P + neg.length);
  for (let s = top(); s !== -Infinity; s = top()) {
    while (i >= 0 && pos[i] === s) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === s) {
      fp++;
      j--;
    }
    const f1 = (2 * tp) / (2 * tp + fp + (P - tp));
    if (f1 > best) {
      best = f1;
      const next = top();
      cut = next === -Infinity ? s : (s + next) / 2;
    }
  }
  return best > trivial * (1 + 1e-9) ? cut : Infinity;
}
