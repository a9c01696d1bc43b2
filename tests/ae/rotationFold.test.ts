import { describe, it, expect } from 'vitest';
import { initAeWeights, encodeRows, decodeRows } from '../../src/lib/ae/AeWeights';
import { hsvTransform, applyMap } from '../../src/lib/ae/hsvTransform';
import { foldHsvTransform } from '../../src/lib/ae/foldHsvTransform';
import { hsvCorrelations } from '../../src/lib/ae/hsvCorrelations';
import { createRng } from '../../src/lib/math/rng';
import { lowRankMatrix } from './helpers';

describe('HSV rotation folded into the model', () => {
  const n = 300, p = 12, k = 4;
  const { matrix } = lowRankMatrix(n, p, 4, 0.4, 0.05, 21);
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const w = initAeWeights(p, [9], k, 'elu', createRng(5));
  // give the bottleneck a bias so the mean matters
  w.layers[1].bias.set([0.3, -0.2, 0.1, 0.5]);
  const raw = encodeRows(w, matrix.values, n);
  const data = { values: matrix.values, mask: matrix.mask, p };

  for (const method of ['none', 'varimax', 'promax'] as const) {
    it(`${method}: the rotated model reconstructs exactly as the unrotated one (1e-5) and encodes the rotated, standardized codes`, () => {
      const tr = hsvTransform(raw, k, data, rows, method);
      const folded = foldHsvTransform(w, tr.mean, tr.A);
      const codes = encodeRows(folded, matrix.values, n);
      const expected = applyMap(raw, n, k, tr.mean, tr.A);
      for (let i = 0; i < n * k; i++) expect(Math.abs(codes[i] - expected[i])).toBeLessThan(1e-4);
      const rec0 = decodeRows(w, raw, n);
      const rec1 = decodeRows(folded, codes, n);
      let maxDiff = 0;
      for (let i = 0; i < n * p; i++) maxDiff = Math.max(maxDiff, Math.abs(rec0[i] - rec1[i]));
      expect(maxDiff).toBeLessThan(1e-5);
      // standardized: mean 0, sd 1 (1e-4: float32 weights)
      for (let h = 0; h < k; h++) {
        let s = 0, ss = 0;
        for (let i = 0; i < n; i++) { s += codes[i * k + h]; ss += codes[i * k + h] ** 2; }
        const m = s / n;
        expect(Math.abs(m)).toBeLessThan(1e-4);
        expect(Math.abs(Math.sqrt((ss - n * m * m) / (n - 1)) - 1)).toBeLessThan(1e-4);
      }
      if (method !== 'none') {
        // sign: each HSV's largest |loading| is positive; order: variance explained descending
        const L = hsvCorrelations(codes, k, data, rows);
        const v: number[] = [];
        for (let h = 0; h < k; h++) {
          let best = 0, s2 = 0;
          for (let j = 0; j < p; j++) { const x = L[j * k + h]; s2 += x * x; if (Math.abs(x) > Math.abs(best)) best = x; }
          expect(best).toBeGreaterThan(0);
          v.push(s2);
        }
        if (method === 'varimax') {
          for (let h = 1; h < k; h++) expect(v[h]).toBeLessThanOrEqual(v[h - 1] + 1e-6);
          // varimax codes stay uncorrelated
          for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) {
            let s = 0;
            for (let i = 0; i < n; i++) s += codes[i * k + a] * codes[i * k + b];
            expect(Math.abs(s / (n - 1))).toBeLessThan(1e-4);
          }
        }
      }
    });
  }
});
