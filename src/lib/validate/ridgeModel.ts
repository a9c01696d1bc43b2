/**
 * Ridge models for the predictive comparison, on a standardized feature matrix without intercept column
 * (n x p, row-major): linear (least squares, intercept unpenalized), logistic (penalized IRLS, intercept
 * unpenalized) and Cox (penalized Newton, Breslow). The penalty is glmnet's scale: the objective is
 * -loglik / n + (lambda / 2) ||b||^2 (for linear, RSS / (2 n) + ...), i.e. a per-coefficient penalty n * lambda.
 * `score` returns the linear predictor, which is what AUC, C-index and R^2 are computed on.
 */
import { cholesky, choleskySolve } from '../math/linalg';
import { fitLogistic } from './logisticRegression';
import { fitCox } from './coxRegression';
import { weightedCrossprod } from './weightedCrossprod';
import type { OutcomeKind } from './Outcome';

export interface RidgeModel {
  kind: OutcomeKind;
  intercept: number;
  beta: Float64Array;
}

export interface RidgeTargets {
  y?: Float64Array;
  time?: Float64Array;
  event?: Float64Array;
}

export function fitRidge(
  kind: OutcomeKind,
  X: Float64Array,
  n: number,
  p: number,
  t: RidgeTargets,
  lambda: number,
  warm?: RidgeModel,
): RidgeModel {
  switch (kind) {
    case 'quantitative':
      return fitRidgePath(kind, X, n, p, t, [lambda])[0];
    case 'binary': {
      const q = p + 1;
      const D = withIntercept(X, n, p);
      const pen = new Float64Array(q).fill(n * lambda);
      pen[0] = 0;
      let start: Float64Array | undefined;
      if (warm) {
        start = new Float64Array(q);
        start[0] = warm.intercept;
        start.set(warm.beta, 1);
      }
      const f = fitLogistic(D, t.y as Float64Array, n, q, { penalty: pen, start, noSe: true, epsilon: 1e-8 });
      return { kind, intercept: f.beta[0], beta: f.beta.slice(1) };
    }
    case 'survival': {
      const pen = new Float64Array(p).fill(n * lambda);
      const f = fitCox(X, t.time as Float64Array, t.event as Float64Array, n, p, {
        penalty: pen,
        start: warm ? warm.beta : undefined,
        noSe: true,
        epsilon: 1e-9,
      });
      return { kind, intercept: 0, beta: f.beta };
    }
    default:
      throw new Error(`unknown outcome kind: ${String(kind)}`);
  }
}

/**
 * Fits along a lambda grid (in the given order; pass it descending so each fit warm-starts from a more
 * penalized one). Linear ridge forms X'X once for the whole grid.
 */
export function fitRidgePath(
  kind: OutcomeKind,
  X: Float64Array,
  n: number,
  p: number,
  t: RidgeTargets,
  lambdas: readonly number[],
): RidgeModel[] {
  if (kind !== 'quantitative') {
    const models: RidgeModel[] = [];
    let warm: RidgeModel | undefined;
    for (const lam of lambdas) {
      warm = fitRidge(kind, X, n, p, t, lam, warm);
      models.push(warm);
    }
    return models;
  }
  // Centered here (inner-fold rows are not exactly centered by the outer standardization), so the intercept
  // stays unpenalized.
  const y = t.y as Float64Array;
  const { Xc, yc, mx, my } = centered(X, n, p, y);
  const { xtwx, xtwz } = weightedCrossprod(Xc, n, p, null, yc);
  return lambdas.map((lam) => {
    const A = Float64Array.from(xtwx);
    for (let a = 0; a < p; a++) A[a * p + a] += n * lam;
    const L = cholesky(A, p);
    const beta = L ? choleskySolve(L, p, xtwz) : new Float64Array(p);
    let intercept = my;
    for (let a = 0; a < p; a++) intercept -= mx[a] * beta[a];
    return { kind, intercept, beta };
  });
}

function centered(X: Float64Array, n: number, p: number, y: Float64Array) {
  let my = 0;
  for (let i = 0; i < n; i++) my += y[i];
  my /= n;
  const mx = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) mx[a] += X[i * p + a];
  for (let a = 0; a < p; a++) mx[a] /= n;
  const Xc = new Float64Array(n * p);
  const yc = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    yc[i] = y[i] - my;
    for (let a = 0; a < p; a++) Xc[i * p + a] = X[i * p + a] - mx[a];
  }
  return { Xc, yc, mx, my };
}

export function ridgeScore(m: RidgeModel, X: Float64Array, n: number, p: number): Float64Array {
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = m.intercept;
    for (let a = 0; a < p; a++) v += X[i * p + a] * m.beta[a];
    s[i] = v;
  }
  return s;
}

function withIntercept(X: Float64Array, n: number, p: number): Float64Array {
  const q = p + 1;
  const D = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    D[i * q] = 1;
    for (let a = 0; a < p; a++) D[i * q + 1 + a] = X[i * p + a];
  }
  return D;
}
