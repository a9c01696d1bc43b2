/** Genomic control: lambda = median chi2_1 / qchisq(0.5, 1); the streaming histogram agrees to 1e-4. */
import { describe, it, expect } from 'vitest';
import { LambdaAccumulator, lambdaFromLog10p, CHI2_1_MEDIAN } from '../../src/lib/assoc/genomicControl';
import { chi2Quantile } from '../../src/lib/math/dist';
import { createRng } from '../../src/lib/math/rng';

describe('genomic control', () => {
  it('is 1 when the median P is 0.5, and matches median(qchisq(1 - p, 1)) / 0.4549', () => {
    expect(lambdaFromLog10p([-Math.log10(0.2), -Math.log10(0.5), -Math.log10(0.9)])).toBeCloseTo(1, 12);
    const rng = createRng(3);
    const p = Array.from({ length: 1001 }, () => rng.next() ** 1.3); // inflated
    const chi = p.map((x) => chi2Quantile(1 - x, 1)).sort((a, b) => a - b);
    const want = chi[500] / CHI2_1_MEDIAN;
    expect(Math.abs(lambdaFromLog10p(p.map((x) => -Math.log10(x))) - want)).toBeLessThan(1e-8 * want);
    expect(want).toBeGreaterThan(1.1);
  });
  it('skips NA and the streaming accumulator agrees to 1e-4 relative', () => {
    const rng = createRng(9);
    const v = Float64Array.from({ length: 20001 }, (_, i) => (i % 97 === 0 ? NaN : -Math.log10(rng.next() ** 0.9)));
    const acc = new LambdaAccumulator();
    acc.add(v.subarray(0, 7000));
    acc.add(v.subarray(7000));
    const exact = lambdaFromLog10p(v);
    expect(Math.abs(acc.lambda() - exact)).toBeLessThan(1e-4 * exact);
    expect(Number.isNaN(new LambdaAccumulator().lambda())).toBe(true);
  });
});
