/**
 * REGENIE level 0 (Mbatchou et al. 2021; regenie src/Step1_Models.cpp ridge_level_0): for one block of
 * standardized variants G (n x m) and every response Y (n x R), K-fold out-of-fold ridge predictions for a
 * grid of shrinkage values. Per fold k the training cross-products are G'G - G_k'G_k and G'Y - G_k'Y; one
 * eigendecomposition of the training G'G serves every lambda and every response:
 *   beta(lambda) = V diag(1 / (d + lambda)) V' (G'Y - G_k'Y),   prediction of fold k = G_k beta.
 * Matrices are column-major: entry (i, j) of an n x m matrix at j * n + i.
 */
import { symmetricEigen } from '../math/linalg';

/** Samples of each fold (indices into 0..n-1), from a fold label per sample. */
export function foldMembers(fold: Int32Array, K: number): Int32Array[] {
  const counts = new Int32Array(K);
  for (let i = 0; i < fold.length; i++) counts[fold[i]]++;
  const out = Array.from({ length: K }, (_, k) => new Int32Array(counts[k]));
  const at = new Int32Array(K);
  for (let i = 0; i < fold.length; i++) out[fold[i]][at[fold[i]]++] = i;
  return out;
}

/** Rows `rows` of a column-major n x m matrix, as a column-major rows.length x m Float64 matrix. */
export function gatherRows(x: ArrayLike<number>, n: number, m: number, rows: Int32Array): Float64Array {
  const nk = rows.length;
  const out = new Float64Array(nk * m);
  for (let j = 0; j < m; j++) {
    const o = j * n;
    const p = j * nk;
    for (let t = 0; t < nk; t++) out[p + t] = x[o + rows[t]];
  }
  return out;
}

/** X'X (m x m, symmetric) of a column-major nk x m matrix, added into `acc`. */
export function addCrossProduct(x: Float64Array, nk: number, m: number, acc: Float64Array): void {
  for (let a = 0; a < m; a++) {
    const oa = a * nk;
    for (let b = 0; b <= a; b++) {
      const ob = b * nk;
      let s = 0;
      for (let t = 0; t < nk; t++) s += x[oa + t] * x[ob + t];
      acc[a * m + b] += s;
      if (a !== b) acc[b * m + a] += s;
    }
  }
}

/** X'Y (m x R, column-major: (j, r) at r * m + j) of column-major nk x m and nk x R matrices, into `acc`. */
export function addCrossY(x: Float64Array, nk: number, m: number, y: Float64Array, R: number, acc: Float64Array): void {
  for (let r = 0; r < R; r++) {
    const oy = r * nk;
    for (let j = 0; j < m; j++) {
      const ox = j * nk;
      let s = 0;
      for (let t = 0; t < nk; t++) s += x[ox + t] * y[oy + t];
      acc[r * m + j] += s;
    }
  }
}

export interface FoldSystem {
  /** Eigenvalues of the training cross-product (descending). */
  d: Float64Array;
  /** V' (training X'Y), m x R column-major. */
  b: Float64Array;
  /** X_k V: held-out rows in the eigenbasis, nk x m column-major. */
  w: Float64Array;
  /** Eigenvectors, row-major m x m (component i of vector j at i * m + j). */
  v: Float64Array;
}

/** The eigen-solved training system of fold k: total minus fold cross-products, and the held-out rows. */
export function foldSystem(
  xk: Float64Array, nk: number, m: number, R: number,
  xtxTotal: Float64Array, xtxK: Float64Array, xtyTotal: Float64Array, xtyK: Float64Array,
): FoldSystem {
  const a = new Float64Array(m * m);
  for (let i = 0; i < m * m; i++) a[i] = xtxTotal[i] - xtxK[i];
  const { values: d, vectors: v } = symmetricEigen(a, m);
  const b = new Float64Array(m * R);
  for (let r = 0; r < R; r++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += v[i * m + j] * (xtyTotal[r * m + i] - xtyK[r * m + i]);
      b[r * m + j] = s;
    }
  }
  const w = new Float64Array(nk * m);
  for (let i = 0; i < m; i++) {
    const ox = i * nk;
    for (let j = 0; j < m; j++) {
      const vij = v[i * m + j];
      if (vij === 0) continue;
      const ow = j * nk;
      for (let t = 0; t < nk; t++) w[ow + t] += xk[ox + t] * vij;
    }
  }
  return { d, b, w, v };
}

/** Held-out predictions W diag(1/(d + lambda)) b_r for one response r, into out[rows[t]]. */
export function foldPredict(s: FoldSystem, nk: number, m: number, r: number, lambda: number, rows: Int32Array, out: Float64Array | Float32Array, outOffset: number): void {
  const pred = new Float64Array(nk);
  for (let j = 0; j < m; j++) {
    const c = s.b[r * m + j] / (s.d[j] + lambda);
    if (c === 0) continue;
    const ow = j * nk;
    for (let t = 0; t < nk; t++) pred[t] += s.w[ow + t] * c;
  }
  for (let t = 0; t < nk; t++) out[outOffset + rows[t]] = pred[t];
}

/**
 * Level-0 predictions of one block: g column-major n x m (standardized genotypes), y column-major n x R
 * (scaled residual responses, 0 where missing). Returns out[(r * L + l) * n + i] = the out-of-fold ridge
 * prediction of response r with lambdas[l] for sample i.
 */
export function ridgeLevel0(
  g: Float64Array, n: number, m: number, y: Float64Array, R: number, members: Int32Array[], lambdas: readonly number[],
): Float64Array {
  const K = members.length;
  const L = lambdas.length;
  const xtx = members.map(() => new Float64Array(m * m));
  const xty = members.map(() => new Float64Array(m * R));
  const tx = new Float64Array(m * m);
  const ty = new Float64Array(m * R);
  const gk: Float64Array[] = [];
  for (let k = 0; k < K; k++) {
    const rows = members[k];
    gk.push(gatherRows(g, n, m, rows));
    addCrossProduct(gk[k], rows.length, m, xtx[k]);
    addCrossY(gk[k], rows.length, m, gatherRows(y, n, R, rows), R, xty[k]);
    for (let i = 0; i < m * m; i++) tx[i] += xtx[k][i];
    for (let i = 0; i < m * R; i++) ty[i] += xty[k][i];
  }
  const out = new Float64Array(R * L * n);
  for (let k = 0; k < K; k++) {
    const rows = members[k];
    const s = foldSystem(gk[k], rows.length, m, R, tx, xtx[k], ty, xty[k]);
    for (let r = 0; r < R; r++) for (let l = 0; l < L; l++) foldPredict(s, rows.length, m, r, lambdas[l], rows, out, (r * L + l) * n);
  }
  return out;
}
