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

/**
 * Streaming median of -log10 P in bounded memory (for scans that do not keep their results): a histogram of
 * -log10 P over [0, 8) in steps of 1e-5 (800,000 bins, 3.2 MB), values above counted apart. The median lies
 * near -log10(0.5) = 0.3 for any sane scan, where one bin changes lambda by about 2e-5 relative.
 */
export class LambdaAccumulator {
  private static readonly STEP = 1e-5;
  private static readonly MAX = 8;
  private readonly bins = new Uint32Array(Math.round(LambdaAccumulator.MAX / LambdaAccumulator.STEP));
  private above = 0;
  private n = 0;

  add(log10p: ArrayLike<number>): void {
    const { STEP } = LambdaAccumulator;
    const nb = this.bins.length;
    for (let i = 0; i < log10p.length; i++) {
      const v = log10p[i];
      if (!Number.isFinite(v)) continue;
      this.n++;
      const b = Math.floor(Math.max(0, v) / STEP);
      if (b >= nb) this.above++;
      else this.bins[b]++;
    }
  }

  lambda(): number {
    if (this.n === 0) return NaN;
    // Same median as lambdaFromLog10p: the middle value, or the P-average of the middle two.
    const r0 = (this.n - 1) >> 1;
    const r1 = this.n >> 1;
    const v0 = this.valueAtRank(r0);
    const v1 = r1 === r0 ? v0 : this.valueAtRank(r1);
    if (!Number.isFinite(v0) || !Number.isFinite(v1)) return Infinity; // half the tests beyond P = 1e-8
    const pMed = (10 ** -v0 + 10 ** -v1) / 2;
    const z = normalQuantile(pMed / 2);
    return (z * z) / CHI2_1_MEDIAN;
  }

  /** Approximate value of the r-th smallest -log10 P (0-based), to within one bin. */
  private valueAtRank(r: number): number {
    let cum = 0;
    for (let b = 0; b < this.bins.length; b++) {
      const c = this.bins[b];
      if (r < cum + c) return (b + (r - cum + 0.5) / c) * LambdaAccumulator.STEP;
      cum += c;
    }
    return Infinity;
  }
}
