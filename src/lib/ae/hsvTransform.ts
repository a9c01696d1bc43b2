/**
 * The k x k linear map from the autoencoder's raw bottleneck codes h to the reported HSVs c = (h - mean) A:
 *
 *  - 'none': standardize each code (A = diag(1 / sd)); no reordering.
 *  - 'varimax' | 'promax': whiten the codes (z = (h - mean) V diag(1/sqrt(eigenvalues)) from the code
 *    covariance, so the z are uncorrelated with unit variance), take the loading matrix L = corr(z, phenotypes)
 *    (p x k), rotate it (rotation.ts: L_rot = L T) and rotate the codes to match (z codeRotation(T) = z t(T)^-1,
 *    equal to z T for varimax), then order the factors by variance explained (sum of squared loadings) and
 *    make each factor's largest loading positive (normalizeRotation), and finally rescale each HSV to unit
 *    variance.
 *
 * The whole map is one affine transform, folded into the model by foldHsvTransform so the decoder
 * reconstructs exactly as before and `encode` reproduces the HSVs.
 */
import { symmetricEigen } from '../math/linalg';
import { codeRotation, composeRotations, normalizeRotation, rotate } from './rotation';
import type { HsvRotation } from './AeConfig';
import { hsvCorrelations, type PhenoData } from './hsvCorrelations';

export interface HsvTransform {
  method: HsvRotation;
  k: number;
  /** Mean of the raw codes (length k). */
  mean: Float64Array;
  /** k x k, row-major: c = (h - mean) A. */
  A: Float64Array;
  /** p x k loadings of the whitened, unrotated codes (null for 'none'). */
  loadingsBefore: Float64Array | null;
  /** p x k pattern loadings after rotation, sign and order normalization (null for 'none'). */
  loadingsAfter: Float64Array | null;
}

export function hsvTransform(codes: Float64Array, k: number, data: PhenoData, rows: Int32Array, method: HsvRotation): HsvTransform {
  const m = rows.length;
  const mean = new Float64Array(k);
  for (let r = 0; r < m; r++) for (let h = 0; h < k; h++) mean[h] += codes[r * k + h];
  for (let h = 0; h < k; h++) mean[h] /= m;
  const cov = new Float64Array(k * k);
  for (let r = 0; r < m; r++) {
    for (let a = 0; a < k; a++) {
      const da = codes[r * k + a] - mean[a];
      for (let b = a; b < k; b++) cov[a * k + b] += da * (codes[r * k + b] - mean[b]);
    }
  }
  for (let a = 0; a < k; a++) for (let b = a; b < k; b++) cov[b * k + a] = cov[a * k + b] = cov[a * k + b] / (m - 1);

  if (method === 'none') {
    const A = new Float64Array(k * k);
    for (let h = 0; h < k; h++) A[h * k + h] = 1 / safeSd(cov[h * k + h]);
    return { method, k, mean, A, loadingsBefore: null, loadingsAfter: null };
  }
  switch (method) {
    case 'varimax':
    case 'promax':
      break;
    default:
      throw new Error(`unknown rotation: ${String(method)}`);
  }
  // whitening W = V diag(1/sqrt(lambda)); a dead code unit (lambda ~ 0) is floored so A stays invertible
  const { values, vectors } = symmetricEigen(cov, k);
  const floor = Math.max(values[0], 1e-300) * 1e-12;
  const W = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let c = 0; c < k; c++) W[a * k + c] = vectors[a * k + c] / Math.sqrt(Math.max(values[c], floor));
  const z = applyMap(codes, m, k, mean, W);
  const L = hsvCorrelations(z, k, data, rows);
  const p = data.p;
  const rot = rotate(method, L, p, k);
  const Tc = codeRotation(rot.rotation, k);
  const norm = normalizeRotation(rot.loadings, p, k);
  let A = composeRotations(composeRotations(W, Tc, k), norm.permutation, k);
  // unit variance of each final code: its variance is diag(A' cov A)
  const sd = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let v = 0;
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) v += A[a * k + c] * cov[a * k + b] * A[b * k + c];
    sd[c] = safeSd(v);
  }
  A = A.map((v, i) => v / sd[i % k]);
  return { method, k, mean, A, loadingsBefore: L, loadingsAfter: norm.loadings };
}

/** c = (h - mean) A for m rows. */
export function applyMap(codes: Float64Array, m: number, k: number, mean: Float64Array, A: Float64Array): Float64Array {
  const out = new Float64Array(m * k);
  const d = new Float64Array(k);
  for (let r = 0; r < m; r++) {
    for (let a = 0; a < k; a++) d[a] = codes[r * k + a] - mean[a];
    for (let c = 0; c < k; c++) {
      let acc = 0;
      for (let a = 0; a < k; a++) acc += d[a] * A[a * k + c];
      out[r * k + c] = acc;
    }
  }
  return out;
}

function safeSd(v: number): number {
  return v > 1e-300 ? Math.sqrt(v) : 1;
}
