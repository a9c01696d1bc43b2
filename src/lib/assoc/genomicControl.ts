/**
 * Genomic control inflation factor: lambda = median(chi2_1) / qchisq(0.5, 1), with each test's chi-square
 * (1 df) taken from its P value. The median is taken over tests with a P value (NA rows are skipped).
 */
import { normalQuantile } from '../math/dist';

/** qchisq(0.5, 1). */
export const CHI2_1_MEDIAN = 0.454936423119572;

/** Lambda from -log10 P values (NaN = no test). Returns NaN when there is no finite value. */
export function lambdaFromLog10p(log10p: ArrayLike<number>): number {
  const vals: number[] = [];
  for (let i = 0; i < log10p.length; i++) {
    const v = log10p[i];
    if (Number.isFinite(v)) vals.push(v);
  }
  if (vals.length === 0) return NaN;
  const sorted = Float64Array.from(vals).sort();
  const h = sorted.length >> 1;
  // Median of -log10 P: P's median, as the map is monotone (averaging the middle pair on the P scale).
  const pMed = sorted.length % 2 ? 10 ** -sorted[h] : (10 ** -sorted[h - 1] + 10 ** -sorted[h]) / 2;
  const z = normalQuantile(pMed / 2);
  return (z * z) / CHI2_1_MEDIAN;
}
