/**
 * The autoencoder as plain arrays: a stack of dense layers, input -> hidden... -> bottleneck (linear, k units)
 * -> hidden... -> output (linear). This is what training produces, what the rotation is folded into, what is
 * saved in tfjs format (modelArtifacts.ts), and what `encodeRows` evaluates in float64 JavaScript, so that
 * the HSVs of a saved model do not depend on the backend that trained it.
 */
import type { Activation } from './AeConfig';
import type { Rng } from '../math/rng';

export interface DenseWeights {
  inDim: number;
  outDim: number;
  /** inDim x outDim, row-major (the tfjs Dense kernel layout). */
  kernel: Float32Array;
  bias: Float32Array;
  activation: Activation;
}

export interface AeWeights {
  layers: DenseWeights[];
  /** Index of the bottleneck layer in `layers`; layers[0..bottleneck] form the encoder. */
  bottleneck: number;
}

/** Layer sizes of input p, hidden sizes [h1, (h2)] and bottleneck k: p h1 (h2) k (h2) h1 p. */
export function aeShape(p: number, hidden: number[], k: number): number[] {
  return [p, ...hidden, k, ...[...hidden].reverse(), p];
}

/** Glorot-uniform kernels (as Keras' default), zero biases, from a seeded stream: same seed, same weights. */
export function initAeWeights(p: number, hidden: number[], k: number, activation: Activation, rng: Rng): AeWeights {
  const sizes = aeShape(p, hidden, k);
  const layers: DenseWeights[] = [];
  const bottleneck = hidden.length;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inDim = sizes[l];
    const outDim = sizes[l + 1];
    const limit = Math.sqrt(6 / (inDim + outDim));
    const kernel = new Float32Array(inDim * outDim);
    for (let i = 0; i < kernel.length; i++) kernel[i] = (2 * rng.next() - 1) * limit;
    const isLinear = l === bottleneck || l === sizes.length - 2;
    layers.push({ inDim, outDim, kernel, bias: new Float32Array(outDim), activation: isLinear ? 'linear' : activation });
  }
  return { layers, bottleneck };
}

export function cloneAeWeights(w: AeWeights): AeWeights {
  return {
    bottleneck: w.bottleneck,
    layers: w.layers.map((l) => ({ ...l, kernel: Float32Array.from(l.kernel), bias: Float32Array.from(l.bias) })),
  };
}

export function hiddenSizes(w: AeWeights): number[] {
  return w.layers.slice(0, w.bottleneck).map((l) => l.outDim);
}

export function latentDim(w: AeWeights): number {
  return w.layers[w.bottleneck].outDim;
}

export function inputDim(w: AeWeights): number {
  return w.layers[0].inDim;
}

function activate(a: Activation, x: number): number {
  switch (a) {
    case 'linear':
      return x;
    case 'elu':
      return x > 0 ? x : Math.expm1(x);
    case 'relu':
      return x > 0 ? x : 0;
    case 'tanh':
      return Math.tanh(x);
    default:
      throw new Error(`unknown activation: ${String(a)}`);
  }
}

/**
 * Runs layers[from..to) on `rows` rows of `input` (rows x layers[from].inDim, row-major) in float64.
 * Zero inputs are skipped (missing cells are 0 after preparation).
 */
export function runLayers(w: AeWeights, from: number, to: number, input: ArrayLike<number>, rows: number): Float64Array {
  let cur: ArrayLike<number> = input;
  for (let l = from; l < to; l++) {
    const { inDim, outDim, kernel, bias, activation } = w.layers[l];
    const out = new Float64Array(rows * outDim);
    for (let r = 0; r < rows; r++) {
      const o = r * outDim;
      for (let j = 0; j < outDim; j++) out[o + j] = bias[j];
      const ib = r * inDim;
      for (let i = 0; i < inDim; i++) {
        const x = cur[ib + i];
        if (x === 0) continue;
        const kb = i * outDim;
        for (let j = 0; j < outDim; j++) out[o + j] += x * kernel[kb + j];
      }
      if (activation !== 'linear') for (let j = 0; j < outDim; j++) out[o + j] = activate(activation, out[o + j]);
    }
    cur = out;
  }
  return cur instanceof Float64Array ? cur : Float64Array.from(cur);
}

/** Bottleneck codes (rows x k) of rows x p prepared inputs. Chunked so memory stays small for large n. */
export function encodeRows(w: AeWeights, values: Float32Array, rows: number): Float64Array {
  const p = inputDim(w);
  const k = latentDim(w);
  const out = new Float64Array(rows * k);
  const chunk = 1024;
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const m = Math.min(chunk, rows - r0);
    const codes = runLayers(w, 0, w.bottleneck + 1, values.subarray(r0 * p, (r0 + m) * p), m);
    out.set(codes, r0 * k);
  }
  return out;
}

/** Output layer (rows x p, linear: logits for cross-entropy columns) from codes (rows x k). */
export function decodeRows(w: AeWeights, codes: ArrayLike<number>, rows: number): Float64Array {
  return runLayers(w, w.bottleneck + 1, w.layers.length, codes, rows);
}
