/**
 * Cox proportional hazards by Newton-Raphson on the partial likelihood with Breslow's handling of tied
 * event times (R: survival::coxph(..., ties = "breslow")). Covariates are centered internally, as coxph
 * does (coefficients do not change). Step halving when the log partial likelihood falls; convergence when
 * its relative change is below `epsilon` (default 1e-12; coxph uses 1e-9). Standard errors from the inverse
 * information at the final coefficients; Wald z, two-sided normal P and Wald 95% intervals, as
 * summary(coxph). An optional ridge penalty (lambda_j / 2) b_j^2 gives penalized Newton.
 * The design has no intercept column (the baseline hazard absorbs it).
 */
import { cholesky, choleskySolve, invertSpd } from '../math/linalg';
import { normalQuantile, normalTwoSidedP } from '../math/dist';

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
  let S0 = 0;
  const S1 = new Float64Array(q);
  const S2 = wantInfo ? new Float64Array(q * q) : new Float64Array(0);
  const grad = new Float64Array(q);
  const info = new Float64Array(wantInfo ? q * q : 0);
  let loglik = 0;
  let pos = 0;
  while (pos < n) {
    const t = time[order[pos]];
    let end = pos;
    while (end < n && time[order[end]] === t) {
      const i = order[end];
      const r = Math.exp(eta[i] - maxEta);
      S0 += r;
      const off = i * q;
      for (let a = 0; a < q; a++) {
        const xa = X[off + a] * r;
        S1[a] += xa;
        if (wantInfo) for (let b = a; b < q; b++) S2[a * q + b] += xa * X[off + b];
      }
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
        for (let a = 0; a < q; a++) {
          const ma = S1[a] / S0;
          for (let b = a; b < q; b++) info[a * q + b] += d * (S2[a * q + b] / S0 - ma * (S1[b] / S0));
        }
      }
    }
    pos = end;
  }
  if (wantInfo) for (let a = 0; a < q; a++) for (let b = 0; b < a; b++) info[a * q + b] = info[b * q + a];
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
    let nxt = coxPartialLikelihood(X, time, event, n, q, next, order, true);
    let objNext = nxt.loglik - penalty(next);
    for (let h = 0; h < 30 && (!Number.isFinite(objNext) || objNext < obj - 1e-12 * Math.abs(obj)); h++) {
      for (let a = 0; a < q; a++) next[a] = (next[a] + beta[a]) / 2;
      nxt = coxPartialLikelihood(X, time, event, n, q, next, order, true);
      objNext = nxt.loglik - penalty(next);
    }
    const change = Math.abs(objNext - obj) / Math.max(Math.abs(objNext), 1e-300);
    beta = next;
    cur = nxt;
    obj = objNext;
    if (change < eps) {
      converged = true;
      break;
    }
  }
  const nan = () => new Float64Array(q).fill(NaN);
  const se = nan();
  const z = nan();
  const p = nan();
  const lower = nan();
  const upper = nan();
  if (!opts.noSe) {
    const H = Float64Array.from(cur.info);
    if (pen) for (let a = 0; a < q; a++) H[a * q + a] += pen[a];
    const inv = invertSpd(H, q);
    if (inv) {
      const zq = normalQuantile(1 - (1 - (opts.level ?? 0.95)) / 2);
      for (let a = 0; a < q; a++) {
        se[a] = Math.sqrt(inv[a * q + a]);
        z[a] = beta[a] / se[a];
        p[a] = normalTwoSidedP(z[a]);
        lower[a] = beta[a] - zq * se[a];
        upper[a] = beta[a] + zq * se[a];
      }
    }
  }
  return { beta, se, z, p, lower, upper, loglik: cur.loglik, loglik0, iterations: iter, converged, n, events };
}
