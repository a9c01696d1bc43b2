/**
 * Wald standard errors, z, two-sided P and confidence limits from a fit's information matrix (the Hessian
 * of the negative log likelihood, plus any ridge penalty): shared by logistic and Cox regression. All NaN
 * when the information is not positive definite.
 */
import { invertSpd } from '../math/linalg';
import { normalQuantile, normalTwoSidedP } from '../math/dist';

export interface WaldSummary {
  se: Float64Array;
  z: Float64Array;
  p: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
}

export function waldSummary(beta: Float64Array, information: Float64Array, q: number, level = 0.95): WaldSummary {
  const nan = () => new Float64Array(q).fill(NaN);
  const out: WaldSummary = { se: nan(), z: nan(), p: nan(), lower: nan(), upper: nan() };
  const inv = invertSpd(information, q);
  if (!inv) return out;
  const zq = normalQuantile(1 - (1 - level) / 2);
  for (let a = 0; a < q; a++) {
    const se = Math.sqrt(inv[a * q + a]);
    out.se[a] = se;
    out.z[a] = beta[a] / se;
    out.p[a] = normalTwoSidedP(out.z[a]);
    out.lower[a] = beta[a] - zq * se;
    out.upper[a] = beta[a] + zq * se;
  }
  return out;
}
