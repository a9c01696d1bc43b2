/**
 * One pass of the genetic PCA (src/lib/relate/pcaPass.ts): the WASM SIMD and the JS kernels against a dense
 * reference X^T (X Q) with X standardized by plink2's rule (minor allele among founders, founder frequency,
 * missing calls 0, monomorphic variants 0). Odd sample counts (the n & 3 tail), 5% missing calls, monomorphic and
 * all-missing variants, with and without non-founders. Tolerance: 1e-12 relative to the largest |entry| (the
 * kernels differ from the reference only in the order of additions).
 */
import { describe, it, expect } from 'vitest';
import { createPcaPass } from '../../src/lib/relate/pcaPass';
import { createRng } from '../../src/lib/math/rng';
import { randomChunk } from '../assoc/helpers';

function reference(dosage: Float64Array, count: number, n: number, q: Float64Array, l: number, founder?: Uint8Array): Float64Array {
  const y = new Float64Array(n * l);
  const x = new Float64Array(n);
  for (let v = 0; v < count; v++) {
    let a1 = 0, called = 0;
    for (let j = 0; j < n; j++) {
      const g = dosage[v * n + j];
      if (Number.isNaN(g) || (founder && !founder[j])) continue;
      a1 += g;
      called++;
    }
    if (called === 0) continue;
    const pA1 = a1 / (2 * called);
    const vr = 2 * pA1 * (1 - pA1);
    if (!(vr > 1e-12)) continue;
    const minorIsA1 = pA1 <= 0.5;
    const p = minorIsA1 ? pA1 : 1 - pA1;
    for (let j = 0; j < n; j++) {
      const g = dosage[v * n + j];
      x[j] = Number.isNaN(g) ? 0 : ((minorIsA1 ? g : 2 - g) - 2 * p) / Math.sqrt(vr);
    }
    for (let t = 0; t < l; t++) {
      let z = 0;
      for (let j = 0; j < n; j++) z += x[j] * q[j * l + t];
      for (let j = 0; j < n; j++) y[j * l + t] += x[j] * z;
    }
  }
  return y;
}

describe('PCA pass kernels', () => {
  for (const [n, l] of [[1, 3], [7, 2], [64, 20], [301, 5], [1001, 13]] as const) {
    for (const withFounders of [false, true]) {
      it(`wasm and js equal the dense reference, n=${n}, l=${l}${withFounders ? ', non-founders' : ''}`, () => {
        const count = 13;
        const { chunk, dosage } = randomChunk({ n, count, seed: n * l + (withFounders ? 1 : 0), missingRate: 0.05, monomorphic: [2, 3], allMissing: [6] });
        const rng = createRng(n + l);
        const q = Float64Array.from({ length: n * l }, () => rng.normal());
        const founder = withFounders ? Uint8Array.from({ length: n }, (_, j) => (j % 3 === 1 ? 0 : 1)) : undefined;
        const want = reference(dosage, count, n, q, l, founder);
        const scale = Math.max(1e-300, ...Array.from(want, Math.abs));
        for (const kind of ['wasm', 'js'] as const) {
          const k = createPcaPass(n, l, founder, kind);
          k.setQ(q);
          const got = k.batch(chunk.packed as Uint8Array, chunk.bytesPerVariant, count);
          // and split in two batches: the same sum
          const a = k.batch(chunk.packed as Uint8Array, chunk.bytesPerVariant, 5);
          const b = k.batch((chunk.packed as Uint8Array).subarray(5 * chunk.bytesPerVariant), chunk.bytesPerVariant, count - 5);
          let worst = 0, worstSplit = 0;
          for (let i = 0; i < want.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - want[i]) / scale);
            worstSplit = Math.max(worstSplit, Math.abs(a[i] + b[i] - want[i]) / scale);
          }
          expect(worst, kind).toBeLessThan(1e-12);
          expect(worstSplit, kind).toBeLessThan(1e-12);
        }
      });
    }
  }
});
