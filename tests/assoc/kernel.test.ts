import { describe, it, expect } from 'vitest';
import { chunkStats, missingSums, dosageAt, dosageStats, type ChunkStats } from '../../src/lib/assoc/kernel';
import { encodeDosages } from '../../src/lib/io/dosageCode';
import { createRng } from '../../src/lib/math/rng';
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
    const dchunk = { ...chunk, packed: undefined, dosage: encodeDosages(dosage) };
    expectClose(chunkStats(dchunk, X32), want);
    expectClose(dosageStats(dchunk, Xr), want);
  });
  it('dosage chunks: Uint16 codes (1/16384 steps, 0xffff missing) decoded in the loop give the direct sums', () => {
    const n = 53;
    const count = 7;
    const rng = createRng(12);
    // dosages on plink2's grid (any step from 0 to 2), 10% missing, one variant all missing
    const dosage = Float64Array.from({ length: n * count }, (_, k) =>
      Math.floor(k / n) === 4 || rng.next() < 0.1 ? NaN : Math.floor(rng.next() * 32769) / 16384,
    );
    const codes = encodeDosages(dosage);
    expect(codes[0] === 0xffff || codes[0] * 2 ** -14 === dosage[0]).toBe(true);
    const { chunk } = randomChunk({ n, count, seed: 1 });
    const dchunk = { ...chunk, packed: undefined, dosage: codes };
    const X = randomMatrix(n, 4, 13);
    expectClose(dosageStats(dchunk, X), naiveStats(dosage, count, X));
    expectClose(chunkStats(dchunk, X), naiveStats(dosage, count, X));
    const miss = missingSums(dchunk, X);
    for (let v = 0; v < count; v++) {
      for (let c = 0; c < 4; c++) {
        let s = 0;
        for (let i = 0; i < n; i++) if (Number.isNaN(dosage[v * n + i])) s += X.data[i * 4 + c];
        expect(miss[v * 4 + c]).toBeCloseTo(s, 10);
      }
      for (let i = 0; i < n; i++) expect(dosageAt(dchunk, v, i)).toBe(dosage[v * n + i]);
    }
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
