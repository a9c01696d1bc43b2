import { describe, it, expect } from 'vitest';
import { normalCdf, normalQuantile, normalTwoSidedP, tTwoSidedP, tTwoSidedLog10P, chi2UpperP, chi2UpperLog10P, chi2Quantile, fUpperP, logGamma } from '../../src/lib/math/dist';

// Reference values printed by R 4.2 (Debian r-base-core) with options(digits = 16):
// lgamma, pnorm, qnorm, pt, pchisq, qchisq, pf; log-space tails with log.p = TRUE.
const rel = (x: number, ref: number) => Math.abs(x - ref) / Math.abs(ref);

describe('distribution functions (relative tolerance 1e-12 unless stated)', () => {
  it('log gamma', () => {
    expect(rel(logGamma(0.5), 5.723649429247001e-1)).toBeLessThan(1e-13);
    expect(rel(logGamma(10), 1.280182748008147e1)).toBeLessThan(1e-13);
    expect(rel(logGamma(1e-3), 6.907178885383853)).toBeLessThan(1e-13);
  });
  it('normal', () => {
    expect(rel(normalCdf(1.96), 9.750021048517796e-1)).toBeLessThan(1e-14);
    expect(rel(normalCdf(-8), 6.220960574271785e-16)).toBeLessThan(1e-12);
    expect(rel(normalQuantile(0.975), 1.959963984540054)).toBeLessThan(1e-13);
    expect(rel(normalQuantile(1e-10), -6.361340902404056)).toBeLessThan(1e-13);
    expect(rel(normalTwoSidedP(3), 2.699796063260189e-3)).toBeLessThan(1e-12);
  });
  it('Student t two-sided, including tiny P in log space', () => {
    expect(rel(tTwoSidedP(2.5, 10), 3.144684423660878e-2)).toBeLessThan(1e-12);
    expect(rel(tTwoSidedP(1.3, 3.5), 2.7259541580437e-1)).toBeLessThan(1e-12);
    expect(rel(tTwoSidedLog10P(40, 3998), 2.938613415025894e2)).toBeLessThan(1e-12);
    expect(rel(tTwoSidedLog10P(8, 50), 9.77903029949514)).toBeLessThan(1e-12);
    expect(tTwoSidedLog10P(0, 100)).toBeCloseTo(0, 12);
  });
  it('chi-square and F', () => {
    expect(rel(chi2UpperP(3.841458820694124, 1), 0.05)).toBeLessThan(1e-12);
    expect(rel(chi2UpperP(10, 4), 4.042768199451281e-2)).toBeLessThan(1e-12);
    expect(rel(chi2UpperLog10P(2000, 5), 4.299174668242904e2)).toBeLessThan(1e-12);
    expect(rel(chi2Quantile(0.5, 1), 4.549364231195728e-1)).toBeLessThan(1e-10);
    expect(rel(fUpperP(3, 2, 20), 7.253815028640563e-2)).toBeLessThan(1e-12);
  });
});
