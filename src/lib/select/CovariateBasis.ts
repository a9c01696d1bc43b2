/**
 * The covariates (with an intercept) of the analysed samples and the projection that removes them:
 * residualize(v) = v - C (C^T C)^{-1} C^T v. Covariates are adjusted for, never screened or penalized.
 */
import { invertSpd } from '../math/linalg';
import { LatentScanError } from '../base/errors';

export interface CovariateBasis {
  n: number;
  /** Columns incl. the intercept (first). */
  q1: number;
  names: string[];
  /** n x q1 row-major; column 0 is all ones. */
  c: Float64Array;
  /** (C^T C)^{-1}, q1 x q1. */
  ginv: Float64Array;
}

export function covariateBasis(n: number, covariates: { name: string; values: ArrayLike<number> }[]): CovariateBasis {
  const q1 = covariates.length + 1;
  const c = new Float64Array(n * q1);
  for (let i = 0; i < n; i++) {
    c[i * q1] = 1;
    for (let l = 0; l < covariates.length; l++) c[i * q1 + l + 1] = covariates[l].values[i];
  }
  const g = new Float64Array(q1 * q1);
  for (let i = 0; i < n; i++) {
    const o = i * q1;
    for (let a = 0; a < q1; a++) for (let b = 0; b <= a; b++) g[a * q1 + b] += c[o + a] * c[o + b];
  }
  for (let a = 0; a < q1; a++) for (let b = 0; b < a; b++) g[b * q1 + a] = g[a * q1 + b];
  const ginv = invertSpd(g, q1);
  if (!ginv) {
    throw new LatentScanError(
      'input',
      `covariates ${covariates.map((x) => x.name).join(', ')} are collinear (with the intercept) on the ${n} analysed samples; drop one`,
    );
  }
  return { n, q1, names: ['(intercept)', ...covariates.map((x) => x.name)], c, ginv };
}

/** v minus its projection on the covariates (new array). */
export function residualize(basis: CovariateBasis, v: ArrayLike<number>): Float64Array {
  const { n, q1, c, ginv } = basis;
  const s = new Float64Array(q1);
  for (let i = 0; i < n; i++) {
    const o = i * q1;
    const vi = v[i];
    for (let a = 0; a < q1; a++) s[a] += c[o + a] * vi;
  }
  const coef = new Float64Array(q1);
  for (let a = 0; a < q1; a++) {
    let t = 0;
    for (let b = 0; b < q1; b++) t += ginv[a * q1 + b] * s[b];
    coef[a] = t;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * q1;
    let t = v[i];
    for (let a = 0; a < q1; a++) t -= c[o + a] * coef[a];
    out[i] = t;
  }
  return out;
}

/** s^T (C^T C)^{-1} s: the squared norm of the projection of a vector whose cross-products with C are s. */
export function projectedNorm2(basis: CovariateBasis, s: ArrayLike<number>, offset = 0): number {
  const { q1, ginv } = basis;
  let t = 0;
  for (let a = 0; a < q1; a++) {
    let u = 0;
    for (let b = 0; b < q1; b++) u += ginv[a * q1 + b] * s[offset + b];
    t += s[offset + a] * u;
  }
  return t;
}
