/**
 * Folds the affine HSV map c = (h - mean) A into the autoencoder (float64 arithmetic, stored as float32):
 *   bottleneck layer  h = x W + b      ->  W' = W A,          b' = (b - mean) A
 *   next layer        y = h W2 + b2    ->  W2' = A^-1 W2,     b2' = b2 + mean W2
 * so that the bottleneck outputs c directly and the decoder computes the same pre-activation as before
 * (c A^-1 W2 + mean W2 + b2 = h W2 + b2): the reconstruction is unchanged up to float32 rounding.
 */
import { invert } from '../math/linalg';
import { cloneAeWeights, type AeWeights } from './AeWeights';

export function foldHsvTransform(w: AeWeights, mean: Float64Array, A: Float64Array): AeWeights {
  const out = cloneAeWeights(w);
  const bl = out.layers[w.bottleneck];
  const nl = out.layers[w.bottleneck + 1];
  const k = bl.outDim;
  if (mean.length !== k || A.length !== k * k) throw new Error(`foldHsvTransform: expected k = ${k}`);
  const Ainv = invert(A, k);
  if (!Ainv) throw new Error('foldHsvTransform: the HSV map is singular');
  const src = w.layers[w.bottleneck];
  const kernel = new Float32Array(src.inDim * k);
  const row = new Float64Array(k);
  for (let i = 0; i < src.inDim; i++) {
    for (let c = 0; c < k; c++) {
      let acc = 0;
      for (let a = 0; a < k; a++) acc += src.kernel[i * k + a] * A[a * k + c];
      row[c] = acc;
    }
    for (let c = 0; c < k; c++) kernel[i * k + c] = row[c];
  }
  const bias = new Float32Array(k);
  for (let c = 0; c < k; c++) {
    let acc = 0;
    for (let a = 0; a < k; a++) acc += (src.bias[a] - mean[a]) * A[a * k + c];
    bias[c] = acc;
  }
  bl.kernel = kernel;
  bl.bias = bias;
  const nsrc = w.layers[w.bottleneck + 1];
  const o = nsrc.outDim;
  const k2 = new Float32Array(k * o);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < o; j++) {
      let acc = 0;
      for (let a = 0; a < k; a++) acc += Ainv[c * k + a] * nsrc.kernel[a * o + j];
      k2[c * o + j] = acc;
    }
  }
  const b2 = new Float32Array(o);
  for (let j = 0; j < o; j++) {
    let acc = nsrc.bias[j];
    for (let a = 0; a < k; a++) acc += mean[a] * nsrc.kernel[a * o + j];
    b2[j] = acc;
  }
  nl.kernel = k2;
  nl.bias = b2;
  return out;
}
