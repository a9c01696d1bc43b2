import { describe, it, expect } from 'vitest';
import { chunkStats, missingSums, dosageStats, type ChunkStats } from '../../src/lib/assoc/kernel';
import { naiveStats, randomChunk, randomMatrix } from './helpers';

function expectClose(a: ChunkStats, b: ChunkStats, tol = 1e-9): void {
  expect(Array.from(a.obs)).toEqual(Array.from(b.obs));
  for (const key of ['gx', 'g2x', 'x'] as const) {
    const u = a[key];
    const w = b[key];
    expect(u.length).toBe(w.length);
    for (let k = 0; k < u.length; k++) expect(Math.abs(u[k] - w[k])).toBeLessThanOrEqual(tol * (1 + Math.abs(w[k])));
  }
}

describe('chunkStats (CPU, packed)', () => {
  // Tolerance: 1e-9 relative (double sums in a different order).
  for (const n of [1, 3, 4, 5, 17, 130, 257]) {
    it(`matches direct sums for n = ${n}, with missing, monomorphic and all-missing variants`, () => {
      const count = 12;
      const { chunk, dosage } = randomChunk({ n, count, seed: n, missingRate: 0.1, monomorphic: [2, 3], allMissing: [5] });
      const X = randomMatrix(n, 7, 100 + n);
      expectClose(chunkStats(chunk, X), naiveStats(dosage, count, X));
    });
  }
  it('accepts Float32 X and the dosage path gives the same sums', () => {
    const n = 61;
    const { chunk, dosage } = randomChunk({ n, count: 9, seed: 3, missingRate: 0.05 });
    const X64 = randomMatrix(n, 5, 4);
    const X32 = { n, m: 5, data: Float32Array.from(X64.data) };
    const Xr = { n, m: 5, data: Float64Array.from(X32.data) };
    const want = naiveStats(dosage, 9, Xr);
    expectClose(chunkStats(chunk, X32), want);
    const dchunk = { ...chunk, packed: undefined, dosage: Float32Array.from(dosage) };
    expectClose(chunkStats(dchunk, X32), want);
    expectClose(dosageStats(dchunk, Xr), want);
  });
  it('missingSums sums rows of Q over missing calls only', () => {
    const n = 45;
    const { chunk, dosage } = randomChunk({ n, count: 6, seed: 9, missingRate: 0.2, allMissing: [1] });
    const Q = randomMatrix(n, 3, 10);
    const got = missingSums(chunk, Q);
    for (let v = 0; v < 6; v++)
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let i = 0; i < n; i++) if (Number.isNaN(dosage[v * n + i])) s += Q.data[i * 3 + c];
        expect(got[v * 3 + c]).toBeCloseTo(s, 10);
      }
  });
  it('rejects mismatched shapes', () => {
    const { chunk } = randomChunk({ n: 8, count: 1, seed: 1 });
    expect(() => chunkStats(chunk, randomMatrix(9, 2, 1))).toThrow('chunkStats: X has 9 rows but the chunk has 8 samples');
  });
});
