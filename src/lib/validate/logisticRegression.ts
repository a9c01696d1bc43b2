/**
 * Logistic regression by iteratively reweighted least squares, as R's glm(family = binomial): start from
 * mu = (y + 0.5) / 2, iterate until |dev - dev_old| / (|dev| + 0.1) < epsilon. Default epsilon is 1e-10
 * (R uses 1e-8; the tighter rule costs one iteration and makes coefficients agree with R to ~1e-9).
 * Standard errors from the inverse Fisher information at the final coefficients; Wald z, two-sided normal P
 * and Wald 95% intervals (R's confint.default). An optional ridge penalty (lambda_j / 2) b_j^2 on the
 * log-likelihood turns IRLS into penalized Newton (used by the cross-validated predictive comparison).
 */
import { cholesky, choleskySolve } from '../math/linalg';
import { waldSummary, type WaldSummary } from './waldSummary';
import { weightedCrossprod, linearPredictor } from './weightedCrossprod';

export interface LogisticFit {
  beta: Float64Array;
  se: Float64Array;
  z: Float64Array;
  p: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  deviance: number;
  iterations: number;
  converged: boolean;
  /** Fitted probabilities reached 0 or 1 (separation): estimates are not usable; `converged` is false. */
  separated: boolean;
  n: number;
}

export interface LogisticOptions {
  /** Ridge penalty per coefficient (0 for the intercept). */
  penalty?: Float64Array;
  /** Warm start (coefficients). */
  start?: Float64Array;
  epsilon?: number;
  maxIter?: number;
  level?: number;
  /** Skip standard errors (faster, for prediction). */
  noSe?: boolean;
}

/** A fitted probability this close to 0 or 1 (|eta| > 25) marks separation. */
const SEPARATION_MU = 1e-11;

/** Probabilities are clamped as R's binomial()$linkinv does (to [eps, 1 - eps]). */
const MU_EPS = 2.220446049250313e-16;

function logistic(eta: number): number {
  const mu = 1 / (1 + Math.exp(-eta));
  return Math.min(1 - MU_EPS, Math.max(MU_EPS, mu));
}

function binomialDeviance(y: Float64Array, mu: Float64Array, n: number): number {
  let d = 0;
  for (let i = 0; i < n; i++) d += y[i] === 1 ? -2 * Math.log(mu[i]) : -2 * Math.log(1 - mu[i]);
  return d;
}

export function fitLogistic(
  X: Float64Array,
  y: Float64Array,
  n: number,
  q: number,
  opts: LogisticOptions = {},
): LogisticFit {
  const eps = opts.epsilon ?? 1e-10;
  const maxIter = opts.maxIter ?? 50;
  const pen = opts.penalty;
  for (let i = 0; i < n; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new Error(`fitLogistic: outcome must be 0/1, found ${y[i]} at row ${i + 1}`);
  }
  let beta: Float64Array;
  let eta: Float64Array;
  const mu = new Float64Array(n);
  if (opts.start) {
    beta = Float64Array.from(opts.start);
    eta = linearPredictor(X, n, q, beta);
  } else {
    beta = new Float64Array(q);
    eta = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const m = (y[i] + 0.5) / 2;
      eta[i] = Math.log(m / (1 - m));
    }
  }
  for (let i = 0; i < n; i++) mu[i] = logistic(eta[i]);
  const penalty = (b: Float64Array) => {
    if (!pen) return 0;
    let s = 0;
    for (let a = 0; a < q; a++) s += pen[a] * b[a] * b[a];
    return s;
  };
  let dev = binomialDeviance(y, mu, n) + penalty(beta);
  let converged = false;
  let separated = false;
  let iter = 0;
  const w = new Float64Array(n);
  const z = new Float64Array(n);
  for (iter = 1; iter <= maxIter; iter++) {
    for (let i = 0; i < n; i++) {
      const v = mu[i] * (1 - mu[i]);
      w[i] = v;
      z[i] = eta[i] + (y[i] - mu[i]) / v;
    }
    const { xtwx, xtwz } = weightedCrossprod(X, n, q, w, z);
    if (pen) for (let a = 0; a < q; a++) xtwx[a * q + a] += pen[a];
    const L = cholesky(xtwx, q);
    if (!L) break;
    let next = choleskySolve(L, q, xtwz);
    let etaNext = linearPredictor(X, n, q, next);
    for (let i = 0; i < n; i++) mu[i] = logistic(etaNext[i]);
    let devNext = binomialDeviance(y, mu, n) + penalty(next);
    // step halving when the deviance is not finite or rises (R does the former; the latter guards ridge fits)
    for (let h = 0; h < 30 && (!Number.isFinite(devNext) || devNext > dev + 1e-9 * Math.abs(dev)); h++) {
      for (let a = 0; a < q; a++) next[a] = (next[a] + beta[a]) / 2;
      etaNext = linearPredictor(X, n, q, next);
      for (let i = 0; i < n; i++) mu[i] = logistic(etaNext[i]);
      devNext = binomialDeviance(y, mu, n) + penalty(next);
    }
    const change = Math.abs(devNext - dev) / (Math.abs(devNext) + 0.1);
    beta = next;
    eta = etaNext;
    dev = devNext;
    if (change < eps) {
      converged = true;
      break;
    }
  }
  // complete or quasi-complete separation: IRLS "converges" with fitted probabilities at 0 or 1 (R warns
  // "fitted probabilities numerically 0 or 1 occurred"); the estimates are meaningless, so flag the fit
  if (!pen) {
    for (let i = 0; i < n; i++) {
      if (mu[i] <= SEPARATION_MU || mu[i] >= 1 - SEPARATION_MU) {
        converged = false;
        separated = true;
        break;
      }
    }
  }
  const nan = () => new Float64Array(q).fill(NaN);
  let wald: WaldSummary = { se: nan(), z: nan(), p: nan(), lower: nan(), upper: nan() };
  if (!opts.noSe) {
    for (let i = 0; i < n; i++) w[i] = mu[i] * (1 - mu[i]);
    const { xtwx } = weightedCrossprod(X, n, q, w, null);
    if (pen) for (let a = 0; a < q; a++) xtwx[a * q + a] += pen[a];
    wald = waldSummary(beta, xtwx, q, opts.level ?? 0.95);
  }
  const { se, z: zs, p, lower, upper } = wald;
  return { beta, se, z: zs, p, lower, upper, deviance: dev - penalty(beta), iterations: iter, converged, separated, n };
}
