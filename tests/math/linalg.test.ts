import { describe, it, expect } from 'vitest';
import { cholesky, choleskySolve, invertSpd, solveLinear, invert, matMul, transpose, symmetricEigen, svd } from '../../src/lib/math/linalg';
import { createRng } from '../../src/lib/math/rng';

function randomMatrix(m: number, n: number, seed: number): Float64Array {
  const r = createRng(seed);
  return Float64Array.from({ length: m * n }, () => r.normal());
}
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}
function spd(n: number, seed: number): Float64Array {
  const a = randomMatrix(n + 3, n, seed);
  const g = matMul(transpose(a, n + 3, n), a, n, n + 3, n);
  for (let i = 0; i < n; i++) g[i * n + i] += 0.1;
  return g;
}
const identity = (n: number) => {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  return I;
};

describe('linalg', () => {
  it('cholesky reconstructs and solves (tolerance 1e-10)', () => {
    const n = 6;
    const a = spd(n, 1);
    const L = cholesky(a, n)!;
    expect(maxAbsDiff(matMul(L, transpose(L, n, n), n, n, n), a)).toBeLessThan(1e-10);
    const b = randomMatrix(n, 1, 2);
    const x = choleskySolve(L, n, b);
    expect(maxAbsDiff(matMul(a, x, n, n, 1), b)).toBeLessThan(1e-10);
    expect(cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toBeNull();
  });
  it('inverses multiply to the identity (1e-9)', () => {
    const n = 7;
    const a = spd(n, 3);
    expect(maxAbsDiff(matMul(a, invertSpd(a, n)!, n, n, n), identity(n))).toBeLessThan(1e-9);
    const g = randomMatrix(n, n, 4);
    expect(maxAbsDiff(matMul(g, invert(g, n)!, n, n, n), identity(n))).toBeLessThan(1e-9);
    const b = randomMatrix(n, 1, 5);
    expect(maxAbsDiff(matMul(g, solveLinear(g, n, b)!, n, n, 1), b)).toBeLessThan(1e-9);
    expect(solveLinear(Float64Array.from([1, 2, 2, 4]), 2, [1, 1])).toBeNull();
  });
  it('symmetric eigen: A V = V diag(values), descending, orthonormal (1e-9)', () => {
    for (const n of [1, 2, 5, 40]) {
      const a = spd(n, 10 + n);
      const { values, vectors } = symmetricEigen(a, n);
      for (let j = 1; j < n; j++) expect(values[j]).toBeLessThanOrEqual(values[j - 1]);
      const av = matMul(a, vectors, n, n, n);
      const vd = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vd[i * n + j] = vectors[i * n + j] * values[j];
      expect(maxAbsDiff(av, vd)).toBeLessThan(1e-9 * Math.max(1, values[0]));
      expect(maxAbsDiff(matMul(transpose(vectors, n, n), vectors, n, n, n), identity(n))).toBeLessThan(1e-9);
    }
  });
  it('svd reconstructs tall, square and wide matrices (1e-10)', () => {
    for (const [m, n] of [[8, 3], [4, 4], [3, 6]]) {
      const a = randomMatrix(m, n, m * 10 + n);
      const { u, s, v } = svd(a, m, n);
      const r = Math.min(m, n);
      const us = new Float64Array(m * r);
      for (let i = 0; i < m; i++) for (let j = 0; j < r; j++) us[i * r + j] = u[i * r + j] * s[j];
      const rec = matMul(us, transpose(v, n, r), m, r, n);
      expect(maxAbsDiff(rec, a)).toBeLessThan(1e-10);
      for (let j = 1; j < r; j++) expect(s[j]).toBeLessThanOrEqual(s[j - 1]);
    }
  });
  it('svd of a rank-deficient matrix still returns orthonormal u columns (1e-12)', () => {
    const a = Float64Array.from([1, 2, 0, 2, 4, 0, 3, 6, 0]); // rank 1
    const { u, s } = svd(a, 3, 3);
    expect(s[1]).toBeLessThan(1e-12);
    expect(maxAbsDiff(matMul(transpose(u, 3, 3), u, 3, 3, 3), identity(3))).toBeLessThan(1e-12);
  });
});
