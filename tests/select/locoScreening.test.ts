/**
 * SIS screening with the LOCO adjustment: a variant on chromosome c is scored against each response minus its
 * LOCO prediction for c. Checked against screening without LOCO on the responses adjusted for one chromosome
 * at a time: SNP, SNPxE and (pairs present in both runs) SNPxSNP scores of that chromosome's variants equal to
 * 1e-10, with chunks that span chromosome boundaries, in-thread and through the kernel pool interface. The
 * E main effects keep the unadjusted responses.
 */
import { describe, it, expect } from 'vitest';
import { createRng } from '../../src/lib/math/rng';
import { runSis, type SisInput, type SisOptions, type ScreenedTerm } from '../../src/lib/select/runSis';
import { memorySource, randomGenotypes } from './memorySource';
import { chunkStats } from '../../src/lib/assoc/kernel';
import type { KernelPool } from '../../src/lib/assoc/StatsKernel';
import type { SampleMatrix } from '../../src/lib/assoc/kernel';

const OPTS: SisOptions = { gxg: 'top', gxgTop: 5, penalty: 'mcp', tune: 'ebic', iter: 0, stability: 0, seed: 3, qc: { maf: 0.01, geno: 0.1 }, nsis: 5000 };
const chromOf = (v: number) => (v < 45 ? '1' : v < 80 ? '2' : 'chr3');
const code = (v: number) => chromOf(v).replace('chr', '');

function cohort() {
  const n = 240, M = 110;
  const rng = createRng(21);
  const geno = randomGenotypes(rng, n, M);
  const age = Float64Array.from({ length: n }, () => 50 + 8 * rng.normal());
  const e = Float64Array.from({ length: n }, () => rng.normal());
  const y = [0, 1].map(() => Float64Array.from({ length: n }, (_, i) => 0.02 * age[i] + 0.4 * e[i] + (geno[7][i] === geno[7][i] ? 0.5 * geno[7][i] : 0) + rng.normal()));
  const pred = new Map(['1', '2', '3'].map((c) => [c, y.map(() => Float64Array.from({ length: n }, () => 0.5 * rng.normal()))]));
  const adjusted = (c: string) => y.map((v, r) => Float64Array.from(v, (x, i) => x - pred.get(c)![r][i]));
  const input = (responses: Float64Array[]): SisInput => ({
    source: memorySource(geno, n, 16, chromOf),
    rowOf: Int32Array.from({ length: n }, (_, i) => i),
    n,
    responses: responses.map((values, r) => ({ name: `y${r}`, values })),
    covariates: [{ name: 'age', values: age }],
    env: [{ name: 'E', values: e }],
  });
  return { input, y, adjusted };
}

/** A kernel pool in this thread (the pool interface: init with X, stats over variant ranges). */
function inThreadPool(): KernelPool {
  let X: SampleMatrix | null = null;
  return {
    size: 2,
    async init(m: SampleMatrix) { X = m; },
    async stats(chunk, from, to) {
      const sub = { ...chunk, start: chunk.start + from, count: to - from, packed: chunk.packed!.subarray(from * chunk.bytesPerVariant, to * chunk.bytesPerVariant) };
      return chunkStats(sub, X!);
    },
  } as KernelPool;
}

const key = (s: ScreenedTerm) => `${s.type} ${s.feature.variant} ${s.feature.aux}`;

describe('LOCO in SIS screening', () => {
  for (const withPool of [false, true]) {
    it(`scores each chromosome's variants against the responses minus that chromosome's prediction${withPool ? ' (kernel pool)' : ''}`, async () => {
      const { input, y, adjusted } = cohort();
      const opts = withPool ? { ...OPTS, pool: inThreadPool() } : OPTS;
      const loco = await runSis({ ...input(y), locoResponses: adjusted }, opts);
      const plain = await runSis(input(y), opts);
      let compared = 0, pairs = 0;
      for (const c of ['1', '2', '3']) {
        const ref = await runSis(input(adjusted(c)), opts);
        for (let k = 0; k < 2; k++) {
          const want = new Map(ref.responses[k].screened.map((s) => [key(s), s.score]));
          for (const s of loco.responses[k].screened) {
            if (s.type === 'ENV' || code(s.feature.variant) !== c) continue;
            const w = want.get(key(s));
            if (w === undefined) {
              expect(s.type).toBe('GxG'); // the partners (top marginal SNPs) differ between the runs
              continue;
            }
            expect(Math.abs(s.score - w)).toBeLessThan(1e-10);
            compared++;
            if (s.type === 'GxG') pairs++;
          }
        }
      }
      expect(compared).toBeGreaterThan(2 * 110 * 2); // every SNP and SNPxE of both responses, and pairs
      expect(pairs).toBeGreaterThan(0);
      // E main effects: the unadjusted responses.
      for (let k = 0; k < 2; k++) {
        const env = (r: typeof loco) => r.responses[k].screened.find((s) => s.type === 'ENV')!.score;
        expect(Math.abs(env(loco) - env(plain))).toBeLessThan(1e-12);
      }
    });
  }
});
