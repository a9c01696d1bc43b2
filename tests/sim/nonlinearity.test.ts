/**
 * The simulator's phenotypes are partly non-monotone in the latent factors (U-shaped, V-shaped, products of two
 * factors, noise added after the link), and that survives the default phenotype preparation (log / rank-INT of
 * skewed columns, z-scores). Pinned cheaply with an oracle that knows the true factors, no training: each
 * prepared column is regressed on the factors on 80% of the rows, linearly (1 + F) and quadratically (1 + F +
 * all F_a F_b), and scored on the other 20%. A rank-k linear model of the phenotypes (PCA) cannot beat the
 * linear oracle on the non-monotone columns; a nonlinear autoencoder can approach the quadratic one.
 *
 * Measured (n = 2000, 100 phenotypes): overall linear 0.578 vs quadratic 0.426 (seed 1), 0.563 vs 0.428 (seed 2);
 * on the 25 non-monotone columns 0.957 vs 0.348 and 0.941 vs 0.398; monotone columns equal within 0.3%. With
 * `nonlinearFraction: 0` (the old model) the quadratic fit gains nothing.
 */
import { describe, it, expect } from 'vitest';
import { simulateCohort } from '../../src/lib/sim/simulateCohort';
import { prepare } from '../../src/lib/pheno/prepare';
import { solveLinear } from '../../src/lib/math/linalg';
import { createRng } from '../../src/lib/math/rng';

const NONMONOTONE = new Set(['u-shape', 'v-shape', 'product']);

function oracle(seed: number, nonlinearFraction?: number) {
  const c = simulateCohort({ n: 2000, snps: 50, phenos: 100, seed, nonlinearFraction });
  const { matrix } = prepare(c.pheno);
  const K = c.factorNames.length;
  const { n, p } = matrix;
  const rowOf = new Map(c.pheno.ids.map((id, i) => [id, i]));
  const rng = createRng(99);
  const isVal = Uint8Array.from({ length: n }, () => (rng.next() < 0.2 ? 1 : 0));
  const feats = (i: number, quad: boolean): number[] => {
    const r = rowOf.get(matrix.ids[i])!;
    const f = Array.from({ length: K }, (_, k) => c.factors[r * K + k]);
    const x = [1, ...f];
    if (quad) for (let a = 0; a < K; a++) for (let b = a; b < K; b++) x.push(f[a] * f[b]);
    return x;
  };
  const X = [false, true].map((quad) => Array.from({ length: n }, (_, i) => feats(i, quad)));
  // per group (nonmonotone / monotone continuous): [sse linear, sse quadratic, cells]
  const acc = { nonmonotone: [0, 0, 0], monotone: [0, 0, 0], all: [0, 0, 0] };
  for (let j = 0; j < p; j++) {
    const truth = c.truth.phenotypes.find((t) => t.name === matrix.columns[j])!;
    const group = NONMONOTONE.has(truth.link) ? 'nonmonotone' : truth.kind === 'continuous' ? 'monotone' : null;
    let cells = 0;
    for (const q of [0, 1]) {
      const Xq = X[q];
      const d = Xq[0].length;
      const A = new Float64Array(d * d), b = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        if (isVal[i] || !matrix.mask[i * p + j]) continue;
        const x = Xq[i], y = matrix.values[i * p + j];
        for (let u = 0; u < d; u++) {
          b[u] += x[u] * y;
          for (let v = 0; v < d; v++) A[u * d + v] += x[u] * x[v];
        }
      }
      const beta = solveLinear(A, d, b)!;
      let sse = 0;
      cells = 0;
      for (let i = 0; i < n; i++) {
        if (!isVal[i] || !matrix.mask[i * p + j]) continue;
        let yh = 0;
        for (let u = 0; u < d; u++) yh += Xq[i][u] * beta[u];
        sse += (matrix.values[i * p + j] - yh) ** 2;
        cells++;
      }
      acc.all[q] += sse;
      if (group) acc[group][q] += sse;
    }
    acc.all[2] += cells;
    if (group) acc[group][2] += cells;
  }
  const mse = (g: number[]) => ({ linear: g[0] / g[2], quadratic: g[1] / g[2] });
  return { all: mse(acc.all), nonmonotone: mse(acc.nonmonotone), monotone: mse(acc.monotone) };
}

describe('simulator phenotypes are nonlinear in the factors after preparation', () => {
  for (const seed of [1, 2]) {
    it(`seed ${seed}: a quadratic fit on the true factors leaves clearly less error than a linear one`, () => {
      const r = oracle(seed);
      const f = (x: { linear: number; quadratic: number }) => `${x.linear.toFixed(3)} vs ${x.quadratic.toFixed(3)}`;
      console.log(`seed ${seed} validation MSE linear vs quadratic in the true factors: all ${f(r.all)}, non-monotone ${f(r.nonmonotone)}, monotone ${f(r.monotone)}`);
      // overall: measured 26% lower with the quadratic fit; at least 15% required
      expect(r.all.quadratic).toBeLessThan(0.85 * r.all.linear);
      // non-monotone columns: nearly nothing is linear (measured ~0.95), most of it is quadratic (~0.37)
      expect(r.nonmonotone.linear).toBeGreaterThan(0.8);
      expect(r.nonmonotone.quadratic).toBeLessThan(0.5);
      // monotone columns stay linear after preparation (quadratic terms gain < 3%)
      expect(r.monotone.quadratic).toBeGreaterThan(0.97 * r.monotone.linear);
    });
  }

  it('with nonlinearFraction 0 (monotone links only) the quadratic fit gains less than 2%', () => {
    const r = oracle(1, 0);
    console.log(`nonlinearFraction 0: all ${r.all.linear.toFixed(3)} vs ${r.all.quadratic.toFixed(3)}`);
    expect(r.nonmonotone.linear).toBeNaN(); // no such columns
    expect(r.all.quadratic).toBeGreaterThan(0.98 * r.all.linear);
  });
});
