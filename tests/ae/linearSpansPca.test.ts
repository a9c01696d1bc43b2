import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { trainAutoencoder } from '../../src/lib/ae/trainAutoencoder';
import { svd } from '../../src/lib/math/linalg';
import { symmetricEigen } from '../../src/lib/math/linalg';
import { useBackend, lowRankMatrix, largestPrincipalAngle } from './helpers';

describe('linear autoencoder', () => {
  it('spans the top-3 PCA subspace on rank-3 data + noise with 2% missing cells (largest angle < 0.2 rad)', async () => {
    await useBackend('wasm');
    const n = 600, p = 20, k = 3;
    const { matrix, complete } = lowRankMatrix(n, p, 3, 0.5, 0.02, 7);
    const res = await trainAutoencoder(matrix, {
      latent: k, activation: 'linear', candidates: 1, hidden: [12], maxEpochs: 300, patience: 20,
      learningRate: 0.01, batchSize: 64, rotate: 'none', seed: 3,
    });
    // top-3 PC scores of the complete (unmasked) standardized data
    const C = new Float64Array(p * p);
    for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) C[a * p + b] += complete[i * p + a] * complete[i * p + b];
    const { vectors } = symmetricEigen(C, p);
    const pcs = new Float64Array(n * k);
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += complete[i * p + j] * vectors[j * p + c];
      pcs[i * k + c] = s;
    }
    expect(res.rows.length).toBe(n);
    const angle = largestPrincipalAngle(res.hsv, k, pcs, k, n, svd);
    console.log(`linear AE vs top-3 PCs: largest principal angle ${angle.toFixed(4)} rad; AE val ${res.candidates[0].valLoss.toFixed(4)}, PCA val ${res.pca.valLoss.toFixed(4)}, epochs ${res.candidates[0].epochs}`);
    expect(angle).toBeLessThan(0.2);
    expect(tf.memory().numTensors).toBeLessThan(10);
  });
});
