/**
 * Small statistics the cohort simulator uses to scale its planted effects and report their t values: mean and
 * SD, standardizing, rounding to decimals, the unique variance fraction of a product over its parents, and the
 * OLS t of a last column.
 */
import { solveLinear } from '../math/linalg';

/** Mean and sample SD (n - 1). */
export function meanSd(x: Float64Array): [number, number] {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  const m = s / x.length;
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i] - m) * (x[i] - m);
  return [m, Math.sqrt(ss / (x.length - 1))];
}

/** (x - mean) / sd, a new array; all zeros when the SD is 0. */
export function standardize(x: Float64Array): Float64Array {
  const [m, sd] = meanSd(x);
  const out = new Float64Array(x.length);
  const inv = sd > 0 ? 1 / sd : 0;
  for (let i = 0; i < x.length; i++) out[i] = (x[i] - m) * inv;
  return out;
}

/** x rounded to `digits` decimals. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** 1 - R^2 of x regressed on [1, parents]: the share of x's variance its parents do not explain. */
export function uniqueFraction(x: Float64Array, parents: Float64Array[]): number {
  const cols = [new Float64Array(x.length).fill(1), ...parents];
  const q = cols.length;
  const xtx = new Float64Array(q * q);
  const xty = new Float64Array(q);
  for (let a = 0; a < q; a++) {
    for (let b = 0; b < q; b++) {
      let acc = 0;
      for (let i = 0; i < x.length; i++) acc += cols[a][i] * cols[b][i];
      xtx[a * q + b] = acc;
    }
    let acc = 0;
    for (let i = 0; i < x.length; i++) acc += cols[a][i] * x[i];
    xty[a] = acc;
  }
  const coef = solveLinear(xtx, q, xty);
  const sd = meanSd(x)[1];
  if (!coef || !(sd > 0)) return 1;
  let rss = 0;
  for (let i = 0; i < x.length; i++) {
    let fit = 0;
    for (let a = 0; a < q; a++) fit += coef[a] * cols[a][i];
    rss += (x[i] - fit) ** 2;
  }
  return Math.max(1e-3, rss / x.length / (sd * sd));
}

/** t of the last column in OLS of y on [1, columns...] (normal equations, tiny p). */
export function olsLastT(y: Float64Array, cols: Float64Array[]): number {
  const n = y.length;
  const p = cols.length + 1;
  const X = (i: number, k: number) => (k === 0 ? 1 : cols[k - 1][i]);
  const A = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) {
      const xa = X(i, a);
      b[a] += xa * y[i];
      for (let c = 0; c <= a; c++) A[a * p + c] += xa * X(i, c);
    }
  }
  for (let a = 0; a < p; a++) for (let c = 0; c < a; c++) A[c * p + a] = A[a * p + c];
  // Gauss-Jordan inverse
  const inv = new Float64Array(p * p);
  for (let a = 0; a < p; a++) inv[a * p + a] = 1;
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(A[r * p + c]) > Math.abs(A[piv * p + c])) piv = r;
    for (let k = 0; k < p; k++) {
      [A[c * p + k], A[piv * p + k]] = [A[piv * p + k], A[c * p + k]];
      [inv[c * p + k], inv[piv * p + k]] = [inv[piv * p + k], inv[c * p + k]];
    }
    const d = A[c * p + c];
    for (let k = 0; k < p; k++) {
      A[c * p + k] /= d;
      inv[c * p + k] /= d;
    }
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = A[r * p + c];
      if (f === 0) continue;
      for (let k = 0; k < p; k++) {
        A[r * p + k] -= f * A[c * p + k];
        inv[r * p + k] -= f * inv[c * p + k];
      }
    }
  }
  const beta = new Float64Array(p);
  for (let a = 0; a < p; a++) for (let c = 0; c < p; c++) beta[a] += inv[a * p + c] * b[c];
  let rss = 0;
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let a = 0; a < p; a++) f += beta[a] * X(i, a);
    rss += (y[i] - f) ** 2;
  }
  const s2 = rss / (n - p);
  return beta[p - 1] / Math.sqrt(s2 * inv[(p - 1) * p + (p - 1)]);
}
