/**
 * HSV-outcome association adjusted for covariates: for every HSV x outcome, on the complete cases (outcome,
 * HSV and every covariate observed), the HSV is scaled to unit SD and fitted with the covariates:
 *   binary        logistic regression (IRLS)          -> OR per SD, Wald 95% CI, Wald P
 *   quantitative  linear regression (OLS)             -> beta per SD, t-based 95% CI, t-test P
 *   survival      Cox proportional hazards (Breslow)  -> HR per SD, Wald 95% CI, Wald P
 * Rows dropped for missing values are counted in `excluded`.
 */
import { fitLogistic } from './logisticRegression';
import { fitLinear } from './linearRegression';
import { fitCox } from './coxRegression';
import { outcomeObserved, outcomeLength, type Outcome } from './Outcome';
import { throwIfAborted } from '../base/cancel';

export type AssocModel = 'logistic' | 'linear' | 'cox';

export interface Matrix {
  names: string[];
  /** n x names.length, row-major, NaN = missing. */
  values: Float64Array;
}

export interface AssocRow {
  hsv: string;
  outcome: string;
  model: AssocModel;
  /** 'OR', 'beta' or 'HR', all per SD of the HSV. */
  effect: 'OR' | 'beta' | 'HR';
  /** Coefficient of the standardized HSV (log OR / beta / log HR) and its SE. */
  beta: number;
  se: number;
  /** OR, beta or HR per SD, with its 95% interval. */
  estimate: number;
  lower: number;
  upper: number;
  p: number;
  n: number;
  /** Cases (binary) or events (survival); NaN for quantitative. */
  cases: number;
  excluded: number;
  converged: boolean;
}

export function modelFor(o: Outcome): AssocModel {
  switch (o.kind) {
    case 'binary':
      return 'logistic';
    case 'quantitative':
      return 'linear';
    case 'survival':
      return 'cox';
    default:
      throw new Error(`unknown outcome kind: ${String((o as Outcome).kind)}`);
  }
}

export function associateOutcomes(
  hsv: Matrix,
  outcomes: Outcome[],
  covariates: Matrix | null,
  opts: { signal?: AbortSignal } = {},
): AssocRow[] {
  const k = hsv.names.length;
  const N = k > 0 ? hsv.values.length / k : 0;
  const c = covariates ? covariates.names.length : 0;
  if (covariates && covariates.values.length !== N * c) {
    throw new Error(`associateOutcomes: covariates have ${covariates.values.length} values, expected ${N} x ${c}`);
  }
  const rows: AssocRow[] = [];
  for (const o of outcomes) {
    if (outcomeLength(o) !== N) throw new Error(`associateOutcomes: outcome ${o.name} has ${outcomeLength(o)} rows, expected ${N}`);
    for (let h = 0; h < k; h++) {
      throwIfAborted(opts.signal);
      rows.push(associateOne(hsv, h, o, covariates, N));
    }
  }
  return rows;
}

function associateOne(hsv: Matrix, h: number, o: Outcome, cov: Matrix | null, N: number): AssocRow {
  const k = hsv.names.length;
  const c = cov ? cov.names.length : 0;
  const keep: number[] = [];
  for (let i = 0; i < N; i++) {
    if (!outcomeObserved(o, i) || !Number.isFinite(hsv.values[i * k + h])) continue;
    let ok = true;
    for (let j = 0; j < c && ok; j++) ok = Number.isFinite((cov as Matrix).values[i * c + j]);
    if (ok) keep.push(i);
  }
  const n = keep.length;
  let mean = 0;
  for (const i of keep) mean += hsv.values[i * k + h];
  mean /= n;
  let sd = 0;
  for (const i of keep) sd += (hsv.values[i * k + h] - mean) ** 2;
  sd = Math.sqrt(sd / (n - 1));
  const model = modelFor(o);
  const base: AssocRow = {
    hsv: hsv.names[h],
    outcome: o.name,
    model,
    effect: model === 'logistic' ? 'OR' : model === 'cox' ? 'HR' : 'beta',
    beta: NaN,
    se: NaN,
    estimate: NaN,
    lower: NaN,
    upper: NaN,
    p: NaN,
    n,
    cases: NaN,
    excluded: N - n,
    converged: false,
  };
  const intercept = model !== 'cox';
  const q = (intercept ? 1 : 0) + 1 + c;
  if (n <= q || !(sd > 0)) return base;
  const X = new Float64Array(n * q);
  for (let j = 0; j < n; j++) {
    const i = keep[j];
    let col = 0;
    if (intercept) X[j * q + col++] = 1;
    X[j * q + col++] = (hsv.values[i * k + h] - mean) / sd;
    for (let a = 0; a < c; a++) X[j * q + col++] = (cov as Matrix).values[i * c + a];
  }
  const at = intercept ? 1 : 0;
  const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
  switch (o.kind) {
    case 'binary': {
      const y = pick(o.y);
      const f = fitLogistic(X, y, n, q);
      let cases = 0;
      for (let j = 0; j < n; j++) cases += y[j];
      return {
        ...base,
        beta: f.beta[at],
        se: f.se[at],
        estimate: Math.exp(f.beta[at]),
        lower: Math.exp(f.lower[at]),
        upper: Math.exp(f.upper[at]),
        p: f.p[at],
        cases,
        converged: f.converged,
      };
    }
    case 'quantitative': {
      const f = fitLinear(X, pick(o.y), n, q);
      return {
        ...base,
        beta: f.beta[at],
        se: f.se[at],
        estimate: f.beta[at],
        lower: f.lower[at],
        upper: f.upper[at],
        p: f.p[at],
        converged: Number.isFinite(f.se[at]),
      };
    }
    case 'survival': {
      const f = fitCox(X, pick(o.time), pick(o.event), n, q);
      return {
        ...base,
        beta: f.beta[at],
        se: f.se[at],
        estimate: Math.exp(f.beta[at]),
        lower: Math.exp(f.lower[at]),
        upper: Math.exp(f.upper[at]),
        p: f.p[at],
        cases: f.events,
        converged: f.converged,
      };
    }
    default:
      throw new Error(`unknown outcome kind: ${String((o as Outcome).kind)}`);
  }
}
