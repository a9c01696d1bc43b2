/**
 * Pathwise coordinate descent (Friedman, Hastie & Tibshirani 2010; Breheny & Huang 2011 for SCAD/MCP) on
 * standardized columns, with warm starts along a decreasing lambda path, the sequential strong rule
 * (Tibshirani et al. 2012) to pick the columns worth cycling over, and a KKT check of every discarded
 * column at each lambda (violators are added and the fit is resumed), so the strong rule never changes the
 * solution.
 *
 * Problem at each lambda: minimize (1/2n) ||y - X b||^2 + sum_j P_lambda(b_j), X column-major n x p with
 * mean-0 columns scaled to (1/n) sum x^2 = 1 (or all-zero columns, which stay at 0), y centered.
 */
import { threshold, zeroBound, type PenaltySpec } from './penalty';
import { throwIfAborted } from '../base/cancel';

export interface PathOptions {
  penalty: PenaltySpec;
  /** Explicit decreasing lambda values; otherwise nLambda values from lambdaMax down to lambdaMax * minRatio. */
  lambdas?: ArrayLike<number>;
  nLambda?: number;
  /** Default as glmnet: 1e-4 when n > p, else 0.01. */
  minRatio?: number;
  /** Stop the path once more than dfMax coefficients are nonzero (the last fit is kept). Default p. */
  dfMax?: number;
  /** Convergence: max_j (change in b_j)^2 < tol * (1/n) ||y||^2. Default 1e-13. */
  tol?: number;
  /** Total coordinate sweeps allowed per lambda. Default 10,000. */
  maxSweeps?: number;
  /** Called after each lambda's fit with its coefficients; returning true ends the path there. */
  stopAfter?: (l: number, beta: Float64Array, df: number) => boolean;
  signal?: AbortSignal;
}

export interface PathResult {
  lambdas: Float64Array;
  /** nFit x p, row l = coefficients (standardized scale) at lambdas[l]. */
  betas: Float64Array;
  nFit: number;
  p: number;
  /** Nonzero coefficients per fit. */
  df: Int32Array;
  /** (1/n) residual sum of squares per fit. */
  mse: Float64Array;
  /** True when the path stopped early at dfMax. */
  stoppedAtDfMax: boolean;
}

/** The smallest lambda at which all coefficients are 0: max_j |x_j^T y| / n / alpha. */
export function lambdaMax(x: Float64Array, y: Float64Array, n: number, p: number, penalty: PenaltySpec): number {
  let m = 0;
  for (let j = 0; j < p; j++) {
    const o = j * n;
    let s = 0;
    for (let i = 0; i < n; i++) s += x[o + i] * y[i];
    m = Math.max(m, Math.abs(s) / n);
  }
  return penalty.kind === 'enet' ? m / penalty.alpha : m;
}

export function lambdaPath(max: number, nLambda: number, minRatio: number): Float64Array {
  const out = new Float64Array(nLambda);
  if (nLambda === 1) {
    out[0] = max;
    return out;
  }
  const step = Math.log(minRatio) / (nLambda - 1);
  for (let l = 0; l < nLambda; l++) out[l] = max * Math.exp(step * l);
  return out;
}

export function coordinateDescentPath(x: Float64Array, y: Float64Array, n: number, p: number, opts: PathOptions): PathResult {
  const pen = opts.penalty;
  const tol = opts.tol ?? 1e-13;
  const maxSweeps = opts.maxSweeps ?? 10_000;
  const dfMax = opts.dfMax ?? p;
  let lambdas: Float64Array;
  if (opts.lambdas) lambdas = Float64Array.from(opts.lambdas);
  else {
    const lmax = lambdaMax(x, y, n, p, pen);
    lambdas = lambdaPath(lmax, opts.nLambda ?? 100, opts.minRatio ?? (n > p ? 1e-4 : 0.01));
  }
  const L = lambdas.length;
  const betas = new Float64Array(L * p);
  const df = new Int32Array(L);
  const mse = new Float64Array(L);

  // Columns that are all zero (constant before standardizing) never enter.
  const usable = new Uint8Array(p);
  for (let j = 0; j < p; j++) {
    const o = j * n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += x[o + i] * x[o + i];
    usable[j] = ss > 0 ? 1 : 0;
  }
  let yy = 0;
  for (let i = 0; i < n; i++) yy += y[i] * y[i];
  const thresh = tol * Math.max(yy / n, 1e-300);

  const b = new Float64Array(p);
  const r = Float64Array.from(y);
  /** |x_j^T r| / n at the previous solution, for the strong rule. */
  const grad = new Float64Array(p);
  const strong = new Uint8Array(p);
  const active = new Uint8Array(p);
  const dot = (j: number): number => {
    const o = j * n;
    let s = 0;
    for (let i = 0; i < n; i++) s += x[o + i] * r[i];
    return s / n;
  };
  for (let j = 0; j < p; j++) grad[j] = usable[j] ? Math.abs(dot(j)) : 0;

  /** One sweep over the columns flagged in `set`; returns the largest squared change. */
  const sweep = (set: Uint8Array, lambda: number): number => {
    let maxDelta = 0;
    for (let j = 0; j < p; j++) {
      if (!set[j]) continue;
      const o = j * n;
      let s = 0;
      for (let i = 0; i < n; i++) s += x[o + i] * r[i];
      const old = b[j];
      const z = s / n + old;
      const nb = threshold(z, lambda, pen);
      if (nb !== old) {
        const d = nb - old;
        for (let i = 0; i < n; i++) r[i] -= d * x[o + i];
        b[j] = nb;
        if (d * d > maxDelta) maxDelta = d * d;
      }
      active[j] = nb !== 0 ? 1 : 0;
    }
    return maxDelta;
  };

  let nFit = 0;
  let stoppedAtDfMax = false;
  let prevLambda = lambdas[0];
  for (let l = 0; l < L; l++) {
    throwIfAborted(opts.signal);
    const lambda = lambdas[l];
    // Sequential strong rule: keep j when |x_j^T r_prev| / n >= 2 lambda - lambda_prev (scaled by alpha for
    // the elastic net); active columns always stay.
    const cut = zeroBound(2 * lambda - prevLambda, pen);
    for (let j = 0; j < p; j++) strong[j] = usable[j] && (active[j] || grad[j] >= cut) ? 1 : 0;
    let sweeps = 0;
    for (;;) {
      // Cycle: full sweep over the strong set, then the active set to convergence, until a full sweep
      // changes nothing.
      for (;;) {
        const d = sweep(strong, lambda);
        sweeps++;
        if (d < thresh || sweeps >= maxSweeps) break;
        for (;;) {
          const da = sweep(active, lambda);
          sweeps++;
          if (da < thresh || sweeps >= maxSweeps) break;
        }
      }
      // KKT check of the columns left out by the strong rule.
      let violations = 0;
      const bound = zeroBound(lambda, pen);
      for (let j = 0; j < p; j++) {
        if (!usable[j]) continue;
        const g = Math.abs(dot(j));
        grad[j] = g;
        if (!strong[j] && g > bound * (1 + 1e-12)) {
          strong[j] = 1;
          violations++;
        }
      }
      if (violations === 0 || sweeps >= maxSweeps) break;
    }
    let nz = 0;
    for (let j = 0; j < p; j++) {
      betas[l * p + j] = b[j];
      if (b[j] !== 0) nz++;
    }
    let rss = 0;
    for (let i = 0; i < n; i++) rss += r[i] * r[i];
    df[l] = nz;
    mse[l] = rss / n;
    nFit = l + 1;
    prevLambda = lambda;
    if (nz > dfMax) {
      stoppedAtDfMax = true;
      break;
    }
    if (opts.stopAfter && opts.stopAfter(l, b, nz)) break;
  }
  return {
    lambdas: lambdas.slice(0, nFit),
    betas: betas.slice(0, nFit * p),
    nFit,
    p,
    df: df.slice(0, nFit),
    mse: mse.slice(0, nFit),
    stoppedAtDfMax,
  };
}
