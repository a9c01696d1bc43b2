/**
 * PCA baseline with the same k as the autoencoder, fitted on the same training rows and scored with the same
 * masked loss on the same validation cells.
 *
 * Missing cells: iterative (EM) PCA. Start from the prepared matrix (missing cells 0 = the column mean after
 * standardization), find the top-k principal subspace of the column-centered filled matrix, refill the
 * missing cells with their rank-k reconstruction, and repeat until the filled values settle (RMS change below
 * `tol`, at most `maxEm` rounds). The subspace is found by block subspace iteration with oversampling
 * (r = k + 10 vectors, Rayleigh-Ritz on the r x r projection), warm-started between EM rounds, in float64.
 *
 * Scoring: each row's k scores are the least-squares fit to its observed cells only
 * (z = argmin || x_obs - mu_obs - V_obs z ||), its reconstruction is mu + V z, and the loss is the squared
 * error over observed cells divided by their count: the strongest use of PCA with k components for rows with
 * missing cells. `valLossZeroFill` also reports plain projection of the zero-filled row (what the autoencoder's
 * encoder sees), for reference. Pure JavaScript: the result does not depend on the tfjs backend.
 */
import { addGram, columns } from '../math/denseKernels';
import { createRng } from '../math/rng';
import { symmetricEigen, solveLinear } from '../math/linalg';

export interface PcaInput {
  values: Float32Array;
  mask: Uint8Array;
  n: number;
  p: number;
}

export interface PcaOptions {
  maxEm?: number;
  tol?: number;
  seed?: number;
}

export interface PcaModel {
  k: number;
  p: number;
  /** Column means of the filled training matrix. */
  mean: Float64Array;
  /** p x k, orthonormal columns, by decreasing variance. */
  components: Float64Array;
  /** Variance of the training scores along each component (eigenvalues / (n - 1)). */
  variance: Float64Array;
  emRounds: number;
}

export interface PcaBaselineResult {
  model: PcaModel;
  trainLoss: number;
  valLoss: number;
  valLossZeroFill: number;
  seconds: number;
}

export function pcaBaseline(data: PcaInput, trainRows: Int32Array, valRows: Int32Array, k: number, opts: PcaOptions = {}): PcaBaselineResult {
  const t0 = performance.now();
  const model = fitPca(data, trainRows, k, opts);
  const trainLoss = pcaLoss(model, data, trainRows, 'least-squares');
  const valLoss = pcaLoss(model, data, valRows, 'least-squares');
  const valLossZeroFill = pcaLoss(model, data, valRows, 'zero-fill');
  return { model, trainLoss, valLoss, valLossZeroFill, seconds: (performance.now() - t0) / 1000 };
}

export function fitPca(data: PcaInput, rows: Int32Array, k: number, opts: PcaOptions = {}): PcaModel {
  const { p, values, mask } = data;
  const nt = rows.length;
  if (k > p) throw new RangeError(`PCA: k = ${k} exceeds the number of columns (${p})`);
  if (nt < 2) throw new RangeError(`PCA: need at least 2 training rows, found ${nt}`);
  const maxEm = opts.maxEm ?? 30;
  const tol = opts.tol ?? 1e-4;
  const r = Math.min(p, k + 10, nt);
  const X = new Float64Array(nt * p);
  let nMissing = 0;
  for (let i = 0; i < nt; i++) {
    const src = rows[i] * p;
    for (let j = 0; j < p; j++) {
      X[i * p + j] = values[src + j];
      if (!mask[src + j]) nMissing++;
    }
  }
  const rng = createRng(opts.seed ?? 12345);
  let Q: Float64Array = new Float64Array(p * r);
  for (let i = 0; i < Q.length; i++) Q[i] = rng.normal();
  orthonormalize(Q, p, r);
  const mean = new Float64Array(p);
  let V: Float64Array = new Float64Array(p * k);
  let eig: Float64Array = new Float64Array(k);
  let rounds = 0;
  for (let em = 0; em < maxEm; em++) {
    rounds = em + 1;
    columnMeans(X, nt, p, mean);
    const res = subspace(X, mean, nt, p, r, k, Q, em === 0 ? 300 : 30);
    Q = res.Q;
    V = res.V;
    eig = res.values;
    if (nMissing === 0) break;
    // refill missing cells with the rank-k reconstruction
    let change = 0;
    const z = new Float64Array(k);
    for (let i = 0; i < nt; i++) {
      const src = rows[i] * p;
      let any = false;
      for (let j = 0; j < p; j++) if (!mask[src + j]) any = true;
      if (!any) continue;
      z.fill(0);
      for (let j = 0; j < p; j++) {
        const x = X[i * p + j] - mean[j];
        for (let c = 0; c < k; c++) z[c] += x * V[j * k + c];
      }
      for (let j = 0; j < p; j++) {
        if (mask[src + j]) continue;
        let v = mean[j];
        for (let c = 0; c < k; c++) v += z[c] * V[j * k + c];
        const d = v - X[i * p + j];
        change += d * d;
        X[i * p + j] = v;
      }
    }
    if (Math.sqrt(change / nMissing) < tol) break;
  }
  columnMeans(X, nt, p, mean);
  const variance = eig.map((v) => v / (nt - 1));
  return { k, p, mean, components: V, variance, emRounds: rounds };
}

/** Least-squares (observed cells) or zero-fill projection scores of the given rows: rows x k. */
export function pcaScores(model: PcaModel, data: PcaInput, rows: Int32Array, how: 'least-squares' | 'zero-fill'): Float64Array {
  const { k, p, mean, components: V } = model;
  const out = new Float64Array(rows.length * k);
  const A = new Float64Array(k * k);
  const b = new Float64Array(k);
  for (let ii = 0; ii < rows.length; ii++) {
    const src = rows[ii] * p;
    A.fill(0);
    b.fill(0);
    let complete = true;
    for (let j = 0; j < p; j++) {
      const obs = data.mask[src + j] === 1;
      if (!obs) complete = false;
      // zero-fill: a missing cell enters as 0 (its prepared value), observed cells as they are
      const x = (obs ? data.values[src + j] : how === 'zero-fill' ? 0 : NaN) - mean[j];
      if (Number.isNaN(x)) continue;
      for (let c = 0; c < k; c++) b[c] += x * V[j * k + c];
      if (how === 'least-squares') for (let c = 0; c < k; c++) for (let d = 0; d < k; d++) A[c * k + d] += V[j * k + c] * V[j * k + d];
    }
    let z: Float64Array | null = b;
    if (how === 'least-squares' && !complete) {
      for (let c = 0; c < k; c++) A[c * k + c] += 1e-9;
      z = solveLinear(A, k, b) ?? b;
    }
    out.set(z, ii * k);
  }
  return out;
}

/** Masked MSE of the rank-k reconstruction on the observed cells of `rows`. */
export function pcaLoss(model: PcaModel, data: PcaInput, rows: Int32Array, how: 'least-squares' | 'zero-fill'): number {
  const { k, p, mean, components: V } = model;
  const Z = pcaScores(model, data, rows, how);
  let sse = 0;
  let cells = 0;
  for (let ii = 0; ii < rows.length; ii++) {
    const src = rows[ii] * p;
    for (let j = 0; j < p; j++) {
      if (!data.mask[src + j]) continue;
      let v = mean[j];
      for (let c = 0; c < k; c++) v += Z[ii * k + c] * V[j * k + c];
      const d = v - data.values[src + j];
      sse += d * d;
      cells++;
    }
  }
  return cells > 0 ? sse / cells : NaN;
}

function columnMeans(X: Float64Array, n: number, p: number, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) out[j] += X[i * p + j];
  for (let j = 0; j < p; j++) out[j] /= n;
}

/**
 * Block subspace iteration on C = Xc^T Xc: Q <- orth(C Q), Rayleigh-Ritz each step, until the top-k Ritz values
 * change by less than 1e-10 (relative). C (p x p) is formed once per call with the tiled Gram kernel (n p^2 / 2
 * multiply-adds), so an iteration costs p^2 r instead of two passes over the n x p data (2 n p r): the EM rounds
 * and a slowly converging flat spectrum no longer multiply the passes over the data. Returns the top-k vectors
 * and values (of Xc^T Xc).
 */
function subspace(X: Float64Array, mean: Float64Array, n: number, p: number, r: number, k: number, Q0: Float64Array, maxIter: number) {
  let Q = Q0;
  let prev = new Float64Array(k).fill(NaN);
  let V = new Float64Array(p * k);
  let values = new Float64Array(k);
  const C = centredGram(X, mean, n, p);
  const CQ = new Float64Array(p * r);
  for (let it = 0; it < maxIter; it++) {
    // CQ = C Q
    CQ.fill(0);
    for (let j = 0; j < p; j++) {
      const co = j * r;
      for (let l = 0; l < p; l++) {
        const c = C[j * p + l];
        if (c === 0) continue;
        const qo = l * r;
        for (let t = 0; t < r; t++) CQ[co + t] += c * Q[qo + t];
      }
    }
    // Rayleigh-Ritz: B = Q^T C Q (r x r), eigenvectors U; Ritz vectors Q U
    const B = new Float64Array(r * r);
    for (let j = 0; j < p; j++) for (let a = 0; a < r; a++) {
      const q = Q[j * r + a];
      for (let b = 0; b < r; b++) B[a * r + b] += q * CQ[j * r + b];
    }
    for (let a = 0; a < r; a++) for (let b = a + 1; b < r; b++) B[a * r + b] = B[b * r + a] = (B[a * r + b] + B[b * r + a]) / 2;
    const e = symmetricEigen(B, r);
    V = new Float64Array(p * k);
    for (let j = 0; j < p; j++) for (let c = 0; c < k; c++) {
      let acc = 0;
      for (let a = 0; a < r; a++) acc += Q[j * r + a] * e.vectors[a * r + c];
      V[j * k + c] = acc;
    }
    values = e.values.slice(0, k);
    let done = true;
    for (let c = 0; c < k; c++) if (!(Math.abs(values[c] - prev[c]) <= 1e-10 * Math.abs(values[0]))) done = false;
    prev = values;
    if (done) break;
    // next block: orth(C Q) rotated into the Ritz basis keeps the ordering stable
    const Qn = Float64Array.from(CQ);
    orthonormalize(Qn, p, r);
    Q = Qn;
  }
  orthonormalize(V, p, k);
  return { Q, V, values };
}

/** Xc^T Xc (p x p) of the row-major n x p data X centred by `mean`. */
function centredGram(X: Float64Array, mean: Float64Array, n: number, p: number): Float64Array {
  const xc = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) xc[j * n + i] = X[i * p + j] - mean[j];
  const C = new Float64Array(p * p);
  addGram(columns(xc, n, p), 0, n, C);
  return C;
}

/** Modified Gram-Schmidt on the r columns of a (p x r, row-major), twice for stability. */
function orthonormalize(a: Float64Array, p: number, r: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let c = 0; c < r; c++) {
      for (let d = 0; d < c; d++) {
        let dot = 0;
        for (let j = 0; j < p; j++) dot += a[j * r + c] * a[j * r + d];
        for (let j = 0; j < p; j++) a[j * r + c] -= dot * a[j * r + d];
      }
      let nrm = 0;
      for (let j = 0; j < p; j++) nrm += a[j * r + c] * a[j * r + c];
      nrm = Math.sqrt(nrm);
      if (nrm > 0) for (let j = 0; j < p; j++) a[j * r + c] /= nrm;
    }
  }
}
