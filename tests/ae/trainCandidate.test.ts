import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { trainCandidate, type TrainSettings } from '../../src/lib/ae/trainCandidate';
import { denseOp } from '../../src/lib/ae/denseOp';
import { maskedLoss } from '../../src/lib/ae/maskedLoss';
import { encodeRows, decodeRows } from '../../src/lib/ae/AeWeights';
import { splitRows } from '../../src/lib/ae/splitRows';
import { useBackend, lowRankMatrix } from './helpers';

const base: TrainSettings = {
  latent: 2, activation: 'elu', dropout: 0, inputNoise: 0, l2: 0, batchSize: 32, learningRate: 0.005,
  maxEpochs: 8, patience: 100, minDelta: 0, binaryLoss: 'mse',
};

function dataOf(seed: number, missing = 0.1) {
  const { matrix } = lowRankMatrix(200, 10, 2, 0.3, missing, seed);
  return { values: matrix.values, mask: matrix.mask, n: matrix.n, p: matrix.p, binary: matrix.binary };
}
const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('denseOp (custom gradient)', () => {
  for (const act of ['elu', 'tanh', 'relu', 'linear'] as const) {
    it(`gradients equal tfjs autodiff of matMul+bias+${act} (1e-4)`, async () => {
      await useBackend('cpu');
      const x = tf.randomNormal([7, 5], 0, 1, 'float32', 1) as tf.Tensor2D;
      const w = tf.randomNormal([5, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
      const b = tf.randomNormal([4], 0, 1, 'float32', 3) as tf.Tensor1D;
      const t = tf.randomNormal([7, 4], 0, 1, 'float32', 4);
      const ref = (xx: tf.Tensor2D, ww: tf.Tensor2D, bb: tf.Tensor1D) => {
        const z = tf.add(tf.matMul(xx, ww), bb) as tf.Tensor2D;
        return act === 'elu' ? tf.elu(z) : act === 'tanh' ? tf.tanh(z) : act === 'relu' ? tf.relu(z) : z;
      };
      const lossOf = (f: (a: tf.Tensor2D, c: tf.Tensor2D, d: tf.Tensor1D) => tf.Tensor) => (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
        tf.sum(tf.square(tf.sub(f(a as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor1D), t)));
      const g1 = tf.grads(lossOf(ref))([x, w, b]);
      const g2 = tf.grads(lossOf((a, c, d) => denseOp(a, c, d, act, true)))([x, w, b]);
      for (let i = 0; i < 3; i++) {
        const a = g1[i].dataSync(), c = g2[i].dataSync();
        for (let j = 0; j < a.length; j++) expect(Math.abs(a[j] - c[j])).toBeLessThan(1e-4 * (1 + Math.abs(a[j])));
      }
      tf.dispose([x, w, b, t, ...g1, ...g2]);
    });
  }
});

describe('maskedLoss', () => {
  it('sums squared error over observed cells only; garbage in masked cells changes nothing', async () => {
    await useBackend('cpu');
    const out = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const x = tf.tensor2d([[1.5, 0, 2], [4, 100, 7]]);
    const x2 = tf.tensor2d([[1.5, -999, 2], [4, 1e6, 7]]);
    const m = tf.tensor2d([[1, 0, 1], [1, 0, 1]]);
    const a = maskedLoss(out, x, m), b = maskedLoss(out, x2, m);
    expect(a.dataSync()[0]).toBeCloseTo(0.25 + 1 + 0 + 1, 6);
    expect(b.dataSync()[0]).toBe(a.dataSync()[0]);
    // cross-entropy on column 0 (0/1 targets): softplus(z) - x z
    const xe = tf.tensor1d([1, 0, 0]), ct = tf.tensor1d([0, 1, 1]);
    const xb = tf.tensor2d([[1, 0, 2], [0, 100, 7]]);
    const c = maskedLoss(out, xb, m, xe, ct);
    const sp = (z: number) => Math.log1p(Math.exp(z));
    expect(c.dataSync()[0]).toBeCloseTo(sp(1) - 1 + (sp(4) - 0) + 1 + 1, 5);
    tf.dispose([out, x, x2, m, a, b, xe, ct, xb, c]);
  });
});

describe('trainCandidate', () => {
  it('masked loss: the reported validation loss is the MSE over observed cells only', async () => {
    await useBackend('cpu');
    const d1 = dataOf(1);
    const split = splitRows(all(200), 0.2, 1);
    const spec = { index: 0, hidden: [6], seed: 5 };
    const r1 = await trainCandidate(d1, split, spec, { ...base, maxEpochs: 3 });
    // and the reported validation loss is the masked MSE of the model's reconstruction over observed cells
    const w = r1.weights;
    const codes = encodeRows(w, packRows(d1.values, split.val, 10), split.val.length);
    const rec = decodeRows(w, codes, split.val.length);
    let sse = 0, cells = 0;
    split.val.forEach((row, r) => {
      for (let j = 0; j < 10; j++) if (d1.mask[row * 10 + j]) { sse += (rec[r * 10 + j] - d1.values[row * 10 + j]) ** 2; cells++; }
    });
    expect(Math.abs(sse / cells - r1.valLoss)).toBeLessThan(1e-5);
    let cellsAll = 0;
    split.val.forEach((row) => { for (let j = 0; j < 10; j++) cellsAll += 1; });
    expect(cells).toBeLessThan(cellsAll); // there were missing cells to skip
  });

  it('early stopping: stops `patience` epochs after the best validation loss and keeps the best weights', async () => {
    await useBackend('cpu');
    // tiny training set and a big network overfit quickly: validation loss turns up
    const d = dataOf(2, 0);
    const split = { train: all(200).slice(0, 20), val: all(200).slice(100) };
    const r = await trainCandidate(d, split, { index: 0, hidden: [10], seed: 9 }, { ...base, latent: 3, maxEpochs: 400, patience: 5, learningRate: 0.02, batchSize: 4 });
    expect(r.stoppedEarly).toBe(true);
    expect(r.epochs).toBe(r.bestEpoch + 5);
    expect(r.epochs).toBeLessThan(400);
    const minVal = Math.min(...r.history.valLoss);
    expect(r.valLoss).toBe(minVal);
    expect(r.history.valLoss[r.bestEpoch - 1]).toBe(minVal);
    // the kept weights reproduce the best epoch's validation loss
    const codes = encodeRows(r.weights, packRows(d.values, split.val, 10), split.val.length);
    const rec = decodeRows(r.weights, codes, split.val.length);
    let sse = 0;
    split.val.forEach((row, i) => { for (let j = 0; j < 10; j++) sse += (rec[i * 10 + j] - d.values[row * 10 + j]) ** 2; });
    expect(Math.abs(sse / (split.val.length * 10) - minVal)).toBeLessThan(1e-5);
  });

  it('is deterministic on the cpu backend (same seed, same data, same settings -> same weights), with dropout and input noise', async () => {
    await useBackend('cpu');
    const d = dataOf(3);
    const split = splitRows(all(200), 0.25, 4);
    const s = { ...base, maxEpochs: 3, dropout: 0.1, inputNoise: 0.1, l2: 1e-4 };
    const a = await trainCandidate(d, split, { index: 0, hidden: [8], seed: 11 }, s);
    const b = await trainCandidate(d, split, { index: 0, hidden: [8], seed: 11 }, s);
    const c = await trainCandidate(d, split, { index: 0, hidden: [8], seed: 12 }, s);
    expect(b.history).toEqual(a.history);
    a.weights.layers.forEach((l, i) => expect(Array.from(b.weights.layers[i].kernel)).toEqual(Array.from(l.kernel)));
    expect(c.history.valLoss).not.toEqual(a.history.valLoss);
  });

  it('leaks no tensors across epochs and candidates, and reports every epoch', async () => {
    await useBackend('wasm');
    const d = dataOf(4);
    const split = splitRows(all(200), 0.2, 2);
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    for (let c = 0; c < 3; c++) {
      const counts: number[] = [];
      await trainCandidate(d, split, { index: c, hidden: [6, 4], seed: c + 1 }, { ...base, maxEpochs: 4, dropout: 0.2, inputNoise: 0.1, l2: 1e-3 }, {
        onEpoch: (e) => { seen.push(e.epoch); counts.push(tf.memory().numTensors); },
      });
      // during training: the variables and optimizer slots only, the same count at every epoch
      expect(new Set(counts).size).toBe(1);
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(seen).toEqual([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4]);
  });

  it('cancel: stops at the next batch and returns the best weights so far', async () => {
    await useBackend('wasm');
    const d = dataOf(5);
    const split = splitRows(all(200), 0.2, 2);
    const ac = new AbortController();
    const r = await trainCandidate(d, split, { index: 0, hidden: [6], seed: 1 }, { ...base, maxEpochs: 1000 }, {
      signal: ac.signal,
      onEpoch: (e) => { if (e.epoch === 3) ac.abort(); },
    });
    expect(r.cancelled).toBe(true);
    expect(r.epochs).toBe(3);
    expect(r.valLoss).toBe(Math.min(...r.history.valLoss));
  });

  it('cross-entropy on 0/1 columns trains and rejects non-0/1 values with a clear message', async () => {
    await useBackend('wasm');
    const d = dataOf(6, 0.05);
    const binary = new Uint8Array(10);
    binary[0] = 1;
    const values = Float32Array.from(d.values);
    for (let i = 0; i < 200; i++) values[i * 10] = d.mask[i * 10] ? (values[i * 10] > 0 ? 1 : 0) : 0;
    const split = splitRows(all(200), 0.2, 2);
    const r = await trainCandidate({ ...d, values, binary }, split, { index: 0, hidden: [6], seed: 1 }, { ...base, maxEpochs: 3, binaryLoss: 'cross-entropy' });
    expect(Number.isFinite(r.valLoss)).toBe(true);
    await expect(trainCandidate({ ...d, binary }, split, { index: 0, hidden: [6], seed: 1 }, { ...base, maxEpochs: 1, binaryLoss: 'cross-entropy' }))
      .rejects.toThrow(/^cross-entropy loss: binary column 1 holds .* in row \d+; expected 0 or 1/);
  });
});

function packRows(values: Float32Array, rows: Int32Array, p: number): Float32Array {
  const out = new Float32Array(rows.length * p);
  rows.forEach((r, i) => out.set(values.subarray(r * p, r * p + p), i * p));
  return out;
}
