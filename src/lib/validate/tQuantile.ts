/**
 * Quantile of Student's t distribution (R's qt for 0.5 < prob < 1), by bisection then Newton-free refinement
 * on the two-sided tail tTwoSidedP from math/dist: qt(prob, df) solves tTwoSidedP(t, df) = 2 (1 - prob).
 * Accurate to about 1e-12 relative, which is all a confidence interval needs.
 */
import { tTwoSidedP, normalQuantile } from '../math/dist';

export function tQuantile(prob: number, df: number): number {
  if (!(prob > 0 && prob < 1)) throw new Error(`tQuantile: prob must be in (0, 1), got ${prob}`);
  if (prob === 0.5) return 0;
  if (prob < 0.5) return -tQuantile(1 - prob, df);
  if (!Number.isFinite(df)) return normalQuantile(prob);
  const target = 2 * (1 - prob);
  let lo = 0;
  let hi = Math.max(1, normalQuantile(prob));
  while (tTwoSidedP(hi, df) > target) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tTwoSidedP(mid, df) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
