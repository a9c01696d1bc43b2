/**
 * WebGPU kernel (WGSL, genotypes decoded in the shader) vs the f64 CPU kernel, in Node through the `webgpu`
 * package on SwiftShader. Odd sizes: n not a multiple of 4, 16 or the workgroup size; all-missing and
 * monomorphic variants; column tiling forced by a small binding limit.
 * Tolerance: |gpu - cpu| <= 1e-5 * (|cpu| + 1e-3 * 4 sum_i |X[i,c]|) per sum (sums of f32 hi/lo parts with Kahan
 * compensation; typical observed relative error ~1e-7). Scan results (BETA, SE) agree to 1e-5 relative.
 */
process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync } from 'node:fs';
import { chunkStats } from '../../src/lib/assoc/kernel';
import { createGpuKernel } from '../../src/lib/assoc/gpu/gpuKernel';
import { nodeGpuDevice } from '../../src/platform/node/nodeWebGpu';
import { runScan } from '../../src/lib/assoc/runScan';
import type { GenotypeSource } from '../../src/lib/io/GenotypeSource';
import { randomChunk, randomMatrix } from './helpers';

let device: GPUDevice;


describe('WebGPU kernel (SwiftShader) vs CPU kernel', () => {
  beforeAll(async () => {
    if (!existsSync('/usr/lib/chromium/vk_swiftshader_icd.json')) {
      throw new Error('SwiftShader Vulkan ICD missing: apt-get install -y chromium mesa-vulkan-drivers libvulkan1');
    }
    device = await nodeGpuDevice();
  });

  for (const [n, m, tileBytes] of [
    [1, 3, undefined],
    [67, 5, undefined],
    [130, 19, undefined],
    [333, 21, 333 * 4 * 4], // 4 columns per tile
  ] as const) {
    it(`n=${n}, m=${m}${tileBytes ? ', tiled columns' : ''}: sums agree`, async () => {
      const count = 13;
      const { chunk, dosage } = randomChunk({ n, count, seed: n + m, missingRate: 0.07, monomorphic: [1, 2], allMissing: [4] });
      void dosage;
      const X = randomMatrix(n, m, 7 + n);
      const gpu = await createGpuKernel(device, X, { maxBindingBytes: tileBytes });
      const got = await gpu.stats(chunk);
      gpu.dispose();
      const want = chunkStats(chunk, X);
      // Scale of a sum: 4 * sum over all samples of |X[i,c]| (|g| <= 2), since x = total - missing.
      const absTot = new Float64Array(m);
      for (let i = 0; i < n; i++) for (let c = 0; c < m; c++) absTot[c] += 4 * Math.abs(X.data[i * m + c]);
      expect(Array.from(got.obs)).toEqual(Array.from(want.obs));
      let worst = 0;
      for (const key of ['gx', 'g2x', 'x'] as const) {
        for (let k = 0; k < want[key].length; k++) {
          const sc = Math.abs(want[key][k]) + 1e-3 * absTot[k % m];
          const err = Math.abs(got[key][k] - want[key][k]);
          const tol = 1e-5 * sc;
          worst = Math.max(worst, err / sc);
          expect(err, `${key}[${k}]`).toBeLessThanOrEqual(tol);
        }
      }
      expect(worst).toBeLessThan(1e-5);
    });
  }

  it('runScan on webgpu gives the CPU results (BETA, SE to 1e-5 relative, same NA rows)', async () => {
    const n = 203;
    const count = 40;
    const { chunk, dosage } = randomChunk({ n, count, seed: 99, missingRate: 0.05, monomorphic: [3], allMissing: [7] });
    const source: GenotypeSource = {
      format: 'bed',
      name: 'mem',
      samples: { fid: Array(n).fill('0'), iid: Array.from({ length: n }, (_, i) => `s${i}`) },
      nVariants: count,
      async *chunks() {
        yield chunk;
      },
    };
    const rnd = randomMatrix(n, 4, 5).data;
    const y = Float64Array.from({ length: n }, (_, i) => (i % 17 === 0 ? NaN : rnd[i * 4] + 0.3 * (dosage[2 * n + i] || 0)));
    const y2 = Float64Array.from({ length: n }, (_, i) => rnd[i * 4 + 1]);
    const age = Float64Array.from({ length: n }, (_, i) => 40 + 10 * rnd[i * 4 + 2]);
    const E = Float64Array.from({ length: n }, (_, i) => rnd[i * 4 + 3]);
    const opts = { source, responses: [{ name: 'y', values: y }, { name: 'y2', values: y2 }], covariates: [{ name: 'age', values: age }], gxe: { name: 'E', values: E } };
    const cpu = await runScan({ ...opts, backend: 'cpu' });
    const gpu = await runScan({ ...opts, backend: 'webgpu', createGpuKernel: (X) => createGpuKernel(device, X) });
    expect(gpu.summary.backend).toBe('webgpu');
    for (let k = 0; k < 2; k++)
      for (let t = 0; t < 3; t++) {
        const a = cpu.responses[k].tests[t];
        const b = gpu.responses[k].tests[t];
        expect(Array.from(b.err)).toEqual(Array.from(a.err));
        expect(Array.from(b.obs)).toEqual(Array.from(a.obs));
        for (let v = 0; v < count; v++) {
          if (a.err[v]) continue;
          expect(Math.abs(b.beta[v] - a.beta[v])).toBeLessThanOrEqual(1e-5 * Math.max(Math.abs(a.beta[v]), a.se[v]));
          expect(Math.abs(b.se[v] - a.se[v])).toBeLessThanOrEqual(1e-5 * a.se[v]);
        }
      }
  });
});
