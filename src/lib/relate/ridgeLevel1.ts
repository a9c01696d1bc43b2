/**
 * REGENIE level 1 for a quantitative response (regenie src/Step1_Models.cpp, set_mem / ridge_level_1): a
 * K-fold cross-validated ridge of the response on its level-0 predictors (no intercept: the response is a
 * covariate residual). Same folds as level 0; per fold one eigendecomposition of the training X'X serves the
 * whole tau grid; tau is chosen by the out-of-fold mean squared error summed over folds. The fold models
 * (beta_k at the chosen tau) are kept: sample i of fold k is predicted by beta_k, as regenie does for its
 * LOCO predictions.
 */
import { addCrossProduct, addCrossY, foldSystem, gatherRows } from './ridgeLevel0';

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
 * x: level-0 predictors, column-major n x P (Float32); y: scaled residual response (0 where missing);
 * membersObs: per fold, the observed samples of the response in that fold.
 */
export function ridgeLevel1(
  x: Float32Array, n: number, P: number, y: Float64Array, membersObs: Int32Array[], taus: readonly number[],
): Level1Fit {
  const K = membersObs.length;
  const T = taus.length;
  const xk: Float64Array[] = [];
  const yk: Float64Array[] = [];
  const xtx = membersObs.map(() => new Float64Array(P * P));
  const xty = membersObs.map(() => new Float64Array(P));
  const tx = new Float64Array(P * P);
  const ty = new Float64Array(P);
  let sst = 0;
  let nObs = 0;
  for (let k = 0; k < K; k++) {
    const rows = membersObs[k];
    xk.push(gatherRows(x, n, P, rows));
    yk.push(gatherRows(y, n, 1, rows));
    addCrossProduct(xk[k], rows.length, P, xtx[k]);
    addCrossY(xk[k], rows.length, P, yk[k], 1, xty[k]);
    for (let i = 0; i < P * P; i++) tx[i] += xtx[k][i];
    for (let i = 0; i < P; i++) ty[i] += xty[k][i];
    for (let t = 0; t < rows.length; t++) sst += yk[k][t] * yk[k][t];
    nObs += rows.length;
  }
  const sse = new Float64Array(T);
  const systems = [];
  for (let k = 0; k < K; k++) {
    const rows = membersObs[k];
    const nk = rows.length;
    const s = foldSystem(xk[k], nk, P, 1, tx, xtx[k], ty, xty[k]);
    systems.push(s);
    const pred = new Float64Array(nk);
    for (let q = 0; q < T; q++) {
      pred.fill(0);
      for (let j = 0; j < P; j++) {
        const c = s.b[j] / (s.d[j] + taus[q]);
        const ow = j * nk;
        for (let t = 0; t < nk; t++) pred[t] += s.w[ow + t] * c;
      }
      for (let t = 0; t < nk; t++) sse[q] += (yk[k][t] - pred[t]) ** 2;
    }
  }
  let best = 0;
  for (let q = 1; q < T; q++) if (sse[q] < sse[best]) best = q;
  const tau = taus[best];
  const beta = systems.map((s) => {
    const b = new Float64Array(P);
    for (let j = 0; j < P; j++) {
      const c = s.b[j] / (s.d[j] + tau);
      for (let i = 0; i < P; i++) b[i] += s.v[i * P + j] * c;
    }
    return b;
  });
  const mse = sse.map((v) => v / Math.max(1, nObs));
  return { tau, tauIndex: best, r2: sst > 0 ? 1 - sse[best] / sst : 0, mse, beta };
}
