/**
 * Penalized linear regression path on raw columns, the way glmnet does it with standardize = TRUE and an
 * intercept: columns are centered and scaled to (1/n) variance 1, y is centered, the path is fitted on that
 * scale and the coefficients are returned on the original scale with the intercept.
 */
import { coordinateDescentPath, type PathOptions, type PathResult } from './coordinateDescentPath';
import { standardizeColumns, type Standardized } from './standardizeColumns';

export interface RawPath {
  path: PathResult;
  std: Standardized;
  yMean: number;
  /** nFit x p coefficients on the original column scale. */
  coef: Float64Array;
  /** nFit intercepts. */
  intercept: Float64Array;
}

export function fitPenalizedPath(x: Float64Array, y: ArrayLike<number>, n: number, p: number, opts: PathOptions): RawPath {
  const std = standardizeColumns(x, n, p);
  let ym = 0;
  for (let i = 0; i < n; i++) ym += y[i];
  ym /= n;
  const yc = new Float64Array(n);
  for (let i = 0; i < n; i++) yc[i] = y[i] - ym;
  const path = coordinateDescentPath(std.x, yc, n, p, opts);
  const coef = new Float64Array(path.nFit * p);
  const intercept = new Float64Array(path.nFit);
  for (let l = 0; l < path.nFit; l++) {
    let b0 = ym;
    for (let j = 0; j < p; j++) {
      const s = std.scale[j];
      const c = s > 0 ? path.betas[l * p + j] / s : 0;
      coef[l * p + j] = c;
      b0 -= c * std.mean[j];
    }
    intercept[l] = b0;
  }
  return { path, std, yMean: ym, coef, intercept };
}
