/**
 * Centers and scales the columns of a column-major n x p matrix to mean 0 and (1/n) sum x^2 = 1 (glmnet's
 * standardize = TRUE). Constant columns keep scale 0 and become all zero (they can never enter a model).
 */
export interface Standardized {
  /** n x p column-major, standardized copy. */
  x: Float64Array;
  n: number;
  p: number;
  mean: Float64Array;
  /** sqrt((1/n) sum (x - mean)^2); 0 for a constant column. */
  scale: Float64Array;
}

export function standardizeColumns(x: Float64Array, n: number, p: number): Standardized {
  const out = new Float64Array(n * p);
  const mean = new Float64Array(p);
  const scale = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const o = j * n;
    let s = 0;
    for (let i = 0; i < n; i++) s += x[o + i];
    const m = s / n;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const d = x[o + i] - m;
      ss += d * d;
    }
    const sd = Math.sqrt(ss / n);
    mean[j] = m;
    // Relative tolerance: a column whose spread is rounding noise is treated as constant.
    const tiny = 1e-12 * Math.max(1, Math.abs(m));
    scale[j] = sd > tiny ? sd : 0;
    if (scale[j] > 0) {
      const inv = 1 / sd;
      for (let i = 0; i < n; i++) out[o + i] = (x[o + i] - m) * inv;
    }
  }
  return { x: out, n, p, mean, scale };
}
