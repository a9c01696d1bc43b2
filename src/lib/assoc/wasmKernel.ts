/**
 * WASM SIMD version of the packed-genotype class sums (kernel.ts classSums) on the gather direction of
 * compute/wasmClassEngine.ts: the inner row adds run as f64x2 vector adds with no bounds checks. Same algorithm
 * and results as the JS kernel (the same additions in the same order, so bit-identical sums): per variant, rows
 * of X are summed per 2-bit class except the most frequent class, which is derived from the column totals.
 * Measured: see docs/assoc.md (kernel CPU time per 20,000 x 20,000, m = 19).
 */
import type { GenotypeChunk } from '../io/GenotypeSource';
import { countRowCodes } from '../io/bedDecode';
import { completeClassSums, createClassEngine, wasmSimdAvailable } from '../compute/wasmClassEngine';
import { columnTotals, type ClassSums, type SampleMatrix } from './kernel';

export { wasmSimdAvailable };

export interface WasmClassSums {
  classSums(chunk: GenotypeChunk, from?: number, to?: number): ClassSums;
}

/** A WASM class-sum engine holding X (padded to an even column count) in its own memory. */
export function createWasmClassSums(X: SampleMatrix): WasmClassSums {
  const { n, m } = X;
  const engine = createClassEngine(n, m);
  const mp = engine.mp;
  const totals = columnTotals(X);
  {
    const xv = engine.rows(0);
    for (let i = 0; i < n; i++) for (let c = 0; c < m; c++) xv[i * mp + c] = X.data[i * m + c];
  }
  const xd = X.data;
  return {
    classSums(chunk, from = 0, to = chunk.count) {
      const packed = chunk.packed;
      if (!packed) throw new Error('wasm classSums: chunk has no packed genotypes');
      if (chunk.nSamples !== n) throw new Error(`chunkStats: X has ${n} rows but the chunk has ${chunk.nSamples} samples`);
      const bpv = chunk.bytesPerVariant;
      const count = to - from;
      const full = n >> 2;
      const tail = n & 3;
      const obs = new Int32Array(count);
      const cnt = new Int32Array(4);
      const dropped = new Uint8Array(count);
      for (let v = 0; v < count; v++) {
        dropped[v] = countRowCodes(packed, (from + v) * bpv, n, cnt);
        obs[v] = n - cnt[1];
      }
      engine.load(packed.subarray(from * bpv, to * bpv), bpv, count, dropped);
      engine.gather(0);
      const acc = engine.scratch();
      const het = new Float64Array(count * m);
      const hom = new Float64Array(count * m);
      const miss = new Float64Array(count * m);
      const local = new Float64Array(4 * m);
      for (let v = 0; v < count; v++) {
        const tailByte = tail ? packed[(from + v) * bpv + full] : 0;
        completeClassSums(acc, mp, v, dropped[v], tailByte, n, xd, m, totals, local);
        const o = v * m;
        for (let c = 0; c < m; c++) {
          het[o + c] = local[2 * m + c];
          hom[o + c] = local[c];
          miss[o + c] = local[m + c];
        }
      }
      return { count, m, obs, het, hom, miss };
    },
  };
}
