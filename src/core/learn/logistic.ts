/**
 * L2-regularised logistic regression on sparse rows, fitted by L-BFGS: written out here (a few
 * dozen lines) rather than taken from a machine-learning library, so that what the suggestions
 * come from can be read, tested against a hand computation, and runs the same on every machine.
 * No randomness: the fit starts at zero and every sum runs in row order, so the same data give
 * the same weights to the last bit.
 *
 * The objective, with z_i = w·x_i + b, y_i ∈ {0, 1} and row weights v_i:
 *
 *     F(w, b) = (λ/2)·|w|² + Σ_i v_i·[log(1 + e^{z_i}) − y_i·z_i]
 *
 * (the bias b is not penalised). Rows with no feature at all all have z = b: they are given as
 * two counts (`emptyPositive`, `emptyNegative`) instead of rows, which is what keeps training on
 * a study of hundreds of thousands of segments cheap (model.ts).
 */

/** Row i's entries are idx[ptr[i]..ptr[i+1]) (feature numbers below `dim`) with values val[...]. */
export interface SparseRows {
  n: number;
  dim: number;
  ptr: Int32Array;
  idx: Int32Array;
  val: Float32Array | Float64Array;
}

export interface LogisticProblem {
  rows: SparseRows;
  /** 1 (the code applies) or 0, per row. */
  y: Uint8Array;
  /** Weight of each row (default 1). */
  weight?: Float64Array;
  /** Total weight of the positive and the negative rows that have no feature (their score is the bias). */
  emptyPositive: number;
  emptyNegative: number;
  /** The L2 penalty λ on the weights. */
  lambda: number;
}

export interface LogisticFit {
  /** One weight per feature. */
  w: Float64Array;
  bias: number;
  iterations: number;
  /** The gradient fell below the tolerance (or the objective stopped decreasing). */
  converged: boolean;
  objective: number;
}

/** log(1 + e^z), without overflow. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** 1 / (1 + e^-z), without overflow. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * F at x = (w, b) (x has dim + 1 entries, the bias last), and its gradient written into `grad`.
 * `z` is scratch space of n entries.
 */
export function objective(p: LogisticProblem, x: Float64Array, grad: Float64Array, z = new Float64Array(p.rows.n)): number {
  const f = value(p, x, z);
  gradient(p, x, z, grad);
  return f;
}

/**
 * F at x, leaving in `r` each row's residual v_i·(σ(z_i) − y_i), from which `gradient` makes the
 * gradient: the line search needs the gradient only at the step it takes, not at the ones it
 * rejects. Split or together, the same sums in the same order: the same numbers to the bit.
 */
function value(p: LogisticProblem, x: Float64Array, r: Float64Array): number {
  const { n, dim, ptr, idx, val } = p.rows;
  const b = x[dim]!;
  let f = 0;
  for (let j = 0; j < dim; j++) f += 0.5 * p.lambda * x[j]! * x[j]!;
  for (let i = 0; i < n; i++) {
    let s = b;
    for (let k = ptr[i]!; k < ptr[i + 1]!; k++) s += x[idx[k]!]! * val[k]!;
    const v = p.weight ? p.weight[i]! : 1;
    const y = p.y[i]!;
    // softplus(s) and sigmoid(s) from one exponential: e = e^-|s|.
    const e = Math.exp(-Math.abs(s));
    f += v * ((s > 0 ? s : 0) + Math.log1p(e) - y * s);
    r[i] = v * ((s >= 0 ? 1 / (1 + e) : e / (1 + e)) - y);
  }
  // The rows without features: z = b for all of them.
  if (p.emptyPositive > 0) f += p.emptyPositive * softplus(-b);
  if (p.emptyNegative > 0) f += p.emptyNegative * softplus(b);
  return f;
}

/** The gradient of F at x, from the residuals `value` left at the same x. */
function gradient(p: LogisticProblem, x: Float64Array, r: Float64Array, grad: Float64Array): void {
  const { n, dim, ptr, idx, val } = p.rows;
  const b = x[dim]!;
  for (let j = 0; j < dim; j++) grad[j] = p.lambda * x[j]!;
  let gb = 0;
  for (let i = 0; i < n; i++) {
    const ri = r[i]!;
    gb += ri;
    for (let k = ptr[i]!; k < ptr[i + 1]!; k++) grad[idx[k]!]! += ri * val[k]!;
  }
  if (p.emptyPositive > 0) gb += p.emptyPositive * (sigmoid(b) - 1);
  if (p.emptyNegative > 0) gb += p.emptyNegative * sigmoid(b);
  grad[dim] = gb;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Minimise F by L-BFGS (Nocedal & Wright 2006, algorithm 7.4: the two-loop recursion, 10 pairs)
 * with a backtracking line search (Armijo condition, c1 = 1e-4), from w = 0, b = 0. Stops when
 * the gradient's norm is below `tolerance` times its norm at the start, when F no longer
 * decreases (relative change below 1e-12), or after `maxIterations`.
 */
export function fitLogistic(p: LogisticProblem, opts: { maxIterations?: number; tolerance?: number; memory?: number } = {}): LogisticFit {
  const maxIterations = opts.maxIterations ?? 200;
  const tolerance = opts.tolerance ?? 1e-5;
  const m = opts.memory ?? 10;
  const d = p.rows.dim + 1;
  const z = new Float64Array(p.rows.n);
  let x = new Float64Array(d);
  let g = new Float64Array(d);
  let f = objective(p, x, g, z);
  const g0 = Math.sqrt(dot(g, g));
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(d);
  const alpha = new Float64Array(m);
  const sNew = new Float64Array(d);
  const yNew = new Float64Array(d);
  let xn = new Float64Array(d);
  let gn = new Float64Array(d);
  let iterations = 0;
  let converged = g0 === 0;
  while (!converged && iterations < maxIterations) {
    // Direction: −H·g by the two-loop recursion (H: the inverse Hessian approximation).
    for (let i = 0; i < d; i++) dir[i] = -g[i]!;
    for (let k = S.length - 1; k >= 0; k--) {
      const a = rho[k]! * dot(S[k]!, dir);
      alpha[k] = a;
      const y = Y[k]!;
      for (let i = 0; i < d; i++) dir[i]! -= a * y[i]!;
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!);
      for (let i = 0; i < d; i++) dir[i]! *= gamma;
    }
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k]! * dot(Y[k]!, dir);
      const s = S[k]!;
      const a = alpha[k]!;
      for (let i = 0; i < d; i++) dir[i]! += (a - beta) * s[i]!;
    }
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction (rounding): steepest descent, and forget the history.
      for (let i = 0; i < d; i++) dir[i] = -g[i]!;
      slope = -dot(g, g);
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
    }
    let step = S.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(g, g))) : 1;
    let fn = Infinity;
    for (let tries = 0; tries < 50; tries++) {
      for (let i = 0; i < d; i++) xn[i] = x[i]! + step * dir[i]!;
      fn = value(p, xn, z);
      if (fn <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    iterations++;
    if (!(fn < f)) {
      // No decrease along the direction: as close as rounding allows.
      converged = true;
      break;
    }
    gradient(p, xn, z, gn);
    for (let i = 0; i < d; i++) {
      sNew[i] = xn[i]! - x[i]!;
      yNew[i] = gn[i]! - g[i]!;
    }
    const sy = dot(sNew, yNew);
    if (sy > 1e-12) {
      // Kept in the arrays of the pair forgotten, once the history is full (no new arrays).
      let s: Float64Array;
      let y: Float64Array;
      if (S.length === m) {
        s = S.shift()!;
        y = Y.shift()!;
        rho.shift();
      } else {
        s = new Float64Array(d);
        y = new Float64Array(d);
      }
      s.set(sNew);
      y.set(yNew);
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const decrease = f - fn;
    [x, xn] = [xn, x];
    [g, gn] = [gn, g];
    f = fn;
    if (Math.sqrt(dot(g, g)) <= tolerance * g0 || decrease <= 1e-12 * Math.max(1, Math.abs(f))) converged = true;
  }
  return { w: x.slice(0, d - 1), bias: x[d - 1]!, iterations, converged, objective: f };
}
