/** REGENIE step 1 (src/lib/relate/locoRidge.ts). (a) level 0 of one block against a direct dense solve. */
import { describe, it, expect } from 'vitest';
import { createRng } from '../../src/lib/math/rng';
import { solveLinear } from '../../src/lib/math/linalg';
import { foldMembers, ridgeLevel0 } from '../../src/lib/relate/ridgeLevel0';

describe('ridgeLevel0', () => {
  it('matches a direct dense ridge solve per fold to 1e-8', () => {
    const rng = createRng(3);
    const n = 60, m = 7, R = 2, K = 3, lambdas = [0.5, 4, 50];
    const g = Float64Array.from({ length: n * m }, () => rng.normal());
    const y = Float64Array.from({ length: n * R }, () => rng.normal());
    const fold = Int32Array.from({ length: n }, (_, i) => i % K);
    const out = ridgeLevel0(g, n, m, y, R, foldMembers(fold, K), lambdas);
    for (let k = 0; k < K; k++) for (let r = 0; r < R; r++) lambdas.forEach((lam, l) => {
      const a = new Float64Array(m * m), b = new Float64Array(m);
      for (let i = 0; i < n; i++) if (fold[i] !== k) for (let u = 0; u < m; u++) {
        b[u] += g[u * n + i] * y[r * n + i];
        for (let v = 0; v < m; v++) a[u * m + v] += g[u * n + i] * g[v * n + i];
      }
      for (let u = 0; u < m; u++) a[u * m + u] += lam;
      const beta = solveLinear(a, m, b)!;
      for (let i = 0; i < n; i++) if (fold[i] === k) {
        let p = 0;
        for (let u = 0; u < m; u++) p += g[u * n + i] * beta[u];
        expect(Math.abs(out[(r * lambdas.length + l) * n + i] - p)).toBeLessThan(1e-8);
      }
    });
  });
});
