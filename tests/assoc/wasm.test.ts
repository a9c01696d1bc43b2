/** WASM SIMD class sums: bit-identical to the JS kernel (same additions, same order), odd sizes included. */
import { describe, it, expect } from 'vitest';
import { classSums } from '../../src/lib/assoc/kernel';
import { createWasmClassSums, wasmSimdAvailable } from '../../src/lib/assoc/wasmKernel';
import { randomChunk, randomMatrix } from './helpers';

describe('wasm kernel', () => {
  it('is available in Node 20', () => expect(wasmSimdAvailable).toBe(true));
  for (const [n, m] of [[1, 1], [7, 2], [64, 19], [301, 5], [1001, 33]] as const) {
    it(`equals the JS kernel exactly for n=${n}, m=${m}`, () => {
      const { chunk } = randomChunk({ n, count: 11, seed: n * m, missingRate: 0.05, monomorphic: [2, 3], allMissing: [6] });
      const X = randomMatrix(n, m, n + m);
      const w = createWasmClassSums(X);
      for (const [from, to] of [[0, 11], [3, 9]]) {
        const a = w.classSums(chunk, from, to);
        const b = classSums(chunk, X, from, to);
        expect(Array.from(a.obs)).toEqual(Array.from(b.obs));
        expect(Array.from(a.het)).toEqual(Array.from(b.het));
        expect(Array.from(a.hom)).toEqual(Array.from(b.hom));
        expect(Array.from(a.miss)).toEqual(Array.from(b.miss));
      }
    });
  }
});
