/**
 * Cox proportional hazards by Newton-Raphson on the partial likelihood with Breslow's handling of tied
 * event times (R: survival::coxph(..., ties = "breslow")). Covariates are centered internally, as coxph
 * does (coefficients do not change). Step halving when the log partial likelihood falls; convergence when
 * its relative change is below `epsilon` (default 1e-12; coxph uses 1e-9). Standard errors from the inverse
 * information at the final coefficients; Wald z, two-sided normal P and Wald 95% intervals, as
 * summary(coxph). An optional ridge penalty (lambda_j / 2) b_j^2 gives penalized Newton.
 * The design has no intercept column (the baseline hazard absorbs it).
 */
import { cholesky, choleskySolve } from '../math/linalg';
import { waldSummary, type WaldSummary } from './waldSummary';
import { weightedCrossprod } from './weightedCrossprod';

export interface CoxFit {
  beta: Float64Array;
  se: Float64Array;
  z: Float64Array;
  p: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  /** Log partial likelihood at beta (unpenalized). */
  loglik: number;
  /** Log partial likelihood at beta = 0. */
  loglik0: number;
  iterations: number;
  converged: boolean;
  n: number;
  events: number;
}

export interface CoxOptions {
  penalty?: Float64Array;
  start?: Float64Array;
  epsilon?: number;
  maxIter?: number;
  level?: number;
  noSe?: boolean;
}

/** Rows ordered by time, descending, with ties kept together (the order the risk-set sums need). */
export function timeOrderDescending(time: Float64Array, n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => time[b] - time[a]);
  return idx;
}

/**
 * Breslow log partial likelihood with gradient and information (information only when `wantInfo`).
 * X must be centered already; `order` from timeOrderDescending.
 *
 * The information sum_t d_t (S2_t / S0_t - m_t m_t'), m_t = S1_t / S0_t, is computed as two weighted cross
 * products instead of a running q x q S2 per subject: sum_t d_t S2_t / S0_t = X' diag(r_j H_j) X with
 * H_j = sum over event times t <= time_j of d_t / S0_t, and sum_t d_t m_t m_t' = M' diag(d) M. Both go through
 * the four-rows-at-a-time weightedCrossprod (about 3x faster than the running sum for q = 100).
 */
export function coxPartialLikelihood(
  X: Float64Array,
  time: Float64Array,
  event: Float64Array,
  n: number,
  q: number,
  beta: Float64Array,
  order: Int32Array,
  wantInfo: boolean,
): { loglik: number; grad: Float64Array; info: Float64Array } {
  const eta = new Float64Array(n);
  let maxEta = -Infinity;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let a = 0; a < q; a++) s += X[i * q + a] * beta[a];
    eta[i] = s;
    if (s > maxEta) maxEta = s;
  }
  if (!Number.isFinite(maxEta)) maxEta = 0;
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = Math.exp(eta[i] - maxEta);
  let S0 = 0;
  const S1 = new Float64Array(q);
  const grad = new Float64Array(q);
  let loglik = 0;
  // per distinct event time (descending): d, S0 and the mean vector m (rows of M)
  const groupEnd: number[] = [];
  const groupHaz: number[] = [];
  const M: number[] = [];
  const D: number[] = [];
  let pos = 0;
  while (pos < n) {
    const t = time[order[pos]];
    let end = pos;
    while (end < n && time[order[end]] === t) {
      const i = order[end];
      S0 += r[i];
      const off = i * q;
      for (let a = 0; a < q; a++) S1[a] += X[off + a] * r[i];
      end++;
    }
    let d = 0;
    for (let j = pos; j < end; j++) {
      const i = order[j];
      if (event[i] !== 1) continue;
      d++;
      loglik += eta[i] - maxEta;
      const off = i * q;
      for (let a = 0; a < q; a++) grad[a] += X[off + a];
    }
    if (d > 0) {
      loglik -= d * Math.log(S0);
      for (let a = 0; a < q; a++) grad[a] -= (d * S1[a]) / S0;
      if (wantInfo) {
        for (let a = 0; a < q; a++) M.push(S1[a] / S0);
        D.push(d);
      }
    }
    groupEnd.push(end);
    groupHaz.push(d > 0 ? d / S0 : 0);
    pos = end;
  }
  if (!wantInfo) return { loglik, grad, info: new Float64Array(0) };
  // H for subjects of group g = sum of hazard increments of groups g, g+1, ... (times <= this time)
  const w = new Float64Array(n);
  let H = 0;
  for (let g = groupEnd.length - 1; g >= 0; g--) {
    H += groupHaz[g];
    const startPos = g > 0 ? groupEnd[g - 1] : 0;
    for (let j = startPos; j < groupEnd[g]; j++) w[order[j]] = r[order[j]] * H;
  }
  const info = weightedCrossprod(X, n, q, w, null).xtwx;
  const mm = weightedCrossprod(Float64Array.from(M), D.length, q, Float64Array.from(D), null).xtwx;
  for (let a = 0; a < q * q; a++) info[a] -= mm[a];
  return { loglik, grad, info };
}

export function fitCox(
  Xin: Float64Array,
  time: Float64Array,
  event: Float64Array,
  n: number,
  q: number,
  opts: CoxOptions = {},
): CoxFit {
  const eps = opts.epsilon ?? 1e-12;
  const maxIter = opts.maxIter ?? 50;
  const pen = opts.penalty;
  let events = 0;
  for (let i = 0; i < n; i++) {
    if (event[i] !== 0 && event[i] !== 1) throw new Error(`fitCox: event must be 0/1, found ${event[i]} at row ${i + 1}`);
    if (!Number.isFinite(time[i])) throw new Error(`fitCox: time must be finite, found ${time[i]} at row ${i + 1}`);
    events += event[i];
  }
  const X = Float64Array.from(Xin);
  for (let a = 0; a < q; a++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += X[i * q + a];
    m /= n;
    for (let i = 0; i < n; i++) X[i * q + a] -= m;
  }
  const order = timeOrderDescending(time, n);
  const penalty = (b: Float64Array) => {
    if (!pen) return 0;
    let s = 0;
    for (let a = 0; a < q; a++) s += 0.5 * pen[a] * b[a] * b[a];
    return s;
  };
  let beta = opts.start ? Float64Array.from(opts.start) : new Float64Array(q);
  const loglik0 = coxPartialLikelihood(X, time, event, n, q, new Float64Array(q), order, false).loglik;
  let cur = coxPartialLikelihood(X, time, event, n, q, beta, order, true);
  let obj = cur.loglik - penalty(beta);
  let converged = false;
  let iter = 0;
  for (iter = 1; iter <= maxIter; iter++) {
    const H = Float64Array.from(cur.info);
    const g = Float64Array.from(cur.grad);
    if (pen) for (let a = 0; a < q; a++) {
      H[a * q + a] += pen[a];
      g[a] -= pen[a] * beta[a];
    }
    const L = cholesky(H, q);
    if (!L) break;
    const step = choleskySolve(L, q, g);
    let next = new Float64Array(q);
    for (let a = 0; a < q; a++) next[a] = beta[a] + step[a];
    let nxt = coxPartialLikelihood(X, time, event, n, q, next, order, false);
    let objNext = nxt.loglik - penalty(next);
    for (let h = 0; h < 30 && (!Number.isFinite(objNext) || objNext < obj - 1e-12 * Math.abs(obj)); h++) {
      for (let a = 0; a < q; a++) next[a] = (next[a] + beta[a]) / 2;
      nxt = coxPartialLikelihood(X, time, event, n, q, next, order, false);
      objNext = nxt.loglik - penalty(next);
    }
    const change = Math.abs(objNext - obj) / Math.max(Math.abs(objNext), 1e-300);
    beta = next;
    obj = objNext;
    if (change < eps) {
      converged = true;
      // information at the final beta for the standard errors
      if (!opts.noSe) cur = coxPartialLikelihood(X, time, event, n, q, beta, order, true);
      else cur = nxt;
      break;
    }
    cur = coxPartialLikelihood(X, time, event, n, q, beta, order, true);
  }
  const nan = () => new Float64Array(q).fill(NaN);
  let wald: WaldSummary = { se: nan(), z: nan(), p: nan(), lower: nan(), upper: nan() };
  if (!opts.noSe) {
    const H = Float64Array.from(cur.info);
    if (pen) for (let a = 0; a < q; a++) H[a * q + a] += pen[a];
    wald = waldSummary(beta, H, q, opts.level ?? 0.95);
  }
  const { se, z, p, lower, upper } = wald;
  return { beta, se, z, p, lower, upper, loglik: cur.loglik, loglik0, iterations: iter, converged, n, events };
}
