/**
 * REGENIE level 1 for a quantitative response (regenie src/Step1_Models.cpp, set_mem / ridge_level_1): a
 * K-fold cross-validated ridge of the response on its level-0 predictors (no intercept: the response is a
 * covariate residual). Same folds as level 0 (samples ordered by fold); per fold and tau one Cholesky solve
 * (ridgeLevel0.ts foldRidgeCoefficients); tau is chosen by the out-of-fold mean squared error summed over
 * folds. The fold models (beta_k at the chosen tau) are kept: sample i of fold k is predicted by beta_k, as
 * regenie does for its LOCO predictions.
 */
import { addCross, product, type Column } from '../math/denseKernels';
import { foldGrams } from './ridgeLevel0';
import { foldRidgeCoefficients } from './ridgeLevel0';

export interface Level1Fit {
  tau: number;
  /** Index of tau in the grid. */
  tauIndex: number;
  /** Out-of-fold R^2 = 1 - SSE / sum y^2 over observed samples (y has mean 0 there). */
  r2: number;
  /** Out-of-fold MSE per tau of the grid. */
  mse: Float64Array;
  /** Fold models at the chosen tau: beta[k] has one coefficient per level-0 predictor. */
  beta: Float64Array[];
}

/**
 * x: the P level-0 predictor columns, n rows ordered by fold, 0 on the rows where the response is missing;
 * y: scaled residual response (0 where missing); nObs: its observed count.
 */
export function ridgeLevel1(x: readonly Column[], y: Float64Array, offsets: Int32Array, nObs: number, taus: readonly number[]): Level1Fit {
  const K = offsets.length - 1;
  const P = x.length;
  const T = taus.length;
  const gram = Array.from({ length: K }, () => new Float64Array(P * P));
  const rhs = Array.from({ length: K }, () => new Float64Array(P));
  const gramTotal = new Float64Array(P * P);
  const rhsTotal = new Float64Array(P);
  let sst = 0;
  foldGrams(x, offsets, gram);
  for (let k = 0; k < K; k++) {
    addCross(x, offsets[k], offsets[k + 1] - offsets[k], [y], rhs[k]);
    for (let i = 0; i < P * P; i++) gramTotal[i] += gram[k][i];
    for (let i = 0; i < P; i++) rhsTotal[i] += rhs[k][i];
  }
  for (let i = 0; i < y.length; i++) sst += y[i] * y[i];
  const sse = new Float64Array(T);
  const coefs: Float64Array[] = [];
  const pred = new Float64Array(y.length);
  for (let k = 0; k < K; k++) {
    const coef = foldRidgeCoefficients(gramTotal, gram[k], rhsTotal, rhs[k], P, 1, taus);
    gram[k] = new Float64Array(0);
    coefs.push(coef);
    const from = offsets[k], to = offsets[k + 1];
    for (let q = 0; q < T; q++) {
      product(x, from, to - from, coef.subarray(q * P, (q + 1) * P), [pred]);
      for (let t = from; t < to; t++) sse[q] += (y[t] - pred[t]) ** 2;
    }
  }
  let best = 0;
  for (let q = 1; q < T; q++) if (sse[q] < sse[best]) best = q;
  const mse = sse.map((v) => v / Math.max(1, nObs));
  return {
    tau: taus[best],
    tauIndex: best,
    r2: sst > 0 ? 1 - sse[best] / sst : 0,
    mse,
    beta: coefs.map((c) => c.slice(best * P, (best + 1) * P)),
  };
}
