/**
 * Ordinary least squares (as R's lm) or ridge regression on a row-major n x q design that already holds its
 * intercept column. Reports coefficients, standard errors, t statistics, two-sided P (t distribution with
 * n - q degrees of freedom) and 95% confidence intervals with the t quantile, exactly as summary(lm) and
 * confint(lm) do. With a ridge penalty only the coefficients are meaningful (no SE).
 */
import { cholesky, choleskySolve, invertSpd } from '../math/linalg';
import { tTwoSidedP } from '../math/dist';
import { weightedCrossprod } from './weightedCrossprod';
import { tQuantile } from './tQuantile';

export interface LinearFit {
  beta: Float64Array;
  /** NaN when the fit is penalized or the design is singular. */
  se: Float64Array;
  t: Float64Array;
  p: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  df: number;
  /** Residual standard deviation. */
  sigma: number;
  n: number;
}

export interface LinearOptions {
  /** Ridge penalty per coefficient (lambda_j, 0 for the intercept): minimizes RSS + sum lambda_j b_j^2. */
  penalty?: Float64Array;
  /** Confidence level (default 0.95). */
  level?: number;
}

export function fitLinear(X: Float64Array, y: Float64Array, n: number, q: number, opts: LinearOptions = {}): LinearFit {
  const { xtwx, xtwz } = weightedCrossprod(X, n, q, null, y);
  const pen = opts.penalty;
  if (pen) for (let a = 0; a < q; a++) xtwx[a * q + a] += pen[a];
  const L = cholesky(xtwx, q);
  const nan = () => new Float64Array(q).fill(NaN);
  if (!L) {
    return { beta: nan(), se: nan(), t: nan(), p: nan(), lower: nan(), upper: nan(), df: n - q, sigma: NaN, n };
  }
  const beta = choleskySolve(L, q, xtwz);
  let rss = 0;
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let a = 0; a < q; a++) f += X[i * q + a] * beta[a];
    rss += (y[i] - f) ** 2;
  }
  const df = n - q;
  const sigma = df > 0 ? Math.sqrt(rss / df) : NaN;
  const se = nan();
  const t = nan();
  const p = nan();
  const lower = nan();
  const upper = nan();
  const penalized = pen !== undefined && pen.some((v) => v !== 0);
  if (!penalized && df > 0) {
    const inv = invertSpd(xtwx, q);
    if (inv) {
      const level = opts.level ?? 0.95;
      const tq = tQuantile(1 - (1 - level) / 2, df);
      for (let a = 0; a < q; a++) {
        se[a] = sigma * Math.sqrt(inv[a * q + a]);
        t[a] = beta[a] / se[a];
        p[a] = tTwoSidedP(t[a], df);
        lower[a] = beta[a] - tq * se[a];
        upper[a] = beta[a] + tq * se[a];
      }
    }
  }
  return { beta, se, t, p, lower, upper, df, sigma, n };
}
