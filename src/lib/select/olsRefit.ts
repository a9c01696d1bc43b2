/**
 * Unpenalized least-squares refit of a set of columns (column-major n x p, centered), used to score each
 * active set of the path without the shrinkage of the penalty. A tiny ridge (1e-10 n) keeps exactly
 * collinear sets solvable.
 */
import { cholesky, choleskySolve } from '../math/linalg';

export interface OlsFit {
  /** Coefficients, in the order of `cols`. */
  beta: Float64Array;
  /** Residual sum of squares. */
  rss: number;
  /** Residuals y - X_A beta. */
  residual: Float64Array;
}

export function olsRefit(x: Float64Array, y: Float64Array, n: number, cols: ArrayLike<number>): OlsFit {
  const k = cols.length;
  const residual = Float64Array.from(y);
  if (k === 0) {
    let rss = 0;
    for (let i = 0; i < n; i++) rss += y[i] * y[i];
    return { beta: new Float64Array(0), rss, residual };
  }
  const g = new Float64Array(k * k);
  const xy = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    const oa = cols[a] * n;
    let s = 0;
    for (let i = 0; i < n; i++) s += x[oa + i] * y[i];
    xy[a] = s;
    for (let b = 0; b <= a; b++) {
      const ob = cols[b] * n;
      let t = 0;
      for (let i = 0; i < n; i++) t += x[oa + i] * x[ob + i];
      g[a * k + b] = t;
      g[b * k + a] = t;
    }
  }
  let L = cholesky(g, k);
  for (let ridge = 1e-10 * n; !L && ridge < n; ridge *= 100) {
    const gr = Float64Array.from(g);
    for (let a = 0; a < k; a++) gr[a * k + a] += ridge;
    L = cholesky(gr, k);
  }
  if (!L) throw new Error('olsRefit: Gram matrix not positive definite even with a ridge');
  const beta = choleskySolve(L, k, xy);
  for (let a = 0; a < k; a++) {
    const oa = cols[a] * n;
    const ba = beta[a];
    for (let i = 0; i < n; i++) residual[i] -= ba * x[oa + i];
  }
  let rss = 0;
  for (let i = 0; i < n; i++) rss += residual[i] * residual[i];
  return { beta, rss, residual };
}
