/** REGENIE step 1 (src/lib/relate/locoRidge.ts). (a) level 0 of one block against a direct dense solve. */
import { describe, it, expect } from 'vitest';
import { createRng } from '../../src/lib/math/rng';
import { solveLinear } from '../../src/lib/math/linalg';
import { foldOffsets, ridgeLevel0 } from '../../src/lib/relate/ridgeLevel0';
import { ridgeLevel1 } from '../../src/lib/relate/ridgeLevel1';
import { columns } from '../../src/lib/math/denseKernels';

/** Direct dense ridge: (X_train'X_train + lam I)^-1 X_train'y over the rows outside [from, to). */
function denseRidge(x: Float64Array, n: number, m: number, y: Float64Array, from: number, to: number, lam: number, rowOk = (_i: number) => true): Float64Array {
  const a = new Float64Array(m * m), b = new Float64Array(m);
  for (let i = 0; i < n; i++) if ((i < from || i >= to) && rowOk(i)) for (let u = 0; u < m; u++) {
    b[u] += x[u * n + i] * y[i];
    for (let v = 0; v < m; v++) a[u * m + v] += x[u * n + i] * x[v * n + i];
  }
  for (let u = 0; u < m; u++) a[u * m + u] += lam;
  return solveLinear(a, m, b)!;
}

describe('ridgeLevel0', () => {
  it('matches a direct dense ridge solve per fold to 1e-8 (odd sizes: 3 folds of 20, 23, 17 rows; 7 variants)', () => {
    const rng = createRng(3);
    const n = 60, m = 7, R = 2, lambdas = [0.5, 4, 50];
    const offsets = foldOffsets([20, 23, 17]);
    const g = Float64Array.from({ length: n * m }, () => rng.normal());
    const y = Float64Array.from({ length: n * R }, () => rng.normal());
    const out = ridgeLevel0(columns(g, n, m), columns(y, n, R), offsets, lambdas);
    for (let k = 0; k < 3; k++) for (let r = 0; r < R; r++) lambdas.forEach((lam, l) => {
      const beta = denseRidge(g, n, m, y.subarray(r * n, (r + 1) * n), offsets[k], offsets[k + 1], lam);
      for (let i = offsets[k]; i < offsets[k + 1]; i++) {
        let p = 0;
        for (let u = 0; u < m; u++) p += g[u * n + i] * beta[u];
        expect(Math.abs(out[(r * lambdas.length + l) * n + i] - p)).toBeLessThan(1e-8);
      }
    });
  });
});

describe('ridgeLevel1', () => {
  it('picks the tau of least out-of-fold squared error and keeps each fold model (dense solve, 1e-8); missing rows left out', () => {
    const rng = createRng(8);
    const n = 90, P = 11, taus = [0.1, 3, 40, 900];
    const offsets = foldOffsets([30, 31, 29]);
    const x = Float64Array.from({ length: n * P }, () => rng.normal());
    const y = Float64Array.from({ length: n }, (_, i) => 0.3 * x[i] - 0.2 * x[2 * n + i] + rng.normal());
    const ok = (i: number) => i % 13 !== 5;
    for (let i = 0; i < n; i++) if (!ok(i)) { y[i] = 0; for (let j = 0; j < P; j++) x[j * n + i] = 0; }
    const nObs = Array.from({ length: n }, (_, i) => ok(i)).filter(Boolean).length;
    const fit = ridgeLevel1(columns(x, n, P), y, offsets, nObs, taus);
    const sse = taus.map((tau) => {
      let s = 0;
      for (let k = 0; k < 3; k++) {
        const beta = denseRidge(x, n, P, y, offsets[k], offsets[k + 1], tau, ok);
        for (let i = offsets[k]; i < offsets[k + 1]; i++) if (ok(i)) {
          let p = 0;
          for (let u = 0; u < P; u++) p += x[u * n + i] * beta[u];
          s += (y[i] - p) ** 2;
        }
      }
      return s;
    });
    const best = sse.indexOf(Math.min(...sse));
    expect(fit.tauIndex).toBe(best);
    sse.forEach((s, q) => expect(Math.abs(fit.mse[q] - s / nObs)).toBeLessThan(1e-10));
    for (let k = 0; k < 3; k++) {
      const beta = denseRidge(x, n, P, y, offsets[k], offsets[k + 1], taus[best], ok);
      for (let u = 0; u < P; u++) expect(Math.abs(fit.beta[k][u] - beta[u])).toBeLessThan(1e-8);
    }
  });
});

import { locoRidge } from '../../src/lib/relate/locoRidge';
import { packDosages } from '../../src/lib/io/writeBed';
import { memSource } from '../assoc/memSource';
import type { GenotypeChunk } from '../../src/lib/io/GenotypeSource';

/** n samples, m variants over `chroms` chromosomes; y = sum of small effects (h2 0.5) + noise. */
function polygenic(seed: number, n: number, m: number, chroms: number) {
  const rng = createRng(seed);
  const dos = new Float64Array(m * n);
  const gv = Array.from({ length: chroms }, () => new Float64Array(n));
  const chrom: string[] = [];
  for (let v = 0; v < m; v++) {
    const c = Math.floor((v * chroms) / m);
    chrom.push(String(c + 1));
    const p = 0.1 + 0.4 * rng.next();
    const b = rng.normal();
    for (let i = 0; i < n; i++) {
      const d = (rng.next() < p ? 1 : 0) + (rng.next() < p ? 1 : 0);
      dos[v * n + i] = rng.next() < 0.01 ? -1 : d;
      gv[c][i] += b * (d - 2 * p);
    }
  }
  const g = new Float64Array(n);
  for (const a of gv) for (let i = 0; i < n; i++) g[i] += a[i];
  const sd = Math.sqrt(g.reduce((s, x) => s + x * x, 0) / n);
  const y = Float64Array.from(g, (x) => x / sd + rng.normal());
  const y2 = Float64Array.from(y, (x) => 0.5 * x + rng.normal());
  const packed = packDosages(dos, n, m);
  const bytesPerVariant = Math.ceil(n / 4);
  const chunk: GenotypeChunk = {
    start: 0, count: m, nSamples: n, bytesPerVariant, packed,
    variants: { chrom, pos: Int32Array.from({ length: m }, (_, v) => 1000 + v * 100), id: chrom.map((_, v) => `v${v}`), ref: chrom.map(() => 'A'), alt: chrom.map(() => 'C') },
  };
  return { chunk, y, y2, gv: gv.map((a) => Float64Array.from(a, (x) => x / sd)), age: Float64Array.from({ length: n }, () => 40 + 30 * rng.next()) };
}

function corr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0, k = 0;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) continue;
    sa += a[i]; sb += b[i]; saa += a[i] * a[i]; sbb += b[i] * b[i]; sab += a[i] * b[i]; k++;
  }
  return (sab - (sa * sb) / k) / Math.sqrt((saa - (sa * sa) / k) * (sbb - (sb * sb) / k));
}

describe('locoRidge on a polygenic response (n 1200, 3000 variants, 4 chromosomes, h2 0.5)', () => {
  const d = polygenic(11, 1200, 3000, 4);
  const covariates = [{ name: 'age', values: d.age }];
  it('predicts the genetic value, leaves out the tested chromosome, and serves many responses in one pass', async () => {
    const src = memSource(d.chunk, 256);
    const both = await locoRidge(src, { responses: [{ name: 'y', values: d.y }, { name: 'y2', values: d.y2 }], covariates }, { blockSize: 100 });
    expect(both.chromosomes).toEqual(['1', '2', '3', '4']);
    expect(both.nAnalysed).toBe(1200);
    // Out-of-fold R^2 of the whole-genome prediction: measured 0.073; the ridge ceiling for h2 0.5 at n/m = 0.4
    // is about h2 (h2 n/m) / (1 + h2 n/m) = 0.083.
    expect(both.level1[0].r2).toBeGreaterThan(0.05);
    for (let c = 0; c < 4; c++) {
      const pred = both.prediction(0, String(c + 1));
      // The LOCO prediction for chromosome c follows the other chromosomes' genetic value, not chromosome c's.
      const other = Float64Array.from(d.y, (_, i) => d.gv.reduce((s, a, k) => s + (k === c ? 0 : a[i]), 0));
      const rOther = corr(pred, other);
      expect(rOther).toBeGreaterThan(0.2);
      // Some of chromosome c's signal reaches the others' ridge fits through chance correlations at n < m
      // (measured up to 0.12); it stays well under the correlation with the other chromosomes.
      expect(Math.abs(corr(pred, d.gv[c]))).toBeLessThan(0.5 * rOther);
      const adj = Float64Array.from(d.y, (x, i) => x - pred[i]);
      expect(Math.abs(corr(adj, other))).toBeLessThan(corr(d.y, other));
    }
    // One response alone gives the same predictions as two in one pass.
    const one = await locoRidge(src, { responses: [{ name: 'y', values: d.y }], covariates }, { blockSize: 100 });
    const a = one.prediction(0, '2'), b = both.prediction(0, '2');
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-9);
  }, 60_000);

  it('changing chromosome 3 genotypes barely moves its LOCO prediction; missing values; cancel', async () => {
    const e = polygenic(11, 1200, 3000, 4);
    const bpv = e.chunk.bytesPerVariant;
    const from = e.chunk.variants.chrom.indexOf('3'), to = e.chunk.variants.chrom.lastIndexOf('3') + 1;
    const changed = { ...e.chunk, packed: e.chunk.packed!.slice() };
    for (let v = from; v < to; v++) changed.packed.copyWithin(v * bpv, ((v + 7 - from) % (to - from) + from) * bpv, ((v + 7 - from) % (to - from) + from + 1) * bpv);
    const y = d.y.slice();
    y[5] = NaN;
    const age = d.age.slice();
    age[9] = NaN;
    const r1 = await locoRidge(memSource(e.chunk, 256), { responses: [{ name: 'y', values: y }], covariates: [{ name: 'age', values: age }] }, { blockSize: 100 });
    const r2 = await locoRidge(memSource(changed, 256), { responses: [{ name: 'y', values: y }], covariates: [{ name: 'age', values: age }] }, { blockSize: 100 });
    expect(r1.nAnalysed).toBe(1199);
    const p1 = r1.prediction(0, '3'), p2 = r2.prediction(0, '3');
    expect(Number.isNaN(p1[9])).toBe(true);
    // As in regenie, the level-1 weights are fitted on every block, so chromosome 3's genotypes reach its LOCO
    // prediction only through the other blocks' weights: it moves far less than a prediction that uses chromosome 3.
    const change = (c: string) => Math.sqrt(Array.from(r1.prediction(0, c), (x, i) => (i === 9 ? 0 : (x - r2.prediction(0, c)[i]) ** 2)).reduce((s, v) => s + v, 0));
    console.log(`LOCO change: chr3 ${change('3').toExponential(3)}, chr1 ${change('1').toExponential(3)}`);
    expect(change('3')).toBeLessThan(0.25 * change('1'));
    const ac = new AbortController();
    ac.abort();
    await expect(locoRidge(memSource(e.chunk, 256), { responses: [{ name: 'y', values: y }], covariates: [] }, { signal: ac.signal })).rejects.toThrow();
  }, 60_000);
});

import { createNodeLocoPool } from '../../src/platform/node/nodeLocoPool';

describe('locoRidge on worker threads (level-0 blocks and per-response level 1)', () => {
  it('gives bit-identical predictions to the in-thread step (2 workers, blocks across chunk boundaries, a missing response)', async () => {
    const d = polygenic(12, 700, 1500, 3);
    const y = d.y.slice();
    y[4] = NaN;
    const input = { responses: [{ name: 'y', values: y }, { name: 'y2', values: d.y2 }], covariates: [{ name: 'age', values: d.age }] };
    const inThread = await locoRidge(memSource(d.chunk, 333), input, { blockSize: 90 });
    const pool = createNodeLocoPool(2);
    try {
      const pooled = await locoRidge(memSource(d.chunk, 333), input, { blockSize: 90, pool });
      expect(pooled.nBlocks).toBe(inThread.nBlocks);
      expect(pooled.level1).toEqual(inThread.level1);
      for (let r = 0; r < 2; r++) for (const c of ['1', '2', '3']) expect(pooled.prediction(r, c)).toEqual(inThread.prediction(r, c));
    } finally {
      await pool.close();
    }
  }, 60_000);
});
