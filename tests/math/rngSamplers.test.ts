/** Gamma and Beta samplers of src/lib/math/rng.ts: moments over many draws, small shapes, argument checks. */
import { describe, it, expect } from 'vitest';
import { betaSample, createRng, gammaSample } from '../../src/lib/math/rng';

function moments(xs: number[]): [number, number] {
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  return [m, xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1)];
}

describe('gammaSample / betaSample', () => {
  it('Gamma(shape) has mean and variance = shape (shapes 0.3, 1, 4.5)', () => {
    const rng = createRng(5);
    for (const a of [0.3, 1, 4.5]) {
      const xs = Array.from({ length: 40_000 }, () => gammaSample(rng, a));
      const [m, v] = moments(xs);
      expect(xs.every((x) => x >= 0)).toBe(true);
      expect(Math.abs(m - a) / a).toBeLessThan(0.03);
      expect(Math.abs(v - a) / a).toBeLessThan(0.08);
    }
  });
  it('Beta(a, b) has mean a/(a+b) and variance ab/((a+b)^2 (a+b+1)) (Balding-Nichols shapes)', () => {
    const rng = createRng(9);
    for (const [p, F] of [[0.3, 0.04], [0.05, 0.1], [0.5, 0.2]]) {
      const a = (p * (1 - F)) / F;
      const b = ((1 - p) * (1 - F)) / F;
      const xs = Array.from({ length: 40_000 }, () => betaSample(rng, a, b));
      const [m, v] = moments(xs);
      expect(xs.every((x) => x >= 0 && x <= 1)).toBe(true);
      expect(Math.abs(m - p)).toBeLessThan(0.01);
      // Balding-Nichols: Var = F p (1 - p)
      expect(Math.abs(v - F * p * (1 - p)) / (F * p * (1 - p))).toBeLessThan(0.08);
    }
  });
  it('is seeded and checks its shape', () => {
    const a = createRng(3), b = createRng(3);
    expect(gammaSample(a, 2.5)).toBe(gammaSample(b, 2.5));
    expect(() => gammaSample(a, 0)).toThrow(/shape must be > 0/);
  });
});
