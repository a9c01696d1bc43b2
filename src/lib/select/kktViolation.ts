/**
 * Largest violation of the Karush-Kuhn-Tucker (stationarity) conditions of a penalized least-squares
 * solution on standardized columns: for b_j != 0, x_j^T r / n = P'(|b_j|) sign(b_j) + ridge * b_j; for
 * b_j = 0, |x_j^T r / n| <= lambda (lambda * alpha for the elastic net). Used by tests and as a diagnostic.
 */
import { penaltyDerivative, ridgeWeight, zeroBound, type PenaltySpec } from './penalty';

export function kktViolation(
  x: Float64Array,
  y: Float64Array,
  n: number,
  p: number,
  beta: ArrayLike<number>,
  lambda: number,
  pen: PenaltySpec,
): number {
  const r = Float64Array.from(y);
  for (let j = 0; j < p; j++) {
    const b = beta[j];
    if (b === 0) continue;
    const o = j * n;
    for (let i = 0; i < n; i++) r[i] -= b * x[o + i];
  }
  let worst = 0;
  const rw = ridgeWeight(lambda, pen);
  for (let j = 0; j < p; j++) {
    const o = j * n;
    let ss = 0;
    let g = 0;
    for (let i = 0; i < n; i++) {
      g += x[o + i] * r[i];
      ss += x[o + i] * x[o + i];
    }
    if (ss === 0) continue;
    g /= n;
    const b = beta[j];
    if (b === 0) worst = Math.max(worst, Math.abs(g) - zeroBound(lambda, pen));
    else worst = Math.max(worst, Math.abs(g - Math.sign(b) * penaltyDerivative(Math.abs(b), lambda, pen) - rw * b));
  }
  return worst;
}
