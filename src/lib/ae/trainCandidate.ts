/**
 * Trains one autoencoder candidate with a hand-written tfjs loop (no model.fit): per mini-batch one
 * optimizer.minimize over plain tf.Variables, fused matMul+bias, masked squared error on observed cells.
 * Early stopping on the validation loss with patience; the weights of the best epoch are kept. The loop
 * yields to the event loop after each epoch (so a Web Worker sees cancel messages) and stops at the next
 * batch boundary when the signal aborts, returning the best weights so far.
 *
 * Backend: whatever tf.getBackend() is when called (the caller chooses). Tensors: every tensor made here is
 * disposed before return (tests assert tf.memory().numTensors does not grow).
 */
import * as tf from '@tensorflow/tfjs';
import { autoBatchSize, type Activation, type AeConfig, type BinaryLoss } from './AeConfig';
import { initAeWeights, type AeWeights, type DenseWeights } from './AeWeights';
import { createRng } from '../math/rng';
import { denseOp } from './denseOp';
import { maskedLoss } from './maskedLoss';

/** Training data: rows x p prepared values (missing = 0) and mask, and which rows train / validate. */
export interface AeData {
  values: Float32Array;
  mask: Uint8Array;
  n: number;
  p: number;
  /** 1 for 0/1 columns (only used with binaryLoss 'cross-entropy'). */
  binary: Uint8Array;
}

export interface EpochReport {
  candidate: number;
  epoch: number;
  trainLoss: number;
  valLoss: number;
  /** Seconds since this candidate started. */
  seconds: number;
}

export interface CandidateSpec {
  index: number;
  hidden: number[];
  seed: number;
}

export interface CandidateResult {
  index: number;
  hidden: number[];
  seed: number;
  /** Epochs run (including the patience epochs after the best one). */
  epochs: number;
  /** 1-based epoch whose weights were kept. */
  bestEpoch: number;
  /** Training loss (masked, averaged over the epoch's batches) at the best epoch. */
  trainLoss: number;
  /** Masked MSE over the validation cells at the best epoch. */
  valLoss: number;
  history: { trainLoss: number[]; valLoss: number[] };
  seconds: number;
  stoppedEarly: boolean;
  cancelled: boolean;
  weights: AeWeights;
}

export type TrainSettings = Pick<
  AeConfig,
  | 'latent'
  | 'activation'
  | 'dropout'
  | 'inputNoise'
  | 'l2'
  | 'batchSize'
  | 'learningRate'
  | 'maxEpochs'
  | 'patience'
  | 'minDelta'
  | 'binaryLoss'
>;

export interface TrainCandidateOptions {
  onEpoch?: (r: EpochReport) => void;
  signal?: AbortSignal;
}

/** Train rows and validation rows, as indices into the data's rows. */
export interface RowSplit {
  train: Int32Array;
  val: Int32Array;
}

interface LayerVars {
  w: tf.Variable;
  b: tf.Variable;
  activation: Activation;
}

export async function trainCandidate(
  data: AeData,
  split: RowSplit,
  spec: CandidateSpec,
  s: TrainSettings,
  opts: TrainCandidateOptions = {},
): Promise<CandidateResult> {
  const t0 = performance.now();
  const { p } = data;
  const rng = createRng(spec.seed);
  const init = initAeWeights(p, spec.hidden, s.latent, s.activation, rng.fork());
  const vars: LayerVars[] = init.layers.map((l) => {
    const w0 = tf.tensor2d(l.kernel, [l.inDim, l.outDim]);
    const b0 = tf.tensor1d(l.bias);
    const v = { w: tf.variable(w0), b: tf.variable(b0), activation: l.activation };
    w0.dispose();
    b0.dispose();
    return v;
  });
  const varList = vars.flatMap((v) => [v.w, v.b]);
  const optimizer = tf.train.adam(s.learningRate);
  const xent = s.binaryLoss === 'cross-entropy' ? binaryColumnMask(data) : null;
  const xentT = xent ? tf.tensor1d(xent) : null;
  const contT = xent ? tf.tensor1d(xent.map((v) => 1 - v)) : null;

  const bs = Math.min(s.batchSize > 0 ? s.batchSize : autoBatchSize(split.train.length), Math.max(1, split.train.length));
  const bufX = new Float32Array(bs * p);
  const bufM = new Float32Array(bs * p);
  const order = Int32Array.from(split.train);
  const history = { trainLoss: [] as number[], valLoss: [] as number[] };
  let best = Infinity;
  let bestEpoch = 0;
  let bestTrain = NaN;
  let bestWeights: AeWeights | null = null;
  let sinceBest = 0;
  let cancelled = false;
  let stoppedEarly = false;
  let epoch = 0;

  const forward = (x: tf.Tensor2D, training: boolean, dropSeed: number): tf.Tensor2D => {
    let h = x;
    for (let l = 0; l < vars.length; l++) {
      const v = vars[l];
      h = training
        ? denseOp(h, v.w as tf.Tensor2D, v.b as tf.Tensor1D, v.activation, l > 0)
        : applyActivation(tf.fused.matMul({ a: h, b: v.w as tf.Tensor2D, bias: v.b }) as tf.Tensor2D, v.activation);
      const hiddenLayer = l < vars.length - 1 && l !== init.bottleneck;
      if (training && s.dropout > 0 && hiddenLayer) h = tf.dropout(h, s.dropout, undefined, dropSeed + l) as tf.Tensor2D;
    }
    return h;
  };

  try {
    for (epoch = 1; epoch <= s.maxEpochs; epoch++) {
      shuffleInPlace(order, rng);
      // the epoch's loss sum stays on the device (one read per epoch: no per-batch stall on webgpu)
      let acc: tf.Tensor | null = null;
      let cells = 0;
      for (let b0 = 0; b0 < order.length; b0 += bs) {
        if (opts.signal?.aborted) {
          cancelled = true;
          break;
        }
        const m = Math.min(bs, order.length - b0);
        const count = gather(data, order, b0, m, bufX, bufM);
        if (count === 0) continue;
        const noiseSeed = rng.int(2 ** 31);
        const dropSeed = rng.int(2 ** 31);
        const cost = tf.tidy(() => {
          const xb = tf.tensor2d(m === bs ? bufX : bufX.subarray(0, m * p), [m, p]);
          const mb = tf.tensor2d(m === bs ? bufM : bufM.subarray(0, m * p), [m, p]);
          return optimizer.minimize(
            () => {
              let xin: tf.Tensor2D = xb;
              if (s.inputNoise > 0) xin = tf.add(xb, tf.mul(tf.randomNormal([m, p], 0, s.inputNoise, 'float32', noiseSeed), mb));
              const out = forward(xin, true, dropSeed);
              let loss = tf.div(maskedLoss(out, xb, mb, xentT, contT), count) as tf.Scalar;
              if (s.l2 > 0) {
                let pen: tf.Tensor = tf.scalar(0);
                for (const v of vars) pen = tf.add(pen, tf.sum(tf.square(v.w)));
                loss = tf.add(loss, tf.mul(pen, s.l2)) as tf.Scalar;
              }
              return loss;
            },
            true,
            varList,
          ) as tf.Scalar;
        });
        const prev: tf.Tensor | null = acc;
        acc = tf.tidy(() => (prev ? tf.add(prev, tf.mul(cost, count)) : tf.mul(cost, count)));
        prev?.dispose();
        cost.dispose();
        cells += count;
      }
      const sse = acc ? (await acc.data())[0] : 0;
      acc?.dispose();
      if (cancelled) break;
      const trainLoss = cells > 0 ? sse / cells : NaN;
      const valLoss = await validationLoss(data, split.val, bs, forward, xent);
      history.trainLoss.push(trainLoss);
      history.valLoss.push(valLoss);
      opts.onEpoch?.({ candidate: spec.index, epoch, trainLoss, valLoss, seconds: (performance.now() - t0) / 1000 });
      if (valLoss < best || bestWeights === null) {
        // keep the weights of any better epoch; only a relative gain above minDelta resets the patience
        const enough = !(best < Infinity) || valLoss < best * (1 - s.minDelta);
        best = valLoss;
        bestEpoch = epoch;
        bestTrain = trainLoss;
        bestWeights = await readWeights(vars, init);
        sinceBest = enough ? 0 : sinceBest + 1;
      } else sinceBest++;
      if (sinceBest >= s.patience) {
        stoppedEarly = true;
        break;
      }
      await new Promise<void>((r) => setTimeout(r, 0));
      if (opts.signal?.aborted) {
        cancelled = true;
        break;
      }
    }
  } finally {
    for (const v of vars) {
      v.w.dispose();
      v.b.dispose();
    }
    optimizer.dispose();
    xentT?.dispose();
    contT?.dispose();
  }
  const epochs = history.valLoss.length;
  return {
    index: spec.index,
    hidden: spec.hidden,
    seed: spec.seed,
    epochs,
    bestEpoch,
    trainLoss: bestTrain,
    valLoss: best,
    history,
    seconds: (performance.now() - t0) / 1000,
    stoppedEarly,
    cancelled,
    weights: bestWeights ?? init,
  };
}

function applyActivation(h: tf.Tensor2D, a: Activation): tf.Tensor2D {
  switch (a) {
    case 'linear':
      return h;
    case 'elu':
      return tf.elu(h);
    case 'relu':
      return tf.relu(h);
    case 'tanh':
      return tf.tanh(h);
    default:
      throw new Error(`unknown activation: ${String(a)}`);
  }
}

/** Masked MSE over all validation cells (binary columns under cross-entropy: squared error of sigmoid). */
async function validationLoss(
  data: AeData,
  rows: Int32Array,
  bs: number,
  forward: (x: tf.Tensor2D, training: boolean, seed: number) => tf.Tensor2D,
  xent: Float32Array | null,
): Promise<number> {
  if (rows.length === 0) return NaN;
  const { p } = data;
  const chunk = Math.max(bs, 1024);
  const bufX = new Float32Array(chunk * p);
  const bufM = new Float32Array(chunk * p);
  const xentT = xent ? tf.tensor1d(xent) : null;
  let sse = 0;
  let cells = 0;
  try {
    for (let b0 = 0; b0 < rows.length; b0 += chunk) {
      const m = Math.min(chunk, rows.length - b0);
      const count = gather(data, rows, b0, m, bufX, bufM);
      const t = tf.tidy(() => {
        const xb = tf.tensor2d(bufX.subarray(0, m * p), [m, p]);
        const mb = tf.tensor2d(bufM.subarray(0, m * p), [m, p]);
        let out = forward(xb, false, 0);
        if (xentT) out = tf.add(tf.mul(out, tf.sub(1, xentT)), tf.mul(tf.sigmoid(out), xentT));
        return tf.sum(tf.mul(tf.squaredDifference(out, xb), mb));
      });
      sse += (await t.data())[0];
      t.dispose();
      cells += count;
    }
  } finally {
    xentT?.dispose();
  }
  return cells > 0 ? sse / cells : NaN;
}

/** Copies rows order[b0..b0+m) into the batch buffers; returns the number of observed cells. */
function gather(data: AeData, order: Int32Array, b0: number, m: number, bufX: Float32Array, bufM: Float32Array): number {
  const { p, values, mask } = data;
  let count = 0;
  for (let r = 0; r < m; r++) {
    const src = order[b0 + r] * p;
    const dst = r * p;
    bufX.set(values.subarray(src, src + p), dst);
    for (let j = 0; j < p; j++) {
      const o = mask[src + j];
      bufM[dst + j] = o;
      count += o;
    }
  }
  return count;
}

function shuffleInPlace(a: Int32Array, rng: { int(n: number): number }): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

async function readWeights(vars: LayerVars[], like: AeWeights): Promise<AeWeights> {
  const layers: DenseWeights[] = [];
  for (let l = 0; l < vars.length; l++) {
    const ref = like.layers[l];
    const kernel = (await vars[l].w.data()) as Float32Array;
    const bias = (await vars[l].b.data()) as Float32Array;
    layers.push({ ...ref, kernel: Float32Array.from(kernel), bias: Float32Array.from(bias) });
  }
  return { layers, bottleneck: like.bottleneck };
}

/** 1 for columns trained with cross-entropy; checks their observed values are 0 or 1. */
function binaryColumnMask(data: AeData): Float32Array {
  const { n, p, values, mask, binary } = data;
  const out = new Float32Array(p);
  for (let j = 0; j < p; j++) {
    if (!binary[j]) continue;
    for (let i = 0; i < n; i++) {
      const v = values[i * p + j];
      if (mask[i * p + j] && v !== 0 && v !== 1) {
        throw new RangeError(`cross-entropy loss: binary column ${j + 1} holds ${v} in row ${i + 1}; expected 0 or 1 (prepare binary columns without scaling, or use binaryLoss 'mse')`);
      }
    }
    out[j] = 1;
  }
  return out;
}

export type { BinaryLoss };
