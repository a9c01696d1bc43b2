import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { candidateCost, trainAutoencoder } from '../../src/lib/ae/trainAutoencoder';
import { drawCandidates } from '../../src/lib/ae/drawCandidates';
import { resolveAeConfig } from '../../src/lib/ae/AeConfig';
import { encodeRows } from '../../src/lib/ae/AeWeights';
import { useBackend, lowRankMatrix } from './helpers';

describe('random search', () => {
  it('draws hidden sizes in the range scaled to p, a seed each, reproducibly', () => {
    const c = resolveAeConfig({ latent: 4, candidates: 20, seed: 3, hiddenLayers: 2 });
    const a = drawCandidates(200, c);
    expect(a).toEqual(drawCandidates(200, c));
    expect(new Set(a.map((x) => x.seed)).size).toBe(20);
    for (const x of a) {
      expect(x.hidden[0]).toBeGreaterThanOrEqual(50); // 0.25 * 200
      expect(x.hidden[0]).toBeLessThanOrEqual(200);
      expect(x.hidden[1]).toBeGreaterThanOrEqual(8); // 2k
      expect(x.hidden[1]).toBeLessThanOrEqual(x.hidden[0]);
    }
    expect(new Set(a.map((x) => x.hidden[0])).size).toBeGreaterThan(5);
    expect(drawCandidates(200, { ...c, seed: 4 })).not.toEqual(a);
  });

  it('chooses the candidate with the lowest validation loss, reports every epoch, leaks no tensors across candidates', async () => {
    await useBackend('wasm');
    const { matrix } = lowRankMatrix(300, 16, 3, 0.4, 0.03, 5);
    const before = tf.memory().numTensors;
    const epochs: string[] = [];
    const res = await trainAutoencoder(matrix, { latent: 3, candidates: 4, seed: 2, maxEpochs: 15, batchSize: 32, learningRate: 0.01, hiddenFracMin: 0.05, hiddenFracMax: 1 }, {
      onEpoch: (e) => epochs.push(`${e.candidate}:${e.epoch}`),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(res.candidates.length).toBe(4);
    const vals = res.candidates.map((c) => c.valLoss);
    expect(res.best).toBe(vals.indexOf(Math.min(...vals)));
    for (const c of res.candidates) expect(epochs.filter((e) => e.startsWith(`${c.index}:`)).length).toBe(c.epochs);
    expect(new Set(vals).size).toBe(4);
    // the PCA baseline is scored on the same validation rows
    expect(res.pca.valLoss).toBeGreaterThan(0);
    expect(res.split.val.length).toBe(60);
  });

  it('same data, seed and settings give the same HSVs (cpu backend); another seed gives others', async () => {
    await useBackend('cpu');
    const { matrix } = lowRankMatrix(150, 10, 2, 0.4, 0.02, 8);
    const s = { latent: 2, candidates: 2, seed: 7, maxEpochs: 4, batchSize: 32, dropout: 0.1 };
    const a = await trainAutoencoder(matrix, s);
    const b = await trainAutoencoder(matrix, s);
    expect(Array.from(b.hsv)).toEqual(Array.from(a.hsv));
    const c = await trainAutoencoder(matrix, { ...s, seed: 8 });
    expect(Array.from(c.hsv)).not.toEqual(Array.from(a.hsv));
  });

  it('cancel keeps the best candidate so far; HSVs come from the folded model', async () => {
    await useBackend('wasm');
    const { matrix } = lowRankMatrix(200, 10, 2, 0.4, 0.02, 9);
    const ac = new AbortController();
    const res = await trainAutoencoder(matrix, { latent: 2, candidates: 5, seed: 1, maxEpochs: 50, patience: 50, batchSize: 32 }, {
      signal: ac.signal,
      onEpoch: (e) => { if (e.candidate === 1 && e.epoch === 2) ac.abort(); },
    });
    expect(res.cancelled).toBe(true);
    expect(res.candidates.length).toBe(2);
    expect(res.candidates[0].epochs).toBe(50);
    expect(res.candidates[1].epochs).toBe(2);
    const again = encodeRows(res.weights, matrix.values, matrix.n);
    expect(Array.from(again)).toEqual(Array.from(res.hsv));
    // interpretation is there: shares sum to 1, top phenotypes sorted by |corr|
    expect(res.interpretation.share.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 6);
    const t = res.interpretation.top[0];
    for (let i = 1; i < t.length; i++) expect(Math.abs(t[i].corr)).toBeLessThanOrEqual(Math.abs(t[i - 1].corr));
  });

  it('a participant with every phenotype missing gets no HSV and is counted', async () => {
    await useBackend('wasm');
    const { matrix } = lowRankMatrix(100, 6, 2, 0.4, 0, 10);
    for (let j = 0; j < 6; j++) { matrix.mask[5 * 6 + j] = 0; matrix.values[5 * 6 + j] = 0; }
    const res = await trainAutoencoder(matrix, { latent: 2, candidates: 1, maxEpochs: 2 });
    expect(res.rows.length).toBe(99);
    expect(Array.from(res.rows)).not.toContain(5);
    expect(res.excludedRows).toBe(1);
  });
});

import { createNodeTrainPool } from '../../src/platform/node/nodeTrainPool';

describe('random search on worker threads', () => {
  it('trains bit-identical candidates to one thread (wasm, 2 workers, 5 candidates with dropout), reports them in order, and cancels', async () => {
    await useBackend('wasm');
    const { matrix } = lowRankMatrix(240, 14, 3, 0.4, 0.03, 21);
    const s = { latent: 3, candidates: 5, seed: 4, maxEpochs: 8, patience: 3, batchSize: 32, dropout: 0.1, hiddenFracMin: 0.2, hiddenFracMax: 1 };
    const serial = await trainAutoencoder(matrix, s);
    const pool = createNodeTrainPool('wasm', 2);
    try {
      const order: number[] = [];
      const epochs: string[] = [];
      const par = await trainAutoencoder(matrix, s, { pool, onCandidate: (c) => order.push(c.index), onEpoch: (e) => epochs.push(`${e.candidate}:${e.epoch}`) });
      expect(order).toEqual([0, 1, 2, 3, 4]);
      // Largest candidates start first (the lanes end together); each candidate's first epoch shows its start.
      const started = [...new Set(epochs.map((e) => Number(e.split(':')[0])))];
      const cost = (i: number) => candidateCost(serial.candidates[i].hidden, matrix.p, 3);
      expect(Math.min(...started.slice(0, 2).map(cost))).toBeGreaterThanOrEqual(Math.max(...started.slice(2).map(cost)));
      const strip = (r: typeof serial) => r.candidates.map(({ seconds: _s, ...c }) => c);
      expect(strip(par)).toEqual(strip(serial));
      expect(par.best).toBe(serial.best);
      expect(par.weights).toEqual(serial.weights);
      expect(Array.from(par.hsv)).toEqual(Array.from(serial.hsv));
      for (const c of par.candidates) expect(epochs.filter((e) => e.startsWith(`${c.index}:`)).length).toBe(c.epochs);

      const ac = new AbortController();
      const cut = await trainAutoencoder(matrix, { ...s, maxEpochs: 60, patience: 60 }, {
        pool, signal: ac.signal, onEpoch: (e) => { if (e.epoch === 3) ac.abort(); },
      });
      expect(cut.cancelled).toBe(true);
      expect(cut.candidates.length).toBeLessThanOrEqual(2);
      for (const c of cut.candidates) expect(c.epochs).toBeLessThan(60);
    } finally {
      await pool.close();
    }
  }, 120_000);
});
